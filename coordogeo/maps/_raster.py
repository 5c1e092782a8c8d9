"""Many places as one image: each pixel takes the colour of the place under it.

A region's 250 000 cells as GeoJSON polygons make a page of ~100 MB that no
browser opens; as an image in Leaflet's own projection (Web Mercator) they make
a few hundred kB whatever their number, with every place's class unchanged (no
averaging: a pixel shows the place that holds its centre).
"""

from __future__ import annotations

import base64
import io
import re
from typing import Any, Final

import numpy as np
from PIL import Image

import folium
import geopandas as gpd
import shapely
from pyproj import Transformer

from coordogeo._digest import shapes_digest
from coordogeo._numbers import thousands
from coordogeo.maps._sheet import Area, sheet_of
from coordogeo.maps._style import (
    MAX_SHAPES,
    NO_DATA_COLOUR,
    Drawn,
    drawn_as_image,
    drawn_of,
    label,
    text,
)
from coordogeo.maps.legend import add_html_legend

__all__ = [
    "MAX_PIXELS",
    "add_image",
    "add_polygons",
    "place_pixels",
    "png_url",
]

#: Pixels of an image layer at most (2 000 x 2 000: a PNG of well under 1 MB).
MAX_PIXELS: Final = 4_000_000
#: Rows of pixels located per STRtree query (bounds the points held at once).
_ROWS: Final = 256
_TO_MERCATOR: Final = Transformer.from_crs(4326, 3857, always_xy=True)
#: zlib level of the PNG: 1 compresses a layer's few flat colours nearly as well
#: as 9 (branca's), in a small fraction of the time.
_PNG_LEVEL: Final = 1
#: Colours of an indexed image, one entry kept for "no place".
_MAX_COLOURS: Final = 255


def add_image(
    m: folium.Map,
    layer: gpd.GeoDataFrame,
    *,
    name: str,
    fill_opacity: float,
    lang: str,
    max_pixels: int = MAX_PIXELS,
) -> folium.raster_layers.ImageOverlay:
    """Add ``layer`` (EPSG:4326, ``_fill`` colours) to ``m`` as one image overlay.

    The layer keeps ``name`` (plain text, escaped here) in the layer control, so
    that its legend stays tied to it; a note tied to it too says that the places
    are drawn as an image, at what pixel size, and that their detail is in the
    tables.
    """
    pixels, (x0, y1, size, nx, ny) = place_pixels(
        layer.geometry.to_numpy(), max_pixels, drawn=drawn_of(m)
    )
    x1, y0 = x0 + nx * size, y1 - ny * size
    (west, east), (south, north) = _TO_MERCATOR.transform(
        [x0, x1], [y0, y1], direction="INVERSE"
    )
    overlay = folium.raster_layers.ImageOverlay(
        png_url(pixels.reshape(ny, nx), layer["_fill"].to_numpy(dtype=object),
                opacity=fill_opacity),
        bounds=[[south, west], [north, east]],
        origin="upper",
        mercator_project=False,
        pixelated=True,
        name=text(name),
    )  # fmt: skip
    overlay.add_to(m)
    ground_m = size * np.cos(np.radians((south + north) / 2))  # Mercator's scale
    note = label("image_note", lang).format(
        n=thousands([len(layer)])[0], size=thousands([ground_m])[0]
    )
    add_html_legend(
        m, label("image_title", lang),
        f"<div style='max-width:18em'>{text(note)}</div>",
        layer=name,
    )  # fmt: skip
    return overlay


def png_url(places: np.ndarray, fills: np.ndarray, *, opacity: float) -> str:
    """Return the image of ``places`` (a 2-D array of place positions, -1: none).

    A pixel takes the fill of its place (``#rrggbb``; anything else is drawn grey)
    at ``opacity``; a pixel with no place is transparent. The PNG is indexed (one
    palette entry per colour, a handful), so it is a quarter of an RGBA one to
    compress; returned as a ``data:`` URL.
    """
    palette, codes = _palette(fills, opacity)
    if len(palette) > _MAX_COLOURS:
        raise ValueError(f"at most {_MAX_COLOURS} colours in an image layer")
    index = np.full(places.shape, len(palette), dtype=np.uint8)  # transparent
    drawn = places >= 0
    index[drawn] = codes[places[drawn]]
    height, width = np.shape(places)
    image = Image.frombytes("P", (width, height), index.tobytes())
    rgb = [*palette[:, :3].ravel().tolist(), 0, 0, 0]
    image.putpalette(rgb, rawmode="RGB")
    alpha = bytes([*palette[:, 3].tolist(), 0])
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", transparency=alpha, compress_level=_PNG_LEVEL)
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode()


def place_pixels(
    geoms: np.ndarray, max_pixels: int = MAX_PIXELS, *, drawn: Drawn | None = None
) -> tuple[np.ndarray, tuple[float, float, float, int, int]]:
    """Return the place under each pixel (-1: none) and the grid, in Web Mercator.

    ``geoms`` are in EPSG:4326. The pixel is the coarser of the size that keeps the
    image within ``max_pixels`` and a quarter of the side of the smallest places (5th
    percentile); a place holding no pixel centre takes the empty pixel of its
    centroid, so that none vanishes. The grid is ``(west, north, size, nx, ny)``;
    the result is a flat array of ``ny * nx`` row-major from the north-west. With
    ``drawn``, it is kept there for the next layer of the same places (several
    maps draw them).
    """
    if drawn is None:
        return _place_pixels(geoms, max_pixels)
    key = shapes_digest(geoms, str(max_pixels))
    return drawn.pixels.get(key, lambda: _place_pixels(geoms, max_pixels))


def _place_pixels(
    geoms: np.ndarray, max_pixels: int
) -> tuple[np.ndarray, tuple[float, float, float, int, int]]:
    shapes = shapely.transform(
        geoms, lambda xy: np.column_stack(_TO_MERCATOR.transform(xy[:, 0], xy[:, 1]))
    )
    west, south, east, north = shapely.total_bounds(shapes)
    width, height = max(east - west, 1.0), max(north - south, 1.0)
    sides = np.sqrt(shapely.area(shapes))
    fine = np.percentile(sides[sides > 0], 5) / 4 if (sides > 0).any() else 0.0
    size = float(max(np.sqrt(width * height / max_pixels), fine))  # points: finest
    nx, ny = int(np.ceil(width / size)), int(np.ceil(height / size))
    while nx * ny > max_pixels:  # ceil may add a row or a column too many
        size *= 1.001
        nx, ny = int(np.ceil(width / size)), int(np.ceil(height / size))
    tree = shapely.STRtree(shapes)
    pixels = np.full(nx * ny, -1, dtype=np.int64)
    xs = west + (np.arange(nx) + 0.5) * size
    for first in range(0, ny, _ROWS):
        rows = np.arange(first, min(ny, first + _ROWS))
        ys = north - (rows + 0.5) * size
        centres = shapely.points(np.tile(xs, len(rows)), np.repeat(ys, nx))
        point, place = tree.query(centres, predicate="intersects")
        order = np.lexsort((place, point))  # a centre on a shared edge: lowest place
        point, place = point[order], place[order]
        first_hit = np.ones(len(point), dtype=bool)
        first_hit[1:] = point[1:] != point[:-1]
        pixels[first * nx + point[first_hit]] = place[first_hit]
    missing = np.setdiff1d(np.arange(len(shapes)), pixels)
    if len(missing):  # smaller than a pixel: the pixel of its centroid, if free
        centre = shapely.centroid(shapes[missing])
        col = np.clip(((shapely.get_x(centre) - west) // size).astype(int), 0, nx - 1)
        row = np.clip(((north - shapely.get_y(centre)) // size).astype(int), 0, ny - 1)
        at = row * nx + col
        free = pixels[at] < 0
        pixels[at[free]] = missing[free]
    return pixels, (west, north, size, nx, ny)


def _palette(fills: np.ndarray, opacity: float) -> tuple[np.ndarray, np.ndarray]:
    """Return the RGBA of each distinct fill and each place's code into it.

    Fills are ``#rrggbb``; anything else (a hatch pattern) is drawn grey.
    """
    colours, codes = np.unique(fills.astype(str), return_inverse=True)
    alpha = round(255 * opacity)
    palette = np.zeros((len(colours), 4), dtype=np.uint8)
    for k, colour in enumerate(colours):  # one per class: a handful
        hexa = colour if _is_hex(colour) else NO_DATA_COLOUR
        palette[k] = [int(hexa[i : i + 2], 16) for i in (1, 3, 5)] + [alpha]
    return palette, codes


def _is_hex(colour: str) -> bool:
    """Whether ``colour`` is ``#rrggbb``."""
    return re.fullmatch("#[0-9a-fA-F]{6}", colour) is not None


def add_polygons(
    m: folium.Map,
    layer: gpd.GeoDataFrame,
    *,
    name: str,
    weight: float = 0.5,
    fill_opacity: float = 0.75,
    max_shapes: int | None = MAX_SHAPES,
    lang: str = "fr",
) -> None:
    """Add a :func:`styled_layer` to ``m``: filled by ``_fill``, tooltip ``_tip``.

    ``name`` is plain text (escaped here); an empty layer adds nothing. Beyond
    ``max_shapes`` shapes (None: never) the layer is one image instead, each pixel
    the colour of the place under it, with a note in ``lang`` saying so.
    """
    if len(layer) == 0:
        return
    sheet = sheet_of(m)
    if drawn_as_image(layer, max_shapes):
        drawn = add_image(m, layer, name=name, fill_opacity=fill_opacity, lang=lang)
        if sheet is not None:
            sheet.areas.append(
                Area(drawn, name, layer[["_fill", "geometry"]], fill_opacity, weight)
            )
        return

    def style(feature: dict[str, Any]) -> dict[str, Any]:
        return {
            "fillColor": feature["properties"]["_fill"],
            "color": "#555555",
            "weight": weight,
            "fillOpacity": fill_opacity,
        }

    shapes = folium.GeoJson(
        layer.to_json(drop_id=True),
        name=text(name),
        style_function=style,
        tooltip=folium.GeoJsonTooltip(fields=["_tip"], labels=False),
    )
    shapes.add_to(m)
    if sheet is not None:
        sheet.areas.append(
            Area(shapes, name, layer[["_fill", "geometry"]], fill_opacity, weight)
        )
