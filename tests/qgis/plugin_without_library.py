"""Load the plugin's zip in a fresh QGIS profile where coordogeo is not installed.

Run by ``tests/test_qgis_plugin.py`` under QGIS's Python without coordogeo on its
path::

    python3 plugin_without_library.py PROFILE ZIP

Prints JSON: whether QGIS loaded and started the plugin, whether a provider was
added, and what the plugin wrote to QGIS's message log.
"""

from __future__ import annotations

import json
import os
import sys
import zipfile
from pathlib import Path

from qgis.core import QgsApplication, QgsSettings

PROFILE, ZIPPED = (Path(a) for a in sys.argv[1:3])
APP = QgsApplication([], False, str(PROFILE))
APP.initQgis()
SETTINGS = QgsSettings()  # QGIS in French, whatever the machine's language
SETTINGS.setValue("locale/overrideFlag", True)
SETTINGS.setValue("locale/userLocale", "fr_FR")
messages: list[list[str]] = []
QgsApplication.messageLog().messageReceived.connect(
    lambda text, tag, level: messages.append([tag, text])
)
import qgis.utils

plugins = Path(QgsApplication.qgisSettingsDirPath()) / "python" / "plugins"
plugins.mkdir(parents=True, exist_ok=True)
with zipfile.ZipFile(ZIPPED) as z:
    z.extractall(plugins)
qgis.utils.plugin_paths = [str(plugins)]
sys.path.insert(0, str(plugins))
qgis.utils.updateAvailablePlugins()
seen = {
    "loaded": qgis.utils.loadPlugin("coordogeo_qgis"),
    "started": qgis.utils.startProcessingPlugin("coordogeo_qgis"),
}
registry = QgsApplication.processingRegistry()
seen["provider"] = registry.providerById("coordogeo") is not None
seen["messages"] = [m for m in messages if m[0] == "coordogeo"]
print(json.dumps(seen, ensure_ascii=False))
sys.stdout.flush()
os._exit(0)  # QGIS 3.22 may crash tearing down its Python objects at exit
