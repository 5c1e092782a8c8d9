"""The output vocabulary: result column names that several capabilities read.

Every capability writes its results under these names and ``maps``, ``coverage``,
``underserved`` and the batch pipeline read them back by name, so that none of them
imports another capability to know what a column is called. The French names of
the written tables (:func:`french_name`) live here too, beside the English ones.
"""

from __future__ import annotations

import re
from typing import Final, Literal

import pandas as pd

from coordogeo.errors import InputError, check_columns, format_labels

__all__ = [
    "APL_PREFIX",
    "CROWFLY_MODEL",
    "INCOME_THIRD",
    "LANGS",
    "NEAREST_ID",
    "REACHABLE",
    "ROAD_MODEL",
    "TABLE_MODEL",
    "TIME",
    "TIME_AFTER",
    "TIME_BEFORE",
    "Lang",
    "apl_column",
    "french_name",
    "french_time_model",
    "is_percent",
    "kind_of",
    "nearest_column",
    "time_columns",
]

#: The languages of labels, maps and reports.
Lang = Literal["fr", "en"]
LANGS: Final = ("fr", "en")

#: Prefix of the travel-time columns of :func:`coordogeo.access.nearest`.
TIME: Final = "travel_time_min"
#: Stems of a comparison's travel times (:mod:`coordogeo.scenarios`), before and
#: after, suffixed by the kind as :func:`nearest_column` does.
TIME_BEFORE: Final = "time_before_min"
TIME_AFTER: Final = "time_after_min"
#: Income third of each place (1 = poorest), as the bivariate map reads it.
INCOME_THIRD: Final = "income_third"
#: Prefix of the index columns of :func:`coordogeo.access.apl`.
APL_PREFIX: Final = "apl_"
#: How a matrix's times were made (its ``model``; a crow-fly one says its speed).
ROAD_MODEL: Final = "road network"
TABLE_MODEL: Final = "external table"
CROWFLY_MODEL: Final = "crow-fly estimate"


#: Stems of the other columns of :func:`coordogeo.access.nearest`.
NEAREST_ID: Final = "nearest_id"
REACHABLE: Final = "reachable"


def nearest_column(stem: str = TIME, kind: object | None = None, rank: int = 1) -> str:
    """Name a column of :func:`coordogeo.access.nearest`: stem, kind, rank.

    >>> nearest_column(kind="MSP"), nearest_column(REACHABLE, "CDS", rank=2)
    ('travel_time_min_MSP', 'reachable_CDS_2')
    >>> nearest_column(NEAREST_ID)
    'nearest_id'
    """
    kind_part = "" if kind is None else f"_{kind}"
    return f"{stem}{kind_part}" + ("" if rank == 1 else f"_{rank}")


def kind_of(column: str, stem: str = TIME) -> str:
    """Return the kind a column of ``stem`` is for (the column itself without one).

    >>> kind_of("travel_time_min_MSP"), kind_of("time_after_min_CDS", TIME_AFTER)
    ('MSP', 'CDS')
    """
    return column.removeprefix(f"{stem}_")


def time_columns(result: pd.DataFrame) -> list[str]:
    """Return the rank-1 travel-time columns (not ``_2``, ``_3``…); raise if none."""
    columns = [
        c
        for c in result.columns
        if isinstance(c, str)
        and (c == TIME or c.startswith(f"{TIME}_"))
        and not c.rsplit("_", 1)[-1].isdigit()
    ]
    if not columns:
        raise InputError(
            f"`result` has no `{TIME}` column; pass the output of "
            "`coordogeo.access.nearest`."
        )
    return columns


def apl_column(result: pd.DataFrame, column: str | None = None) -> str:
    """Return the APL column: ``column`` checked, or the one ``apl_*`` column."""
    if column is not None:
        check_columns(result, [column], name="result")
        return column
    found = [
        c for c in result.columns if isinstance(c, str) and c.startswith(APL_PREFIX)
    ]
    if len(found) != 1:
        raise InputError(
            f"`result` has {len(found)} `apl_*` column(s) {format_labels(found)}; name "
            "the one to average with `column=`."
        )
    return found[0]


#: French names of the result columns, for the tables a run writes. A name absent
#: here keeps its own (input columns such as ``nom`` or ``insee``).
_FRENCH: Final[dict[str, str]] = {
    "population": "population",
    "snapped": "sur_reseau",
    "snap_distance_m": "distance_reseau_m",
    "time_model": "modele_temps",
    "kind": "type",
    "date_opened": "date_ouverture",
    "name": "nom",
    "capacity": "capacite",
    "in_communes": "dans_communes",
    "cpts_id": "cpts_id",
    "cpts_name": "nom_cpts",
    "n_communes": "nb_communes",
    "taille": "taille_aci",
    "status": "statut",
    "n_cpts": "nb_cpts",
    "cpts_ids": "cpts",
    "population_covered_once": "population_une_cpts",
    "population_covered_multiple": "population_plusieurs_cpts",
    "population_not_covered": "population_hors_cpts",
    "share_covered": "part_couverte_pct",
    "population_std": "population_standardisee",
    "apl_consultations_per_inhabitant": "apl_consultations_par_hab",
    "apl_fte_per_100k": "apl_etp_pour_100k_hab",
    "n_sites_in_reach": "nb_structures_a_portee",
    "zonage": "zonage",
    "zonage_reason": "motif_zonage",
    "underserved": "mal_desservi",
    "reasons": "motifs",
    "zone_id": "zone_id",
    "rank": "rang",
    "area_km2": "surface_km2",
    "n_cells": "nb_lieux",
    "mean_travel_time_min": "temps_moyen_min",
    "max_travel_time_min": "temps_max_min",
    "population_unreachable": "population_non_accessible",
    "share_unreachable": "part_non_accessible_pct",
    "population_beyond": "population_au_dela",
    "step": "etape",
    "population_gain": "population_gagnee",
    "population_covered": "population_couverte",
    "shared_communes": "communes_partagees",
    "shared_population": "population_partagee",
    "shared_share": "part_partagee_pct",
    "shared_area_km2": "surface_partagee_km2",
    "overlaps_with": "chevauche",
    "nom_commune": "nom_commune",
    "income_third": "tiers_niveau_vie",
    "income_min": "niveau_vie_min",
    "income_max": "niveau_vie_max",
    "mean_apl": "apl_moyenne",
    "group": "groupe",
    "value": "valeur",
    "reading": "lecture",
    "scenario": "scenario",
    "indicator": "indicateur",
    "threshold_min": "seuil_min",
    "before": "avant",
    "after": "apres",
    "change": "evolution",
    "presence": "presence",
    "population_before": "population_avant",
    "population_after": "population_apres",
    "n_communes_shared": "nb_communes_partagees",
    "population_shared": "population_partagee",
    "share_population_shared": "part_population_partagee_pct",
    "area_shared_km2": "surface_partagee_km2",
    "n_communes_not_covered": "nb_communes_hors_cpts",
    "index_before_per_100k": "indice_avant_pour_100k_hab",
    "index_after_per_100k": "indice_apres_pour_100k_hab",
    # a travel-time matrix (its long table) and isochrones
    "origin": "origine",
    "destination": "destination",
    "time_min": "temps_min",
    "max_time_min": "seuil_min",
}


def _below_name(match: re.Match[str]) -> str:
    """``share_apl_below_2.5`` -> ``part_apl_sous_2_5_pct`` (no point in a name)."""
    return f"part_apl_sous_{match[1].replace('.', '_')}_pct"


#: Patterns for the columns suffixed by a kind or a threshold, in order.
_FRENCH_PATTERNS: Final = (
    (re.compile(r"^travel_time_min(_.+)?$"), r"temps_min\1"),
    (re.compile(r"^mean_travel_time_min(_.+)?$"), r"temps_moyen_min\1"),
    (re.compile(r"^nearest_id(_.+)?$"), r"structure_proche\1"),
    (re.compile(r"^reachable(_.+)?$"), r"accessible\1"),
    (re.compile(r"^share_within_(\d+)_min$"), r"part_moins_\1_min_pct"),
    (re.compile(r"^share_beyond_(\d+)_min$"), r"part_plus_\1_min_pct"),
    (re.compile(r"^population_within_(\d+)_min$"), r"population_moins_\1_min"),
    (re.compile(r"^population_beyond_(\d+)_min$"), r"population_plus_\1_min"),
    (
        re.compile(r"^population_reachable_beyond_(\d+)_min$"),
        r"population_accessible_plus_\1_min",
    ),
    (re.compile(r"^share_apl_below_([\d.]+)$"), _below_name),
    (re.compile(r"^time_before_min(_.+)?$"), r"temps_avant_min\1"),
    (re.compile(r"^time_after_min(_.+)?$"), r"temps_apres_min\1"),
    (re.compile(r"^change_min(_.+)?$"), r"evolution_min\1"),
    (re.compile(r"^status_(.+)$"), r"statut_\1"),
    (
        re.compile(r"^(2sfca|e2sfca|3sfca|gravity|bfca)_(.+)_per_100k$"),
        r"indice_\1_pour_100k_hab",
    ),
    (re.compile(r"^share_(.+)$"), r"part_\1_pct"),
)


def french_name(column: str) -> str:
    """Return the French name of a result column (itself when it has none).

    Examples
    --------
    >>> french_name("travel_time_min_MSP"), french_name("share_within_20_min")
    ('temps_min_MSP', 'part_moins_20_min_pct')
    >>> french_name("nom")
    'nom'
    """
    if column in _FRENCH:
        return _FRENCH[column]
    for pattern, replacement in _FRENCH_PATTERNS:
        if pattern.match(column):
            return pattern.sub(replacement, column)
    return column


#: The phrases of a ``time_model`` text (see ``RoadNetwork.description`` and the
#: matrices' descriptions) and their French; a phrase not listed stays as it is.
#: How a road network's times are made (``RoadNetwork.description``), in French.
_FRENCH_PROFILE: Final = {
    "car profile after OSRM, turn costs and restrictions":
        "profil voiture d’OSRM, coûts et interdictions de tourner",
    "free-flow speeds by road class, no turn costs":
        "vitesses libres par type de route, sans coût de virage",
    "speeds of the lines given": "vitesses des lignes fournies",
    "speeds of the lines given, turn costs":
        "vitesses des lignes fournies, coûts de virage",
}  # fmt: skip


def _french_network(match: re.Match[str]) -> str:
    nodes, profile, speed = match.groups()
    model = _FRENCH_PROFILE.get(profile[2:-2], profile[2:-2]) if profile else ""
    return (
        f"réseau routier ({nodes} nœuds ; "
        + (f"{model} ; " if model else "")
        + f"trajets hors route à {speed} km/h)"
    )


_FRENCH_MODEL: Final = (
    (re.compile(r"road network \((\d+) nodes(; [^;()]+; |; )off-road legs at "
                r"([\d.]+) km/h\)"),
     _french_network),
    (re.compile(r"; searched in blocks of sites"), r" ; recherche par blocs de sites"),
    (re.compile(r"external table \(times given by the user, ≤ ([\d.]+) min\)"),
     r"table externe (temps fournis par l’utilisateur, ≤ \1 min)"),
    (re.compile(r"crow-fly estimate \(straight line × ([\d.]+) at ([\d.]+) km/h; "
                r"fallback without road data\)"),
     (r"estimation à vol d’oiseau (ligne droite × \1 à \2 km/h ; faute de réseau "
      r"routier)")),
    (re.compile(r"; ([\d.]+) min within a commune"), r" ; \1 min dans la commune"),
)  # fmt: skip


_DECIMAL_POINT: Final = re.compile(r"(\d)\.(\d)")


def french_time_model(text: str) -> str:
    """Return a ``time_model`` text in French, phrase by phrase.

    Examples
    --------
    >>> french_time_model("road network (1200 nodes; off-road legs at 15 km/h); "
    ...                   "5 min within a commune")
    'réseau routier (1200 nœuds ; trajets hors route à 15 km/h) ; 5 min dans la commune'
    >>> french_time_model("road network (1200 nodes; off-road legs at 7.5 km/h)")
    'réseau routier (1200 nœuds ; trajets hors route à 7,5 km/h)'
    >>> french_time_model("road network (9 nodes; car profile after OSRM, turn "
    ...                   "costs and restrictions; off-road legs at 20 km/h)")
    'réseau routier (9 nœuds ; profil voiture d’OSRM, coûts et interdictions de \
tourner ; trajets hors route à 20 km/h)'
    """
    for pattern, replacement in _FRENCH_MODEL:
        text = pattern.sub(replacement, text)
    return _DECIMAL_POINT.sub(r"\1,\2", text)


def is_percent(column: str) -> bool:
    """Whether a result column is a share (0–1) that tables show in percent."""
    return french_name(column).endswith("_pct")
