"""Opportunities within a travel time: the cumulative (isochronic) access measure."""

from __future__ import annotations

import numpy as np
import pandas as pd

from coordogeo.access.matrix import TravelTimeMatrix
from coordogeo.errors import InputError, check_counts, check_positive, format_labels

__all__ = ["opportunities_within"]


def opportunities_within(
    matrix: TravelTimeMatrix,
    supply: pd.DataFrame | pd.Index | None = None,
    *,
    max_time_min: float,
    capacity: str | None = None,
) -> pd.DataFrame:
    """Count the sites (or sum their capacity) each place reaches within a time.

    A site at exactly ``max_time_min`` is within (inclusive bound). Sites are the
    matrix's destinations, or the rows of ``supply`` (a subset of them).

    Parameters
    ----------
    matrix
        Places to sites, bounded at ``max_time_min`` or beyond.
    supply
        The sites to count (a frame or index of destination ids); every destination
        of the matrix if None.
    max_time_min
        The travel time within which a site counts.
    capacity
        A column of ``supply`` to sum instead of counting sites (e.g. GP FTE);
        NaN or negative values are an error.

    Returns
    -------
    DataFrame
        Indexed by the matrix's origins (every place, 0 where nothing is within):
        ``sites_within_<t>_min``, and ``<capacity>_within_<t>_min`` with
        ``capacity``; and ``time_model``.

    Raises
    ------
    InputError
        ``max_time_min`` not > 0 or beyond the matrix's bound; supply ids unknown
        to the matrix; a missing or invalid capacity column.

    Examples
    --------
    >>> t = pd.DataFrame({"origin": ["a", "a", "b"], "destination": ["x", "y", "y"],
    ...                   "time_min": [5.0, 20.0, 25.0]})
    >>> m = TravelTimeMatrix.from_table(t, max_time_min=30)
    >>> gps = pd.DataFrame({"fte": [2.0, 1.5]}, index=["x", "y"])
    >>> opportunities_within(m, gps, max_time_min=20, capacity="fte").iloc[:, :2]
       sites_within_20_min  fte_within_20_min
    a                    2                3.5
    b                    0                0.0
    """
    bound = check_positive(max_time_min, name="max_time_min", unit="minutes")
    if bound > matrix.max_time_min:
        raise InputError(
            f"`max_time_min` is {bound:g} but the matrix stops at "
            f"{matrix.max_time_min:g} min; build it with a larger bound."
        )
    ids = (
        matrix.destinations
        if supply is None
        else pd.Index(supply.index if isinstance(supply, pd.DataFrame) else supply)
    )
    position = matrix.destinations.get_indexer(ids)
    if (position < 0).any():
        raise InputError(
            f"`supply` ids {format_labels(ids[position < 0])} are not destinations "
            "of the matrix."
        )
    weight = np.zeros(len(matrix.destinations))
    counted = np.zeros(len(matrix.destinations))
    counted[position] = 1.0
    if capacity is not None:
        if not isinstance(supply, pd.DataFrame):
            raise InputError("`capacity` needs `supply` as a DataFrame with it.")
        weight[position] = check_counts(supply, capacity, name="supply")
    keep = matrix.time_min <= bound
    origin, site = matrix.origin[keep], matrix.destination[keep]
    n = len(matrix.origins)
    out = pd.DataFrame(index=matrix.origins)
    out[f"sites_within_{bound:g}_min"] = np.bincount(
        origin, weights=counted[site], minlength=n
    ).astype(np.int64)
    if capacity is not None:
        out[f"{capacity}_within_{bound:g}_min"] = np.bincount(
            origin, weights=weight[site], minlength=n
        )
    out["time_model"] = matrix.description
    return out
