"""What a run writes: the maps, the GeoPackage and CSV tables in French, the report.

File and layer names are the same for ``coordogeo demo`` and ``coordogeo run``:
the ``carte_*.html`` pages, :data:`GEOPACKAGE` and its layers, ``rapport.md`` and
``rapport.json``.
Written tables use French column names with units, whole inhabitants and shares in
percent (:func:`french_table`); the report keeps the exact sums.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any, Final

import numpy as np

import folium
import geopandas as gpd

from coordogeo._columns import TIME_BEFORE, nearest_column
from coordogeo._meanings import meaning
from coordogeo._version import __version__
from coordogeo._words.report import REPORT_TEXT
from coordogeo.io import GeoPackageAbout, write_results
from coordogeo.maps import (
    PAPERS,
    MapLayers,
    Page,
    access_map,
    colon,
    coverage_map,
    equity_chart,
    equity_map,
    index_map,
    label,
    links_to,
    overview_map,
    scenario_map,
    underserved_map,
    zonage_map,
)
from coordogeo.maps.access import access_title
from coordogeo.maps.figure import framing
from coordogeo.maps.framing import add_downloads
from coordogeo.maps.index import (
    index_title,
)
from coordogeo.pipeline.figures import Saving, print_figures
from coordogeo.pipeline.project import layer_titles, run_project
from coordogeo.pipeline.report import report_json, report_markdown
from coordogeo.pipeline.results import RunResult
from coordogeo.pipeline.scenario_tables import (
    summary_rows,
    timed_kinds,
)
from coordogeo.pipeline.styles import qgis_styles
from coordogeo.pipeline.tables import french_table, in_french, layers

__all__ = ["GEOPACKAGE", "write_everything", "write_maps"]

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


@dataclass(frozen=True)
class Pages:
    """The pages written (by file name), and each page's title, subtitle, credit."""

    files: dict[str, Path]
    framing: dict[str, tuple[str, str, str]]
    #: the print figures, perhaps still being written (:meth:`Saving.wait`)
    figures: Saving


def write_maps(result: RunResult, folder: Path) -> Pages:
    """Draw the single maps and the overview into ``folder``; return them by name."""
    config, found = result.config, result.underserved
    lang = config.lang
    structures = result.inputs.structures
    column = nearest_column(kind=config.timed_kind)
    timed = structures[structures["kind"].isin(config.kinds)]
    # one page for the run: its language, source, base and budget, and the
    # shapes its maps draw (let go with it once the pages are written)
    base = Page(
        lang=lang,
        source=result.ledger.source_line(config.source_line),
        communes=result.inputs.communes,
        max_shapes=config.map_max_places,
    )

    def framed(key: str, own: str | None = None) -> Page:
        """Return the page titled by the map's title and the territory's name."""
        title = own or label(key, lang)
        return base.titled(f"{title} — {config.title}" if config.title else title)

    pages: dict[str, folium.Map] = {}
    if result.coverage is not None:
        pages["carte_couverture.html"] = coverage_map(
            result.coverage.territories,
            result.coverage.overlaps_gaps,
            structures=structures,
            page=framed("coverage_title"),
        )
    access = access_title(result.places)  # by road, or a crow-fly estimate
    timed_title = f"{label(access, lang)}{colon(lang)}{label(config.timed_kind, lang)}"
    pages["carte_acces.html"] = access_map(
        result.places,
        timed,
        column=column,
        # the kind whose times are drawn, in the title (the layer control is
        # hidden in print)
        page=framed(access, timed_title),
    )
    pages["carte_indice.html"] = index_map(
        result.index,
        column=result.index_column,
        structures=structures,
        page=framed("index_title", index_title(result.index_column, lang)),
    )
    # pages drawn from frames that do not carry the times' model say it too
    model = (
        result.places["time_model"].iloc[0] if "time_model" in result.places else None
    )
    pages["carte_zones.html"] = underserved_map(
        found.zones.assign(time_model=model) if model else found.zones,
        sites=found.sites if len(found.sites) else None,
        structures=timed,
        page=framed("zones_title"),
    )
    if found.zonage is not None:
        zoned = result.index.join(found.zonage[["zonage", "zonage_reason"]])
        pages["carte_zonage.html"] = zonage_map(
            zoned, structures=timed, page=framed("zonage_title")
        )
    titles = {
        "carte_acces.html": timed_title,
        "carte_indice.html": index_title(result.index_column, lang),
    }
    for name, outcome in scenario_pages(result).items():
        kind = "evolution_title" if outcome.evolution else "scenario_title"
        head, own = label(kind, lang), outcome.spec.name
        titles[name] = (  # "Évolution : évolution depuis…" said once
            own[:1].upper() + own[1:]
            if own.lower().startswith(head.lower())
            else f"{head}{colon(lang)}{own}"
        )
        pages[name] = _scenario_page(result, outcome, model, base.titled(titles[name]))
    figures: dict[str, str] = {}
    fair = result.equity
    if fair is not None:
        pages["carte_equite.html"] = equity_map(
            result.places,
            income=fair.income,
            time_column=fair.time_column,
            structures=timed,
            page=framed("equity_title"),
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
        page=framed("overview_title"),
    )
    data = {"GeoPackage": GEOPACKAGE, REPORT_TEXT[lang]["report_link"]: "rapport.md"}
    for page in [overview, *pages.values()]:
        add_downloads(page, data, lang=lang)
    written = {OVERVIEW: folder / OVERVIEW}
    if figures:
        written[CHART] = folder / CHART
    overview.save(written[OVERVIEW])
    for name, page in pages.items():
        page.save(folder / name)
        written[name] = folder / name
    every = [(OVERVIEW, overview), *pages.items()]
    saving = print_figures(
        every, folder, paper=config.figures, places=len(result.places)
    )
    written.update({path.name: path for path in saving.paths})
    said = {name: framing(page) for name, page in every}
    return Pages(written, said, saving)


def _scenario_page(
    result: RunResult, outcome: Any, model: str | None, page: Page
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
        if nearest_column(TIME_BEFORE, k) in places
    ]
    rows = [
        [f"{k} — {row[0]}" if len(kinds) > 1 else row[0], *row[1:]]
        for k in kinds
        for row in summary_rows(outcome, k, lang)
    ] + [
        [f"{label('index', lang)} — {row[0]}", *row[1:]]
        for row in summary_rows(outcome, None, lang)
    ]
    title = f"{page.title} ({', '.join(kinds or [label('index', lang)])})"
    if config.title:
        title += f" — {config.title}"
    return scenario_map(
        places,
        kind=kinds,
        changes=outcome.changes,
        summary=rows,
        max_time_min=outcome.max_time_min,
        page=page.titled(title),
    )


def _metadata(result: RunResult) -> dict[str, str]:
    """Return the GeoPackage's metadata: the source line, each input's vintage."""
    out = {"coordogeo_version": __version__}
    line = result.ledger.source_line(result.config.source_line)
    if line:
        out["source"] = line
    for entry in result.ledger.inputs:
        if entry.get("vintage"):
            out[f"vintage_{entry['key'].removeprefix('inputs.')}"] = entry["vintage"]
    return out


def _is_layer(frame: object) -> bool:
    """Whether a written frame is a GeoPackage layer (not a CSV table)."""
    return isinstance(frame, gpd.GeoDataFrame)


def scenario_pages(result: RunResult) -> dict[str, Any]:
    """Return the page name of each scenario: ``carte_scenario_<n>_<name>.html``."""
    return {
        f"carte_scenario_{n}_{o.spec.slug}.html".replace("_.html", ".html"): o
        for n, o in enumerate(result.scenarios, start=1)
    }


def write_everything(
    result: RunResult, folder: Path, *, pages: Pages
) -> dict[str, Path]:
    """Write the GeoPackage, the CSV tables and the report beside the maps.

    Each layer is put in French as it is written, then dropped: at national size
    the places and one layer per scenario are millions of rows each, and holding
    all their copies at once took more memory than the whole run before it.
    The print figures, if a child process writes them meanwhile, are waited for
    at the end (the run stops that child if anything here fails).
    """
    lang = result.config.lang
    heads = {
        name: french_table(
            frame, rounded=not isinstance(frame, gpd.GeoDataFrame), lang=lang
        )
        for name, frame in layers(result, head=True).items()
        if not (isinstance(frame, gpd.GeoDataFrame) and len(frame) == 0)
    }
    styles = qgis_styles(result, heads)
    titles = layer_titles(result, [n for n, f in heads.items() if _is_layer(f)])
    config = result.config
    numbers = {name: n for n, name in enumerate(scenario_pages(result), start=1)}
    project = run_project(
        result, gpkg_name=GEOPACKAGE, styles=styles, titles=titles,
        framing=pages.framing, scenario_pages=numbers,
        paper_mm=PAPERS.get(config.figures, PAPERS["A4-paysage"]),
    )  # fmt: skip
    written_layers = {
        name: partial(in_french, layer, lang=lang)
        for name, layer in layers(result).items()
        if name in heads  # no empty layer
    }
    files = write_results(
        folder / GEOPACKAGE,
        csv=result.config.csv,
        styles=styles,
        about=GeoPackageAbout(titles, _metadata(result), project),
        xlsx=True,
        meanings=lambda column: meaning(column, lang),
        lang=lang,
        **written_layers,
    )
    written = {**pages.files, **{path.name: path for path in files}}
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
    pages.figures.wait()
    return written


def _json_default(value: object) -> object:
    """Numbers numpy hands over, as plain JSON numbers."""
    if isinstance(value, np.generic):
        return value.item()
    raise TypeError(type(value).__name__)
