"""Print figures: a page's map as a PNG or a vector PDF for a report.

:func:`figure` draws what a page drew (its :class:`~coordogeo.maps._sheet.Sheet`):
the layers shown when the page opens, with the page's classes, colours and
opacities; the commune outlines and the territory's limit; the legend outside the
map frame; a scale bar and a north arrow; the title, the subtitle and the source
line with every input's vintage and « traitement coordogeo x.y ». Nothing
interactive: no control, no tooltip, no cluster bubble. The map is drawn in
Lambert-93 (EPSG:2154) in metropolitan France, in its UTM zone elsewhere.
"""

from __future__ import annotations

import textwrap
from dataclasses import replace
from pathlib import Path
from typing import Any, Final

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle

import folium
import geopandas as gpd
import shapely
from pyproj import CRS

from coordogeo._digest import shapes_digest
from coordogeo.errors import InputError, check_choice
from coordogeo.maps._sheet import Area, Key, Marks, Sheet, sheet_of
from coordogeo.maps._style import (
    HATCH_FILL,
    NO_DATA_COLOUR,
    Drawn,
    darker,
    drawn_of,
    label,
    territory_limit,
)
from coordogeo.maps.legend import HATCH

__all__ = ["PAPERS", "figure", "framing", "save_figure"]

#: Paper sizes in millimetres (width, height).
PAPERS: Final = {
    "A4-paysage": (297.0, 210.0),
    "A4-portrait": (210.0, 297.0),
    "A3-paysage": (420.0, 297.0),
    "A3-portrait": (297.0, 420.0),
}
#: Resolution of the PNG figures (print quality).
DPI: Final = 300
_MM: Final = 1 / 25.4  # inches
_MARGIN_MM: Final = 8.0
_TITLE_MM: Final = 20.0
_SOURCE_MM: Final = 12.0
#: Metropolitan France (lon/lat): drawn in Lambert-93 there.
_METROPOLE: Final = (-5.8, 41.0, 10.0, 51.6)
_EDGE: Final = "#555555"
_LIMIT: Final = "#222222"
#: Below this line width (the page's, in pixels) the shapes are cells: no outline.
_CELL_WEIGHT: Final = 0.3
#: Beyond this many shapes a layer is rasterised in the PDF (a light file).
_RASTER_SHAPES: Final = 5_000
#: Beyond this many shapes a layer is drawn as one image (:func:`_draw_image`),
#: at most this many pixels wide: 0.2 mm pixels on an A4 map, a light file.
_IMAGE_SHAPES: Final = 20_000
_IMAGE_WIDTH: Final = 1000
#: Up to this many communes their outlines are drawn (a département's 300 read
#: at A4; a region's 1,500 would be a grey blur): beyond, the territory's limit.
_OUTLINED_COMMUNES: Final = 1000


def figure(m: folium.Map, *, paper: str | tuple[float, float] = "A4-paysage") -> Figure:
    """Return the print figure of a page drawn by a coordogeo map verb.

    Parameters
    ----------
    m
        A map from ``access_map``, ``index_map``, ``overview_map`` … (or built on
        ``new_map``): what it drew is what the figure draws.
    paper
        A name of :data:`PAPERS` (``"A4-paysage"`` by default) or ``(width,
        height)`` in millimetres.

    Returns
    -------
    matplotlib.figure.Figure
        Save it with :func:`save_figure` (PNG at 300 dpi, vector PDF) or
        ``Figure.savefig``.

    Examples
    --------
    >>> from coordogeo.datasets import sample_territory
    >>> from coordogeo.maps import Page, index_map
    >>> sample = sample_territory()
    >>> scored = sample.communes.assign(apl_consultations_per_inhabitant=3.2)
    >>> fig = figure(index_map(scored, page=Page(communes=sample.communes)))
    >>> [round(v * 25.4) for v in fig.get_size_inches()]
    [297, 210]
    """
    sheet = sheet_of(m)
    if sheet is None:
        raise InputError(
            "figure() draws a map made by a coordogeo map verb (access_map, "
            "index_map, overview_map …) or on maps.new_map; this one records "
            "nothing it could print."
        )
    width, height = _paper(paper)
    fig = Figure(figsize=(width * _MM, height * _MM))
    legend_mm = min(80.0, max(58.0, 0.27 * width))
    tall = height - _TITLE_MM - _SOURCE_MM - _MARGIN_MM
    map_box = _box(
        _MARGIN_MM, _SOURCE_MM + _MARGIN_MM, width - legend_mm - 3 * _MARGIN_MM / 2,
        tall, width, height,
    )  # fmt: skip
    ax = fig.add_axes(map_box)
    areas = [a for a in sheet.areas if _shown(a.layer)]
    marks = [k for k in sheet.marks if _shown(k.layer)]
    crs = _metric_crs(sheet, areas, marks)
    base = _base_extent(sheet, crs, drawn_of(m))
    extent = base if base is not None else _extent(areas, marks, crs)
    _frame(ax, extent)  # before the areas: a national grid is drawn at its pixels
    _draw_areas(ax, areas, crs, sheet, drawn_of(m))
    _draw_base(ax, sheet, crs, drawn_of(m))
    _draw_marks(ax, marks, crs)
    _frame(ax, extent)
    _scale_bar(ax, sheet.lang)
    _north_arrow(ax)
    shown = {a.name for a in areas} | {k.name for k in marks}
    keys = [k for k in sheet.keys if k.layer is None or k.layer in shown]
    if any(a.name in sheet.themes for a in areas):  # their swatches as drawn
        keys = [replace(k, outlined=True) if k.layer in sheet.outlined else k
                for k in keys]  # fmt: skip
    legend = fig.add_axes(
        _box(width - legend_mm - _MARGIN_MM / 2, _SOURCE_MM + _MARGIN_MM, legend_mm,
             tall, width, height)
    )  # fmt: skip
    _draw_legend(legend, keys, marks, sheet.lang)
    _titles(fig, sheet, keys, width, height)
    return fig


def save_figure(fig: Figure, path: str | Path) -> Path:
    """Write ``fig`` to ``path``: a PNG at 300 dpi or a vector PDF (by suffix)."""
    path = Path(path)
    check_choice(path.suffix.lower(), name="suffix", choices=(".png", ".pdf"))
    png: dict[str, Any] = (
        {"pil_kwargs": {"compress_level": 1}} if path.suffix.lower() == ".png" else {}
    )
    # zlib level 1: a figure's flat colours compress nearly as well, 3x faster
    fig.savefig(path, dpi=DPI, metadata=_metadata(fig, path), **png)
    return path


def _metadata(fig: Figure, path: Path) -> dict[str, Any]:
    title = getattr(fig, "coordogeo_title", "")
    if path.suffix.lower() == ".pdf":  # no creation date: a run rewrites the same
        return {"Title": title, "Creator": "coordogeo", "CreationDate": None}
    return {"Title": title, "Software": "coordogeo"}


def _paper(paper: str | tuple[float, float]) -> tuple[float, float]:
    if isinstance(paper, str):
        check_choice(paper, name="paper", choices=tuple(PAPERS))
        return PAPERS[paper]
    try:
        width, height = (float(v) for v in paper)
    except (TypeError, ValueError):
        raise InputError(
            f"`paper` must be one of {', '.join(PAPERS)} or (width, height) in mm, "
            f"got {paper!r}."
        ) from None
    if not (100 <= width <= 2000 and 100 <= height <= 2000):  # noqa: PLR2004
        raise InputError(
            f"`paper` must measure 100 to 2000 mm a side, got {width:g} × {height:g}."
        )
    return width, height


def _box(
    x: float, y: float, w: float, h: float, width: float, height: float
) -> tuple[float, float, float, float]:
    """Return a rectangle in millimetres from the bottom left as figure fractions."""
    return (x / width, y / height, w / width, h / height)


def _shown(layer: Any) -> bool:
    """Whether a page's layer is on when the page opens."""
    return getattr(layer, "show", True) is not False


def _metric_crs(sheet: Sheet, areas: list[Area], marks: list[Marks]) -> CRS:
    frames = [a.shapes for a in areas] + [k.points for k in marks]
    if sheet.base is not None:
        frames.append(sheet.base)
    bounds = np.array([f.total_bounds for f in frames if len(f)])
    if not len(bounds):
        return CRS.from_epsg(2154)
    xmin, ymin = bounds[:, 0].min(), bounds[:, 1].min()
    xmax, ymax = bounds[:, 2].max(), bounds[:, 3].max()
    w, s, e, n = _METROPOLE
    if xmin >= w and ymin >= s and xmax <= e and ymax <= n:
        return CRS.from_epsg(2154)
    centre = gpd.GeoSeries(
        [shapely.Point((xmin + xmax) / 2, (ymin + ymax) / 2)], crs=4326
    )
    crs = centre.estimate_utm_crs()
    return crs if crs is not None else CRS.from_epsg(3857)


def _draw_areas(
    ax: Any, areas: list[Area], crs: CRS, sheet: Sheet, drawn: Drawn | None
) -> None:
    theme = any(a.name in sheet.themes for a in areas)
    outlined = [a for a in areas if theme and a.name in sheet.outlined]
    for area in [a for a in areas if a not in outlined] + outlined:
        if len(area.shapes) > _IMAGE_SHAPES and area not in outlined:
            _draw_image(ax, area, crs, drawn)
            continue
        shapes = area.shapes.to_crs(crs)
        fills = shapes["_fill"].astype(str).to_numpy()
        if area in outlined:  # as the page: outlines only, above the theme
            shapes.boundary.plot(ax=ax, color=[darker(c) for c in fills],
                                 linewidth=1.1)  # fmt: skip
            continue
        hatched = fills == HATCH_FILL
        plain = shapes[~hatched]
        cells = area.weight < _CELL_WEIGHT
        if len(plain):
            colours = [
                c if c.startswith("#") and len(c) == 7 else NO_DATA_COLOUR  # noqa: PLR2004
                for c in fills[~hatched]
            ]
            plain.plot(
                ax=ax, color=colours, alpha=area.opacity,
                linewidth=0 if cells else 0.25,
                edgecolor="none" if cells else _EDGE,
                rasterized=len(plain) > _RASTER_SHAPES,
            )  # fmt: skip
        if hatched.any():
            shapes[hatched].plot(
                ax=ax, facecolor="none", hatch="////", edgecolor="#333333",
                linewidth=0.3,
            )  # fmt: skip


def _draw_image(ax: Any, area: Area, crs: CRS, drawn: Drawn | None) -> None:
    """Draw a large layer (a region's cells) as one image at the map's pixels.

    Each pixel takes the colour of the place whose centre falls in it; a pixel is
    the larger of a place's side and a 1,000th of the frame's width, so that no
    place vanishes and a region's 250,000 cells draw in a second. Places of no
    colour (``#rrggbb`` only) are drawn in the no-data grey.
    """
    x, y = _centres(area.shapes, crs, drawn)
    (x0, x1), (y0, y1) = ax.get_xlim(), ax.get_ylim()
    sample = area.shapes.iloc[:2000].to_crs(crs).area.to_numpy()
    side = float(np.sqrt(np.median(sample)))
    pixel = max(side, (x1 - x0) / _IMAGE_WIDTH)
    nx, ny = int(np.ceil((x1 - x0) / pixel)), int(np.ceil((y1 - y0) / pixel))
    col, row = (
        ((x - x0) // pixel).astype(np.int64),
        ((y - y0) // pixel).astype(np.int64),
    )
    inside = (col >= 0) & (col < nx) & (row >= 0) & (row < ny)
    # a handful of colours over 250 000 places: hashed once, not sorted
    codes, palette = pd.factorize(area.shapes["_fill"].astype(str), sort=False)
    palette = [c if len(c) == 7 and c.startswith("#") else NO_DATA_COLOUR  # noqa: PLR2004
               for c in palette]  # fmt: skip
    rgba = np.zeros((len(palette), 4), dtype=np.uint8)
    for k, colour in enumerate(palette):
        rgba[k] = [int(colour[i : i + 2], 16) for i in (1, 3, 5)] + [
            round(255 * area.opacity)
        ]
    image = np.zeros((ny, nx, 4), dtype=np.uint8)
    image[row[inside], col[inside]] = rgba[codes[inside]]
    ax.imshow(image, extent=(x0, x0 + nx * pixel, y0, y0 + ny * pixel),
              origin="lower", interpolation="nearest", zorder=1)  # fmt: skip


def _centres(
    shapes: gpd.GeoDataFrame, crs: CRS, drawn: Drawn | None
) -> tuple[np.ndarray, np.ndarray]:
    """Return the places' centres in ``crs``, kept in ``drawn`` for the next page."""

    def compute() -> tuple[np.ndarray, np.ndarray]:
        centres = gpd.GeoSeries(
            shapely.centroid(shapes.geometry.to_numpy()), crs=shapes.crs
        ).to_crs(crs)
        return centres.x.to_numpy(), centres.y.to_numpy()

    if drawn is None:
        return compute()
    key = shapes_digest(np.asarray(shapes.geometry.array), str(crs), "centres")
    out: tuple[np.ndarray, np.ndarray] = drawn.derived.get(key, compute)
    return out


def _base_extent(
    sheet: Sheet, crs: CRS, drawn: Drawn | None
) -> tuple[float, ...] | None:
    """Return the communes' extent in ``crs``, or None without communes."""
    if sheet.base is None or not len(sheet.base):
        return None
    return tuple(float(v) for v in _in_crs(sheet.base, crs, drawn).total_bounds)


def _in_crs(frame: gpd.GeoDataFrame, crs: CRS, drawn: Drawn | None) -> gpd.GeoDataFrame:
    """Return ``frame`` in ``crs``, kept in ``drawn`` for the next figure."""
    if drawn is None:
        return frame.to_crs(crs)
    key = shapes_digest(np.asarray(frame.geometry.array), str(crs), "in_crs")
    out: gpd.GeoDataFrame = drawn.derived.get(key, lambda: frame.to_crs(crs))
    return out


def _draw_base(
    ax: Any, sheet: Sheet, crs: CRS, drawn: Drawn | None
) -> tuple[float, ...] | None:
    """Draw the commune outlines (up to 1,000) and the territory's limit.

    The limit (a union of every commune) is kept in the page's ``drawn`` for the
    next figure.
    """
    if sheet.base is None or not len(sheet.base):
        return None
    base = _in_crs(sheet.base, crs, drawn)
    if len(base) <= _OUTLINED_COMMUNES:  # a region's 1,500 are a grey blur at A4
        base.boundary.plot(ax=ax, color="#777777", linewidth=0.2)
    limit = territory_limit(base) if drawn is None else drawn.limit(base)
    gpd.GeoSeries([limit], crs=crs).boundary.plot(ax=ax, color=_LIMIT, linewidth=0.9)
    return tuple(float(v) for v in base.total_bounds)


def _draw_marks(ax: Any, marks: list[Marks], crs: CRS) -> None:
    for mark in marks:
        points = mark.points.to_crs(crs).geometry.representative_point()
        if not len(points):
            continue
        size = 90 if mark.shape == "*" else 22
        ax.scatter(
            points.x, points.y, s=size, marker=mark.shape,
            c=mark.colour if mark.filled else "#ffffff",
            edgecolors="#ffffff" if mark.filled else mark.colour,
            linewidths=0.6 if mark.filled else 1.4, zorder=5,
        )  # fmt: skip


def _extent(areas: list[Area], marks: list[Marks], crs: CRS) -> tuple[float, ...]:
    frames = [a.shapes.to_crs(crs) for a in areas] + [
        k.points.to_crs(crs) for k in marks
    ]
    bounds = np.array([f.total_bounds for f in frames if len(f)])
    if not len(bounds):
        return (0.0, 0.0, 1.0, 1.0)
    return (
        float(bounds[:, 0].min()), float(bounds[:, 1].min()),
        float(bounds[:, 2].max()), float(bounds[:, 3].max()),
    )  # fmt: skip


def _frame(ax: Any, extent: tuple[float, ...]) -> None:
    """Fit the map to the territory (3 % around it) at one scale, north up."""
    xmin, ymin, xmax, ymax = extent
    pad = 0.03 * max(xmax - xmin, ymax - ymin, 1.0)
    xmin, ymin, xmax, ymax = xmin - pad, ymin - pad, xmax + pad, ymax + pad
    box = ax.get_position()
    fig_w, fig_h = ax.figure.get_size_inches()
    ratio = (box.height * fig_h) / (box.width * fig_w)  # the frame's height / width
    if (ymax - ymin) / (xmax - xmin) < ratio:  # wider than the frame: taller limits
        grow = ratio * (xmax - xmin) - (ymax - ymin)
        ymin, ymax = ymin - grow / 2, ymax + grow / 2
    else:
        grow = (ymax - ymin) / ratio - (xmax - xmin)
        xmin, xmax = xmin - grow / 2, xmax + grow / 2
    ax.set_xlim(xmin, xmax)
    ax.set_ylim(ymin, ymax)
    ax.set_aspect("equal", adjustable="box")
    ax.set_xlabel("")
    ax.set_ylabel("")
    ax.set_xticks([])
    ax.set_yticks([])
    for spine in ax.spines.values():
        spine.set_color("#999999")
        spine.set_linewidth(0.5)


def _scale_bar(ax: Any, lang: str) -> None:
    """Draw a bar of a round length, about a fifth of the map's width, bottom left."""
    (x0, x1), (y0, y1) = ax.get_xlim(), ax.get_ylim()
    target = (x1 - x0) / 5
    power = 10 ** np.floor(np.log10(target))
    length = max(s * power for s in (1, 2, 5) if s * power <= target)
    left, bottom = x0 + 0.03 * (x1 - x0), y0 + 0.04 * (y1 - y0)
    tall = 0.008 * (y1 - y0)
    for i, colour in enumerate(("#222222", "#ffffff")):
        ax.add_patch(Rectangle(
            (left + i * length / 2, bottom), length / 2, tall,
            facecolor=colour, edgecolor="#222222", linewidth=0.5, zorder=6,
        ))  # fmt: skip
    said = f"{length / 1000:g} km" if length >= 1000 else f"{length:g} m"  # noqa: PLR2004
    if lang == "fr":
        said = said.replace(".", ",")
    for x, words in ((left, "0"), (left + length, said)):
        ax.text(x, bottom + 1.8 * tall, words, ha="center", va="bottom", fontsize=6,
                zorder=6)  # fmt: skip


def _north_arrow(ax: Any) -> None:
    """Draw an arrow pointing north (up: the map is in a conformal projection)."""
    ax.annotate(
        "", xy=(0.955, 0.95), xytext=(0.955, 0.87), xycoords="axes fraction",
        arrowprops={"arrowstyle": "-|>", "color": "#222222", "linewidth": 1.2},
        zorder=6,
    )  # fmt: skip
    ax.text(0.955, 0.955, "N", transform=ax.transAxes, ha="center", va="bottom",
            fontsize=8, fontweight="bold", zorder=6)  # fmt: skip


def _draw_legend(ax: Any, keys: list[Key], marks: list[Marks], lang: str) -> None:
    """Draw the legend beside the map: each key's title, then its swatches."""
    ax.set_axis_off()
    rows = _legend_rows(keys, marks, lang)
    height = max(1.0, sum(1.4 if kind == "title" else 1.0 for kind, *_ in rows) + 1)
    columns = 1 if height <= 38 else 2  # noqa: PLR2004 - lines in one column
    per_column = int(np.ceil(height / columns))
    ax.set_xlim(0, columns)
    ax.set_ylim(-max(per_column, 24), 0)  # at least 24 lines: no giant swatches
    size = 7 if columns == 1 else 6
    y, column = -0.5, 0
    for kind, colour, words, extra in rows:
        step = 1.4 if kind == "title" else 1.0
        if -y + step > per_column and column + 1 < columns:
            y, column = -0.5, column + 1
        x = column
        if kind == "title":
            y -= 0.4
            ax.text(x, y, words, fontsize=size + 0.5, fontweight="bold", va="center")
        elif kind == "line":
            ax.text(x, y, words, fontsize=size - 0.5, va="center", color="#444444")
        elif kind == "mark":
            shape, filled = extra
            ax.scatter([x + 0.04], [y], s=70 if shape == "*" else 18, marker=shape,
                       c=colour if filled else "#ffffff",
                       edgecolors="#ffffff" if filled else colour,
                       linewidths=0.6 if filled else 1.2)  # fmt: skip
            ax.text(x + 0.1, y, words, fontsize=size, va="center")
        elif kind == "outline":
            ax.add_patch(Rectangle(
                (x + 0.005, y - 0.3), 0.07, 0.6, facecolor="none",
                edgecolor=darker(colour), linewidth=1.1,
            ))  # fmt: skip
            ax.text(x + 0.1, y, words, fontsize=size, va="center")
        else:
            hatch, opacity = colour == HATCH, extra
            ax.add_patch(Rectangle(
                (x, y - 0.35), 0.08, 0.7,
                facecolor="none" if hatch else colour,
                alpha=1.0 if hatch else opacity,
                hatch="////" if hatch else None,
                edgecolor="#333333" if hatch else "#777777", linewidth=0.4,
            ))  # fmt: skip
            ax.text(x + 0.1, y, words, fontsize=size, va="center")
        y -= step


def _legend_rows(
    keys: list[Key], marks: list[Marks], lang: str
) -> list[tuple[str, str, str, Any]]:
    rows: list[tuple[str, str, str, Any]] = []
    for key in keys:
        if marks and key.title == label("structures", lang):
            continue
        unit = f" ({key.unit})" if key.unit else ""
        rows.append(("title", "", key.title + unit, None))
        if key.grid is not None:
            colours, names, columns, row_title, column_title = key.grid
            rows.append(("line", "", f"↓ {row_title} · → {column_title}", None))
            for name, line in zip(names, colours, strict=True):
                for column, colour in zip(columns, line, strict=True):
                    rows.append(("swatch", colour, f"{name} · {column}", key.opacity))
            continue
        rows += [
            ("outline" if key.outlined and c != HATCH else "swatch", c, words,
             key.opacity)
            for c, words in key.items
        ]  # fmt: skip
    if marks:  # drawn as on the map (a page's own key of them is replaced)
        rows.append(("title", "", label("structures", lang), None))
        rows += [("mark", k.colour, k.name, (k.shape, k.filled)) for k in marks]
    return rows


def framing(m: folium.Map) -> tuple[str, str, str]:
    """Return a page's title, subtitle and credit line, as its figure says them.

    The subtitle is the page's own, else the first legend shown (its title and
    unit); the credit is the source line and « traitement coordogeo x.y, date ».
    The print layouts of the GeoPackage's QGIS project say the same.
    """
    sheet = sheet_of(m)
    if sheet is None:
        raise InputError("framing() reads a map made by a coordogeo map verb.")
    areas = [a for a in sheet.areas if _shown(a.layer)]
    shown = {a.name for a in areas} | {k.name for k in sheet.marks if _shown(k.layer)}
    keys = [k for k in sheet.keys if k.layer is None or k.layer in shown]
    return _said(sheet, keys)


def _said(sheet: Sheet, keys: list[Key]) -> tuple[str, str, str]:
    title = sheet.title or (keys[0].title if keys else "")
    subtitle = sheet.subtitle or (
        keys[0].title + (f" ({keys[0].unit})" if keys[0].unit else "") if keys else ""
    )
    credit = " — ".join(p for p in (sheet.source, sheet.made) if p)
    return title, subtitle if subtitle != title else "", credit


def _titles(
    fig: Figure, sheet: Sheet, keys: list[Key], width: float, height: float
) -> None:
    """Write the title and subtitle above, the method note and sources below."""
    title, subtitle, credit = _said(sheet, keys)
    fig.coordogeo_title = title  # type: ignore[attr-defined]
    top = 1 - _MARGIN_MM / height
    fig.text(_MARGIN_MM / width, top, title, fontsize=14, fontweight="bold",
             va="top", wrap=True)  # fmt: skip
    if subtitle:
        fig.text(_MARGIN_MM / width, top - 8.5 / height, subtitle, fontsize=9,
                 va="top", color="#333333")  # fmt: skip
    chars = int(width / 1.45)  # 6.5 pt characters on the line
    lines = []
    if sheet.note:
        lines += textwrap.wrap(sheet.note, chars)[:2]
    lines += textwrap.wrap(credit, chars)
    fig.text(_MARGIN_MM / width, _MARGIN_MM / 2 / height, "\n".join(lines[-4:]),
             fontsize=6.5, va="bottom", color="#333333", linespacing=1.3)  # fmt: skip
