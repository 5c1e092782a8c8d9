"""The "coordogeo" Processing provider: its algorithms, its icon, its outputs."""

from __future__ import annotations

from pathlib import Path

from qgis.core import QgsProcessingProvider
from qgis.PyQt.QtGui import QIcon

from .algorithms import ALGORITHMS


class CoordogeoProvider(QgsProcessingProvider):
    """Offer every coordogeo algorithm in the toolbox, under "coordogeo"."""

    def id(self):
        return "coordogeo"

    def name(self):
        return "coordogeo"

    def longName(self):
        from coordogeo import __version__

        return f"coordogeo {__version__}"

    def icon(self):
        return QIcon(str(Path(__file__).with_name("icon.svg")))

    def svgIconPath(self):
        return str(Path(__file__).with_name("icon.svg"))

    def loadAlgorithms(self):
        for algorithm in ALGORITHMS:
            self.addAlgorithm(algorithm())

    def supportedOutputVectorLayerExtensions(self):
        # outputs are GeoPackages: they carry their QGIS style
        return ["gpkg"]

    def defaultVectorFileExtension(self, hasGeometry=True):
        return "gpkg"
