"""Who gains and who loses between two states, with every inhabitant accounted for."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Final

import numpy as np
import pandas as pd

import geopandas as gpd

from coordogeo._change import index_change_classes
from coordogeo._columns import TIME, TIME_AFTER, TIME_BEFORE
from coordogeo._index import in_index
from coordogeo.errors import InputError, check_increasing
from coordogeo.scenarios.state import State

__all__ = ["STATUSES", "Comparison", "compare"]

#: Per place and kind: nearer, farther, the same, or present in one state only.
STATUSES: Final = ("gained", "lost", "unchanged", "only_before", "only_after")


@dataclass(frozen=True, eq=False)
class Comparison:
    """Two states side by side.

    Attributes
    ----------
    places
        Every place of either state (none dropped), indexed by its id, with
        ``presence`` (``both``, ``only_before``, ``only_after``),
        ``population_before`` / ``population_after`` (0 where absent) and
        ``population`` (after, else before), and per kind ``time_before_min_<kind>``,
        ``time_after_min_<kind>`` (NaN when out of reach), ``change_min_<kind>``
        (after - before, NaN unless both are in reach) and ``status_<kind>``
        (:data:`STATUSES`: an unreachable place that becomes reachable gained);
        ``status`` sums them up (``gained`` / ``lost`` where every kind that moved
        moved that way, ``mixed`` otherwise). With an index, ``index_before`` and
        ``index_after`` (each place's index). Geometry of the newer side.
    summary
        One row per indicator: ``indicator``, ``kind``, ``threshold``, ``before``,
        ``after``, ``change``. Indicators: ``population_within`` (inhabitants at
        ``<= threshold`` minutes of a structure of the kind),
        ``population_out_of_reach``
        (beyond the states' bound), ``mean_time_min`` (population-weighted over
        the places in reach), and with an index ``index_mean`` (population-weighted:
        the index's total supply per inhabitant, whatever the structures' places),
        ``population_index_up`` / ``population_index_down`` (inhabitants of the
        places whose own index rises / falls by more than 0.5 %, in ``after``) and
        ``population_below_index`` (under its threshold); with rules
        ``n_zones`` and ``population_in_zones``.
    structures
        Structures opened, closed or re-sized: ``change`` (``opened``, ``closed``,
        ``capacity``), the ``by`` column, ``capacity_before`` / ``capacity_after``
        when the states have an index.
    ledger
        Inhabitants per kind and status, with ``total_before`` and ``total_after``:
        the conservation check (``gained + lost + unchanged + only_before`` is
        everyone before; ``... + only_after - only_before`` everyone after).
    """

    before: State
    after: State
    places: gpd.GeoDataFrame
    summary: pd.DataFrame
    structures: pd.DataFrame
    ledger: pd.DataFrame


def compare(
    before: State, after: State, *, thresholds_min: Sequence[float] = (10, 20, 30)
) -> Comparison:
    """Compare two states place by place, kind by kind.

    Places are aligned by id; a place present in one state only is listed with its
    inhabitants (``only_before`` / ``only_after``), never dropped.

    Parameters
    ----------
    before, after
        Two states of one territory (same ``by`` groups), e.g. a baseline and
        :func:`~coordogeo.scenarios.apply` of it, or two dates.
    thresholds_min
        Travel times at which inhabitants within reach are counted; none may exceed
        the states' ``max_time_min``.

    Returns
    -------
    Comparison

    Raises
    ------
    InputError
        States grouped by different columns, a threshold beyond a state's bound,
        thresholds not increasing.

    Examples
    --------
    >>> from coordogeo.datasets import sample_territory
    >>> from coordogeo.network import RoadNetwork
    >>> from coordogeo.scenarios import apply, baseline
    >>> sample = sample_territory()
    >>> net = RoadNetwork.from_roads(sample.roads)
    >>> ref = baseline(net, sample.population, sample.structures, max_time_min=30)
    >>> after = apply(ref, close=["MSP-01"])
    >>> diff = compare(ref, after)
    >>> int((diff.places["status_MSP"] == "lost").sum())
    133
    >>> diff.ledger.loc["MSP", ["gained", "lost", "total_before"]].round(1).tolist()
    [0.0, 21046.4, 110128.0]
    >>> rows = "indicator == 'population_within' and kind == 'MSP'"
    >>> within = diff.summary.query(rows)
    >>> within[["threshold", "before", "after", "change"]].round(1)
        threshold   before    after  change
    20       10.0  57922.8  57809.2  -113.5
    21       20.0  82603.2  82603.2     0.0
    22       30.0  98603.2  98597.4    -5.7
    """
    thresholds = check_increasing(thresholds_min, name="thresholds_min", unit="minutes")
    if before.by != after.by:
        raise InputError(
            f"The states group their structures differently ({before.by!r} against "
            f"{after.by!r}); compare states built with the same `by`."
        )
    groups = _groups(before, after)
    bound = min(before.max_time_min, after.max_time_min)
    if thresholds[-1] > bound:
        raise InputError(
            f"`thresholds_min` goes to {thresholds[-1]:g} min but a state stops at "
            f"{bound:g} min; lower the thresholds or rebuild the states."
        )
    places = _aligned(before, after)
    ledger_rows = []
    for group in groups:
        suffix = before.suffix(group)
        t_before = _times_of(before, group, places)
        t_after = _times_of(after, group, places)
        status = _status(t_before, t_after, places["presence"].to_numpy())
        places[TIME_BEFORE + suffix] = t_before
        places[TIME_AFTER + suffix] = t_after
        places[f"change_min{suffix}"] = t_after - t_before
        places[f"status{suffix}"] = pd.Categorical(status, categories=STATUSES)
        ledger_rows.append(_ledger_row(group, places, status))
    places["status"] = _overall(places, before, groups)
    if before.index is not None and after.index is not None:
        for side, state, fca in (("before", before, before.index),
                                 ("after", after, after.index)):  # fmt: skip
            places[f"index_{side}"] = (
                fca.demand[_score_name(state)]
                .reindex(places.index)
                .to_numpy(np.float64)
            )
    ledger = pd.DataFrame(ledger_rows).set_index("kind")
    summary = _summary(before, after, places, thresholds, groups)
    return Comparison(
        before=before,
        after=after,
        places=places,
        summary=summary,
        structures=_structure_changes(before, after),
        ledger=ledger,
    )


def _aligned(before: State, after: State) -> gpd.GeoDataFrame:
    """Every place of either state, newer geometry first, with populations."""
    b, a = before.places, after.places
    only_b = ~in_index(b.index, a.index)
    ids = a.index.append(b.index[only_b])
    geometry = pd.concat([a.geometry, b.geometry[only_b].to_crs(a.crs)])
    out = gpd.GeoDataFrame(index=ids, geometry=geometry.loc[ids], crs=a.crs)
    in_b = np.r_[in_index(a.index, b.index), np.ones(only_b.sum(), dtype=bool)]
    in_a = np.r_[np.ones(len(a), dtype=bool), np.zeros(only_b.sum(), dtype=bool)]
    out["presence"] = np.select(
        [in_a & in_b, in_b], ["both", "only_before"], default="only_after"
    )
    pop_b = b["population"].astype("float64").reindex(ids).fillna(0.0).to_numpy()
    pop_a = a["population"].astype("float64").reindex(ids).fillna(0.0).to_numpy()
    out["population_before"] = pop_b
    out["population_after"] = pop_a
    out["population"] = np.where(in_a, pop_a, pop_b)
    return out


def _groups(before: State, after: State) -> list[object]:
    """Return the kinds of either state (out of reach where a state has none).

    Two dates need this: a kind may not exist yet at the older one.
    """
    if before.by is None:
        return [None]
    return sorted({*before.groups, *after.groups}, key=str)


def _times_of(state: State, group: object, places: pd.DataFrame) -> np.ndarray:
    """Minutes to the nearest of the kind on the aligned places (NaN: absent, none)."""
    if group not in state.groups:
        return np.full(len(places), np.nan)
    column = state.nearest[TIME + state.suffix(group)]
    values: np.ndarray = column.astype("float64").reindex(places.index).to_numpy()
    return values


def _status(
    t_before: np.ndarray, t_after: np.ndarray, presence: np.ndarray
) -> np.ndarray:
    """Gained / lost / unchanged (out of reach is +inf), or the side it is on."""
    b = np.where(np.isnan(t_before), np.inf, t_before)
    a = np.where(np.isnan(t_after), np.inf, t_after)
    status = np.select([a < b, a > b], ["gained", "lost"], default="unchanged")
    status = np.where(presence == "only_before", "only_before", status)
    return np.where(presence == "only_after", "only_after", status).astype(object)


def _ledger_row(
    group: object, places: pd.DataFrame, status: np.ndarray
) -> dict[str, object]:
    """Inhabitants per status of one kind, and the totals they must add up to.

    Statuses count the inhabitants of their side (after for ``only_after``, before
    for the others); ``change_in_place`` is the population change of the places
    present on both sides (two vintages), so that both totals are met.
    """
    pop_b = places["population_before"].to_numpy()
    pop_a = places["population_after"].to_numpy()
    row: dict[str, Any] = {"kind": group}
    for name in STATUSES:
        row[name] = float(
            (pop_a if name == "only_after" else pop_b)[status == name].sum()
        )
    both = places["presence"].to_numpy() == "both"
    row["change_in_place"] = float((pop_a - pop_b)[both].sum())
    row["total_before"], row["total_after"] = float(pop_b.sum()), float(pop_a.sum())
    counted = row["gained"] + row["lost"] + row["unchanged"] + row["only_before"]
    counted_after = (
        counted - row["only_before"] + row["only_after"] + row["change_in_place"]
    )
    if not (
        np.isclose(counted, row["total_before"], rtol=1e-12, atol=1e-6)
        and np.isclose(counted_after, row["total_after"], rtol=1e-12, atol=1e-6)
    ):  # a place in two statuses or in none: a bug, never a rounding
        raise AssertionError(f"Inhabitants not conserved for {group!r}: {row}")
    return row


def _overall(
    places: pd.DataFrame, state: State, groups: list[object]
) -> pd.Categorical:
    """One status per place over every kind."""
    columns = [f"status{state.suffix(g)}" for g in groups]
    status = places[columns].astype(str).to_numpy()
    gained, lost = (status == "gained").any(axis=1), (status == "lost").any(axis=1)
    out = np.select(
        [gained & lost, gained, lost], ["mixed", "gained", "lost"], default="unchanged"
    ).astype(object)
    presence = places["presence"].to_numpy()
    out[presence != "both"] = presence[presence != "both"]
    return pd.Categorical(out, categories=[*STATUSES, "mixed"])


def _summary(
    before: State,
    after: State,
    places: pd.DataFrame,
    thresholds: list[float],
    groups: list[object],
) -> pd.DataFrame:
    """Inhabitants within each threshold, means, index and zones, before and after."""
    rows = []

    def add(indicator: str, kind: object, threshold: float, b: float, a: float) -> None:
        rows.append((indicator, kind, threshold, b, a, a - b))

    pb, pa = (
        places["population_before"].to_numpy(),
        places["population_after"].to_numpy(),
    )
    for group in groups:
        s = before.suffix(group)
        tb, ta = (
            places[TIME_BEFORE + s].to_numpy(),
            places[TIME_AFTER + s].to_numpy(),
        )
        for t in thresholds:
            add("population_within", group, t, pb[tb <= t].sum(), pa[ta <= t].sum())
        add("population_out_of_reach", group, np.nan, pb[np.isnan(tb)].sum(),
            pa[np.isnan(ta)].sum())  # fmt: skip
        add("mean_time_min", group, np.nan, _mean(tb, pb), _mean(ta, pa))
    if "index_before" in places:
        sb, sa = places["index_before"].to_numpy(), places["index_after"].to_numpy()
        limit = after.index_options.threshold  # type: ignore[union-attr]
        add("index_mean", None, np.nan, _mean(sb, pb), _mean(sa, pa))
        # the pooled mean is the supply per inhabitant wherever the structures
        # stand: who sees their own index rise or fall is what a move changes
        moved = index_change_classes(sb, sa)
        both = places["presence"].to_numpy() == "both"
        for name, cls in (
            ("population_index_up", (0, 1)),
            ("population_index_down", (3, 4)),
        ):
            hit = both & np.isin(moved, cls)
            add(name, None, np.nan, np.nan, pb[hit].sum())
        if limit is not None:
            add("population_below_index", None, limit, pb[sb < limit].sum(),
                pa[sa < limit].sum())  # fmt: skip
    if before.zones is not None and after.zones is not None:
        add("n_zones", None, np.nan, len(before.zones), len(after.zones))
        add("population_in_zones", None, np.nan, before.zones["population"].sum(),
            after.zones["population"].sum())  # fmt: skip
    return pd.DataFrame(
        rows, columns=["indicator", "kind", "threshold", "before", "after", "change"]
    )


def _mean(values: np.ndarray, weights: np.ndarray) -> float:
    """Weighted mean over finite values (NaN when nobody)."""
    ok = np.isfinite(values) & (weights > 0)
    total = weights[ok].sum()
    return float((values[ok] * weights[ok]).sum() / total) if total > 0 else np.nan


def _score_name(state: State) -> str:
    """Return the index column of a state's demand side."""
    options = state.index_options
    assert options is not None
    return f"{options.method}_{options.capacity}_per_inhabitant"


def _structure_changes(before: State, after: State) -> pd.DataFrame:
    """List the opened, closed and re-sized structures."""
    b, a = before.structures, after.structures
    columns = [c for c in ([before.by] if before.by else []) if c in a.columns]
    opened = a.loc[~in_index(a.index, b.index), columns].assign(change="opened")
    closed = b.loc[~in_index(b.index, a.index), columns].assign(change="closed")
    parts = [opened, closed]
    cap = None
    if before.index_options is not None and after.index_options is not None:
        cap = after.index_options.capacity
        both = a.index[in_index(a.index, b.index)]
        moved = both[
            b.loc[both, cap].astype("float64").to_numpy()
            != a.loc[both, cap].astype("float64").to_numpy()
        ]
        parts.append(a.loc[moved, columns].assign(change="capacity"))
    out = pd.concat(parts)
    if cap is not None:
        out["capacity_before"] = b[cap].astype("float64").reindex(out.index)
        out["capacity_after"] = a[cap].astype("float64").reindex(out.index)
    return pd.DataFrame(out)
