"""coordogeo in QGIS: a Processing provider over the coordogeo library.

QGIS calls :func:`classFactory` when it loads the plugin. The library itself is
installed in QGIS's Python (``pip install coordogeo``); where it is missing, the
plugin loads all the same and says how to install it.
"""


def classFactory(iface):
    """Return the plugin (QGIS's entry point)."""
    from .plugin import CoordogeoPlugin

    return CoordogeoPlugin(iface)
