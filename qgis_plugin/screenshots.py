"""Draw the « Dans QGIS » page's screenshots, in QGIS itself (headless).

    QT_QPA_PLATFORM=offscreen python3 qgis_plugin/screenshots.py OUT LAYERS

Under QGIS's Python with coordogeo importable; ``LAYERS`` holds the sample's
layers as ``tests/test_qgis_plugin.py`` writes them (``routes``, ``carreaux``,
``structures``, ``communes`` GeoPackages). Writes to ``OUT``: the toolbox, the
dialog of « Temps d'accès à la structure la plus proche », and its result (the
styled layer with its legend).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from qgis.core import (
    QgsApplication,
    QgsLayoutExporter,
    QgsLayoutItemLegend,
    QgsLayoutItemMap,
    QgsLayoutPoint,
    QgsLayoutSize,
    QgsPrintLayout,
    QgsProject,
    QgsVectorLayer,
)

OUT, LAYERS = Path(sys.argv[1]), Path(sys.argv[2])
APP = QgsApplication([], True)
APP.initQgis()
sys.path.append(str(Path(QgsApplication.pkgDataPath()) / "python" / "plugins"))
sys.path.insert(0, str(Path(__file__).parent))

import processing  # noqa: E402
from coordogeo_qgis.provider import CoordogeoProvider  # noqa: E402
from processing.core.Processing import Processing  # noqa: E402
from processing.gui.AlgorithmDialog import AlgorithmDialog  # noqa: E402
from qgis.gui import QgsProcessingToolboxTreeView  # noqa: E402

Processing.initialize()
PROVIDER = CoordogeoProvider()
registry = QgsApplication.processingRegistry()
registry.addProvider(PROVIDER)

toolbox = QgsProcessingToolboxTreeView(None, registry)
toolbox.setFilterString("coordogeo")
toolbox.expandAll()
toolbox.resize(420, 560)
toolbox.show()
APP.processEvents()
toolbox.grab().save(str(OUT / "qgis_boite_a_outils.png"))

dialog = AlgorithmDialog(registry.createAlgorithmById("coordogeo:temps_acces"), False)
dialog.resize(900, 640)
dialog.show()
APP.processEvents()
dialog.grab().save(str(OUT / "qgis_temps_acces_dialogue.png"))

temporary = "TEMPORARY_OUTPUT"
roads = str(LAYERS / "routes.gpkg")
network = processing.run(
    "coordogeo:reseau_routier", {"ROADS": roads, "OUTPUT": temporary}
)["OUTPUT"]
times = processing.run(
    "coordogeo:temps_acces",
    {
        "PLACES": str(LAYERS / "carreaux.gpkg"),
        "STRUCTURES": str(LAYERS / "structures.gpkg"),
        "NETWORK": network,
        "OUTPUT": temporary,
    },
)["OUTPUT"]
layer = QgsVectorLayer(times, "Temps jusqu'à la MSP la plus proche", "ogr")
communes = QgsVectorLayer(str(LAYERS / "communes.gpkg"), "Communes", "ogr")
communes.renderer().symbol().setOpacity(0.0)
project = QgsProject.instance()
project.addMapLayers([layer, communes])
project.setCrs(layer.crs())
layout = QgsPrintLayout(project)
layout.initializeDefaults()
layout.pageCollection().page(0).setPageSize(QgsLayoutSize(260, 160))
frame = QgsLayoutItemMap(layout)
frame.attemptMove(QgsLayoutPoint(5, 5))
frame.attemptResize(QgsLayoutSize(150, 150))
layout.addLayoutItem(frame)
frame.setCrs(layer.crs())
frame.setLayers([communes, layer])
frame.setExtent(layer.extent())
legend = QgsLayoutItemLegend(layout)
legend.setLinkedMap(frame)
legend.setTitle("Temps d'accès (MSP)")
legend.attemptMove(QgsLayoutPoint(160, 10))
layout.addLayoutItem(legend)
settings = QgsLayoutExporter.ImageExportSettings()
settings.dpi = 110
QgsLayoutExporter(layout).exportToImage(
    str(OUT / "qgis_temps_acces_resultat.png"), settings
)
os._exit(0)  # QGIS 3.22 may crash tearing down its Python objects at exit
