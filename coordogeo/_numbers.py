"""Numbers as the user reads them, in French or English: one definition for all.

The report, the ledger, the scenario tables and the map pages print numbers with
these functions: in French a narrow no-break space between thousands (``96 354``)
and a decimal comma (``24,3``); in English ``96,354`` and ``24.3``. A missing value
is a dash (``—``). Scalars for lines of text, :func:`decimals` and
:func:`thousands` for whole columns (map tooltips).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Final

import numpy as np
import pandas as pd

from coordogeo._rounding import whole_parts as _rounded_parts

__all__ = [
    "MISSING",
    "decimal",
    "decimals",
    "number",
    "percent",
    "signed",
    "thousands",
    "whole",
    "whole_parts",
]

#: What a missing number prints as.
MISSING: Final = "—"
_THIN: Final = "\u202f"  # narrow no-break space


def number(
    value: float | None, lang: str, digits: int = 0, *, grouped: bool = True
) -> str:
    r"""Format ``value`` with ``digits`` decimals; thousands grouped unless told not.

    >>> number(12345.678, "fr", 1), number(12345.678, "en", 1)
    ('12\u202f345,7', '12,345.7')
    >>> number(12345.678, "fr", 2, grouped=False), number(None, "en")
    ('12345,68', '—')
    """
    if value is None or pd.isna(value):
        return MISSING
    text = f"{value:{',' if grouped else ''}.{digits}f}"
    if lang == "fr":
        text = text.replace(",", _THIN).replace(".", ",")
    return text


def decimal(value: float | None, lang: str, digits: int = 2) -> str:
    """Format a decimal number, not grouped: ``12345,68`` in French."""
    return number(value, lang, digits, grouped=False)


def whole(value: float | None, lang: str) -> str:
    """Format a whole number: ``96 354`` (narrow no-break space) in French."""
    return number(value, lang)


def signed(value: float, lang: str) -> str:
    """Format a change in whole units with its sign (``+1 234``, ``-56``)."""
    return ("-" if value < 0 else "+") + whole(abs(value), lang)


def percent(share: float, lang: str, *, sign: bool = False) -> str:
    r"""Format a share (0.875) as a percentage: ``87,5 %`` in French, ``87.5%`` else.

    >>> percent(0.875, "fr"), percent(-0.012, "en", sign=True)
    ('87,5\u202f%', '-1.2%')
    """
    if pd.isna(share):
        return MISSING
    text = f"{100 * share:{'+' if sign else ''}.1f}"
    return text.replace(".", ",") + _THIN + "%" if lang == "fr" else f"{text}%"


def whole_parts(total: float, parts: Sequence[float], lang: str) -> list[str]:
    """Format a total and the parts it splits into, so that the printed parts add up.

    The parts are rounded by the largest remainder (:mod:`coordogeo._rounding`),
    as the written tables are.

    >>> whole_parts(3.0, [1.4, 1.3, 0.3], "en")
    ['3', '2', '1', '0']
    >>> whole_parts(3.0, [1.5, 1.5], "en")
    ['3', '2', '1']
    >>> whole_parts(3.0, [float("nan"), 1.5], "en")  # a missing part: a dash
    ['3', '—', '2']
    """
    shown, rounded = _rounded_parts(np.array([total]), np.array([parts]))
    return [whole(shown[0], lang), *(whole(v, lang) for v in rounded[0])]


def decimals(values: Any, digits: int, lang: str) -> Any:
    """Format a column of numbers with ``digits`` decimals, a comma in French."""
    shown = pd.Series(values).astype("float64").map(f"{{:.{digits}f}}".format)
    return shown.str.replace(".", ",") if lang == "fr" else shown


def thousands(values: Any, lang: str = "fr") -> Any:
    """Format a column of whole numbers: '12 346' (thin space) in French, '12,346'."""
    shown = (
        pd.Series(values)
        .astype("float64")
        .map("{:,.0f}".format)
        .astype(str)  # an empty series stays float after map
    )
    return shown.str.replace(",", _THIN) if lang == "fr" else shown
