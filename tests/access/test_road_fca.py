"""road_fca: the index from per-block partial sums equals fca on the whole matrix."""

import numpy as np
import pytest

from coordogeo.access import METHODS, fca, road_fca, travel_time_matrix
from coordogeo.errors import InputError
from coordogeo.network import RoadNetwork
from tests.conftest import cached_network, cached_sample, places

SCORE = "2sfca_capacity_per_inhabitant"


def test_by_hand_on_the_triangle(triangle_roads):
    # B -> A 60 s, B -> C 60 s (one-way B -> C), A -> C 120 s; bound 1.5 min
    net = RoadNetwork.from_roads(triangle_roads)
    at_xy = [(1_000, 0), (0, 0), (10_000, 0), (0, 50_000)]
    people = places(["p", "q", "island", "far"], *at_xy)
    people["population"] = [100.0, 300.0, 50.0, 7.0]
    sites = places(["S", "T"], (0, 0), (2_000, 0)).assign(capacity=[2.0, 1.0])
    out = road_fca(net, people, sites, max_time_min=1.5)
    # S reaches p and q (400 people): 2 / 400; T reaches p only: 1 / 100
    assert out.supply["demand_in_reach"].tolist() == [400.0, 100.0]
    np.testing.assert_allclose(out.supply["capacity_per_inhabitant"], [0.005, 0.01])
    np.testing.assert_allclose(out.demand[SCORE], [0.015, 0.005, 0.0, 0.0], atol=1e-15)
    assert out.demand["n_sites_in_reach"].tolist() == [2, 1, 0, 0]
    # the island is on a road (nothing in reach); "far" is on none: flagged
    assert out.demand["snapped"].tolist() == [True, True, True, False]
    # every unit of supply reaches someone: Σ population x score = Σ capacity
    total = (out.demand["population"] * out.demand[SCORE]).sum()
    assert total == pytest.approx(3.0, rel=1e-12)


@pytest.mark.parametrize("method", METHODS)
def test_equals_fca_on_the_whole_matrix(method):
    net, sample = cached_network(), cached_sample()
    rng = np.random.default_rng(3)
    sites = sample.structures.assign(
        capacity=rng.uniform(0.5, 4, len(sample.structures))
    )
    people = sample.population
    by_blocks = road_fca(net, people, sites, max_time_min=25, method=method)
    matrix = travel_time_matrix(net, people, sites, max_time_min=25)
    whole = fca(matrix, people, sites, method=method)
    column = f"{method}_capacity_per_inhabitant"
    assert by_blocks.demand[column].gt(0).sum() > 0.75 * len(people)  # 84 % here
    np.testing.assert_allclose(by_blocks.demand[column], whole.demand[column],
                               rtol=1e-12, atol=1e-18)  # fmt: skip
    assert (
        by_blocks.demand["n_sites_in_reach"] == whole.demand["n_sites_in_reach"]
    ).all()
    np.testing.assert_allclose(by_blocks.supply["demand_in_reach"],
                               whole.supply["demand_in_reach"], rtol=1e-12)  # fmt: skip
    np.testing.assert_array_equal(by_blocks.supply["has_demand_in_reach"],
                                  whole.supply["has_demand_in_reach"])  # fmt: skip


def test_normalised_and_on_two_threads_the_same():
    net, sample = cached_network(), cached_sample()
    sites = sample.structures.assign(capacity=1.0)
    one = road_fca(net, sample.population, sites, method="e2sfca", normalize=True)
    two = road_fca(net, sample.population, sites, method="e2sfca", normalize=True,
                   n_jobs=2)  # fmt: skip
    # the same blocks whatever runs them: the same sums, to the bit
    np.testing.assert_array_equal(
        one.demand["e2sfca_index"], two.demand["e2sfca_index"]
    )
    mean = np.average(
        one.demand["e2sfca_index"], weights=sample.population["population"]
    )
    assert mean == pytest.approx(1.0, rel=1e-12)


def test_on_a_dask_cluster_the_same():
    distributed = pytest.importorskip("distributed")
    net, sample = cached_network(), cached_sample()
    sites = sample.structures.assign(capacity=1.0)
    here = road_fca(net, sample.population, sites, method="bfca")
    with (
        distributed.LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
        ) as cluster,
        distributed.Client(cluster) as client,
    ):
        there = road_fca(net, sample.population, sites, method="bfca", client=client)
    score = "bfca_capacity_per_inhabitant"
    np.testing.assert_array_equal(here.demand[score], there.demand[score])


def test_a_site_off_every_road_is_named(triangle_roads):
    net = RoadNetwork.from_roads(triangle_roads)
    people = places(["p"], (1_000, 0)).assign(population=[10.0])
    sites = places(["S", "lost"], (0, 0), (0, 50_000)).assign(capacity=1.0)
    with pytest.warns(UserWarning, match=r"`supply` rows \['lost'\]"):
        out = road_fca(net, people, sites, max_time_min=5)
    assert out.supply["has_demand_in_reach"].tolist() == [True, False]


def test_bad_input_is_refused(triangle_roads):
    net = RoadNetwork.from_roads(triangle_roads)
    people = places(["p"], (1_000, 0)).assign(population=[10.0])
    sites = places(["S"], (0, 0))
    with pytest.raises(InputError, match="capacity"):
        road_fca(net, people, sites)
    with pytest.raises(InputError, match="method"):
        road_fca(net, people, sites.assign(capacity=1.0), method="4sfca")  # type: ignore[arg-type]
    with pytest.raises(InputError, match="population"):
        road_fca(net, people.assign(population=[np.nan]), sites.assign(capacity=1.0))
    with pytest.raises(InputError, match="CRS"):
        road_fca(
            net, people.set_crs(None, allow_override=True), sites.assign(capacity=1.0)
        )
