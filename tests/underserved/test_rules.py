"""Rules and classify: answers known by hand, NaN handling, bad input."""

import numpy as np
import pandas as pd
import pytest

from coordogeo.errors import InputError
from coordogeo.underserved import (
    Rule,
    apl_below,
    classify,
    in_no_cpts,
    travel_time_above,
)


@pytest.fixture
def places() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "travel_time_min_MSP": [5.0, 20.0, 25.0, np.nan, 30.0],
            "apl": [3.0, 2.0, 4.0, 3.5, 2.4],
            "n_cpts": [1, 0, 2, 1, 0],
            "zone": ["a", "b", "a", "c", "c"],
            "in_cpts": [True, False, True, True, False],
        },
        index=[10, 11, 12, 13, 14],
    )


def test_each_rule_fires_where_its_comparison_holds(places):
    rules = [
        travel_time_above(20, column="travel_time_min_MSP", label="MSP > 20 min"),
        apl_below(2.5, column="apl", label="APL < 2,5"),
        in_no_cpts(label="hors CPTS"),
    ]
    out = classify(places, rules)
    assert out["underserved"].tolist() == [False, True, True, True, True]
    assert out["reasons"].tolist() == [
        "",
        "APL < 2,5; hors CPTS",  # 20 min is not above 20 min
        "MSP > 20 min",
        "MSP > 20 min (non accessible)",
        "MSP > 20 min; APL < 2,5; hors CPTS",
    ]
    # a copy: same index and columns, the input untouched
    assert out.index.equals(places.index)
    assert "underserved" not in places


def test_all_flags_only_where_every_rule_fires(places):
    rules = [travel_time_above(20, column="travel_time_min_MSP"), in_no_cpts()]
    out = classify(places, rules, combine="all")
    assert out["underserved"].tolist() == [False, False, False, False, True]
    assert out.loc[14, "reasons"] == "travel_time_min_MSP > 20; n_cpts == 0"
    assert (out.loc[out["underserved"].eq(False), "reasons"] == "").all()


@pytest.mark.parametrize(
    ("rule", "expected"),
    [
        (Rule("apl", "<=", 2.4), [False, True, False, False, True]),
        (Rule("apl", ">=", 3.5), [False, False, True, True, False]),
        (Rule("n_cpts", "!=", 1), [False, True, True, False, True]),
        (Rule("zone", "==", "c"), [False, False, False, True, True]),
        (Rule("in_cpts", "==", False), [False, True, False, False, True]),
    ],
)
def test_comparisons_on_numbers_texts_and_booleans(places, rule, expected):
    assert classify(places, [rule])["underserved"].tolist() == expected


def test_missing_values_follow_the_rule(places):
    gappy = places.assign(apl=[3.0, np.nan, 4.0, 3.5, 2.4])
    with pytest.raises(InputError, match=r"missing on 1 row\(s\), at index \[11\]"):
        classify(gappy, [apl_below(2.5, column="apl")])
    passes = classify(gappy, [Rule("apl", "<", 2.5, missing="passes")])
    assert passes["underserved"].tolist() == [False, False, False, False, True]
    fires = classify(gappy, [Rule("apl", "<", 2.5, missing="fires")])
    assert fires.loc[11, "reasons"] == "apl < 2.5 (valeur manquante)"
    # a travel-time rule treats NaN as unreachable by default
    assert Rule("travel_time_min", ">", 20).on_missing == "fires"
    assert Rule("travel_time_min", ">", 20, missing="passes").on_missing == "passes"


def test_bad_rules_are_refused_with_the_fix(places):
    with pytest.raises(InputError, match=r"reads 'apl_x', not a column"):
        classify(places, [apl_below(2.5, column="apl_x")])
    with pytest.raises(InputError, match="threshold must be a number"):
        classify(places, [Rule("apl", "==", "bas")])
    with pytest.raises(InputError, match="threshold must be a text"):
        classify(places, [Rule("zone", "==", 3)])
    with pytest.raises(InputError, match="threshold must be True or False"):
        classify(places, [Rule("in_cpts", "==", 0)])
    with pytest.raises(InputError, match=r"a text that reads as a number\). Write 20"):
        Rule("travel_time_min", ">", "20")
    with pytest.raises(InputError, match="must be finite"):
        Rule("apl", "<", float("nan"))
    with pytest.raises(InputError, match="must be a number, True/False or a text"):
        Rule("apl", "<", [2.5])  # type: ignore[arg-type]
    with pytest.raises(InputError, match="only compared with '==' or '!='"):
        Rule("zone", "<", "c")
    with pytest.raises(InputError, match="`comparison`"):
        Rule("apl", "=<", 2.5)  # type: ignore[arg-type]
    with pytest.raises(InputError, match="`rules` is empty"):
        classify(places, [])
    with pytest.raises(InputError, match="must hold Rule objects"):
        classify(places, [("apl", "<", 2.5)])  # type: ignore[list-item]
    with pytest.raises(InputError, match="`combine`"):
        classify(places, [apl_below(2.5, column="apl")], combine="most")  # type: ignore[arg-type]


def test_every_rule_problem_is_reported_at_once(places):
    with pytest.raises(InputError) as err:
        classify(places, [Rule("nope", "<", 1), Rule("zone", ">=", 1)])
    assert "'nope'" in str(err.value) and "'zone'" in str(err.value)
