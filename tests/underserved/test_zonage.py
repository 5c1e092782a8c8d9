"""Zonage-style categories: bounds, regional caps, bad input."""

import pandas as pd
import pytest

from coordogeo.errors import InputError
from coordogeo.underserved import ZONAGE_CATEGORIES, zonage


@pytest.fixture
def areas() -> pd.DataFrame:
    """Ten areas of 100 inhabitants, APL 1.0 … 5.5 by 0.5."""
    return pd.DataFrame(
        {
            "apl_consultations_per_inhabitant": [1.0 + 0.5 * i for i in range(10)],
            "population": [100.0] * 10,
        },
        index=[f"tvs{i}" for i in range(10)],
    )


def test_default_bounds_without_caps(areas):
    out = zonage(areas)
    # APL 1.0 1.5 2.0 | 2.5 3.0 3.5 | 4.0 4.5 5.0 5.5: 2.5 is not below 2.5
    assert out["zonage"].tolist() == ["ZIP"] * 3 + ["ZAC"] * 3 + ["hors vivier"] * 4
    assert list(out["zonage"].cat.categories) == list(ZONAGE_CATEGORIES)
    assert out["zonage"].cat.ordered
    assert out.loc["tvs0", "zonage_reason"] == "APL < 2,5 : ZIP obligatoire"
    assert out.loc["tvs6", "zonage_reason"] == "APL ≥ 4 : hors vivier"
    assert out.index.equals(areas.index) and "zonage" not in areas


def test_thresholds_are_overridable(areas):
    out = zonage(areas, thresholds={"ZIP": 2.0, "ZAC": 3.0})
    assert out["zonage"].value_counts()[["ZIP", "ZAC", "hors vivier"]].tolist() == [
        2,
        2,
        6,
    ]


def test_caps_fill_zip_then_zac_lowest_apl_first(areas):
    out = zonage(areas, max_population_share={"ZIP": 0.4, "ZAC": 0.1})
    # mandatory ZIP: 30 %; the vivier (2.5, 3.0, 3.5) gives 10 % more to ZIP,
    # then 10 % to ZAC; 3.5 stays in the vivier
    assert out["zonage"].tolist()[:6] == ["ZIP"] * 4 + ["ZAC", "vivier"]
    assert "plafond 40 %" in out.loc["tvs3", "zonage_reason"]
    # the cap is a prefix in APL order: a bigger low-APL area blocks the rest
    big = areas.assign(population=[100.0] * 3 + [500.0] + [100.0] * 6)
    out = zonage(big, max_population_share={"ZAC": 0.2})
    assert out["zonage"].tolist()[3:6] == ["vivier", "vivier", "vivier"]
    # no ZIP share given: ZIP keeps its mandatory areas only, ZAC is capped
    out = zonage(areas, max_population_share={"ZAC": 0.2})
    assert out["zonage"].tolist()[:6] == ["ZIP"] * 3 + ["ZAC", "ZAC", "vivier"]


def test_mandatory_zip_beyond_the_cap_stays_zip_with_a_warning(areas):
    with pytest.warns(UserWarning, match=r"30.0% of the population, above"):
        out = zonage(areas, max_population_share={"ZIP": 0.2})
    assert (out["zonage"] == "ZIP").sum() == 3


def test_bad_input_is_refused(areas):
    with pytest.raises(InputError, match="keys 'ZIP' and 'ZAC'"):
        zonage(areas, thresholds={"ZIP": 2.5})
    with pytest.raises(InputError, match=r"`thresholds\['ZAC'\]` must be a number"):
        zonage(areas, thresholds={"ZIP": 2.5, "ZAC": "4"})  # type: ignore[dict-item]
    with pytest.raises(InputError, match="ZIP < ZAC"):
        zonage(areas, thresholds={"ZIP": 4.0, "ZAC": 2.5})
    with pytest.raises(InputError, match="between 0 and 1"):
        zonage(areas, max_population_share={"ZIP": 30})
    with pytest.raises(InputError, match="'ZIP' and/or 'ZAC'"):
        zonage(areas, max_population_share={"ZV": 0.1})
    with pytest.raises(InputError, match="no APL column 'apl'"):
        zonage(areas, apl="apl")
    gappy = areas.copy()
    gappy.iloc[2, 0] = float("nan")
    with pytest.raises(InputError, match=r"at index \['tvs2'\]"):
        zonage(gappy)
    with pytest.raises(InputError, match="population"):
        zonage(areas.drop(columns="population"))
