"""The car profile: OSRM's rules on tiny OSM files whose answers are known by hand.

Each file is a few nodes near Cahors and a few ways. Directions a car may drive are
read off the built network (an edge u → v exists or not); times are compared with
the length of the road at the speed the rule gives, to 0.5 % (the metric length of
a few hundred metres in Lambert-93 against its length on the ellipsoid).
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import geopandas as gpd
import pyproj
from shapely import LineString, points

from coordogeo import InputError, RoadNetwork, nearest
from coordogeo.access import travel_time_matrix
from coordogeo.network.profile import (
    CAR,
    FREE_FLOW,
    TurnCosts,
    node_rule,
    parse_duration_s,
    way_rule,
)

LON0, LAT0 = 1.44, 44.45
TO_L93 = pyproj.Transformer.from_crs(4326, 2154, always_xy=True)
TO_LONLAT = pyproj.Transformer.from_crs(2154, 4326, always_xy=True)
X0, Y0 = TO_L93.transform(LON0, LAT0)


def lonlat(x: float, y: float) -> tuple[float, float]:
    """Lon/lat of a point (x, y) metres east and north of the origin."""
    return TO_LONLAT.transform(X0 + x, Y0 + y)


def write_osm(
    path: Path,
    nodes: dict[int, tuple[float, float]],
    ways: list[tuple[int, list[int], dict[str, str]]],
    *,
    node_tags: dict[int, dict[str, str]] | None = None,
    relations: list[tuple[int, list[tuple[str, int, str]], dict[str, str]]] = (),
) -> Path:
    """Write an OSM XML file: nodes in metres from the origin, ways, relations."""

    def tags(t: dict[str, str]) -> str:
        return "".join(f'<tag k="{k}" v="{v}"/>' for k, v in t.items())

    body = []
    for i, (x, y) in nodes.items():
        lon, lat = lonlat(x, y)
        extra = tags((node_tags or {}).get(i, {}))
        body.append(f'<node id="{i}" version="1" lat="{lat:.9f}" lon="{lon:.9f}">'
                    f"{extra}</node>")  # fmt: skip
    for way_id, refs, t in ways:
        nds = "".join(f'<nd ref="{r}"/>' for r in refs)
        body.append(f'<way id="{way_id}" version="1">{nds}{tags(t)}</way>')
    for rel_id, members, t in relations:
        ms = "".join(f'<member type="{k}" ref="{r}" role="{role}"/>'
                     for k, r, role in members)  # fmt: skip
        body.append(f'<relation id="{rel_id}" version="1">{ms}{tags(t)}</relation>')
    path.write_text(
        "<?xml version='1.0' encoding='UTF-8'?><osm version='0.6'>"
        + "".join(body) + "</osm>",
        encoding="utf-8",
    )  # fmt: skip
    return path


def at(net: RoadNetwork, x: float, y: float) -> int:
    """Return the road node at (x, y) metres from the origin, -1 if none."""
    d, node = net.tree.query(TO_L93.transform(*lonlat(x, y)))
    return int(node) if d < 0.05 else -1


def drives(net: RoadNetwork, a: tuple[float, float], b: tuple[float, float]) -> bool:
    """Whether the node graph has the edge a → b."""
    u, v = at(net, *a), at(net, *b)
    return u >= 0 and v >= 0 and bool(net.graph[u, v] > 0)


def minutes(net: RoadNetwork, a: tuple[float, float], b: tuple[float, float]) -> float:
    """Travel minutes from the point a to the point b (NaN when unreachable)."""
    frames = [
        gpd.GeoDataFrame(geometry=points([TO_L93.transform(*lonlat(*p))]), crs=2154)
        for p in (a, b)
    ]
    return float(nearest(net, frames[0], frames[1], max_time_min=120)
                 ["travel_time_min"].iloc[0])  # fmt: skip


LINE = {1: (0, 0), 2: (300, 0), 3: (600, 0)}


@pytest.mark.parametrize(
    ("tags", "forward", "backward"),
    [
        ({"highway": "residential"}, True, True),
        ({"highway": "residential", "oneway": "yes"}, True, False),
        ({"highway": "residential", "oneway": "1"}, True, False),
        ({"highway": "residential", "oneway": "true"}, True, False),
        ({"highway": "residential", "oneway": "-1"}, False, True),
        ({"highway": "residential", "oneway": "no"}, True, True),
        ({"highway": "residential", "oneway:motorcar": "yes", "oneway": "no"},
         True, False),
        ({"highway": "residential", "oneway:vehicle": "-1"}, False, True),
        ({"highway": "motorway"}, True, False),  # implied one-way
        ({"highway": "motorway", "oneway": "no"}, True, True),
        ({"highway": "tertiary", "junction": "roundabout"}, True, False),
        ({"highway": "residential", "access": "no"}, False, False),
        ({"highway": "residential", "access": "no", "motor_vehicle": "yes"},
         True, True),
        ({"highway": "residential", "motor_vehicle": "no", "motorcar": "yes"},
         True, True),
        ({"highway": "residential", "vehicle": "no"}, False, False),
        ({"highway": "residential", "motor_vehicle:forward": "no"}, False, True),
        ({"highway": "residential", "motor_vehicle:backward": "no"}, True, False),
        ({"highway": "residential", "access": "destination"}, False, False),
        ({"highway": "residential", "access": "private;yes"}, True, True),
        ({"highway": "track"}, False, False),  # no class speed, no access tag
        ({"highway": "track", "motor_vehicle": "yes"}, True, True),
        ({"highway": "footway"}, False, False),
        ({"highway": "construction"}, False, False),
        ({"highway": "residential", "construction": "yes"}, False, False),
        ({"highway": "residential", "construction": "minor"}, True, True),
        ({"highway": "proposed"}, False, False),
        ({"highway": "residential", "area": "yes"}, False, False),
        ({"highway": "residential", "oneway": "reversible"}, False, False),
        ({"highway": "residential", "impassable": "yes"}, False, False),
        ({"highway": "service", "service": "emergency_access"}, False, False),
        ({"highway": "residential", "maxheight": "1.9"}, False, False),
        ({"highway": "residential", "maxwidth": "1.8"}, False, False),
        ({"highway": "residential", "maxweight": "1.5"}, False, False),
        ({"highway": "residential", "maxweight": "3.5"}, True, True),
        ({"highway": "residential", "smoothness": "impassable"}, False, False),
    ],
)  # fmt: skip
def test_the_directions_a_car_may_drive(tmp_path, tags, forward, backward):
    ways = [(1, [1, 2], tags), (2, [2, 3], {"highway": "residential"})]
    path = write_osm(tmp_path / "w.osm", LINE, ways)
    net = RoadNetwork.from_osm(path)
    assert drives(net, LINE[1], LINE[2]) == forward
    assert drives(net, LINE[2], LINE[1]) == backward


@pytest.mark.parametrize(
    ("tags", "kmh"),
    [
        ({"highway": "residential"}, 25),
        ({"highway": "unclassified"}, 25),
        ({"highway": "tertiary"}, 40),
        ({"highway": "primary"}, 65),
        ({"highway": "residential", "maxspeed": "50"}, 40),  # 80 % of the limit
        ({"highway": "residential", "maxspeed": "FR:urban"}, 40),
        ({"highway": "secondary", "maxspeed": "FR:rural"}, 64),
        ({"highway": "residential", "maxspeed": "FR:zone30"}, 24),
        ({"highway": "residential", "maxspeed": "30 mph"}, 30 * 1.609344 * 0.8),
        ({"highway": "residential", "maxspeed": "walk"}, 25),  # no limit: class
        ({"highway": "residential", "maxspeed": "50;30"}, 40),  # first, as OSRM
        ({"highway": "residential", "source:maxspeed": "FR:zone30"}, 24),
        ({"highway": "primary", "maxspeed": "90", "surface": "gravel"}, 40),
        ({"highway": "track", "motor_vehicle": "yes", "tracktype": "grade3"}, 10),
        ({"highway": "track", "access": "yes"}, 10),  # default speed
        ({"highway": "primary", "smoothness": "bad"}, 40),
    ],
)
def test_speeds_follow_osrm(tags, kmh):
    rule = way_rule(tags)
    assert rule.forward_kmh == pytest.approx(kmh, rel=1e-12)  # exact arithmetic


def test_directional_limits_and_the_free_flow_model():
    rule = way_rule({"highway": "primary", "maxspeed:forward": "70",
                     "maxspeed:backward": "50", "maxspeed": "90"})  # fmt: skip
    assert (rule.forward_kmh, rule.backward_kmh) == pytest.approx((56, 40))
    free = way_rule({"highway": "primary", "maxspeed": "90"}, FREE_FLOW)
    assert free.forward_kmh == 90  # the free-flow model drives the limit


def test_nodes_that_block_or_delay():
    assert node_rule({"barrier": "bollard"}) == (True, 0.0)
    assert node_rule({"barrier": "bollard", "bollard": "rising"}) == (False, 0.0)
    assert node_rule({"barrier": "gate"}) == (False, 60.0)
    assert node_rule({"barrier": "lift_gate"}) == (False, 60.0)
    assert node_rule({"barrier": "cattle_grid"}) == (False, 0.0)
    assert node_rule({"barrier": "kerb", "kerb": "lowered"}) == (False, 0.0)
    assert node_rule({"barrier": "height_restrictor", "maxheight": "1.8"})[0]
    assert node_rule({"barrier": "bollard", "motor_vehicle": "yes"}) == (False, 0.0)
    assert node_rule({"access": "no"}) == (True, 0.0)
    assert node_rule({"access": "private"}) == (False, 0.0)  # restricted, not shut
    assert node_rule({"highway": "traffic_signals"}) == (False, 2.0)
    assert node_rule({"highway": "stop"}) == (False, 2.0)
    assert node_rule({"highway": "give_way"}) == (False, 1.0)


def test_a_bollard_closes_the_road_and_a_gate_costs_a_minute(tmp_path):
    ways = [(1, [1, 2, 3], {"highway": "residential"})]
    base = RoadNetwork.from_osm(write_osm(tmp_path / "a.osm", LINE, ways))
    shut = RoadNetwork.from_osm(
        write_osm(tmp_path / "b.osm", LINE, ways, node_tags={2: {"barrier": "bollard"}})
    )
    gate = RoadNetwork.from_osm(
        write_osm(tmp_path / "c.osm", LINE, ways, node_tags={2: {"barrier": "gate"}})
    )
    free = minutes(base, LINE[1], LINE[3])
    assert free == pytest.approx(0.6 / 25 * 60, rel=5e-3)  # 600 m at 25 km/h
    assert math.isnan(minutes(shut, LINE[1], LINE[3]))
    assert minutes(shut, LINE[1], LINE[2]) == pytest.approx(free / 2, rel=5e-3)
    assert minutes(gate, LINE[1], LINE[3]) == pytest.approx(free + 1, rel=5e-3)
    assert shut.turns is not None and shut.turns.report.blocked_nodes == 1


def test_a_ferry_crosses_in_its_duration(tmp_path):
    nodes = {1: (0, 0), 2: (100, 0), 3: (5100, 0), 4: (5200, 0)}
    ways = [
        (1, [1, 2], {"highway": "residential"}),
        (2, [2, 3], {"route": "ferry", "duration": "00:20"}),
        (3, [3, 4], {"highway": "residential"}),
    ]
    net = RoadNetwork.from_osm(write_osm(tmp_path / "f.osm", nodes, ways))
    # 200 m of road at 25 km/h, 20 min of ferry, boarding and leaving are turns
    road = 0.2 / 25 * 60
    got = minutes(net, nodes[1], nodes[4])
    assert got == pytest.approx(road + 20, abs=0.3)
    no_duration = [(*ways[1][:2], {"route": "ferry"})]
    slow = RoadNetwork.from_osm(
        write_osm(tmp_path / "g.osm", nodes, [ways[0], *no_duration, ways[2]])
    )
    assert minutes(slow, nodes[1], nodes[4]) == pytest.approx(road + 60, abs=0.3)
    assert parse_duration_s("PT1H5M") == 3900.0
    assert math.isnan(parse_duration_s(""))


#: A crossing at (0, 0) with four arms 300 m long, and a box to go round.
CROSS = {0: (0, 0), 1: (-300, 0), 2: (300, 0), 3: (0, 300), 4: (0, -300),
         5: (300, 300), 6: (-300, 300)}  # fmt: skip
SLOW = {"highway": "residential", "maxspeed": "12.5"}  # driven at 10 km/h
ARMS = [(1, [1, 0], {"highway": "residential"}),
        (2, [0, 2], {"highway": "residential"}),
        (3, [0, 3], {"highway": "residential"}),
        (4, [0, 4], {"highway": "residential"}),
        (5, [2, 5, 3], SLOW),
        (6, [3, 6, 1], SLOW)]  # fmt: skip


def test_restrictions_with_a_via_node(tmp_path):
    free = RoadNetwork.from_osm(write_osm(tmp_path / "a.osm", CROSS, ARMS))
    no_left = write_osm(
        tmp_path / "b.osm", CROSS, ARMS,
        relations=[(1, [("w", 1, "from"), ("n", 0, "via"), ("w", 3, "to")],
                    {"type": "restriction", "restriction": "no_left_turn"})],
    )  # fmt: skip
    only_straight = write_osm(
        tmp_path / "c.osm", CROSS, ARMS,
        relations=[(1, [("w", 1, "from"), ("n", 0, "via"), ("w", 2, "to")],
                    {"type": "restriction", "restriction": "only_straight_on"})],
    )  # fmt: skip
    except_cars = write_osm(
        tmp_path / "d.osm", CROSS, ARMS,
        relations=[(1, [("w", 1, "from"), ("n", 0, "via"), ("w", 3, "to")],
                    {"type": "restriction", "restriction": "no_left_turn",
                     "except": "motorcar"})],
    )  # fmt: skip
    direct = minutes(free, CROSS[1], CROSS[3])  # west arm, left to the north arm
    banned = RoadNetwork.from_osm(no_left)
    assert banned.turns is not None and banned.turns.report.turns_forbidden == 1
    around = minutes(banned, CROSS[1], CROSS[3])
    assert around > direct + 0.5  # round the box, not through the crossing
    only = RoadNetwork.from_osm(only_straight)
    assert minutes(only, CROSS[1], CROSS[2]) == pytest.approx(
        minutes(free, CROSS[1], CROSS[2]), abs=1e-4
    )
    assert minutes(only, CROSS[1], CROSS[4]) > minutes(free, CROSS[1], CROSS[4]) + 0.5
    assert minutes(RoadNetwork.from_osm(except_cars), CROSS[1], CROSS[3]) == direct


def test_turns_cost_as_osrm_charges_them(tmp_path):
    net = RoadNetwork.from_osm(write_osm(tmp_path / "a.osm", CROSS, ARMS))
    road = 0.6 / 25 * 60  # 600 m at 25 km/h
    costs = TurnCosts()
    straight = minutes(net, CROSS[1], CROSS[2])
    right = minutes(net, CROSS[1], CROSS[4])  # west arm going east, turn south
    left = minutes(net, CROSS[1], CROSS[3])
    assert straight == pytest.approx(road + 0.0071 / 60, abs=2e-3)
    assert right == pytest.approx(road + 2.105 / 60, abs=2e-3)
    assert left == pytest.approx(road + (5.395 + 1.925) / 60, abs=2e-3)
    assert straight < right < left
    lines = RoadNetwork.from_roads(
        gpd.GeoDataFrame(
            {"speed_kmh": [25.0, 25, 25, 25, 10, 10]},
            geometry=[LineString([TO_L93.transform(*lonlat(*CROSS[i]))
                                  for i in refs]) for _, refs, _ in ARMS],
            crs=2154,
        ),
        oneway=None,
        turn_costs=costs,
    )  # fmt: skip
    assert minutes(lines, CROSS[1], CROSS[3]) == pytest.approx(left, abs=1e-3)


def test_a_straight_route_beats_one_of_equal_length_with_two_left_turns(tmp_path):
    # from A to B: straight along y = 0, or up, right and down again, the same
    # 1,200 m, through two left turns at junctions of three roads
    nodes = {1: (0, 0), 2: (300, 0), 3: (900, 0), 4: (1200, 0),
             5: (300, 300), 6: (900, 300), 7: (300, -100), 8: (900, -100)}  # fmt: skip
    ways = [
        (1, [1, 2], {"highway": "residential"}),
        (2, [2, 3], {"highway": "residential", "maxspeed": "12.5"}),
        (3, [3, 4], {"highway": "residential"}),
        (4, [2, 7], {"highway": "residential"}),
        (5, [3, 8], {"highway": "residential"}),
        (6, [2, 5, 6, 3], {"highway": "residential", "maxspeed": "25"}),
    ]
    # the straight 600 m at 10 km/h and the detour's 1,200 m at 20 km/h take 3.6 min
    net = RoadNetwork.from_osm(write_osm(tmp_path / "a.osm", nodes, ways))
    free = RoadNetwork.from_osm(write_osm(tmp_path / "a.osm", nodes, ways),
                                profile="free_flow")  # fmt: skip
    with_turns = minutes(net, nodes[1], nodes[4])
    straight = (0.6 / 25 + 0.6 / 10) * 60
    assert with_turns == pytest.approx(straight, abs=0.01)  # the detour costs more
    assert minutes(free, nodes[1], nodes[4]) < with_turns


def test_u_turns_only_at_dead_ends(tmp_path):
    # a one-way loop: going back to where one came from means going round
    nodes = {1: (0, 0), 2: (300, 0), 3: (600, 0), 4: (600, 300), 5: (300, 300)}
    loop = {"highway": "residential", "oneway": "yes"}
    ways = [(1, [1, 2], {"highway": "residential"}), (2, [2, 3, 4, 5, 2], loop)]
    net = RoadNetwork.from_osm(write_osm(tmp_path / "a.osm", nodes, ways))
    # from the loop's corner 3 to node 1: round the loop (600 m more), never back
    assert minutes(net, nodes[3], nodes[1]) > (0.9 / 25) * 60
    street = [(1, [1, 2, 3], {"highway": "residential"})]
    dead = RoadNetwork.from_osm(write_osm(tmp_path / "b.osm", LINE, street))
    assert dead.turns is not None and dead.turns.report.u_turns == 2  # both ends


@pytest.mark.parametrize(
    ("name", "digest"),
    [
        ("saint_barthelemy_2015.osm.pbf", "d2edbf9a127583a6"),
        ("maisons_laffitte_78358_osmnx_all.graphml", "e35f52c4b0ca55a3"),
    ],
)
def test_free_flow_gives_the_earlier_times_to_the_bit(shared_data, name, digest):
    import hashlib  # noqa: PLC0415

    net = RoadNetwork.from_osm(shared_data / "roads" / name, profile="free_flow")
    assert net.turns is None and net.profile == "free_flow"
    summed = hashlib.sha256()
    for array in (net.node_xy, net.graph.indptr, net.graph.indices, net.graph.data):
        summed.update(np.ascontiguousarray(array).data)
    # the digests of the network coordogeo built before the car profile (84d0c57)
    assert summed.hexdigest()[:16] == digest


def test_a_profile_given_by_hand_and_bad_speeds(tmp_path):
    from dataclasses import replace  # noqa: PLC0415

    path = write_osm(
        tmp_path / "a.osm", LINE, [(1, [1, 2, 3], {"highway": "residential"})]
    )
    slow = replace(CAR, speeds_kmh={**CAR.speeds_kmh, "residential": 12.5})
    net = RoadNetwork.from_osm(path, profile=slow)
    assert minutes(net, LINE[1], LINE[3]) == pytest.approx(0.6 / 12.5 * 60, rel=5e-3)
    with pytest.raises(InputError, match="`profile` was 'bike'"):
        RoadNetwork.from_osm(path, profile="bike")  # type: ignore[arg-type]


@settings(max_examples=25, deadline=None)
@given(penalty=st.floats(0.0, 30.0), u_turn=st.floats(0.0, 60.0),
       oncoming=st.floats(0.0, 10.0))  # fmt: skip
def test_adding_a_turn_cost_never_shortens_a_time(tmp_path_factory, penalty, u_turn,
                                                  oncoming):  # fmt: skip
    folder = tmp_path_factory.mktemp("t")
    roads = _town_lines()
    none = RoadNetwork.from_roads(
        roads, oneway="oneway", turn_costs=TurnCosts(0, 1, 0, 0)
    )
    some = RoadNetwork.from_roads(
        roads, oneway="oneway",
        turn_costs=TurnCosts(penalty_s=penalty, oncoming_s=oncoming, u_turn_s=u_turn),
    )  # fmt: skip
    del folder
    places = gpd.GeoDataFrame(geometry=points(none.node_xy[::7]), crs=none.crs)
    a = travel_time_matrix(none, places, places, max_time_min=60).to_table()
    b = travel_time_matrix(some, places, places, max_time_min=60).to_table()
    both = a.merge(b, on=["origin", "destination"], how="left")
    assert both["time_min_y"].notna().all()  # whatever costs, the same pairs
    assert (both["time_min_y"] >= both["time_min_x"] - 1e-6).all()


def _town_lines() -> gpd.GeoDataFrame:
    """Draw a 6 x 6 grid of 200 m blocks, some streets one-way (seed 3)."""
    rng = np.random.default_rng(3)
    lines, oneway = [], []
    for i in range(6):
        for j in range(6):
            for di, dj in ((1, 0), (0, 1)):
                if i + di < 6 and j + dj < 6:
                    a = (X0 + 200 * i, Y0 + 200 * j)
                    b = (X0 + 200 * (i + di), Y0 + 200 * (j + dj))
                    lines.append(LineString([a, b]))
                    oneway.append(bool(rng.uniform() < 0.2))
    return gpd.GeoDataFrame({"speed_kmh": 30.0, "oneway": oneway}, geometry=lines,
                            crs=2154)  # fmt: skip


def test_a_restriction_with_a_via_way_bars_only_the_cars_from_its_first_way(tmp_path):
    # a dual carriageway's U-turn: from the west arm W onto the short link L, then
    # left onto the east arm E is barred for cars from W, not for those from N
    nodes = {1: (-300, 0), 2: (0, 0), 3: (0, 60), 4: (300, 60), 5: (0, 300),
             6: (-300, 60)}  # fmt: skip
    ways = [(1, [1, 2], {"highway": "residential"}),  # W
            (2, [2, 3], {"highway": "residential"}),  # L, the via way
            (3, [3, 4], {"highway": "residential"}),  # E
            (4, [5, 3], {"highway": "residential"}),  # N
            (5, [3, 6, 1], {"highway": "residential", "maxspeed": "12.5"})]  # fmt: skip
    rule = [(1, [("w", 1, "from"), ("w", 2, "via"), ("w", 3, "to")],
             {"type": "restriction", "restriction": "no_right_turn"})]  # fmt: skip
    free = RoadNetwork.from_osm(write_osm(tmp_path / "a.osm", nodes, ways))
    barred = RoadNetwork.from_osm(
        write_osm(tmp_path / "b.osm", nodes, ways, relations=rule)
    )
    assert barred.turns is not None
    assert barred.turns.report.restrictions_via_way == 1
    direct = minutes(free, nodes[1], nodes[4])
    assert minutes(barred, nodes[1], nodes[4]) > direct + 0.5  # not W → L → E
    assert minutes(barred, nodes[1], nodes[3]) == pytest.approx(
        minutes(free, nodes[1], nodes[3]), abs=1e-4
    )  # W → L still driven
    assert minutes(barred, nodes[5], nodes[4]) == pytest.approx(
        minutes(free, nodes[5], nodes[4]), abs=1e-4
    )  # N → E, through the same node, allowed


def test_a_place_and_a_site_at_the_same_node_are_their_approach_legs_apart(
    shared_data,
):
    net = RoadNetwork.from_osm(shared_data / "roads" / "saint_barthelemy_2015.osm.pbf")
    xy = net.node_xy[[100, 2000]]
    places = gpd.GeoDataFrame(
        geometry=points(xy + np.array([[3.0, 0.0], [0.0, 4.0]])), crs=net.crs
    )
    sites = gpd.GeoDataFrame(geometry=points(xy), crs=net.crs)
    walk = np.array([3.0, 4.0]) / (20 / 3.6) / 60  # metres at 20 km/h, in minutes
    got = nearest(net, places, sites)["travel_time_min"].to_numpy()
    np.testing.assert_allclose(got, walk, rtol=1e-6)  # float32 minutes
    pairs = travel_time_matrix(net, places, sites).to_table()
    same = pairs[pairs["origin"] == pairs["destination"]]["time_min"].to_numpy()
    np.testing.assert_allclose(same, walk, rtol=1e-6)


def test_the_free_flow_models_own_tables_are_the_ones_read(tmp_path):
    from dataclasses import replace  # noqa: PLC0415

    from coordogeo.network.osm import osm_roads  # noqa: PLC0415

    ways = [(1, [1, 2], {"highway": "residential", "maxspeed": "FR:urban"}),
            (2, [2, 3], {"highway": "residential", "access": "delivery"})]  # fmt: skip
    path = write_osm(tmp_path / "a.osm", LINE, ways)
    assert osm_roads(path, profile="free_flow")["speed_kmh"].tolist() == [50, 30]
    mine = replace(FREE_FLOW, implicit_kmh={"fr:urban": 45},
                   access_refused=frozenset({"no", "private", "delivery"}))  # fmt: skip
    assert osm_roads(path, profile=mine)["speed_kmh"].tolist() == [45]
