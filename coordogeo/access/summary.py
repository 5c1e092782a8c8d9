"""Population by travel-time band: within each threshold, beyond it, unreachable."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from coordogeo._columns import time_columns
from coordogeo.errors import check_columns, check_counts, check_increasing

__all__ = ["time_summary"]


def time_summary(
    result: pd.DataFrame,
    *,
    columns: Sequence[str] | None = None,
    population: str = "population",
    thresholds_min: Sequence[float] = (10, 20, 30),
) -> pd.DataFrame:
    """How many people live within, and beyond, each travel-time threshold.

    Parameters
    ----------
    result
        A :func:`coordogeo.access.nearest` result (or any table of times in minutes).
    columns
        Travel-time columns to summarise; every ``travel_time_min*`` column of rank 1
        (not ``_2``, ``_3``…) if None.
    population
        Column of inhabitants, no NaN, >= 0.
    thresholds_min
        Increasing thresholds in minutes.

    Returns
    -------
    DataFrame
        One row per column: ``population``, then for each threshold ``t``
        ``population_beyond_<t>_min`` and ``share_beyond_<t>_min`` (the unreachable
        count as beyond), and ``population_unreachable``, ``share_unreachable``.
        ``population`` equals the input total: nobody is dropped.

    Examples
    --------
    >>> import pandas as pd
    >>> r = pd.DataFrame(
    ...     {"population": [100, 50, 10], "travel_time_min": [5.0, 25.0, float("nan")]}
    ... )
    >>> time_summary(r, thresholds_min=(10, 20)).T
                              travel_time_min
    population                       160.0000
    population_beyond_10_min          60.0000
    share_beyond_10_min                0.3750
    population_beyond_20_min          60.0000
    share_beyond_20_min                0.3750
    population_unreachable            10.0000
    share_unreachable                  0.0625
    """
    cols = list(columns) if columns is not None else time_columns(result)
    check_columns(result, cols, name="result")
    thresholds = check_increasing(thresholds_min, name="thresholds_min", unit="minutes")
    people = check_counts(result, population, name="result")
    total = people.sum()
    rows = {}
    for col in cols:
        time = result[col].to_numpy(dtype=np.float64)
        row: dict[str, float] = {"population": total}
        for t in thresholds:
            beyond = people[~(time <= t)].sum()  # NaN (unreachable) counts as beyond
            row[f"population_beyond_{t:g}_min"] = beyond
            row[f"share_beyond_{t:g}_min"] = beyond / total if total else np.nan
        lost = people[np.isnan(time)].sum()
        row["population_unreachable"] = lost
        row["share_unreachable"] = lost / total if total else np.nan
        rows[col] = row
    return pd.DataFrame.from_dict(rows, orient="index")
