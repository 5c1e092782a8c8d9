"""FCA family: known answers, PySAL `access` cross-checks, properties."""

import logging
import warnings

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from coordogeo import InputError
from coordogeo.access import TravelTimeMatrix, decay, fca

access = pytest.importorskip("access", reason="PySAL access is a test dependency")
weights = pytest.importorskip("access.weights")

RTOL = 1e-9  # both sides are float64 sums of the same terms in another order


def random_case(seed: int, n_demand: int = 40, n_supply: int = 9):
    """Build a seeded table: times on the 10/20/30 bounds, every site in reach."""
    rng = np.random.default_rng(seed)
    o = [f"o{i}" for i in range(n_demand)]
    d = [f"s{j}" for j in range(n_supply)]
    oo, dd = np.meshgrid(np.arange(n_demand), np.arange(n_supply), indexing="ij")
    t = rng.uniform(0, 45, size=oo.shape).round(1)
    t[rng.random(t.shape) < 0.1] = rng.choice([10.0, 20.0, 30.0])  # exact bounds
    t[:, 0] = np.minimum(t[:, 0], 35)
    t[0, :] = 3.0  # every site has demand within 10 min
    keep = t <= 30
    table = pd.DataFrame(
        {
            "origin": np.array(o)[oo[keep]],
            "destination": np.array(d)[dd[keep]],
            # the minutes a matrix stores (float32), so that both sides read the same
            "time_min": t[keep].astype(np.float32).astype(np.float64),
        }
    )
    demand = pd.DataFrame(
        {"population": rng.integers(50, 5000, n_demand) * 1.0}, index=o
    )
    supply = pd.DataFrame({"capacity": rng.uniform(0.5, 8, n_supply)}, index=d)
    matrix = TravelTimeMatrix.from_table(table, max_time_min=30, origins=pd.Index(o))
    return matrix, demand, supply, table


def pysal(table, demand, supply, method, weight_fn=None):
    a = access.Access(
        demand_df=demand.rename_axis("geoid"),
        demand_value="population",
        supply_df=supply.rename_axis("geoid"),
        supply_value="capacity",
        cost_df=table,
        cost_origin="origin",
        cost_dest="destination",
        cost_name="time_min",
    )
    run = {
        "2sfca": a.two_stage_fca,
        "e2sfca": a.enhanced_two_stage_fca,
        "3sfca": a.three_stage_fca,
    }[method]
    with warnings.catch_warnings():
        # pandas 3 deprecations inside access itself, not in our code
        warnings.simplefilter("ignore", DeprecationWarning)
        warnings.simplefilter("ignore", FutureWarning)
        out = run(max_cost=30, weight_fn=weight_fn)
    return out[f"{method}_capacity"].reindex(demand.index).fillna(0.0)


@pytest.fixture(autouse=True)
def _quiet_access():
    logging.getLogger("access").setLevel(logging.ERROR)


@pytest.mark.parametrize("seed", [0, 1, 2])
@pytest.mark.parametrize("method", ["2sfca", "e2sfca", "3sfca"])
def test_equals_pysal_access(seed, method):
    matrix, demand, supply, table = random_case(seed)
    ours = fca(matrix, demand, supply, method=method).demand
    theirs = pysal(table, demand, supply, method)
    np.testing.assert_allclose(
        ours[f"{method}_capacity_per_inhabitant"], theirs, rtol=RTOL, atol=0
    )


def test_gravity_equals_pysal_two_stage_with_a_gravity_weight():
    matrix, demand, supply, table = random_case(3)
    ours = fca(matrix, demand, supply, method="gravity").demand
    theirs = pysal(
        table, demand, supply, "2sfca", weights.gravity(scale=1, alpha=-1, min_dist=1)
    )
    np.testing.assert_allclose(
        ours["gravity_capacity_per_inhabitant"], theirs, rtol=RTOL
    )


def test_gaussian_decay_equals_pysal():
    matrix, demand, supply, table = random_case(4)
    ours = fca(matrix, demand, supply, method="2sfca",
               decay=decay.gaussian(sigma_min=12)).demand  # fmt: skip
    theirs = pysal(table, demand, supply, "2sfca", weights.gaussian(12))
    np.testing.assert_allclose(ours["2sfca_capacity_per_inhabitant"], theirs, rtol=RTOL)


def test_inclusive_bounds_on_a_hand_case():
    # a at exactly 10 min from x, b at 10.5 min: e2sfca weights 1 and 0.68
    table = pd.DataFrame({"origin": ["a", "b"], "destination": ["x", "x"],
                          "time_min": [10.0, 10.5]})  # fmt: skip
    m = TravelTimeMatrix.from_table(table, max_time_min=30)
    people = pd.DataFrame({"population": [100.0, 100.0]}, index=["a", "b"])
    site = pd.DataFrame({"capacity": [1.68]}, index=["x"])
    out = fca(m, people, site, method="e2sfca")
    # R = 1.68 / (100 + 68) = 0.01; A_a = 0.01, A_b = 0.0068
    assert out.supply["capacity_per_inhabitant"].tolist() == pytest.approx([0.01])
    assert out.demand["e2sfca_capacity_per_inhabitant"].tolist() == pytest.approx(
        [0.01, 0.0068], rel=1e-12
    )


def reference_bfca(matrix, demand, supply):
    """Paez et al. (2019) written as dense loops, as a check of the vectorised one."""
    n_o, n_d = matrix.shape
    w = np.zeros((n_o, n_d))
    for i, j, t in zip(matrix.origin, matrix.destination, matrix.time_min, strict=True):
        w[i, j] = 1.0 if t <= matrix.max_time_min else 0.0
    row = w.sum(axis=1, keepdims=True)
    col = w.sum(axis=0, keepdims=True)
    wi = np.divide(w, row, out=np.zeros_like(w), where=row > 0)
    wj = np.divide(w, col, out=np.zeros_like(w), where=col > 0)
    p = demand["population"].reindex(matrix.origins).to_numpy()
    s = supply["capacity"].reindex(matrix.destinations).to_numpy()
    ratio = s / (p @ wi)
    return wj @ ratio


def test_bfca_equals_the_reference_and_balances_demand():
    matrix, demand, supply, _ = random_case(5)
    out = fca(matrix, demand, supply, method="bfca")
    expected = reference_bfca(matrix, demand, supply)
    np.testing.assert_allclose(out.demand["bfca_capacity_per_inhabitant"], expected,
                               rtol=RTOL)  # fmt: skip
    # demand is not inflated: the balanced demand of the sites sums to the population
    # of the places that reach some site
    reached = out.demand["n_sites_in_reach"] > 0
    assert out.supply["demand_in_reach"].sum() == pytest.approx(
        demand.loc[reached, "population"].sum(), rel=1e-12
    )


@pytest.mark.parametrize("method", ["2sfca", "e2sfca", "3sfca", "gravity"])
@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 10_000))
def test_total_supply_is_conserved(method, seed):
    matrix, demand, supply, _ = random_case(seed, n_demand=15, n_supply=5)
    out = fca(matrix, demand, supply, method=method)
    score = out.demand[f"{method}_capacity_per_inhabitant"]
    assert (demand["population"] * score).sum() == pytest.approx(
        supply["capacity"].sum(), rel=1e-9
    )


@pytest.mark.parametrize("method", ["2sfca", "e2sfca", "3sfca", "gravity", "bfca"])
@settings(max_examples=20, deadline=None)
@given(seed=st.integers(0, 10_000), site=st.integers(0, 4), extra=st.floats(0, 50))
def test_more_supply_never_lowers_a_score_and_demand_scales_inversely(
    method, seed, site, extra
):
    matrix, demand, supply, _ = random_case(seed, n_demand=15, n_supply=5)
    column = f"{method}_capacity_per_inhabitant"
    base = fca(matrix, demand, supply, method=method).demand[column]
    more = supply.copy()
    more.iloc[site, 0] += extra
    bigger = fca(matrix, demand, more, method=method).demand[column]
    assert (bigger >= base - 1e-15).all()
    tripled = demand.assign(population=demand["population"] * 3)
    scaled = fca(matrix, tripled, supply, method=method).demand[column]
    np.testing.assert_allclose(scaled, base / 3, rtol=1e-12)


def test_normalised_scores_have_a_weighted_mean_of_one():
    matrix, demand, supply, _ = random_case(6)
    out = fca(matrix, demand, supply, method="e2sfca", normalize=True).demand
    mean = (out["e2sfca_index"] * demand["population"]).sum() / demand[
        "population"
    ].sum()
    assert mean == pytest.approx(1.0, rel=1e-12)


def test_unreached_places_and_sites_are_reported_not_dropped():
    table = pd.DataFrame({"origin": ["a"], "destination": ["x"], "time_min": [5.0]})
    m = TravelTimeMatrix.from_table(
        table, origins=pd.Index(["a", "lost"]), destinations=pd.Index(["x", "alone"])
    )
    people = pd.DataFrame({"population": [10.0, 20.0]}, index=["a", "lost"])
    sites = pd.DataFrame({"capacity": [1.0, 3.0]}, index=["x", "alone"])
    out = fca(m, people, sites)
    assert out.demand.index.tolist() == ["a", "lost"]
    assert out.demand["2sfca_capacity_per_inhabitant"].tolist() == [0.1, 0.0]
    assert out.demand["n_sites_in_reach"].tolist() == [1, 0]
    assert out.supply["has_demand_in_reach"].tolist() == [True, False]
    assert np.isnan(out.supply.loc["alone", "capacity_per_inhabitant"])
    assert (out.demand["time_model"] == m.description).all()


def test_bad_input():
    matrix, demand, supply, _ = random_case(7)
    with pytest.raises(InputError, match=r"`method` was 'raam'.*'2sfca', 'e2sfca'"):
        fca(matrix, demand, supply, method="raam")  # type: ignore[arg-type]
    with pytest.raises(InputError, match=r"`decay` was 'drees'.*'drees_apl'"):
        fca(matrix, demand, supply, decay="drees")
    with pytest.raises(InputError, match=r"absent from the matrix origins: \['zz'\]"):
        fca(matrix, pd.concat([demand, demand.iloc[:1].rename({"o0": "zz"})]), supply)
    with pytest.raises(InputError, match=r"`supply\['capacity'\]` is missing or neg"):
        fca(matrix, demand, supply.assign(capacity=-1.0))
    with pytest.raises(InputError, match=r"`demand\['population'\]` is missing"):
        fca(matrix, demand.assign(population=np.nan), supply)
    with pytest.raises(InputError, match=r"`step bounds` must be a number > 0"):
        decay.step({0: 1.0})
    with pytest.raises(InputError, match="weights must be finite and >= 0"):
        fca(matrix, demand, supply, decay=lambda t: -t)
    with pytest.raises(InputError, match="must be finite and >= 0"):
        decay.step({10: -1.0})
