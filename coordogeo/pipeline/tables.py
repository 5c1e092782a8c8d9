"""The run's tables as written: French names and values, rounding, the layers.

Written tables use French column names with units, whole inhabitants and shares in
percent (:func:`french_table`); the report keeps the exact sums. :func:`layers`
gives every GeoPackage layer of a run, each made when it is written.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import partial
from typing import Any, Final

import numpy as np
import pandas as pd

import geopandas as gpd

from coordogeo._columns import (
    french_name,
    french_time_model,
    is_percent,
    kind_of,
)
from coordogeo.maps.index import (
    PER_100K,
    per_100k,
)
from coordogeo.pipeline.results import RunResult
from coordogeo.pipeline.scenario_tables import (
    written_places,
    written_table,
)

__all__ = ["french_table", "in_french", "layers"]

#: Decimals kept in written tables, by the (French) column name: the first pattern
#: that matches wins. Counts of inhabitants are whole numbers (see french_table).
_DECIMALS: Final = (
    (r"^niveau_vie", 0),  # euros a year
    (r"^(apl|indice)_", 2),  # indices (per inhabitant, per 100,000)
    (r"^ind_", 1),  # age bands allocated to communes
    (r"^valeur$", 3),  # inequality indices
    (r"^capacite", 2),
    (r"_pct$", 1),
    (r"_min(_|$)", 1),
    (r"_km2(_|$)", 2),
    (r"_m$", 0),
)


def _partitions(columns: list[str]) -> list[tuple[str, list[str], str]]:
    """Return the (total, parts, last part) of a table whose parts add up.

    The parts are rounded each alone, as every other table rounds them (the
    inhabitants off the roads are 2 043 everywhere), and the last part takes what
    the rounded total leaves: the line adds up, the last part within an
    inhabitant or two of its exact value.
    """
    found = []
    covered = ["population_covered_multiple", "population_not_covered"]
    if {"population", "population_covered_once", *covered} <= set(columns):
        found.append(("population", covered, "population_covered_once"))
    beyond = [c for c in columns if c.startswith("population_reachable_beyond_")]
    for column in beyond:  # within the last threshold + beyond it + unreachable
        last = column.removeprefix("population_reachable_beyond_")
        parts = [f"population_within_{last}", "population_unreachable"]
        if {"population", *parts} <= set(columns):
            found.append(("population", parts, column))
    return found


def french_table(
    frame: pd.DataFrame, *, rounded: bool = True, lang: str = "fr"
) -> pd.DataFrame:
    """Return a copy for people: French names, whole inhabitants, percentages.

    With ``rounded`` (the CSV tables and the workbook), inhabitant counts (columns
    named ``population…``) are whole numbers (nullable integers: a missing count
    stays missing), the parts of a population adding up to it (:func:`_partitions`);
    other numbers keep a fixed number of decimals
    (:data:`_DECIMALS`: one for minutes and percentages, two for indices…).
    Without it (the GeoPackage), every figure stays exact. Either way shares (0–1)
    become percentages (``…_pct``). Column names are the same in both languages
    (identifiers, explained in the workbook's sheet in the run's language); texts
    are in ``lang``: the ``time_model`` text is put in French for a French run.

    Examples
    --------
    >>> t = pd.DataFrame({"population": [10.6, 2.2], "share_within_20_min": [0.5, 1],
    ...                   "travel_time_min_MSP": [12.345, None]})
    >>> french_table(t)
       population  part_moins_20_min_pct  temps_min_MSP
    0          11                   50.0           12.3
    1           2                  100.0            NaN
    >>> french_table(t, rounded=False)["population"].tolist()
    [10.6, 2.2]
    """
    out = frame.copy()
    geometry = out.geometry.name if isinstance(out, gpd.GeoDataFrame) else None
    columns = [c for c in out.columns if isinstance(c, str) and c != geometry]
    if rounded:
        for total, parts, rest in _partitions(columns):
            whole = out[[total, *parts]].astype("float64").round(0)
            out[rest] = whole[total] - whole[parts].sum(axis=1)
    if lang == "fr" and "time_model" in columns:
        out["time_model"] = _in_french_by_value(out["time_model"])
    for column in columns:
        values = out[column]
        if not pd.api.types.is_numeric_dtype(values) or values.dtype == bool:
            continue
        if is_percent(column):
            out[column] = values * 100
            values = out[column]
        if rounded:
            out[column] = _rounded(column, values)
    out.columns = [french_name(c) if isinstance(c, str) else c for c in out.columns]
    if isinstance(out.index.name, str):
        out.index = out.index.rename(french_name(out.index.name))
    if geometry is not None:
        out = gpd.GeoDataFrame(out, geometry=french_name(geometry), crs=frame.crs)
    return out


def _rounded(column: str, values: pd.Series) -> pd.Series:
    """Round a written column: whole inhabitants, else :data:`_DECIMALS`."""
    if column.startswith("population"):
        return values.round(0).astype("Int64")
    name = french_name(column)
    digits = next((d for pattern, d in _DECIMALS if re.search(pattern, name)), None)
    return values if digits is None else values.round(digits)


def layers(result: RunResult, *, head: bool = False) -> dict[str, Any]:
    """Return the GeoPackage layers and the CSV tables, by name, in English.

    A scenario's layer (all the places, with their change) is a function that
    makes it: made when written, one at a time. With ``head``, every layer is its
    first row only, made now (but those styled by value, whole): what the styles
    read.
    """
    found = result.underserved
    communes = result.inputs.communes
    index = result.index
    scaled = per_100k(result.index_column)
    if scaled is not None:  # a score per inhabitant, written per 100,000 as shown
        index = index.assign(**{scaled: index[result.index_column] * PER_100K})
        index = index.drop(columns=result.index_column)
    if found.zonage is not None:
        index = index.join(found.zonage[["zonage", "zonage_reason"]])
    places = found.places
    out: dict[str, Any] = {}
    if result.coverage is not None:
        out["cpts"] = result.coverage.territories
        out["communes_hors_cpts_ou_partagees"] = result.coverage.overlaps_gaps
    out |= {
        "temps_acces": places,
        "indice_communes": index,
        "zones_mal_desservies": found.zones,
        "sites_proposes": found.sites,
        "structures": result.inputs.structures,
        "communes": communes,
        "temps_par_type": result.times.rename(
            index=lambda c: kind_of(str(c))
        ).rename_axis("kind"),
        "population_a_portee": result.reach,
        "indice_communes_tableau": pd.DataFrame(index.drop(columns="geometry")),
        "zones": pd.DataFrame(found.zones.drop(columns="geometry")),
    }
    if result.coverage is not None:
        out["couverture_cpts"] = result.coverage.rates
    if result.equity is not None:
        out["acces_niveau_vie"] = result.equity.table
        out["indices_equite"] = result.equity.indices.reset_index()
    if result.scenarios:
        lang = result.config.lang
        out["scenarios"] = written_table(result.scenarios, lang)
        for n, outcome in enumerate(result.scenarios, start=1):
            out[f"scenario_{n}"] = (
                written_places(outcome, lang, rows=1)
                if head
                else partial(written_places, outcome, lang)
            )
    if head:
        return {
            name: frame.iloc[:1] if name not in _STYLED_BY_VALUE else frame
            for name, frame in out.items()
        }
    return out


def _in_french_by_value(values: pd.Series) -> pd.Series:
    """Put a column of ``time_model`` texts in French, each distinct text once."""
    codes, uniques = pd.factorize(values)
    french = np.array(
        [french_time_model(u) if isinstance(u, str) else u for u in uniques] + [None],
        dtype=object,
    )
    out = pd.Series(french[codes], index=values.index, name=values.name)
    return (
        out.astype("category") if isinstance(values.dtype, pd.CategoricalDtype) else out
    )


def in_french(
    layer: pd.DataFrame | Callable[[], pd.DataFrame], lang: str = "fr"
) -> pd.DataFrame:
    """Make the layer (if given as a function), in French (:func:`french_table`)."""
    frame = layer() if callable(layer) else layer
    # the GeoPackage keeps exact figures (a sum in QGIS gives the report's total);
    # the tables for spreadsheets are rounded, their parts adding up
    return french_table(
        frame, rounded=not isinstance(frame, gpd.GeoDataFrame), lang=lang
    )


#: Layers whose values are the classes of their QGIS style (CPTS names, kinds of
#: structure); the styles of the others read only their columns.
_STYLED_BY_VALUE: Final = frozenset({"cpts", "structures"})
