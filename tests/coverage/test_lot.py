"""The Lot (46): its 10 EPCI stand in for CPTS (real data, ../shared/data)."""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import geopandas as gpd
from shapely import box

from coordogeo.coverage import (
    assign_to_communes,
    coverage_rates,
    cpts_territories,
    overlaps_and_gaps,
)

LOT_POPULATION = 176_473  # population municipale, SOURCES.md
GRID_POPULATION = 175_098  # Σ Ind of the Filosofi 2015 1 km file, SOURCES.md


@pytest.fixture
def lot(shared_data: Path) -> tuple[gpd.GeoDataFrame, pd.DataFrame]:
    communes = gpd.read_file(shared_data / "lot46_communes.geojson").rename(
        columns={"code_insee": "insee", "population_municipale": "population"}
    )
    epci = pd.read_csv(shared_data / "lot46_epci_membres.csv", dtype=str)
    members = epci.rename(
        columns={
            "epci_siren": "cpts_id",
            "epci_nom": "cpts_name",
            "code_insee": "insee",
        }
    )
    return communes, members


def test_the_ten_epci_cover_everyone_once(lot):
    communes, members = lot
    rates = coverage_rates(communes, members)
    assert rates.index.tolist() == ["46"]
    assert rates.loc["46", "population"] == LOT_POPULATION
    assert rates.loc["46", "share_covered"] == 1.0
    assert rates.loc["46", "population_covered_multiple"] == 0.0
    territories = cpts_territories(communes, members)
    assert len(territories) == 10
    assert territories["n_communes"].sum() == 312
    assert territories["population"].sum() == LOT_POPULATION
    assert (territories["population_shared"] == 0).all()
    # the dissolved territories tile the département: areas add up
    assert territories["area_km2"].sum() == pytest.approx(
        territories.geometry.area.sum() / 1e6, rel=1e-6
    )
    assert len(overlaps_and_gaps(communes, members)) == 0


def test_dropping_two_epci_leaves_gaps_of_exactly_their_population(lot):
    communes, members = lot
    dropped = sorted(members["cpts_id"].unique())[:2]
    kept = members[~members["cpts_id"].isin(dropped)]
    gone = members.loc[members["cpts_id"].isin(dropped), "insee"]
    expected = communes.loc[communes["insee"].isin(gone), "population"].sum()
    gaps = overlaps_and_gaps(communes, kept)
    assert (gaps["status"] == "gap").all()
    assert sorted(gaps["insee"]) == sorted(gone)
    assert gaps["population"].sum() == expected
    rates = coverage_rates(communes, kept)
    assert rates.loc["46", "population_not_covered"] == expected
    assert rates.loc["46", "share_covered"] == pytest.approx(
        1 - expected / LOT_POPULATION, abs=1e-12
    )


def test_the_1km_grid_assigned_to_communes_sums_to_the_grid_total(shared_data, lot):
    communes, _ = lot
    raw = pd.read_csv(shared_data / "lot46_filosofi2015_carreaux_1km.csv")
    x, y = raw["x"].to_numpy(), raw["y"].to_numpy()  # cell centres, EPSG:3035
    cells = gpd.GeoDataFrame(
        {"population": raw["Ind"]},
        geometry=box(x - 500, y - 500, x + 500, y + 500),
        crs=3035,
    )
    assert cells["population"].sum() == pytest.approx(GRID_POPULATION, abs=0.5)
    for how in ("area", "centroid"):
        out = assign_to_communes(cells, communes, how=how)
        assert out["population"].sum() == pytest.approx(
            cells["population"].sum(), rel=1e-12
        )
        # grid and census agree to a few per cent per commune in aggregate
        ratio = out["population"].sum() / communes["population"].sum()
        assert 0.95 < ratio < 1.05
        assert np.isfinite(out["population"]).all()
