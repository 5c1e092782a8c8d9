"""Build, save and load a road network, and a catchment search, by network size.

For each grid side given (``--sides``; 550 ≈ 0.3 M nodes, a département; 1730 ≈
3 M nodes, a region), on the generated grid of ``_common.py`` (seed 0):

- ``RoadNetwork.from_roads`` on one line per street: time, and the process's peak
  memory after it (``ru_maxrss``, which only grows: read the largest size last);
- ``network.save(folder)`` and ``RoadNetwork.load(folder)`` (arrays mapped from
  disk, the KD-tree rebuilt), against the build;
- the fixed cost of a search: ``travel_time_matrix`` from 20 sites bounded at
  1 minute (nearly nothing reached), per site, on the second call (the first
  also loads the compiled search kernel from numba's cache, or compiles it);
- ``travel_time_matrix`` at 30 minutes from ``--sites`` sites to ``--origins``
  places, ``n_jobs=1`` and ``n_jobs=2``, on the built and on the loaded network
  (the same pairs: checked), against a bare scipy loop (one
  ``dijkstra(limit=1800)`` per site on the reversed graph; no snapping, no
  extraction) in the same run, twice: on the graph as built (nodes in Morton
  order) and on the same graph in the generator's own order (row by row of the
  grid, the order issue 17's targets are set against). Absolute times on a shared
  machine vary from one session to the next, the ratios much less;
- with ``--candidates N``, ``suggest_sites`` (greedy, 3 new sites, 30 minutes)
  from N candidate sites at random plus the sites above as existing structures,
  ``n_jobs=1`` and ``n_jobs=2`` (issue 17 quotes 135 s on one core for 3,750
  candidates on a region before the compiled kernel).

Run: ``python benchmarks/bench_scale.py --sides 550 1730`` (about 3 minutes on 2
cores and 3 GB for the region; side 3900 is France-size, 15 M nodes).
"""

from __future__ import annotations

import argparse
import resource
import tempfile
import time
from pathlib import Path

import numpy as np
from _common import grid_roads, random_points
from scipy.sparse.csgraph import dijkstra

import geopandas as gpd

from coordogeo import RoadNetwork
from coordogeo.access import travel_time_matrix
from coordogeo.network.profile import TurnCosts
from coordogeo.network.roads import anchor_xy
from coordogeo.underserved import suggest_sites


def _peak_gb() -> float:
    """Peak resident memory of this process so far, in GB (Linux: kB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1e6


def one_size(
    side: int, n_origins: int, n_sites: int, n_candidates: int = 0, *, turns: bool
) -> None:
    """Print the figures of one grid size."""
    rng = np.random.default_rng(0)
    roads = grid_roads(side, rng)
    t0 = time.perf_counter()
    net = RoadNetwork.from_roads(roads, turn_costs=TurnCosts() if turns else None)
    t_build = time.perf_counter() - t0
    peak = _peak_gb()
    del roads
    origins = random_points(n_origins, side, rng)
    sites = random_points(n_sites, side, rng)
    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        folder = net.save(Path(tmp) / "reseau")
        t_save = time.perf_counter() - t0
        t0 = time.perf_counter()
        loaded = RoadNetwork.load(folder)
        t_load = time.perf_counter() - t0
        few = sites.iloc[:20]
        t_fixed = []
        for _ in range(2):  # the first call also loads the compiled kernel
            t0 = time.perf_counter()
            travel_time_matrix(loaded, origins, few, max_time_min=1)
            t_fixed.append((time.perf_counter() - t0) / len(few))
        times = {}
        for name, network, jobs in (("built", net, 1), ("built", net, 2),
                                    ("loaded", loaded, 1)):  # fmt: skip
            t0 = time.perf_counter()
            matrix = travel_time_matrix(
                network, origins, sites, max_time_min=30, n_jobs=jobs
            )
            times[(name, jobs)] = (time.perf_counter() - t0, matrix)
        same = np.array_equal(
            times[("built", 1)][1].time_min, times[("loaded", 1)][1].time_min
        )
        nodes, _ = net.snap_xy(anchor_xy(sites), max_snap_m=net.max_snap_m)
        t0 = time.perf_counter()
        for node in nodes[nodes >= 0]:
            dijkstra(net.reverse_graph, indices=int(node), limit=1800.0)
        t_bare = time.perf_counter() - t0
        # The generator numbers its nodes row by row: x, then y.
        xy = net.node_xy
        order = np.lexsort((xy[:, 1], xy[:, 0]))
        rank = np.empty_like(order)
        rank[order] = np.arange(len(order))
        generated = net.reverse_graph[order][:, order].tocsr()
        t0 = time.perf_counter()
        for node in rank[nodes[nodes >= 0]]:
            dijkstra(generated, indices=int(node), limit=1800.0)
        t_generated = time.perf_counter() - t0
    print(
        f"side {side}: {net.n_nodes / 1e6:.2f} M nodes, {net.n_edges / 1e6:.2f} M "
        f"edges; {n_origins:,} places, {n_sites} sites, "
        f"{times[('built', 1)][1].n_pairs:,} pairs within 30 min"
    )
    _say_turns(net)
    print(f"  from_roads        {t_build:7.2f} s   peak RSS so far {peak:5.2f} GB")
    print(f"  save              {t_save:7.2f} s")
    print(f"  load              {t_load:7.2f} s   = {t_load / t_build:6.1%} of a build")
    print(f"  search at 1 min   {1000 * t_fixed[1]:7.2f} ms a site (fixed cost; "
          f"first call {1000 * t_fixed[0]:.2f} ms)")  # fmt: skip
    print(f"  bare scipy loop   {t_bare:7.2f} s on the built graph, "
          f"{t_generated:.2f} s in the generator's order")  # fmt: skip
    for (name, jobs), (seconds, _) in times.items():
        print(f"  matrix, {name:6s} n_jobs={jobs} {seconds:7.2f} s  = "
              f"{seconds / t_bare:4.2f} x the bare loop, "
              f"{seconds / t_generated:4.2f} x in the generator's order")  # fmt: skip
    print(f"  loaded network gives the same minutes: {same}")
    if n_candidates:
        _suggest(net, origins, sites, random_points(n_candidates, side, rng))


def _say_turns(net: RoadNetwork) -> None:
    """Print the size of the edge-based graph against the node graph."""
    if net.turns is None:
        return
    r = net.turns.report
    print(
        f"  turn costs on: {r.n_states / 1e6:.2f} M states, {r.n_arcs / 1e6:.2f} M "
        f"arcs ({r.n_states / net.n_nodes:.2f} and {r.n_arcs / net.n_edges:.2f} x "
        "the node graph's nodes and edges); the bare loop stays on the node graph"
    )


def _suggest(
    net: RoadNetwork,
    origins: gpd.GeoDataFrame,
    sites: gpd.GeoDataFrame,
    candidates: gpd.GeoDataFrame,
) -> None:
    """Time suggest_sites from ``candidates`` on one core and on two."""
    people = origins.assign(population=1.0)
    candidates = candidates.set_axis([f"c{i}" for i in range(len(candidates))])
    chosen = {}
    for jobs in (1, 2):
        t0 = time.perf_counter()
        out = suggest_sites(net, people, sites, candidates, n_sites=3,
                            max_time_min=30, n_jobs=jobs)  # fmt: skip
        chosen[jobs] = list(out.index)
        print(f"  suggest_sites, {len(candidates):,} candidates, 3 sites, "
              f"n_jobs={jobs}: {time.perf_counter() - t0:7.2f} s")  # fmt: skip
    print(f"  the same sites with n_jobs=1 and 2: {chosen[1] == chosen[2]}")


def main() -> None:
    """Parse the sizes and print each one's figures."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sides", type=int, nargs="+", default=[550])
    parser.add_argument("--origins", type=int, nargs="+", default=None,
                        help="places per size (default 60k, then 250k)")  # fmt: skip
    parser.add_argument("--sites", type=int, nargs="+", default=None,
                        help="sites per size (default 150, then 600)")  # fmt: skip
    parser.add_argument(
        "--turns",
        action="store_true",
        help="build with OSRM's turn costs (the edge-based graph)",
    )
    parser.add_argument("--candidates", type=int, default=0,
                        help="time suggest_sites from this many candidates "
                             "(3,750 in issue 17's region case)")  # fmt: skip
    args = parser.parse_args()
    origins = args.origins or [60_000 if s <= 600 else 250_000 for s in args.sides]
    sites = args.sites or [150 if s <= 600 else 600 for s in args.sides]
    for side, n_o, n_s in zip(args.sides, origins, sites, strict=True):
        one_size(side, n_o, n_s, args.candidates, turns=args.turns)


if __name__ == "__main__":
    main()
