"""The run's QGIS project: the GeoPackage's layers in groups and a layout a page.

Which layers each map page draws (:data:`PAGE_LAYERS`), in the overview's order;
their titles (:func:`layer_titles`); the project of :mod:`coordogeo.maps.qgis_project`
written into the GeoPackage by :func:`coordogeo.io.write_results`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import Final

from coordogeo._words.layers import GROUPS, LAYER_TEXT
from coordogeo.maps.qgis_project import Layout, ProjectLayer, project_xml
from coordogeo.pipeline.results import RunResult

__all__ = ["PAGE_LAYERS", "layer_titles", "run_project"]

#: The layers of each page, top first (``table`` or ``table:style``); the overview
#: ``carte_synthese.html`` first. A scenario page draws ``scenario_<n>``.
PAGE_LAYERS: Final[dict[str, tuple[str, ...]]] = {
    "carte_synthese.html": ("structures", "sites_proposes", "communes",
                            "cpts:outlines",
                            "communes_hors_cpts_ou_partagees:outlines",
                            "zones_mal_desservies", "cpts",
                            "communes_hors_cpts_ou_partagees"),
    "carte_couverture.html": ("structures", "communes", "cpts",
                              "communes_hors_cpts_ou_partagees"),
    "carte_acces.html": ("structures", "communes", "temps_acces"),
    "carte_indice.html": ("structures", "communes", "indice_communes"),
    "carte_zones.html": ("structures", "sites_proposes", "communes",
                         "zones_mal_desservies"),
    "carte_zonage.html": ("structures", "communes", "indice_communes:zonage"),
    "carte_equite.html": ("structures", "communes", "temps_acces:equity"),
}  # fmt: skip
#: The project's layers, top first (the overview's order: points above areas),
#: each with its group; ``table:style`` is a table's second style.
_ORDER: Final = (
    ("structures", "sites"), ("sites_proposes", "sites"), ("communes", "base"),
    ("cpts:outlines", "coverage"),
    ("communes_hors_cpts_ou_partagees:outlines", "coverage"),
    ("zones_mal_desservies", "underserved"), ("cpts", "coverage"),
    ("communes_hors_cpts_ou_partagees", "coverage"), ("temps_acces", "access"),
    ("temps_acces:equity", "access"), ("indice_communes", "index"),
    ("indice_communes:zonage", "index"),
)  # fmt: skip


def layer_titles(result: RunResult, names: list[str]) -> dict[str, tuple[str, str]]:
    """Return the title and description of each GeoPackage layer of ``names``."""
    words = LAYER_TEXT[result.config.lang]
    out = {name: words[name] for name in names if name in words}
    for n, outcome in enumerate(result.scenarios, start=1):
        if f"scenario_{n}" in names:
            title, about = words["scenario"]
            name = outcome.spec.name[:1].upper() + outcome.spec.name[1:]
            out[f"scenario_{n}"] = (title.format(n=n, name=name), about)
    return out


def run_project(
    result: RunResult,
    *,
    gpkg_name: str,
    styles: Mapping[str, str],
    titles: Mapping[str, tuple[str, str]],
    framing: Mapping[str, tuple[str, str, str]],
    scenario_pages: Mapping[str, int],
    paper_mm: tuple[float, float],
) -> tuple[str, str]:
    """Return the run's project: its name (its title) and its ``.qgs`` text.

    ``styles`` are the GeoPackage's (``table`` or ``table:<style name>``),
    ``titles`` its layers' titles, ``framing`` each page's title, subtitle and
    credit line (as its figure), ``scenario_pages`` each scenario page's number.
    Only the layers with a style are in the project; a page whose layers are
    all missing has no layout.
    """
    lang = result.config.lang
    groups = GROUPS[lang]
    # a table has at most one second style: ``table:<name>`` keys of _ORDER
    # (``:equity``, ``:zonage``, ``:outlines``) say where it goes in the project
    second = {k.split(":")[0]: k for k in styles if ":" in k}
    by_key = {key: key.split(":")[0] for key, _ in _ORDER if ":" in key}
    order = list(_ORDER) + [
        (f"scenario_{n}", "scenarios") for n in sorted(scenario_pages.values())
    ]
    layers: list[ProjectLayer] = []
    for key, group in order:
        table = by_key.get(key, key)
        style_key = second.get(table) if key in by_key else table
        if style_key is None or style_key not in styles or table not in titles:
            continue
        title = legend = titles[table][0]
        if key in by_key:  # the second reading, titled by its style
            style_name = style_key.split(":", 1)[1]
            title = f"{title} — {style_name}"
            legend = legend if key.endswith(":outlines") else style_name
        elif table.startswith("scenario_"):  # the change, as the page's legend
            legend = groups["change"]
        geometry = "Point" if table in ("structures", "sites_proposes") else "Polygon"
        layers.append(ProjectLayer(
            id=_layer_id(key), table=table, title=title, geometry=geometry,
            style=styles[style_key], group=groups[group], legend=legend,
        ))  # fmt: skip
    present = {layer.id for layer in layers}
    bounds = result.inputs.communes.total_bounds
    layouts = []
    for page, (title, subtitle, credit) in framing.items():
        wanted = PAGE_LAYERS.get(page) or (
            ("structures", "communes", f"scenario_{scenario_pages[page]}")
            if page in scenario_pages
            else ()
        )
        shown = tuple(i for i in (_layer_id(k) for k in wanted) if i in present)
        if _layer_id("cpts:outlines") in shown:  # outlined under the zones, as the web
            filled = {_layer_id("cpts"),
                      _layer_id("communes_hors_cpts_ou_partagees")}  # fmt: skip
            shown = tuple(i for i in shown if i not in filled)
        if not shown:
            continue
        layouts.append(Layout(
            name=title, title=title, subtitle=subtitle, source=credit,
            layers=shown, extent=tuple(float(v) for v in bounds),  # type: ignore[arg-type]
            paper_mm=paper_mm,
        ))  # fmt: skip
    title = result.config.title or LAYER_TEXT[lang]["project"][0]
    return title, project_xml(
        title=title, gpkg_name=gpkg_name, crs_wkt=result.inputs.communes.crs.to_wkt(),
        layers=layers, layouts=_unique(layouts),
    )  # fmt: skip


def _layer_id(key: str) -> str:
    """Return the project's id of a layer key (``table`` or ``table:style``)."""
    return "coordogeo_" + key.replace(":", "_")


def _unique(layouts: list[Layout]) -> list[Layout]:
    """Name the layouts apart: a second of one name gets its number."""
    seen: dict[str, int] = {}
    out = []
    for layout in layouts:
        seen[layout.name] = seen.get(layout.name, 0) + 1
        count = seen[layout.name]
        out.append(
            replace(layout, name=f"{layout.name} ({count})") if count > 1 else layout
        )
    return out
