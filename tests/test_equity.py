"""Inequality indices on cases computed by hand, and their invariances."""

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from coordogeo import InputError
from coordogeo.equity import (
    by_income,
    concentration_index,
    fgt,
    gini,
    palma_ratio,
    theil_t,
    weighted_quantile,
)

# float sums of a few terms: 1e-12 is far below any figure a report shows
TOL = 1e-12


def test_gini_by_hand():
    # two people, one has all: G = 1 - p (L0 + L1) - p (L1 + L2) = 1 - 1/2 = 0.5
    assert gini([0, 1], [1, 1]) == pytest.approx(0.5, abs=TOL)
    # weights are people: 3 people at 1 and 1 at 5 equal the expanded list
    assert gini([1, 5], [3, 1]) == pytest.approx(gini([1, 1, 1, 5], [1] * 4), abs=TOL)
    # x = 1, 2, 3 equal weights: L = 1/6, 1/2, 1; G = 1 - (1/6 + 2/3 + 3/2)/3 = 2/9
    assert gini([3, 1, 2], [1, 1, 1]) == pytest.approx(2 / 9, abs=TOL)


def test_zero_weights_ties_and_equal_values():
    assert gini([1, 2, 3, 99], [1, 1, 1, 0]) == pytest.approx(2 / 9, abs=TOL)
    assert gini([4, 4, 4], [1, 7, 2]) == 0.0
    assert gini([0, 0], [1, 1]) == 0.0
    assert theil_t([2, 2, 2], [1, 2, 3]).total == 0.0
    assert concentration_index([5, 5], [1, 3], [1, 2]) == 0.0
    # tied incomes share a rank: the order of the tied rows does not matter
    a = concentration_index([1, 9, 4], [1, 1, 2], [10, 10, 20])
    b = concentration_index([9, 1, 4], [1, 1, 2], [10, 10, 20])
    assert a == pytest.approx(b, abs=TOL)


def test_theil_decomposition_by_hand():
    # groups a = (1, 1), b = (3, 5); μ = 2.5
    t = theil_t([1, 1, 3, 5], [1, 1, 1, 1], groups=["a", "a", "b", "b"])
    x = np.array([1, 1, 3, 5]) / 2.5
    assert t.total == pytest.approx(np.mean(x * np.log(x)), abs=TOL)
    assert t.between + t.within == pytest.approx(t.total, abs=TOL)
    s_a, s_b = 2 / 10, 8 / 10
    between = s_a * np.log(1 / 2.5) + s_b * np.log(4 / 2.5)
    assert t.between == pytest.approx(between, abs=TOL)
    within_b = np.mean(np.array([3, 5]) / 4 * np.log(np.array([3, 5]) / 4))
    assert t.within == pytest.approx(s_b * within_b, abs=TOL)
    assert t.groups.loc["b", "share"] == pytest.approx(0.8, abs=TOL)
    one = theil_t([1, 3], [1, 1], groups=["g", "g"])  # a single group: all within
    assert one.between == pytest.approx(0.0, abs=TOL)
    assert one.within == pytest.approx(one.total, abs=TOL)


def test_concentration_index_by_hand_and_erreygers():
    # richest has the highest value: CI = (2/μ) Σ p (x-μ)(R-½) with R = 1/6, 1/2, 5/6
    ci = concentration_index([10, 20, 30], [1, 1, 1], [1, 2, 3])
    assert ci == pytest.approx(2 / 9, abs=TOL)
    e = concentration_index([10, 20, 30], [1, 1, 1], [1, 2, 3], corrected=True)
    assert e == pytest.approx(4 * 20 / 20 * 2 / 9, abs=TOL)
    # a poor-concentrated travel time is negative: the poor travel longer
    assert concentration_index([40, 20, 5], [1, 1, 1], [1, 2, 3]) < 0


def test_palma_uses_the_reference_cut_points():
    income, values = np.arange(1, 11) * 10.0, np.array([4] * 4 + [3] * 5 + [1.0])
    assert palma_ratio(values, [1] * 10, income) == pytest.approx(0.25, abs=TOL)
    # the same cut points from the whole territory, scoring only some rows
    ref = (income, np.ones(10))
    sub = palma_ratio(values[[0, 1, 9]], [1, 1, 1], income[[0, 1, 9]], reference=ref)
    assert sub == pytest.approx(0.25, abs=TOL)
    with pytest.raises(InputError, match="Nobody lives in the richest 10 %"):
        palma_ratio([1, 2], [1, 1], [10, 20], reference=(income, np.ones(10)))
    assert weighted_quantile([1, 2, 3], [1, 0, 1], [0.5]).tolist() == [2.0]


def test_fgt_both_ways():
    below = fgt([1.0, 2.0, 3.0, 4.0], [1, 1, 1, 1], 2.5)
    # gaps (2.5-1)/2.5 = 0.6 and (2.5-2)/2.5 = 0.2
    assert below.to_dict() == pytest.approx(
        {"FGT0": 0.5, "FGT1": 0.2, "FGT2": (0.36 + 0.04) / 4}, abs=TOL
    )
    above = fgt([10.0, 25.0, 40.0], [2, 1, 1], 20, worse="above")
    assert above.to_dict() == pytest.approx(
        {"FGT0": 0.5, "FGT1": (0.25 + 1.0) / 4, "FGT2": (0.0625 + 1.0) / 4}, abs=TOL
    )


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: gini([1, np.nan], [1, 1]), r"`values` has 1 missing"),
        (lambda: gini([1, 2], [1, -1]), r"`weights` are negative at \[1\]"),
        (lambda: gini([1, 2], [0, 0]), r"sum to 0"),
        (lambda: gini([1, 2, 3], [1, 1]), r"differ in length"),
        (lambda: gini([-1, 2], [1, 1]), r"must be >= 0"),
        (lambda: gini(["a", "b"], [1, 1]), r"must hold numbers"),
        (lambda: concentration_index([0, 0], [1, 1], [1, 2]), r"mean of 0"),
        (lambda: fgt([1], [1], 0), r"`threshold` must be a number > 0"),
        (lambda: fgt([1], [1], 1, worse="up"), r"`worse`"),
        (lambda: theil_t([1, 2], [1, 1], groups=["a", None]), r"missing values"),
    ],
)
def test_bad_inputs_are_named(call, message):
    with pytest.raises(InputError, match=message):
        call()


def test_a_series_names_the_bad_labels():
    values = pd.Series([1.0, np.nan], index=["cell-a", "cell-b"])
    with pytest.raises(InputError, match=r"\['cell-b'\]"):
        gini(values, [1, 1])


positive = st.lists(st.floats(0.1, 100.0), min_size=2, max_size=30)


@settings(max_examples=60, deadline=None)
@given(positive, st.floats(0.1, 50.0), st.integers(0, 10_000))
def test_scaling_values_or_weights_changes_nothing(values, factor, seed):
    rng = np.random.default_rng(seed)
    x = np.array(values)
    w = rng.uniform(0.0, 10.0, len(x)) + 0.01
    income = rng.permutation(len(x)).astype(float)
    assert gini(x * factor, w) == pytest.approx(gini(x, w), abs=1e-9)
    assert gini(x, w * factor) == pytest.approx(gini(x, w), abs=1e-9)
    ci = concentration_index(x, w, income)
    assert concentration_index(x * factor, w, income) == pytest.approx(ci, abs=1e-9)
    assert concentration_index(x, w * factor, income) == pytest.approx(ci, abs=1e-9)
    assert 0.0 <= gini(x, w) < 1.0
    t = theil_t(x, w, groups=(income % 3).astype(int))
    assert t.between + t.within == pytest.approx(t.total, abs=1e-9)


def test_by_income_deciles_count_everyone():
    rng = np.random.default_rng(7)
    n = 500
    places = pd.DataFrame(
        {
            "population": rng.uniform(0, 50, n),
            "niveau_vie_moyen": rng.normal(21_000, 3_000, n),
            "travel_time_min_MSP": np.where(
                rng.uniform(size=n) < 0.05, np.nan, rng.uniform(0, 45, n)
            ),
            "apl": rng.uniform(0, 6, n),
        }
    )
    places.loc[:4, "niveau_vie_moyen"] = np.nan  # secret: left out, counted
    out = by_income(places, "travel_time_min_MSP", income="niveau_vie_moyen", apl="apl")
    table = out.table
    assert list(table.index) == list(range(1, 11))
    kept = places["population"][places["niveau_vie_moyen"].notna()].sum()
    assert table["population"].sum() == pytest.approx(kept, abs=1e-9)
    assert table.attrs["population_without_income"] == pytest.approx(
        places["population"][:5].sum(), abs=1e-9
    )
    # deciles of equal population, up to the one place straddling each cut
    assert table["population"].max() - table["population"].min() < 2 * 50
    assert (
        table["income_max"].iloc[:-1].to_numpy()
        <= table["income_min"].iloc[1:].to_numpy()
    ).all()
    assert out.curve.iloc[0].tolist() == [0.0, 0.0] and out.curve.iloc[-1].tolist() == [
        1.0,
        1.0,
    ]
    assert (table["share_beyond_30_min"] <= 1).all() and "share_apl_below_2.5" in table
