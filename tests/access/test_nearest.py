import warnings

import networkx as nx
import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import geopandas as gpd
from geopandas.testing import assert_geodataframe_equal
from shapely import LineString

from coordogeo import InputError, RoadNetwork, nearest
from coordogeo.access import time_summary
from tests.conftest import at, cached_network, cached_sample, places

# Hand-checked network (conftest.triangle_roads): A->B 60 s, B->C 60 s one-way,
# C->D->A 339.41 s (2 x 1414.21 m at 30 km/h). Approach legs at 36 km/h = 10 m/s.
SLOW_WAY_MIN = 2 * 1_000 * 2**0.5 / (30 / 3.6) / 60


@pytest.fixture
def net(triangle_roads):
    return RoadNetwork.from_roads(triangle_roads, approach_speed_kmh=36.0)


def test_one_way_is_driven_from_origin_to_destination(net):
    a, c = places(["A"], (0, 0)), places(["C"], (2_000, 0))
    there = nearest(net, a, c)
    back = nearest(net, c, a)
    assert there.loc["A", "travel_time_min"] == pytest.approx(2.0, abs=1e-9)
    assert back.loc["C", "travel_time_min"] == pytest.approx(SLOW_WAY_MIN, rel=1e-7)
    assert there.loc["A", "nearest_id"] == "C" and back.loc["C", "nearest_id"] == "A"


def test_both_approach_legs_are_added(net):
    # origin 100 m north of A (10 s), site 50 m south of C (5 s), A->C 120 s
    out = nearest(net, places(["o"], (0, 100)), places(["s"], (2_000, -50)))
    assert out.loc["o", "travel_time_min"] == pytest.approx(
        (10 + 120 + 5) / 60, rel=1e-7
    )
    assert out.loc["o", "snap_distance_m"] == pytest.approx(100.0, abs=1e-9)


def test_unreachable_and_off_network_are_nan_and_flagged_never_dropped(net):
    origins = places(["island", "far", "A"], (10_500, 0), (0, -9_000), (0, 0))
    out = nearest(net, origins, places(["C"], (2_000, 0)))
    assert out.index.tolist() == ["island", "far", "A"]
    assert out["reachable"].tolist() == [False, False, True]
    assert out["snapped"].tolist() == [True, False, True]
    assert out["travel_time_min"].isna().tolist() == [True, True, False]
    assert out["nearest_id"].isna().tolist() == [True, True, False]


def test_beyond_max_time_is_unreachable_not_clamped(net):
    out = nearest(net, places(["C"], (2_000, 0)), places(["A"], (0, 0)), max_time_min=5)
    assert np.isnan(out.loc["C", "travel_time_min"]) and not out.loc["C", "reachable"]
    out = nearest(net, places(["C"], (2_000, 0)), places(["A"], (0, 0)), max_time_min=6)
    assert out.loc["C", "travel_time_min"] == pytest.approx(SLOW_WAY_MIN, rel=1e-7)


def test_ties_give_the_same_time_and_k2_lists_both(net):
    sites = places(["A", "C"], (0, 0), (2_000, 0))  # both 60 s from B
    out = nearest(net, places(["B"], (1_000, 0)), sites, k=2)
    assert out.loc["B", "travel_time_min"] == pytest.approx(1.0, abs=1e-9)
    assert out.loc["B", "travel_time_min_2"] == pytest.approx(1.0, abs=1e-9)
    assert {out.loc["B", "nearest_id"], out.loc["B", "nearest_id_2"]} == {"A", "C"}
    k1 = nearest(net, places(["B"], (1_000, 0)), sites)
    assert k1.loc["B", "nearest_id"] in {"A", "C"}


def test_k_larger_than_the_sites_reachable_leaves_nan(net):
    out = nearest(net, places(["A"], (0, 0)), places(["C"], (2_000, 0)), k=3)
    assert out.loc["A", "travel_time_min"] == pytest.approx(2.0, abs=1e-9)
    assert (
        np.isnan(out.loc["A", "travel_time_min_2"]) and not out.loc["A", "reachable_3"]
    )


def test_by_gives_one_set_of_columns_per_group(net):
    sites = places(["m1", "c1"], (0, 0), (2_000, 0)).assign(kind=["MSP", "CDS"])
    out = nearest(net, places(["B"], (1_000, 0)), sites, by="kind")
    assert (
        out.loc["B", "nearest_id_MSP"] == "m1"
        and out.loc["B", "nearest_id_CDS"] == "c1"
    )
    with pytest.raises(InputError, match=r"lacks the column\(s\) \['type'\]"):
        nearest(net, places(["B"], (1_000, 0)), sites, by="type")
    with pytest.raises(InputError, match=r"`destinations\['kind'\]` is missing"):
        nearest(
            net, places(["B"], (1_000, 0)), sites.assign(kind=[None, "CDS"]), by="kind"
        )


def test_destinations_off_the_network_are_named_in_a_warning(net):
    sites = places(["ok", "lost"], (0, 0), (0, -9_000))
    with pytest.warns(UserWarning, match=r"rows \['lost'\] are farther than"):
        out = nearest(net, places(["B"], (1_000, 0)), sites)
    assert out.loc["B", "nearest_id"] == "ok"


def test_bad_options_and_crs(net):
    o, d = places(["A"], (0, 0)), places(["C"], (2_000, 0))
    with pytest.raises(InputError, match="`max_time_min` must be a number > 0"):
        nearest(net, o, d, max_time_min=0)
    with pytest.raises(InputError, match="`k` must be a whole number >= 1"):
        nearest(net, o, d, k=0)
    with pytest.raises(InputError, match="`origins` has no CRS"):
        nearest(net, o.set_crs(None, allow_override=True), d)


def test_lonlat_inputs_are_reprojected_and_inputs_not_mutated(net):
    o, d = places(["A"], (0, 0)).to_crs(4326), places(["C"], (2_000, 0)).to_crs(4326)
    before_o, before_d = o.copy(), d.copy()
    out = nearest(net, o, d)
    assert out.crs.equals(2154)
    # the round trip through degrees moves points by well under a millimetre
    assert out.loc["A", "travel_time_min"] == pytest.approx(2.0, abs=1e-6)
    assert_geodataframe_equal(o, before_o)
    assert_geodataframe_equal(d, before_d)


def _networkx_nearest(network, origins, sites):
    """Compute the reference: networkx multi-source Dijkstra, reversed graph."""
    graph = nx.from_scipy_sparse_array(network.graph, create_using=nx.DiGraph).reverse()
    snap_o, snap_s = network.snap(origins), network.snap(sites)
    for j, (node, leg) in enumerate(
        zip(snap_s["node"], snap_s["approach_time_min"], strict=True)
    ):
        graph.add_edge(("site", j), int(node), weight=leg * 60)
    dist = nx.multi_source_dijkstra_path_length(
        graph, {("site", j) for j in range(len(sites))}
    )
    ok = snap_o["snapped"].to_numpy()
    seconds = np.full(len(origins), np.nan)
    seconds[ok] = [dist.get(int(n), np.nan) for n in snap_o["node"][ok]]
    return (seconds + snap_o["approach_time_min"].to_numpy() * 60) / 60


def test_equals_networkx_on_the_sample_territory(sample, network):
    msp = sample.structures[sample.structures["kind"] == "MSP"]
    ours = nearest(network, sample.population, msp, max_time_min=600)
    ref = _networkx_nearest(network, sample.population, msp)
    got = ours["travel_time_min"].to_numpy()
    assert np.array_equal(np.isnan(got), np.isnan(ref))
    # both sum the same float64 edge weights; 1e-6 min is far above rounding
    assert np.nanmax(np.abs(got - ref)) < 1e-5  # minutes kept as float32


def test_population_is_conserved_on_the_sample(sample, network):
    out = nearest(
        network, sample.population, sample.structures, by="kind", max_time_min=30
    )
    assert len(out) == len(sample.population) and out.index.equals(
        sample.population.index
    )
    summary = time_summary(out, thresholds_min=(10, 20, 30))
    total = sample.population["population"].sum()
    for col in summary.index:
        within = out.loc[out[col] <= 30, "population"].sum()
        # float sums of ~4,000 fractional cells: 1e-6 inhabitant is rounding only
        assert within + summary.loc[col, "population_beyond_30_min"] == pytest.approx(
            total, abs=1e-6
        )
        assert summary.loc[col, "population"] == pytest.approx(total, abs=1e-6)


def test_island_cells_are_unreachable(sample, network):
    island = sample.population[sample.population["insee"] == "00046"]
    out = nearest(network, island, sample.structures)
    assert len(out) > 0 and not out["reachable"].any() and out["snapped"].any()


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    chosen=st.sets(st.integers(0, 27), min_size=1, max_size=6),
    extra=st.integers(0, 27),
)
def test_adding_a_structure_never_increases_a_travel_time(chosen, extra):
    sample, network = cached_sample(), cached_network()
    sites = sample.structures.iloc[sorted(chosen)]
    more = sample.structures.iloc[sorted(chosen | {extra})]
    before = nearest(network, sample.population, sites, max_time_min=45)[
        "travel_time_min"
    ]
    after = nearest(network, sample.population, more, max_time_min=45)[
        "travel_time_min"
    ]
    reached = before.notna()
    assert after.notna()[reached].all()
    assert (after[reached] <= before[reached] + 1e-9).all()


@settings(max_examples=30, deadline=None)
@given(
    seed=st.integers(0, 10_000),
    n_sites=st.integers(1, 4),
    k=st.integers(1, 3),
)
def test_random_grids_match_brute_force(seed, n_sites, k):
    rng = np.random.default_rng(seed)
    roads = _random_grid_roads(rng)
    net = RoadNetwork.from_roads(roads, approach_speed_kmh=36.0)
    xy = rng.uniform(-200, 3_200, (12, 2))
    origins = places([f"o{i}" for i in range(8)], *map(tuple, xy[:8]))
    sites = places([f"s{i}" for i in range(n_sites)], *map(tuple, xy[8 : 8 + n_sites]))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # sites off a sparse grid
        out = nearest(net, origins, sites, max_time_min=30, k=k)
    ref = _brute_force(net, origins, sites, limit_min=30)
    for rank in range(k):
        col = "travel_time_min" if rank == 0 else f"travel_time_min_{rank + 1}"
        expected = np.sort(ref, axis=1)[:, rank] if rank < ref.shape[1] else np.nan
        np.testing.assert_allclose(out[col].to_numpy(), expected, atol=1e-9)


def _random_grid_roads(rng):
    lines, oneway, speed = [], [], []
    for i in range(4):
        for j in range(4):
            for di, dj in ((1, 0), (0, 1)):
                if i + di < 4 and j + dj < 4 and rng.uniform() < 0.8:
                    a, b = (i * 1_000, j * 1_000), ((i + di) * 1_000, (j + dj) * 1_000)
                    lines.append(LineString(at(a, b)))
                    oneway.append(bool(rng.uniform() < 0.3))
                    speed.append(float(rng.choice([30.0, 50.0, 90.0])))
    return gpd.GeoDataFrame(
        {"speed_kmh": speed, "oneway": oneway}, geometry=lines, crs=2154
    )


def _brute_force(net, origins, sites, *, limit_min):
    """Per-origin networkx Dijkstra to every site; NaN beyond the limit."""
    graph = nx.from_scipy_sparse_array(net.graph, create_using=nx.DiGraph)
    so, ss = net.snap(origins), net.snap(sites)
    out = np.full((len(origins), len(sites)), np.nan)
    for i in range(len(origins)):
        if not so["snapped"].iloc[i]:
            continue
        dist = nx.single_source_dijkstra_path_length(graph, int(so["node"].iloc[i]))
        for j in range(len(sites)):
            if ss["snapped"].iloc[j] and int(ss["node"].iloc[j]) in dist:
                t = (
                    so["approach_time_min"].iloc[i]
                    + dist[int(ss["node"].iloc[j])] / 60
                    + ss["approach_time_min"].iloc[j]
                )
                out[i, j] = t if t <= limit_min else np.nan
    out[np.isnan(out)] = np.inf
    out = np.sort(out, axis=1)
    out[np.isinf(out)] = np.nan
    return out


def test_time_summary_rejects_bad_population():
    bad = pd.DataFrame({"population": [1.0, np.nan], "travel_time_min": [1.0, 2.0]})
    with pytest.raises(
        InputError, match=r"missing or negative on 1 row\(s\), at index \[1\]"
    ):
        time_summary(bad)
    with pytest.raises(InputError, match="`thresholds_min` must strictly increase"):
        time_summary(bad.fillna(0), thresholds_min=(20, 10))


@pytest.mark.parametrize("k", [1, 2])
def test_no_destination_keeps_every_origin_unreachable(net, k):
    out = nearest(net, places(["A", "B"], (0, 0), (1_000, 0)), places([]), k=k)
    assert out.index.tolist() == ["A", "B"]
    assert not out["reachable"].any() and out["travel_time_min"].isna().all()


def test_no_origin_gives_an_empty_frame_with_the_columns(net):
    out = nearest(net, places([]), places(["C"], (2_000, 0)), k=2)
    assert len(out) == 0
    assert {"travel_time_min", "nearest_id_2", "reachable", "snapped"} <= set(
        out.columns
    )


def test_k_nearest_by_road_equals_k_nearest_read_from_the_matrix():
    from coordogeo.access import travel_time_matrix  # noqa: PLC0415

    net, sample = cached_network(), cached_sample()
    people, sites = sample.population, sample.structures
    matrix = travel_time_matrix(net, people, sites, max_time_min=25)
    by_road = nearest(net, people, sites, by="kind", k=3, max_time_min=25)
    from_matrix = nearest(matrix, people, sites, by="kind", k=3, max_time_min=25)
    names = ("travel_time_min", "nearest_id", "reachable")
    columns = [c for c in by_road.columns if c.startswith(names)]
    assert len(columns) >= 27  # 3 kinds or more, 3 ranks, 3 columns
    for column in columns:
        pd.testing.assert_series_equal(by_road[column], from_matrix[column])
