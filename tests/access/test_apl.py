"""APL-style index and its zone means."""

import numpy as np
import pandas as pd
import pytest

from coordogeo import InputError
from coordogeo.access import TravelTimeMatrix, apl, apl_by_zone, decay
from coordogeo.datasets import PLACEHOLDER_AGE_WEIGHTS

WEIGHTS = {"ind_young": 1.0, "ind_old": 2.0}


@pytest.fixture
def communes():
    """Three communes; c has only elderly people, who consume twice as much."""
    return pd.DataFrame(
        {"population": [100.0, 100.0, 100.0], "ind_young": [100.0, 50.0, 0.0],
         "ind_old": [0.0, 50.0, 100.0]},
        index=["46001", "46002", "46003"],
    )  # fmt: skip


@pytest.fixture
def matrix():
    """46001 <-> 46002 in 12 min, 46003 -> 46002 in 18 min; no self pairs given."""
    table = pd.DataFrame({"origin": ["46001", "46002", "46003"],
                          "destination": ["46002", "46002", "46002"],
                          "time_min": [12.0, 4.0, 18.0]})  # fmt: skip
    return TravelTimeMatrix.from_table(
        table, max_time_min=30, origins=pd.Index(["46001", "46002", "46003"])
    )


def test_apl_known_by_hand(communes, matrix):
    supply = pd.DataFrame({"capacity": [1_000.0]}, index=["46002"])
    out = apl(communes, supply, matrix, age_weights=WEIGHTS)
    # raw standardised demand 100, 150, 200 -> scaled by 300/450
    std = np.array([100.0, 150.0, 200.0]) * 300 / 450
    np.testing.assert_allclose(out["population_std"], std, rtol=1e-12)
    # weights: 12 min -> 2/3, same commune (0 min, set by intra_commune_min) -> 1,
    # 18 min -> 1/3; the matrix's own 4 min self-pair is replaced by 0 min
    demand = 2 / 3 * std[0] + std[1] + 1 / 3 * std[2]
    ratio = 1_000.0 / demand
    expected = [2 / 3 * ratio, ratio, 1 / 3 * ratio]
    np.testing.assert_allclose(out["apl_consultations_per_inhabitant"], expected,
                               rtol=1e-12)  # fmt: skip
    # supply conserved
    assert (out["apl_consultations_per_inhabitant"] * std).sum() == pytest.approx(1_000)
    fte = apl(communes, supply / 5_400, matrix, age_weights=WEIGHTS, unit="fte")
    expected_fte = np.array(expected) / 5_400 * 1e5
    np.testing.assert_allclose(fte["apl_fte_per_100k"], expected_fte, rtol=1e-12)


def test_intra_commune_time_is_a_parameter(communes, matrix):
    supply = pd.DataFrame({"capacity": [1_000.0]}, index=["46002"])
    kept = apl(communes, supply, matrix, age_weights=WEIGHTS, intra_commune_min=None)
    slow = apl(communes, supply, matrix, age_weights=WEIGHTS, intra_commune_min=16)
    # 4 min kept (weight 1) equals the 0 min default; 16 min weighs 1/3
    base = apl(communes, supply, matrix, age_weights=WEIGHTS)
    col = "apl_consultations_per_inhabitant"
    np.testing.assert_allclose(kept[col], base[col], rtol=1e-12)
    assert slow.loc["46002", col] < base.loc["46002", col]
    assert "16 min within a commune" in slow["time_model"].iloc[0]
    other = apl(communes, supply, matrix, age_weights=WEIGHTS,
                decay=decay.step({20: 1.0}))  # fmt: skip
    assert other[col].nunique() == 1  # a flat 20 min catchment: everyone equal


def test_apl_bad_input(communes, matrix):
    supply = pd.DataFrame({"capacity": [1_000.0]}, index=["46002"])
    with pytest.raises(InputError, match=r"lacks the column\(s\) \['ind_80p'\]"):
        apl(communes, supply, matrix, age_weights={"ind_80p": 1.0})
    with pytest.raises(InputError, match="`age_weights` must be a non-empty mapping"):
        apl(communes, supply, matrix, age_weights={})
    with pytest.raises(InputError, match=r"`unit` was 'etp'"):
        apl(communes, supply, matrix, age_weights=WEIGHTS, unit="etp")  # type: ignore[arg-type]
    with pytest.raises(InputError, match="absent from the matrix destinations"):
        apl(communes, supply.rename({"46002": "46099"}), matrix, age_weights=WEIGHTS)
    with pytest.raises(InputError, match="`intra_commune_min` must be between 0"):
        apl(communes, supply, matrix, age_weights=WEIGHTS, intra_commune_min=45)


def test_placeholder_weights_cover_the_sample_bands(sample):
    assert set(PLACEHOLDER_AGE_WEIGHTS) <= set(sample.population.columns)


def test_apl_by_zone_weighted_means_and_strict_threshold():
    r = pd.DataFrame(
        {"population": [100.0, 300.0, 50.0, 10.0],
         "apl_consultations_per_inhabitant": [1.0, 3.0, 6.0, 2.0],
         "tvs": ["A", "A", "B", "C"]},
        index=list("wxyz"),
    )  # fmt: skip
    out = apl_by_zone(r, "tvs")
    assert out["apl_consultations_per_inhabitant"].tolist() == [2.5, 6.0, 2.0]
    assert out["category"].tolist() == [
        "non sous-dense",
        "non sous-dense",
        "sous-dense",
    ]
    zip_zac = apl_by_zone(r, r["tvs"], categories={"ZIP": 2.5, "ZAC": 4.0},
                          default_category="hors vivier")  # fmt: skip
    assert zip_zac["category"].tolist() == ["ZAC", "hors vivier", "ZIP"]
    assert zip_zac.index.name == "zone"
    with pytest.raises(
        InputError,
        match=r"`result\['tvs'\]` is missing on 1 row\(s\), at index \['z'\]; every "
        r"commune belongs to one zone",
    ):
        apl_by_zone(r.assign(tvs=["A", "A", "B", None]), "tvs")
    with pytest.raises(InputError, match="has 2 `apl_\\*` column"):
        apl_by_zone(r.assign(apl_fte_per_100k=1.0), "tvs")
