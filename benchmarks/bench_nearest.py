"""Time ``access.nearest`` against networkx and a bare scipy call on the same graph.

A generated grid road network of about 300,000 nodes and 800,000 directed edges
(100 m blocks, 75 % of the streets kept, 30 % of them one-way, speeds 30/50/90 km/h),
150 destinations and 60,000 origins at random. Each tool is timed on the same graph
in the same run; the best of ``--repeat`` runs is kept.

- coordogeo: ``nearest(network, origins, destinations, max_time_min=60)`` — snapping
  both sides, the search, and building the result frame, all included.
- scipy: one ``scipy.sparse.csgraph.dijkstra(min_only=True)`` call from the
  destinations' nodes on the reversed graph (no snapping, no approach legs, no frame).
- networkx: ``multi_source_dijkstra_path_length`` on the reversed DiGraph (the
  graph is built beforehand and not timed), with a 60 min cutoff.

Run: ``python benchmarks/bench_nearest.py`` (about a minute on 2 cores).
"""

from __future__ import annotations

import sys
import time

import networkx as nx
import numpy as np
from _common import best_of, grid_roads, parse_args, random_points
from scipy.sparse.csgraph import dijkstra

from coordogeo import RoadNetwork, nearest


def main() -> None:
    args = parse_args(__doc__)
    rng = np.random.default_rng(42)
    roads = grid_roads(args.side, rng)
    t0 = time.perf_counter()
    net = RoadNetwork.from_roads(roads)
    build_s = time.perf_counter() - t0
    origins = random_points(args.origins, args.side, rng)
    sites = random_points(args.destinations, args.side, rng)
    limit_s = 3_600.0
    site_nodes = net.snap(sites)["node"].to_numpy(dtype=np.int64)

    ours = best_of(args.repeat, lambda: nearest(net, origins, sites, max_time_min=60))
    bare = best_of(
        args.repeat,
        lambda: dijkstra(
            net.reverse_graph, indices=site_nodes, min_only=True, limit=limit_s
        ),
    )
    graph = nx.from_scipy_sparse_array(net.reverse_graph, create_using=nx.DiGraph)
    sources = {int(n) for n in site_nodes}
    nx_s = best_of(
        1,
        lambda: nx.multi_source_dijkstra_path_length(graph, sources, cutoff=limit_s),
    )
    out = sys.stdout.write
    out(
        f"network: {net.n_nodes:,} nodes, {net.n_edges:,} directed edges "
        f"(built from {len(roads):,} lines in {build_s:.2f} s)\n"
        f"{args.origins:,} origins, {args.destinations} destinations, 60 min bound\n\n"
        f"{'tool':<44}{'seconds':>10}{'ratio':>10}\n"
        f"{'coordogeo access.nearest (all included)':<44}{ours:>10.3f}{1.0:>10.2f}\n"
        f"{'scipy csgraph.dijkstra(min_only) bare':<44}{bare:>10.3f}"
        f"{bare / ours:>10.2f}\n"
        f"{'networkx multi_source_dijkstra':<44}{nx_s:>10.3f}{nx_s / ours:>10.2f}\n\n"
        f"coordogeo is {nx_s / ours:.1f}x faster than networkx and takes "
        f"{ours / bare:.2f}x the time of the bare scipy call.\n"
    )


if __name__ == "__main__":
    main()
