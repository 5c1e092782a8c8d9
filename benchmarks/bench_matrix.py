"""Time travel_time_matrix and fca(e2sfca) against pandana, networkx, scipy, PySAL.

The generated grid road network of ``bench_nearest.py`` (about 300,000 nodes), 150
destinations and 60,000 origins at random, a 30 min bound. Every tool runs on the
same graph in the same run; the best of ``--repeat`` runs is kept (1 for networkx).

Matrix (origins × destinations within 30 min):

- coordogeo: ``travel_time_matrix(network, origins, sites, max_time_min=30)`` with
  ``n_jobs=1`` and ``n_jobs=2`` — snapping, the searches, the approach legs and the
  sorted sparse result, all included.
- scipy, bare loop: one ``csgraph.dijkstra(indices=node, limit=1800)`` per
  destination node on the reversed graph; no snapping, no extraction.
- networkx: ``single_source_dijkstra_path_length(cutoff=1800)`` per destination on the
  reversed DiGraph (built beforehand, not timed).
- pandana: ``set_pois`` + ``nearest_pois(distance=1800, num_pois=150)`` — the 150
  nearest sites of every node (contraction hierarchies; the ``Network`` build is timed
  apart and reported).

Index: ``fca(matrix, demand, supply, method="e2sfca")`` against PySAL ``access``
``Access.enhanced_two_stage_fca`` on the same matrix as a long table (the ``Access``
object built inside the timing, as a user would).

Run: ``python benchmarks/bench_matrix.py`` (a few minutes on 2 cores; needs the
``bench`` extra: ``pip install -e '.[bench]'``).
"""

from __future__ import annotations

import logging
import sys
import time
import warnings

import networkx as nx
import numpy as np
import pandas as pd
from _common import best_of, grid_roads, parse_args, random_points
from scipy.sparse.csgraph import dijkstra

from coordogeo import RoadNetwork
from coordogeo.access import fca, travel_time_matrix

LIMIT_MIN = 30.0


def pandana_run(net: RoadNetwork, sites_xy: np.ndarray) -> tuple[float, float]:
    """Build a pandana network, then time set_pois + nearest_pois (150 POIs)."""
    import pandana  # noqa: PLC0415 - optional, benchmark only

    coo = net.graph.tocoo()
    t0 = time.perf_counter()
    p_net = pandana.Network(
        pd.Series(net.node_xy[:, 0]),
        pd.Series(net.node_xy[:, 1]),
        pd.Series(coo.row),
        pd.Series(coo.col),
        pd.DataFrame({"seconds": coo.data}),
        twoway=False,
    )
    build_s = time.perf_counter() - t0

    def query() -> object:
        p_net.set_pois(
            category="sites",
            maxdist=LIMIT_MIN * 60,
            maxitems=len(sites_xy),
            x_col=pd.Series(sites_xy[:, 0]),
            y_col=pd.Series(sites_xy[:, 1]),
        )
        return p_net.nearest_pois(
            distance=LIMIT_MIN * 60, category="sites", num_pois=len(sites_xy)
        )

    return build_s, best_of(2, query)


def pysal_e2sfca(
    table: pd.DataFrame, demand: pd.DataFrame, supply: pd.DataFrame
) -> object:
    """PySAL access E2SFCA on a long cost table."""
    import access  # noqa: PLC0415 - optional, benchmark only

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        a = access.Access(
            demand_df=demand.rename_axis("geoid"),  # access needs this index name
            demand_value="population",
            supply_df=supply.rename_axis("geoid"),
            supply_value="capacity",
            cost_df=table,
            cost_origin="origin",
            cost_dest="destination",
            cost_name="time_min",
        )
        return a.enhanced_two_stage_fca(max_cost=LIMIT_MIN)


def main() -> None:
    args = parse_args(__doc__)
    logging.getLogger("access").setLevel(logging.ERROR)
    rng = np.random.default_rng(42)
    net = RoadNetwork.from_roads(grid_roads(args.side, rng))
    origins = random_points(args.origins, args.side, rng)
    sites = random_points(args.destinations, args.side, rng)
    limit_s = LIMIT_MIN * 60
    site_nodes = np.unique(net.snap(sites)["node"].dropna().to_numpy(dtype=np.int64))

    def ours(jobs: int) -> object:
        return travel_time_matrix(
            net, origins, sites, max_time_min=LIMIT_MIN, n_jobs=jobs
        )

    t1 = best_of(args.repeat, lambda: ours(1))
    t2 = best_of(args.repeat, lambda: ours(2))
    bare = best_of(
        args.repeat,
        lambda: [
            dijkstra(net.reverse_graph, indices=n, limit=limit_s) for n in site_nodes
        ],
    )
    graph = nx.from_scipy_sparse_array(net.reverse_graph, create_using=nx.DiGraph)
    nx_s = best_of(
        1,
        lambda: [
            nx.single_source_dijkstra_path_length(graph, int(n), cutoff=limit_s)
            for n in site_nodes
        ],
    )
    pd_build, pd_s = pandana_run(
        net, np.column_stack([sites.geometry.x, sites.geometry.y])
    )

    matrix = travel_time_matrix(net, origins, sites, max_time_min=LIMIT_MIN)
    demand = pd.DataFrame(
        {"population": rng.integers(1, 400, len(origins)) * 1.0}, index=origins.index
    )
    supply = pd.DataFrame(
        {"capacity": rng.uniform(1, 10, len(sites))}, index=sites.index
    )
    table = matrix.to_table()[["origin", "destination", "time_min"]]
    e2 = best_of(args.repeat, lambda: fca(matrix, demand, supply, method="e2sfca"))
    pysal_s = best_of(1, lambda: pysal_e2sfca(table, demand, supply))

    rows = [
        ("coordogeo travel_time_matrix, n_jobs=1", t1),
        ("coordogeo travel_time_matrix, n_jobs=2", t2),
        ("scipy dijkstra loop per destination (bare)", bare),
        ("networkx single_source_dijkstra per dest.", nx_s),
        ("pandana set_pois + nearest_pois(150)", pd_s),
    ]
    out = sys.stdout.write
    out(
        f"network: {net.n_nodes:,} nodes, {net.n_edges:,} directed edges; "
        f"{args.origins:,} origins, {args.destinations} destinations "
        f"({len(site_nodes)} distinct nodes), {LIMIT_MIN:g} min bound\n"
        f"matrix: {matrix.n_pairs:,} pairs in reach\n\n"
        f"{'matrix':<46}{'seconds':>9}{'× n_jobs=2':>12}\n"
    )
    for name, sec in rows:
        out(f"{name:<46}{sec:>9.3f}{sec / t2:>12.2f}\n")
    out(
        "(pandana Network build + contraction, not in the row above: "
        f"{pd_build:.2f} s)\n\n"
    )
    out(
        f"{'index (same matrix)':<46}{'seconds':>9}{'× ours':>12}\n"
        f"{'coordogeo fca(method=e2sfca)':<46}{e2:>9.3f}{1.0:>12.2f}\n"
        f"{'PySAL access enhanced_two_stage_fca':<46}{pysal_s:>9.3f}"
        f"{pysal_s / e2:>12.2f}\n\n"
        f"travel_time_matrix (n_jobs=2) is {pd_s / t2:.1f}x faster than pandana, "
        f"{nx_s / t2:.1f}x faster than networkx, and takes {t2 / bare:.2f}x the time "
        f"of the bare scipy loop; fca(e2sfca) is {pysal_s / e2:.0f}x faster than "
        "PySAL access.\n"
    )


if __name__ == "__main__":
    main()
