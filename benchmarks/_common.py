"""The generated road network and the timer every benchmark shares."""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from collections.abc import Callable

import numpy as np

import geopandas as gpd
import shapely

__all__ = [
    "ORIGIN",
    "best_of",
    "grid_roads",
    "in_child",
    "parse_args",
    "random_points",
    "step_in_child",
]

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


def random_points(n: int, side: int, rng: np.random.Generator) -> gpd.GeoDataFrame:
    """``n`` points uniformly over the grid of :func:`grid_roads`."""
    extent = (side - 1) * 100.0
    return gpd.GeoDataFrame(
        geometry=shapely.points(rng.uniform(0, extent, (n, 2)) + ORIGIN), crs=2154
    )


def best_of(repeat: int, fn: Callable[[], object]) -> float:
    """Best wall time of ``repeat`` calls, in seconds."""
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times)


def parse_args(
    doc: str | None, *, extra: dict[str, int] | None = None
) -> argparse.Namespace:
    """Read the size options every benchmark shares (defaults: the issue's sizes).

    ``extra`` adds whole-number options of one benchmark, with their defaults.
    """
    parser = argparse.ArgumentParser(description=(doc or "").splitlines()[0])
    parser.add_argument("--side", type=int, default=550, help="grid side (550: ~300k)")
    parser.add_argument("--origins", type=int, default=60_000)
    parser.add_argument("--destinations", type=int, default=150)
    parser.add_argument("--repeat", type=int, default=3)
    for flag, default in (extra or {}).items():
        parser.add_argument(flag, type=int, default=default)
    return parser.parse_args()


def in_child(
    command: list[str], env: dict[str, str] | None = None
) -> tuple[str, float, int]:
    """Run ``command``; return its standard output, peak RSS (GB) and exit status.

    The peak is the child's own ``ru_maxrss`` (``os.wait4``), so each step of a
    benchmark is measured apart from the others and from the parent.
    """
    child = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, text=True)
    assert child.stdout is not None
    output = child.stdout.read()
    _, status, usage = os.wait4(child.pid, 0)
    return output, usage.ru_maxrss / 1e6, status


def step_in_child(script: str, *options: str) -> tuple[dict[str, float], float]:
    """Run ``script --step ...`` in a child: the JSON it prints last, its peak."""
    output, peak, status = in_child([sys.executable, script, "--step", *options])
    if status != 0:
        raise SystemExit(f"{script} --step {' '.join(options)} failed")
    return json.loads(output.strip().splitlines()[-1]), peak
