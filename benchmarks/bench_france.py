"""France-size: a 15 M-node network built, saved, loaded, and searched from 5,000 sites.

On the generated grid of ``_common.py`` (seed 0; ``--side 3900`` ≈ 15 M nodes and
22.8 M road lines, one line per street segment), with ``--origins`` places and
``--sites`` sites spread over it, prints:

- ``RoadNetwork.from_roads``: time, and the peak memory during it (sampled every
  20 ms) with the roads GeoDataFrame it reads, and the build's own share;
- ``save`` / ``load`` (mapped arrays);
- the fixed cost of a search: the library's bounded searches (``bounded_pairs``,
  the places already on the network) from 200 sites at 1 minute, per site (best
  of the second and third calls; the first also numbers the places' road nodes
  and makes the search arrays, both kept);
- ``travel_time_matrix`` at 30 minutes with ``n_jobs=2``: time, pairs, peak
  memory above what the process held before it;
- ``road_fca`` (2SFCA, 30 minutes, ``n_jobs=2``): the same index without the
  matrix, time and peak memory;
- a bare scipy loop (one ``dijkstra(limit=1800)`` per site on the reversed
  graph) on the first 200 sites, per site, and that per-site time times the sites
  (the loop over all 5,000 would take longer than the rest together).

Run: ``python benchmarks/bench_france.py`` (France-size: about 15 minutes and 16 GB
on 2 cores); ``--side 550 --origins 60000 --sites 150`` gives the département's
figures with the same measures (the fixed cost is compared across the two).
"""

from __future__ import annotations

import argparse
import gc
import os
import resource
import tempfile
import threading
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

import numpy as np
from _common import grid_roads, random_points
from scipy.sparse.csgraph import dijkstra

from coordogeo import RoadNetwork
from coordogeo.access import road_fca, travel_time_matrix
from coordogeo.network.roads import anchor_xy
from coordogeo.network.search import Targets, bounded_pairs


def _rss_gb() -> float:
    """Resident memory of this process now, GB."""
    with open("/proc/self/statm") as handle:
        return int(handle.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 1e9


def measured(fn: Callable[[], Any]) -> tuple[Any, float, float, float]:
    """Run ``fn``; return its result, seconds, RSS before and peak RSS during (GB).

    The peak is sampled every 20 ms in a thread (the searches' threads are this
    process: counted).
    """
    before, peak, done = _rss_gb(), [0.0], threading.Event()

    def sample() -> None:
        while not done.is_set():
            peak[0] = max(peak[0], _rss_gb())
            time.sleep(0.02)

    watcher = threading.Thread(target=sample, daemon=True)
    watcher.start()
    t0 = time.perf_counter()
    try:
        result = fn()
    finally:
        seconds = time.perf_counter() - t0
        done.set()
        watcher.join()
    return result, seconds, before, max(peak[0], _rss_gb())


def main() -> None:
    """Build, save, load, search; print each figure."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--side", type=int, default=3900)
    parser.add_argument("--origins", type=int, default=2_300_000)
    parser.add_argument("--sites", type=int, default=5_000)
    args = parser.parse_args()
    rng = np.random.default_rng(0)
    t0 = time.perf_counter()
    roads = grid_roads(args.side, rng)
    print(f"side {args.side}: {len(roads) / 1e6:.1f} M road lines generated in "
          f"{time.perf_counter() - t0:.0f} s, RSS {_rss_gb():.2f} GB")  # fmt: skip
    net, t_build, before, peak = measured(partial(RoadNetwork.from_roads, roads))
    print(f"  from_roads      {t_build:7.1f} s   peak {peak:5.2f} GB with the roads "
          f"({peak - before:.2f} GB above them); {net.n_nodes / 1e6:.2f} M nodes, "
          f"{net.n_edges / 1e6:.2f} M edges")  # fmt: skip
    del roads
    gc.collect()
    origins = random_points(args.origins, args.side, rng)
    sites = random_points(args.sites, args.side, rng)
    with tempfile.TemporaryDirectory() as tmp:
        _, t_save, _, _ = measured(lambda: net.save(Path(tmp) / "reseau"))
        loaded, t_load, _, _ = measured(lambda: RoadNetwork.load(Path(tmp) / "reseau"))
        print(f"  save {t_save:.1f} s, load {t_load:.2f} s ({loaded.n_nodes:,} nodes)")
        del loaded
    o_node, o_dist = net.snap_xy(anchor_xy(origins), max_snap_m=net.max_snap_m)
    s_node, s_dist = net.snap_xy(anchor_xy(sites), max_snap_m=net.max_snap_m)
    search = net.search_graph(reverse=True)
    targets = Targets.of(o_node, net.approach_seconds(o_dist))
    few = (s_node[:200], net.approach_seconds(s_dist[:200]))
    fixed = [measured(lambda: bounded_pairs(search, few, targets, 60.0, 1))[1]
             for _ in range(3)]  # fmt: skip
    print(f"  search at 1 min {1e6 * min(fixed[1:]) / 200:7.1f} µs a site (fixed "
          f"cost, places already on the network; first call "
          f"{1e6 * fixed[0] / 200:.0f} µs, which numbers the target nodes and "
          f"makes the search arrays)")  # fmt: skip
    matrix, t_matrix, before, peak = measured(
        lambda: travel_time_matrix(net, origins, sites, max_time_min=30, n_jobs=2)
    )
    n_pairs = matrix.n_pairs
    print(f"  matrix n_jobs=2 {t_matrix:7.1f} s   {n_pairs:,} pairs, peak "
          f"{peak - before:.2f} GB above the {before:.2f} GB held "
          f"({(peak - before) * 1e9 / max(n_pairs, 1):.0f} bytes a pair)")  # fmt: skip
    del matrix
    gc.collect()
    gps = sites.assign(capacity=1.0)
    people = origins.assign(population=1.0)
    _, t_fca, before, peak = measured(
        lambda: road_fca(net, people, gps, max_time_min=30, n_jobs=2)
    )
    print(f"  road_fca n_jobs=2 {t_fca:5.1f} s   peak {peak - before:.2f} GB above "
          f"the {before:.2f} GB held (no matrix)")  # fmt: skip
    nodes = s_node[s_node >= 0][:200]
    t0 = time.perf_counter()
    for node in nodes:
        dijkstra(net.reverse_graph, indices=int(node), limit=1800.0)
    per_site = (time.perf_counter() - t0) / len(nodes)
    loop = per_site * args.sites
    print(f"  bare scipy loop {1000 * per_site:7.1f} ms a site (on {len(nodes)} sites)"
          f", x {args.sites:,} sites = {loop:.0f} s; matrix n_jobs=2 = "
          f"{t_matrix / loop:.2f} x that")  # fmt: skip
    whole = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1e6
    print(f"  peak RSS of the process: {whole:.2f} GB")


if __name__ == "__main__":
    main()
