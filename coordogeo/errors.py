"""The errors coordogeo raises, and the small validators that raise them."""

from __future__ import annotations

import itertools
import math
import numbers
from collections.abc import Collection, Iterable, Sequence
from typing import Any

__all__ = [
    "CoordogeoError",
    "InputError",
    "check_choice",
    "check_columns",
    "check_complete",
    "check_counts",
    "check_increasing",
    "check_positive",
    "check_whole",
    "format_labels",
    "is_whole",
]

MAX_LABELS_SHOWN = 5


class CoordogeoError(Exception):
    """Base class of every error raised by coordogeo on purpose."""


class InputError(CoordogeoError, ValueError):
    """An argument cannot be used as given; the message says which one and the fix."""


def format_labels(labels: Iterable[Any]) -> str:
    """Show at most five labels, then how many more there are."""
    items = list(labels)
    # numpy scalars print as themselves (3, 'a'), not as np.int64(3)
    plain = [x.item() if hasattr(x, "item") and hasattr(x, "dtype") else x
             for x in items[:MAX_LABELS_SHOWN]]  # fmt: skip
    shown = ", ".join(repr(x) for x in plain)
    extra = len(items) - MAX_LABELS_SHOWN
    return f"[{shown}{f', … ({extra} more)' if extra > 0 else ''}]"


def check_positive(value: float, *, name: str, unit: str) -> float:
    """Return ``value`` as a float if it is a finite number > 0, else raise InputError.

    Examples
    --------
    >>> check_positive(1200, name="radius_m", unit="metres")
    1200.0
    >>> check_positive(float("nan"), name="radius_m", unit="metres")
    Traceback (most recent call last):
    ...
    coordogeo.errors.InputError: `radius_m` must be a number > 0 metres, got nan.
    """
    if isinstance(value, str | bytes | bool):  # "20" is text, True is not a number
        raise InputError(f"`{name}` must be a number > 0 {unit}, got {value!r}.")
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise InputError(
            f"`{name}` must be a number > 0 {unit}, got {value!r}."
        ) from None
    if not math.isfinite(number) or number <= 0:
        raise InputError(f"`{name}` must be a number > 0 {unit}, got {value!r}.")
    return number


def is_whole(value: object, least: int = 0) -> bool:
    """Whether ``value`` is a whole number (not a bool, not a float) ``>= least``.

    >>> is_whole(3), is_whole(3.0), is_whole(True), is_whole(-1), is_whole(-1, -1)
    (True, False, False, False, True)
    """
    if not isinstance(value, numbers.Integral) or isinstance(value, bool):
        return False
    return int(value) >= least


def check_whole(value: object, *, name: str, least: int = 1) -> int:
    """Return ``value`` as an int if :func:`is_whole`, else raise InputError.

    >>> check_whole(2.0, name="k")
    Traceback (most recent call last):
    ...
    coordogeo.errors.InputError: `k` must be a whole number >= 1, got 2.0.
    """
    if not is_whole(value, least):
        raise InputError(f"`{name}` must be a whole number >= {least}, got {value!r}.")
    return int(value)  # type: ignore[call-overload,no-any-return]  # an Integral


def check_choice(value: object, *, name: str, choices: Collection[object]) -> None:
    """Raise InputError unless ``value`` is in ``choices``; the message lists them."""
    if value not in choices:
        allowed = ", ".join(repr(c) for c in choices)
        raise InputError(
            f"`{name}` was {value!r} but is expected to be one of {allowed}."
        )


def check_columns(frame: Any, columns: Sequence[str], *, name: str) -> None:
    """Raise InputError naming every column of ``columns`` missing from ``frame``."""
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        have = format_labels(c for c in frame.columns if c != "geometry")
        raise InputError(
            f"`{name}` lacks the column(s) {format_labels(missing)}; it has {have}. "
            "Rename the column or pass its name as the matching option."
        )


def check_counts(
    frame: Any, column: str, *, name: str, fix: str = "fill them (0 for nobody)."
) -> Any:
    """Return ``frame[column]`` as float64 values, or raise naming NaN/negative rows.

    For extensive counts such as ``population``: a missing value is never read as 0,
    because nobody may silently disappear from a total.
    """
    check_columns(frame, [column], name=name)
    try:
        values = frame[column].to_numpy(dtype="float64", na_value=float("nan"))
    except (TypeError, ValueError):
        raise InputError(
            f"`{name}[{column!r}]` must hold numbers; convert it with "
            "`pandas.to_numeric`."
        ) from None
    bad = ~(values >= 0)  # NaN compares False: caught here
    if bad.any():
        raise InputError(
            f"`{name}[{column!r}]` is missing or negative on {int(bad.sum())} row(s), "
            f"at index {format_labels(frame.index[bad])}; {fix}"
        )
    return values


def check_increasing(values: Iterable[float], *, name: str, unit: str) -> list[float]:
    """Return ``values`` as floats if each is > 0 and they strictly increase.

    Examples
    --------
    >>> check_increasing([10, 20, 30], name="thresholds_min", unit="minutes")
    [10.0, 20.0, 30.0]
    >>> check_increasing([20, 10], name="thresholds_min", unit="minutes")
    Traceback (most recent call last):
    ...
    coordogeo.errors.InputError: `thresholds_min` must strictly increase, got [20, 10].
    """
    given = list(values)
    numbers = [check_positive(v, name=name, unit=unit) for v in given]
    if not numbers:
        raise InputError(f"`{name}` needs at least one value in {unit}, got none.")
    if any(b <= a for a, b in itertools.pairwise(numbers)):
        raise InputError(f"`{name}` must strictly increase, got {given}.")
    return numbers


def check_complete(frame: Any, column: str, *, name: str, fix: str) -> Any:
    """Return ``frame[column]`` if it has no missing value, else raise naming the rows.

    For key columns (groups, areas, zones) where a missing value would drop people.
    ``fix`` ends the message.
    """
    check_columns(frame, [column], name=name)
    values = frame[column]
    missing = values.isna().to_numpy()
    if missing.any():
        raise InputError(
            f"`{name}[{column!r}]` is missing on {int(missing.sum())} row(s), at "
            f"index {format_labels(frame.index[missing])}; {fix}"
        )
    return values
