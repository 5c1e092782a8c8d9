"""Travel-time matrices: road network, external tables, crow-fly fallback."""

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from coordogeo import InputError, RoadNetwork, nearest
from coordogeo.access import TravelTimeMatrix, crowfly_matrix, travel_time_matrix
from tests.conftest import cached_network, cached_sample, places


@pytest.fixture
def net(triangle_roads):
    return RoadNetwork.from_roads(triangle_roads)


def as_dict(matrix):
    t = matrix.to_table()
    return {(o, d): m for o, d, m in zip(t["origin"], t["destination"], t["time_min"],
                                         strict=True)}  # fmt: skip


@pytest.mark.parametrize("swap_sizes", [False, True])
def test_triangle_times_in_the_travel_direction(net, swap_sizes):
    # A->C 120 s on the one-way B->C; C->A takes the slow way, 339.41 s
    a, c = places(["A"], (0, 0)), places(["C"], (2_000, 0))
    extra = places(["B", "B2"], (1_000, 0), (1_000, 0))
    origins = pd.concat([a, extra]) if swap_sizes else a  # search from the smaller side
    m = travel_time_matrix(net, origins, pd.concat([c, a]), max_time_min=10)
    got = as_dict(m)
    assert got[("A", "C")] == pytest.approx(2.0, abs=1e-9)
    assert got[("A", "A")] == 0.0  # a stored zero, not an absent pair
    back = as_dict(travel_time_matrix(net, c, a, max_time_min=10))
    assert back[("C", "A")] == pytest.approx(339.41 / 60, abs=1e-3)


def test_bound_is_inclusive_and_unsnapped_places_are_flagged(net):
    far = places(["far"], (0, 50_000))
    m = travel_time_matrix(net, pd.concat([places(["A"], (0, 0)), far]),
                           places(["C"], (2_000, 0)), max_time_min=2)  # fmt: skip
    assert as_dict(m) == {("A", "C"): pytest.approx(2.0)}
    assert m.origin_snapped.tolist() == [True, False]
    assert m.origins.tolist() == ["A", "far"]  # kept, with no pair
    assert m.model == "road network"


def test_matrix_minimum_equals_nearest_on_the_sample():
    sample, network = cached_sample(), cached_network()
    msp = sample.structures[sample.structures["kind"] == "MSP"]
    m = travel_time_matrix(network, sample.population, msp, max_time_min=25, n_jobs=2)
    best = m.to_table().groupby("origin")["time_min"].min()
    near = nearest(network, sample.population, msp, max_time_min=25)
    np.testing.assert_allclose(
        best.reindex(sample.population.index), near["travel_time_min"], rtol=1e-12
    )
    one_job = travel_time_matrix(network, sample.population, msp, max_time_min=25)
    np.testing.assert_array_equal(one_job.time_min, m.time_min)


@settings(max_examples=20, deadline=None)
@given(seed=st.integers(0, 10_000))
def test_adding_a_structure_never_increases_anyones_time(seed):
    sample, network = cached_sample(), cached_network()
    rng = np.random.default_rng(seed)
    sites = sample.structures.iloc[rng.choice(len(sample.structures), 6, replace=False)]
    cells = sample.population.iloc[
        rng.choice(len(sample.population), 200, replace=False)
    ]
    before = travel_time_matrix(network, cells, sites.iloc[:5], max_time_min=30)
    after = travel_time_matrix(network, cells, sites, max_time_min=30)
    t0 = before.to_table().groupby("origin")["time_min"].min().reindex(cells.index)
    t1 = after.to_table().groupby("origin")["time_min"].min().reindex(cells.index)
    reached = t0.notna()
    assert (t1[reached] <= t0[reached] + 1e-9).all() and t1[reached].notna().all()


def test_from_table_round_trip_and_checks():
    table = pd.DataFrame({"o": [1, 1, 2], "d": ["x", "y", "x"], "t": [3.0, 0.0, 12.5]})
    m = TravelTimeMatrix.from_table(table, origin="o", destination="d", time_min="t")
    assert m.max_time_min == 12.5 and m.model == "external table"
    back = m.to_table()
    assert back[["origin", "destination", "time_min"]].values.tolist() == [
        [1, "x", 3.0], [1, "y", 0.0], [2, "x", 12.5]]  # fmt: skip
    assert (back["time_model"] == m.description).all()
    sparse = m.to_sparse()
    assert sparse[0, 1] - 1 == 0.0 and sparse.nnz == 3
    with pytest.raises(
        InputError,
        match=r"`table\[.t.\]` is missing or negative on 1 row\(s\), at index \[2\]",
    ):
        TravelTimeMatrix.from_table(table.assign(t=[1.0, 2.0, np.nan]), origin="o",
                                    destination="d", time_min="t")  # fmt: skip
    with pytest.raises(InputError, match=r"same \(origin, destination\) pair twice"):
        TravelTimeMatrix.from_table(pd.concat([table, table.iloc[:1]]), origin="o",
                                    destination="d", time_min="t")  # fmt: skip
    with pytest.raises(InputError, match=r"absent from `origins`: \[2\]"):
        TravelTimeMatrix.from_table(table, origin="o", destination="d", time_min="t",
                                    origins=pd.Index([1]))  # fmt: skip
    with pytest.raises(InputError, match=r"lacks the column\(s\) \['time_min'\]"):
        TravelTimeMatrix.from_table(table, origin="o", destination="d")


def test_crowfly_is_named_and_exact_on_a_line():
    o = places(["a", "b"], (0, 0), (10_000, 0))
    d = places(["x"], (0, 0))
    m = crowfly_matrix(o, d.to_crs(4326), speed_kmh=60, detour_factor=1.5,
                       max_time_min=20)  # fmt: skip
    got = as_dict(m)
    assert got[("a", "x")] == pytest.approx(0.0, abs=1e-3)  # 1 cm round trip
    assert got[("b", "x")] == pytest.approx(15.0, abs=1e-3)  # 10 km × 1.5 at 60 km/h
    assert m.model == "crow-fly estimate"
    assert "fallback without road data" in m.description
    short = crowfly_matrix(o, d, speed_kmh=60, detour_factor=1.5, max_time_min=10)
    assert list(as_dict(short)) == [("a", "x")]
    with pytest.raises(InputError, match="`detour_factor` must be >= 1"):
        crowfly_matrix(o, d, speed_kmh=60, detour_factor=0.8)
    with pytest.raises(InputError, match="`speed_kmh` must be a number > 0"):
        crowfly_matrix(o, d, speed_kmh=0)


def test_bad_arguments(net):
    a = places(["A"], (0, 0))
    with pytest.raises(InputError, match="`n_jobs` must be an integer >= 1 or -1"):
        travel_time_matrix(net, a, a, n_jobs=0)
    with pytest.raises(InputError, match="`max_time_min` must be a number > 0"):
        travel_time_matrix(net, a, a, max_time_min=-5)
    with pytest.raises(InputError, match="`origins` has no CRS"):
        travel_time_matrix(net, a.set_crs(None, allow_override=True), a)
