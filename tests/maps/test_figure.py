"""Print figures: A4 at 300 dpi, title, legend and sources, the territory in frame."""

import numpy as np
import pytest
from matplotlib.text import Text
from PIL import Image

import folium
import geopandas as gpd
import shapely

from coordogeo import RoadNetwork, nearest
from coordogeo.coverage import cpts_territories, overlaps_and_gaps
from coordogeo.datasets import sample_territory
from coordogeo.errors import InputError
from coordogeo.maps import (
    MapLayers,
    Page,
    access_map,
    coverage_map,
    figure,
    index_map,
    overview_map,
    save_figure,
    zonage_map,
)
from coordogeo.maps._style import label

SOURCE = "INSEE RP 2021 ; FINESS 2026-11"


@pytest.fixture(scope="module")
def sample():
    return sample_territory()


@pytest.fixture(scope="module")
def times(sample):
    msp = sample.structures[sample.structures["kind"] == "MSP"]
    return nearest(RoadNetwork.from_roads(sample.roads), sample.population, msp)


@pytest.fixture(scope="module")
def pages(sample, times):
    page = Page(source=SOURCE, communes=sample.communes)
    msp = sample.structures[sample.structures["kind"] == "MSP"]
    cpts = cpts_territories(sample.communes, sample.cpts_members)
    odd = overlaps_and_gaps(sample.communes, sample.cpts_members)
    scored = sample.communes.assign(  # an APL-like value, classes known
        apl_consultations_per_inhabitant=np.linspace(0.5, 6, len(sample.communes))
    )
    return {
        "access": access_map(times, msp, page=page.titled("Temps d'accès aux MSP")),
        "coverage": coverage_map(cpts, odd, structures=msp, page=page),
        "index": index_map(scored, page=page),
        "zonage": zonage_map(sample.communes.assign(zonage="ZIP"), page=page),
        "overview": overview_map(
            MapLayers(territories=cpts, overlaps_gaps=odd, structures=msp,
                      travel_times=times),
            page=page,
        ),
    }  # fmt: skip


def _texts(fig):
    return [t.get_text() for t in fig.findobj(Text) if t.get_text()]


@pytest.mark.parametrize("name", ["access", "coverage", "index", "zonage", "overview"])
def test_a_figure_is_an_a4_page_with_its_title_legend_and_sources(
    pages, sample, name, tmp_path
):
    m = pages[name]
    fig = figure(m)
    png = save_figure(fig, tmp_path / f"{name}.png")
    with Image.open(png) as image:
        width, height = image.size
        assert (
            abs(width - 297 / 25.4 * 300) <= 1 and abs(height - 210 / 25.4 * 300) <= 1
        )
        assert image.info["dpi"][0] == pytest.approx(300, abs=0.5)
    texts = _texts(fig)
    sheet = m.sheet
    assert sheet.title in texts  # the page's own title
    source = next(t for t in texts if SOURCE in t)
    assert "traitement coordogeo" in source and "Sources : " in source
    # every class of every legend shown is in the figure's legend, as on the page
    shown = {a.name for a in sheet.areas if getattr(a.layer, "show", True)}
    keys = [k for k in sheet.keys if k.layer in shown and k.items]
    assert keys, "a figure without a legend"
    for key in keys:
        assert any(t.startswith(key.title) for t in texts)
        for _, words in key.items:
            assert words in texts
    # the territory fits the map's frame
    ax = fig.axes[0]
    base = sheet.base.to_crs(2154).total_bounds
    (x0, x1), (y0, y1) = ax.get_xlim(), ax.get_ylim()
    assert x0 < base[0] and base[2] < x1 and y0 < base[1] and base[3] < y1
    # … and fills it: at most 40 % of the frame's width or height is margin
    assert (base[2] - base[0]) / (x1 - x0) > 0.6 or (base[3] - base[1]) / (
        y1 - y0
    ) > 0.6
    assert any(t.endswith("km") for t in texts) and "N" in texts  # scale, north


def test_a_figure_draws_the_layers_shown_at_opening_only(pages):
    m = pages["overview"]
    hidden = [a for a in m.sheet.areas if getattr(a.layer, "show", True) is False]
    assert hidden  # the overview opens on one theme
    texts = _texts(figure(m))
    for area in hidden:
        for key in (k for k in m.sheet.keys if k.layer == area.name):
            assert not any(t.startswith(key.title) for t in texts)


def test_a_pdf_figure_is_vector_and_says_its_title(pages, tmp_path):
    pdf = save_figure(figure(pages["coverage"]), tmp_path / "couverture.pdf")
    data = pdf.read_bytes()
    assert data.startswith(b"%PDF") and b"/Font" in data
    assert b"/Subtype /Image" not in data  # a few hundred shapes: no raster in it


def test_an_english_figure_speaks_english(sample, times):
    msp = sample.structures[sample.structures["kind"] == "MSP"]
    m = access_map(times, msp, page=Page(lang="en", source=SOURCE,
                                         communes=sample.communes))  # fmt: skip
    texts = " ".join(_texts(figure(m)))
    assert label("access_title", "en") in texts and "Sources: " in texts
    assert "Temps" not in texts and "Sources :" not in texts


def test_other_papers_and_refusals(pages):
    fig = figure(pages["index"], paper="A3-portrait")
    assert [round(v * 25.4) for v in fig.get_size_inches()] == [297, 420]
    fig = figure(pages["index"], paper=(400, 250))
    assert [round(v * 25.4) for v in fig.get_size_inches()] == [400, 250]
    with pytest.raises(InputError, match="paper"):
        figure(pages["index"], paper="A5")
    with pytest.raises(InputError, match="100 to 2000 mm"):
        figure(pages["index"], paper=(10, 10))
    with pytest.raises(InputError, match="coordogeo map verb"):
        figure(folium.Map())
    with pytest.raises(InputError, match="suffix"):
        save_figure(figure(pages["index"]), "carte.jpg")


def test_a_national_grid_is_drawn_as_one_image_at_the_map_pixels():
    # 30 000 cells of 200 m: past the image threshold, drawn in a second
    side = 200.0
    xs, ys = np.meshgrid(np.arange(200) * side, np.arange(150) * side)
    cells = gpd.GeoDataFrame(
        {"travel_time_min": (xs.ravel() / 1000) % 40},
        geometry=shapely.box(xs.ravel() + 700_000, ys.ravel() + 6_600_000,
                             xs.ravel() + 700_000 + side,
                             ys.ravel() + 6_600_000 + side),
        crs=2154,
    )  # fmt: skip
    m = access_map(cells, cells.iloc[:0], page=Page(max_shapes=1000))
    fig = figure(m)
    ax = fig.axes[0]
    assert len(ax.images) == 1  # one image, not 30 000 patches
    image = ax.images[0].get_array()
    assert image.shape[0] >= 140 and image.shape[1] >= 190
    (x0, x1), (y0, y1) = ax.get_xlim(), ax.get_ylim()
    assert x0 < 700_000 and x1 > 740_000 and y0 < 6_600_000 and y1 > 6_630_000
    # the classes of the page: the longest times in the page's red
    colours = {tuple(int(v) for v in px[:3]) for px in image.reshape(-1, 4) if px[3]}
    assert (0xD7, 0x30, 0x1F) in colours
