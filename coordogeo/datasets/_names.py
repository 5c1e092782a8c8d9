"""Fictional French-sounding commune names, drawn from syllables."""

from __future__ import annotations

import numpy as np

_PREFIXES = ("", "", "", "", "Saint-", "Sainte-", "Le ", "La ", "Les ", "Mont")
_HEADS = (
    "Cas",
    "Bel",
    "Fon",
    "Gar",
    "Lau",
    "Mar",
    "Ver",
    "Sal",
    "Ber",
    "Cour",
    "Al",
    "Bas",
    "Gour",
    "Ro",
    "Bou",
    "Cé",
    "Dou",
    "Es",
    "Fi",
    "Gi",
    "Lar",
    "Mon",
    "Pey",
    "Pra",
    "Ri",
    "Sou",
    "Tei",
    "Va",
    "Vi",
    "Ca",
    "Li",
    "Pu",
    "Sé",
    "Tau",
    "Lou",
)
_MIDS = ("", "", "", "ri", "la", "ve", "ne", "ga", "li", "ro", "sa", "to", "mé")
_TAILS = (
    "nac",
    "gnac",
    "zac",
    "lhac",
    "rac",
    "ssac",
    "jac",
    "ville",
    "mont",
    "val",
    "ès",
    "ols",
    "ens",
    "arde",
    "ouze",
    "ière",
    "ac",
    "eilles",
    "ial",
    "ours",
)
_SUFFIXES = (
    "",
    "",
    "",
    "",
    "",
    "",
    "-sur-Ombre",
    "-en-Causse",
    "-le-Vieux",
    "-les-Bois",
)


def commune_names(rng: np.random.Generator, n: int) -> list[str]:
    """Return ``n`` distinct fictional names, deterministic for a given ``rng``."""
    names: list[str] = []
    seen: set[str] = set()
    while len(names) < n:
        parts = [rng.choice(p) for p in (_PREFIXES, _HEADS, _MIDS, _TAILS, _SUFFIXES)]
        prefix, head, mid, tail, suffix = (str(p) for p in parts)
        root = (head + mid + tail).capitalize()
        name = f"{prefix}{root.lower() if prefix == 'Mont' else root}{suffix}"
        if name not in seen:
            seen.add(name)
            names.append(name)
    return names
