"""Open a GeoPackage in QGIS (PyQGIS, headless) and say what QGIS sees, as JSON.

Run with the Python that has QGIS (Debian's ``python3-qgis``), not the venv's:
``python3 tests/qgis/read_geopackage.py resultats.gpkg``. For each feature layer:
valid, features, its title, and each style of the GeoPackage's ``layer_styles``
(the default first): loaded, its renderer, rules whose expression does not parse,
features in no rule and in several rules, features per rule.
"""

import json
import os
import sqlite3
import sys

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from qgis.core import (
    QgsApplication,
    QgsExpression,
    QgsExpressionContext,
    QgsExpressionContextUtils,
    QgsRuleBasedRenderer,
    QgsVectorLayer,
)
from qgis.PyQt.QtXml import QDomDocument


def rules_seen(layer):
    """Return what the layer's rule-based renderer makes of its features."""
    renderer = layer.renderer()
    out = {"renderer": type(renderer).__name__}
    if not isinstance(renderer, QgsRuleBasedRenderer):
        return out
    rules = list(renderer.rootRule().children())
    expressions = [QgsExpression(r.filterExpression()) for r in rules]
    context = QgsExpressionContext()
    context.appendScopes(QgsExpressionContextUtils.globalProjectLayerScopes(layer))
    counts, none, several = [0] * len(rules), 0, 0
    for feature in layer.getFeatures():
        context.setFeature(feature)
        hits = [k for k, e in enumerate(expressions) if e.evaluate(context)]
        for k in hits:
            counts[k] += 1
        none += not hits
        several += len(hits) > 1
    out |= {
        "labels": [r.label() for r in rules],
        "colours": [r.symbol().color().name() for r in rules],
        "parse_errors": [
            r.label()
            for r, e in zip(rules, expressions, strict=False)
            if e.hasParserError()
        ],
        "none": none,
        "several": several,
        "counts": counts,
    }
    return out


def main(path):
    app = QgsApplication([], False)
    app.initQgis()
    with sqlite3.connect(path) as db:
        contents = db.execute(
            "SELECT table_name, identifier, description FROM gpkg_contents "
            "WHERE data_type = 'features'"
        ).fetchall()
    seen = {}
    for name, identifier, description in contents:
        layer = QgsVectorLayer(f"{path}|layername={name}", name, "ogr")
        entry = {
            "valid": layer.isValid(),
            "features": layer.featureCount(),
            "identifier": identifier,
            "description": description,
            "styles": [],
        }
        # the layer's own styles come first, then those of the other layers
        count, ids, names, _, _ = layer.listStylesInDatabase()
        entry["listed"] = count
        for style_id, style_name in zip(ids[:count], names[:count], strict=False):
            qml, _error = layer.getStyleFromDatabase(style_id)
            document = QDomDocument()
            loaded = bool(qml) and document.setContent(qml)
            if loaded:
                loaded, _ = layer.importNamedStyle(document)
            entry["styles"].append(
                {"name": style_name, "loaded": bool(loaded), **rules_seen(layer)}
            )
        seen[name] = entry
        del layer  # before QGIS goes: a layer outliving it crashes the exit
    print(json.dumps(seen, ensure_ascii=False), flush=True)
    app.exitQgis()


if __name__ == "__main__":
    main(sys.argv[1])
