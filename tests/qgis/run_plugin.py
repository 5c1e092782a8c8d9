"""Install the plugin's zip in a fresh QGIS profile and run every algorithm.

Run by ``tests/test_qgis_plugin.py`` under QGIS's Python (``/usr/bin/python3``,
``QT_QPA_PLATFORM=offscreen``), with coordogeo importable::

    python3 run_plugin.py PROFILE ZIP LAYERS MODEL CONFIG OUT.json

It unzips the plugin into the fresh profile's plugin folder (what « Installer
depuis un ZIP » does), loads it as QGIS does, runs each algorithm through
``processing.run`` on the sample's layers in ``LAYERS``, runs the model file
``MODEL`` (two algorithms chained in the graphical modeler), runs the
configuration ``CONFIG`` and loads its outputs into a project, and writes what it
saw (outputs, their styles, errors, the toolbox's names in French and English)
to ``OUT.json``; the test compares the numbers with the library's.
"""

from __future__ import annotations

import json
import os
import sys
import zipfile
from pathlib import Path

from qgis.core import (
    QgsApplication,
    QgsProcessingContext,
    QgsProcessingException,
    QgsProcessingFeedback,
    QgsProcessingModelAlgorithm,
    QgsProject,
    QgsSettings,
    QgsVectorLayer,
)

PROFILE, ZIPPED, LAYERS, MODEL, CONFIG, OUT = (Path(a) for a in sys.argv[1:7])
APP = QgsApplication([], False, str(PROFILE))
APP.initQgis()
sys.path.append(str(Path(QgsApplication.pkgDataPath()) / "python" / "plugins"))

import processing
import qgis.utils
from processing.core.Processing import Processing

Processing.initialize()
seen: dict = {}
SETTINGS = QgsSettings()  # QGIS in French, whatever the machine's language
SETTINGS.setValue("locale/overrideFlag", True)
SETTINGS.setValue("locale/userLocale", "fr_FR")

# --- install the zip into the fresh profile, load it as QGIS does -------------
plugins = Path(QgsApplication.qgisSettingsDirPath()) / "python" / "plugins"
seen["profile_fresh"] = not plugins.exists()
plugins.mkdir(parents=True, exist_ok=True)
with zipfile.ZipFile(ZIPPED) as z:
    z.extractall(plugins)
qgis.utils.plugin_paths = [str(plugins)]
sys.path.insert(0, str(plugins))
qgis.utils.updateAvailablePlugins()
seen["available"] = sorted(qgis.utils.available_plugins)
seen["metadata_name"] = qgis.utils.pluginMetadata("coordogeo_qgis", "name")
seen["loaded"] = qgis.utils.loadPlugin("coordogeo_qgis")
seen["started"] = qgis.utils.startProcessingPlugin("coordogeo_qgis")
registry = QgsApplication.processingRegistry()
provider = registry.providerById("coordogeo")
seen["algorithms"] = sorted(a.id() for a in provider.algorithms()) if provider else []


def names() -> dict:
    return {
        a.id(): [a.displayName(), a.group(), a.shortHelpString()]
        for a in registry.providerById("coordogeo").algorithms()
    }


seen["names_fr"] = names()


def layer_of(source: str) -> dict:
    """Return what QGIS shows of an output: valid, features, style, rule labels."""
    layer = QgsVectorLayer(source, "output", "ogr")
    renderer = layer.renderer() if layer.isSpatial() else None
    rules = []
    if renderer is not None and renderer.type() == "RuleRenderer":
        rules = [r.label() for r in renderer.rootRule().children()]
    styles = layer.listStylesInDatabase()
    return {
        "source": source,
        "valid": layer.isValid(),
        "features": layer.featureCount(),
        "renderer": None if renderer is None else renderer.type(),
        "rules": rules,
        "styles_in_database": list(styles[2]) if styles and styles[0] else [],
        "fields": [f.name() for f in layer.fields()],
    }


def run(key: str, parameters: dict, *, feedback=None, context=None) -> dict:
    """Run ``coordogeo:key``; return its results and outputs, or its error."""
    try:
        result = processing.run(
            f"coordogeo:{key}", parameters, feedback=feedback, context=context
        )
    except QgsProcessingException as err:
        return {"error": str(err)}
    out = {"results": dict(result.items())}
    for name, value in result.items():
        if isinstance(value, str) and "|layername=" in value:
            out[name] = layer_of(value)
    return out


L = {p.stem: str(p) for p in LAYERS.glob("*.gpkg")}
tmp = "TEMPORARY_OUTPUT"
network = run("reseau_routier", {"ROADS": L["routes"], "OUTPUT": tmp})
seen["reseau_routier"] = network
net = network["results"]["OUTPUT"]
places = {"PLACES": L["carreaux"], "NETWORK": net}
seen["temps_acces"] = run(
    "temps_acces", {**places, "STRUCTURES": L["structures"], "OUTPUT": tmp}
)
seen["isochrones"] = run(
    "isochrones",
    {"SITES": L["structures"], "NETWORK": net, "THRESHOLDS": "10, 20", "OUTPUT": tmp},
)
seen["matrice_temps"] = run(
    "matrice_temps",
    {
        "ORIGINS": L["communes"],
        "ORIGIN_ID": "insee",
        "DESTINATIONS": L["structures"],
        "DESTINATION_ID": "id",
        "NETWORK": net,
        "MAX_TIME": 30,
        "OUTPUT": tmp,
    },
)
seen["indice_e2sfca"] = run(
    "indice_accessibilite",
    {
        **places,
        "STRUCTURES": L["structures"],
        "METHOD": 1,
        "DECAY": 1,
        "MAX_TIME": 30,
        "OUTPUT": tmp,
    },
)
seen["indice_apl"] = run(
    "indice_accessibilite",
    {
        "PLACES": L["communes_ages"],
        "NETWORK": net,
        "STRUCTURES": L["structures"],
        "METHOD": 5,
        "DECAY": 1,
        "MAX_TIME": 30,
        "AGE_WEIGHTS": (LAYERS / "age_weights.txt").read_text(),
        "OUTPUT": tmp,
    },
)
seen["couverture_cpts"] = run(
    "couverture_cpts",
    {"COMMUNES": L["communes"], "MEMBERS": L["cpts"], "TERRITORIES": tmp, "GAPS": tmp},
)
seen["couverture_complete"] = run(  # every commune in one CPTS: nothing odd
    "couverture_cpts",
    {
        "COMMUNES": L["communes"],
        "MEMBERS": L["cpts_complet"],
        "TERRITORIES": tmp,
        "GAPS": tmp,
    },
)
times = seen["temps_acces"]["results"]["OUTPUT"]
seen["zones_mal_desservies"] = run(
    "zones_mal_desservies",
    {"PLACES": times, "TIME": "temps_min_MSP", "THRESHOLD": 20, "OUTPUT": tmp},
)
seen["zonage"] = run(
    "zonage",
    {
        "AREAS": seen["indice_apl"]["results"]["OUTPUT"],
        "APL": "apl_consultations_par_hab",
        "OUTPUT": tmp,
    },
)
seen["sites_proposes"] = run(
    "sites_proposes",
    {
        **places,
        "STRUCTURES": L["msp"],
        "CANDIDATES": L["candidats"],
        "N_SITES": 2,
        "MAX_TIME": 20,
        "METHOD": 0,
        "OUTPUT": tmp,
    },
)
seen["acces_niveau_vie"] = run(
    "acces_niveau_vie",
    {
        "PLACES": times,
        "TIME": "temps_min_MSP",
        "INCOME": "niveau_vie_moyen",
        "OUTPUT": tmp,
    },
)
seen["scenario"] = run(
    "scenario",
    {
        **places,
        "STRUCTURES": L["structures"],
        "STRUCTURES_ID": "id",
        "OPEN": L["ouvrir"],
        "CLOSE": "MSP-01, CDS-02",
        "MAX_TIME": 30,
        "OUTPUT": tmp,
    },
)

# --- a user's mistake: the library's message, no traceback -------------------
seen["bad_kind"] = run(
    "temps_acces",
    {**places, "STRUCTURES": L["structures"], "STRUCTURES_KIND": "nope", "OUTPUT": tmp},
)
seen["bad_roads"] = run("reseau_routier", {"OUTPUT": tmp})
seen["bad_weights"] = run(
    "indice_accessibilite",
    {
        "PLACES": L["communes_ages"],
        "NETWORK": net,
        "STRUCTURES": L["structures"],
        "METHOD": 5,
        "AGE_WEIGHTS": "ind_0_3 = beaucoup",
        "OUTPUT": tmp,
    },
)


class Cancelling(QgsProcessingFeedback):
    """Press Cancel as soon as the algorithm says something."""

    def pushInfo(self, info):  # noqa: N802, D102
        super().pushInfo(info)
        self.cancel()


seen["cancelled"] = run(
    "temps_acces",
    {**places, "STRUCTURES": L["structures"], "OUTPUT": tmp},
    feedback=Cancelling(),
)


class Logged(QgsProcessingFeedback):
    """Keep what the algorithm says and how far its progress bar goes."""

    def __init__(self):
        super().__init__()
        self.lines, self.steps = [], []

    def pushInfo(self, info):  # noqa: N802, D102
        self.lines.append(info)

    def setProgress(self, progress):  # noqa: N802, D102
        self.steps.append(progress)
        super().setProgress(progress)


logged = Logged()
run(
    "temps_acces",
    {**places, "STRUCTURES": L["structures"], "OUTPUT": tmp},
    feedback=logged,
)
seen["log_lines"], seen["progress"] = logged.lines, logged.steps

# --- the graphical modeler: the model file chains two algorithms --------------
model = QgsProcessingModelAlgorithm()
seen["model_loaded"] = model.fromFile(str(MODEL))
seen["model_children"] = sorted(
    c.algorithmId() for c in model.childAlgorithms().values()
)
try:
    ran = processing.run(
        model,
        {
            "routes": L["routes"],
            "carreaux": L["carreaux"],
            "structures": L["structures"],
            "coordogeo:temps_acces_1:temps": tmp,
        },
    )
    seen["model"] = {
        k: layer_of(v) if isinstance(v, str) and "|layername=" in v else v
        for k, v in ran.items()
    }
except QgsProcessingException as err:
    seen["model"] = {"error": str(err)}

# --- the whole configuration, its outputs loaded into a project ---------------
project = QgsProject()
context = QgsProcessingContext()
context.setProject(project)
feedback = Logged()
ran = run(
    "executer_configuration",
    {"CONFIG": str(CONFIG), "OUTPUT_FOLDER": tmp},
    context=context,
    feedback=feedback,
)
queued = context.layersToLoadOnCompletion()
for source, details in queued.items():
    layer = QgsVectorLayer(source, details.name, "ogr")
    project.addMapLayer(layer)
    if details.postProcessor() is not None:
        details.postProcessor().postProcessLayer(layer, context, feedback)
seen["configuration"] = {
    **ran,
    "project_layers": sorted(
        [lay.name(), lay.isValid(), lay.renderer().type() if lay.isSpatial() else None]
        for lay in project.mapLayers().values()
    ),
    "progress": feedback.steps,
    "log": feedback.lines,
}

# --- a configuration run cancelled: nothing left behind ----------------------
stopped = OUT.parent / "annule"
seen["configuration_cancelled"] = run(
    "executer_configuration",
    {"CONFIG": str(CONFIG), "OUTPUT_FOLDER": str(stopped)},
    feedback=Cancelling(),
)
seen["configuration_cancelled"]["left"] = (
    sorted(p.name for p in stopped.iterdir()) if stopped.exists() else []
)

# --- QGIS in English: the toolbox in English -----------------------------------
settings = QgsSettings()
settings.setValue("locale/overrideFlag", True)
settings.setValue("locale/userLocale", "en_GB")
seen["names_en"] = names()
seen["bad_roads_en"] = run("reseau_routier", {"OUTPUT": tmp})

OUT.write_text(json.dumps(seen, ensure_ascii=False, indent=1), encoding="utf-8")
sys.stdout.flush()
sys.stderr.flush()
# QGIS 3.22 may crash tearing down Processing's Python objects at exit; what was
# seen is written: leave without the teardown
os._exit(0)
