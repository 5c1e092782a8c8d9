"""Membership of labels in an index, at the cost of one hash lookup per label.

``Index.isin`` on pandas 3's string dtype takes 1.3 s for 250 000 cell ids
against 0.02 s for ``get_indexer`` on the same labels; the comparisons of
scenarios ask it several times per state, so it cost a region's run ~40 s.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

__all__ = ["in_index"]


def in_index(labels: Any, index: pd.Index) -> np.ndarray:
    """Return, for each of ``labels``, whether ``index`` holds it (a bool array).

    Same answer as ``pd.Index(labels).isin(index)``, NaN included (a NaN label is
    in an index that holds NaN); an index with repeated labels goes to ``isin``.

    >>> in_index(pd.Index(["a", "b", "c"]), pd.Index(["c", "a"])).tolist()
    [True, False, True]
    """
    labels = pd.Index(labels)
    if not index.is_unique:
        return np.asarray(labels.isin(index), dtype=bool)
    return np.asarray(index.get_indexer(labels) >= 0, dtype=bool)
