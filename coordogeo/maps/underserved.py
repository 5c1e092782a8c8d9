"""The under-served zones map: zones filled by rank, suggested sites with their gain."""

from __future__ import annotations

from typing import Final

import numpy as np
import pandas as pd

import folium
import geopandas as gpd

from coordogeo._numbers import percent, thousands
from coordogeo.errors import check_columns
from coordogeo.maps._raster import add_polygons
from coordogeo.maps._sheet import Marks, sheet_of
from coordogeo.maps._style import (
    SIMPLIFY_M,
    colon,
    displayed,
    drawn_of,
    label,
    styled_layer,
    text,
    to_display,
)
from coordogeo.maps.framing import new_map
from coordogeo.maps.legend import add_html_legend, add_legend
from coordogeo.maps.page import Page, page_or_default
from coordogeo.maps.ranking import add_ranking
from coordogeo.maps.structures import add_structures

__all__ = ["add_suggested_sites", "add_zones", "underserved_map"]

#: Rank classes of zones (upper bounds, inclusive) and their fills (ColorBrewer
#: Purples, darkest for the most populated zones).
RANK_BOUNDS: Final = (3, 10, 25)
RANK_COLOURS: Final = ("#54278f", "#756bb1", "#9e9ac8", "#cbc9e2")
SITE_COLOUR: Final = "#e6007e"
#: Opacity of the zones (the GeoPackage style's too).
ZONES_OPACITY: Final = 0.7
#: A star drawn in inline SVG: no icon font, nothing loaded from the network.
_STAR: Final = (
    '<svg width="26" height="26" viewBox="0 0 24 24" aria-hidden="true">'
    '<path d="M12 2l2.9 6.9 7.1.6-5.4 4.7 1.7 7-6.3-3.9-6.3 3.9 1.7-7L2 9.5l7.1-.6z" '
    f'fill="{SITE_COLOUR}" stroke="#ffffff" stroke-width="1.5"/></svg>'
)


def underserved_map(
    zones: gpd.GeoDataFrame,
    *,
    sites: gpd.GeoDataFrame | None = None,
    structures: gpd.GeoDataFrame | None = None,
    page: Page | None = None,
    m: folium.Map | None = None,
) -> folium.Map:
    """Map under-served zones by rank, and the sites suggested to serve them.

    Parameters
    ----------
    zones
        :func:`coordogeo.underserved.zones` output (``rank``, ``population``; the
        other columns go in the tooltips when present), any CRS.
    sites
        :func:`coordogeo.underserved.suggest_sites` output with point geometries
        (``step``, ``population_gain``, ``share_covered``); none if None.
    structures
        Existing structures as markers, one layer per ``kind``; none if None.
    page
        Language, title, source line, commune base and shape budget
        (:class:`~coordogeo.maps.Page`); a French page with the map's usual
        title if None.
    m
        A map to add to; a new one fitted to the zones (or the sites) if None.

    Returns
    -------
    folium.Map
        Zones filled by rank class (1–3, 4–10, 11–25, beyond) with tooltips giving
        the zone, its population, area, reasons and travel times; suggested sites
        as numbered stars whose popups give the population they add; a legend and a
        layer control. Every text from the data is escaped.

    Examples
    --------
    >>> from coordogeo.datasets import sample_territory
    >>> from coordogeo.underserved import zones
    >>> cells = sample_territory().population
    >>> found = zones(cells.assign(underserved=cells["insee"] == "00001"))
    >>> html = underserved_map(found)._parent.render()
    >>> "Zones mal desservies" in html and "Z001" in html
    True
    """
    page = page_or_default(page)
    lang = page.lang
    check_columns(zones, ["rank", "population"], name="zones")
    shapes = to_display(zones, name="zones", simplify_m=SIMPLIFY_M, drawn=page.drawn)
    points = (
        None if sites is None else to_display(sites, name="sites", drawn=page.drawn)
    )
    if m is None:
        fit = shapes if len(shapes) or points is None else points
        if len(fit) == 0:  # no zone and no site: the territory, not the world
            fit = page.communes if page.communes is not None else structures
        m = new_map(fit, page=page.titled(page.title_or("zones_title")))
    add_zones(m, shapes, lang=lang)
    if len(shapes):
        add_ranking(
            m, shapes.set_index("zone_id") if "zone_id" in shapes else shapes,
            column="rank", title=label("worst_zones", lang), lang=lang, digits=0,
            header=[label("zone", lang), label("rank", lang),
                    label("population", lang)],
        )  # fmt: skip
    if structures is not None:
        add_structures(m, structures, lang=lang)
    if points is not None:
        add_suggested_sites(m, points, lang=lang)
    folium.LayerControl(collapsed=True).add_to(m)
    return m


def add_zones(m: folium.Map, shapes: gpd.GeoDataFrame, *, lang: str) -> folium.Map:
    """Add the zones (any CRS) filled by rank class, escaped tooltips, a legend."""
    shapes = displayed(shapes, name="zones", drawn=drawn_of(m))
    if len(shapes) == 0:  # said on the page: an empty map must not look unfinished
        add_html_legend(
            m, label("zones_title", lang),
            f"<div style='max-width:260px'>{text(label('no_zone', lang))}</div>",
        )  # fmt: skip
        return m
    rank = shapes["rank"].to_numpy(dtype=np.float64)
    fill = np.asarray(RANK_COLOURS, dtype=object)[
        np.searchsorted(RANK_BOUNDS, rank, side="left")
    ]
    layer = styled_layer(shapes, fill, _zone_tips(shapes, lang))
    add_polygons(
        m,
        layer,
        name=label("zones_title", lang),
        weight=0.8,
        fill_opacity=ZONES_OPACITY,
    )
    items = [
        (colour, name)
        for colour, name in zip(RANK_COLOURS, rank_names(lang), strict=True)
    ]
    add_legend(
        m, label("zones_title", lang), items, layer=label("zones_title", lang),
        opacity=ZONES_OPACITY,
    )  # fmt: skip
    return m


def add_suggested_sites(
    m: folium.Map, points: gpd.GeoDataFrame, *, lang: str
) -> folium.Map:
    """Add suggested sites (any CRS) as numbered stars with their gain."""
    check_columns(points, ["step", "population_gain"], name="sites")
    points = displayed(points, name="sites", simplify=False, drawn=drawn_of(m))
    group = folium.FeatureGroup(name=text(label("sites_title", lang)))
    names = pd.Series(points.index.astype(str), index=points.index)
    for column in ("name", "nom"):  # a place's name where the sites have one
        if column in points:
            names = points[column].where(points[column].notna(), names)
    gains = thousands(points["population_gain"], lang).to_numpy()
    shares = (
        points["share_covered"].to_numpy(dtype=np.float64)
        if "share_covered" in points
        else np.full(len(points), np.nan)
    )
    rows = zip(
        points.index, points.geometry, points["step"], names, gains, shares, strict=True
    )
    sep = colon(lang)
    for id_, point, step, name, gain, share in rows:  # a handful of sites
        popup = (
            f"<b>{text(label('site', lang))} {text(step)}{sep}{text(name)}</b><br>"
            f"{text(label('gain', lang))}{sep}+{text(gain)} "
            f"{text(label('inhabitants', lang))}<br>"
        )
        if np.isfinite(share):
            covered = percent(share, lang)
            popup += f"{text(label('share_covered', lang))}{sep}{text(covered)}<br>"
        popup += f"<span style='color:#666'>{text(id_)}</span>"
        folium.Marker(
            location=[point.y, point.x],
            icon=folium.DivIcon(
                html=_STAR, icon_size=(26, 26), icon_anchor=(13, 13), class_name=""
            ),
            popup=folium.Popup(popup, max_width=300),
            tooltip=f"{text(label('site', lang))} {text(step)}{sep}+{text(gain)}",
        ).add_to(group)
    group.add_to(m)
    title = label("sites_title", lang)
    sheet = sheet_of(m)
    if sheet is not None:
        sheet.marks.append(Marks(group, title, points[["geometry"]], SITE_COLOUR, "*"))
    add_html_legend(
        m, title,
        '<div style="display:flex;align-items:center;gap:6px">'
        f"{_STAR}{text(label('site_order', lang))}<span class='coordogeo-hint'>"
        f"{text(label('site_order_hint', lang))}</span></div>",
        layer=title,
    )  # fmt: skip
    return m


def rank_names(lang: str) -> list[str]:
    """Legend labels of the rank classes."""
    word = label("rank", lang)
    lows = [1, *(b + 1 for b in RANK_BOUNDS)]
    names = [f"{word} {lo}–{hi}" for lo, hi in zip(lows, RANK_BOUNDS, strict=False)]
    return [*names, f"{word} > {RANK_BOUNDS[-1]}"]


def _zone_tips(shapes: gpd.GeoDataFrame, lang: str) -> list[str]:
    """Escaped tooltip of each zone."""
    tip = (
        "<b>"
        + pd.Series(shapes.index, index=shapes.index).map(text)
        + f"</b> ({text(label('rank', lang))} "
        + shapes["rank"].map(text)
        + ")<br>"
        + f"{text(label('population', lang))}{colon(lang)}"
        + thousands(shapes["population"], lang).to_numpy()
    )
    if "area_km2" in shapes:
        area = shapes["area_km2"].map("{:.0f}".format)
        tip = tip + f" {text(label('inhabitants', lang))} — " + area + " km²"
    for column, key in (
        ("mean_travel_time_min", "mean_time"),
        ("max_travel_time_min", "max_time"),
    ):
        if column in shapes:
            minutes = shapes[column].astype("float64")
            shown = minutes.map("{:.0f} min".format).where(
                minutes.notna(), label("unreachable", lang)
            )
            tip = tip + f"<br>{text(label(key, lang))}{colon(lang)}" + shown.map(text)
    if "population_unreachable" in shapes:
        lost = thousands(shapes["population_unreachable"], lang).to_numpy()
        hab = text(label("inhabitants", lang))
        tip = (
            tip
            + f"<br>{text(label('unreachable', lang))}{colon(lang)}"
            + lost
            + f" {hab}"
        )
    if "n_communes" in shapes:
        tip = (
            tip
            + f"<br>{text(label('n_communes', lang))}{colon(lang)}"
            + shapes["n_communes"].map(text)
        )
    if "reasons" in shapes:
        tip = (
            tip
            + f"<br>{text(label('reasons', lang))}{colon(lang)}"
            + shapes["reasons"].map(text)
        )
    return list(tip)
