"""The coverage map: CPTS territories by name, overlaps hatched, gaps in warning red."""

from __future__ import annotations

from typing import Final

import numpy as np
import pandas as pd

import folium
import geopandas as gpd
import shapely

from coordogeo._numbers import thousands
from coordogeo.errors import check_columns
from coordogeo.maps._raster import add_polygons
from coordogeo.maps._style import (
    CATEGORY_COLOURS,
    SIMPLIFY_M,
    WARNING_COLOUR,
    add_hatch,
    colon,
    displayed,
    drawn_of,
    label,
    styled_layer,
    text,
    to_display,
)
from coordogeo.maps.framing import new_map
from coordogeo.maps.legend import HATCH, add_legend
from coordogeo.maps.page import Page, page_or_default
from coordogeo.maps.structures import add_structures

__all__ = ["add_territories", "coverage_map", "cpts_colours"]


def coverage_map(
    territories: gpd.GeoDataFrame,
    overlaps_gaps: gpd.GeoDataFrame,
    *,
    structures: gpd.GeoDataFrame | None = None,
    page: Page | None = None,
    m: folium.Map | None = None,
) -> folium.Map:
    """Map CPTS territories, the communes they share and the communes they leave out.

    Parameters
    ----------
    territories
        :func:`coordogeo.coverage.cpts_territories` output (``cpts_name``,
        ``population``, ``taille``, ``n_communes``), any CRS.
    overlaps_gaps
        :func:`coordogeo.coverage.overlaps_and_gaps` output (``status``,
        ``population``, ``cpts_ids``, and ``nom`` if present), any CRS.
    structures
        Structures to show as markers on top, one layer per ``kind``; none if None.
    page
        Language, title, source line, commune base and shape budget
        (:class:`~coordogeo.maps.Page`); a French page with the map's usual
        title if None.
    m
        A map to add the layers to; a new one fitted to the territories if None.

    Returns
    -------
    folium.Map
        One colour per CPTS (cycled beyond 11) with a tooltip giving its name,
        population, size band and number of communes; communes claimed by several
        CPTS hatched on top; communes in none in warning red; a legend and a layer
        control. Texts from the data are escaped.

    Examples
    --------
    >>> from coordogeo.datasets import sample_territory
    >>> from coordogeo.coverage import cpts_territories, overlaps_and_gaps
    >>> sample = sample_territory()
    >>> cpts = cpts_territories(sample.communes, sample.cpts_members)
    >>> odd = overlaps_and_gaps(sample.communes, sample.cpts_members)
    >>> html = coverage_map(cpts, odd)._parent.render()
    >>> "Commune hors CPTS" in html and "coordogeo-hatch" in html
    True
    """
    page = page_or_default(page)
    lang = page.lang
    check_columns(
        territories, ["cpts_name", "population", "taille"], name="territories"
    )
    check_columns(overlaps_gaps, ["status", "population"], name="overlaps_gaps")
    shapes = to_display(
        territories, name="territories", simplify_m=SIMPLIFY_M, drawn=page.drawn
    )
    odd = to_display(
        overlaps_gaps, name="overlaps_gaps", simplify_m=SIMPLIFY_M, drawn=page.drawn
    )
    m = (
        new_map(
            shapes if len(shapes) else odd,
            page=page.titled(page.title_or("coverage_title")),
        )
        if m is None
        else m
    )
    add_territories(m, shapes, odd, lang=lang)
    if structures is not None:
        add_structures(m, structures, lang=lang)
    folium.LayerControl(collapsed=True).add_to(m)
    return m


def add_territories(
    m: folium.Map, shapes: gpd.GeoDataFrame, odd: gpd.GeoDataFrame, *, lang: str
) -> folium.Map:
    """Add CPTS territories, shared and uncovered communes, and their legend.

    ``shapes`` and ``odd`` are the two frames of :func:`coverage_map`, any CRS.
    """
    shapes = displayed(shapes, name="territories", drawn=drawn_of(m))
    odd = displayed(odd, name="overlaps_gaps", drawn=drawn_of(m))
    chosen = cpts_colours(shapes)
    colours = [chosen[n] for n in shapes["cpts_name"].astype(str)]
    layer = styled_layer(shapes, colours, _territory_tips(shapes, lang))
    add_polygons(
        m, layer, name=label("cpts_layer", lang), weight=0.8, fill_opacity=CPTS_OPACITY
    )
    for status, fill in (("gap", WARNING_COLOUR), ("overlap", add_hatch(m))):
        rows = odd[odd["status"] == status]
        tips = _commune_tips(rows, lang)
        layer = styled_layer(rows, [fill] * len(rows), tips)
        opacity = GAP_OPACITY if status == "gap" else 1.0
        add_polygons(
            m, layer, name=label(status, lang), weight=0.8, fill_opacity=opacity
        )
    names = shapes["cpts_name"].astype(str)
    items = [(c, n) for c, n in zip(colours, names, strict=True)]
    items += [(HATCH, label("overlap", lang)), (WARNING_COLOUR, label("gap", lang))]
    add_legend(
        m, label("coverage_title", lang), items, layer=label("cpts_layer", lang),
        opacity=CPTS_OPACITY,
    )  # fmt: skip
    return m


#: Opacities of the CPTS and of the communes outside any (the GeoPackage's too).
CPTS_OPACITY: Final = 0.55
GAP_OPACITY: Final = 0.65
#: Territories this close (metres) are neighbours for their colours.
_NEIGHBOUR_M: Final = 100.0


def cpts_colours(territories: gpd.GeoDataFrame) -> dict[str, str]:
    """Return a colour per CPTS name such that neighbouring CPTS never share one.

    Greedy colouring of the CPTS whose territories touch (or overlap, or come
    within 100 m: the web map's simplified outlines leave slivers), the most
    connected first (ties by name): each takes the first colour of
    :data:`CATEGORY_COLOURS` none of its neighbours has, else the one fewest of
    them have. The web map and the GeoPackage style read the same mapping.

    >>> from shapely import box
    >>> row = gpd.GeoDataFrame({"cpts_name": ["a", "b", "c"]},
    ...     geometry=[box(0, 0, 1, 1), box(1, 0, 2, 1), box(2, 0, 3, 1)])
    >>> cpts_colours(row)
    {'b': '#4477aa', 'a': '#228833', 'c': '#228833'}
    """
    names = territories["cpts_name"].astype(str)
    frame = territories
    if frame.crs is not None and frame.crs.is_geographic and len(frame):
        frame = frame.to_crs(frame.estimate_utm_crs())
    shapes = shapely.make_valid(frame.geometry.to_numpy())
    tree = shapely.STRtree(shapes)
    # within 100 m: the slivers simplified outlines leave do not part neighbours
    gap = _NEIGHBOUR_M if frame.crs is not None else 0.0
    left, right = tree.query(shapes, predicate="dwithin", distance=gap)
    near: dict[str, set[str]] = {n: set() for n in names}
    for i, j in zip(left.tolist(), right.tolist(), strict=True):
        if names.iloc[i] != names.iloc[j]:
            near[names.iloc[i]].add(names.iloc[j])
    order = sorted(near, key=lambda n: (-len(near[n]), n))
    out: dict[str, str] = {}
    for name in order:
        taken = [out[n] for n in near[name] if n in out]
        free = [c for c in CATEGORY_COLOURS if c not in taken]
        out[name] = free[0] if free else min(CATEGORY_COLOURS, key=taken.count)
    return out


def _territory_tips(shapes: gpd.GeoDataFrame, lang: str) -> list[str]:
    """Escaped tooltip of each CPTS: name, population, size band, communes."""
    tip = (
        "<b>" + shapes["cpts_name"].map(text) + "</b><br>"
        f"{text(label('population', lang))}{colon(lang)}"
        + thousands(shapes["population"], lang)
    )
    tip = (
        tip
        + f"<br>{text(label('taille', lang))}{colon(lang)}"
        + shapes["taille"].map(text)
    )
    if "n_communes" in shapes:
        count = shapes["n_communes"].map(text)
        tip = tip + f"<br>{text(label('n_communes', lang))}{colon(lang)}" + count
    return list(tip)


def _commune_tips(rows: gpd.GeoDataFrame, lang: str) -> list[str]:
    """Escaped tooltip of each odd commune: name, population, claiming CPTS."""
    names = rows["nom"] if "nom" in rows else pd.Series(rows.index, index=rows.index)
    tip = (
        "<b>" + names.map(text) + "</b><br>"
        f"{text(label('population', lang))}{colon(lang)}"
        + thousands(rows["population"], lang)
    )
    if "cpts_ids" in rows:
        claimed = rows["cpts_ids"].map(text)
        shown = np.where(
            claimed != "", f"<br>{text(label('claimed_by', lang))}{colon(lang)}", ""
        )
        tip = tip + shown + claimed
    return list(tip)
