"""The QGIS styles of the run's GeoPackage layers: the web maps' classes and colours.

One rule-based style per layer (:mod:`coordogeo.maps.qgis` writes the QML), with
the legend's classes, colours and labels in the run's language.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

import numpy as np
import pandas as pd

import geopandas as gpd

from coordogeo._columns import TIME_AFTER, TIME_BEFORE, french_name, nearest_column
from coordogeo.maps import NO_DATA_COLOUR, WARNING_COLOUR, label
from coordogeo.maps.access import OFF_NETWORK_COLOUR
from coordogeo.maps.coverage import CPTS_OPACITY, GAP_OPACITY, cpts_colours
from coordogeo.maps.equity import TIME_CUTS_MIN, bivariate_classes
from coordogeo.maps.index import (
    APL_BREAKS,
    INDEX_COLOURS,
    PER_100K,
    ZONAGE_COLOURS,
    per_100k,
    quantile_bounds,
    quantile_palette,
)
from coordogeo.maps.qgis import (
    Rule,
    change_rules,
    class_rules,
    field,
    index_change_rules,
    kind_rules,
    literal,
    outline_qml,
    qml,
    time_rules,
)
from coordogeo.maps.underserved import (
    RANK_BOUNDS,
    RANK_COLOURS,
    SITE_COLOUR,
    ZONES_OPACITY,
    rank_names,
)
from coordogeo.pipeline.results import RunResult
from coordogeo.pipeline.scenario_tables import (
    timed_kinds,
)

__all__ = [
    "change_style",
    "cpts_style",
    "gaps_style",
    "index_style",
    "qgis_styles",
    "sites_style",
    "structures_style",
    "time_style",
    "zonage_style",
    "zones_style",
]


def qgis_styles(result: RunResult, layers: dict[str, pd.DataFrame]) -> dict[str, str]:
    """Return the QGIS style (QML) of each map layer of the GeoPackage.

    The rules are the web maps' classes, on the layers' French columns: times at
    10 / 20 / 30 min, the APL at its thresholds, zones by rank, CPTS by name,
    structures by kind, scenarios by change class; communes as labelled outlines.
    """
    lang = result.config.lang
    kind = result.config.timed_kind
    out: dict[str, str] = {}

    def has(name: str, *columns: str) -> bool:
        frame = layers.get(name)
        return (
            isinstance(frame, gpd.GeoDataFrame) and len(frame) > 0
            and all(c in frame for c in columns)
        )  # fmt: skip

    out |= _reading_styles(result, has)
    index_style = _index_style(result, has)
    if index_style is not None:
        out["indice_communes"] = index_style
    if has("zones_mal_desservies", "rang"):
        out["zones_mal_desservies"] = zones_style(lang)
    out |= _coverage_styles(result, has)
    if has("structures", "type"):
        out["structures"] = structures_style(layers["structures"]["type"], lang)
    if has("sites_proposes"):
        out["sites_proposes"] = sites_style(lang)
    if has("communes", "nom"):
        out["communes"] = outline_qml(labels="nom")
    for n, outcome in enumerate(result.scenarios, start=1):
        # styled by the first kind the scenario opens or closes; by its index
        # change when it changes capacities only
        bound = outcome.max_time_min
        timed = timed_kinds(outcome, kind)
        before, after = (
            french_name(
                nearest_column(stem, timed[0]) if timed else f"index_{side}_per_100k"
            )
            for stem, side in ((TIME_BEFORE, "before"), (TIME_AFTER, "after"))
        )
        if has(f"scenario_{n}", before, after):
            out[f"scenario_{n}"] = change_style(
                before, after, lang=lang, max_time_min=bound if timed else None
            )
    return out


def zones_style(lang: str) -> str:
    """Return the style of the under-served zones: by rank (``rang``), as the web."""
    rules = class_rules(
        "rang",
        RANK_BOUNDS,
        RANK_COLOURS,
        unit="",
        lang=lang,
        upper_included=True,
        missing=label("no_data", lang),
    )
    named = [replace(r, label=n) for r, n in zip(rules, rank_names(lang),
                                               strict=False)]  # fmt: skip
    return qml(named, geometry="polygon", opacity=ZONES_OPACITY)


def structures_style(kinds: pd.Series, lang: str) -> str:
    """Return the style of structures by kind (``type``): the web's badges."""
    named = sorted(kinds.astype(str).unique())
    return qml(kind_rules("type", named, lang=lang), geometry="point", opacity=1.0)


def sites_style(lang: str) -> str:
    """Return the style of the suggested sites: the web's stars."""
    return qml(
        [Rule(label("sites_title", lang), "TRUE", SITE_COLOUR)],
        geometry="point", opacity=1.0, star=True,
    )  # fmt: skip


def change_style(
    before: str, after: str, *, lang: str, max_time_min: float | None
) -> str:
    """Return a scenario's style: its places by change class.

    Of the times (French columns ``before`` / ``after``) within ``max_time_min``,
    or of the index where it is None.
    """
    return qml(
        index_change_rules(before, after, lang=lang)
        if max_time_min is None
        else change_rules(before, after, lang=lang, max_time_min=max_time_min),
        geometry="polygon",
    )


def cpts_style(territories: gpd.GeoDataFrame, *, outlined: bool = False) -> str:
    """Return the style of the CPTS (``nom_cpts``) in the web map's colours.

    With ``outlined``: darker outlines (the overview's reading under a theme).
    """
    chosen = cpts_colours(territories)  # the web map's colours
    rules = [
        Rule(n, f"{field('nom_cpts')} = {literal(n)}", chosen[n], outlined=outlined)
        for n in sorted(chosen)
    ]
    return qml(rules, geometry="polygon", opacity=1.0 if outlined else CPTS_OPACITY)


def gaps_style(lang: str, *, outlined: bool = False) -> str:
    """Return the style of communes in no CPTS (red) and in several (hatched)."""
    rules = [
        Rule(label("gap", lang), f"{field('statut')} = 'gap'",
             WARNING_COLOUR, outlined=outlined),
        Rule(label("overlap", lang), f"{field('statut')} = 'overlap'",
             "#333333", hatched=True),
    ]  # fmt: skip
    return qml(rules, geometry="polygon", opacity=1.0 if outlined else GAP_OPACITY)


def time_style(column: str, *, lang: str, off_network: bool) -> str:
    """Return the style of places by minutes (French ``column``), 10 / 20 / 30.

    As the access map; with ``off_network`` (a ``sur_reseau`` column), the
    off-the-road places in their own grey.
    """
    rules = time_rules(column, lang=lang)
    if off_network:
        on = field("sur_reseau")
        rules = [replace(r, expression=f"({r.expression}) AND {on}") for r in rules]
        rules.append(Rule(label("off_network", lang), f"NOT {on}", OFF_NETWORK_COLOUR))
    return qml(rules, geometry="polygon")


def zonage_style(lang: str, *, labels: str | None) -> str:
    """Return the style of communes by zonage category (``zonage``), as the web."""
    zoned = field("zonage")
    known = ", ".join(literal(z) for z in ZONAGE_COLOURS)
    rules = [Rule(z, f"{zoned} = {literal(z)}", c) for z, c in ZONAGE_COLOURS.items()]
    missing = f"{zoned} IS NULL OR {zoned} NOT IN ({known})"
    rules.append(Rule(label("no_data", lang), missing, NO_DATA_COLOUR))
    return qml(rules, geometry="polygon", labels=labels)


def index_style(
    values: pd.Series, column: str, *, lang: str, labels: str | None
) -> str | None:
    """Return the style of places by the index ``column`` (its English name).

    An APL at the DREES bounds, another index by the web's quintiles of
    ``values`` per 100,000; None when there is nothing to class.
    """
    if column.startswith("apl_"):
        return qml(
            class_rules(french_name(column), APL_BREAKS, INDEX_COLOURS, unit="",
                        lang=lang, upper_included=False,
                        missing=label("no_data", lang)),
            geometry="polygon", labels=labels,
        )  # fmt: skip
    scaled = per_100k(column)
    if scaled is None:
        return None
    # the web map's quintiles, on the same per-100,000 figures
    bounds, _ = quantile_bounds(values.to_numpy(np.float64) * PER_100K)
    if len(bounds) == 0:
        return None
    return qml(
        class_rules(french_name(scaled), tuple(bounds),
                    quantile_palette(len(bounds) + 1), unit="", lang=lang,
                    upper_included=True, missing=label("no_data", lang)),
        geometry="polygon", labels=labels,
    )  # fmt: skip


def _coverage_styles(result: RunResult, has: Callable[..., bool]) -> dict[str, str]:
    """Return the CPTS and uncovered communes' styles, and their outlines.

    The outlines are the overview's reading under its coloured theme (the zones):
    each CPTS a darker outline of its colour, as the web page draws it.
    """
    lang, out = result.config.lang, {}
    outlined = label("outlines_style", lang)
    under_theme = has("zones_mal_desservies", "rang")
    if has("cpts", "nom_cpts") and result.coverage is not None:
        territories = result.coverage.territories
        out["cpts"] = cpts_style(territories)
        if under_theme:
            out[f"cpts:{outlined}"] = cpts_style(territories, outlined=True)
    if has("communes_hors_cpts_ou_partagees", "statut"):
        name = "communes_hors_cpts_ou_partagees"
        out[name] = gaps_style(lang)
        if under_theme and "cpts" in out:
            out[f"{name}:{outlined}"] = gaps_style(lang, outlined=True)
    return out


def _reading_styles(result: RunResult, has: Callable[..., bool]) -> dict[str, str]:
    """Return the styles of the places' times and of their other readings.

    The times as the access map (off-the-road places in their own grey); the
    income × time classes of the equity map and the zonage of the communes, as
    second styles of their layers (QGIS lists them in the layer's styles).
    """
    lang, out = result.config.lang, {}
    time = french_name(nearest_column(kind=result.config.timed_kind))
    if has("temps_acces", time):
        out["temps_acces"] = time_style(
            time, lang=lang, off_network=has("temps_acces", "sur_reseau")
        )
    fair = result.equity
    if fair is not None and has(
        "temps_acces", "tiers_niveau_vie", french_name(fair.time_column)
    ):
        name, rules = _bivariate_rules(french_name(fair.time_column), lang)
        out[f"temps_acces:{name}"] = qml(rules, geometry="polygon")
    if has("indice_communes", "zonage"):
        labels = "nom" if has("indice_communes", "nom") else None
        out[f"indice_communes:{label('zonage_title', lang)}"] = zonage_style(
            lang, labels=labels
        )
    return out


def _bivariate_rules(time: str, lang: str) -> tuple[str, list[Rule]]:
    """Return the bivariate map's name and its nine classes as rules, and no data."""
    name, classes = bivariate_classes(lang)
    third, minutes = field("tiers_niveau_vie"), field(time)
    low, high = (float(c) for c in TIME_CUTS_MIN)
    columns = (
        f"{minutes} <= {low!r}",
        f"{minutes} > {low!r} AND {minutes} <= {high!r}",
        f"({minutes} > {high!r} OR {minutes} IS NULL)",
    )
    rules = [
        Rule(words, f"{third} = {t} AND {columns[c]}", colour)
        for t, c, colour, words in classes
    ]
    missing = f"{third} IS NULL OR {third} NOT IN (1, 2, 3)"
    return name, [*rules, Rule(label("no_data", lang), missing, NO_DATA_COLOUR)]


def _index_style(result: RunResult, has: Callable[..., bool]) -> str | None:
    """Return the index layer's style: the APL's bounds, or the web's quintiles."""
    column = result.index_column
    labels = "nom" if has("indice_communes", "nom") else None
    shown = column if column.startswith("apl_") else per_100k(column)
    if shown is None or not has("indice_communes", french_name(shown)):
        return None
    return index_style(
        result.index[column], column, lang=result.config.lang, labels=labels
    )
