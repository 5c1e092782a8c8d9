import pytest

import geopandas as gpd
from shapely import Point, Polygon

from coordogeo import InputError
from coordogeo.crs import to_metric_crs
from coordogeo.errors import check_choice, check_positive, format_labels


def test_copy_in_lambert93_same_index():
    gdf = gpd.GeoDataFrame(geometry=[Point(3.0, 46.5)], crs=4326, index=["origin"])
    out = to_metric_crs(gdf, name="sites")
    assert out.crs.equals(2154) and out.index.tolist() == ["origin"]
    # Lambert-93 defines (3 E, 46.5 N) as (700 000, 6 600 000); 1 mm for float noise
    assert out.geometry.x.iloc[0] == pytest.approx(700_000, abs=1e-3)
    assert out.geometry.y.iloc[0] == pytest.approx(6_600_000, abs=1e-3)
    assert gdf.crs.equals(4326)  # input untouched


def test_every_problem_gets_a_message_with_the_fix():
    base = gpd.GeoDataFrame(
        geometry=[Point(600e3, 6400e3)] * 2, crs=2154, index=["a", "b"]
    )
    with pytest.raises(InputError, match=r"`p` has no CRS.*set_crs"):
        to_metric_crs(base.set_crs(None, allow_override=True), name="p")
    with pytest.raises(InputError, match=r"repeats index labels \['a'\]"):
        to_metric_crs(base.set_axis(["a", "a"]), name="p")
    empty = base.copy()
    empty.loc["b", "geometry"] = None
    with pytest.raises(
        InputError, match=r"missing or empty geometry, at index \['b'\]"
    ):
        to_metric_crs(empty, name="p")
    bowtie = Polygon(
        [(600e3, 6400e3), (601e3, 6401e3), (601e3, 6400e3), (600e3, 6401e3)]
    )
    bad = gpd.GeoDataFrame(geometry=[bowtie], crs=2154, index=["x"])
    with pytest.raises(InputError, match=r"invalid geometry.*\['x'\].*make_valid"):
        to_metric_crs(bad, name="p")
    with pytest.raises(InputError, match="`crs` must be a projected"):
        to_metric_crs(base, name="p", crs="EPSG:4326")
    with pytest.raises(TypeError, match="`p` must be a GeoDataFrame"):
        to_metric_crs(base.drop(columns="geometry"), name="p")


def test_each_territory_gets_its_own_crs_and_others_are_refused():
    reunion = gpd.GeoDataFrame(geometry=[Point(55.45, -20.88)], crs=4326)
    assert to_metric_crs(reunion, name="sites").crs.equals(2975)  # found, not forced
    with pytest.raises(InputError, match=r"outside the area of.*give inputs of one"):
        to_metric_crs(reunion, name="sites", crs="EPSG:2154")  # e.g. a metro network
    oslo = gpd.GeoDataFrame(geometry=[Point(10.75, 59.91)], crs=4326)
    with pytest.raises(InputError, match="in no French territory"):
        to_metric_crs(oslo, name="sites")
    grid = gpd.GeoDataFrame(geometry=[Point(3_650_000, 2_400_000)], crs=3035)
    assert to_metric_crs(grid, name="cells").crs.equals(2154)  # INSEE grid, Lot


def test_validators():
    assert check_positive(3, name="x_m", unit="metres") == 3.0
    for bad in (0, -1, float("inf"), "a", None):
        with pytest.raises(InputError, match="`x_m` must be a number > 0 metres"):
            check_positive(bad, name="x_m", unit="metres")
    with pytest.raises(
        InputError, match="`how` was 'x' but is expected to be one of 'a', 'b'"
    ):
        check_choice("x", name="how", choices=("a", "b"))
    assert format_labels(range(7)) == "[0, 1, 2, 3, 4, … (2 more)]"
