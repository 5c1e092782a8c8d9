"""The scenarios as the outputs show them: the long table, the rows, the layers.

:mod:`coordogeo.pipeline.report` and :mod:`coordogeo.pipeline.write` read them; the
outcomes come from :mod:`coordogeo.pipeline.scenarios`.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

import geopandas as gpd

from coordogeo._numbers import number
from coordogeo._words.scenarios import INDICATORS_FR, ROW_LABELS, STATUSES_FR
from coordogeo.maps.index import PER_100K
from coordogeo.pipeline.results import ScenarioOutcome

__all__ = [
    "INDICATORS_FR",
    "STATUSES_FR",
    "changed_kinds",
    "scenario_table",
    "summary_rows",
    "timed_kinds",
    "written_places",
    "written_table",
]


def scenario_table(outcomes: Sequence[ScenarioOutcome]) -> pd.DataFrame:
    """Every scenario's summary as one long table (English names; written in French)."""
    if not outcomes:
        return pd.DataFrame()
    frames = [
        o.comparison.summary.assign(scenario=o.spec.name)[
            ["scenario", "indicator", "kind", "threshold", "before", "after", "change"]
        ]
        for o in outcomes
    ]
    out = pd.concat(frames, ignore_index=True)
    return out.rename(columns={"threshold": "threshold_min"})


def written_table(outcomes: Sequence[ScenarioOutcome], lang: str) -> pd.DataFrame:
    """Return every scenario's table as ``scenarios.csv`` holds it (French values)."""
    table = scenario_table(outcomes)
    if not len(table):
        return table
    per_100k = table["indicator"].eq("index_mean").to_numpy()
    for column in ("before", "after", "change"):
        table[column] = np.where(per_100k, table[column] * PER_100K, table[column])
    digits = (
        table["indicator"]
        .map({"mean_time_min": 1, "index_mean": 3})
        .fillna(0)
        .astype(int)
    )
    for column in ("before", "after", "change"):
        table[column] = [
            round(float(v), d) + 0.0 for v, d in zip(table[column], digits, strict=True)
        ]
    if lang == "fr":
        table["indicator"] = table["indicator"].map(INDICATORS_FR)
    return table


def written_places(
    outcome: ScenarioOutcome, lang: str, *, rows: int | None = None
) -> gpd.GeoDataFrame:
    """Return a scenario's places with their change, as its GeoPackage layer.

    ``rows``: only the first ones (None: all).
    """
    places = outcome.comparison.places.iloc[:rows].copy()
    for side in ("before", "after"):  # per inhabitant: per 100,000, as shown
        if f"index_{side}" in places:
            places[f"index_{side}_per_100k"] = places.pop(f"index_{side}") * PER_100K
    if lang == "fr":
        for column in [c for c in places.columns if str(c).startswith("status")]:
            places[column] = places[column].astype(str).map(STATUSES_FR)
        places["presence"] = places["presence"].map(
            {"both": "les_deux", "only_before": "avant_seulement",
             "only_after": "apres_seulement"}
        )  # fmt: skip
    return places


def changed_kinds(outcome: ScenarioOutcome, default: str) -> list[str]:
    """Return the kinds a scenario opens or closes, ``default`` first (and if none)."""
    table = outcome.comparison.structures
    moved = table.loc[table["change"].isin(["opened", "closed"]), "kind"]
    kinds = [k for k in dict.fromkeys(map(str, moved)) if k != default]
    return [default, *kinds] if default in set(moved) or not kinds else kinds


def timed_kinds(outcome: ScenarioOutcome, default: str) -> list[str]:
    """Return the kinds whose times a scenario changes (none: capacities only)."""
    moved = outcome.comparison.structures["change"].isin(["opened", "closed"])
    return changed_kinds(outcome, default) if moved.any() else []


def summary_rows(
    outcome: ScenarioOutcome, kind: str | None, lang: str
) -> list[list[str]]:
    """Return a scenario's rows (indicator, before, after, change) as text.

    One kind's, or with ``kind=None`` the index's (one for every kind of it).
    """
    words = ROW_LABELS.get(lang, ROW_LABELS["en"])
    bound = f"{outcome.max_time_min:g}"
    rows = []
    for r in outcome.comparison.summary.to_dict("records"):
        indicator = str(r["indicator"])
        of_kind = r["kind"] if pd.notna(r["kind"]) else None
        if of_kind != kind or indicator not in words:
            continue
        limit = float(r["threshold"])
        threshold = "" if np.isnan(limit) else f"{limit:g}".replace(".", ",")
        name = words[indicator].format(t=threshold, bound=bound)
        values = [float(r[c]) for c in ("before", "after", "change")]
        digits = 1 if indicator == "mean_time_min" else 0
        if indicator == "index_mean":  # capacity per inhabitant: per 100,000
            values, digits = [v * PER_100K for v in values], 2
        shown = [number(v, lang, digits) for v in values]
        if round(values[2], digits) > 0:
            shown[2] = "+" + shown[2]
        elif round(values[2], digits) == 0:
            shown[2] = number(0.0, lang, digits)
        rows.append([name, *shown])
    return rows
