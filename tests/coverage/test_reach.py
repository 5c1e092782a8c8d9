import numpy as np
import pandas as pd
import pytest

from coordogeo import InputError, nearest
from coordogeo.coverage import within_reach

THRESHOLDS = (10, 20, 30)


def test_within_reach_known_by_hand():
    result = pd.DataFrame(
        {
            "population": [100.0, 50, 10, 5, 1],
            "insee": ["a", "a", "b", "b", "b"],
            "travel_time_min_MSP": [10.0, 20.0001, 30.0, 45.0, np.nan],
        },
        index=[9, 8, 7, 6, 5],
    )
    out = within_reach(result, by="insee")
    assert out.index.names == ["insee", "structure"]
    a, b = out.loc[("a", "MSP")], out.loc[("b", "MSP")]
    assert a["population_within_10_min"] == 100.0  # exactly 10 min counts as within
    assert a["population_within_20_min"] == 100.0
    assert a["population_within_30_min"] == 150.0
    assert b["population_within_30_min"] == 10.0
    assert (
        b["population_reachable_beyond_30_min"] == 5.0
        and b["population_unreachable"] == 1.0
    )
    assert a["share_within_10_min"] == pytest.approx(100 / 150)


def test_within_reach_on_the_sample_conserves_the_population(sample, network):
    result = nearest(network, sample.population, sample.structures, by="kind")
    out = within_reach(result, thresholds_min=THRESHOLDS)
    assert sorted(out.index) == ["CDS", "CPTS", "DAC", "ESP", "MSP"]
    total = sample.population["population"].sum()
    parts = out[
        [
            "population_within_30_min",
            "population_reachable_beyond_30_min",
            "population_unreachable",
        ]
    ].sum(axis=1)
    np.testing.assert_allclose(parts, total, rtol=1e-12)
    # cumulative bands never decrease
    within = out[[f"population_within_{t}_min" for t in THRESHOLDS]].to_numpy()
    assert (np.diff(within, axis=1) >= 0).all()
    # the island (00046) can reach nothing
    island = sample.population.loc[sample.population["insee"] == "00046", "population"]
    assert (out["population_unreachable"] >= island.sum()).all()
    per_commune = within_reach(result, by="insee")
    assert per_commune["population"].sum() == pytest.approx(5 * total, rel=1e-12)


def test_within_reach_bad_input():
    ok = pd.DataFrame({"population": [1.0], "travel_time_min": [3.0]})
    assert within_reach(ok).index.tolist() == ["any"]
    with pytest.raises(InputError, match="has no `travel_time_min` column"):
        within_reach(ok.rename(columns={"travel_time_min": "t"}))
    with pytest.raises(InputError, match="must strictly increase"):
        within_reach(ok, thresholds_min=(30, 10))
    with pytest.raises(InputError, match=r"lacks the column\(s\) \['zone'\]"):
        within_reach(ok, by="zone")
    with pytest.raises(InputError, match="missing or negative on 1 row"):
        within_reach(ok.assign(population=-1.0))
