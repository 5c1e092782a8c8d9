"""What a run writes: the maps, the GeoPackage and CSV tables in French, the report.

File and layer names are the same for ``coordogeo demo`` and ``coordogeo run``:
the ``carte_*.html`` pages, :data:`GEOPACKAGE` and its layers, ``rapport.md`` and
``rapport.json``.
Written tables use French column names with units, whole inhabitants and shares in
percent (:func:`french_table`); the report keeps the exact sums.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import replace
from functools import partial
from pathlib import Path
from typing import Any, Final

import numpy as np
import pandas as pd

import folium
import geopandas as gpd

from coordogeo._columns import (
    french_name,
    french_time_model,
    is_percent,
    nearest_column,
)
from coordogeo._meanings import meaning
from coordogeo.io import write_results
from coordogeo.maps import (
    MapLayers,
    access_map,
    coverage_map,
    equity_chart,
    equity_map,
    index_map,
    links_to,
    overview_map,
    scenario_map,
    underserved_map,
    zonage_map,
)
from coordogeo.maps._raster import forget_drawn
from coordogeo.maps._style import CATEGORY_COLOURS, WARNING_COLOUR, label
from coordogeo.maps.access import access_title
from coordogeo.maps.framing import add_downloads
from coordogeo.maps.index import (
    APL_BREAKS,
    INDEX_COLOURS,
    PER_100K,
    index_title,
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
    rank_names,
)
from coordogeo.pipeline.report import report_json, report_markdown
from coordogeo.pipeline.results import RunResult
from coordogeo.pipeline.scenario_tables import (
    summary_rows,
    timed_kinds,
    written_places,
    written_table,
)

__all__ = ["GEOPACKAGE", "french_table", "write_everything", "write_maps"]

#: The single maps, then the overview that links them.
#: The title (a label key) of the single maps titled by their kind of map.
_TITLE_KEYS: Final = {
    "carte_couverture.html": "coverage_title",
    "carte_zones.html": "zones_title",
    "carte_equite.html": "equity_title",
    "carte_zonage.html": "zonage_title",
}
OVERVIEW: Final = "carte_synthese.html"
#: The chart of access by standard of living (with an income column).
CHART: Final = "acces_niveau_vie.svg"
GEOPACKAGE: Final = "resultats.gpkg"

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


def french_table(frame: pd.DataFrame, *, rounded: bool = True) -> pd.DataFrame:
    """Return a copy for people: French names, whole inhabitants, percentages.

    With ``rounded`` (the CSV tables and the workbook), inhabitant counts (columns
    named ``population…``) are whole numbers (nullable integers: a missing count
    stays missing), the parts of a population adding up to it (:func:`_partitions`);
    other numbers keep a fixed number of decimals
    (:data:`_DECIMALS`: one for minutes and percentages, two for indices…).
    Without it (the GeoPackage), every figure stays exact. Either way shares (0–1)
    become percentages (``…_pct``) and the ``time_model`` text is put in French.

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
    for column in columns:
        values = out[column]
        if column == "time_model":
            out[column] = _in_french_by_value(values)
            continue
        if not pd.api.types.is_numeric_dtype(values) or values.dtype == bool:
            continue
        if is_percent(column):
            out[column] = values * 100
            values = out[column]
        if not rounded:
            continue
        name = french_name(column)
        if column.startswith("population"):
            out[column] = values.round(0).astype("Int64")
            continue
        digits = next((d for pattern, d in _DECIMALS if re.search(pattern, name)), None)
        if digits is not None:
            out[column] = values.round(digits)
    out.columns = [french_name(c) if isinstance(c, str) else c for c in out.columns]
    if isinstance(out.index.name, str):
        out.index = out.index.rename(french_name(out.index.name))
    if geometry is not None:
        out = gpd.GeoDataFrame(out, geometry=french_name(geometry), crs=frame.crs)
    return out


def write_maps(result: RunResult, folder: Path) -> dict[str, Path]:
    """Draw the single maps and the overview into ``folder``; return them by name."""
    config, found = result.config, result.underserved
    lang = config.lang
    structures = result.inputs.structures
    column = nearest_column(kind=config.timed_kind)
    timed = structures[structures["kind"].isin(config.kinds)]
    communes = result.inputs.communes

    def framed(key: str, own: str | None = None) -> dict[str, Any]:
        """Title (the map's, with the territory's name), source and base."""
        title = own or label(key, lang)
        if config.title:
            title = f"{title} — {config.title}"
        return {"title": title, "source": config.source_line, "communes": communes}

    pages: dict[str, folium.Map] = {}
    if result.coverage is not None:
        pages["carte_couverture.html"] = coverage_map(
            result.coverage.territories,
            result.coverage.overlaps_gaps,
            structures=structures,
            lang=lang,
            **framed("coverage_title"),
        )
    access = access_title(result.places)  # by road, or a crow-fly estimate
    pages["carte_acces.html"] = access_map(
        result.places,
        timed,
        column=column,
        lang=lang,
        # the kind whose times are drawn, in the title (the layer control is
        # hidden in print)
        **framed(access, f"{label(access, lang)} : {label(config.timed_kind, lang)}"),
        max_shapes=config.map_max_places,
    )
    pages["carte_indice.html"] = index_map(
        result.index,
        column=result.index_column,
        structures=structures,
        lang=lang,
        **framed("index_title", index_title(result.index_column, lang)),
        max_shapes=config.map_max_places,
    )
    # pages drawn from frames that do not carry the times' model say it too
    model = (
        result.places["time_model"].iloc[0] if "time_model" in result.places else None
    )
    pages["carte_zones.html"] = underserved_map(
        found.zones.assign(time_model=model) if model else found.zones,
        sites=found.sites if len(found.sites) else None,
        structures=timed,
        lang=lang,
        **framed("zones_title"),
    )
    if found.zonage is not None:
        zoned = result.index.join(found.zonage[["zonage", "zonage_reason"]])
        pages["carte_zonage.html"] = zonage_map(
            zoned, structures=timed, lang=lang, **framed("zonage_title")
        )
    titles = {
        "carte_acces.html": f"{label(access, lang)} : {label(config.timed_kind, lang)}",
        "carte_indice.html": index_title(result.index_column, lang),
    }
    for name, outcome in scenario_pages(result).items():
        kind = "evolution_title" if outcome.evolution else "scenario_title"
        head, own = label(kind, lang), outcome.spec.name
        titles[name] = (  # "Évolution : évolution depuis…" said once
            own[:1].upper() + own[1:]
            if own.lower().startswith(head.lower())
            else f"{head} : {own}"
        )
        pages[name] = _scenario_page(
            result, outcome, model, {**framed(kind), "title": titles[name]}
        )
    figures: dict[str, str] = {}
    fair = result.equity
    if fair is not None:
        pages["carte_equite.html"] = equity_map(
            result.places,
            income=fair.income,
            time_column=fair.time_column,
            structures=timed,
            lang=lang,
            **framed("equity_title"),
            max_shapes=config.map_max_places,
        )
        chart = equity_chart(
            fair.table, fair.curve, column=fair.time_column, lang=lang,
            title=label(config.timed_kind, lang),
        )  # fmt: skip
        (folder / CHART).write_text(chart, encoding="utf-8")
        figures[label("equity_title", lang)] = CHART
    overview = overview_map(
        MapLayers(
            territories=None
            if result.coverage is None
            else result.coverage.territories,
            overlaps_gaps=None
            if result.coverage is None
            else result.coverage.overlaps_gaps,
            structures=structures,
            travel_times=result.places,
            time_column=column,
            index=result.index,
            index_column=result.index_column,
            zones=found.zones,
            sites=found.sites if len(found.sites) else None,
            income=None if fair is None else fair.income,
            income_group=None if fair is None else "income_third",
        ),
        links=links_to(
            pages,
            titles={
                **{page: label(key, lang) for page, key in _TITLE_KEYS.items()},
                **titles,
            },
        ),
        figures=figures,
        lang=lang,
        **framed("overview_title"),
        max_shapes=config.map_max_places,
    )
    data = {"GeoPackage": GEOPACKAGE, "rapport": "rapport.md"}
    for page in [overview, *pages.values()]:
        add_downloads(page, data, lang=lang)
    written = {OVERVIEW: folder / OVERVIEW}
    if figures:
        written[CHART] = folder / CHART
    overview.save(written[OVERVIEW])
    for name, page in pages.items():
        page.save(folder / name)
        written[name] = folder / name
    forget_drawn()  # the pages are written: their kept shapes are not needed
    return written


def _scenario_page(
    result: RunResult, outcome: Any, model: str | None, framing: dict[str, Any]
) -> folium.Map:
    """Draw one scenario: a layer for every kind it opens or closes, named by it.

    The title names the kinds, the Bilan gives each kind's rows (prefixed by the
    kind when there are several), the first kind shows at opening.
    """
    config, lang = result.config, result.config.lang
    places = outcome.comparison.places
    if model and "time_model" not in places:
        places = places.assign(time_model=model)
    if "insee" in result.places:
        places = places.join(result.places[["insee"]])
    kinds = [
        k
        for k in timed_kinds(outcome, config.timed_kind)
        if f"time_before_min_{k}" in places
    ]
    rows = [
        [f"{k} — {row[0]}" if len(kinds) > 1 else row[0], *row[1:]]
        for k in kinds
        for row in summary_rows(outcome, k, lang)
    ] + [
        [f"{label('index', lang)} — {row[0]}", *row[1:]]
        for row in summary_rows(outcome, None, lang)
    ]
    title = f"{framing['title']} ({', '.join(kinds or [label('index', lang)])})"
    if config.title:
        title += f" — {config.title}"
    return scenario_map(
        places,
        kind=kinds,
        changes=outcome.changes,
        summary=rows,
        lang=lang,
        max_shapes=config.map_max_places,
        max_time_min=outcome.max_time_min,
        **{**framing, "title": title},
    )


def scenario_pages(result: RunResult) -> dict[str, Any]:
    """Return the page name of each scenario: ``carte_scenario_<n>_<name>.html``."""
    return {
        f"carte_scenario_{n}_{o.spec.slug}.html".replace("_.html", ".html"): o
        for n, o in enumerate(result.scenarios, start=1)
    }


def _layers(result: RunResult, *, head: bool = False) -> dict[str, Any]:
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
    layers: dict[str, Any] = {}
    if result.coverage is not None:
        layers["cpts"] = result.coverage.territories
        layers["communes_hors_cpts_ou_partagees"] = result.coverage.overlaps_gaps
    layers |= {
        "temps_acces": places,
        "indice_communes": index,
        "zones_mal_desservies": found.zones,
        "sites_proposes": found.sites,
        "structures": result.inputs.structures,
        "communes": communes,
        "temps_par_type": result.times.rename(
            index=lambda c: str(c).removeprefix("travel_time_min_")
        ).rename_axis("kind"),
        "population_a_portee": result.reach,
        "indice_communes_tableau": pd.DataFrame(index.drop(columns="geometry")),
        "zones": pd.DataFrame(found.zones.drop(columns="geometry")),
    }
    if result.coverage is not None:
        layers["couverture_cpts"] = result.coverage.rates
    if result.equity is not None:
        layers["acces_niveau_vie"] = result.equity.table
        layers["indices_equite"] = result.equity.indices.reset_index()
    if result.scenarios:
        lang = result.config.lang
        layers["scenarios"] = written_table(result.scenarios, lang)
        for n, outcome in enumerate(result.scenarios, start=1):
            layers[f"scenario_{n}"] = (
                written_places(outcome, lang, rows=1)
                if head
                else partial(written_places, outcome, lang)
            )
    if head:
        return {
            name: frame.iloc[:1] if name not in _STYLED_BY_VALUE else frame
            for name, frame in layers.items()
        }
    return layers


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

    time = french_name(nearest_column(kind=kind))
    if has("temps_acces", time):
        out["temps_acces"] = qml(time_rules(time, lang=lang), geometry="polygon")
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
        out["zones_mal_desservies"] = qml(named, geometry="polygon", opacity=0.6)
    if has("cpts", "nom_cpts"):
        names = sorted(layers["cpts"]["nom_cpts"].astype(str).unique())
        out["cpts"] = qml(
            [Rule(n, f"{field('nom_cpts')} = {literal(n)}",
                  CATEGORY_COLOURS[k % len(CATEGORY_COLOURS)])
             for k, n in enumerate(names)],
            geometry="polygon", opacity=0.5,
        )  # fmt: skip
    if has("communes_hors_cpts_ou_partagees", "statut"):
        out["communes_hors_cpts_ou_partagees"] = qml(
            [Rule(label("gap", lang), f"{field('statut')} = 'gap'", WARNING_COLOUR),
             Rule(label("overlap", lang), f"{field('statut')} = 'overlap'",
                  "#333333")],
            geometry="polygon", opacity=0.6,
        )  # fmt: skip
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
            french_name(f"time_{s}_min_{timed[0]}" if timed else f"index_{s}_per_100k")
            for s in ("before", "after")
        )
        if has(f"scenario_{n}", before, after):
            out[f"scenario_{n}"] = qml(
                change_rules(before, after, lang=lang, max_time_min=bound)
                if timed
                else index_change_rules(before, after, lang=lang),
                geometry="polygon",
            )
    return out


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


def write_everything(
    result: RunResult, folder: Path, *, pages: dict[str, Path]
) -> dict[str, Path]:
    """Write the GeoPackage, the CSV tables and the report beside the maps.

    Each layer is put in French as it is written, then dropped: at national size
    the places and one layer per scenario are millions of rows each, and holding
    all their copies at once took more memory than the whole run before it.
    """
    heads = {
        name: french_table(frame, rounded=not isinstance(frame, gpd.GeoDataFrame))
        for name, frame in _layers(result, head=True).items()
        if not (isinstance(frame, gpd.GeoDataFrame) and len(frame) == 0)
    }
    styles = qgis_styles(result, heads)
    layers = {
        name: partial(_in_french, layer)
        for name, layer in _layers(result).items()
        if name in heads  # no empty layer
    }
    lang = result.config.lang
    files = write_results(
        folder / GEOPACKAGE,
        csv=result.config.csv,
        styles=styles,
        xlsx=True,
        meanings=lambda column: meaning(column, lang),
        lang=lang,
        **layers,
    )
    written = {**pages, **{path.name: path for path in files}}
    names = sorted([*written, "rapport.md", "rapport.json"])
    final = result.__class__(**{**result.__dict__, "written": written})
    (folder / "rapport.md").write_text(
        report_markdown(final, files=names), encoding="utf-8"
    )
    (folder / "rapport.json").write_text(
        json.dumps(report_json(final, files=names), ensure_ascii=False, indent=1,
                   default=_json_default),
        encoding="utf-8",
    )  # fmt: skip
    written["rapport.md"] = folder / "rapport.md"
    written["rapport.json"] = folder / "rapport.json"
    return written


def _in_french(layer: pd.DataFrame | Callable[[], pd.DataFrame]) -> pd.DataFrame:
    """Make the layer (if given as a function), in French (:func:`french_table`)."""
    frame = layer() if callable(layer) else layer
    # the GeoPackage keeps exact figures (a sum in QGIS gives the report's total);
    # the tables for spreadsheets are rounded, their parts adding up
    return french_table(frame, rounded=not isinstance(frame, gpd.GeoDataFrame))


#: Layers whose values are the classes of their QGIS style (CPTS names, kinds of
#: structure); the styles of the others read only their columns.
_STYLED_BY_VALUE: Final = frozenset({"cpts", "structures"})


def _json_default(value: object) -> object:
    """Numbers numpy hands over, as plain JSON numbers."""
    if isinstance(value, np.generic):
        return value.item()
    raise TypeError(type(value).__name__)
