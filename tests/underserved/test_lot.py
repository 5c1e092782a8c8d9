"""The Lot (46): GP counts per commune, crow-fly times, zones (real data)."""

from pathlib import Path

import pandas as pd
import pytest

import geopandas as gpd

from coordogeo.access import apl, crowfly_matrix
from coordogeo.datasets import CONSULTATIONS_PER_FTE
from coordogeo.underserved import (
    apl_below,
    classify,
    suggest_sites,
    travel_time_above,
    zonage,
    zones,
)

LOT_POPULATION = 176_473  # population municipale, SOURCES.md
LOT_GPS = 173  # BPE 2017 D201 in 52 communes, SOURCES.md
#: Crow-fly speed and detour of the stated fallback model (no Lot road data).
SPEED_KMH = 50.0


def _run(shared_data: Path) -> tuple[gpd.GeoDataFrame, pd.DataFrame, gpd.GeoDataFrame]:
    communes = (
        gpd.read_file(shared_data / "lot46_communes.geojson")
        .rename(columns={"code_insee": "insee", "population_municipale": "population"})
        .set_index("insee", drop=False)
    )
    gps = pd.read_csv(
        shared_data / "lot46_bpe2017_medecins_generalistes_par_commune.csv",
        dtype={"code_insee": str},
    ).set_index("code_insee")
    # headcount as FTE (a stated approximation) x the sample's consultations per FTE
    supply = pd.DataFrame(
        {"capacity": gps["nb_medecins_generalistes_bpe_D201"] * CONSULTATIONS_PER_FTE}
    )
    matrix = crowfly_matrix(
        communes, communes.loc[supply.index], speed_kmh=SPEED_KMH, max_time_min=30
    )
    # no age bands in the shared data: every inhabitant weighs the same
    index = apl(communes, supply, matrix, age_weights={"population": 1.0})
    nearest_gp = (
        matrix.to_table().groupby("origin")["time_min"].min().reindex(communes.index)
    )
    cells = index.assign(travel_time_min_gp=nearest_gp.to_numpy())
    rules = [
        travel_time_above(10, column="travel_time_min_gp", label="MG à plus de 10 min"),
        apl_below(2.5, label="APL < 2,5"),
    ]
    found = zones(classify(cells, rules, combine="all"))
    return cells, zonage(index), found


def test_lot_zones_from_gp_counts_and_crowfly_times(shared_data):
    cells, zoned, found = _run(shared_data)
    assert len(cells) == 312 and cells["population"].sum() == LOT_POPULATION
    assert (cells["time_model"].astype(str).str.startswith("crow-fly")).all()
    flagged = classify(
        cells,
        [
            travel_time_above(10, column="travel_time_min_gp"),
            apl_below(2.5),
        ],
        combine="all",
    )
    people = flagged.loc[flagged["underserved"], "population"].sum()
    assert 0 < people < LOT_POPULATION
    assert len(found) >= 2
    # population in = population out, and the zones are ranked by population
    assert found["population"].sum() == pytest.approx(people)
    assert found["population"].is_monotonic_decreasing
    assert found["n_communes"].sum() == flagged["underserved"].sum()
    assert found["communes"].str.split(",").explode().str.startswith("46").all()
    assert found.geometry.area.sum() / 1e6 == pytest.approx(found["area_km2"].sum())
    # every commune's zonage category is one of the four, with everybody counted
    assert zoned["zonage"].notna().all()
    assert zoned.groupby("zonage", observed=False)["population"].sum().sum() == (
        LOT_POPULATION
    )
    # Cahors (46042) has GPs and many inhabitants: never ZIP
    assert zoned.loc["46042", "zonage"] != "ZIP"


def test_lot_results_are_stable_under_a_rerun(shared_data):
    first, second = _run(shared_data), _run(shared_data)
    pd.testing.assert_frame_equal(first[1], second[1])
    pd.testing.assert_frame_equal(
        first[2].drop(columns="geometry"), second[2].drop(columns="geometry")
    )
    assert first[2].geometry.geom_equals(second[2].geometry).all()


def test_lot_one_more_gp_site_with_the_crowfly_fallback(shared_data):
    cells, _, _ = _run(shared_data)
    matrix = crowfly_matrix(cells, cells, speed_kmh=SPEED_KMH, max_time_min=10)
    gps = pd.read_csv(
        shared_data / "lot46_bpe2017_medecins_generalistes_par_commune.csv",
        dtype={"code_insee": str},
    )["code_insee"]
    existing = pd.Index(gps)
    candidates = cells.index.difference(existing)
    out = suggest_sites(matrix, cells, existing, candidates, n_sites=3, max_time_min=10)
    assert len(out) == 3 and out.index.isin(candidates).all()
    assert out["population_gain"].is_monotonic_decreasing
    assert (out["population_gain"] > 0).all()
    assert out["share_covered"].iloc[-1] < 1.0
