"""Choropleth of an accessibility index (APL-style, FCA score), with a legend."""

from __future__ import annotations

from typing import Final

import numpy as np

import folium
import geopandas as gpd
import mapclassify

from coordogeo._columns import apl_column
from coordogeo.maps._style import (
    NO_DATA_COLOUR,
    SIMPLIFY_M,
    Lang,
    add_polygons,
    check_lang,
    label,
    styled_layer,
    text,
    thousands,
    to_display,
)
from coordogeo.maps.framing import new_map
from coordogeo.maps.legend import add_legend
from coordogeo.maps.structures import add_structures

__all__ = ["add_index", "index_map"]

#: Low access in red to high access in green (ColorBrewer RdYlGn, 6 classes).
INDEX_COLOURS: Final = (
    "#d73027",
    "#fc8d59",
    "#fee08b",
    "#d9ef8b",
    "#91cf60",
    "#1a9850",
)
#: Class bounds of the APL in C./an/hab.: 2.5 is the DREES "sous-dense" threshold,
#: 4 the upper bound of the zonage vivier commonly cited (unverified).
APL_BREAKS: Final = (1.5, 2.5, 3.0, 4.0, 5.0)
_UNITS: Final = {
    "apl_consultations_per_inhabitant": "C./an/hab.",
    "apl_fte_per_100k": "ETP / 100 000 hab.",
}


def index_map(
    result: gpd.GeoDataFrame,
    *,
    column: str | None = None,
    structures: gpd.GeoDataFrame | None = None,
    lang: Lang = "fr",
    title: str | None = None,
    source: str | None = None,
    communes: gpd.GeoDataFrame | None = None,
    m: folium.Map | None = None,
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
    add_index(m, shapes, column=name, lang=lang)
    if structures is not None:
        add_structures(m, to_display(structures, name="structures"), lang=lang)
    folium.LayerControl(collapsed=False).add_to(m)
    return m


def add_index(
    m: folium.Map, shapes: gpd.GeoDataFrame, *, column: str, lang: str
) -> folium.Map:
    """Add the classed index layer and its legend; ``shapes`` in EPSG:4326."""
    values = shapes[column].to_numpy(dtype=np.float64)
    colour, items = _classes(values, apl=column.startswith("apl_"))
    unit = _UNITS.get(column, "")
    tips = _tips(shapes, column, unit, lang)
    layer = styled_layer(shapes, colour, tips)
    title = label("index_title", lang) if column.startswith("apl_") else column
    add_polygons(m, layer, name=title)
    add_legend(m, title, [*items, (NO_DATA_COLOUR, label("no_data", lang))], unit=unit)
    return m


def _classes(
    values: np.ndarray, *, apl: bool
) -> tuple[np.ndarray, list[tuple[str, str]]]:
    """Colour of each value and the legend items (fixed APL bounds or quintiles)."""
    finite = np.isfinite(values)
    colour = np.full(len(values), NO_DATA_COLOUR, dtype=object)
    if not finite.any():
        return colour, []
    top = float(values[finite].max())
    if apl:
        bins = [b for b in APL_BREAKS if b < top] + [top]
        scheme = mapclassify.UserDefined(values[finite], bins=bins)
    else:
        k = min(5, len(np.unique(values[finite])))
        scheme = mapclassify.Quantiles(values[finite], k=k)
    bins = list(scheme.bins)
    palette = INDEX_COLOURS[-len(bins) :] if not apl else INDEX_COLOURS
    colour[finite] = np.asarray(palette, dtype=object)[scheme.yb]
    lows = [float(values[finite].min()), *bins[:-1]]
    items = [
        (palette[i], f"{lo:.2f} – {hi:.2f}".replace(".", ","))
        for i, (lo, hi) in enumerate(zip(lows, bins, strict=True))
        if np.any(scheme.yb == i)
    ]
    return colour, items


def _tips(shapes: gpd.GeoDataFrame, column: str, unit: str, lang: str) -> list[str]:
    """Escaped tooltip of each area: name, population, index value."""
    name = shapes["nom"].map(text) if "nom" in shapes else shapes.index.map(text)
    value = shapes[column].astype("float64")
    shown = (
        value.map("{:.2f}".format)
        .str.replace(".", ",")
        .where(value.notna(), text(label("no_data", lang)))
    )
    tip = "<b>" + np.asarray(name, dtype=object) + "</b><br>"
    if "population" in shapes:
        pop = thousands(shapes["population"])
        tip = tip + f"{text(label('population', lang))} : " + pop + "<br>"
    tip = tip + f"{text(label('index_title', lang))} : " + shown + f" {text(unit)}"
    return list(tip)
