"""The catchment search against a plain search of the whole graph, float for float."""

import numpy as np
import pytest
from scipy.sparse.csgraph import dijkstra

import geopandas as gpd
import shapely

from coordogeo import RoadNetwork
from coordogeo.access import travel_time_matrix
from coordogeo.network import search
from coordogeo.network.search import bounded_pairs, expand_groups, to_minutes


def grid_network(side: int, seed: int) -> RoadNetwork:
    """Build a side x side grid of 100 m blocks, thinned, partly one-way."""
    rng = np.random.default_rng(seed)
    ij = np.indices((side, side)).reshape(2, -1).T
    start = np.vstack([ij[ij[:, 0] < side - 1], ij[ij[:, 1] < side - 1]])
    end = np.vstack(
        [ij[ij[:, 0] < side - 1] + (1, 0), ij[ij[:, 1] < side - 1] + (0, 1)]
    )
    keep = rng.uniform(size=len(start)) < 0.8
    coords = np.stack([start[keep], end[keep]], axis=1) * 100.0 + (600_000, 6_400_000)
    roads = gpd.GeoDataFrame(
        {
            "speed_kmh": rng.choice([30.0, 50.0, 90.0], int(keep.sum())),
            "oneway": rng.uniform(size=int(keep.sum())) < 0.3,
        },
        geometry=shapely.linestrings(coords),
        crs=2154,
    )
    return RoadNetwork.from_roads(roads)


def reference_pairs(graph, sources, targets, limit_s):
    """Every (source item, target item, minutes) from one dense search per item."""
    (s_node, s_sec), (t_node, t_sec) = sources, targets
    out = []
    for i in np.flatnonzero(s_node >= 0):
        dist = dijkstra(graph, directed=True, indices=int(s_node[i]), limit=limit_s)
        for j in np.flatnonzero(t_node >= 0):
            total = dist[t_node[j]] + s_sec[i] + t_sec[j]
            if total <= limit_s:
                out.append((i, j, to_minutes(np.array([total]))[0]))
    return sorted(out)


@pytest.fixture(scope="module")
def grid():
    return grid_network(70, seed=5)  # 7 km x 7 km, ~4,900 nodes


@pytest.mark.parametrize("limit_s", [15.0, 25.0, 400.0])
@pytest.mark.parametrize("reverse", [False, True])
def test_catchment_search_equals_whole_graph_search(grid, limit_s, reverse):
    rng = np.random.default_rng(int(limit_s))
    n = grid.n_nodes
    s_node = rng.integers(0, n, 40)
    s_node[[3, 7]] = s_node[5]  # three items on one node
    s_node[11] = -1  # off the network
    t_node = rng.integers(0, n, 300)
    t_node[:4] = s_node[:4]  # a target on a source's node: 0 s on the road
    t_node[50] = -1
    s_sec, t_sec = rng.uniform(0, 5, 40), rng.uniform(0, 5, 300)
    sg = grid.search_graph(reverse=reverse)
    got = bounded_pairs(sg, (s_node, s_sec), (t_node, t_sec), limit_s, 1)
    assert [a.dtype for a in got] == [np.int32, np.int32, np.float32]
    ref = reference_pairs(sg.graph, (s_node, s_sec), (t_node, t_sec), limit_s)
    assert len(ref) > 0
    assert sorted(zip(*(a.tolist() for a in got), strict=True)) == [
        (i, j, float(m)) for i, j, m in ref
    ]  # the same pairs, the same float32 minutes to the bit


def test_workers_and_blocks_do_not_change_the_pairs(grid, monkeypatch):
    rng = np.random.default_rng(2)
    s_node, t_node = rng.integers(0, grid.n_nodes, (2, 200))
    args = ((s_node, np.zeros(200)), (t_node, rng.uniform(0, 10, 200)), 90.0)
    one = bounded_pairs(grid.search_graph(), *args, 1)
    monkeypatch.setattr(search, "_BLOCK_SOURCES", 3)
    two = bounded_pairs(grid.search_graph(), *args, 2)

    def table(pairs):
        order = np.lexsort((pairs[1], pairs[0]))
        return [a[order] for a in pairs]

    for a, b in zip(table(one), table(two), strict=True):
        np.testing.assert_array_equal(a, b)


def test_buckets_cover_the_longest_edge(grid):
    sg = grid.search_graph()
    weights = sg.graph.data
    assert sg.buckets.width == np.median(weights)
    count = sg.buckets.count
    assert count & (count - 1) == 0  # a power of two: slots wrap with a mask
    assert count >= weights.max() / sg.buckets.width + 2 > count / 2
    assert grid.search_graph(reverse=True).buckets is sg.buckets


def test_matrix_is_lean_and_sorted(grid):
    rng = np.random.default_rng(3)
    xy = rng.uniform(0, 6_900, (500, 2)) + np.array([600_000, 6_400_000])
    pts = gpd.GeoDataFrame(geometry=shapely.points(xy), crs=2154)
    m = travel_time_matrix(grid, pts, pts.iloc[:20], max_time_min=3)
    assert m.origin.dtype == np.int32 and m.time_min.dtype == np.float32
    key = m.origin.astype(np.int64) * 20 + m.destination
    assert np.all(np.diff(key) > 0)  # origin then destination, no pair twice
    assert m.to_table()["time_min"].dtype == np.float64


def test_expand_groups():
    pos, group = expand_groups(np.array([5, 0, 9]), np.array([2, 0, 3]))
    assert pos.tolist() == [5, 6, 9, 10, 11]
    assert group.tolist() == [0, 0, 2, 2, 2]


def test_dask_cluster_gives_the_same_pairs(grid):
    distributed = pytest.importorskip("distributed")
    rng = np.random.default_rng(4)
    s_node, t_node = rng.integers(0, grid.n_nodes, (2, 120))
    args = ((s_node, np.zeros(120)), (t_node, rng.uniform(0, 10, 120)), 25.0)
    one = bounded_pairs(grid.search_graph(), *args, 1)
    with (
        distributed.LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
        ) as cluster,
        distributed.Client(cluster) as client,
    ):
        sent: list[str] = []
        scatter = client.scatter

        def spy(data, **kwargs):
            sent.append(type(data[0]).__name__)
            return scatter(data, **kwargs)

        client.scatter = spy
        on_cluster = bounded_pairs(grid.search_graph(), *args, 1, client=client)
        again = bounded_pairs(grid.search_graph(), *args, 1, client=client)
    for a, b, c in zip(one, on_cluster, again, strict=True):  # blocks in order
        np.testing.assert_array_equal(a, b)
        np.testing.assert_array_equal(a, c)
    # the network goes to the workers once; each call sends its own sides
    assert sent == ["SearchGraph", "dict", "dict"]
