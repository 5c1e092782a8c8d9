"""Choropleth of an accessibility index (APL-style, FCA score), with a legend."""

from __future__ import annotations

import re
from typing import Final

import numpy as np

import folium
import geopandas as gpd

from coordogeo._columns import apl_column
from coordogeo._numbers import decimals, thousands
from coordogeo.errors import check_columns
from coordogeo.maps._raster import add_polygons
from coordogeo.maps._style import (
    MAX_SHAPES,
    NO_DATA_COLOUR,
    SIMPLIFY_M,
    anchored_classes,
    colon,
    displayed,
    drawn_of,
    label,
    styled_layer,
    text,
    to_display,
)
from coordogeo.maps.framing import new_map
from coordogeo.maps.legend import add_legend
from coordogeo.maps.page import Page, page_or_default
from coordogeo.maps.ranking import add_ranking
from coordogeo.maps.structures import add_structures

__all__ = [
    "ZONAGE_COLOURS",
    "add_index",
    "add_zonage",
    "index_map",
    "index_title",
    "index_unit",
    "per_100k",
    "quantile_bounds",
    "zonage_map",
]

#: Low access in orange to high access in purple (ColorBrewer PuOr, reversed): a
#: diverging scheme that reads with every colour vision, unlike red-yellow-green
#: (``tests/maps/test_palettes.py`` checks it).
INDEX_COLOURS: Final = ("#e66101", "#fdb863", "#f7f7f7", "#b2abd2", "#5e3c99")
#: Class bounds of the APL in C./an/hab., anchored at the thresholds that matter:
#: 2.5 is the DREES "sous-dense" line (APL < 2.5), 4 the upper bound of the zonage
#: vivier commonly cited (unverified); open end classes below 1.5 and from 5.
APL_BREAKS: Final = (1.5, 2.5, 4.0, 5.0)
_UNITS: Final = {
    "fr": {
        "apl_consultations_per_inhabitant": "C./an/hab.",
        "apl_fte_per_100k": "ETP / 100 000 hab.",
    },
    "en": {
        "apl_consultations_per_inhabitant": "consult./yr/inhab.",
        "apl_fte_per_100k": "FTE / 100,000 inhab.",
    },
}
#: A floating-catchment score per inhabitant (:func:`coordogeo.access.fca`): shown
#: per 100,000 inhabitants, as the field writes supply (a 2SFCA of GP counts is
#: ~0.001 per inhabitant, "0,00" with two decimals).
_METHODS: Final = "2sfca|e2sfca|3sfca|gravity|bfca"
FCA_COLUMN: Final = re.compile(rf"^({_METHODS})_(.+)_per_inhabitant$")
_PER_100K_COLUMN: Final = re.compile(rf"^({_METHODS})_(.+)_per_100k$")
PER_100K: Final = 100_000.0


def per_100k(column: str) -> str | None:
    """Return the per-100,000 name of an FCA score column (None for another column).

    Examples
    --------
    >>> per_100k("2sfca_capacity_per_inhabitant"), per_100k("apl_fte_per_100k")
    ('2sfca_capacity_per_100k', None)
    """
    match = FCA_COLUMN.match(column)
    return f"{match[1]}_{match[2]}_per_100k" if match else None


def index_title(column: str, lang: str) -> str:
    """Return the name of the index a column holds, as a page and a legend say it.

    Examples
    --------
    >>> index_title("e2sfca_capacity_per_inhabitant", "fr")
    'Indice E2SFCA'
    >>> index_title("apl_consultations_per_inhabitant", "fr")
    'Accessibilité potentielle localisée (APL)'
    """
    if column.startswith("apl_"):
        return label("index_title", lang)
    match = FCA_COLUMN.match(column) or _PER_100K_COLUMN.match(column)
    if match:
        method = label("gravity", lang) if match[1] == "gravity" else match[1].upper()
        return label("fca_title", lang).format(method=method)
    return column


def quantile_bounds(values: np.ndarray, k: int = 5) -> tuple[np.ndarray, int]:
    """Return the inner bounds of ``k`` quantile classes and the decimals to show.

    Places are classed by the bounds as shown (the legend says what the colours
    are), rounded to the fewest decimals (0 to 6) that keep as many non-empty
    classes as the exact quintiles and keep a non-zero bound from showing as 0; a
    bound whose class would be empty is dropped. Places tied at a value (52
    communes at 0) share one class rather than splitting into empty ones. A value
    equal to a bound falls in the class below ("≤ 0").

    Examples
    --------
    >>> quantile_bounds(np.array([0, 0, 0, 0, 0, 0, 1.234, 2.5, 3.1, 8.0]))
    (array([0. , 2.6]), 1)
    >>> quantile_bounds(np.array([0.00012, 0.00031, 0.00047, 0.0009, 0.0013, 0.002]))
    (array([0.0003, 0.0005, 0.0009, 0.0013]), 4)
    """
    finite = np.asarray(values, dtype=np.float64)
    finite = finite[np.isfinite(finite)]
    if len(finite) == 0:
        return np.array([]), 2
    raw = np.unique(np.quantile(finite, np.linspace(0, 1, k + 1)[1:-1]))
    raw = raw[raw < finite.max()]  # the top class is never empty
    wanted = len(_filled(raw, finite))
    nonzero = np.abs(raw[raw != 0])
    for digits in range(7):
        shown = _filled(np.unique(np.round(raw, digits)), finite)
        if len(shown) == wanted and not (
            len(nonzero) and np.any(np.round(nonzero, digits) == 0)
        ):
            break
    return shown, digits


def _filled(bounds: np.ndarray, values: np.ndarray) -> np.ndarray:
    """Drop the bounds whose class (up to the bound, from the one before) is empty.

    Places are classed by the bounds as shown: a bound rounded below the places
    tied at it (17.35 -> 17), or an interpolated quantile between two values,
    would leave a class with nobody in it.
    """
    kept: list[float] = []
    low = -np.inf
    for bound in bounds:
        if np.any((values > low) & (values <= bound)):
            kept.append(float(bound))
            low = bound
    if kept and not np.any(values > kept[-1]):
        kept.pop()  # nobody above the last bound: its class is the top one
    return np.asarray(kept)


def index_map(
    result: gpd.GeoDataFrame,
    *,
    column: str | None = None,
    structures: gpd.GeoDataFrame | None = None,
    page: Page | None = None,
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
    page
        Language, title, source line, commune base and shape budget
        (:class:`~coordogeo.maps.Page`); a French page with the map's usual
        title if None.
    m
        A map to add to; a new one fitted to ``result`` if None.

    Returns
    -------
    folium.Map
        APL columns are classed at 1.5 / 2.5 / 3 / 4 / 5 C./an/hab. (2.5: the DREES
        "sous-dense" threshold); other indices per 100,000 inhabitants in
        quintiles, bounds shown with the decimals that tell them apart. Tooltips
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
    page = page_or_default(page)
    lang = page.lang
    name = apl_column(result, column)
    shapes = to_display(result, name="result", simplify_m=SIMPLIFY_M, drawn=page.drawn)
    scaled = per_100k(name)
    if scaled is not None:  # a score per inhabitant: per 100,000, as written
        shapes = shapes.assign(**{scaled: shapes[name].astype("float64") * PER_100K})
        name = scaled
    m = (
        new_map(shapes, page=page.titled(page.title or index_title(name, lang)))
        if m is None
        else m
    )
    add_index(m, shapes, column=name, lang=lang, max_shapes=page.max_shapes)
    unit = index_unit(name, lang)
    digits = (
        2
        if name.startswith("apl_")
        else quantile_bounds(shapes[name].to_numpy(np.float64))[1]
    )
    add_ranking(
        m, shapes, column=name, title=label("worst_index", lang), lang=lang,
        header=[label("commune", lang), unit or label("value", lang),
                label("population", lang)],
        digits=digits,
    )  # fmt: skip
    if structures is not None:
        add_structures(m, structures, lang=lang)
    folium.LayerControl(collapsed=True).add_to(m)
    return m


def add_index(
    m: folium.Map,
    shapes: gpd.GeoDataFrame,
    *,
    column: str,
    lang: str,
    max_shapes: int | None = MAX_SHAPES,
) -> folium.Map:
    """Add the classed index layer and its legend; ``shapes`` in any CRS.

    A score per inhabitant (``2sfca_capacity_per_inhabitant``) is shown per
    100,000 inhabitants.
    """
    shapes = displayed(shapes, name="result", drawn=drawn_of(m))
    scaled = per_100k(column)
    if scaled is not None:
        shapes = shapes.assign(**{scaled: shapes[column].astype("float64") * PER_100K})
        column = scaled
    values = shapes[column].to_numpy(dtype=np.float64)
    colour, items, digits = _classes(values, apl=column.startswith("apl_"), lang=lang)
    unit = index_unit(column, lang)
    title = index_title(column, lang)
    layer = styled_layer(
        shapes, colour, lambda: _tips(shapes, column, unit, title, digits, lang),
        max_shapes=max_shapes,
    )  # fmt: skip
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


def index_unit(column: str, lang: str) -> str:
    """Return the unit of an index column as the legend says it."""
    units = _UNITS["en" if lang == "en" else "fr"]
    if column in units:
        return units[column]
    match = _PER_100K_COLUMN.match(column)
    if match is None:
        return ""
    capacity = label("capacity_word", lang) if match[2] == "capacity" else match[2]
    return label("fca_unit", lang).format(capacity=capacity)


def quantile_palette(n_classes: int) -> tuple[str, ...]:
    """Return ``n_classes`` colours of :data:`INDEX_COLOURS`, lowest to highest."""
    picks = np.round(np.linspace(0, len(INDEX_COLOURS) - 1, n_classes)).astype(int)
    return tuple(INDEX_COLOURS[i] for i in picks)


def _classes(
    values: np.ndarray, *, apl: bool, lang: str
) -> tuple[np.ndarray, list[tuple[str, str]], int]:
    """Colour of each value, the legend items and the decimals shown.

    APL: its fixed bounds. Another index: quintiles, whose bounds are rounded to
    the decimals that tell them apart, ties sharing a class (:func:`quantile_bounds`).
    """
    if apl:
        colour, items = anchored_classes(
            values, APL_BREAKS, INDEX_COLOURS, unit="", lang=lang,
            upper_included=False,
        )  # fmt: skip
        return colour, items, 2
    finite = np.isfinite(values)
    colour = np.full(len(values), NO_DATA_COLOUR, dtype=object)
    if not finite.any():
        return colour, [], 2
    bounds, digits = quantile_bounds(values)
    if len(bounds) == 0:  # one value everywhere: one class, said as it is
        only = decimals([values[finite][0]], digits, lang)[0]
        colour[finite] = INDEX_COLOURS[2]
        return colour, [(INDEX_COLOURS[2], only)], digits
    colour, items = anchored_classes(
        values, tuple(bounds), quantile_palette(len(bounds) + 1), unit="",
        lang=lang, upper_included=True,
    )  # fmt: skip
    return colour, items, digits


def _tips(
    shapes: gpd.GeoDataFrame,
    column: str,
    unit: str,
    title: str,
    digits: int,
    lang: str,
) -> list[str]:
    """Escaped tooltip of each area: name, population, index value."""
    name = shapes["nom"].map(text) if "nom" in shapes else shapes.index.map(text)
    value = shapes[column].astype("float64")
    shown = decimals(value, digits, lang).where(
        value.notna(), text(label("no_data", lang))
    )
    tip = "<b>" + np.asarray(name, dtype=object) + "</b><br>"
    if "population" in shapes:
        pop = thousands(shapes["population"], lang)
        tip = tip + f"{text(label('population', lang))}{colon(lang)}" + pop + "<br>"
    tip = tip + f"{text(title)}{colon(lang)}" + shown + f" {text(unit)}"
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
    shapes = to_display(shapes, name="result", simplify_m=SIMPLIFY_M, drawn=drawn_of(m))
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
    page: Page | None = None,
) -> folium.Map:
    """Map the zonage-style categories (:func:`coordogeo.underserved.zonage`).

    Parameters
    ----------
    result
        Areas with ``zonage`` (and ``zonage_reason``, ``nom``), any CRS.
    structures
        Sites to show on top.
    page
        Language, title, source line, commune base and shape budget
        (:class:`~coordogeo.maps.Page`); a French page with the map's usual
        title if None.

    Examples
    --------
    >>> from coordogeo.datasets import sample_territory
    >>> toy = sample_territory().communes.assign(zonage="ZIP")
    >>> html = zonage_map(toy)._parent.render()
    >>> "Zonage" in html and "#e66101" in html
    True
    """
    page = page_or_default(page)
    lang = page.lang
    m = new_map(result, page=page.titled(page.title_or("zonage_title")))
    add_zonage(m, result, lang=lang)
    if structures is not None:
        add_structures(m, structures, lang=lang)
    folium.LayerControl(collapsed=True).add_to(m)
    return m
