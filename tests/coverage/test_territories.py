import numpy as np
import pandas as pd
import pytest

from geopandas.testing import assert_geodataframe_equal
from shapely import box
from shapely.testing import assert_geometries_equal

from coordogeo import InputError
from coordogeo.coverage import cpts_territories, overlaps_and_gaps
from tests.coverage.conftest import X0, Y0


def test_territories_known_by_hand(communes, members):
    before_c, before_m = communes.copy(), members.copy()
    out = cpts_territories(communes.to_crs(4326), members)  # handed in lon/lat
    assert out.index.tolist() == ["A", "B"] and out.index.name == "cpts_id"
    assert out.crs.equals(2154)
    assert out["cpts_name"].tolist() == ["CPTS du Causse", "CPTS B"]
    assert out["n_communes"].tolist() == [3, 2]
    assert out["population"].tolist() == [700.0, 500.0]
    assert out["taille"].tolist() == [1, 1]
    # the shared commune 46002 holds 200 inhabitants and 1 km2
    assert out["population_shared"].tolist() == [200.0, 200.0]
    assert out["share_population_shared"].tolist() == pytest.approx([2 / 7, 2 / 5])
    # 1 cm round trip through lon/lat: areas to 1e-4 km2
    assert out["area_km2"].tolist() == pytest.approx([3.0, 2.0], abs=1e-4)
    assert out["area_shared_km2"].tolist() == pytest.approx([1.0, 1.0], abs=1e-4)
    assert out["overlaps_with"].tolist() == ["B", "A"]
    l_shape = box(X0, Y0, X0 + 2e3, Y0 + 1e3).union(box(X0, Y0, X0 + 1e3, Y0 + 2e3))
    assert_geometries_equal(
        out.geometry.loc["A"], l_shape, tolerance=0.05, normalize=True
    )
    assert_geodataframe_equal(communes, before_c)
    pd.testing.assert_frame_equal(members, before_m)


def test_size_bands_follow_the_cutoffs_upper_band_on_equality(communes, members):
    out = cpts_territories(communes, members, size_cutoffs=(500, 700))
    assert out["taille"].tolist() == [3, 2]  # 700 -> band 3, 500 -> band 2
    big = communes.assign(population=communes["population"] * 250)  # 175,000 / 125,000
    assert cpts_territories(big, members)["taille"].tolist() == [4, 3]
    with pytest.raises(InputError, match="`size_cutoffs` must strictly increase"):
        cpts_territories(communes, members, size_cutoffs=(80_000, 40_000))


def test_overlaps_and_gaps(communes, members):
    out = overlaps_and_gaps(communes, members)
    assert out.index.tolist() == ["c2", "c5", "c6"]
    assert out["status"].tolist() == ["overlap", "gap", "gap"]
    assert out["cpts_ids"].tolist() == ["A, B", "", ""]
    assert out["n_cpts"].tolist() == [2, 0, 0]
    assert out["population"].tolist() == [200.0, 500.0, 600.0]
    assert {"nom", "insee", "geometry"} <= set(out.columns)


def test_everyone_in_exactly_one_cpts_gives_no_odd_commune(communes):
    one = pd.DataFrame({"cpts_id": "X", "insee": communes["insee"]})
    assert len(overlaps_and_gaps(communes, one)) == 0
    out = cpts_territories(communes, one)
    assert out["population"].tolist() == [2100.0]
    assert out["overlaps_with"].tolist() == [""]


def test_codes_read_as_numbers_are_padded_back(communes):
    lost_zero = communes.assign(
        insee=["01001", "01002", "01003", "01004", "01005", "01006"]
    )
    members = pd.DataFrame({"cpts_id": ["A", "A"], "insee": [1001, 1002]})
    out = cpts_territories(lost_zero, members)
    assert out.loc["A", "population"] == 300.0


@pytest.mark.parametrize(
    ("members", "match"),
    [
        (
            pd.DataFrame({"cpts_id": ["A", "A"], "insee": ["46001", "46099"]}),
            r"1 INSEE code\(s\) absent from `communes`: \['46099'\] \(CPTS \['A'\]",
        ),
        (
            pd.DataFrame({"cpts_id": ["A", None], "insee": ["46001", "46002"]}),
            r"`members\['cpts_id'\]` is missing on 1 row\(s\), at index \[1\]",
        ),
        (
            pd.DataFrame({"cpts_id": ["A", "A", "E"], "insee": ["46001", None, None]}),
            r"missing on 2 row\(s\), at index \[1, 2\]\. The CPTS \['E'\] have no",
        ),
        (
            pd.DataFrame({"cpts_id": ["A", "A"], "insee": ["46001", "46001"]}),
            r"lists the same commune twice for one CPTS on 1 row\(s\), at index \[1\]",
        ),
        (
            pd.DataFrame(
                {
                    "cpts_id": ["A", "A"],
                    "cpts_name": ["x", "y"],
                    "insee": ["46001", "46002"],
                }
            ),
            r"gives several names to the CPTS \['A'\]",
        ),
        (
            pd.DataFrame({"cpts_id": ["A"], "insee": ["460"]}),
            r"`members\['insee'\]` holds 1 value\(s\) that are not INSEE commune codes",
        ),
        (pd.DataFrame({"cpts": ["A"], "insee": ["46001"]}), r"lacks the column"),
    ],
)
def test_bad_members_are_named(communes, members, match):
    with pytest.raises(InputError, match=match):
        cpts_territories(communes, members)


def test_bad_communes_are_named(communes, members):
    no_pop = communes.assign(population=[1.0, np.nan, 3, 4, 5, 6])
    with pytest.raises(InputError, match=r"missing or negative on 1 row.*\['c2'\]"):
        cpts_territories(no_pop, members)
    twice = communes.assign(
        insee=["46001", "46001", "46003", "46004", "46005", "46006"]
    )
    with pytest.raises(InputError, match=r"repeats the INSEE code\(s\) \['46001'\]"):
        overlaps_and_gaps(twice, members)
    with pytest.raises(InputError, match="`communes` has no CRS"):
        cpts_territories(communes.set_crs(None, allow_override=True), members)
    with pytest.raises(TypeError, match="`members` must be a pandas DataFrame"):
        cpts_territories(communes, [("A", "46001")])  # type: ignore[arg-type]
