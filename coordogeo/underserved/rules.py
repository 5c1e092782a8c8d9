"""Declarative under-service rules and the places each one flags."""

from __future__ import annotations

import math
import operator
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Final, Literal

import numpy as np
import pandas as pd

from coordogeo._columns import TIME
from coordogeo._words.underserved import MISSING
from coordogeo.errors import InputError, check_choice, format_labels

__all__ = [
    "COMPARISONS",
    "Rule",
    "apl_below",
    "classify",
    "in_no_cpts",
    "travel_time_above",
]

Comparison = Literal["<", "<=", ">", ">=", "==", "!="]
Missing = Literal["fires", "passes", "error"]

#: The comparisons a rule may use; the rule fires where ``value <op> threshold``.
COMPARISONS: Final[dict[str, Callable[[Any, Any], Any]]] = {
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
    "==": operator.eq,
    "!=": operator.ne,
}
#: What a missing value does, by default, in a rule on a ``travel_time_min`` column:
#: NaN there means "not reachable within the search bound", the worst access.
_SEPARATOR: Final = "; "


@dataclass(frozen=True)
class Rule:
    """One under-service rule: ``column <comparison> threshold`` flags a place.

    Parameters
    ----------
    column
        The column of the places the rule reads.
    comparison
        One of ``<``, ``<=``, ``>``, ``>=``, ``==``, ``!=``; the rule **fires** (the
        place is under-served by this rule) where ``value <comparison> threshold``.
    threshold
        A number for a numeric column, True/False for a boolean one, a text for a
        text one. Checked against the column by :func:`classify`.
    label
        The text written in ``reasons`` when the rule fires; made from the rule if
        None (e.g. ``"travel_time_min_MSP > 20"``).
    missing
        What a missing value (NaN) does: ``"fires"`` (the place is flagged, and the
        reason says the value is missing), ``"passes"`` or ``"error"``. None (the
        default) means ``"fires"`` for ``travel_time_min`` columns, where NaN is "not
        reachable", and ``"error"`` for any other column, so that no place is
        silently judged on a value it does not have.

    Examples
    --------
    >>> Rule("travel_time_min_MSP", ">", 20, label="MSP à plus de 20 min").text
    'MSP à plus de 20 min'
    >>> Rule("apl", "<", 2.5).text
    'apl < 2.5'
    >>> Rule("apl", "<", "2.5")
    Traceback (most recent call last):
    ...
    coordogeo.errors.InputError: `threshold` of the rule on 'apl' must be a number, \
True/False or a text without its quotes when it is a number; got '2.5' (a text that \
reads as a number). Write 2.5.
    """

    column: str
    comparison: Comparison
    threshold: float | int | bool | str
    label: str | None = None
    missing: Missing | None = None

    def __post_init__(self) -> None:
        """Check the comparison, the threshold's type and ``missing``."""
        if not isinstance(self.column, str) or not self.column:
            raise InputError(
                f"`column` of a rule must be a column name, got {self.column!r}."
            )
        check_choice(self.comparison, name="comparison", choices=tuple(COMPARISONS))
        if self.missing is not None:
            check_choice(
                self.missing, name="missing", choices=("fires", "passes", "error")
            )
        _check_threshold(self.column, self.threshold)
        if isinstance(self.threshold, str) and self.comparison not in ("==", "!="):
            raise InputError(
                f"The rule on {self.column!r} compares a text with "
                f"{self.comparison!r}; texts are only compared with '==' or '!='."
            )

    @property
    def text(self) -> str:
        """The label, or ``"column comparison threshold"``."""
        if self.label is not None:
            return self.label
        return f"{self.column} {self.comparison} {self.threshold}"

    @property
    def on_missing(self) -> Missing:
        """What a missing value does (see ``missing``)."""
        if self.missing is not None:
            return self.missing
        return "fires" if TIME in self.column else "error"


def _check_threshold(column: str, threshold: object) -> None:
    """Raise InputError unless ``threshold`` is a finite number, a bool or a text."""
    if isinstance(threshold, bool | str):
        if isinstance(threshold, str) and _reads_as_number(threshold):
            raise InputError(
                f"`threshold` of the rule on {column!r} must be a number, True/False "
                f"or a text without its quotes when it is a number; got {threshold!r} "
                f"(a text that reads as a number). Write {threshold}."
            )
        return
    if isinstance(threshold, int | float | np.integer | np.floating):
        if not math.isfinite(float(threshold)):
            raise InputError(
                f"`threshold` of the rule on {column!r} must be finite, got "
                f"{threshold!r}."
            )
        return
    raise InputError(
        f"`threshold` of the rule on {column!r} must be a number, True/False or a "
        f"text, got {threshold!r} ({type(threshold).__name__})."
    )


def _reads_as_number(value: str) -> bool:
    """Tell whether ``value`` is a number written as text ("2.5", "20")."""
    try:
        float(value.replace(",", "."))
    except ValueError:
        return False
    return True


def travel_time_above(
    minutes: float, *, column: str = "travel_time_min", label: str | None = None
) -> Rule:
    """Rule "travel time above ``minutes``"; unreachable places (NaN) fire too.

    Examples
    --------
    >>> travel_time_above(20, column="travel_time_min_MSP").text
    'travel_time_min_MSP > 20'
    """
    return Rule(column, ">", minutes, label=label, missing="fires")


def apl_below(
    value: float,
    *,
    column: str = "apl_consultations_per_inhabitant",
    label: str | None = None,
) -> Rule:
    """Rule "APL-style index below ``value``" (strictly, as the DREES "< 2.5").

    A missing index is an error (say what it means with ``Rule(..., missing=)``).

    Examples
    --------
    >>> apl_below(2.5, label="APL < 2,5").comparison
    '<'
    """
    return Rule(column, "<", value, label=label)


def in_no_cpts(*, column: str = "n_cpts", label: str | None = None) -> Rule:
    """Rule "in no CPTS": ``column`` (the number of CPTS claiming the place) is 0.

    Examples
    --------
    >>> in_no_cpts(label="hors CPTS").text
    'hors CPTS'
    """
    return Rule(column, "==", 0, label=label)


def classify(
    cells: pd.DataFrame,
    rules: Sequence[Rule],
    *,
    combine: Literal["any", "all"] = "any",
    lang: str = "fr",
) -> pd.DataFrame:
    """Flag the places (grid cells or communes) that break the access rules.

    Parameters
    ----------
    cells
        Places with the columns the rules read (e.g. the output of
        :func:`coordogeo.access.nearest` joined with an APL and a CPTS count).
    rules
        One or more :class:`Rule` (or :func:`travel_time_above`,
        :func:`apl_below`, :func:`in_no_cpts`).
    combine
        ``"any"``: a place is under-served when at least one rule fires; ``"all"``:
        when every rule fires.
    lang
        Language of what a reason adds when a missing value fired its rule.

    Returns
    -------
    DataFrame
        A copy of ``cells`` (same index and type) plus ``underserved`` (bool) and
        ``reasons``: the labels of the rules that fired, joined by ``"; "`` (empty
        when none did). A rule fired by a missing value says so:
        ``"… (non accessible)"`` for travel times.

    Raises
    ------
    InputError
        No rule, a rule naming a missing column, a threshold whose type does not
        match the column (a number against texts, a text against numbers), missing
        values in a column whose rule says ``missing="error"``, an unknown
        ``combine``.

    Examples
    --------
    >>> import pandas as pd
    >>> places = pd.DataFrame(
    ...     {"travel_time_min": [5.0, 25.0, float("nan")], "apl": [3.0, 3.1, 1.0]},
    ...     index=["a", "b", "c"],
    ... )
    >>> out = classify(places, [travel_time_above(20), apl_below(2.5, column="apl")])
    >>> out["underserved"].tolist()
    [False, True, True]
    >>> out.loc["c", "reasons"]
    'travel_time_min > 20 (non accessible); apl < 2.5'
    """
    check_choice(combine, name="combine", choices=("any", "all"))
    check_choice(lang, name="lang", choices=tuple(MISSING))
    if isinstance(rules, Rule):
        rules = [rules]
    if len(rules) == 0:
        raise InputError("`rules` is empty; give at least one Rule.")
    bad = [r for r in rules if not isinstance(r, Rule)]
    if bad:
        raise InputError(
            f"`rules` must hold Rule objects, got {format_labels(bad)}; build them "
            "with `Rule(column, comparison, threshold)` or `travel_time_above(...)`."
        )
    _check_rule_columns(cells, rules)
    fired = np.zeros((len(rules), len(cells)), dtype=bool)
    reasons = np.full(len(cells), "", dtype=object)
    for i, rule in enumerate(rules):  # a few rules, each vectorised over the places
        fires, missing = _evaluate(cells, rule)
        fired[i] = fires
        suffix = _missing_suffix(rule, lang)
        text = np.where(missing, rule.text + suffix, rule.text)
        joined = np.where(reasons == "", text, reasons + _SEPARATOR + text)
        reasons = np.where(fires, joined, reasons)
    flagged = fired.any(axis=0) if combine == "any" else fired.all(axis=0)
    out = cells.copy()
    out["underserved"] = pd.Series(flagged, index=out.index, dtype=bool)
    # under "all", a place that is not flagged keeps no reason: nothing was decided
    out["reasons"] = pd.Series(np.where(flagged, reasons, ""), index=out.index)
    return out


def _check_rule_columns(cells: pd.DataFrame, rules: Sequence[Rule]) -> None:
    """Raise once for every rule naming a missing column or a mismatched threshold."""
    problems = []
    for rule in rules:
        if rule.column not in cells.columns:
            problems.append(f"rule {rule.text!r} reads {rule.column!r}, not a column")
            continue
        values = cells[rule.column]
        threshold = rule.threshold
        if pd.api.types.is_bool_dtype(values):
            ok = isinstance(threshold, bool)
            expected = "True or False"
        elif pd.api.types.is_numeric_dtype(values):
            ok = not isinstance(threshold, bool | str)
            expected = "a number"
        else:
            ok = isinstance(threshold, str)
            expected = "a text"
        if not ok:
            problems.append(
                f"rule {rule.text!r}: {rule.column!r} holds {values.dtype} values, so "
                f"the threshold must be {expected}, got {threshold!r}"
            )
    if problems:
        raise InputError(
            "`rules` do not fit `cells`: "
            + "; ".join(problems)
            + f". The columns are {format_labels(cells.columns)}."
        )


def _evaluate(cells: pd.DataFrame, rule: Rule) -> tuple[np.ndarray, np.ndarray]:
    """Where the rule fires, and where that is because the value is missing."""
    values = cells[rule.column]
    missing = values.isna().to_numpy()
    if missing.any() and rule.on_missing == "error":
        raise InputError(
            f"`cells[{rule.column!r}]` is missing on {int(missing.sum())} row(s), at "
            f"index {format_labels(cells.index[missing])}; fill them, or say what a "
            "missing value means with `Rule(..., missing='fires')` or "
            "`missing='passes'`."
        )
    present = values[~missing]
    if pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(values):
        compared = present.to_numpy(dtype=np.float64)
    else:
        compared = present.to_numpy(dtype=object)
    fires = np.zeros(len(cells), dtype=bool)
    fires[~missing] = np.asarray(
        COMPARISONS[rule.comparison](compared, rule.threshold), dtype=bool
    )
    fires[missing] = rule.on_missing == "fires"
    return fires, missing & fires


def _missing_suffix(rule: Rule, lang: str) -> str:
    """Return what the reason adds when a missing value fired the rule."""
    time, other = MISSING[lang]
    return time if TIME in rule.column else other
