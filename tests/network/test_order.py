"""The built network numbers its nodes in Morton order, and no result depends on it."""

import numpy as np
import pytest
from scipy.spatial import cKDTree

from coordogeo.access import isochrones, nearest, travel_time_matrix
from coordogeo.network import RoadNetwork
from coordogeo.network.roads import NODE_PRECISION_M
from coordogeo.network.search import morton_key
from tests.conftest import cached_network, cached_sample


def renumbered(net: RoadNetwork, perm: np.ndarray) -> RoadNetwork:
    """Return the same network with node ``perm[k]`` renamed ``k``."""
    graph = net.graph[perm][:, perm].tocsr()
    graph.sort_indices()
    node_xy = net.node_xy[perm]
    return RoadNetwork(
        graph=graph,
        node_xy=node_xy,
        crs=net.crs,
        approach_speed_kmh=net.approach_speed_kmh,
        max_snap_m=net.max_snap_m,
        report=net.report,
        tree=cKDTree(node_xy),
        reverse_graph=graph.T.tocsr(),
    )


def test_nodes_are_numbered_along_the_morton_curve():
    net = cached_network()
    cells = np.round((net.node_xy - net.node_xy.min(axis=0)) / NODE_PRECISION_M)
    keys = morton_key(cells.astype(np.uint64))
    assert (np.diff(keys.astype(np.float64)) > 0).all()  # strictly: one node a cell
    # neighbours on the road get near numbers: a typical edge spans few positions
    tail = np.repeat(np.arange(net.n_nodes), np.diff(net.graph.indptr))
    gap = np.abs(tail - net.graph.indices)
    assert np.median(gap) < 0.01 * net.n_nodes


@pytest.mark.parametrize("order", ["by_coordinates", "random"])
def test_every_result_is_the_same_whatever_the_node_order(order):
    net, sample = cached_network(), cached_sample()
    xy = net.node_xy
    perm = (
        np.lexsort((xy[:, 1], xy[:, 0]))  # the order of the build before Morton
        if order == "by_coordinates"
        else np.random.default_rng(7).permutation(net.n_nodes)
    )
    other = renumbered(net, perm)
    places = sample.population
    msp = sample.structures[sample.structures["kind"] == "MSP"]
    got = travel_time_matrix(other, places, msp, max_time_min=30)
    want = travel_time_matrix(net, places, msp, max_time_min=30)
    np.testing.assert_array_equal(got.origin, want.origin)
    np.testing.assert_array_equal(got.destination, want.destination)
    np.testing.assert_array_equal(got.time_min, want.time_min)  # to the bit
    a = other.snap(places)
    b = net.snap(places)
    np.testing.assert_array_equal(a["snap_distance_m"], b["snap_distance_m"])
    np.testing.assert_array_equal(a["snapped"], b["snapped"])
    # the node ids differ, the coordinates they stand for do not
    on = b["snapped"].to_numpy()
    np.testing.assert_array_equal(
        other.node_xy[a["node"][on].to_numpy(int)],
        net.node_xy[b["node"][on].to_numpy(int)],
    )
    n1 = nearest(other, places, sample.structures, by="kind")
    n2 = nearest(net, places, sample.structures, by="kind")
    assert n1.drop(columns="geometry").equals(n2.drop(columns="geometry"))
    i1 = isochrones(other, msp.head(3), thresholds_min=[10, 20])
    i2 = isochrones(net, msp.head(3), thresholds_min=[10, 20])
    # the same area; a union's vertices may start elsewhere on its rings
    apart = i1.geometry.symmetric_difference(i2.geometry).area
    assert (apart <= 1e-6 * i2.geometry.area).all()
