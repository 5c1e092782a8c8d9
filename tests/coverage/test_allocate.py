import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import geopandas as gpd
from geopandas.testing import assert_geodataframe_equal
from shapely import box, points

from coordogeo import InputError
from coordogeo.coverage import assign_to_communes
from tests.coverage.conftest import X0, Y0, squares


def cells(*corners: tuple[float, float], size: float = 1_000.0) -> gpd.GeoDataFrame:
    """Square cells of ``size`` m with south-west corners at (X0 + x, Y0 + y)."""
    return gpd.GeoDataFrame(
        {"population": [100.0 * (k + 1) for k in range(len(corners))]},
        geometry=[
            box(X0 + x, Y0 + y, X0 + x + size, Y0 + y + size) for x, y in corners
        ],
        crs=2154,
        index=[f"k{k}" for k in range(len(corners))],
    )


def test_area_weights_split_a_straddling_cell(communes):
    # k0 straddles c1|c2 (quarter / three quarters); k1 sits in c6
    grid = cells((750, 250), (2_000, 1_000))
    before = grid.copy()
    out = assign_to_communes(grid, communes)
    assert out.index.tolist() == communes.index.tolist() and out.crs.equals(2154)
    # k0 spans x 750..1750: 250 m in c1, 750 m in c2, and y 250..1250 puts a quarter
    # of it in the row above (c4 | c5): c1 .1875, c2 .5625, c4 .0625, c5 .1875
    expected = {
        "c1": 18.75,
        "c2": 56.25,
        "c4": 6.25,
        "c5": 18.75,
        "c3": 0.0,
        "c6": 200.0,
    }
    for key, value in expected.items():
        assert out.loc[key, "population"] == pytest.approx(value, abs=1e-9)
    assert out["n_cells"].tolist() == [1, 1, 0, 1, 1, 1]
    assert out["population"].sum() == pytest.approx(300.0, abs=1e-9)
    assert_geodataframe_equal(grid, before)


def test_centroid_sends_the_whole_cell(communes):
    grid = cells((750, 250), (2_000, 1_000))
    out = assign_to_communes(grid, communes, how="centroid")
    assert out.loc["c2", "population"] == 100.0  # centroid (1250, 750) is in c2
    assert out.loc["c6", "population"] == 200.0
    assert out["population"].sum() == 300.0


def test_a_cell_partly_outside_keeps_its_whole_population(communes):
    grid = cells((-500, 0))  # half of it lies west of every commune
    out = assign_to_communes(grid, communes)
    assert out.loc["c1", "population"] == pytest.approx(100.0)


def test_cells_near_but_outside_go_to_the_nearest_commune(communes):
    grid = cells((-1_300, 0), size=200)  # 1.1 km west of c1, beyond 1 km by default
    with pytest.warns(UserWarning, match=r"1 cell\(s\) of `cells`, at index \['k0'\]"):
        out = assign_to_communes(grid, communes)
    assert out["population"].sum() == 0.0
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        out = assign_to_communes(grid, communes, max_distance_m=1_200)
    assert out.loc["c1", "population"] == 100.0


def test_several_count_columns_and_points(communes):
    grid = cells((100, 100)).assign(ind_0_3=[7.0])
    pts = grid.set_geometry(grid.centroid)
    out = assign_to_communes(
        pts, communes, how="centroid", columns=["population", "ind_0_3"]
    )
    assert out.loc["c1", ["population", "ind_0_3"]].tolist() == [100.0, 7.0]
    with pytest.raises(InputError, match=r"non-polygon row\(s\).*how='centroid'"):
        assign_to_communes(pts, communes)


def test_bad_input(communes):
    grid = cells((0, 0))
    with pytest.raises(InputError, match="`how` was 'nearest'"):
        assign_to_communes(grid, communes, how="nearest")  # type: ignore[arg-type]
    with pytest.raises(InputError, match=r"missing or negative on 1 row.*\['k0'\]"):
        assign_to_communes(grid.assign(population=np.nan), communes)
    with pytest.raises(InputError, match=r"lacks the column\(s\) \['men'\]"):
        assign_to_communes(grid, communes, columns=["men"])
    with pytest.raises(InputError, match="`cells` has no CRS"):
        assign_to_communes(grid.set_crs(None, allow_override=True), communes)


@settings(max_examples=40, deadline=None)
@given(
    xy=st.lists(
        st.tuples(st.floats(-400, 2_400), st.floats(-400, 1_400)),
        min_size=1,
        max_size=12,
    ),
    how=st.sampled_from(["area", "centroid"]),
)
def test_population_in_equals_population_out(xy, how):
    grid = cells(*xy, size=500)
    out = assign_to_communes(grid, squares(), how=how)
    assert out["population"].sum() == pytest.approx(grid["population"].sum(), rel=1e-9)


def test_empty_grid_gives_zeros(communes):
    out = assign_to_communes(cells(), communes)
    assert out["population"].tolist() == [0.0] * 6


def test_sample_grid_points_in_their_commune(sample):
    pts = sample.population.set_geometry(
        points(np.c_[sample.population.centroid.x, sample.population.centroid.y]),
        crs=2154,
    )
    out = assign_to_communes(pts, sample.communes, how="centroid")
    total = sample.population["population"].sum()
    assert out["population"].sum() == pytest.approx(total, rel=1e-12)
