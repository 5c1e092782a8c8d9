"""The under-served zones' words: what a rule adds, why an area is in its zonage."""

from __future__ import annotations

from typing import Final

__all__ = ["MISSING", "ZONAGE_REASONS"]

#: What a reason adds when a missing value fired its rule: (a time, another value).
MISSING: Final = {
    "fr": (" (non accessible)", " (valeur manquante)"),
    "en": (" (unreachable)", " (missing value)"),
}


#: Why an area is in its category, by language (the categories keep their names).
ZONAGE_REASONS: Final = {
    "fr": {
        "mandatory": "APL < {zip} : ZIP obligatoire",
        "left": "{zip} ≤ APL < {zac} : vivier non retenu",
        "above": "APL ≥ {zac} : hors vivier",
        "zac": "{zip} ≤ APL < {zac} : ZAC",
        "no_cap": "vivier : ZAC (pas de plafond)",
        "chosen": "vivier : retenue en {name} (APL la plus basse, plafond {cap} %)",
    },
    "en": {
        "mandatory": "APL < {zip}: ZIP, mandatory",
        "left": "{zip} ≤ APL < {zac}: vivier, not chosen",
        "above": "APL ≥ {zac}: hors vivier",
        "zac": "{zip} ≤ APL < {zac}: ZAC",
        "no_cap": "vivier: ZAC (no cap)",
        "chosen": "vivier: chosen as {name} (lowest APL, cap {cap}%)",
    },
}
