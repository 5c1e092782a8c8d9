"""A small grid of square cells whose zones are known by hand."""

from __future__ import annotations

import numpy as np

import geopandas as gpd
from shapely import box

X0, Y0 = 600_000.0, 6_400_000.0  # Lambert-93


def grid(
    flags: list[str], *, population: float | np.ndarray = 10.0, size_m: float = 1e3
) -> gpd.GeoDataFrame:
    """Square cells from a picture: one string per row (north first), ``#`` flagged.

    Cell ``r{row}c{col}`` has population ``population`` (a number or one per
    cell, row by row), ``insee`` ``"460{row}{col}"`` and travel time ``10 * col``.
    """
    rows, cols = len(flags), len(flags[0])
    cells, labels, flagged, times, codes = [], [], [], [], []
    for r, line in enumerate(flags):
        for c, mark in enumerate(line):
            y = (rows - 1 - r) * size_m
            cells.append(
                box(X0 + c * size_m, Y0 + y, X0 + (c + 1) * size_m, Y0 + y + size_m)
            )
            labels.append(f"r{r}c{c}")
            flagged.append(mark == "#")
            times.append(10.0 * c)
            codes.append(f"460{r}{c}")
    people = np.broadcast_to(np.asarray(population, dtype=float), (rows * cols,))
    return gpd.GeoDataFrame(
        {
            "population": people.copy(),
            "underserved": flagged,
            "travel_time_min": times,
            "insee": codes,
        },
        geometry=cells,
        crs=2154,
        index=labels,
    )
