"""Isochrones: nested, consistent with travel times, population accounted for."""

import numpy as np
import pandas as pd
import pytest

import geopandas as gpd
from shapely import Point

from coordogeo import InputError, RoadNetwork
from coordogeo.access import isochrones
from tests.conftest import X0, Y0, places


@pytest.fixture
def net(triangle_roads):
    return RoadNetwork.from_roads(triangle_roads, approach_speed_kmh=6, max_snap_m=300)


def test_a_straight_road_gives_a_corridor_with_round_ends(net):
    # site at C; towards C on B->C (one-way, 60 s) then A->B (60 s)
    iso = isochrones(net, places(["C"], (2_000, 0)), thresholds_min=(1.5, 3))
    assert iso["max_time_min"].tolist() == [1.5, 3.0]
    small, big = iso.geometry
    # at 1.5 min: B reached at 60 s, with 30 s left at 6 km/h = 50 m around B
    assert small.contains(Point(X0 + 1_000, Y0 + 40))
    assert not small.contains(Point(X0 + 1_000, Y0 + 60))
    assert not small.contains(Point(X0, Y0))  # A needs 120 s
    # at 3 min: A reached with 60 s left, capped by max_snap_m = 300 m? 100 m here
    assert big.contains(Point(X0 - 90, Y0)) and not big.contains(Point(X0 - 110, Y0))
    assert big.contains(small.buffer(-0.01))  # nested
    assert not big.contains(Point(X0 + 10_500, Y0))  # the island road is not reached


def test_population_inside_and_outside_adds_up(sample, network):
    msp = sample.structures[sample.structures["kind"] == "MSP"]
    iso = isochrones(network, msp, population=sample.population)
    total = sample.population["population"].sum()
    np.testing.assert_allclose(iso["population"] + iso["population_outside"], total)
    assert iso["population"].is_monotonic_increasing
    assert iso["area_km2"].is_monotonic_increasing
    assert iso.crs.equals(network.crs)


def test_per_site_rows_and_unsnapped_sites(sample, network):
    two = sample.structures.iloc[:2]
    lost = gpd.GeoDataFrame(geometry=[Point(X0, Y0 + 90_000)], crs=2154, index=["far"])
    with pytest.warns(UserWarning, match=r"rows \['far'\] are farther than"):
        iso = isochrones(network, pd.concat([two, lost]), thresholds_min=(10,),
                         per_site=True)  # fmt: skip
    assert iso["site"].tolist() == [*two.index, "far"]
    assert iso.geometry.iloc[2].is_empty and not iso.geometry.iloc[0].is_empty


def test_bad_thresholds(net):
    with pytest.raises(InputError, match="`thresholds_min` must strictly increase"):
        isochrones(net, places(["C"], (2_000, 0)), thresholds_min=(20, 10))
