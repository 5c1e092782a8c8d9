"""suggest_sites: hand cases, brute force, the (1 - 1/e) bound, the road network."""

import itertools
import math
import warnings

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import geopandas as gpd

from coordogeo.access import (
    TravelTimeMatrix,
    crowfly_matrix,
    nearest,
    travel_time_matrix,
)
from coordogeo.errors import InputError
from coordogeo.underserved import suggest_sites
from tests.conftest import cached_network, cached_sample


def matrix_of(
    pairs: dict[tuple[str, str], float],
    bound: float = 30,
    *,
    origins: list[str] | None = None,
    destinations: list[str] | None = None,
) -> TravelTimeMatrix:
    table = pd.DataFrame(
        [(o, d, t) for (o, d), t in pairs.items()],
        columns=["origin", "destination", "time_min"],
    )
    return TravelTimeMatrix.from_table(
        table,
        max_time_min=bound,
        origins=None if origins is None else pd.Index(origins),
        destinations=None if destinations is None else pd.Index(destinations),
    )


def people(**counts: float) -> pd.DataFrame:
    return pd.DataFrame({"population": list(counts.values())}, index=list(counts))


def test_greedy_is_greedy_even_when_two_smaller_sites_do_better():
    # S3 covers a, c and x (2.5 people); S1 covers a, b; S2 covers c, d.
    matrix = matrix_of(
        {
            ("a", "S1"): 5, ("b", "S1"): 5,
            ("c", "S2"): 5, ("d", "S2"): 5,
            ("a", "S3"): 5, ("c", "S3"): 5, ("x", "S3"): 5,
        }
    )  # fmt: skip
    pop = people(a=1, b=1, c=1, d=1, x=0.5)
    out = suggest_sites(matrix, pop, [], ["S1", "S2", "S3"], n_sites=2)
    assert out.index.tolist() == ["S3", "S1"]  # S1 and S2 tie at 1: the first
    assert out["population_gain"].tolist() == [2.5, 1.0]
    assert out["population_covered"].tolist() == [2.5, 3.5]
    assert out["share_covered"].tolist() == pytest.approx([2.5 / 4.5, 3.5 / 4.5])
    assert _best(matrix, pop, [], ["S1", "S2", "S3"], 2, 20) == 4.0
    assert (1 - 1 / math.e) * 4.0 <= 3.5


def test_existing_sites_and_the_inclusive_bound():
    matrix = matrix_of(
        {("a", "E"): 20.0, ("b", "C1"): 20.0, ("b", "C2"): 12.0, ("c", "C2"): 20.5}
    )
    pop = people(a=50, b=30, c=20)
    out = suggest_sites(matrix, pop, ["E"], ["C1", "C2"], n_sites=1)
    # a is covered at exactly 20 min; C1 and C2 both add b; c is at 20.5 min
    assert out.index.tolist() == ["C1"]
    assert out["population_gain"].tolist() == [30.0]
    assert out["population_covered"].tolist() == [80.0]
    assert out["time_model"].tolist() == [matrix.description]


def test_stops_with_a_warning_when_nobody_new_can_be_covered():
    matrix = matrix_of({("a", "C1"): 5.0, ("a", "C2"): 6.0, ("b", "E"): 1.0})
    with pytest.warns(UserWarning, match="Only 1 of the 2 sites"):
        out = suggest_sites(matrix, people(a=10, b=5), ["E"], ["C1", "C2"], n_sites=2)
    assert out.index.tolist() == ["C1"]


def test_candidate_rows_are_kept_when_candidates_is_a_frame():
    matrix = matrix_of({("a", "C1"): 5.0, ("b", "C2"): 6.0})
    candidates = pd.DataFrame({"nom": ["Albas", "Bélaye"]}, index=["C1", "C2"])
    out = suggest_sites(matrix, people(a=1, b=2), [], candidates, n_sites=2)
    assert out["nom"].tolist() == ["Bélaye", "Albas"]
    assert out["step"].tolist() == [1, 2]


def test_bad_input_is_refused():
    matrix = matrix_of({("a", "C1"): 5.0, ("b", "C2"): 6.0, ("a", "E"): 3.0}, bound=15)
    pop = people(a=1, b=2)
    with pytest.raises(InputError, match="`candidates` is empty"):
        suggest_sites(matrix, pop, ["E"], [])
    with pytest.raises(InputError, match="only 2 candidate"):
        suggest_sites(matrix, pop, ["E"], ["C1", "C2"], n_sites=3)
    with pytest.raises(InputError, match="whole number"):
        suggest_sites(matrix, pop, ["E"], ["C1", "C2"], n_sites=1.5)  # type: ignore[arg-type]
    with pytest.raises(InputError, match="`n_sites` must be >= 1"):
        suggest_sites(matrix, pop, ["E"], ["C1", "C2"], n_sites=0)
    with pytest.raises(InputError, match="share the id"):
        suggest_sites(matrix, pop, ["E"], ["C1", "E"], n_sites=1)
    with pytest.raises(InputError, match="repeats the id"):
        suggest_sites(matrix, pop, ["E"], ["C1", "C1"], n_sites=1)
    with pytest.raises(InputError, match=r"`candidates` ids \['C9'\]"):
        suggest_sites(matrix, pop, ["E"], ["C1", "C9"], n_sites=1, max_time_min=10)
    with pytest.raises(InputError, match="stops at 15 min"):
        suggest_sites(matrix, pop, ["E"], ["C1", "C2"], n_sites=1, max_time_min=20)
    with pytest.raises(InputError, match="not origins of the matrix"):
        suggest_sites(
            matrix, people(a=1, z=2), ["E"], ["C1"], n_sites=1, max_time_min=10
        )
    with pytest.raises(InputError, match="missing or negative"):
        suggest_sites(
            matrix, people(a=1, b=-2), ["E"], ["C1"], n_sites=1, max_time_min=10
        )
    with pytest.raises(InputError, match="RoadNetwork or a TravelTimeMatrix"):
        suggest_sites(None, pop, ["E"], ["C1"], n_sites=1)  # type: ignore[arg-type]
    with pytest.raises(InputError, match="must be a GeoDataFrame of sites"):
        suggest_sites(cached_network(), pop, ["E"], ["C1"], n_sites=1)


def _covered(matrix, pop, sites, bound) -> float:
    table = matrix.to_table()
    near = table[table["destination"].isin(sites) & (table["time_min"] <= bound)]
    return float(pop.loc[pop.index.isin(near["origin"]), "population"].sum())


def _best(matrix, pop, existing, candidates, k, bound) -> float:
    return max(
        _covered(matrix, pop, [*existing, *chosen], bound)
        for chosen in itertools.combinations(candidates, k)
    )


@settings(max_examples=60, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), k=st.integers(1, 4))
def test_greedy_against_brute_force(seed, k):
    rng = np.random.default_rng(seed)
    places = [f"p{i}" for i in range(12)]
    sites = [f"s{j}" for j in range(7)]
    pairs = {
        (p, s): float(rng.uniform(0, 40))
        for p in places
        for s in sites
        if rng.random() < 0.35
    }
    pairs[("p0", "s0")] = 1.0  # at least one pair
    matrix = matrix_of(pairs, bound=40, origins=places, destinations=sites)
    pop = pd.DataFrame({"population": rng.integers(0, 500, len(places))}, index=places)
    existing, candidates = sites[:1], sites[1:]
    if k > len(candidates):
        return
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # too few useful candidates
        out = suggest_sites(matrix, pop, existing, candidates, n_sites=k)
    base = _covered(matrix, pop, existing, 20)
    greedy = _covered(matrix, pop, [*existing, *out.index], 20)
    best = _best(matrix, pop, existing, candidates, k, 20)
    assert greedy == pytest.approx(
        out["population_covered"].iloc[-1] if len(out) else base
    )
    assert greedy - base >= (1 - 1 / math.e) * (best - base) - 1e-9
    if k == 1:
        assert greedy == best  # one step of greedy is exact
    gains = out["population_gain"].to_numpy()
    assert (np.diff(gains) <= 1e-9).all()  # submodular: gains never grow
    assert (gains > 0).all()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        exact = suggest_sites(matrix, pop, existing, candidates, n_sites=k,
                              method="exact")  # fmt: skip
    assert exact.attrs["optimal"] is True
    assert len(exact) <= k
    assert _covered(matrix, pop, [*existing, *exact.index], 20) == pytest.approx(best)
    if len(exact):
        assert exact["population_covered"].iloc[-1] == pytest.approx(best)


def test_exact_finds_the_pair_greedy_misses():
    matrix = matrix_of(
        {
            ("a", "S1"): 5, ("b", "S1"): 5,
            ("c", "S2"): 5, ("d", "S2"): 5,
            ("a", "S3"): 5, ("c", "S3"): 5, ("x", "S3"): 5,
        }
    )  # fmt: skip
    pop = people(a=1, b=1, c=1, d=1, x=0.5)
    out = suggest_sites(matrix, pop, [], ["S1", "S2", "S3"], n_sites=2, method="exact")
    assert sorted(out.index) == ["S1", "S2"]
    assert out["population_covered"].iloc[-1] == 4.0
    assert out["step"].tolist() == [1, 2]
    assert out.attrs == {"method": "exact", "optimal": True, "mip_gap": 0.0}
    greedy = suggest_sites(matrix, pop, [], ["S1", "S2", "S3"], n_sites=2)
    assert greedy.attrs["method"] == "greedy" and greedy.attrs["optimal"] is None


def test_exact_refuses_an_unknown_method_or_a_bad_time_limit():
    matrix = matrix_of({("a", "S1"): 5})
    with pytest.raises(InputError, match="method"):
        suggest_sites(matrix, people(a=1), [], ["S1"], n_sites=1, method="best")
    with pytest.raises(InputError, match="time_limit_s"):
        suggest_sites(matrix, people(a=1), [], ["S1"], n_sites=1, method="exact",
                      time_limit_s=0)  # fmt: skip


def test_exact_reaches_at_least_greedy_on_the_sample():
    sample, network = cached_sample(), cached_network()
    msp = sample.structures[sample.structures["kind"] == "MSP"]
    bourgs = gpd.GeoDataFrame(
        sample.communes[["nom"]],
        geometry=gpd.points_from_xy(
            sample.communes["bourg_x"], sample.communes["bourg_y"]
        ),
        crs=sample.communes.crs,
    )
    bourgs.index = "bourg-" + bourgs.index
    sites = pd.concat([msp[["geometry"]], bourgs[["geometry"]]])
    matrix = travel_time_matrix(network, sample.population, sites, max_time_min=20)
    for n in (1, 3):
        greedy = suggest_sites(matrix, sample.population, msp, bourgs, n_sites=n)
        exact = suggest_sites(
            matrix, sample.population, msp, bourgs, n_sites=n, method="exact"
        )
        assert exact.attrs["optimal"] is True
        g, e = (f["population_covered"].iloc[-1] for f in (greedy, exact))
        assert e >= g - 1e-6
        if n == 1:
            assert e == pytest.approx(g)
        assert _covered(matrix, sample.population, [*msp.index, *exact.index], 20) == (
            pytest.approx(e)
        )


def test_on_the_road_network_it_agrees_with_nearest():
    sample, network = cached_sample(), cached_network()
    msp = sample.structures[sample.structures["kind"] == "MSP"]
    bourgs = gpd.GeoDataFrame(
        sample.communes[["nom"]],
        geometry=gpd.points_from_xy(
            sample.communes["bourg_x"], sample.communes["bourg_y"]
        ),
        crs=sample.communes.crs,
    ).iloc[::5]
    bourgs.index = "bourg-" + bourgs.index
    out = suggest_sites(network, sample.population, msp, bourgs, n_sites=3)
    assert out["step"].tolist() == [1, 2, 3]
    assert out.geometry.geom_type.eq("Point").all()
    # the same coverage by another route: nearest() to the MSP plus the chosen sites
    sites = pd.concat([msp[["geometry"]], out[["geometry"]].to_crs(msp.crs)])
    reach = nearest(network, sample.population, sites, max_time_min=20)
    covered = sample.population.loc[reach["travel_time_min"] <= 20, "population"].sum()
    assert out["population_covered"].iloc[-1] == pytest.approx(covered, rel=1e-9)
    before = nearest(network, sample.population, msp, max_time_min=20)
    base = sample.population.loc[before["travel_time_min"] <= 20, "population"].sum()
    first = out.iloc[0]
    assert first["population_covered"] - first["population_gain"] == pytest.approx(base)


def test_a_crowfly_matrix_works_the_same_way():
    sample = cached_sample()
    communes = sample.communes
    msp = communes.loc[communes.index[:3]]
    others = communes.loc[communes.index[3:40]]
    matrix = crowfly_matrix(communes, communes, speed_kmh=60, max_time_min=20)
    out = suggest_sites(matrix, communes, msp, others, n_sites=2)
    assert out["time_model"].str.contains("crow").all()
    assert out["population_gain"].is_monotonic_decreasing


def test_n_jobs_changes_nothing_but_the_threads(sample, network):
    msp = sample.structures[sample.structures["kind"] == "MSP"]
    candidates = sample.communes.representative_point().to_frame("geometry")
    candidates = gpd.GeoDataFrame(candidates, crs=sample.communes.crs).iloc[:40]
    one = suggest_sites(network, sample.population, msp, candidates, n_sites=3)
    two = suggest_sites(network, sample.population, msp, candidates, n_sites=3,
                        n_jobs=2)  # fmt: skip
    pd.testing.assert_frame_equal(one, two)
