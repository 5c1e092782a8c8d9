"""Population by travel-time band: within each threshold, beyond it, unreachable."""

from __future__ import annotations

import itertools
from collections.abc import Sequence

import numpy as np
import pandas as pd

from coordogeo.errors import InputError, check_columns, check_positive, format_labels

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
    cols = list(columns) if columns is not None else _rank_one_columns(result)
    check_columns(result, [population, *cols], name="result")
    thresholds = [
        check_positive(t, name="thresholds_min", unit="minutes") for t in thresholds_min
    ]
    if any(b <= a for a, b in itertools.pairwise(thresholds)):
        raise InputError(f"`thresholds_min` must increase, got {list(thresholds_min)}.")
    people = result[population].to_numpy(dtype=np.float64)
    bad = ~np.isfinite(people) | (people < 0)
    if bad.any():
        raise InputError(
            f"`result[{population!r}]` is missing or negative on {int(bad.sum())} "
            f"row(s), at index {format_labels(result.index[bad])}; fill them (0 for "
            "nobody)."
        )
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


def _rank_one_columns(result: pd.DataFrame) -> list[str]:
    """List the travel_time_min columns that are not ranks 2..k."""
    return [
        c
        for c in result.columns
        if isinstance(c, str)
        and c.startswith("travel_time_min")
        and not c.rsplit("_", 1)[-1].isdigit()
    ]
