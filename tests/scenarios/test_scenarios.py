"""Scenarios: incremental changes equal a full recompute; inhabitants are conserved."""

import warnings

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import geopandas as gpd

from coordogeo.access import TravelTimeMatrix
from coordogeo.errors import InputError
from coordogeo.scenarios import IndexOptions, apply, baseline, compare
from coordogeo.scenarios import state as state_module
from coordogeo.underserved import travel_time_above
from tests.conftest import cached_network, cached_sample

BOUND = 30.0
X0, Y0 = 600_000, 6_400_000  # hand cases in Lambert-93, in the Lot


def _care(sample):
    """Return the sample's care structures (MSP, centres de santé, ESP)."""
    structures = sample.structures
    return structures[structures["kind"].isin(["MSP", "CDS", "ESP"])]


def _fresh_ref():
    """Return the sample's baseline: MSP, CDS, ESP, an index and a rule."""
    sample = cached_sample()
    return baseline(
        cached_network(),
        sample.population,
        _care(sample),
        max_time_min=BOUND,
        index=IndexOptions(capacity="capacity"),
        rules=[travel_time_above(20, column="travel_time_min_MSP")],
    )


@pytest.fixture(scope="module")
def ref():
    return _fresh_ref()


def _new_sites(sample, xy, kinds, start=1):
    frame = gpd.GeoDataFrame(
        {"kind": kinds, "capacity": [5000.0] * len(kinds)},
        geometry=gpd.points_from_xy(*np.asarray(xy, dtype=float).T),
        crs=sample.population.crs,
        index=[f"NEW-{i}" for i in range(start, start + len(kinds))],
    )
    return frame


def _plain(frame):
    return pd.DataFrame(frame.drop(columns=frame.geometry.name))


def assert_same_state(got, want):
    pd.testing.assert_frame_equal(_plain(got.nearest), _plain(want.nearest))
    assert got.structures.index.equals(want.structures.index)
    if want.index is not None:  # sums made in another order: to rounding
        for side in ("demand", "supply"):
            pd.testing.assert_frame_equal(
                _plain(getattr(got.index, side)),
                _plain(getattr(want.index, side)),
                check_exact=False, rtol=1e-12, atol=1e-18,
            )  # fmt: skip
    if want.zones is not None:
        pd.testing.assert_frame_equal(_plain(got.zones), _plain(want.zones))


def _recomputed(state):
    return baseline(
        cached_network(),
        state.places,
        state.structures,
        max_time_min=BOUND,
        index=state.index_options,
        rules=state.rules,
    )


def test_open_and_close_equal_a_full_recompute(ref):
    sample = cached_sample()
    new = _new_sites(sample, [(590_000, 6_372_000), (575_000, 6_390_000)],
                     ["MSP", "CDS"])  # fmt: skip
    after = apply(ref, open=new, close=["MSP-01", "CDS-01"])
    assert after.name == "ouverture NEW-1, NEW-2 ; fermeture MSP-01, CDS-01"
    assert after.structures.index[-2:].tolist() == ["NEW-1", "NEW-2"]
    assert "MSP-01" not in after.structures.index
    assert_same_state(after, _recomputed(after))
    # and a second change on top of the first: still the recompute
    again = apply(after, close=["NEW-1", "MSP-02"])
    assert_same_state(again, _recomputed(again))
    assert ref.nearest["nearest_id_MSP"].eq("MSP-01").any()  # ref is untouched


def test_forgotten_frames_are_built_again_the_same():
    sample = cached_sample()
    state = apply(_fresh_ref(), close=["MSP-01"])  # the module's ref is shared
    nearest, index, zones = state.nearest, state.index, state.zones
    state.forget_frames()
    assert state._frames == {}
    assert state.nearest is not nearest  # built again, not kept
    pd.testing.assert_frame_equal(state.nearest, nearest)
    pd.testing.assert_frame_equal(state.index.demand, index.demand)
    pd.testing.assert_frame_equal(state.zones, zones)
    # and a state made from one whose frames were forgotten is still exact
    again = apply(state, open=_new_sites(sample, [(590_000, 6_372_000)], ["MSP"]))
    state.forget_frames()
    assert_same_state(again, _recomputed(again))


def test_a_capacity_change_reweighs_the_index_without_a_search(ref, monkeypatch):
    def no_search(*args, **kwargs):
        raise AssertionError("a capacity change must not search")

    monkeypatch.setattr(state_module, "travel_time_matrix", no_search)
    ref.matrix  # noqa: B018 - built once, reused by the capacity change
    after = apply(ref, capacity={"MSP-03": 12_000.0})
    assert after.matrix is ref.matrix
    assert after.structures.loc["MSP-03", "capacity"] == 12_000.0
    assert ref.structures.loc["MSP-03", "capacity"] != 12_000.0
    monkeypatch.undo()
    assert_same_state(after, _recomputed(after))
    diff = compare(ref, after)
    assert diff.structures["change"].tolist() == ["capacity"]
    assert diff.structures.loc["MSP-03", "capacity_after"] == 12_000.0
    assert (diff.places["status"] == "unchanged").all()  # times did not move
    row = diff.summary.set_index("indicator").loc["index_mean"]
    assert row["after"] > row["before"]


@settings(max_examples=12, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])  # fmt: skip
@given(
    seed=st.integers(0, 2**31 - 1),
    n_open=st.integers(0, 3),
    n_close=st.integers(0, 3),
)
def test_properties_of_opening_and_closing(ref, seed, n_open, n_close):
    rng = np.random.default_rng(seed)
    sample = cached_sample()
    x0, y0, x1, y1 = sample.population.total_bounds
    xy = np.c_[rng.uniform(x0, x1, n_open), rng.uniform(y0, y1, n_open)]
    kinds = rng.choice(["MSP", "CDS", "ESP"], n_open).tolist()
    new = _new_sites(sample, xy, kinds)
    close = rng.choice(ref.structures.index, n_close, replace=False).tolist()
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", "`destinations` rows", UserWarning)
        opened = apply(ref, open=new)  # a site off the roads is warned about
        both = apply(ref, open=new, close=close)
    closed = apply(ref, close=close)
    for group in ref.groups:
        column = f"travel_time_min_{group}"
        before = ref.nearest[column].fillna(np.inf)
        assert (opened.nearest[column].fillna(np.inf) <= before).all()  # never longer
        assert (closed.nearest[column].fillna(np.inf) >= before).all()  # never shorter
    assert_same_state(both, _recomputed(both))
    diff = compare(ref, both)
    total = ref.places["population"].sum()
    assert (diff.ledger["total_before"] == total).all()
    parts = diff.ledger[["gained", "lost", "unchanged"]].sum(axis=1)
    assert np.allclose(parts, total, rtol=1e-12)
    assert len(diff.places) == len(ref.places)


def _hand_matrix():
    # a, b, c places; S1, S2 structures (MSP), C1 a candidate
    table = pd.DataFrame(
        [("a", "S1", 5.0), ("a", "S2", 5.0), ("b", "S1", 12.0), ("b", "C1", 4.0),
         ("c", "S2", 25.0), ("c", "C1", 25.0)],
        columns=["origin", "destination", "time_min"],
    )  # fmt: skip
    return TravelTimeMatrix.from_table(table, max_time_min=30)


def _hand_frames():
    places = gpd.GeoDataFrame(
        {"population": [100.0, 50.0, 10.0]},
        geometry=gpd.points_from_xy(X0 + np.r_[0, 1, 2], Y0 + np.r_[0, 0, 0]),
        crs="EPSG:2154",
        index=["a", "b", "c"],
    )
    sites = gpd.GeoDataFrame(
        {"kind": ["MSP", "MSP"]},
        geometry=gpd.points_from_xy(X0 + np.r_[0, 1], Y0 + np.r_[1, 1]),
        crs="EPSG:2154",
        index=["S1", "S2"],
    )
    return places, sites


def test_hand_case_on_a_matrix_with_a_candidate():
    places, sites = _hand_frames()
    ref = baseline(_hand_matrix(), places, sites, max_time_min=30)
    # a: S1 and S2 tie at 5 min, the first in order wins
    assert ref.nearest["nearest_id_MSP"].tolist() == ["S1", "S1", "S2"]
    cand = gpd.GeoDataFrame({"kind": ["MSP"]}, geometry=gpd.points_from_xy([X0], [Y0]),
                            crs="EPSG:2154", index=["C1"])  # fmt: skip
    after = apply(ref, open=cand, close=["S1"])
    assert after.nearest["nearest_id_MSP"].tolist() == ["S2", "C1", "S2"]  # c: tie
    assert after.nearest["travel_time_min_MSP"].tolist() == [5.0, 4.0, 25.0]
    diff = compare(ref, after, thresholds_min=[10, 20])
    assert diff.places["status_MSP"].astype(str).tolist() == [
        "unchanged",
        "gained",
        "unchanged",
    ]
    assert diff.places["change_min_MSP"].tolist() == [0.0, -8.0, 0.0]
    within = diff.summary.query("indicator == 'population_within'")
    assert within[["threshold", "before", "after"]].values.tolist() == [
        [10.0, 100.0, 150.0],
        [20.0, 150.0, 150.0],
    ]
    assert diff.structures["change"].to_dict() == {"C1": "opened", "S1": "closed"}
    gone = apply(after, close=["S2", "C1"])
    assert gone.nearest["reachable_MSP"].tolist() == [False, False, False]
    assert gone.nearest["nearest_id_MSP"].isna().all()


def test_places_present_on_one_side_only_are_listed_not_dropped():
    places, sites = _hand_frames()
    ref = baseline(_hand_matrix(), places, sites, max_time_min=30)
    newer = baseline(_hand_matrix(), places.loc[["a", "b"]], sites, max_time_min=30)
    diff = compare(ref, newer, thresholds_min=[10])
    assert diff.places.loc["c", "presence"] == "only_before"
    assert diff.places.loc["c", "status"] == "only_before"
    assert diff.ledger.loc["MSP", "only_before"] == 10.0
    assert diff.ledger.loc["MSP", "total_after"] == 150.0
    back = compare(newer, ref, thresholds_min=[10])
    assert back.places.loc["c", "presence"] == "only_after"
    assert back.ledger.loc["MSP", "only_after"] == 10.0


def test_bad_changes_are_refused(ref):
    sample = cached_sample()
    with pytest.raises(InputError, match="not open structures"):
        apply(ref, close=["MSP-99"])
    with pytest.raises(InputError, match="repeats"):
        apply(ref, close=["MSP-01", "MSP-01"])
    reused = _new_sites(sample, [(590_000, 6_372_000)], ["MSP"])
    reused.index = ["MSP-02"]
    with pytest.raises(InputError, match="reuses the id"):
        apply(ref, open=reused)
    with pytest.raises(InputError, match="has none of"):
        apply(ref, open=_new_sites(sample, [(590_000, 6_372_000)], ["DAC"]))
    off_road = _new_sites(sample, [(500_000, 6_300_000)], ["MSP"])
    with pytest.warns(UserWarning, match=r"\['NEW-1'\] are farther"):
        far = apply(ref, open=off_road)
    assert far.nearest["nearest_id_MSP"].ne("NEW-1").all()
    no_crs = _new_sites(sample, [(590_000, 6_372_000)], ["MSP"])
    no_crs = no_crs.set_crs(None, allow_override=True)
    with pytest.raises(InputError, match="CRS"):
        apply(ref, open=no_crs)
    with pytest.raises(InputError, match="not open after the change"):
        apply(ref, close=["MSP-03"], capacity={"MSP-03": 1.0})
    with pytest.raises(InputError, match="capacity"):
        apply(ref, capacity={"MSP-04": -1.0})
    places, sites = _hand_frames()
    plain = baseline(_hand_matrix(), places, sites, max_time_min=30)
    with pytest.raises(InputError, match="needs an index"):
        apply(plain, capacity={"S1": 3.0})
    far = gpd.GeoDataFrame({"kind": ["MSP"]}, geometry=gpd.points_from_xy([X0], [Y0]),
                           crs="EPSG:2154", index=["Z9"])  # fmt: skip
    with pytest.raises(InputError, match="needs a search"):
        apply(plain, open=far)
    with pytest.raises(InputError, match="stops at"):
        compare(plain, plain, thresholds_min=[10, 45])
    with pytest.raises(InputError, match="below `max_time_min`"):
        baseline(_hand_matrix(), places, sites, max_time_min=45)
    with pytest.raises(InputError, match="absent from the matrix's origins"):
        extra = pd.concat([places, places.iloc[[0]].rename(index={"a": "z"})])
        baseline(_hand_matrix(), extra, sites, max_time_min=30)


def test_a_kind_absent_at_one_date_is_out_of_reach_there():
    sample = cached_sample()
    care = _care(sample)
    older = baseline(cached_network(), sample.population,
                     care[care["kind"] != "CDS"], max_time_min=BOUND)  # fmt: skip
    newer = baseline(cached_network(), sample.population, care, max_time_min=BOUND)
    diff = compare(older, newer)
    assert older.groups == ["ESP", "MSP"]
    assert diff.places["time_before_min_CDS"].isna().all()
    reached = newer.nearest["reachable_CDS"]
    status = diff.places["status_CDS"].astype(str)
    assert (status[reached] == "gained").all()
    assert (status[~reached] == "unchanged").all()
    total = sample.population["population"].sum()
    assert diff.ledger.loc["CDS", "gained"] == pytest.approx(
        sample.population.loc[reached, "population"].sum(), rel=1e-12
    )
    assert diff.ledger.loc["CDS", "total_before"] == pytest.approx(total, rel=1e-12)
    within = diff.summary.query("indicator == 'population_within' and kind == 'CDS'")
    assert (within["before"] == 0).all() and (within["after"] > 0).all()
    assert set(diff.structures.query("change == 'opened'")["kind"]) == {"CDS"}
