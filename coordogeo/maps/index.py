"""Choropleth of an accessibility index (APL-style, FCA score), with a legend."""

from __future__ import annotations

from typing import Final

import numpy as np

import folium
import geopandas as gpd
import mapclassify

from coordogeo._columns import apl_column
from coordogeo.errors import check_columns
from coordogeo.maps._style import (
    MAX_SHAPES,
    NO_DATA_COLOUR,
    SIMPLIFY_M,
    Lang,
    add_polygons,
    anchored_classes,
    check_lang,
    decimal,
    displayed,
    label,
    styled_layer,
    text,
    thousands,
    to_display,
)
from coordogeo.maps.framing import new_map
from coordogeo.maps.legend import add_legend
from coordogeo.maps.ranking import add_ranking
from coordogeo.maps.structures import add_structures

__all__ = ["ZONAGE_COLOURS", "add_index", "add_zonage", "index_map", "zonage_map"]

#: Low access in orange to high access in purple (ColorBrewer PuOr, reversed): a
#: diverging scheme that reads with every colour vision, unlike red-yellow-green
#: (``tests/maps/test_palettes.py`` checks it).
INDEX_COLOURS: Final = ("#e66101", "#fdb863", "#f7f7f7", "#b2abd2", "#5e3c99")
#: Class bounds of the APL in C./an/hab., anchored at the thresholds that matter:
#: 2.5 is the DREES "sous-dense" line (APL < 2.5), 4 the upper bound of the zonage
#: vivier commonly cited (unverified); open end classes below 1.5 and from 5.
APL_BREAKS: Final = (1.5, 2.5, 4.0, 5.0)
_UNITS: Final = {
    "apl_consultations_per_inhabitant": "C./an/hab.",
    "apl_fte_per_100k": "ETP / 100 000 hab.",
}


def index_map(  # noqa: PLR0913 - the map options every page shares
    result: gpd.GeoDataFrame,
    *,
    column: str | None = None,
    structures: gpd.GeoDataFrame | None = None,
    lang: Lang = "fr",
    title: str | None = None,
    source: str | None = None,
    communes: gpd.GeoDataFrame | None = None,
    m: folium.Map | None = None,
    max_shapes: int | None = MAX_SHAPES,
) -> folium.Map:
    """Map an accessibility index by commune (or cell): classed colours, a legend.

    Parameters
    ----------
    result
        :func:`coordogeo.access.apl` output with geometries, or an
        :func:`coordogeo.access.fca` demand frame; any CRS.
    column
        The index column; the one ``apl_*`` column if None.
    structures
        Sites to show on top, one layer per ``kind``.
    lang
        ``"fr"`` (default) or ``"en"``.
    title, source
        The map's title (its usual title if None) and the source line (data and
        their dates); the page also says "traitement coordogeo" and the date.
    communes
        Commune polygons (any CRS) drawn as the offline base: outlines, the
        territory's limit and the commune names.
    m
        A map to add to; a new one fitted to ``result`` if None.
    max_shapes
        Beyond this many places, the places are drawn as one image (each pixel the
        class colour of the place under it, no tooltips; a note says so); None
        draws every place as a shape with its tooltip.

    Returns
    -------
    folium.Map
        APL columns are classed at 1.5 / 2.5 / 3 / 4 / 5 C./an/hab. (2.5: the DREES
        "sous-dense" threshold); other indices in quintiles (mapclassify). Tooltips
        give the name, population and value; a legend gives the classes and unit.

    Examples
    --------
    >>> import pandas as pd
    >>> from coordogeo.datasets import sample_territory
    >>> sample = sample_territory()
    >>> toy = sample.communes.assign(apl_consultations_per_inhabitant=3.2)
    >>> html = index_map(toy)._parent.render()
    >>> "C./an/hab." in html and "Accessibilité potentielle localisée" in html
    True
    """
    check_lang(lang)
    name = apl_column(result, column)
    shapes = to_display(result, name="result", simplify_m=SIMPLIFY_M)
    m = (
        new_map(
            shapes,
            lang=lang,
            title=title or label("index_title", lang),
            source=source,
            communes=communes,
        )
        if m is None
        else m
    )
    add_index(m, shapes, column=name, lang=lang, max_shapes=max_shapes)
    unit = _UNITS.get(name, "")
    add_ranking(
        m, shapes, column=name, title=label("worst_index", lang), lang=lang,
        header=[label("commune", lang), unit or label("value", lang),
                label("population", lang)],
    )  # fmt: skip
    if structures is not None:
        add_structures(m, structures, lang=lang)
    folium.LayerControl(collapsed=False).add_to(m)
    return m


def add_index(
    m: folium.Map,
    shapes: gpd.GeoDataFrame,
    *,
    column: str,
    lang: str,
    max_shapes: int | None = MAX_SHAPES,
) -> folium.Map:
    """Add the classed index layer and its legend; ``shapes`` in any CRS."""
    shapes = displayed(shapes, name="result")
    values = shapes[column].to_numpy(dtype=np.float64)
    colour, items = _classes(values, apl=column.startswith("apl_"), lang=lang)
    unit = _UNITS.get(column, "")
    layer = styled_layer(
        shapes, colour, lambda: _tips(shapes, column, unit, lang),
        max_shapes=max_shapes,
    )  # fmt: skip
    title = label("index_title", lang) if column.startswith("apl_") else column
    add_polygons(m, layer, name=title, max_shapes=max_shapes,
                 lang=lang)  # fmt: skip
    add_legend(
        m,
        title,
        [*items, (NO_DATA_COLOUR, label("no_data", lang))],
        unit=unit,
        layer=title,
        opacity=0.75,
    )
    return m


def _classes(
    values: np.ndarray, *, apl: bool, lang: str
) -> tuple[np.ndarray, list[tuple[str, str]]]:
    """Colour of each value and the legend items (fixed APL bounds or quintiles)."""
    if apl:
        return anchored_classes(
            values, APL_BREAKS, INDEX_COLOURS, unit="", lang=lang,
            upper_included=False,
        )  # fmt: skip
    finite = np.isfinite(values)
    colour = np.full(len(values), NO_DATA_COLOUR, dtype=object)
    if not finite.any():
        return colour, []
    k = min(5, len(np.unique(values[finite])))
    scheme = mapclassify.Quantiles(values[finite], k=k)
    bins = list(scheme.bins)
    palette = INDEX_COLOURS[-len(bins) :]
    colour[finite] = np.asarray(palette, dtype=object)[scheme.yb]
    lows = [float(values[finite].min()), *bins[:-1]]
    items = [
        (palette[i], decimal([lo], 2, lang)[0] + " – " + decimal([hi], 2, lang)[0])
        for i, (lo, hi) in enumerate(zip(lows, bins, strict=True))
        if np.any(scheme.yb == i)
    ]
    return colour, items


def _tips(shapes: gpd.GeoDataFrame, column: str, unit: str, lang: str) -> list[str]:
    """Escaped tooltip of each area: name, population, index value."""
    name = shapes["nom"].map(text) if "nom" in shapes else shapes.index.map(text)
    value = shapes[column].astype("float64")
    shown = decimal(value, 2, lang).where(value.notna(), text(label("no_data", lang)))
    tip = "<b>" + np.asarray(name, dtype=object) + "</b><br>"
    if "population" in shapes:
        pop = thousands(shapes["population"])
        tip = tip + f"{text(label('population', lang))} : " + pop + "<br>"
    tip = tip + f"{text(label('index_title', lang))} : " + shown + f" {text(unit)}"
    return list(tip)


#: Zonage categories, most in tension first, on the index's orange-to-purple scale.
ZONAGE_COLOURS: Final = {
    "ZIP": "#e66101",
    "ZAC": "#fdb863",
    "vivier": "#f7f7f7",
    "hors vivier": "#b2abd2",
}


def add_zonage(
    m: folium.Map, shapes: gpd.GeoDataFrame, *, lang: str, column: str = "zonage"
) -> folium.Map:
    """Add the ZIP / ZAC / vivier layer and its legend (any CRS)."""
    check_columns(shapes, [column], name="result")
    shapes = to_display(shapes, name="result", simplify_m=SIMPLIFY_M)
    category = shapes[column].astype(str)
    fill = category.map(ZONAGE_COLOURS).fillna(NO_DATA_COLOUR)
    names = shapes["nom"].map(text) if "nom" in shapes else shapes.index.map(text)
    tips = names + "<br>" + category.map(text)
    if "zonage_reason" in shapes:
        tips = tips + "<br>" + shapes["zonage_reason"].map(text)
    title = label("zonage_title", lang)
    add_polygons(m, styled_layer(shapes, fill, list(tips)), name=title)
    items = [(colour, name) for name, colour in ZONAGE_COLOURS.items()]
    add_legend(m, title, items, layer=title, opacity=0.75)
    return m


def zonage_map(
    result: gpd.GeoDataFrame,
    *,
    structures: gpd.GeoDataFrame | None = None,
    lang: Lang = "fr",
    title: str | None = None,
    source: str | None = None,
    communes: gpd.GeoDataFrame | None = None,
) -> folium.Map:
    """Map the zonage-style categories (:func:`coordogeo.underserved.zonage`).

    Parameters
    ----------
    result
        Areas with ``zonage`` (and ``zonage_reason``, ``nom``), any CRS.
    structures
        Sites to show on top.
    lang
        ``"fr"`` (default) or ``"en"``.
    title, source
        The map's title (its usual title if None) and the source line.
    communes
        Commune polygons drawn as the offline base.

    Examples
    --------
    >>> from coordogeo.datasets import sample_territory
    >>> toy = sample_territory().communes.assign(zonage="ZIP")
    >>> html = zonage_map(toy)._parent.render()
    >>> "Zonage" in html and "#e66101" in html
    True
    """
    check_lang(lang)
    m = new_map(
        result,
        lang=lang,
        title=title or label("zonage_title", lang),
        source=source,
        communes=communes,
    )
    add_zonage(m, result, lang=lang)
    if structures is not None:
        add_structures(m, structures, lang=lang)
    folium.LayerControl(collapsed=False).add_to(m)
    return m
