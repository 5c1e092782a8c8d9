"""Node order and search speed: the same bounded searches on renumbered graphs.

``RoadNetwork.from_roads`` numbers its nodes in the Morton (Z-order) order of their
coordinates. This script times the same bounded ``scipy`` searches (one
``dijkstra(limit=...)`` per site on the reversed graph) on that graph renumbered
in other orders, in the same run:

- ``sorted``: by x, then y (what the build did before);
- ``morton``: the build's own order;
- ``hilbert``: the Hilbert curve of the same cells;
- ``rcm``: reverse Cuthill-McKee (``scipy.sparse.csgraph``);
- ``random``: a random permutation (the worst case: every relaxation misses).

On three networks: the generated grid of ``_common.py`` (its vertices on exact
100 m steps, so sorting by x then y walks whole columns), the same grid with every
vertex moved by up to 10 m (as real roads are: no two nodes share an x), and the
real OSM extracts of ``../shared/data/roads`` when that folder is there (small
enough to sit in the cache: the order barely matters there).

Run: ``python benchmarks/bench_order.py`` (about 1 minute; ``--side 1730`` for a
region-size grid, about 5 minutes).
"""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np
from _common import grid_roads, parse_args, random_points
from scipy.sparse.csgraph import dijkstra, reverse_cuthill_mckee

import geopandas as gpd
import shapely

from coordogeo import RoadNetwork
from coordogeo.network.roads import anchor_xy
from coordogeo.network.search import morton_key

ROADS = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "roads"


def hilbert_key(cells: np.ndarray, bits: int) -> np.ndarray:
    """Hilbert-curve index of (n, 2) integer cells below ``2**bits`` (vectorised)."""
    x, y = cells[:, 0].astype(np.int64), cells[:, 1].astype(np.int64)
    key = np.zeros(len(cells), dtype=np.int64)
    top = (1 << bits) - 1
    s = 1 << (bits - 1)
    while s > 0:
        rx, ry = (x & s) > 0, (y & s) > 0
        key += s * s * ((3 * rx) ^ ry)
        flip = rx & ~ry
        x, y = np.where(flip, top - x, x), np.where(flip, top - y, y)
        x, y = np.where(~ry, y, x), np.where(~ry, x, y)
        s >>= 1
    return key


def orders(net: RoadNetwork, seed: int) -> dict[str, np.ndarray]:
    """``perm[new] = old`` for each order compared."""
    cells = np.round((net.node_xy - net.node_xy.min(axis=0)) / 0.01).astype(np.int64)
    bits = max(int(cells.max()).bit_length(), 1)
    xy = net.node_xy
    return {
        "sorted": np.lexsort((xy[:, 1], xy[:, 0])),
        "morton": np.argsort(morton_key(cells.astype(np.uint64)), kind="stable"),
        "hilbert": np.argsort(hilbert_key(cells, bits), kind="stable"),
        "rcm": reverse_cuthill_mckee(net.reverse_graph, symmetric_mode=False),
        "random": np.random.default_rng(seed).permutation(net.n_nodes),
    }


def time_orders(name: str, net: RoadNetwork, sources: np.ndarray, limit_s: float,
                repeat: int) -> None:  # fmt: skip
    """Print the searches' best time in each order, and as a ratio of Morton's."""
    results = {}
    for order, perm in orders(net, seed=1).items():
        inverse = np.empty_like(perm)
        inverse[perm] = np.arange(len(perm))
        graph = net.reverse_graph[perm][:, perm].tocsr()
        graph.sort_indices()
        best = np.inf
        for _ in range(repeat):
            t0 = time.perf_counter()
            for node in inverse[sources]:
                dijkstra(graph, indices=int(node), limit=limit_s)
            best = min(best, time.perf_counter() - t0)
        results[order] = best
    print(f"{name}: {net.n_nodes:,} nodes, {len(sources)} searches "
          f"bounded at {limit_s / 60:g} min")  # fmt: skip
    for order, seconds in results.items():
        print(f"  {order:8s} {seconds:7.3f} s  = {seconds / results['morton']:4.2f} "
              "x the build's order (morton)")  # fmt: skip


def jittered(roads: gpd.GeoDataFrame, amplitude_m: float) -> gpd.GeoDataFrame:
    """Move every vertex of the roads by up to ``amplitude_m``.

    The same vertex moves the same way wherever it appears, so roads still meet.
    """
    coords = shapely.get_coordinates(roads.geometry.values)
    h = np.sin(coords[:, 0] * 12.9898 + coords[:, 1] * 78.233) * 43758.5453
    shift = np.column_stack([h % 1, (h * 7) % 1]) * 2 * amplitude_m - amplitude_m
    moved = shapely.set_coordinates(roads.geometry.values.copy(), coords + shift)
    return roads.set_geometry(moved)


def main() -> None:
    """Time the orders on each network."""
    args = parse_args(__doc__)  # --side, --destinations (the sites), --repeat
    rng = np.random.default_rng(0)
    roads = grid_roads(args.side, rng)
    sites = random_points(args.destinations, args.side, rng)
    moved = jittered(roads, 10)
    for name, frame in (("grid", roads), ("grid moved by <= 10 m", moved)):
        net = RoadNetwork.from_roads(frame)
        nodes, _ = net.snap_xy(anchor_xy(sites), max_snap_m=net.max_snap_m)
        time_orders(name, net, nodes[nodes >= 0], 1800.0, args.repeat)
    for path in sorted(ROADS.glob("*")) if ROADS.is_dir() else []:
        net = RoadNetwork.from_osm(path)
        sources = np.random.default_rng(2).choice(net.n_nodes, 200, replace=False)
        time_orders(path.name, net, sources, 600.0, args.repeat)
    if not ROADS.is_dir():
        print(f"(no real OSM extracts: {ROADS} is absent)")


if __name__ == "__main__":
    main()
