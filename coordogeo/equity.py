"""Inequality of access: Gini, Palma, Theil, concentration index, FGT, by income.

Every index is weighted by population (a weight of 0 is allowed; NaN or a negative
value is a named error) and follows the textbook definitions that IPEA's
``accessibility`` (R) implements, so figures compare across tools; each docstring
gives its formula and reference. ``values`` is an access measure per place (a
travel time, an APL, a count of opportunities), ``weights`` its inhabitants.

At cell level these are **ecological** measures: a cell's income is the mean
standard of living of its households (imputed in small groups under statistical
secrecy), never a household's own.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Final, Literal

import numpy as np
import pandas as pd

from coordogeo.errors import InputError, check_choice, check_whole, format_labels

__all__ = [
    "ByIncome",
    "Theil",
    "by_income",
    "check_incomes_differ",
    "concentration_index",
    "fgt",
    "gini",
    "income_groups",
    "palma_ratio",
    "theil_t",
    "weighted_quantile",
]

ArrayLike = Sequence[float] | np.ndarray | pd.Series


def _checked(
    values: Any, weights: Any, *extra: tuple[str, Any]
) -> tuple[np.ndarray, np.ndarray, list[np.ndarray]]:
    """Return float arrays of equal length; raise on NaN, negatives, text, sizes."""
    named = [("values", values), ("weights", weights), *extra]
    arrays: list[np.ndarray] = []
    for name, given in named:
        try:
            array = np.asarray(given, dtype=np.float64).ravel()
        except (TypeError, ValueError) as err:
            raise InputError(f"`{name}` must hold numbers ({err}).") from err
        bad = ~np.isfinite(array)
        if bad.any():
            where = np.flatnonzero(bad)
            labels = given.index[where] if isinstance(given, pd.Series) else where
            raise InputError(
                f"`{name}` has {int(bad.sum())} missing or infinite value(s), at "
                f"{format_labels(labels)}; drop those places or fill them first "
                "(an unreachable place has no time to rank)."
            )
        arrays.append(array)
    sizes = {name: len(a) for (name, _), a in zip(named, arrays, strict=True)}
    if len(set(sizes.values())) > 1:
        raise InputError(f"The inputs differ in length: {sizes}.")
    w = arrays[1]
    if (w < 0).any():
        where = np.flatnonzero(w < 0)
        labels = weights.index[where] if isinstance(weights, pd.Series) else where
        raise InputError(f"`weights` are negative at {format_labels(labels)}.")
    if len(w) == 0 or w.sum() <= 0:
        raise InputError("`weights` sum to 0: there is nobody to measure.")
    return arrays[0], w, arrays[2:]


#: Incomes closer than this, relative to their size, are the same income: a span
#: of 4e-12 euros is the rounding of a mean, not a difference between people.
_SAME_INCOME_REL: Final = 1e-9


def _nonnegative(x: np.ndarray, index: str) -> None:
    """Raise unless every value is >= 0 (times, indices, counts: never negative)."""
    if (x < 0).any():
        raise InputError(
            f"`values` must be >= 0 for {index}; {int((x < 0).sum())} are negative "
            f"(lowest {x.min():g}). Check the column: a time or an index is never < 0."
        )


def check_incomes_differ(income: np.ndarray, *, name: str = "income") -> None:
    """Raise when every place has the same income (to rounding): nothing to rank.

    Deciles, a Palma ratio or a concentration index built on incomes that differ
    only by rounding noise would rank places by that noise.

    Raises
    ------
    InputError
        The incomes span less than a billionth of their size.
    """
    if len(income) == 0:
        return
    low, high = float(income.min()), float(income.max())
    if high - low <= _SAME_INCOME_REL * max(abs(low), abs(high), 1.0):
        raise InputError(
            f"Every place has the same `{name}` ({low:.10g} to {high:.10g}): nobody "
            "is poorer than anyone, so no ranking by income (deciles, Palma ratio, "
            "concentration index) means anything. Give incomes that differ."
        )


def gini(values: ArrayLike, weights: ArrayLike) -> float:
    """Population-weighted Gini index of ``values``, from their Lorenz curve.

    ``G = 1 - Σ_i p_i (L_{i-1} + L_i)`` over places sorted by value, where
    ``p_i = w_i / Σ w`` and ``L_i`` is the cumulative share of ``Σ w x`` up to place
    ``i`` (``L_0 = 0``). 0 when everyone has the same value (also all zero), up to
    ``1 - p_max`` when one place holds everything. Values must be >= 0.

    Examples
    --------
    >>> gini([1, 1, 1], [5, 5, 5])
    0.0
    >>> round(gini([0, 0, 10], [1, 1, 1]), 4)  # one third holds everything
    0.6667
    """
    x, w, _ = _checked(values, weights)
    _nonnegative(x, "a Gini index")
    order = np.argsort(x, kind="stable")
    x, w = x[order], w[order]
    total = float((w * x).sum())
    if total == 0 or x[0] == x[-1]:  # everyone alike: exactly 0, not float residue
        return 0.0
    p = w / w.sum()
    lorenz = np.cumsum(w * x) / total
    before = np.concatenate([[0.0], lorenz[:-1]])
    return float(1.0 - (p * (before + lorenz)).sum())


def weighted_quantile(
    values: ArrayLike, weights: ArrayLike, probs: Sequence[float]
) -> np.ndarray:
    """Population-weighted quantiles, as ``Hmisc::wtd.quantile`` (IPEA's Palma).

    The weights are read as frequencies: with ``n = Σ w`` the quantile ``p`` is
    interpolated between the values at positions ``1 + (n - 1) p`` (floor and
    ceiling) of the cumulative weights.

    Examples
    --------
    >>> weighted_quantile([10, 20, 30, 40], [1, 1, 1, 1], [0.5]).tolist()
    [25.0]
    """
    x, w, _ = _checked(values, weights)
    p = np.asarray(probs, dtype=np.float64).ravel()
    if not ((p >= 0) & (p <= 1)).all():  # NaN too
        raise InputError(f"`probs` must be shares between 0 and 1, got {p.tolist()}.")
    levels, inverse = np.unique(x, return_inverse=True)
    cumulative = np.cumsum(np.bincount(inverse, weights=w))
    n = cumulative[-1]
    order = 1 + (n - 1) * p
    low = np.maximum(np.floor(order), 1.0)
    high = np.minimum(low + 1, n)
    frac = order % 1

    def at(position: np.ndarray) -> np.ndarray:
        index = np.searchsorted(cumulative, position, side="left")
        return levels[np.clip(index, 0, len(levels) - 1)]

    out: np.ndarray = (1 - frac) * at(low) + frac * at(high)
    return out


def palma_ratio(
    values: ArrayLike,
    weights: ArrayLike,
    income: ArrayLike,
    *,
    reference: tuple[ArrayLike, ArrayLike] | None = None,
) -> float:
    """Mean value of the richest 10 % over the mean value of the poorest 40 %.

    The people whose income is above the 90th population-weighted income
    percentile, over those at or below the 40th (:func:`weighted_quantile`). The
    cut points come from ``reference`` — ``(income, weights)`` of the whole
    territory — when given, else from the rows scored. For a travel time, above 1
    means the rich travel longer.

    Raises
    ------
    InputError
        NaN or negative inputs; no one in the richest or the poorest group, or a
        poorest mean of 0 (the ratio is undefined).

    Examples
    --------
    >>> incomes = [10, 20, 30, 40, 50, 60, 70, 80, 90, 100]
    >>> palma_ratio([4, 4, 4, 4, 3, 3, 3, 3, 3, 1], [1] * 10, incomes)
    0.25
    """
    x, w, (inc,) = _checked(values, weights, ("income", income))
    _nonnegative(x, "a Palma ratio")
    check_incomes_differ(inc if reference is None else np.asarray(reference[0]))
    ref_income, ref_weights = (inc, w) if reference is None else reference
    p40, p90 = weighted_quantile(ref_income, ref_weights, [0.4, 0.9])
    rich, poor = inc > p90, inc <= p40
    if w[rich].sum() == 0 or w[poor].sum() == 0:
        raise InputError(
            "Nobody lives in the richest 10 % or in the poorest 40 % of these rows "
            f"(cut points {p40:g} and {p90:g}); give more places or a `reference`."
        )
    mean_rich = float(np.average(x[rich], weights=w[rich]))
    mean_poor = float(np.average(x[poor], weights=w[poor]))
    if mean_poor == 0:
        raise InputError("The poorest 40 % have a mean value of 0: no ratio.")
    return mean_rich / mean_poor


@dataclass(frozen=True)
class Theil:
    """Theil T and, with groups, its decomposition (total = between + within).

    ``groups`` has per group ``population``, ``mean``, ``share`` (of ``Σ w x``) and
    its own ``theil``; None without groups.
    """

    total: float
    between: float | None
    within: float | None
    groups: pd.DataFrame | None


def _theil(x: np.ndarray, w: np.ndarray) -> float:
    """``Σ p_i (x_i/μ) ln(x_i/μ)`` with ``0 ln 0 = 0``."""
    mu = float(np.average(x, weights=w))
    if mu == 0:
        return 0.0
    ratio = x / mu
    logs = np.log(ratio, out=np.zeros_like(ratio), where=ratio > 0)
    return float((w / w.sum() * ratio * logs).sum())


def theil_t(
    values: ArrayLike, weights: ArrayLike, groups: ArrayLike | None = None
) -> Theil:
    """Population-weighted Theil T index, decomposed between and within groups.

    ``T = Σ p_i (x_i/μ) ln(x_i/μ)`` (``0 ln 0 = 0``). With groups ``g`` (e.g.
    income deciles), ``s_g = Σ_{i∈g} w_i x_i / Σ w x``; between ``= Σ s_g
    ln(μ_g/μ)``, within ``= Σ s_g T_g``, and total = between + within (Theil 1967;
    as in IPEA ``theil_t``). Values must be >= 0.

    Examples
    --------
    >>> t = theil_t([1, 1, 3, 3], [1, 1, 1, 1], groups=["a", "a", "b", "b"])
    >>> round(t.total, 4), round(t.between, 4), t.within
    (0.1308, 0.1308, 0.0)
    """
    x, w, _ = _checked(values, weights)
    _nonnegative(x, "a Theil index")
    total = _theil(x, w)
    if groups is None:
        return Theil(total, None, None, None)
    keys = np.asarray(groups, dtype=object).ravel()
    if len(keys) != len(x):
        raise InputError(f"`groups` has {len(keys)} rows, `values` {len(x)}.")
    if pd.isna(keys).any():
        raise InputError("`groups` has missing values; give every place a group.")
    codes, names = pd.factorize(keys, sort=True)
    mu = float(np.average(x, weights=w))
    pop = np.bincount(codes, weights=w)
    mass = np.bincount(codes, weights=w * x)
    means = np.divide(mass, pop, out=np.zeros_like(mass), where=pop > 0)
    shares = mass / mass.sum() if mass.sum() else np.zeros_like(mass)
    own = np.array(
        [_theil(x[codes == g], w[codes == g]) if pop[g] > 0 else 0.0
         for g in range(len(names))]
    )  # fmt: skip
    safe = (shares > 0) & (means > 0)
    between = float((shares[safe] * np.log(means[safe] / mu)).sum() if mu > 0 else 0.0)
    within = float((shares * own).sum())
    table = pd.DataFrame(
        {"population": pop, "mean": means, "share": shares, "theil": own},
        index=pd.Index(names, name="group"),
    )
    return Theil(total, between, within, table)


def _fractional_rank(rank_by: np.ndarray, w: np.ndarray) -> np.ndarray:
    """Fractional rank ``R_i = Σ_{j<i} p_j + p_i / 2``; ties share their midpoint."""
    p = w / w.sum()
    levels, inverse = np.unique(rank_by, return_inverse=True)
    mass = np.bincount(inverse, weights=p, minlength=len(levels))
    before = np.concatenate([[0.0], np.cumsum(mass)[:-1]])
    out: np.ndarray = (before + mass / 2)[inverse]
    return out


def concentration_index(
    values: ArrayLike,
    weights: ArrayLike,
    rank_by: ArrayLike,
    *,
    corrected: bool = False,
) -> float:
    """Concentration index of ``values`` over people ranked by ``rank_by`` (income).

    ``CI = (2/μ) Σ p_i (x_i - μ)(R_i - ½)`` with the fractional rank ``R_i = Σ_{j<i}
    p_j + p_i / 2`` (van Doorslaer & Koolman 2004, eq. 4); places of equal income
    share the midpoint rank of their group, so the order of ties does not matter.
    Negative when the value concentrates among the poor: for a travel time, a
    negative CI means the poor travel longer. ``corrected=True`` gives Erreygers'
    (2009) index ``E = 4 μ / (max x - min x) · CI``, bounded for a bounded value.

    IPEA's ``concentration_index`` centres the ranks on their unweighted mean
    instead of ½ (the population-weighted mean); the two agree with equal weights.

    Examples
    --------
    >>> concentration_index([1, 1, 1], [1, 2, 3], [10, 20, 30])
    0.0
    >>> round(concentration_index([30, 20, 10], [1, 1, 1], [1, 2, 3]), 4)
    -0.2222
    """
    x, w, (rank,) = _checked(values, weights, ("rank_by", rank_by))
    _nonnegative(x, "a concentration index")
    check_incomes_differ(rank, name="rank_by")
    mu = float(np.average(x, weights=w))
    if mu == 0:
        raise InputError("`values` have a mean of 0: the index is undefined.")
    r = _fractional_rank(rank, w)
    p = w / w.sum()
    ci = float(2.0 / mu * (p * (x - mu) * (r - 0.5)).sum())
    if not corrected:
        return ci
    span = float(x.max() - x.min())
    return 0.0 if span == 0 else 4.0 * mu / span * ci


def fgt(
    values: ArrayLike,
    weights: ArrayLike,
    threshold: float,
    *,
    worse: Literal["below", "above"] = "below",
) -> pd.Series:
    """Foster-Greer-Thorbecke measures FGT0, FGT1, FGT2 of a shortfall.

    ``FGT_α = Σ p_i g_i^α`` with ``g_i = (z - x_i)/z`` where ``x_i < z`` (0 else)
    for ``worse="below"`` (an index), and ``g_i = (x_i - z)/z`` where ``x_i > z``
    for ``worse="above"`` (a travel time). FGT0 is the share beyond the line,
    FGT1 its depth, FGT2 its severity (Foster, Greer & Thorbecke 1984).

    Examples
    --------
    >>> fgt([5, 15, 30], [1, 1, 2], 20, worse="above").round(4).tolist()
    [0.5, 0.25, 0.125]
    """
    check_choice(worse, name="worse", choices=("below", "above"))
    x, w, _ = _checked(values, weights)
    z = float(threshold)
    if not np.isfinite(z) or z <= 0:
        raise InputError(f"`threshold` must be a number > 0, got {threshold!r}.")
    gap = (z - x) / z if worse == "below" else (x - z) / z
    gap = np.where(gap > 0, gap, 0.0)
    p = w / w.sum()
    return pd.Series(
        {
            "FGT0": float((p * (gap > 0)).sum()),
            "FGT1": float((p * gap).sum()),
            "FGT2": float((p * gap**2).sum()),
        }
    )


def income_groups(
    income: ArrayLike, weights: ArrayLike, groups: int = 10
) -> np.ndarray:
    """Group of each place, 1 (poorest) to ``groups``, of equal population.

    A place goes to the group holding the midpoint of its fractional income rank
    (places of equal income share it), so each group holds ``1/groups`` of the
    people up to the one place straddling each cut.

    Examples
    --------
    >>> income_groups([300, 100, 200, 400], [1, 1, 1, 1], groups=2).tolist()
    [2, 1, 1, 2]
    """
    inc, w, _ = _checked(income, weights)
    check_incomes_differ(inc)
    rank = _fractional_rank(inc, w)
    out: np.ndarray = np.minimum((rank * groups).astype(int), groups - 1) + 1
    return out


@dataclass(frozen=True)
class ByIncome:
    """Access by income group, and the concentration curve of the access value.

    ``table``: one row per group (1 = poorest); ``curve``: cumulative population
    share ranked by income (``population_share``) against the cumulative share of
    the value (``value_share``), from (0, 0) to (1, 1).
    """

    table: pd.DataFrame
    curve: pd.DataFrame


def by_income(
    places: pd.DataFrame,
    column: str,
    *,
    income: str,
    population: str = "population",
    groups: int = 10,
    thresholds_min: Sequence[float] = (10, 20, 30),
    apl: str | None = None,
    apl_below: float = 2.5,
) -> ByIncome:
    """Access by population-weighted income group (deciles by default).

    Parameters
    ----------
    places
        Places with ``population``, ``income`` and the access ``column``.
    column
        A travel time in minutes (``travel_time_min_*``; NaN = unreachable, counted
        beyond every threshold) or any other access value.
    income
        Income per person of each place (e.g. ``niveau_vie_moyen``). Places with a
        missing income are left out of the groups and counted in ``attrs``.
    population
        Inhabitants.
    groups
        How many groups of equal population (10: deciles), poorest first.
    thresholds_min
        For a time column: the share beyond each threshold.
    apl, apl_below
        An APL-style column to average too, and the share of people under
        ``apl_below``.

    Returns
    -------
    ByIncome
        ``table`` indexed by group (1 = poorest) with ``population``,
        ``income_min``/``income_max``, ``mean_<column>``, ``share_beyond_<t>_min``
        (time) and ``mean_apl``/``share_apl_below`` (with ``apl``); ``curve``.
        ``table.attrs["population_without_income"]`` counts who was left out.

    Examples
    --------
    >>> t = pd.DataFrame({"population": [10, 10, 10, 10],
    ...                   "niveau_vie_moyen": [1, 2, 3, 4],
    ...                   "travel_time_min": [30.0, 20.0, float("nan"), 5.0]})
    >>> out = by_income(t, "travel_time_min", income="niveau_vie_moyen", groups=2)
    >>> out.table[["population", "share_beyond_10_min"]].to_dict("list")
    {'population': [20.0, 20.0], 'share_beyond_10_min': [1.0, 0.5]}
    """
    check_whole(groups, name="groups", least=2)
    missing = [c for c in (column, income, population, apl) if c and c not in places]
    if missing:
        raise InputError(f"`places` lacks the column(s) {missing}.")
    known = places[income].notna()
    if not known.any():
        raise InputError(
            f"`places[{income!r}]` is missing on every row: there is no income to "
            "group places by. Give the Filosofi income (e.g. `Ind_snv / Ind`)."
        )
    rows = places[known]
    w = rows[population].to_numpy(dtype=np.float64)
    inc = rows[income].to_numpy(dtype=np.float64)
    group = income_groups(inc, w, groups)
    rank = _fractional_rank(inc, w)
    time = column.startswith("travel_time_min")
    value = rows[column].to_numpy(dtype=np.float64)
    frame = pd.DataFrame({"g": group, "w": w, "inc": inc, "x": value})
    table = _group_table(frame, column, time, thresholds_min)
    if apl is not None:
        a = rows[apl].to_numpy(dtype=np.float64)
        frame["a"] = a
        frame["low"] = a < apl_below
        agg = frame.groupby("g")
        table["mean_apl"] = agg.apply(lambda d: np.average(d["a"], weights=d["w"]))
        table[f"share_apl_below_{apl_below:g}"] = (
            agg.apply(lambda d: d.loc[d["low"], "w"].sum()) / table["population"]
        )
    table.attrs["population_without_income"] = float(
        places.loc[~known, population].sum()
    )
    return ByIncome(table, _curve(rank, w, value))


def _group_table(
    frame: pd.DataFrame, column: str, time: bool, thresholds: Sequence[float]
) -> pd.DataFrame:
    """Tabulate population, income range, mean value and shares beyond each bound."""
    agg = frame.groupby("g")
    table = pd.DataFrame(
        {
            "population": agg["w"].sum(),
            "income_min": agg["inc"].min(),
            "income_max": agg["inc"].max(),
        }
    )
    reach = np.isfinite(frame["x"])
    frame = frame.assign(wx=np.where(reach, frame["x"] * frame["w"], 0.0),
                         wr=np.where(reach, frame["w"], 0.0))  # fmt: skip
    sums = frame.groupby("g")[["wx", "wr"]].sum()
    table[f"mean_{column}"] = sums["wx"] / sums["wr"].where(sums["wr"] > 0)
    if time:
        for t in thresholds:
            beyond = frame["w"].where(~(frame["x"] <= t), 0.0)
            table[f"share_beyond_{t:g}_min"] = (
                beyond.groupby(frame["g"]).sum() / table["population"]
            )
    table.index.name = "group"
    return table


def _curve(rank: np.ndarray, w: np.ndarray, value: np.ndarray) -> pd.DataFrame:
    """Trace the concentration curve: cumulative population and value by income.

    Unreachable places (NaN) add population and no value.
    """
    order = np.argsort(rank, kind="stable")
    x = np.where(np.isfinite(value), value, 0.0)[order]
    weights = w[order]
    cum = np.concatenate([[0.0], np.cumsum(weights)])
    pop = cum / cum[-1]
    mass = np.concatenate([[0.0], np.cumsum(weights * x)])
    share = mass / mass[-1] if mass[-1] > 0 else np.zeros_like(mass)
    return pd.DataFrame({"population_share": pop, "value_share": share})
