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

import argparse
import sys
import time
from collections.abc import Callable

import networkx as nx
import numpy as np
from scipy.sparse.csgraph import dijkstra

import geopandas as gpd
import shapely

from coordogeo import RoadNetwork, nearest

ORIGIN = np.array([560_000.0, 6_350_000.0])  # Lambert-93


def grid_roads(side: int, rng: np.random.Generator) -> gpd.GeoDataFrame:
    """Streets of a side x side grid of 100 m blocks, thinned and partly one-way."""
    ij = np.indices((side, side)).reshape(2, -1).T
    right = ij[ij[:, 0] < side - 1]
    up = ij[ij[:, 1] < side - 1]
    start = np.vstack([right, up])
    end = np.vstack([right + np.array([1, 0]), up + np.array([0, 1])])
    keep = rng.uniform(size=len(start)) < 0.75
    start, end = start[keep], end[keep]
    coords = np.stack([start, end], axis=1) * 100.0 + ORIGIN
    lines = shapely.linestrings(coords)
    return gpd.GeoDataFrame(
        {
            "speed_kmh": rng.choice([30.0, 50.0, 90.0], len(lines), p=[0.3, 0.5, 0.2]),
            "oneway": rng.uniform(size=len(lines)) < 0.3,
        },
        geometry=lines,
        crs=2154,
    )


def best_of(repeat: int, fn: Callable[[], object]) -> float:
    """Best wall time of ``repeat`` calls, in seconds."""
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--side", type=int, default=550, help="grid side (550: ~300k)")
    parser.add_argument("--origins", type=int, default=60_000)
    parser.add_argument("--destinations", type=int, default=150)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    rng = np.random.default_rng(42)
    roads = grid_roads(args.side, rng)
    t0 = time.perf_counter()
    net = RoadNetwork.from_roads(roads)
    build_s = time.perf_counter() - t0
    extent = (args.side - 1) * 100.0
    origins = gpd.GeoDataFrame(
        geometry=shapely.points(rng.uniform(0, extent, (args.origins, 2)) + ORIGIN),
        crs=2154,
    )
    sites = gpd.GeoDataFrame(
        geometry=shapely.points(
            rng.uniform(0, extent, (args.destinations, 2)) + ORIGIN
        ),
        crs=2154,
    )
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
