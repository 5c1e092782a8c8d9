"""How much a place's accessibility index changes between two states.

Shared by the scenario comparison (who sees their index rise or fall) and the
scenario map (the classes it colours), without either importing the other.
"""

from __future__ import annotations

from typing import Final

import numpy as np

__all__ = ["BIG_INDEX", "SAME_INDEX", "index_change_classes"]

#: Relative change of a place's index that counts as a change (below: unchanged),
#: and the change that counts as large.
SAME_INDEX: Final = 0.005
BIG_INDEX: Final = 0.10


def index_change_classes(before: np.ndarray, after: np.ndarray) -> np.ndarray:
    """Class each place's index change, 0 (up 10 % or more) to 4 (down 10 % or more).

    1 is up, 2 the same, 3 down; a change under 0.5 % of the index is none, and
    from or to no index at all counts as a large change.

    Examples
    --------
    >>> nan = float("nan")
    >>> index_change_classes(np.array([1.0, 1.0, 1.0, 1.0, 1.0, 0.0, nan]),
    ...                      np.array([1.2, 1.05, 1.001, 0.95, 0.5, 0.0, nan])).tolist()
    [0, 1, 2, 3, 4, 2, 2]
    """
    b = np.nan_to_num(before, nan=0.0)
    a = np.nan_to_num(after, nan=0.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        rel = np.where(b > 0, (a - b) / b, np.where(a > 0, np.inf, 0.0))
    return np.select(
        [rel >= BIG_INDEX, rel > SAME_INDEX, rel <= -BIG_INDEX, rel < -SAME_INDEX],
        [0, 1, 4, 3],
        default=2,
    )
