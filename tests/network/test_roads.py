import numpy as np
import pandas as pd
import pytest

import geopandas as gpd
from shapely import LineString, MultiLineString, Point, Polygon

from coordogeo import InputError, RoadNetwork
from tests.conftest import at, places


def test_from_roads_joins_shared_vertices_and_respects_one_way(triangle_roads):
    net = RoadNetwork.from_roads(triangle_roads)
    # nodes: A, B, C, D, E, F
    assert net.n_nodes == 6
    # A-B 2, B->C 1, C-D 2, D-A 2, E-F 2
    assert net.n_edges == 9
    assert net.report.n_components == 2
    assert net.report.largest_component_nodes == 4
    a, b, c = (int(net.tree.query(xy)[1]) for xy in at((0, 0), (1_000, 0), (2_000, 0)))
    assert net.graph[a, b] == pytest.approx(60.0, abs=1e-9)  # 1 km at 60 km/h
    assert net.graph[b, c] == pytest.approx(60.0, abs=1e-9)
    assert net.graph[c, b] == 0  # one-way: no edge back


def test_from_roads_does_not_mutate_and_arrays_are_read_only(triangle_roads):
    before = triangle_roads.copy()
    net = RoadNetwork.from_roads(triangle_roads)
    pd.testing.assert_frame_equal(triangle_roads, before)
    with pytest.raises(ValueError, match="read-only"):
        net.graph.data[0] = 1.0
    with pytest.raises(ValueError, match="read-only"):
        net.node_xy[0, 0] = 1.0


def test_lonlat_roads_are_projected(triangle_roads):
    net = RoadNetwork.from_roads(triangle_roads.to_crs(4326))
    assert net.crs == "EPSG:2154"
    # lengths survive the round trip through degrees to a millimetre
    assert net.graph.data.min() == pytest.approx(60.0, abs=1e-3)


def test_oneway_minus_one_reverses_and_words_are_read(triangle_roads):
    roads = triangle_roads.assign(oneway=["no", "-1", "no", "no"])
    net = RoadNetwork.from_roads(roads)
    b, c = (int(net.tree.query(xy)[1]) for xy in at((1_000, 0), (2_000, 0)))
    assert net.graph[c, b] == pytest.approx(60.0, abs=1e-9)
    assert net.graph[b, c] == 0


def test_duplicates_keep_the_fastest_and_zero_length_pieces_are_reported(
    triangle_roads,
):
    extra = gpd.GeoDataFrame(
        {"speed_kmh": [120.0, 50.0], "oneway": [False, False]},
        geometry=[
            LineString(at((0, 0), (1_000, 0))),  # A-B again, faster
            LineString(at((5, 5), (5, 5))),  # degenerate: one point twice
        ],
        crs=2154,
        index=["ab_fast", "dot"],
    )
    roads = pd.concat([triangle_roads, extra])
    with pytest.warns(UserWarning, match=r"rows \['dot'\] have no segment"):
        net = RoadNetwork.from_roads(roads)
    assert net.report.duplicate_edges == 2  # A->B and B->A
    assert net.report.dropped_roads == ("dot",)
    assert net.report.zero_length_segments == 1
    a, b = (int(net.tree.query(xy)[1]) for xy in at((0, 0), (1_000, 0)))
    assert net.graph[a, b] == pytest.approx(30.0, abs=1e-9)  # 1 km at 120 km/h


def test_multilinestrings_are_exploded(triangle_roads):
    multi = triangle_roads.copy()
    multi.loc["ab", "geometry"] = MultiLineString(
        [at((0, 0), (500, 0)), at((500, 0), (1_000, 0))]
    )
    net = RoadNetwork.from_roads(multi)
    assert net.n_nodes == 7  # the extra vertex at 500 m


def test_segmentize_adds_nodes(triangle_roads):
    net = RoadNetwork.from_roads(triangle_roads, segmentize_m=100.0)
    # mainland: A-B 11 nodes, B-C 10 more, C-D-A 2 x 15 segments -> 29 more (ends
    # shared); island E-F 11 nodes
    assert net.n_nodes == (11 + 10 + 29) + 11


def test_snap_flags_far_points_and_adds_the_approach_leg(triangle_roads):
    net = RoadNetwork.from_roads(triangle_roads, approach_speed_kmh=36.0)
    pts = places(["near", "far"], (0, 100), (0, -5_000))
    out = net.snap(pts)
    assert out.index.tolist() == ["near", "far"]
    assert out.loc["near", "snap_distance_m"] == pytest.approx(100.0, abs=1e-6)
    assert out.loc["near", "approach_time_min"] == pytest.approx(10.0 / 60, abs=1e-9)
    assert bool(out.loc["near", "snapped"]) and not bool(out.loc["far", "snapped"])
    assert pd.isna(out.loc["far", "node"]) and np.isnan(
        out.loc["far", "approach_time_min"]
    )
    assert out.loc["far", "snap_distance_m"] == pytest.approx(5_000.0, abs=1e-6)


def test_no_crs_is_an_error(triangle_roads):
    with pytest.raises(InputError, match=r"`roads` has no CRS"):
        RoadNetwork.from_roads(triangle_roads.set_crs(None, allow_override=True))


def test_projected_numbers_declared_as_lonlat_are_an_error(triangle_roads):
    wrong = triangle_roads.set_crs(4326, allow_override=True)
    with pytest.raises(InputError, match="they look projected"):
        RoadNetwork.from_roads(wrong)


def test_missing_and_bad_speeds_are_named(triangle_roads):
    bad = triangle_roads.assign(speed_kmh=[60.0, np.nan, 0.0, -5.0])
    with pytest.raises(InputError, match=r"3 row\(s\).*\['bc', 'cda', 'ef'\]"):
        RoadNetwork.from_roads(bad)
    with pytest.raises(InputError, match=r"lacks the column\(s\) \['vitesse'\]"):
        RoadNetwork.from_roads(triangle_roads, speed_kmh="vitesse")


def test_unreadable_oneway_is_named(triangle_roads):
    bad = triangle_roads.assign(oneway=["yes", "maybe", None, "no"])
    with pytest.raises(InputError, match=r"2 value\(s\).*\['bc', 'cda'\]"):
        RoadNetwork.from_roads(bad)


def test_non_line_and_empty_geometries_are_named(triangle_roads):
    poly = triangle_roads.copy()
    poly.loc["ab", "geometry"] = Polygon(at((0, 0), (10, 0), (10, 10)))
    with pytest.raises(
        InputError, match=r"not lines \(\['Polygon'\]\), at index \['ab'\]"
    ):
        RoadNetwork.from_roads(poly)
    empty = triangle_roads.copy()
    empty.loc["ef", "geometry"] = LineString()
    with pytest.raises(
        InputError, match=r"missing or empty geometry, at index \['ef'\]"
    ):
        RoadNetwork.from_roads(empty)


def test_duplicate_labels_are_an_error(triangle_roads):
    dup = triangle_roads.set_axis(["a", "a", "b", "c"])
    with pytest.raises(InputError, match=r"repeats index labels \['a'\]"):
        RoadNetwork.from_roads(dup)


def test_bad_options_are_refused(triangle_roads):
    with pytest.raises(InputError, match="`approach_speed_kmh` must be a number > 0"):
        RoadNetwork.from_roads(triangle_roads, approach_speed_kmh=0)
    with pytest.raises(InputError, match="`max_snap_m` must be a number > 0"):
        RoadNetwork.from_roads(triangle_roads).snap(
            places(["p"], (0, 0)), max_snap_m=float("nan")
        )


def test_sample_network_is_one_mainland_piece_and_an_island(network):
    assert network.report.n_components == 2
    assert network.n_nodes - network.report.largest_component_nodes < 20
    assert network.report.dropped_roads == ()


def test_points_outside_the_territory_are_refused(triangle_roads):
    net = RoadNetwork.from_roads(triangle_roads)
    reunion = gpd.GeoDataFrame(geometry=[Point(55.45, -20.88)], crs=4326)
    with pytest.raises(InputError, match="outside the area of"):
        net.snap(reunion)


def test_a_road_file_read_in_blocks_gives_the_network_of_the_whole_file(
    sample, tmp_path
):
    from coordogeo.io.vector import read_vector  # noqa: PLC0415
    from coordogeo.network.profile import TurnCosts  # noqa: PLC0415

    path = tmp_path / "routes.gpkg"
    sample.roads.to_file(path, engine="pyogrio")
    whole = RoadNetwork.from_roads(read_vector(path, name="roads"),
                                   turn_costs=TurnCosts())  # fmt: skip
    blocks = RoadNetwork.from_road_file(path, turn_costs=TurnCosts(), rows=97)
    for name in ("indptr", "indices", "data"):
        assert np.array_equal(getattr(whole.graph, name), getattr(blocks.graph, name))
        assert np.array_equal(
            getattr(whole.turns.graph, name), getattr(blocks.turns.graph, name)
        )
    assert np.array_equal(whole.node_xy, blocks.node_xy) and whole.crs == blocks.crs
    # a bad speed is named by its row in the file, whichever block it is in
    bad = sample.roads.copy()
    bad.loc[bad.index[150], "speed_kmh"] = -1
    bad.to_file(tmp_path / "bad.gpkg", engine="pyogrio")
    with pytest.raises(InputError, match=r"at index \[150\]"):
        RoadNetwork.from_road_file(tmp_path / "bad.gpkg", rows=97)


def test_attach_places_rows_on_the_network_in_any_crs(triangle_roads):
    """Nearest node within max_snap_m, the off-road leg's seconds, the frame moved."""
    net = RoadNetwork.from_roads(triangle_roads, max_snap_m=500)
    here = places(["a", "near_b", "far"], (0, 30), (1000, -40), (5000, 5000))
    got = net.attach(here.to_crs(4326), name="origins")
    assert got.frame.crs == net.crs and list(got.frame.index) == ["a", "near_b", "far"]
    assert got.snapped.tolist() == [True, True, False]
    xy = net.node_xy[got.node[:2]]
    np.testing.assert_allclose(xy, at((0, 0), (1000, 0)), atol=1e-6)
    np.testing.assert_allclose(got.distance_m[:2], [30.0, 40.0], atol=1e-3)
    speed = net.approach_speed_kmh / 3.6
    np.testing.assert_allclose(got.seconds, got.distance_m / speed, rtol=1e-12)
    same = net.attach(here, name="origins")  # the network's CRS: the same answer
    np.testing.assert_array_equal(same.node, got.node)
