"""Labels (French by default), colours, class breaks and the 4326 conversion of maps."""

from __future__ import annotations

import html
import itertools
import json
from typing import Any, Final

import numpy as np
import pandas as pd

import folium
import geopandas as gpd
import shapely
from branca.element import Figure

from coordogeo._columns import LANGS, Lang
from coordogeo._digest import Kept, shapes_digest
from coordogeo._words.maps import LABELS
from coordogeo.crs import check_for_lonlat
from coordogeo.errors import check_choice

__all__ = [
    "CHANGE_COLOURS",
    "HATCH_FILL",
    "LABELS",
    "MAX_SHAPES",
    "Drawn",
    "Lang",
    "add_hatch",
    "anchored_classes",
    "colon",
    "darker",
    "drawn_of",
    "label",
    "styled_layer",
    "text",
    "to_display",
]


#: Travel-time classes anchored at the thresholds the field uses, upper bounds
#: included (≤ 10, 10–20, 20–30 min) and an open end class (> 30 min); a sequential
#: ColorBrewer OrRd ramp whose lightness falls class by class, so that it reads
#: with every colour vision (``tests/maps/test_palettes.py`` checks it).
TIME_BREAKS_MIN: Final = (10.0, 20.0, 30.0)
TIME_COLOURS: Final = ("#fef0d9", "#fdcc8a", "#fc8d59", "#d7301f")
NO_DATA_COLOUR: Final = "#9e9e9e"
#: Change classes of a scenario, from the largest gain to the loss of access:
#: ColorBrewer PuOr (purple gains, orange losses), safe for every colour vision.
CHANGE_COLOURS: Final = (
    "#542788", "#998ec3", "#d8daeb", "#f7f7f7", "#fee0b6", "#f1a340", "#b35806"
)  # fmt: skip
KIND_COLOURS: Final = {
    "MSP": "#1b7837",
    "CDS": "#2166ac",
    "ESP": "#762a83",
    "CPTS": "#e08214",
    "DAC": "#4d4d4d",
}
#: Qualitative colours of territories: Paul Tol's "bright" scheme without its red
#: (kept for warnings) and its grey (read as "no data"). At the CPTS layer's
#: opacity any two stay ΔE >= 9 apart under deuteranopia and protanopia (Set3's
#: fell to 1.5); neighbouring territories never share one
#: (:func:`coordogeo.maps.coverage.cpts_colours`).
CATEGORY_COLOURS: Final = ("#4477aa", "#228833", "#ccbb44", "#66ccee", "#aa3377")
WARNING_COLOUR: Final = "#d7191c"
#: ``fillColor`` of hatched areas; the pattern is defined once per map by add_hatch.
HATCH_FILL: Final = "url(#coordogeo-hatch)"
_HATCH_SVG: Final = (
    '<svg width="0" height="0" style="position:absolute" aria-hidden="true"><defs>'
    '<pattern id="coordogeo-hatch" width="8" height="8" patternUnits="userSpaceOnUse"'
    ' patternTransform="rotate(45)"><rect width="3" height="8" fill="#333333"'
    ' fill-opacity="0.8"/></pattern></defs></svg>'
)

#: Tolerance of the display copy of outlines (communes, territories, zones), metres:
#: invisible at the zoom of a département, and it keeps a page light.
SIMPLIFY_M: Final = 25.0
#: Decimal places kept in EPSG:4326 coordinates (1e-5 degree is about 1 m).
COORD_DECIMALS: Final = 5
#: Beyond this many places a layer is drawn as one image (its pixels coloured by
#: the place under them, :mod:`coordogeo.maps._raster`): a region's 250 000 cells
#: as polygons make a page of ~100 MB that no browser opens, while a département's
#: 20 000 stay one by one, each with its tooltip.
MAX_SHAPES: Final = 20_000


def check_lang(lang: str) -> None:
    """Raise InputError unless ``lang`` is a supported language."""
    check_choice(lang, name="lang", choices=LANGS)


def colon(lang: str) -> str:
    """Return the colon between a word and its value: ``" : "`` in French."""
    return " : " if lang == "fr" else ": "


def label(key: str, lang: str) -> str:
    """Return the plain text of ``key`` in ``lang``; unknown keys pass through.

    Escape it with :func:`text` where it goes into HTML.
    """
    return LABELS[lang].get(key, key)


def text(value: Any) -> str:
    """Any value from data as safe HTML text, also inside a JS template literal."""
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return ""
    # braces too: a legend is a Jinja template, and "{{" in data must stay text;
    # backticks and dollars too: folium puts tooltips and popups in JavaScript
    # template literals, where ` ends the string and ${…} runs code
    return (
        html.escape(str(value))
        .replace("{", "&#123;")
        .replace("}", "&#125;")
        .replace("`", "&#96;")
        .replace("$", "&#36;")
    )


def script_json(value: Any) -> str:
    r"""``value`` as JSON to write inside a page's ``<script>``.

    ``<`` and ``>`` are written as JSON escapes, so no text can close the script
    (``</script>``) or open a comment; line and paragraph separators too. HTML
    already escaped in the texts (``&lt;``) stays as it is: a script's text is not
    HTML-decoded.

    Examples
    --------
    >>> script_json(["</script>", "&lt;b&gt;"])
    '["\\u003c/script\\u003e", "&lt;b&gt;"]'
    """
    return (
        json.dumps(value, ensure_ascii=False)
        .replace("<", "\\u003c")
        .replace(">", "\\u003e")
        .replace("\u2028", "\\u2028")
        .replace("\u2029", "\\u2029")
    )


class Drawn:
    """The shapes and pixels drawn on a set of pages, kept for their next page.

    A run draws its places on a dozen pages: each is reprojected, simplified
    and placed on pixels once. A :class:`coordogeo.maps.Page` holds one; they go
    with it.
    """

    def __init__(self) -> None:
        #: Shapes in EPSG:4326 as drawn (:func:`to_display`), the last 16 sets.
        self.shapes: Kept[np.ndarray] = Kept(16)
        #: The place under each pixel of an image layer, the last 4 sets.
        self.pixels: Kept[tuple[np.ndarray, tuple[float, float, float, int, int]]] = (
            Kept(4)
        )
        #: What figures derive from the drawn shapes: territory limits
        #: (:func:`territory_limit`), centres, frames in a figure's CRS.
        self.derived: Kept[Any] = Kept(8)

    def limit(self, frame: gpd.GeoDataFrame) -> Any:
        """Return :func:`territory_limit` of ``frame``, kept for the next page."""
        geoms = np.asarray(frame.geometry.array)
        key = shapes_digest(geoms, str(frame.crs), "limit")
        return self.derived.get(key, lambda: territory_limit(frame))


def territory_limit(communes: gpd.GeoDataFrame) -> Any:
    """Return the outer limit of ``communes``: their union without interior rings.

    Simplified outlines leave slivers between communes; their union would draw
    them as lines inside the territory. The limit keeps each part's exterior.

    >>> from shapely import box
    >>> ring = [box(0, 0, 3, 1), box(0, 2, 3, 3), box(0, 1, 1, 2), box(2, 1, 3, 2)]
    >>> len(gpd.GeoSeries(ring).union_all().interiors)  # a gap in the middle
    1
    >>> limit = territory_limit(gpd.GeoDataFrame(geometry=ring))
    >>> limit.geom_type, len(limit.interiors), limit.area
    ('Polygon', 0, 9.0)
    """
    geoms = shapely.make_valid(communes.geometry.to_numpy())
    union = shapely.union_all(geoms)
    parts = [
        shapely.Polygon(shapely.get_exterior_ring(p))
        for p in shapely.get_parts(union)
        if shapely.get_type_id(p) == 3  # noqa: PLR2004 - polygons only
    ]
    return parts[0] if len(parts) == 1 else shapely.MultiPolygon(parts)


def darker(colour: str) -> str:
    """Return ``#rrggbb`` at 55 % of its light: a fill's outline under a theme.

    >>> darker("#ffffff"), darker("url(#hatch)")
    ('#8c8c8c', '#333333')
    """
    if not (colour.startswith("#") and len(colour) == 7):  # noqa: PLR2004
        return "#333333"
    rgb = (round(int(colour[k : k + 2], 16) * 0.55) for k in (1, 3, 5))
    return "#" + "".join(f"{v:02x}" for v in rgb)


def drawn_of(m: folium.Map) -> Drawn | None:
    """Return what the pages of ``m`` drew (a map from :func:`new_map`), else None."""
    drawn = getattr(m, "drawn", None)
    return drawn if isinstance(drawn, Drawn) else None


def to_display(
    frame: gpd.GeoDataFrame,
    *,
    name: str,
    simplify_m: float = 0.0,
    drawn: Drawn | None = None,
) -> gpd.GeoDataFrame:
    """Return a checked copy in EPSG:4326, light enough for an HTML page.

    Lines and outlines are simplified to ``simplify_m`` metres (in the frame's
    projected CRS; topology kept) and coordinates rounded to 1e-5 degree (about
    1 m). Only the copy drawn is simplified; the analysis frames never are. With
    ``drawn``, the drawn shapes are kept there for the next map of the same shapes
    (a run draws its places on a dozen pages): asked again, they are not
    reprojected again.
    """
    check_for_lonlat(frame, name=name)
    geoms = frame.geometry.array
    if drawn is None:
        shapes = _lonlat_shapes(geoms, frame.crs, simplify_m)
    else:
        key = shapes_digest(np.asarray(geoms), str(frame.crs), repr(float(simplify_m)))
        shapes = drawn.shapes.get(
            key, lambda: _lonlat_shapes(geoms, frame.crs, simplify_m)
        )
    return frame.set_geometry(gpd.GeoSeries(shapes, index=frame.index, crs=4326))


def _lonlat_shapes(geoms: Any, crs: Any, simplify_m: float) -> np.ndarray:
    """Shapes simplified (in their own metric CRS), to EPSG:4326, rounded."""
    series = gpd.GeoSeries(geoms, crs=crs)
    if simplify_m > 0 and series.crs.is_projected:
        series = gpd.GeoSeries(
            shapely.simplify(series.array, simplify_m, preserve_topology=True),
            crs=crs,
        )
    lonlat = series.to_crs(4326).to_numpy()
    # each coordinate rounded on its own: set_precision's topology repair costs
    # 20x more (7 s for 250 000 cells) and a drawn copy needs none; shared
    # vertices round alike, so adjacent cells still share their edges exactly
    out: np.ndarray = shapely.transform(lonlat, lambda xy: np.round(xy, COORD_DECIMALS))
    return out


def displayed(
    frame: gpd.GeoDataFrame,
    *,
    name: str,
    simplify: bool = True,
    drawn: Drawn | None = None,
) -> gpd.GeoDataFrame:
    """Return ``frame`` as drawn: itself in EPSG:4326, else :func:`to_display` of it.

    Every public ``add_*`` takes any CRS through this: a Lambert-93 frame is
    reprojected (and simplified to :data:`SIMPLIFY_M`), never drawn at latitude
    6 million; a frame with no CRS is refused by name.
    """
    crs = frame.crs
    if crs is not None and crs.to_epsg() == 4326:  # noqa: PLR2004 - lon/lat
        return frame
    return to_display(
        frame, name=name, simplify_m=SIMPLIFY_M if simplify else 0.0, drawn=drawn
    )


def page_of(m: folium.Map) -> Figure:
    """Return the page (branca ``Figure``) that holds ``m``.

    Raises TypeError if the map is not in one (folium always puts it in one).
    """
    figure = m.get_root()
    if not isinstance(figure, Figure):  # a Map always sits in a Figure
        raise TypeError("the map is not attached to a folium Figure")
    return figure


def add_hatch(m: folium.Map) -> str:
    """Define the hatch pattern in the page of ``m`` (an inline SVG, no plugin).

    Returns the ``fillColor`` that draws it, :data:`HATCH_FILL`.
    """
    figure = page_of(m)
    if _HATCH_SVG not in figure.html.render():
        figure.html.add_child(folium.Element(_HATCH_SVG))
    return HATCH_FILL


def drawn_as_image(shapes: pd.DataFrame, max_shapes: int | None) -> bool:
    """Whether :func:`add_polygons` draws ``shapes`` as one image (past the limit)."""
    return max_shapes is not None and len(shapes) > max_shapes


def styled_layer(
    shapes: gpd.GeoDataFrame,
    fill: Any,
    tips: Any,
    *,
    max_shapes: int | None = None,
) -> gpd.GeoDataFrame:
    """Return the shapes (EPSG:4326) with only ``_fill`` and ``_tip``, row by row.

    Built from arrays on the shapes' own index: no alignment can blank a geometry.
    ``tips`` is the tooltips or a function that returns them, called only when the
    layer is drawn shape by shape: past ``max_shapes`` (None: never) it is one
    image (:func:`add_polygons`), which has no tooltip, and ``_tip`` stays empty.
    """
    if callable(tips):
        empty = np.full(len(shapes), "", dtype=object)
        tips = empty if drawn_as_image(shapes, max_shapes) else tips()
    return gpd.GeoDataFrame(
        {
            "_fill": np.asarray(fill, dtype=object),
            "_tip": np.asarray(tips, dtype=object),
        },
        geometry=shapes.geometry.to_numpy(),
        index=shapes.index,
        crs=shapes.crs,
    )


def anchored_classes(
    values: np.ndarray,
    bounds: tuple[float, ...],
    colours: tuple[str, ...],
    *,
    unit: str,
    lang: str,
    upper_included: bool,
) -> tuple[np.ndarray, list[tuple[str, str]]]:
    """Class values at fixed bounds with open end classes; colours and legend.

    With ``upper_included`` a value equal to a bound falls in the class below
    (``≤ 10 min``, ``10 – 20 min`` … ``> 30 min``); otherwise in the class above,
    as the DREES "APL < 2,5" reads (``< 1,5``, ``1,5 – 2,5`` … ``≥ 5``). Every class
    is listed in the legend, present or not, so that maps compare. NaN is grey.
    """
    if len(colours) != len(bounds) + 1:
        raise ValueError("one colour per class: len(bounds) + 1")
    finite = np.isfinite(values)
    cls = np.searchsorted(
        np.asarray(bounds), values[finite], side="left" if upper_included else "right"
    )
    colour = np.full(len(values), NO_DATA_COLOUR, dtype=object)
    colour[finite] = np.asarray(colours, dtype=object)[cls]

    def num(v: float) -> str:
        shown = f"{v:g}"
        return shown.replace(".", ",") if lang == "fr" else shown

    tail = f" {unit}" if unit else ""
    first, last = ("≤", ">") if upper_included else ("<", "≥")
    labels = [f"{first} {num(bounds[0])}{tail}"]
    labels += [f"{num(lo)} – {num(hi)}{tail}" for lo, hi in itertools.pairwise(bounds)]
    labels.append(f"{last} {num(bounds[-1])}{tail}")
    return colour, list(zip(colours, labels, strict=True))
