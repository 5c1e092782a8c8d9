"""The errors coordogeo raises, and the small validators that raise them."""

from __future__ import annotations

import math
from collections.abc import Collection, Iterable, Sequence
from typing import Any

__all__ = [
    "CoordogeoError",
    "InputError",
    "check_choice",
    "check_columns",
    "check_positive",
    "format_labels",
]

MAX_LABELS_SHOWN = 5


class CoordogeoError(Exception):
    """Base class of every error raised by coordogeo on purpose."""


class InputError(CoordogeoError, ValueError):
    """An argument cannot be used as given; the message says which one and the fix."""


def format_labels(labels: Iterable[Any]) -> str:
    """Show at most five labels, then how many more there are."""
    items = list(labels)
    shown = ", ".join(repr(x) for x in items[:MAX_LABELS_SHOWN])
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
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise InputError(
            f"`{name}` must be a number > 0 {unit}, got {value!r}."
        ) from None
    if not math.isfinite(number) or number <= 0:
        raise InputError(f"`{name}` must be a number > 0 {unit}, got {value!r}.")
    return number


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
