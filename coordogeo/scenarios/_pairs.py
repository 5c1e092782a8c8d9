"""The (place, site) pairs a scenario state holds, and how a change updates them.

:class:`Pairs` keeps every pair within the bound, sorted by place, with the blocks
each opening adds; :func:`updated_best` finds each place's nearest open site after
a change and :func:`updated_sums` updates a separable index's running sums
(:class:`RunningSums`), each reading only the pairs of the sites that changed.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

import numpy as np
import pandas as pd

import geopandas as gpd

from coordogeo.access.decay import Decay, checked_weights
from coordogeo.access.fca import decay_of
from coordogeo.access.matrix import (
    TravelTimeMatrix,
    assemble_matrix,
    check_matrix_bound,
    check_matrix_ids,
)
from coordogeo.errors import InputError, check_complete, check_counts, format_labels
from coordogeo.network.search import expand_groups

__all__ = [
    "Pairs",
    "RunningSums",
    "baseline_pairs",
    "change_label",
    "check_matrix",
    "group_codes",
    "matrix_of",
    "structures_after",
    "take_better",
    "updated_best",
    "updated_sums",
]


class IndexOptionsLike(Protocol):
    """What :func:`updated_sums` reads of a state's index options."""

    @property
    def method(self) -> str: ...

    @property
    def decay(self) -> str | Decay | None: ...

    @property
    def capacity(self) -> str: ...


@dataclass(frozen=True, eq=False)
class Pairs:
    """Every (place, site) pair within the bound, the sites that are open.

    Positions: ``row`` into the places, ``site`` into :attr:`sites` (every site ever
    seen: the baseline's, then the opened ones in order). The baseline's pairs are
    sorted by row (``ptr`` gives each row's slice); each opening adds a small block.
    """

    sites: pd.Index
    group: np.ndarray  # group code of each site
    is_open: np.ndarray
    row: np.ndarray
    site: np.ndarray
    time_min: np.ndarray  # float32, as stored by TravelTimeMatrix
    ptr: np.ndarray
    extra: tuple[tuple[np.ndarray, np.ndarray, np.ndarray], ...] = ()
    #: The baseline's pairs ordered by site (built on the first need; the base
    #: arrays are shared by every state of a baseline, so is this).
    by_site: dict[str, np.ndarray] = field(default_factory=dict)

    def of_rows(self, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """All pairs (row, site, minutes) of the given rows, open sites or not."""
        starts = self.ptr[rows]
        pos, which = expand_groups(starts, self.ptr[rows + 1] - starts)
        parts = [(rows[which], self.site[pos], self.time_min[pos])]
        wanted = np.zeros(len(self.ptr) - 1, dtype=bool)
        wanted[rows] = True
        for row, site, minutes in self.extra:
            keep = wanted[row]
            parts.append((row[keep], site[keep], minutes[keep]))
        return tuple(np.concatenate(p) for p in zip(*parts, strict=True))  # type: ignore[return-value]

    def of_sites(self, sites: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """All pairs (row, site, minutes) of the given sites (positions)."""
        if "order" not in self.by_site:  # the baseline's pairs by site, built once
            order = np.argsort(self.site, kind="stable")
            ptr = np.zeros(len(self.sites) + 1, dtype=np.int64)
            counts = np.bincount(self.site, minlength=len(self.sites))
            np.cumsum(counts, out=ptr[1 : len(counts) + 1])
            self.by_site.update(order=order, ptr=ptr)
        order, ptr = self.by_site["order"], self.by_site["ptr"]
        base = sites[sites < len(ptr) - 1]
        starts = ptr[base]
        pos, _ = expand_groups(starts, ptr[base + 1] - starts)
        pos = order[pos]
        parts = [(self.row[pos], self.site[pos], self.time_min[pos])]
        wanted = np.zeros(len(self.sites), dtype=bool)
        wanted[sites] = True
        for row, site, minutes in self.extra:
            keep = wanted[site]
            parts.append((row[keep], site[keep], minutes[keep]))
        return tuple(np.concatenate(p) for p in zip(*parts, strict=True))  # type: ignore[return-value]

    def all(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Every pair to an open site."""
        parts = [(self.row, self.site, self.time_min), *self.extra]
        row, site, minutes = (np.concatenate(p) for p in zip(*parts, strict=True))
        keep = self.is_open[site]
        return row[keep], site[keep], minutes[keep]


@dataclass(frozen=True, eq=False)
class RunningSums:
    """Running sums of a separable index (:data:`~coordogeo.access.fca.SEPARABLE`).

    Per site (every site ever seen, in the pairs' order): capacity ``S_j`` and
    weighted demand ``D_j = sum_i w_ij P_i``; per place: score
    ``A_i = sum_j w_ij S_j / D_j`` and the number of pairs with a positive weight.
    """

    capacity: np.ndarray
    demand: np.ndarray
    score: np.ndarray
    n_reach: np.ndarray

    @property
    def ratio(self) -> np.ndarray:
        """``S_j / D_j``, NaN where nobody is in reach of the site."""
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.where(self.demand > 0, self.capacity / self.demand, np.nan)


def check_matrix(
    matrix: TravelTimeMatrix,
    places: pd.DataFrame,
    sites: pd.DataFrame,
    bound: float,
) -> None:
    """Raise unless the matrix covers the places and sites at the bound."""
    check_matrix_bound(matrix, bound)
    check_matrix_ids(matrix, places, sites, names=("places", "structures"))


def group_codes(
    sites: pd.DataFrame, by: str | None, *, labels: list[object] | None = None
) -> tuple[np.ndarray, list[object]]:
    """Group code of each site, and the sorted group labels (``[None]`` if no by)."""
    if by is None:
        return np.zeros(len(sites), dtype=np.int64), labels or [None]
    values = check_complete(sites, by, name="structures", fix="fill or drop them.")
    if labels is None:
        labels = sorted(pd.unique(values))
    code = pd.Index(labels).get_indexer(values)
    if (code < 0).any():
        raise InputError(
            f"The opened structures have `{by}` value(s) "
            f"{format_labels(pd.unique(values[code < 0]))} that the baseline has "
            f"none of ({format_labels(labels)}); a new kind needs a new baseline."
        )
    return code.astype(np.int64), labels


def baseline_pairs(
    matrix: TravelTimeMatrix,
    places: pd.DataFrame,
    sites: pd.DataFrame,
    codes: np.ndarray,
    bound: float,
) -> Pairs:
    """Return the matrix's pairs between the places and the sites, within the bound."""
    row_of = np.full(len(matrix.origins), -1, dtype=np.int64)
    row_of[matrix.origins.get_indexer(places.index)] = np.arange(len(places))
    site_of = np.full(len(matrix.destinations), -1, dtype=np.int64)
    site_of[matrix.destinations.get_indexer(sites.index)] = np.arange(len(sites))
    row, site = row_of[matrix.origin], site_of[matrix.destination]
    keep = (row >= 0) & (site >= 0) & (matrix.time_min <= bound)
    row, site, minutes = row[keep], site[keep], matrix.time_min[keep]
    order = np.argsort(row, kind="stable")
    row, site, minutes = row[order], site[order], minutes[order]
    ptr = np.zeros(len(places) + 1, dtype=np.int64)
    np.cumsum(np.bincount(row, minlength=len(places)), out=ptr[1:])
    return Pairs(
        sites=sites.index,
        group=codes,
        is_open=np.ones(len(sites), dtype=bool),
        row=row.astype(np.int32),
        site=site.astype(np.int32),
        time_min=minutes,
        ptr=ptr,
    )


def matrix_of(
    pairs: Pairs, places: pd.DataFrame, sites: pd.DataFrame, source: TravelTimeMatrix
) -> TravelTimeMatrix:
    """Return the baseline's pairs as a matrix over exactly the places and sites."""
    o_snapped = source.origin_snapped[source.origins.get_indexer(places.index)]
    return assemble_matrix(
        (places.index, sites.index),
        (pairs.row, pairs.site, pairs.time_min),
        max_time_min=source.max_time_min,
        model=source.model,
        description=source.description,
        snapped=(o_snapped, np.ones(len(sites), dtype=bool)),
    )


def updated_best(
    before: Mapping[object, tuple[np.ndarray, np.ndarray]],
    pairs: Pairs,
    closed: pd.Index,
    block: tuple[np.ndarray, np.ndarray, np.ndarray] | None,
) -> dict[object, tuple[np.ndarray, np.ndarray]]:
    """Return the nearest open site of each group for every place, after the change.

    ``block`` holds the opened sites' pairs. Ties go to the lower site position, as
    :func:`~coordogeo.access.nearest` does on the structures in their order.
    """
    closed_pos = pairs.sites.get_indexer(closed)
    best = {}
    for code, group in enumerate(before):
        minutes, site = (a.copy() for a in before[group])
        if block is not None:
            mine = pairs.group[block[1]] == code
            take_better(minutes, site, block[0][mine], block[1][mine],
                         block[2][mine].astype(np.float64))  # fmt: skip
        gone = np.zeros(len(pairs.sites) + 1, dtype=bool)  # the last: no site (-1)
        gone[closed_pos[pairs.group[closed_pos] == code]] = True
        lost = np.flatnonzero(gone[site])
        if len(lost):
            minutes[lost], site[lost] = np.inf, -1
            rows, sites_, mins = pairs.of_rows(lost)
            keep = pairs.is_open[sites_] & (pairs.group[sites_] == code)
            take_better(minutes, site, rows[keep], sites_[keep],
                         mins[keep].astype(np.float64))  # fmt: skip
        best[group] = (minutes, site)
    return best


def take_better(
    minutes: np.ndarray,
    site: np.ndarray,
    rows: np.ndarray,
    sites: np.ndarray,
    mins: np.ndarray,
) -> None:
    """Lower ``minutes``/``site`` in place where a pair is nearer (ties: lower site)."""
    if len(rows) == 0:
        return
    if np.bincount(rows).max() > 1:  # keep each row's best pair (one site: no sort)
        order = np.lexsort((sites, mins, rows))
        rows, sites, mins = rows[order], sites[order], mins[order]
        first = np.r_[True, rows[1:] != rows[:-1]]
        rows, sites, mins = rows[first], sites[first], mins[first]
    better = (mins < minutes[rows]) | ((mins == minutes[rows]) & (sites < site[rows]))
    minutes[rows[better]], site[rows[better]] = mins[better], sites[better]


def updated_sums(
    old: RunningSums,
    options: IndexOptionsLike,
    people: np.ndarray,
    change: tuple[Pairs, pd.Index, int, gpd.GeoDataFrame],
    bound: float,
) -> RunningSums:
    """Update the index sums: closed sites out, capacities re-weighed, opened in.

    Each step reads only the pairs of the sites it changes. Sums are made in
    another order than a full :func:`~coordogeo.access.fca`, so scores agree with
    it to rounding (about 1e-15 relative), not to the bit.
    """
    pairs, closed, n_opened, structures = change
    fn = decay_of(options.method, options.decay, bound_min=bound)
    n_sites, n_places = len(pairs.sites), len(people)
    capacity = np.r_[old.capacity, np.zeros(n_opened)]
    at = pairs.sites.get_indexer(structures.index)
    capacity[at] = structures[options.capacity].to_numpy(np.float64)
    demand = np.r_[old.demand, np.zeros(n_opened)]
    ratio_old = np.nan_to_num(np.r_[old.ratio, np.zeros(n_opened)])
    score, n_reach = old.score.copy(), old.n_reach.copy()
    # closed sites leave; open ones whose capacity changed are re-weighed
    gone = pairs.sites.get_indexer(closed)
    first_new = n_sites - n_opened
    kept = at[at < first_new]
    moved = kept[capacity[kept] != old.capacity[kept]]
    weighed = {}  # each changed group's pairs and weights, read once
    for key, sites in (("gone", gone), ("moved", moved)):
        if len(sites):
            row, site, minutes = pairs.of_sites(sites)
            w = checked_weights(fn, minutes.astype(np.float64))
            weighed[key] = (row, site, w)
            score -= np.bincount(row, w * ratio_old[site], minlength=n_places)
            if key == "gone":
                n_reach -= np.bincount(row[w > 0], minlength=n_places)
    weighed.pop("gone", None)  # closed sites add nothing back
    new = np.arange(first_new, n_sites)
    if len(new):
        row, site, minutes = pairs.of_sites(new)
        w = checked_weights(fn, minutes.astype(np.float64))
        weighed["new"] = (row, site, w)
        demand[new] = np.bincount(site, w * people[row], minlength=n_sites)[new]
        n_reach += np.bincount(row[w > 0], minlength=n_places)
    sums = RunningSums(capacity, demand, score, n_reach)
    ratio = np.nan_to_num(sums.ratio)
    for key in ("new", "moved"):  # the order of the sums of before this change
        if key in weighed:
            row, site, w = weighed[key]
            score += np.bincount(row, w * ratio[site], minlength=n_places)
    score[n_reach == 0] = 0.0  # nothing in reach: exactly 0, as a full recompute
    return sums


def structures_after(
    structures: gpd.GeoDataFrame,
    options: IndexOptionsLike | None,
    change: tuple[gpd.GeoDataFrame, pd.Index, Mapping[object, float] | None],
) -> gpd.GeoDataFrame:
    """Return the open structures after the change, in the pairs' site order.

    ``change``: the opened structures, the closed ids, the new capacities.
    """
    opened, closed, capacity = change
    keep = np.ones(len(structures), dtype=bool)
    keep[structures.index.get_indexer(closed)] = False
    kept = structures.iloc[np.flatnonzero(keep)]
    if len(opened):
        out = gpd.GeoDataFrame(pd.concat([kept, opened]), geometry=kept.geometry.name,
                               crs=kept.crs)  # fmt: skip
    else:
        out = kept.copy()
    if capacity:
        if options is None:
            raise InputError(
                "A capacity change needs an index: give `index=IndexOptions(...)` to "
                "the baseline."
            )
        ids = pd.Index(list(capacity))
        unknown = ids[~ids.isin(out.index)]
        if len(unknown):
            raise InputError(
                f"`capacity` names {format_labels(unknown)}, which are not open "
                "after the change."
            )
        values = pd.Series(capacity, dtype="float64")
        out[options.capacity] = out[options.capacity].astype("float64")
        out.loc[ids, options.capacity] = values.loc[ids].to_numpy()
        check_counts(out, options.capacity, name="capacity", fix="give each >= 0.")
    return out


def change_label(
    opened: pd.Index, closed: pd.Index, capacity: Mapping[object, Any] | None
) -> str:
    """Return a short French label of a change."""
    parts = []
    if len(opened):
        parts.append("ouverture " + ", ".join(map(str, opened)))
    if len(closed):
        parts.append("fermeture " + ", ".join(map(str, closed)))
    if capacity:
        parts.append("capacité " + ", ".join(map(str, capacity)))
    return " ; ".join(parts) or "sans changement"
