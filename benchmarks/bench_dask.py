"""travel_time_matrix on a Dask LocalCluster of 2 worker processes, against n_jobs=2.

On the generated grid of ``_common.py`` (seed 0; ``--side 550`` a département,
``--side 1730`` a region), the 30-minute matrix from ``--destinations`` sites to
``--origins`` places: with ``n_jobs=1``, ``n_jobs=2`` (two threads) and
``client=`` a ``distributed.LocalCluster(n_workers=2, threads_per_worker=1)``
(the network goes to the workers once per client, each call's sides once per
call, then one task per block). The cluster's start and its first call (which
sends the network) are timed apart; then ``--calls`` rounds of the three, one
after the other, give medians: on a shared 2-core machine one call varies by
±20 %, more than the difference measured. Every result is checked equal to
``n_jobs=1``, to the bit.

Run: ``python benchmarks/bench_dask.py`` (about 1 minute), ``--side 1730
--origins 250000 --destinations 600`` for a region (about 4 minutes). Needs the
``compute`` extra (dask.distributed).
"""

from __future__ import annotations

import time

import distributed
import numpy as np
from _common import grid_roads, parse_args, random_points

from coordogeo import RoadNetwork
from coordogeo.access import TravelTimeMatrix, travel_time_matrix


def main() -> None:
    """Time the three ways of running the same matrix, interleaved."""
    args = parse_args(__doc__, extra={"--calls": 7})
    rng = np.random.default_rng(0)
    net = RoadNetwork.from_roads(grid_roads(args.side, rng))
    origins = random_points(args.origins, args.side, rng)
    sites = random_points(args.destinations, args.side, rng)

    def timed(**how: object) -> tuple[TravelTimeMatrix, float]:
        t0 = time.perf_counter()
        matrix = travel_time_matrix(net, origins, sites, max_time_min=30, **how)
        return matrix, time.perf_counter() - t0

    one, _ = timed(n_jobs=1)  # the reference; compiles or loads the kernel
    t0 = time.perf_counter()
    with (
        distributed.LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
        ) as cluster,
        distributed.Client(cluster) as client,
    ):
        t_start = time.perf_counter() - t0
        first, t_first = timed(client=client)
        results: dict[str, list[float]] = {
            "n_jobs=1": [], "n_jobs=2": [], "cluster, later call": []
        }  # fmt: skip
        ways = ({"n_jobs": 1}, {"n_jobs": 2}, {"client": client})
        same = _same(first, one)
        # interleaved, so that a slow spell of a shared machine hits all three
        for _ in range(args.calls):
            for name, how in zip(results, ways, strict=True):
                matrix, seconds = timed(**how)
                results[name].append(seconds)
                same = same and _same(matrix, one)
    print(f"side {args.side}: {net.n_nodes / 1e6:.2f} M nodes, {args.origins:,} "
          f"places, {args.destinations} sites, {one.n_pairs:,} pairs; cluster of 2 "
          f"workers started in {t_start:.1f} s; median of {args.calls} interleaved "
          "calls (min – max)")  # fmt: skip
    reference = float(np.median(results["n_jobs=2"]))
    print(f"  {'cluster, first call':22s} {t_first:7.2f} s = "
          f"{t_first / reference:4.2f} x n_jobs=2 (sends the network)")  # fmt: skip
    for name, seconds in results.items():
        median = float(np.median(seconds))
        print(f"  {name:22s} {median:7.2f} s = {median / reference:4.2f} x n_jobs=2 "
              f"({min(seconds):.2f} – {max(seconds):.2f} s)")  # fmt: skip
    ratios = np.divide(results["cluster, later call"], results["n_jobs=2"])
    print(f"  cluster / n_jobs=2, call by call: {' '.join(f'{r:.2f}' for r in ratios)}")
    print(f"  every result the same pairs as n_jobs=1, to the bit: {same}")


def _same(matrix: TravelTimeMatrix, one: TravelTimeMatrix) -> bool:
    return bool(
        np.array_equal(matrix.origin, one.origin)
        and np.array_equal(matrix.destination, one.destination)
        and np.array_equal(matrix.time_min, one.time_min)
    )


if __name__ == "__main__":
    main()
