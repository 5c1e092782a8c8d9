import numpy as np
import pandas as pd
import pytest

from geopandas.testing import assert_geodataframe_equal

from coordogeo import sample_territory
from coordogeo.datasets.sample import AGE_BANDS


def test_same_seed_same_data_other_seed_other_data(sample):
    again = sample_territory(0)
    assert_geodataframe_equal(sample.communes, again.communes)
    assert_geodataframe_equal(sample.roads, again.roads)
    other = sample_territory(1)
    assert not other.communes["population"].equals(sample.communes["population"])


def test_returned_frames_are_copies():
    first = sample_territory()
    first.communes.loc[first.communes.index[0], "population"] = -1
    assert (sample_territory().communes["population"] > 0).all()


def test_communes_tile_the_departement(sample):
    communes = sample.communes
    assert 150 <= len(communes) <= 300
    assert communes.crs.equals(2154) and communes.index.is_unique
    assert communes["insee"].str.fullmatch(r"00\d{3}").all()
    union = communes.union_all()
    # tiles: the areas add up to the union's (no overlap), to a square metre
    assert communes.area.sum() == pytest.approx(union.area, abs=1.0)
    pop = communes["population"]
    assert pop.min() >= 40 and pop.max() >= 15_000 and (pop > 2_000).sum() >= 4


def test_grid_total_equals_communes_total_and_bands_add_up(sample):
    grid = sample.population
    total = sample.communes["population"].sum()
    # fractional cells as in Filosofi; float sums to 1e-6 inhabitant
    assert grid["population"].sum() == pytest.approx(total, abs=1e-6)
    bands = grid[list(AGE_BANDS)].sum(axis=1)
    np.testing.assert_allclose(bands, grid["population"], rtol=1e-9)
    assert (grid["population"] > 0).all()
    assert set(grid["insee"]) <= set(sample.communes["insee"])
    assert np.allclose(grid.area, 1e6)  # 1 km squares


def test_roads_are_hierarchical_with_one_way_streets_and_an_island(sample, network):
    roads = sample.roads
    assert set(roads["highway"]) == {"motorway", "primary", "secondary", "local"}
    assert roads["oneway"].any() and (roads["speed_kmh"] > 0).all()
    assert network.report.n_components == 2  # the mainland and the island


def test_structures_and_cpts_members(sample):
    s = sample.structures
    assert set(s["kind"]) == {"MSP", "CDS", "ESP", "CPTS", "DAC"}
    assert s["name"].str.len().gt(0).all() and (s["capacity"] >= 0).all()
    members = sample.cpts_members
    assert list(members.columns) == ["cpts_id", "cpts_name", "insee"]
    assert not members.duplicated().any()
    per_commune = members.groupby("insee")["cpts_id"].nunique()
    assert (per_commune >= 2).sum() >= 1  # a commune claimed by two CPTS
    none = set(sample.communes["insee"]) - set(members["insee"])
    assert len(none) >= 3  # communes in no CPTS
    assert isinstance(members, pd.DataFrame)
