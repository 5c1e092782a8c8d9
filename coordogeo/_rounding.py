"""One rounding rule for counts of inhabitants: the parts of a line add up.

Populations are fractional (grid cells shared between communes, age bands), so
rounding each part of a total alone can miss the rounded total by one or two
inhabitants. The parts are rounded by the largest remainder instead: each is
floored, and the inhabitants still missing go to the parts with the largest
fractions. Every part stays within one inhabitant of its own value. The report,
the CSV tables and the workbook use this one rule.
"""

from __future__ import annotations

import numpy as np

__all__ = ["whole_parts"]


def whole_parts(total: np.ndarray, parts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Round totals and their parts to whole numbers, the parts adding up per row.

    Parameters
    ----------
    total
        One total per row (n,).
    parts
        The parts of each row (n, k), which add up to its total.

    Returns
    -------
    (ndarray, ndarray)
        The rounded totals and parts (floats, NaN kept). A row with a missing value,
        or whose parts do not add up to its total within one inhabitant per part, is
        rounded value by value.

    Examples
    --------
    >>> t, p = whole_parts(np.array([3.0, 3.0]), np.array([[1.4, 1.3, 0.3],
    ...                                                    [1.5, 1.5, 0.0]]))
    >>> t.tolist(), p.tolist()
    ([3.0, 3.0], [[2.0, 1.0, 0.0], [2.0, 1.0, 0.0]])
    >>> whole_parts(np.array([3.0]), np.array([[np.nan, 1.5]]))[1].tolist()
    [[nan, 2.0]]
    """
    total = np.asarray(total, dtype=np.float64)
    parts = np.asarray(parts, dtype=np.float64).reshape(len(total), -1)
    shown = np.round(total)
    floors = np.floor(parts)
    missing = shown - floors.sum(axis=1)
    ok = (
        np.isfinite(total)
        & np.isfinite(parts).all(axis=1)
        & (missing >= 0)
        & (missing <= parts.shape[1])
    )
    # rank of each part by its fraction, largest first (stable: the first part wins)
    order = np.argsort(floors - parts, axis=1, kind="stable")
    rank = np.empty_like(order)
    np.put_along_axis(rank, order, np.arange(parts.shape[1])[None, :], axis=1)
    rounded = np.where(rank < missing[:, None], floors + 1, floors)
    return shown, np.where(ok[:, None], rounded, np.round(parts))
