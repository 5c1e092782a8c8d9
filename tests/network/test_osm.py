"""OSM roads: tags read right (fixture written here), real PBF and GraphML files."""

from dataclasses import replace

import networkx as nx
import numpy as np
import pytest

import geopandas as gpd
from shapely import points

from coordogeo import InputError, RoadNetwork, nearest
from coordogeo.network.osm import FREE_FLOW_SPEEDS_KMH, osm_roads, territory_crs_of

FF = {"profile": "free_flow"}  # coordogeo's model before the car profile

# nodes along a line near Cahors, about 80 m apart
NODES = {i: (1.44 + 0.001 * i, 44.45) for i in range(1, 12)}
WAYS = [  # (id, node ids, tags)
    (1, [1, 2], {"highway": "primary", "maxspeed": "90"}),
    (2, [2, 3], {"highway": "residential"}),
    (3, [3, 4], {"highway": "tertiary", "oneway": "-1", "maxspeed": "FR:urban"}),
    (4, [4, 5], {"highway": "motorway"}),
    (
        5,
        [5, 6],
        {"highway": "secondary", "junction": "roundabout", "maxspeed": "30 mph"},
    ),
    (6, [6, 7], {"highway": "footway"}),
    (7, [7, 8], {"highway": "service", "access": "private"}),
    (8, [8, 9], {"highway": "unclassified", "maxspeed": "FR:zone30", "oneway": "no"}),
    (9, [9, 10], {"highway": "trunk", "maxspeed": "FR:rural;50"}),
]


def write_osm(path, ways=WAYS):
    nodes = "".join(
        f'<node id="{i}" version="1" lat="{lat}" lon="{lon}"/>'
        for i, (lon, lat) in NODES.items()
    )
    body = ""
    for way_id, refs, tags in ways:
        nds = "".join(f'<nd ref="{r}"/>' for r in refs)
        tg = "".join(f'<tag k="{k}" v="{v}"/>' for k, v in tags.items())
        body += f'<way id="{way_id}" version="1">{nds}{tg}</way>'
    path.write_text(
        f"<?xml version='1.0' encoding='UTF-8'?><osm version='0.6'>{nodes}{body}</osm>",
        encoding="utf-8",
    )
    return path


def test_car_profile_speeds_and_oneway(tmp_path):
    roads = osm_roads(write_osm(tmp_path / "toy.osm"), **FF)
    assert roads["highway"].tolist() == ["primary", "residential", "tertiary",
                                         "motorway", "secondary", "unclassified",
                                         "trunk"]  # fmt: skip
    speeds = FREE_FLOW_SPEEDS_KMH
    expected = [90, speeds["residential"], 50, speeds["motorway"],
                30 * 1.609344, 30, 80]  # fmt: skip
    assert roads["speed_kmh"].tolist() == pytest.approx(expected)
    # -1 against the way; motorway and roundabout one-way implied; oneway=no both
    assert roads["oneway"].tolist() == [0, 0, -1, 1, 1, 0, 0]
    slower = osm_roads(tmp_path / "toy.osm", speeds_kmh={"residential": 20}, **FF)
    assert slower.loc[1, "speed_kmh"] == 20


def test_oneway_minus_one_is_driven_against_the_node_order(tmp_path):
    net = RoadNetwork.from_osm(write_osm(tmp_path / "toy.osm", WAYS[:3]), **FF)
    assert net.crs == "EPSG:2154"
    a, b = (gpd.GeoDataFrame(geometry=points([NODES[i]]), crs=4326, index=[n])
            for i, n in ((3, "n3"), (4, "n4")))  # fmt: skip
    assert nearest(net, b, a)["reachable"].item()  # 4 -> 3 allowed
    assert not nearest(net, a, b)["reachable"].item()  # 3 -> 4 forbidden


def test_bad_files(tmp_path):
    with pytest.raises(InputError, match="no drivable road for the free_flow profile"):
        osm_roads(write_osm(tmp_path / "paths.osm", [WAYS[5]]), **FF)
    other = tmp_path / "roads.shp.zip"
    other.write_bytes(b"")
    with pytest.raises(InputError, match="is not an OSM file"):
        osm_roads(other, **FF)
    with pytest.raises(InputError, match="`profile` was 'bike'"):
        osm_roads(tmp_path / "paths.osm", profile="bike")  # type: ignore[arg-type]
    with pytest.raises(InputError, match="no drivable road for the car profile"):
        osm_roads(tmp_path / "paths.osm")


def networkx_matches(net, seed):
    """Nearest times equal networkx multi-source Dijkstra on the same graph."""
    rng = np.random.default_rng(seed)
    xy = net.node_xy
    o = gpd.GeoDataFrame(geometry=points(xy[rng.choice(len(xy), 60)]), crs=net.crs)
    sites_at = rng.choice(len(xy), 4, replace=False)
    d = gpd.GeoDataFrame(geometry=points(xy[sites_at]), crs=net.crs)
    ours = nearest(net, o, d, max_time_min=120)["travel_time_min"].to_numpy()
    graph = nx.from_scipy_sparse_array(net.reverse_graph, create_using=nx.DiGraph)
    dist = nx.multi_source_dijkstra_path_length(graph, set(sites_at.tolist()))
    nodes = net.snap(o)["node"].to_numpy()
    theirs = np.array([dist.get(int(n), np.inf) / 60 for n in nodes])
    theirs[theirs > 120] = np.nan
    np.testing.assert_allclose(ours, theirs, rtol=1e-7)  # float32 minutes


def test_node_locations_on_disk_give_the_same_roads(tmp_path):
    path = write_osm(tmp_path / "toy.osm")
    in_memory = osm_roads(path, **FF)
    on_disk = osm_roads(path, node_locations="disk", **FF)
    assert on_disk.drop(columns="geometry").equals(in_memory.drop(columns="geometry"))
    assert on_disk.geometry.geom_equals_exact(in_memory.geometry, 0).all()
    # the index went to a temporary folder of its own: nothing written beside the file
    assert sorted(p.name for p in tmp_path.iterdir()) == ["toy.osm"]
    with pytest.raises(InputError, match="node_locations"):
        osm_roads(path, node_locations="swap", **FF)  # type: ignore[arg-type]


def test_saint_barthelemy_pbf(shared_data):
    net = RoadNetwork.from_osm(
        shared_data / "roads" / "saint_barthelemy_2015.osm.pbf", **FF
    )
    assert net.crs == "EPSG:5490"  # Antilles, not Lambert-93
    # 506 car ways of the 515 highway ways (9 tracks left out), SOURCES.md
    assert net.report.n_roads == 506
    assert (net.n_nodes, net.n_edges) == (3_723, 7_500)
    assert net.report.largest_component_nodes == 3_678
    networkx_matches(net, seed=1)
    on_disk = RoadNetwork.from_osm(
        shared_data / "roads" / "saint_barthelemy_2015.osm.pbf",
        node_locations="disk",
        **FF,
    )
    assert (on_disk.graph != net.graph).nnz == 0
    np.testing.assert_array_equal(on_disk.node_xy, net.node_xy)


def test_maisons_laffitte_graphml(shared_data):
    net = RoadNetwork.from_osm(
        shared_data / "roads" / "maisons_laffitte_78358_osmnx_all.graphml", **FF
    )
    assert net.crs == "EPSG:2154"
    assert net.report.n_roads == 1_525  # directed drivable edges of 2,256
    assert (net.n_nodes, net.n_edges) == (2_139, 3_450)
    networkx_matches(net, seed=2)


def assert_same_network(a, b):
    np.testing.assert_array_equal(a.node_xy, b.node_xy)
    for left, right in ((a.graph, b.graph), (a.reverse_graph, b.reverse_graph)):
        for part in ("indptr", "indices", "data"):  # to the bit
            np.testing.assert_array_equal(getattr(left, part), getattr(right, part))
    assert a.crs == b.crs and a.report == b.report


def test_from_osm_builds_from_arrays_what_the_lines_give(tmp_path):
    # from_osm goes from the reader's flat points to the graph, no line per way:
    # the same network, to the bit, as from_roads on osm_roads' lines
    path = write_osm(tmp_path / "toy.osm")
    lines = osm_roads(path, **FF)
    through_lines = RoadNetwork.from_roads(lines, crs=territory_crs_of(lines))
    direct = RoadNetwork.from_osm(path, **FF)
    assert direct.report.n_roads == len(lines) == 7  # footway, private left out
    assert_same_network(
        direct, replace(through_lines, report=replace(through_lines.report,
                                                      merged_highway_edges=0))
    )  # fmt: skip


@pytest.mark.parametrize(
    "name",
    ["saint_barthelemy_2015.osm.pbf", "maisons_laffitte_78358_osmnx_all.graphml"],
)
def test_real_files_from_arrays_as_from_lines(shared_data, name):
    path = shared_data / "roads" / name
    lines = osm_roads(path, **FF)
    through_lines = RoadNetwork.from_roads(lines, crs=territory_crs_of(lines))
    merged = int(lines.attrs["merged_highway_edges"])
    assert_same_network(
        RoadNetwork.from_osm(path, **FF),
        replace(through_lines, report=replace(through_lines.report,
                                              merged_highway_edges=merged)),
    )  # fmt: skip


def test_each_distinct_tag_is_read_once_and_given_to_every_way_that_has_it():
    import pandas as pd  # noqa: PLC0415

    from coordogeo.network.osm import _oneway, _speeds  # noqa: PLC0415

    tags = pd.DataFrame(
        {
            "highway": ["primary", "residential", "motorway", "primary", "tertiary",
                        "secondary", "residential"],
            "maxspeed": ["90", None, "FR:motorway", "90", "30 mph", "bad", None],
            "oneway": ["yes", None, None, "-1", "no", "yes", "-1"],
            "junction": [None, None, None, None, None, "roundabout", None],
        }
    )  # fmt: skip
    speeds = _speeds(tags, FREE_FLOW_SPEEDS_KMH)
    expected = [90, 30, 130, 90, 30 * 1.609344, 60, 30]  # bad, none: the class's
    np.testing.assert_allclose(speeds, expected, rtol=1e-12)
    assert _oneway(tags).tolist() == [1, 0, 1, -1, 0, 1, -1]
