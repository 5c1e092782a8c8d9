"""Time what-if scenarios against recomputing, and the exact sites against spopt.

1. Scenarios, on the generated grid road network of ``bench_nearest.py`` (about
   300,000 nodes), 60,000 populated origins and 150 structures (MSP and centres de
   santé with a capacity), 30 min bound, with a 2SFCA index:

   - ``baseline``: the full computation (searches, stored pairs, nearest of each kind,
     index), what a user re-runs today for every change;
   - one scenario, ``apply(open=one, close=one)``: its one bounded search, the
     nearest update, the index re-weighed;
   - the same scenario without an index (times only);
   - a loop of ``--scenarios`` such scenarios (each from the baseline), against one
     baseline; then the same loop reading each scenario's ``nearest`` and ``index``
     tables (a State builds its frames on first read).

2. Optimal sites on the sample territory (3,765 cells, 14 MSP, the bourgs of its
   201 communes as candidates, 20 min): ``suggest_sites(method="exact")`` (HiGHS
   through scipy.optimize.milp) against PySAL ``spopt``'s ``MCLP`` (CBC through
   pulp) on the same matrix, and the greedy choice's share of the optimum.

Run: ``python benchmarks/bench_scenarios.py`` (a few minutes on 2 cores; needs the
``bench`` extra: ``pip install -e '.[bench]'``).
"""

from __future__ import annotations

import time
import warnings

import numpy as np
import pandas as pd
from _common import best_of, grid_roads, parse_args, random_points

import geopandas as gpd

from coordogeo import RoadNetwork
from coordogeo.access import travel_time_matrix
from coordogeo.datasets import sample_territory
from coordogeo.scenarios import IndexOptions, apply, baseline
from coordogeo.underserved import suggest_sites

LIMIT_MIN = 30.0


def scenario_figures(args: object) -> None:
    """Baseline against one scenario and against a loop of scenarios."""
    rng = np.random.default_rng(0)
    side = args.side  # type: ignore[attr-defined]
    net = RoadNetwork.from_roads(grid_roads(side, rng))
    places = random_points(args.origins, side, rng)  # type: ignore[attr-defined]
    places["population"] = rng.integers(0, 200, len(places)).astype(float)
    sites = random_points(args.destinations, side, rng)  # type: ignore[attr-defined]
    sites["kind"] = rng.choice(["MSP", "CDS"], len(sites), p=[0.7, 0.3])
    sites["capacity"] = rng.uniform(2_000, 20_000, len(sites))
    sites.index = [f"S{i:04d}" for i in range(len(sites))]
    n_new = args.scenarios + 1  # type: ignore[attr-defined]
    new = random_points(n_new, side, rng)
    new["kind"] = "MSP"
    new["capacity"] = 8_000.0
    new.index = [f"NEW{i:04d}" for i in range(n_new)]
    closes = rng.choice(sites.index, n_new)
    index = IndexOptions()

    def base(with_index: bool = True):
        return baseline(net, places, sites, max_time_min=LIMIT_MIN,
                        index=index if with_index else None)  # fmt: skip

    t_base = best_of(args.repeat, base)  # type: ignore[attr-defined]
    ref = base()
    ref.matrix  # noqa: B018 - built by the baseline, as a user's first look would
    t_one = best_of(
        args.repeat,  # type: ignore[attr-defined]
        lambda: apply(ref, open=new.iloc[[0]], close=[closes[0]]),
    )
    t_base_times = best_of(args.repeat, lambda: base(False))  # type: ignore[attr-defined]
    ref_times = base(False)
    t_one_times = best_of(
        args.repeat,  # type: ignore[attr-defined]
        lambda: apply(ref_times, open=new.iloc[[0]], close=[closes[0]]),
    )
    t0 = time.perf_counter()
    for k in range(1, n_new):
        apply(ref, open=new.iloc[[k]], close=[closes[k]])
    t_loop = time.perf_counter() - t0
    t0 = time.perf_counter()
    for k in range(1, n_new):  # and read each one's tables (built on first read)
        after = apply(ref, open=new.iloc[[k]], close=[closes[k]])
        after.nearest, after.index  # noqa: B018
    t_loop_read = time.perf_counter() - t0
    print(
        f"scenarios: {net.graph.shape[0]:,} nodes, {len(places):,} places, "
        f"{len(sites)} structures, {ref.matrix.n_pairs:,} pairs within "
        f"{LIMIT_MIN:g} min"
    )
    print(f"  baseline with index      {t_base:8.3f} s")
    print(f"  one scenario (open+close) {t_one:7.3f} s  = {t_one / t_base:6.1%} of it")
    print(f"  baseline, times only     {t_base_times:8.3f} s")
    print(f"  one scenario, times only {t_one_times:8.3f} s  = "
          f"{t_one_times / t_base_times:6.1%} of it")  # fmt: skip
    print(f"  {n_new - 1} scenarios in a loop  {t_loop:8.3f} s  = "
          f"{t_loop / t_base:5.2f} x one baseline")  # fmt: skip
    print(f"  same, each one's nearest and index tables read {t_loop_read:8.3f} s  = "
          f"{t_loop_read / t_base:5.2f} x one baseline")  # fmt: skip


def site_figures() -> None:
    """Exact maximal covering: HiGHS (ours) against spopt's MCLP (CBC)."""
    import pulp  # noqa: PLC0415 - bench extra
    from spopt.locate import MCLP  # noqa: PLC0415 - bench extra

    sample = sample_territory()
    net = RoadNetwork.from_roads(sample.roads)
    msp = sample.structures[sample.structures["kind"] == "MSP"]
    communes = sample.communes
    bourgs = gpd.GeoDataFrame(
        geometry=gpd.points_from_xy(communes["bourg_x"], communes["bourg_y"]),
        crs=communes.crs,
        index="bourg-" + communes.index,
    )
    sites = pd.concat([msp[["geometry"]], bourgs])
    for bound, n in ((20.0, 3), (15.0, 3), (20.0, 5)):
        matrix = travel_time_matrix(net, sample.population, sites, max_time_min=bound)
        t0 = time.perf_counter()
        exact = suggest_sites(matrix, sample.population, msp, bourgs, n_sites=n,
                              max_time_min=bound, method="exact")  # fmt: skip
        t_ours = time.perf_counter() - t0
        greedy = suggest_sites(matrix, sample.population, msp, bourgs, n_sites=n,
                               max_time_min=bound)  # fmt: skip
        dense = np.full(matrix.shape, 1e6)
        dense[matrix.origin, matrix.destination] = matrix.time_min
        weights = sample.population["population"].to_numpy(float)
        t0 = time.perf_counter()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            model = MCLP.from_cost_matrix(
                dense, weights, service_radius=bound, p_facilities=len(msp) + n,
                predefined_facilities_arr=np.r_[np.ones(len(msp), bool),
                                                np.zeros(len(bourgs), bool)],
            )  # fmt: skip
            model = model.solve(pulp.PULP_CBC_CMD(msg=False))
        t_spopt = time.perf_counter() - t0
        spopt_cov = float(weights @ (dense.min(axis=1, where=np.r_[
            np.ones(len(msp), bool), _chosen(model, len(sites))[len(msp):]
        ][None, :], initial=1e6) <= bound))  # fmt: skip
        ours = float(exact["population_covered"].iloc[-1])
        greedy_cov = float(greedy["population_covered"].iloc[-1])
        print(
            f"sites {bound:g} min, {n} new: exact {ours:,.0f} inhabitants "
            f"({t_ours:.2f} s, proved {exact.attrs['optimal']}), spopt "
            f"{spopt_cov:,.0f} ({t_spopt:.2f} s) -> {t_spopt / t_ours:5.1f}x faster; "
            f"greedy {greedy_cov:,.0f} = {greedy_cov / ours:.2%} of the optimum"
        )


def _chosen(model: object, n_sites: int) -> np.ndarray:
    """Return the sites spopt opened, as a boolean array."""
    chosen = np.zeros(n_sites, dtype=bool)
    for j, var in enumerate(model.fac_vars):  # type: ignore[attr-defined]
        chosen[j] = (var.value() or 0) > 0.5
    return chosen


def main() -> None:
    """Print both sets of figures."""
    parser_args = parse_args(__doc__, extra={"--scenarios": 100})
    scenario_figures(parser_args)
    site_figures()


if __name__ == "__main__":
    main()
