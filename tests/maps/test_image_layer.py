"""Past ``max_shapes`` places a map draws them as one image, and says so."""

import base64
import io

import numpy as np
import pytest
from PIL import Image

import folium
import geopandas as gpd
import shapely
from pyproj import Transformer

from coordogeo.maps import Page, access_map, equity_map, index_map, scenario_map
from coordogeo.maps._raster import place_pixels, png_url
from coordogeo.maps._style import NO_DATA_COLOUR, TIME_COLOURS


def grid(minutes: list[float], *, side: int = 3, cell_m: float = 1000.0):
    """``side`` x ``side`` cells in Lambert-93, column by column, 100 inhabitants."""
    x, y = np.divmod(np.arange(side * side), side)
    x0, y0 = 600_000 + cell_m * x, 6_400_000 + cell_m * y
    return gpd.GeoDataFrame(
        {"travel_time_min": minutes, "population": 100.0},
        geometry=shapely.box(x0, y0, x0 + cell_m, y0 + cell_m),
        crs=2154,
    )


def png_pixels(url: str) -> np.ndarray:
    """Decode the PNG of an image layer as RGBA pixels."""
    assert url.startswith("data:image/png;base64,")
    data = base64.b64decode(url.split(",", 1)[1])
    return np.asarray(Image.open(io.BytesIO(data)).convert("RGBA"))


def layers(m: folium.Map, kind: type) -> list:
    return [c for c in m._children.values() if isinstance(c, kind)]


MINUTES = [5.0, 5.0, 5.0, 15.0, 15.0, 25.0, 25.0, 25.0, np.nan]
NO_SITES = gpd.GeoDataFrame(geometry=[], crs=2154)


def test_below_the_limit_every_place_is_a_shape_with_its_tooltip():
    m = access_map(grid(MINUTES), NO_SITES, page=Page(max_shapes=9))
    (shapes,) = layers(m, folium.GeoJson)
    assert len(shapes.data["features"]) == 9
    assert not layers(m, folium.raster_layers.ImageOverlay)
    assert "Lieux dessinés en image" not in m.get_root().render()


def test_beyond_it_one_image_whose_pixels_are_the_places_classes():
    m = access_map(grid(MINUTES), NO_SITES, page=Page(max_shapes=8))
    assert not layers(m, folium.GeoJson)
    (image,) = layers(m, folium.raster_layers.ImageOverlay)
    assert image.layer_name == "Temps d&#x27;accès par la route"  # legend tied to it
    pixels = png_pixels(image.url)
    ny, nx, _ = pixels.shape
    # each pixel centre, back in Lambert-93, falls in a cell whose class colour the
    # pixel must have (or outside every cell: transparent); centres within 2 m of
    # a cell edge are left out (the drawn copy is rounded to 1e-5 degree)
    (south, west), (north, east) = image.bounds
    mercator = Transformer.from_crs(4326, 3857, always_xy=True)
    (x0, x1), (y0, y1) = mercator.transform([west, east], [south, north])
    xs = x0 + (np.arange(nx) + 0.5) * (x1 - x0) / nx
    ys = y1 - (np.arange(ny) + 0.5) * (y1 - y0) / ny
    lon, lat = mercator.transform(*np.meshgrid(xs, ys), direction="INVERSE")
    x, y = Transformer.from_crs(4326, 2154, always_xy=True).transform(lon, lat)
    col, row = (x - 600_000) / 1000, (y - 6_400_000) / 1000
    inside = (col >= 0) & (col < 3) & (row >= 0) & (row < 3)
    near_edge = (np.abs(col - np.round(col)) < 0.002) | (
        np.abs(row - np.round(row)) < 0.002
    )
    palette = {
        0: TIME_COLOURS[0], 1: TIME_COLOURS[1], 2: TIME_COLOURS[2], 3: "#9e9e9e"
    }  # fmt: skip
    cls = np.array([0, 0, 0, 1, 1, 2, 2, 2, 3])  # MINUTES, column by column
    cell = (np.floor(col).clip(0, 2) * 3 + np.floor(row).clip(0, 2)).astype(int)
    expected = np.array(
        [[int(palette[c][i : i + 2], 16) for i in (1, 3, 5)] for c in range(4)]
    )[cls[cell]]
    sure = inside & ~near_edge
    assert sure.sum() > 0.6 * nx * ny
    assert (pixels[sure][:, :3] == expected[sure]).all()
    assert (pixels[sure][:, 3] == round(0.75 * 255)).all()
    assert (pixels[~inside & ~near_edge][:, 3] == 0).all()
    html = m.get_root().render()
    assert "Lieux dessinés en image" in html and "9 lieux" in html


def test_a_place_smaller_than_a_pixel_still_shows():
    cells = grid([1.0] * 100, side=10, cell_m=200.0)
    lonely = gpd.GeoDataFrame(
        {"travel_time_min": [1.0], "population": 1.0},
        geometry=[shapely.box(650_000, 6_450_000, 650_001, 6_450_001)],
        crs=2154,
    )  # 1 m, far away: far smaller than any pixel the image can afford
    both = gpd.GeoDataFrame(
        gpd.pd.concat([cells, lonely], ignore_index=True), crs=2154
    ).to_crs(4326)
    pixels, (_, _, _, nx, ny) = place_pixels(both.geometry.to_numpy(), 10_000)
    assert nx * ny <= 10_000
    assert 100 in pixels  # the lonely place has its pixel
    # the 2 x 2 km block is ~4 x 4 pixels of 500 m: several cells share each,
    # which shows one of them
    shown = np.unique(pixels[(pixels >= 0) & (pixels < 100)])
    assert 9 <= len(shown) < 100


def test_none_never_draws_an_image_and_every_cell_map_can():
    cells = grid(MINUTES)
    m = access_map(cells, NO_SITES, page=Page(max_shapes=None))
    assert not layers(m, folium.raster_layers.ImageOverlay)
    cells["apl_consultations_per_inhabitant"] = [1.0, 1, 1, 3, 3, 3, 3, 6, 6]
    cells["time_before_min"] = MINUTES
    cells["time_after_min"] = [4.0, 5, 5, 15, 15, 25, 25, 25, 12]
    cells["niveau_vie_moyen"] = 20_000.0
    cells["income_third"] = [1.0, 1, 1, 2, 2, 2, 3, 3, np.nan]
    for page in (
        access_map(cells, NO_SITES, page=Page(lang="en", max_shapes=0)),
        index_map(cells, page=Page(max_shapes=0)),
        scenario_map(cells, page=Page(max_shapes=0)),
        equity_map(cells, page=Page(max_shapes=0)),
    ):
        assert len(layers(page, folium.raster_layers.ImageOverlay)) == 1
    assert "Places drawn as an image" in page_html(cells)


def page_html(cells: gpd.GeoDataFrame) -> str:
    return (
        access_map(cells, NO_SITES, page=Page(lang="en", max_shapes=0))
        .get_root()
        .render()
    )


@pytest.mark.parametrize("name", ["<b>x</b>", "`${alert(1)}`"])
def test_the_layer_name_is_escaped(name):
    cells = grid(MINUTES).assign(population=1.0)
    cells["travel_time_min_" + name] = MINUTES
    m = access_map(
        cells, NO_SITES, column="travel_time_min_" + name, page=Page(max_shapes=0)
    )
    html = m.get_root().render()
    assert name not in html


def test_points_and_a_single_place_make_an_image_too():
    rng = np.random.default_rng(0)
    points = gpd.GeoDataFrame(
        {"travel_time_min": rng.uniform(0, 50, 300), "population": 1.0},
        geometry=shapely.points(
            rng.uniform(5e5, 6e5, 300), rng.uniform(6.3e6, 6.4e6, 300)
        ),
        crs=2154,
    )  # places as points: no pixel centre falls on one, each takes its own pixel
    pixels, _ = place_pixels(points.to_crs(4326).geometry.to_numpy())
    assert len(np.unique(pixels[pixels >= 0])) == 300
    for frame in (points, points.iloc[:1], points.assign(travel_time_min=np.nan)):
        m = access_map(
            gpd.GeoDataFrame(frame, crs=2154), NO_SITES, page=Page(max_shapes=0)
        )
        assert len(layers(m, folium.raster_layers.ImageOverlay)) == 1


def test_the_png_colours_each_pixel_by_its_place_and_leaves_the_rest_clear():
    places = np.array([[0, 1, 1], [-1, 2, 0]])
    fills = np.array(["#ff0000", "#00ff00", "url(#coordogeo-hatch)"], dtype=object)
    rgba = png_pixels(png_url(places, fills, opacity=0.5))
    assert rgba.shape == (2, 3, 4)
    assert rgba[0, 0].tolist() == rgba[1, 2].tolist() == [255, 0, 0, 128]
    assert rgba[0, 1].tolist() == rgba[0, 2].tolist() == [0, 255, 0, 128]
    assert rgba[1, 0, 3] == 0  # no place: transparent
    grey = [int(NO_DATA_COLOUR[i : i + 2], 16) for i in (1, 3, 5)]
    assert rgba[1, 1].tolist() == [*grey, 128]  # not a colour: drawn as no data
