"""The composed map: every result as a layer of one map, and links to the others."""

from __future__ import annotations

import urllib.parse
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, fields
from functools import partial
from typing import Any, Final

import numpy as np
import pandas as pd
from jinja2 import Template

import folium
import geopandas as gpd
from branca.element import MacroElement

from coordogeo._columns import apl_column
from coordogeo._numbers import thousands
from coordogeo.errors import InputError, check_columns
from coordogeo.maps._raster import add_polygons
from coordogeo.maps._sheet import sheet_of
from coordogeo.maps._style import (
    SIMPLIFY_M,
    TIME_COLOURS,
    colon,
    displayed,
    drawn_as_image,
    drawn_of,
    label,
    page_of,
    styled_layer,
    text,
    to_display,
)
from coordogeo.maps.access import add_travel_times
from coordogeo.maps.coverage import add_territories
from coordogeo.maps.equity import add_bivariate
from coordogeo.maps.framing import new_map, time_note
from coordogeo.maps.index import add_index
from coordogeo.maps.legend import add_legend, layers_added, one_at_a_time
from coordogeo.maps.page import Page, page_or_default
from coordogeo.maps.structures import add_structures
from coordogeo.maps.underserved import add_suggested_sites, add_zones

__all__ = ["MapLayers", "add_isochrones", "links_to", "overview_map"]

#: Layers shown when the page opens; the others are one click away in the control.
_SHOWN: Final = ("territories", "zones", "structures", "sites")
#: Coloured areas that would blend if two were on: one at a time (radio buttons).
_THEMES: Final = ("travel_times", "index", "bivariate", "zones")


@dataclass(frozen=True)
class MapLayers:
    """The results to draw on one map; any may be None (left out).

    Attributes
    ----------
    territories, overlaps_gaps
        :func:`coordogeo.coverage.cpts_territories` and
        :func:`coordogeo.coverage.overlaps_and_gaps` (both, or neither).
    structures
        Sites with ``kind`` (and ``name``, ``capacity``): clustered markers.
    travel_times
        A :func:`coordogeo.access.nearest` result; ``time_column`` is drawn.
    time_column
        The travel-time column of ``travel_times``.
    isochrones
        :func:`coordogeo.access.isochrones` output.
    index
        An :func:`coordogeo.access.apl` or FCA result with geometries; its one
        ``apl_*`` column, or ``index_column``.
    index_column
        The index column of ``index``.
    zones, sites
        :func:`coordogeo.underserved.zones` and
        :func:`coordogeo.underserved.suggest_sites` outputs.
    income, income_group
        Columns of ``travel_times``: the income per person and its thirds (1–3):
        with both, the bivariate layer (standard of living × time) is drawn.
    """

    territories: gpd.GeoDataFrame | None = None
    overlaps_gaps: gpd.GeoDataFrame | None = None
    structures: gpd.GeoDataFrame | None = None
    travel_times: gpd.GeoDataFrame | None = None
    time_column: str = "travel_time_min"
    isochrones: gpd.GeoDataFrame | None = None
    index: gpd.GeoDataFrame | None = None
    index_column: str | None = None
    zones: gpd.GeoDataFrame | None = None
    sites: gpd.GeoDataFrame | None = None
    income: str | None = None
    income_group: str | None = None


def overview_map(
    layers: MapLayers,
    *,
    links: Mapping[str, str] | None = None,
    figures: Mapping[str, str] | None = None,
    page: Page | None = None,
) -> folium.Map:
    """Compose every result given into one self-contained map.

    Parameters
    ----------
    layers
        The frames to draw (:class:`MapLayers`), any CRS each.
    links
        Other pages to link from a box in the corner: ``{label: href}`` (e.g. the
        single-layer maps saved beside this one). Labels and addresses are escaped;
        an address that would run code (``javascript:``) is refused.
    figures
        Images to show in a box that unfolds: ``{title: file}`` (e.g. the SVG chart
        written beside the page).
    page
        Language, title, source line, commune base and shape budget
        (:class:`~coordogeo.maps.Page`); a French page with the map's usual
        title if None.

    Returns
    -------
    folium.Map
        One layer per result in the layer control (territories, zones, structures
        and suggested sites shown at opening; travel times, isochrones and the
        index one click away), one legend per layer, a scale, a full-screen button.
        Outlines are simplified for display only (:data:`SIMPLIFY_M` metres) and
        coordinates rounded, so a département stays well under 5 MB of HTML.

    Raises
    ------
    InputError
        No layer given, or every layer given is empty; ``territories`` without
        ``overlaps_gaps`` or the reverse; missing columns; bad CRS or geometries.

    Examples
    --------
    >>> from coordogeo.datasets import sample_territory
    >>> from coordogeo.coverage import cpts_territories, overlaps_and_gaps
    >>> sample = sample_territory()
    >>> layers = MapLayers(
    ...     territories=cpts_territories(sample.communes, sample.cpts_members),
    ...     overlaps_gaps=overlaps_and_gaps(sample.communes, sample.cpts_members),
    ...     structures=sample.structures,
    ... )
    >>> page = overview_map(layers, links={"Accès": "carte_acces.html"})
    >>> html = page.get_root().render()
    >>> "Territoires des CPTS" in html and 'href="carte_acces.html"' in html
    True
    >>> overview_map(MapLayers())
    Traceback (most recent call last):
    ...
    coordogeo.errors.InputError: `layers` has nothing to draw: every layer is None \
or empty. Pass at least one result with rows.
    """
    page = page_or_default(page)
    lang = page.lang
    given = {
        f.name: getattr(layers, f.name)
        for f in fields(layers)
        if isinstance(getattr(layers, f.name), pd.DataFrame)
    }
    if not any(len(frame) for frame in given.values()):
        raise InputError(
            "`layers` has nothing to draw: every layer is None or empty. Pass at "
            "least one result with rows."
        )
    if (layers.territories is None) != (layers.overlaps_gaps is None):
        raise InputError(
            "`layers.territories` and `layers.overlaps_gaps` go together: give both "
            "(`cpts_territories` and `overlaps_and_gaps` of the same members) or "
            "neither."
        )
    # a layer past max_shapes is drawn as an image: simplifying it would change no
    # pixel, and its copy as drawn is the one the other maps keep (to_display)
    shown = {
        name: to_display(
            frame, name=f"layers.{name}",
            simplify_m=(
                0.0 if drawn_as_image(frame, page.max_shapes) else SIMPLIFY_M
            ),
            drawn=page.drawn,
        )
        for name, frame in given.items()
    }  # fmt: skip
    extent = pd.concat([frame[["geometry"]] for frame in shown.values()])
    timed = given.get("travel_times")
    m = new_map(
        gpd.GeoDataFrame(extent, crs=4326),
        page=page.titled(page.title_or("overview_title")),
        note=time_note(timed, lang) if timed is not None else None,
    )
    themes, coverage = _draw(m, layers, shown, lang, page.max_shapes)
    if links or figures:
        _add_links(m, links or {}, figures or {}, lang)
    folium.LayerControl(collapsed=True).add_to(m)
    one_at_a_time(m, themes, lang=lang)
    if themes and coverage:
        _Outlined(coverage, themes).add_to(m)
        sheet = sheet_of(m)
        if sheet is not None:  # the print figure draws them so too
            for area in sheet.areas:
                if any(area.layer is t for t in themes):
                    sheet.themes.add(area.name)
                if any(area.layer is c for c in coverage):
                    sheet.outlined.add(area.name)
    return m


def _draw(
    m: folium.Map,
    layers: MapLayers,
    shown: dict[str, gpd.GeoDataFrame],
    lang: str,
    max_shapes: int | None,
) -> tuple[list[Any], list[Any]]:
    """Add each layer given, in drawing order (areas below points).

    Returns the layers of the coloured themes (:data:`_THEMES`), to be exclusive,
    and the CPTS and uncovered communes' layers, outlined while a theme is on.
    """
    steps: list[tuple[str, Any]] = [
        (
            "travel_times",
            lambda f: add_travel_times(
                m, f, column=layers.time_column, lang=lang, max_shapes=max_shapes
            ),
        ),
        (
            "index",
            lambda f: add_index(
                m,
                f,
                column=apl_column(f, layers.index_column),
                lang=lang,
                max_shapes=max_shapes,
            ),
        ),
        ("isochrones", lambda f: add_isochrones(m, f, lang=lang)),
        (
            "bivariate",
            lambda f: add_bivariate(
                m,
                f,
                income=layers.income or "",
                group=layers.income_group or "",
                time_column=layers.time_column,
                lang=lang,
                max_shapes=max_shapes,
            ),
        ),
        (
            "territories",
            lambda f: add_territories(m, f, shown["overlaps_gaps"], lang=lang),
        ),
        ("zones", lambda f: add_zones(m, f, lang=lang)),
        ("structures", lambda f: add_structures(m, f, lang=lang)),
        ("sites", lambda f: add_suggested_sites(m, f, lang=lang)),
    ]
    if "travel_times" in shown and layers.income and layers.income_group:
        shown = {**shown, "bivariate": shown["travel_times"]}
    themes, coverage = [], []
    filled = {text(label("cpts_layer", lang)), text(label("gap", lang))}
    for name, draw in steps:
        if name not in shown:
            continue
        for layer in layers_added(m, partial(draw, shown[name])):
            if name not in _SHOWN:
                layer.show = False
            if name in _THEMES:
                themes.append(layer)
            if name == "territories" and getattr(layer, "layer_name", "") in filled:
                coverage.append(layer)
    return themes, coverage


def links_to(
    pages: Iterable[str], *, titles: Mapping[str, str] | None = None
) -> dict[str, str]:
    """Return ``{title: file}`` for the ``links`` of :func:`overview_map`.

    ``titles`` (file -> title) names the pages; the others keep their file name.
    Two pages of one title are told apart by their file.

    Examples
    --------
    >>> links_to(["zones.html", "autre.html"], titles={"zones.html": "Zones"})
    {'Zones': 'zones.html', 'autre.html': 'autre.html'}
    >>> links_to(["a.html", "b.html"], titles={"a.html": "Carte", "b.html": "Carte"})
    {'Carte': 'a.html', 'Carte (b.html)': 'b.html'}
    """
    given = dict(titles or {})
    out: dict[str, str] = {}
    for page in pages:
        title = given.get(page) or page
        out[title if title not in out else f"{title} ({page})"] = page  # none lost
    return out


def add_isochrones(m: folium.Map, shapes: gpd.GeoDataFrame, *, lang: str) -> folium.Map:
    """Add nested isochrones (any CRS), widest first, and their legend."""
    check_columns(shapes, ["max_time_min"], name="isochrones")
    shapes = displayed(shapes, name="isochrones", drawn=drawn_of(m))
    order = np.argsort(
        -shapes["max_time_min"].to_numpy(dtype=np.float64), kind="stable"
    )
    shapes = shapes.iloc[order]
    bounds = np.unique(shapes["max_time_min"].to_numpy(dtype=np.float64))
    palette = np.asarray(TIME_COLOURS[: len(bounds)], dtype=object)
    colour = palette[np.searchsorted(bounds, shapes["max_time_min"].to_numpy())]
    minutes = shapes["max_time_min"].map("≤ {:g} min".format)
    tip = minutes.map(text)
    if "population" in shapes:
        tip = (
            tip
            + f"<br>{text(label('population', lang))}{colon(lang)}"
            + thousands(shapes["population"], lang).to_numpy()
        )
    if "site" in shapes:
        tip = shapes["site"].map(text) + "<br>" + tip
    layer = styled_layer(shapes, colour, list(tip))
    add_polygons(m, layer, name=label("isochrones", lang), fill_opacity=0.35)
    items = [(str(c), f"≤ {b:g} min") for c, b in zip(palette, bounds, strict=True)]
    add_legend(
        m, label("isochrones", lang), items, layer=label("isochrones", lang),
        opacity=0.35,
    )  # fmt: skip
    return m


def _checked_href(href: str, *, name: str) -> str:
    """Refuse addresses that would run code (``javascript:``, ``data:`` …)."""
    scheme = urllib.parse.urlsplit(str(href).strip()).scheme.lower()
    if scheme not in ("", "http", "https"):
        raise InputError(
            f"`{name}` has the address {str(href)!r}; only relative paths and "
            "http(s) addresses are linked from a page."
        )
    return str(href)


def _add_links(
    m: folium.Map, links: Mapping[str, str], figures: Mapping[str, str], lang: str
) -> None:
    """Add the box of links to the other maps and of the figures (bottom right).

    Folded when the page opens, so that it covers no part of the territory; each
    figure (an image file beside the page) unfolds on its own.
    """
    for href in links.values():
        _checked_href(href, name="links")
    rows = "".join(
        f'<li><a href="{text(href)}">{text(name)}</a></li>'
        for name, href in links.items()
    )
    items = "".join(
        f"<details><summary style='cursor:pointer'><b>{text(name)}</b></summary>"
        f'<img src="{text(_checked_href(src, name="figures"))}" alt="{text(name)}" '
        'style="width:min(720px,70vw);background:#fff;margin-top:4px"></details>'
        for name, src in figures.items()
    )
    listed = (
        f"<details><summary style='cursor:pointer'><b>"
        f"{text(label('other_maps', lang))}</b></summary>"
        f'<ul style="margin:4px 0 0 16px;padding:0">{rows}</ul></details>'
        if rows
        else ""
    )
    box = (  # above the source and download lines; folds, scrolls when long
        '<div class="coordogeo-links" style="position:fixed;bottom:56px;right:12px;'
        "z-index:9999;background:rgba(255,255,255,0.92);padding:6px 10px;"
        "border:1px solid #999;border-radius:4px;font:12px sans-serif;"
        f'max-height:60vh;overflow-y:auto;max-width:min(60vw,740px)">{listed}{items}'
        "</div>"
    )
    figure = page_of(m)
    figure.html.add_child(folium.Element(box))


class _Outlined(MacroElement):
    """Draw the CPTS (and the communes outside any) as outlines while a theme is on.

    Two coloured layers would blend into colours no legend explains (the CPTS
    pastels under the travel times, the red of uncovered communes beside the
    longest times): while one of ``themes`` shows, each CPTS keeps its colour on
    a darker, thicker outline and no fill; off, the fills come back.
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        (function () {
            var map = {{ this._parent.get_name() }};
            var shapes = [{% for name in this.shapes %}{{ name }},{% endfor %}];
            var themes = [{% for name in this.themes %}{{ name }},{% endfor %}];
            function darker(colour) {
                if (!/^#[0-9a-fA-F]{6}$/.test(colour)) { return "#333333"; }
                var n = parseInt(colour.slice(1), 16), out = "#";
                [16, 8, 0].forEach(function (s) {
                    var v = Math.round(((n >> s) & 255) * 0.55);
                    out += v.toString(16).padStart(2, "0");
                });
                return out;
            }
            function update() {
                var on = themes.some(function (t) { return map.hasLayer(t); });
                shapes.forEach(function (layer) {
                    if (!on) { layer.resetStyle(); return; }
                    if (map.hasLayer(layer)) { layer.bringToFront(); }
                    layer.setStyle(function (f) {
                        return {fillOpacity: 0, opacity: 1, weight: 2.5,
                                color: darker(f.properties._fill)};
                    });
                });
            }
            map.on("overlayadd overlayremove baselayerchange", update);
            map.whenReady(update);
        })();
        {% endmacro %}
        """
    )

    def __init__(self, shapes: list[Any], themes: list[Any]) -> None:
        super().__init__()  # type: ignore[no-untyped-call]
        self._name = "Outlined"
        self.shapes = [layer.get_name() for layer in shapes]
        self.themes = [layer.get_name() for layer in themes]
