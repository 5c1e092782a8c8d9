"""Names of the result columns that several capabilities read."""

from __future__ import annotations

from typing import Final

import pandas as pd

from coordogeo.errors import InputError

__all__ = ["TIME", "time_columns"]

#: Prefix of the travel-time columns of :func:`coordogeo.access.nearest`.
TIME: Final = "travel_time_min"


def time_columns(result: pd.DataFrame) -> list[str]:
    """Return the rank-1 travel-time columns (not ``_2``, ``_3``…); raise if none."""
    columns = [
        c
        for c in result.columns
        if isinstance(c, str)
        and (c == TIME or c.startswith(f"{TIME}_"))
        and not c.rsplit("_", 1)[-1].isdigit()
    ]
    if not columns:
        raise InputError(
            f"`result` has no `{TIME}` column; pass the output of "
            "`coordogeo.access.nearest`."
        )
    return columns
