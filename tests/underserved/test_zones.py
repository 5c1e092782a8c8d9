"""Zones: contiguity, measures and ranks known by hand; population conserved."""

import itertools

import networkx as nx
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import geopandas as gpd

from coordogeo.errors import InputError
from coordogeo.underserved import label_zones, zones
from tests.underserved.conftest import grid

PICTURE = [
    "##..#",
    "#..#.",
    "....#",
]


def test_queen_joins_corners_rook_does_not():
    cells = grid(PICTURE)
    queen = label_zones(cells)
    assert queen.dropna().to_dict() == {
        "r0c0": "Z001",
        "r0c1": "Z001",
        "r1c0": "Z001",
        "r0c4": "Z002",  # r0c4, r1c3 and r2c4 only meet at corners
        "r1c3": "Z002",
        "r2c4": "Z002",
    }
    rook = label_zones(cells, contiguity="rook")
    assert rook.dropna().to_dict() == {
        "r0c0": "Z001",
        "r0c1": "Z001",
        "r1c0": "Z001",
        "r0c4": "Z002",
        "r1c3": "Z003",
        "r2c4": "Z004",
    }
    assert rook.index.equals(cells.index) and rook.isna().sum() == 15 - 6


def test_zone_measures_known_by_hand():
    population = np.full(15, 10.0)
    population[[0, 1, 5]] = [100.0, 300.0, 0.0]  # r0c0, r0c1, r1c0
    cells = grid(PICTURE, population=population)
    cells.loc["r0c0", "travel_time_min"] = np.nan  # unreachable
    cells["reasons"] = ""
    cells.loc[["r0c0", "r0c1"], "reasons"] = [
        "MSP > 20 min (non accessible)",
        "APL < 2,5",
    ]
    cells.loc["r1c0", "reasons"] = "APL < 2,5; hors CPTS"
    found = zones(cells)
    assert found.index.tolist() == ["Z001", "Z002"]
    z1 = found.loc["Z001"]
    assert z1["rank"] == 1
    assert z1["population"] == 400.0
    assert z1["area_km2"] == pytest.approx(3.0)
    assert z1["n_cells"] == 3
    # reachable: r0c1 (10 min, 300 inhabitants) and r1c0 (0 min, nobody)
    assert z1["mean_travel_time_min"] == pytest.approx(10.0)
    assert z1["max_travel_time_min"] == 10.0
    assert z1["population_unreachable"] == 100.0
    assert z1["communes"] == "46000,46001,46010"
    assert z1["n_communes"] == 3
    assert z1["reasons"] == "MSP > 20 min (non accessible); APL < 2,5; hors CPTS"
    assert z1.geometry.area == pytest.approx(3e6)
    z2 = found.loc["Z002"]
    # times 40, 30, 40 min, 10 inhabitants each
    assert z2["mean_travel_time_min"] == pytest.approx(110 / 3)
    assert z2["max_travel_time_min"] == 40.0
    assert z2["reasons"] == ""
    assert found.crs.equals(cells.crs)
    assert found.attrs["population_flagged"] == 430.0


def test_min_population_leaves_small_zones_out_but_counts_them():
    cells = grid(PICTURE)
    found = zones(cells, contiguity="rook", min_population=20)
    assert found.index.tolist() == ["Z001"]
    assert found.attrs == {
        "population_flagged": 60.0,
        "population_in_smaller_zones": 30.0,
        "n_smaller_zones": 3,
    }


def test_ties_rank_by_area_then_first_place():
    population = np.full(15, 10.0)
    population[[4, 8, 14]] = [5.0, 5.0, 20.0]  # the corner zone: 30 people too
    cells = grid(PICTURE, population=population)
    assert label_zones(cells)["r0c0"] == "Z001"  # equal population and area: first
    bigger = grid([*PICTURE[:2], "#...#"], population=population)
    # r0c0's zone now has 4 cells but still 30 + 10 = 40 people; the other 30
    assert label_zones(bigger)["r2c0"] == "Z001"


def test_nothing_flagged_gives_no_zone():
    cells = grid(["...", "..."])
    found = zones(cells)
    assert len(found) == 0
    assert "population" in found and found.crs.equals(cells.crs)
    assert found.attrs["population_flagged"] == 0.0


def test_bad_input_is_refused():
    cells = grid(PICTURE)
    with pytest.raises(InputError, match="no CRS"):
        zones(cells.set_crs(None, allow_override=True))
    with pytest.raises(InputError, match="must be polygons"):
        zones(cells.set_geometry(cells.centroid))
    with pytest.raises(InputError, match=r"must be True/False"):
        zones(cells.assign(underserved=cells["underserved"].astype(int)))
    with pytest.raises(InputError, match=r"missing on 1 row"):
        zones(
            cells.assign(underserved=cells["underserved"].astype(object)).assign(
                underserved=lambda f: f["underserved"].where(f.index != "r0c0")
            )
        )
    with pytest.raises(
        InputError, match=r"`cells` lacks the column\(s\) \['flagged'\]"
    ):
        zones(cells, flag="flagged")
    with pytest.raises(InputError, match="several travel-time columns"):
        zones(cells.assign(travel_time_min_CDS=1.0))
    with pytest.raises(InputError, match="`min_population`"):
        zones(cells, min_population=-1)
    with pytest.raises(InputError, match="`contiguity`"):
        zones(cells, contiguity="bishop")  # type: ignore[arg-type]
    with pytest.raises(InputError, match="population"):
        zones(cells.assign(population=np.nan))


def _brute_force_zones(cells: gpd.GeoDataFrame) -> list[set[str]]:
    """Zones by comparing every pair of flagged cells (the slow way)."""
    flagged = cells[cells["underserved"]]
    graph = nx.Graph()
    graph.add_nodes_from(flagged.index)
    for a, b in itertools.combinations(flagged.index, 2):
        if flagged.geometry[a].intersects(flagged.geometry[b]):
            graph.add_edge(a, b)
    return [set(c) for c in nx.connected_components(graph)]


@settings(max_examples=40, deadline=None)
@given(
    picture=st.integers(2, 7).flatmap(
        lambda cols: st.lists(
            st.text(alphabet="#.", min_size=cols, max_size=cols), min_size=1, max_size=7
        )
    ),
    seed=st.integers(0, 2**16),
    threshold=st.sampled_from([0, 50, 150]),
)
def test_population_in_equals_population_out(picture, seed, threshold):
    rng = np.random.default_rng(seed)
    n = len(picture) * len(picture[0])
    cells = grid(picture, population=rng.integers(0, 100, n).astype(float))
    found = zones(cells, min_population=threshold)
    flagged = cells.loc[cells["underserved"], "population"].sum()
    assert found.attrs["population_flagged"] == pytest.approx(flagged)
    assert found["population"].sum() + found.attrs[
        "population_in_smaller_zones"
    ] == pytest.approx(flagged)
    expected = _brute_force_zones(cells)
    assert len(found) + found.attrs["n_smaller_zones"] == len(expected)
    labels = label_zones(cells, min_population=threshold).dropna()
    got = [set(group.index) for _, group in labels.groupby(labels)]
    assert all(zone in expected for zone in got)
    assert found["rank"].tolist() == list(range(1, len(found) + 1))
    assert found["population"].is_monotonic_decreasing
