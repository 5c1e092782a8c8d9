import numpy as np
import pandas as pd
import pytest

from coordogeo import InputError
from coordogeo.access import TravelTimeMatrix, opportunities_within


@pytest.fixture
def matrix() -> TravelTimeMatrix:
    """Three places, three sites; 'c' reaches nothing; one pair exactly at 20."""
    table = pd.DataFrame(
        {
            "origin": ["a", "a", "a", "b", "b"],
            "destination": ["x", "y", "z", "y", "z"],
            "time_min": [0.0, 20.0, 25.0, 19.9, 30.0],
        }
    )
    return TravelTimeMatrix.from_table(
        table, max_time_min=30, origins=pd.Index(["a", "b", "c"])
    )


def test_counts_and_capacities_within_inclusive(matrix):
    supply = pd.DataFrame({"fte": [1.0, 2.5, 4.0]}, index=["x", "y", "z"])
    out = opportunities_within(matrix, supply, max_time_min=20, capacity="fte")
    assert out.index.tolist() == ["a", "b", "c"]  # every place, even without any
    assert out["sites_within_20_min"].tolist() == [2, 1, 0]  # 20.0 is within
    assert out["fte_within_20_min"].tolist() == pytest.approx([3.5, 2.5, 0.0], abs=0)
    wide = opportunities_within(matrix, max_time_min=30)
    assert wide["sites_within_30_min"].tolist() == [3, 2, 0]


def test_a_subset_of_sites_and_bad_input(matrix):
    only = opportunities_within(matrix, pd.Index(["z"]), max_time_min=30)
    assert only["sites_within_30_min"].tolist() == [1, 1, 0]
    with pytest.raises(InputError, match=r"the matrix stops at 30 min"):
        opportunities_within(matrix, max_time_min=45)
    with pytest.raises(InputError, match=r"\['w'\] are not destinations"):
        opportunities_within(matrix, pd.Index(["w"]), max_time_min=10)
    bad = pd.DataFrame({"fte": [np.nan]}, index=["x"])
    with pytest.raises(InputError, match=r"fte"):
        opportunities_within(matrix, bad, max_time_min=10, capacity="fte")
