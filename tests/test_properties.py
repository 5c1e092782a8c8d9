"""Invariants of every verb on random inputs: inhabitants conserved, nothing moved."""

import warnings

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import geopandas as gpd
from shapely import box, linestrings, points

from coordogeo.access import (
    crowfly_matrix,
    fca,
    nearest,
    opportunities_within,
    travel_time_matrix,
)
from coordogeo.coverage import assign_to_communes, within_reach
from coordogeo.equity import by_income
from coordogeo.network import RoadNetwork
from coordogeo.underserved import classify, travel_time_above, zones

X0, Y0 = 600_000.0, 6_400_000.0  # Lambert-93, near the Lot


def _grid(n: int, rng: np.random.Generator) -> gpd.GeoDataFrame:
    """Lay out n x n 1 km cells with random people (some empty), labelled c0, c1."""
    i, j = np.divmod(np.arange(n * n), n)
    x, y = X0 + 1_000.0 * j, Y0 + 1_000.0 * i
    people = rng.integers(0, 60, n * n).astype(float) * (rng.uniform(size=n * n) > 0.2)
    return gpd.GeoDataFrame(
        {"population": people, "niveau_vie_moyen": rng.normal(20_000, 2_500, n * n)},
        geometry=box(x, y, x + 1_000.0, y + 1_000.0),
        crs=2154,
        index=pd.Index([f"c{k}" for k in range(n * n)]),
    )


def _roads(n: int, rng: np.random.Generator) -> gpd.GeoDataFrame:
    """Lay a street grid over the cells, some streets one-way, a few missing."""
    lines = []
    for k in range(n):
        c = 500.0 + 1_000.0 * k
        lines.append([(X0 + 500.0, Y0 + c), (X0 + 1_000.0 * n - 500.0, Y0 + c)])
        lines.append([(X0 + c, Y0 + 500.0), (X0 + c, Y0 + 1_000.0 * n - 500.0)])
    keep = rng.uniform(size=len(lines)) > 0.1
    geoms = linestrings([ln for ln, k in zip(lines, keep, strict=True) if k])
    m = len(geoms)
    return gpd.GeoDataFrame(
        {"speed_kmh": rng.choice([30.0, 50.0, 80.0], m),
         "oneway": rng.choice([0, 0, 1], m)},
        geometry=geoms, crs=2154,
    )  # fmt: skip


def _sites(n: int, k: int, rng: np.random.Generator) -> gpd.GeoDataFrame:
    xy = rng.uniform([X0, Y0], [X0 + 1_000.0 * n, Y0 + 1_000.0 * n], (k, 2))
    return gpd.GeoDataFrame(
        {"kind": rng.choice(["MSP", "CDS"], k), "capacity": rng.uniform(1, 5, k)},
        geometry=points(xy), crs=2154, index=pd.Index([f"s{i}" for i in range(k)]),
    )  # fmt: skip


cases = st.tuples(st.integers(3, 8), st.integers(1, 6), st.integers(0, 10_000))
SETTINGS = settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)


@SETTINGS
@given(cases)
def test_nearest_keeps_everyone_in_place(case):
    n, k, seed = case
    rng = np.random.default_rng(seed)
    cells, sites = _grid(n, rng), _sites(n, k, rng)
    network = RoadNetwork.from_roads(_roads(n, rng))
    before = cells.copy()
    with warnings.catch_warnings():  # sites far from every kept street are named
        warnings.filterwarnings("ignore", "`destinations` rows", UserWarning)
        out = nearest(network, cells, sites, by="kind", max_time_min=15)
        matrix = travel_time_matrix(network, cells, sites, max_time_min=15)
    pd.testing.assert_frame_equal(pd.DataFrame(cells), pd.DataFrame(before))
    assert out.index.equals(cells.index)  # nobody dropped, same order
    assert out.geometry.geom_equals_exact(cells.geometry, 1e-6).all()  # not moved
    reach = within_reach(out, thresholds_min=(5, 10))
    for _, row in reach.iterrows():
        parts = (
            row["population_within_10_min"] + row["population_reachable_beyond_10_min"]
        )
        parts += row["population_unreachable"]
        assert parts == pytest.approx(cells["population"].sum(), abs=1e-6)
    # the matrix is the hinge: nearest read from it gives the network's times
    again = nearest(matrix, cells, sites, by="kind", max_time_min=15)
    for column in [c for c in out.columns if c.startswith("travel_time_min")]:
        # seconds summed in another order: equal to a nanominute
        np.testing.assert_allclose(again[column], out[column], rtol=0, atol=1e-9)


@SETTINGS
@given(cases)
def test_allocation_zones_and_deciles_conserve_inhabitants(case):
    n, k, seed = case
    rng = np.random.default_rng(seed)
    cells, sites = _grid(n, rng), _sites(n, k, rng)
    total = cells["population"].sum()
    halves = gpd.GeoDataFrame(
        {"insee": ["00001", "00002"]},
        geometry=[box(X0, Y0, X0 + 500.0 * n, Y0 + 1_000.0 * n),
                  box(X0 + 500.0 * n, Y0, X0 + 1_000.0 * n, Y0 + 1_000.0 * n)],
        crs=2154, index=pd.Index(["00001", "00002"]),
    )  # fmt: skip
    allocated = assign_to_communes(cells, halves)
    assert allocated["population"].sum() == pytest.approx(total, abs=1e-6)
    times = crowfly_matrix(cells, sites, speed_kmh=40, max_time_min=20)
    out = nearest(times, cells, sites, max_time_min=20)
    flagged = classify(out, [travel_time_above(5)])
    found = zones(flagged)
    inside = flagged.loc[flagged["underserved"], "population"].sum()
    assert found["population"].sum() + found.attrs["population_in_smaller_zones"] == (
        pytest.approx(inside, abs=1e-6)
    )
    assert found.geometry.union_all().area == pytest.approx(
        flagged.loc[flagged["underserved"]].geometry.union_all().area
        if flagged["underserved"].any()
        else 0.0,
        rel=1e-9,
    )
    deciles = by_income(out, "travel_time_min", income="niveau_vie_moyen", groups=3)
    assert deciles.table["population"].sum() == pytest.approx(total, abs=1e-6)


@SETTINGS
@given(cases)
def test_supply_is_conserved_and_more_supply_never_hurts(case):
    n, k, seed = case
    rng = np.random.default_rng(seed)
    cells, sites = _grid(n, rng), _sites(n, k, rng)
    m = crowfly_matrix(cells, sites, speed_kmh=40, max_time_min=20)
    demand = cells[["population"]]
    result = fca(m, demand, sites[["capacity"]], method="2sfca")
    served = result.supply["has_demand_in_reach"]
    score = result.demand["2sfca_capacity_per_inhabitant"]
    offered = (score * demand["population"]).sum()
    assert offered == pytest.approx(sites.loc[served, "capacity"].sum(), rel=1e-9)
    more = fca(m, demand, sites[["capacity"]] * 2, method="2sfca").demand
    assert (more["2sfca_capacity_per_inhabitant"] >= score - 1e-12).all()
    within = opportunities_within(m, max_time_min=10)["sites_within_10_min"]
    assert within.index.equals(cells.index) and (within <= k).all()
