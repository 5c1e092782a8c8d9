"""The plugin QGIS loads: it adds the "coordogeo" Processing provider.

Where the coordogeo library cannot be imported in QGIS's Python, the plugin
still loads: it says how to install the library (message bar, message log) and
adds no provider, instead of failing with a traceback.
"""

from __future__ import annotations

import sys

from qgis.core import Qgis, QgsApplication, QgsMessageLog

from .words import say

#: The tab of QGIS's message log the plugin writes to.
LOG_TAB = "coordogeo"


def library_missing() -> str | None:
    """Return why the coordogeo library cannot be imported, or None."""
    try:
        import geopandas  # noqa: F401

        import coordogeo  # noqa: F401
    except Exception as err:
        return say(
            "install",
            python=sys.executable,
            error=f"{type(err).__name__}: {err}",
            version=".".join(map(str, sys.version_info[:3])),
        )
    return None


class CoordogeoPlugin:
    """Register the provider when QGIS initialises Processing; remove it on unload."""

    def __init__(self, iface):
        self.iface = iface
        self.provider = None
        self.missing = None

    def initProcessing(self):
        """Add the provider (QGIS calls this, also without a GUI)."""
        self.missing = library_missing()
        if self.missing is not None:
            QgsMessageLog.logMessage(self.missing, LOG_TAB, Qgis.Warning)
            return
        from .provider import CoordogeoProvider

        self.provider = CoordogeoProvider()
        QgsApplication.processingRegistry().addProvider(self.provider)

    def initGui(self):
        """Add the provider; say in the message bar if the library is missing."""
        self.initProcessing()
        if self.missing is not None and self.iface is not None:
            self.iface.messageBar().pushMessage(
                say("missing_title"), self.missing.splitlines()[0], Qgis.Warning, 0
            )

    def unload(self):
        """Remove the provider."""
        if self.provider is not None:
            QgsApplication.processingRegistry().removeProvider(self.provider)
            self.provider = None
