"""The report's figures as a cartographer reads them: the parts add up."""

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from coordogeo._numbers import whole_parts
from coordogeo.pipeline.ledger import Ledger
from coordogeo.pipeline.report import _ledger_table


def _number(text: str) -> int:
    return int(text.replace("\u202f", "").replace(",", ""))


def test_the_ledger_table_adds_up_where_rounding_each_part_would_not():
    # 10.4 + 10.4 + 0.2 = 21: each part rounded alone gives 10 + 10 + 0 = 20
    places = pd.DataFrame({
        "population": [10.4, 10.4, 0.2],
        "snapped": [True, True, False],
        "reachable_MSP": [True, False, False],
    })  # fmt: skip
    ledger = Ledger(lang="fr")
    ledger.conserve(places, ["MSP"], max_time_min=30)
    row = _ledger_table(ledger, "fr").splitlines()[-1]
    cells = [c.strip() for c in row.strip("|").split("|")]
    assert cells[0] == "MSP"
    total, within, beyond, off = (_number(c) for c in cells[1:])
    assert (total, within + beyond + off) == (21, 21)
    assert (within, beyond, off) in {(11, 10, 0), (10, 11, 0)}


@given(st.lists(st.floats(0, 1e7, allow_nan=False), min_size=1, max_size=6))
def test_rounded_parts_add_up_and_stay_within_one_of_their_value(parts):
    total = float(np.sum(parts))
    shown = [_number(s) for s in whole_parts(total, parts, "fr")]
    assert shown[0] == round(total)
    assert sum(shown[1:]) == shown[0]
    assert np.all(np.abs(np.array(shown[1:]) - np.array(parts)) < 1 + 1e-9)


def test_parts_that_do_not_make_the_total_are_each_rounded_alone():
    assert whole_parts(10.0, [1.4, 2.6], "en") == ["10", "1", "3"]


@pytest.mark.parametrize(("lang", "text"), [("fr", "1\u202f235"), ("en", "1,235")])
def test_whole_numbers_in_each_language(lang, text):
    assert whole_parts(1234.6, [1234.6], lang) == [text, text]
