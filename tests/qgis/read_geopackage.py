"""Open a GeoPackage in QGIS (PyQGIS, headless) and say what QGIS sees, as JSON.

Run with the Python that has QGIS (Debian's ``python3-qgis``), not the venv's:
``python3 tests/qgis/read_geopackage.py resultats.gpkg [OUT]``. For each feature
layer: valid, features, its title, and each style of the GeoPackage's
``layer_styles`` (the default first): loaded, its renderer, rules whose expression
does not parse, features in no rule and in several rules, features per rule. Then
the project stored in the GeoPackage: read or not, its layers (valid, features),
its print layouts (their items), each exported to ``OUT/<n>.png`` at 60 dpi.
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
    QgsLayoutExporter,
    QgsProject,
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


def project_seen(path, out):
    """Return what QGIS reads of the GeoPackage's project; export its layouts."""
    with sqlite3.connect(path) as db:
        names = [r[0] for r in db.execute("SELECT name FROM qgis_projects")]
    if not names:
        return {"names": []}
    project = QgsProject.instance()
    read = project.read(f"geopackage:{path}?projectName={names[0]}")
    layers = {
        layer_id: [layer.isValid(), layer.featureCount(), layer.name()]
        for layer_id, layer in project.mapLayers().items()
    }
    layouts = {}
    for k, layout in enumerate(project.layoutManager().printLayouts()):
        settings = QgsLayoutExporter.ImageExportSettings()
        settings.dpi = 60
        settings.exportMetadata = False  # GDAL cannot write it into a PNG
        exported = (
            QgsLayoutExporter(layout).exportToImage(
                os.path.join(out, f"{k}.png"), settings
            )
            if out
            else None
        )
        layouts[layout.name()] = {
            "file": f"{k}.png",
            "exported": int(exported) if exported is not None else None,
            "items": sorted(type(item).__name__ for item in layout.items()),
        }
    tree = [group.name() for group in project.layerTreeRoot().children()]
    return {
        "names": names,
        "read": read,
        "title": project.title(),
        "layers": layers,
        "layouts": layouts,
        "groups": tree,
    }


def main(path, out=None):
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
    seen = {"layers": seen, "project": project_seen(path, out)}
    print(json.dumps(seen, ensure_ascii=False), flush=True)
    app.exitQgis()


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2] if len(sys.argv) > 2 else None)
