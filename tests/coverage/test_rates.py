import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from coordogeo import InputError
from coordogeo.coverage import coverage_rates
from tests.coverage.conftest import squares

PARTS = [
    "population_covered_once",
    "population_covered_multiple",
    "population_not_covered",
]


def test_rates_known_by_hand(communes, members):
    out = coverage_rates(communes, members)
    assert out.index.tolist() == ["46"] and out.index.name == "departement"
    row = out.loc["46"]
    assert row["population"] == 2100.0
    assert row["population_covered_once"] == 800.0  # 46001, 46003, 46004
    assert row["population_covered_multiple"] == 200.0  # 46002
    assert row["population_not_covered"] == 1100.0  # 46005, 46006
    assert row["share_covered"] == pytest.approx(1000 / 2100)
    assert row["n_communes"] == 6 and row["n_communes_not_covered"] == 2


def test_departement_codes_of_corsica_and_overseas(communes, members):
    codes = ["2A004", "2B033", "97101", "97411", "46005", "46006"]
    moved = communes.assign(insee=codes)
    members = pd.DataFrame({"cpts_id": "A", "insee": ["2A004", "97411"]})
    out = coverage_rates(moved, members)
    assert out.index.tolist() == ["2A", "2B", "46", "971", "974"]
    assert out.loc["974", "share_covered"] == 1.0
    assert out.loc["971", "share_covered"] == 0.0


def test_any_area_column(communes, members):
    zoned = communes.assign(epci=["sud", "sud", "sud", "nord", "nord", "nord"])
    out = coverage_rates(zoned, members, by="epci")
    assert out.loc["nord", "population_not_covered"] == 1100.0
    assert out.loc["sud", "population_covered_multiple"] == 200.0
    with pytest.raises(InputError, match=r"lacks the column\(s\) \['tvs'\]"):
        coverage_rates(zoned, members, by="tvs")
    with pytest.raises(InputError, match=r"`communes\['epci'\]` is missing on 1 row"):
        coverage_rates(
            zoned.assign(epci=[None, *zoned["epci"][1:]]), members, by="epci"
        )


@settings(max_examples=60, deadline=None)
@given(
    claims=st.lists(
        st.sets(st.sampled_from(["A", "B", "C"]), max_size=3), min_size=6, max_size=6
    ),
    population=st.lists(st.floats(0, 1e6, allow_nan=False), min_size=6, max_size=6),
)
def test_every_inhabitant_counted_once(claims, population):
    communes = squares().assign(population=population)
    rows = [
        (c, code)
        for code, cs in zip(communes["insee"], claims, strict=True)
        for c in sorted(cs)
    ]
    members = pd.DataFrame(rows, columns=["cpts_id", "insee"])
    out = coverage_rates(communes, members, by="nom")
    # covered once + covered several times + not covered = population, per row
    np.testing.assert_allclose(out[PARTS].sum(axis=1), out["population"], rtol=1e-12)
    assert out["population"].sum() == pytest.approx(sum(population), rel=1e-12)
