"""Population within 10/20/30 minutes of each kind of structure, per area."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from coordogeo._columns import TIME, time_columns
from coordogeo.errors import (
    check_complete,
    check_counts,
    check_increasing,
)

__all__ = ["within_reach"]


def within_reach(
    result: pd.DataFrame,
    *,
    thresholds_min: Sequence[float] = (10, 20, 30),
    by: str | None = None,
    population: str = "population",
) -> pd.DataFrame:
    """Count the population within each travel-time threshold of each structure kind.

    Parameters
    ----------
    result
        A :func:`coordogeo.access.nearest` result: a ``population`` column and one
        ``travel_time_min`` column (one search) or ``travel_time_min_<kind>`` columns
        (``by="kind"``). NaN times are unreachable places (beyond the search's
        ``max_time_min`` or off the road network).
    thresholds_min
        Increasing thresholds, in minutes; a place exactly at a threshold is within.
    by
        Column of ``result`` giving the area of each place (``insee``, a zone…), or
        None for one total per kind.
    population
        Column of inhabitants (no NaN, >= 0).

    Returns
    -------
    DataFrame
        One row per kind (``structure`` level; ``"any"`` for a plain
        ``travel_time_min``), or per (area, kind) when ``by`` is given:
        ``population``; for each threshold ``t`` ``population_within_<t>_min`` and
        ``share_within_<t>_min`` (cumulative);
        ``population_reachable_beyond_<last>_min`` (reachable, but beyond the last
        threshold) and ``population_unreachable``.
        Within the last threshold + beyond it + unreachable = ``population``.

    Raises
    ------
    InputError
        No travel-time column, missing ``by`` or population column, population
        missing or negative, thresholds not positive and increasing.

    Examples
    --------
    >>> import pandas as pd
    >>> r = pd.DataFrame({
    ...     "population": [100, 50, 10, 5],
    ...     "travel_time_min_MSP": [5.0, 25.0, 40.0, float("nan")],
    ...     "travel_time_min_CDS": [15.0, 10.0, float("nan"), float("nan")],
    ... })
    >>> within_reach(r, thresholds_min=(10, 30)).T.round(3)
    structure                               CDS      MSP
    population                          165.000  165.000
    population_within_10_min             50.000  100.000
    share_within_10_min                   0.303    0.606
    population_within_30_min            150.000  150.000
    share_within_30_min                   0.909    0.909
    population_reachable_beyond_30_min    0.000   10.000
    population_unreachable               15.000    5.000
    """
    columns = time_columns(result)
    thresholds = check_increasing(thresholds_min, name="thresholds_min", unit="minutes")
    people = check_counts(result, population, name="result")
    keys = _area_keys(result, by)
    parts = []
    for column in columns:
        time = result[column].to_numpy(dtype=np.float64)
        kind = column[len(TIME) + 1 :] or "any"
        data = {"population": people}
        for t in thresholds:
            data[f"population_within_{t:g}_min"] = np.where(time <= t, people, 0.0)
        data[f"population_reachable_beyond_{thresholds[-1]:g}_min"] = np.where(
            time > thresholds[-1], people, 0.0
        )
        data["population_unreachable"] = np.where(np.isnan(time), people, 0.0)
        frame = pd.DataFrame(data, index=result.index)
        frame["structure"] = kind
        parts.append(frame if keys is None else frame.assign(**{by or "": keys}))
    table = pd.concat(parts)
    levels = ["structure"] if by is None else [by, "structure"]
    out = table.groupby(levels, sort=True).sum()
    for t in thresholds:
        with np.errstate(invalid="ignore", divide="ignore"):
            out[f"share_within_{t:g}_min"] = (
                out[f"population_within_{t:g}_min"] / out["population"]
            )
    ordered = ["population"]
    for t in thresholds:
        ordered += [f"population_within_{t:g}_min", f"share_within_{t:g}_min"]
    ordered += [
        f"population_reachable_beyond_{thresholds[-1]:g}_min",
        "population_unreachable",
    ]
    return out[ordered]


def _area_keys(result: pd.DataFrame, by: str | None) -> np.ndarray | None:
    """Return the area of each place, checked complete."""
    if by is None:
        return None
    fix = "every inhabitant must belong to an area."
    return np.asarray(check_complete(result, by, name="result", fix=fix).to_numpy())
