"""travel_time_matrix on a Dask LocalCluster of 2 worker processes, against n_jobs=2.

On the generated grid of ``_common.py`` (seed 0; ``--side 550`` a département,
``--side 1730`` a region), the 30-minute matrix from ``--destinations`` sites to
``--origins`` places: with ``n_jobs=1``, ``n_jobs=2`` (two threads) and
``client=`` a ``distributed.LocalCluster(n_workers=2, threads_per_worker=1)``
(the network goes to the workers once per client, each call's sides once per
call, then one task per block). The cluster's start is timed apart; the results
are checked equal to ``n_jobs=1``.

Run: ``python benchmarks/bench_dask.py`` (about 1 minute), ``--side 1730
--origins 250000 --destinations 600`` for a region (about 3 minutes). Needs the
``compute`` extra (dask.distributed).
"""

from __future__ import annotations

import time

import distributed
import numpy as np
from _common import grid_roads, parse_args, random_points

from coordogeo import RoadNetwork
from coordogeo.access import travel_time_matrix


def main() -> None:
    """Time the three ways of running the same matrix."""
    args = parse_args(__doc__)
    rng = np.random.default_rng(0)
    net = RoadNetwork.from_roads(grid_roads(args.side, rng))
    origins = random_points(args.origins, args.side, rng)
    sites = random_points(args.destinations, args.side, rng)
    times = {}
    for jobs in (1, 2):
        t0 = time.perf_counter()
        times[f"n_jobs={jobs}"] = (
            travel_time_matrix(net, origins, sites, max_time_min=30, n_jobs=jobs),
            time.perf_counter() - t0,
        )
    t0 = time.perf_counter()
    with (
        distributed.LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
        ) as cluster,
        distributed.Client(cluster) as client,
    ):
        t_start = time.perf_counter() - t0
        for call in ("first", "second"):
            t0 = time.perf_counter()
            times[f"cluster, {call} call"] = (
                travel_time_matrix(net, origins, sites, max_time_min=30, client=client),
                time.perf_counter() - t0,
            )
    one = times["n_jobs=1"][0]
    print(f"side {args.side}: {net.n_nodes / 1e6:.2f} M nodes, {args.origins:,} "
          f"places, {args.destinations} sites, {one.n_pairs:,} pairs; cluster of 2 "
          f"workers started in {t_start:.1f} s")  # fmt: skip
    reference = times["n_jobs=2"][1]
    for name, (matrix, seconds) in times.items():
        same = (
            np.array_equal(matrix.origin, one.origin)
            and np.array_equal(matrix.destination, one.destination)
            and np.array_equal(matrix.time_min, one.time_min)
        )
        print(f"  {name:22s} {seconds:7.2f} s = {seconds / reference:4.2f} x n_jobs=2"
              f"; the same pairs as n_jobs=1: {same}")  # fmt: skip


if __name__ == "__main__":
    main()
