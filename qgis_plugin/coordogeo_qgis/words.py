"""The plugin's words in French (QGIS in any language but English) and English."""

from __future__ import annotations

from qgis.core import QgsSettings
from qgis.PyQt.QtCore import QLocale


def qgis_lang() -> str:
    """Return ``"en"`` when QGIS runs in English, else ``"fr"`` (the default)."""
    settings = QgsSettings()
    chosen = ""
    if settings.value("locale/overrideFlag", False, type=bool):
        chosen = str(settings.value("locale/userLocale", "") or "")
    if not chosen:
        chosen = QLocale.system().name()  # QGIS's interface follows the system
    return "en" if chosen.lower().startswith("en") else "fr"


def say(key: str, **values: object) -> str:
    """Return the text ``key`` in QGIS's language, with ``values`` put in."""
    text = WORDS[qgis_lang()][key]
    return text.format(**values) if values else text


INSTALL_FR = (
    "La bibliothèque Python coordogeo est introuvable dans le Python de QGIS "
    "({python}) : {error}.\n"
    "Installez-la, puis redémarrez QGIS :\n"
    "- Windows (OSGeo4W ou installeur QGIS) : ouvrez « OSGeo4W Shell » et tapez\n"
    "    python -m pip install coordogeo\n"
    "- Debian / Ubuntu (QGIS des paquets) : dans un terminal\n"
    "    python3 -m pip install --user --break-system-packages coordogeo\n"
    "- macOS (QGIS.app) : dans un terminal\n"
    "    /Applications/QGIS.app/Contents/MacOS/bin/python3 -m pip install coordogeo\n"
    "coordogeo demande Python 3.11 ou plus récent ; celui de QGIS est le {version} "
    "(s'il est plus ancien, installez une version plus récente de QGIS)."
)
INSTALL_EN = (
    "The coordogeo Python library cannot be found in QGIS's Python ({python}): "
    "{error}.\n"
    "Install it, then restart QGIS:\n"
    '- Windows (OSGeo4W or the QGIS installer): open "OSGeo4W Shell" and type\n'
    "    python -m pip install coordogeo\n"
    "- Debian / Ubuntu (packaged QGIS): in a terminal\n"
    "    python3 -m pip install --user --break-system-packages coordogeo\n"
    "- macOS (QGIS.app): in a terminal\n"
    "    /Applications/QGIS.app/Contents/MacOS/bin/python3 -m pip install coordogeo\n"
    "coordogeo needs Python 3.11 or later; QGIS's is {version} (if it is older, "
    "install a more recent QGIS)."
)

WORDS: dict[str, dict[str, str]] = {
    "fr": {
        "install": INSTALL_FR,
        "missing_title": "coordogeo n'est pas installé",
        "cancelled": "Annulé : rien n'a été écrit.",
        "internal": (
            "Erreur interne {kind} : {error}. Relancez ; si elle revient, "
            "signalez-la avec le journal (la trace complète est dans le journal "
            "des messages de QGIS, onglet « coordogeo »)."
        ),
        "reading": "Lecture de « {name} »…",
        "writing": "Écriture de « {name} »…",
        "empty": "« {name} » : aucune entité, la couche est vide.",
        "log_model": "Modèle de temps : {model}",
        "g_network": "Réseau routier",
        "g_access": "Accès",
        "g_indices": "Indices d'accessibilité",
        "g_coverage": "Couverture CPTS",
        "g_underserved": "Zones mal desservies",
        "g_equity": "Équité",
        "g_scenarios": "Scénarios",
        "g_run": "Configuration",
        "verb": "Fonction de la bibliothèque : {verb}",
    },
    "en": {
        "install": INSTALL_EN,
        "missing_title": "coordogeo is not installed",
        "cancelled": "Cancelled: nothing was written.",
        "internal": (
            "Internal error {kind}: {error}. Run it again; if it comes back, "
            "report it with the log (the whole traceback is in QGIS's message log, "
            'tab "coordogeo").'
        ),
        "reading": 'Reading "{name}"…',
        "writing": 'Writing "{name}"…',
        "empty": '"{name}": no feature, the layer is empty.',
        "log_model": "Time model: {model}",
        "g_network": "Road network",
        "g_access": "Access",
        "g_indices": "Accessibility indices",
        "g_coverage": "CPTS coverage",
        "g_underserved": "Under-served zones",
        "g_equity": "Equity",
        "g_scenarios": "Scenarios",
        "g_run": "Configuration",
        "verb": "Library function: {verb}",
    },
}
