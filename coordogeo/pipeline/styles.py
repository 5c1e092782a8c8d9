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

__all__ = ["qgis_styles"]


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
        out["zones_mal_desservies"] = qml(
            named, geometry="polygon", opacity=ZONES_OPACITY
        )
    out |= _coverage_styles(result, has)
    if has("structures", "type"):
        kinds = sorted(layers["structures"]["type"].astype(str).unique())
        out["structures"] = qml(kind_rules("type", kinds, lang=lang),
                                geometry="point", opacity=1.0)  # fmt: skip
    if has("sites_proposes"):
        out["sites_proposes"] = qml(
            [Rule(label("sites_title", lang), "TRUE", SITE_COLOUR)],
            geometry="point", opacity=1.0, star=True,
        )  # fmt: skip
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
            out[f"scenario_{n}"] = qml(
                change_rules(before, after, lang=lang, max_time_min=bound)
                if timed
                else index_change_rules(before, after, lang=lang),
                geometry="polygon",
            )
    return out


def _coverage_styles(result: RunResult, has: Callable[..., bool]) -> dict[str, str]:
    """Return the CPTS and uncovered communes' styles, and their outlines.

    The outlines are the overview's reading under its coloured theme (the zones):
    each CPTS a darker outline of its colour, as the web page draws it.
    """
    lang, out = result.config.lang, {}
    outlined = label("outlines_style", lang)
    under_theme = has("zones_mal_desservies", "rang")
    if has("cpts", "nom_cpts") and result.coverage is not None:
        chosen = cpts_colours(result.coverage.territories)  # the web map's colours

        def cpts(outline: bool) -> list[Rule]:
            return [
                Rule(n, f"{field('nom_cpts')} = {literal(n)}", chosen[n],
                     outlined=outline)
                for n in sorted(chosen)
            ]  # fmt: skip

        out["cpts"] = qml(cpts(False), geometry="polygon", opacity=CPTS_OPACITY)
        if under_theme:
            out[f"cpts:{outlined}"] = qml(cpts(True), geometry="polygon", opacity=1.0)
    if has("communes_hors_cpts_ou_partagees", "statut"):

        def odd(outline: bool) -> list[Rule]:
            return [
                Rule(label("gap", lang), f"{field('statut')} = 'gap'",
                     WARNING_COLOUR, outlined=outline),
                Rule(label("overlap", lang), f"{field('statut')} = 'overlap'",
                     "#333333", hatched=True),
            ]  # fmt: skip

        name = "communes_hors_cpts_ou_partagees"
        out[name] = qml(odd(False), geometry="polygon", opacity=GAP_OPACITY)
        if under_theme and "cpts" in out:
            out[f"{name}:{outlined}"] = qml(odd(True), geometry="polygon", opacity=1.0)
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
        rules = time_rules(time, lang=lang)
        if has("temps_acces", "sur_reseau"):  # off the roads: its grey, as on the web
            on = field("sur_reseau")
            rules = [replace(r, expression=f"({r.expression}) AND {on}") for r in rules]
            off = label("off_network", lang)
            rules.append(Rule(off, f"NOT {on}", OFF_NETWORK_COLOUR))
        out["temps_acces"] = qml(rules, geometry="polygon")
    fair = result.equity
    if fair is not None and has(
        "temps_acces", "tiers_niveau_vie", french_name(fair.time_column)
    ):
        name, rules = _bivariate_rules(french_name(fair.time_column), lang)
        out[f"temps_acces:{name}"] = qml(rules, geometry="polygon")
    if has("indice_communes", "zonage"):
        zoned = field("zonage")
        known = ", ".join(literal(z) for z in ZONAGE_COLOURS)
        rules = [
            Rule(z, f"{zoned} = {literal(z)}", c) for z, c in ZONAGE_COLOURS.items()
        ]
        missing = f"{zoned} IS NULL OR {zoned} NOT IN ({known})"
        rules.append(Rule(label("no_data", lang), missing, NO_DATA_COLOUR))
        labels = "nom" if has("indice_communes", "nom") else None
        out[f"indice_communes:{label('zonage_title', lang)}"] = qml(
            rules, geometry="polygon", labels=labels
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
    lang = result.config.lang
    column = result.index_column
    labels = "nom" if has("indice_communes", "nom") else None
    if column.startswith("apl_") and has("indice_communes", french_name(column)):
        return qml(
            class_rules(french_name(column), APL_BREAKS, INDEX_COLOURS, unit="",
                        lang=lang, upper_included=False,
                        missing=label("no_data", lang)),
            geometry="polygon", labels=labels,
        )  # fmt: skip
    scaled = per_100k(column)
    if scaled is None or not has("indice_communes", french_name(scaled)):
        return None
    # the web map's quintiles, on the same per-100,000 figures
    bounds, _ = quantile_bounds(result.index[column].to_numpy(np.float64) * PER_100K)
    if len(bounds) == 0:
        return None
    return qml(
        class_rules(french_name(scaled), tuple(bounds),
                    quantile_palette(len(bounds) + 1), unit="", lang=lang,
                    upper_included=True, missing=label("no_data", lang)),
        geometry="polygon", labels=labels,
    )  # fmt: skip
