"""A frozen state of access (times, FCA, zones), and what-if changes to it.

:func:`baseline` computes a :class:`State` once: every (place, structure) pair within
``max_time_min``, the nearest structure of each kind, optionally a floating-catchment
index and under-served zones. :func:`apply` returns a new State with structures
opened, closed or re-sized, doing only the work the change needs:

- an opened structure costs one bounded search from it (none when the matrix given to
  :func:`baseline` already holds it, e.g. a candidate site);
- a closed one drops its pairs; only the places whose nearest it was look again, in
  the pairs they still hold (every pair within the bound is kept, so the next nearest
  is always there, or there is none within the bound);
- a capacity change re-weighs the index with no search.

The result equals a full :func:`baseline` on the changed inputs, to the float.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
import pandas as pd

import geopandas as gpd

from coordogeo._columns import NEAREST_ID, TIME
from coordogeo.access.decay import checked_weights
from coordogeo.access.fca import (
    METHODS,
    SEPARABLE,
    FcaResult,
    decay_of,
    fca,
    fca_result,
    score_name,
    with_columns,
)
from coordogeo.access.matrix import (
    TravelTimeMatrix,
    assemble_matrix,
    check_matrix_ids,
    check_time_source,
    travel_time_matrix,
)
from coordogeo.access.nearest import nearest, nearest_columns
from coordogeo.crs import to_metric_crs
from coordogeo.errors import (
    InputError,
    check_choice,
    check_complete,
    check_counts,
    check_positive,
    format_labels,
)
from coordogeo.network.roads import RoadNetwork, warn_unsnapped
from coordogeo.network.search import Targets, bounded_pairs, expand_groups
from coordogeo.underserved.rules import Rule, classify
from coordogeo.underserved.zones import zones as merge_zones

__all__ = ["IndexOptions", "State", "apply", "baseline"]

_SNAP_COLUMNS = ("snapped", "snap_distance_m", "time_model")


@dataclass(frozen=True)
class IndexOptions:
    """How a State computes its floating-catchment index (:func:`coordogeo.access.fca`).

    With ``method="e2sfca"``, ``decay="drees_apl"``, consultations as ``capacity`` and
    an age-standardised population column, the index is the APL-style index.
    """

    capacity: str = "capacity"
    method: str = "2sfca"
    decay: str | None = None
    population: str = "population"
    #: Inhabitants whose index is below this are counted in the comparison summary
    #: (2,5 consultations a year per inhabitant: the APL's under-served threshold);
    #: None when the index's unit has no such line (e.g. FTE per inhabitant).
    threshold: float | None = 2.5

    def __post_init__(self) -> None:
        """Check the method and the threshold."""
        check_choice(self.method, name="method", choices=METHODS)
        if self.threshold is not None:
            check_positive(self.threshold, name="threshold", unit="(index units)")


@dataclass(frozen=True, eq=False)
class _Pairs:
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
class _RunningSums:
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


@dataclass(frozen=True, eq=False)
class State:
    """Access on one territory for one set of structures, frozen.

    Build it with :func:`baseline`, change it with :func:`apply`, compare two with
    :func:`~coordogeo.scenarios.compare`.

    Attributes
    ----------
    name
        A label for tables and reports.
    places
        The places (grid cells or communes) with their ``population``.
    structures
        The open structures, in their order (a baseline's, then the opened ones).
    nearest, index, zones
        Properties (below): the frames are built on first read, so that a loop of
        scenarios pays only for the frames it reads.
    """

    name: str
    places: gpd.GeoDataFrame
    structures: gpd.GeoDataFrame
    by: str | None
    max_time_min: float
    index_options: IndexOptions | None
    rules: tuple[Rule, ...]
    description: str
    model: str
    _pairs: _Pairs = field(repr=False)
    _best: dict[object, tuple[np.ndarray, np.ndarray]] = field(repr=False)
    _network: RoadNetwork | None = field(repr=False)
    _source: TravelTimeMatrix | None = field(repr=False)
    #: Road node and approach seconds of each place, grouped by node once (network
    #: states only).
    _snapped: Targets | None = field(repr=False, default=None)
    #: Built on demand; shared by the states that hold the same pairs.
    _cache: dict[str, TravelTimeMatrix] = field(default_factory=dict, repr=False)
    _sums: _RunningSums | None = field(repr=False, default=None)
    #: ``snapped``, ``snap_distance_m``, ``time_model`` of each place (the baseline's).
    _snap: pd.DataFrame | None = field(repr=False, default=None)
    #: The frames of this state, built on first read (never shared with another).
    _frames: dict[str, Any] = field(default_factory=dict, repr=False)

    def __repr__(self) -> str:
        """Say what the state holds, not every row."""
        index = "" if self.index_options is None else f", {self.index_options.method}"
        return (
            f"State({self.name!r}: {len(self.places)} places, "
            f"{len(self.structures)} structures by {self.by!r}, "
            f"{self.max_time_min:g} min{index})"
        )

    @property
    def nearest(self) -> gpd.GeoDataFrame:
        """The columns of :func:`coordogeo.access.nearest` (``by`` groups suffixed).

        For every place, within ``max_time_min``; equal to ``access.nearest`` on the
        state's structures.
        """
        if "nearest" not in self._frames:
            self._frames["nearest"] = _nearest_frame(self)
        return self._frames["nearest"]

    @property
    def index(self) -> FcaResult | None:
        """The floating-catchment result, when :class:`IndexOptions` were given.

        Its ``demand`` side per place, ``supply`` per structure; else None.
        """
        if self.index_options is None:
            return None
        if "index" not in self._frames:
            assert self._sums is not None  # a non-separable index is built eagerly
            self._frames["index"] = _index_frames(self, self._sums)
        index: FcaResult = self._frames["index"]
        return index

    @property
    def zones(self) -> gpd.GeoDataFrame | None:
        """The under-served zones when rules were given, else None."""
        if not self.rules:
            return None
        if "zones" not in self._frames:
            self._frames["zones"] = _zones_of(self)
        return self._frames["zones"]

    def forget_frames(self) -> None:
        """Drop the frames built so far (:attr:`nearest`, :attr:`index`, :attr:`zones`).

        They are built again, the same, on their next read. A loop over many
        scenarios of a large territory calls it on the states it has compared: a
        state's frames hold a few hundred bytes per place (1.7 GB for 2.2 M cells),
        its arrays far less.
        """
        self._frames.clear()

    @property
    def groups(self) -> list[object]:
        """The ``by`` groups (kinds), sorted; ``[None]`` without ``by``."""
        return list(self._best)

    def suffix(self, group: object) -> str:
        """Column suffix of a group in :attr:`nearest` (``""`` without ``by``)."""
        return "" if self.by is None else f"_{group}"

    @property
    def matrix(self) -> TravelTimeMatrix:
        """The places × open structures pairs, as a :class:`TravelTimeMatrix`."""
        if "matrix" not in self._cache:
            self._cache["matrix"] = self._assembled()
        return self._cache["matrix"]

    def _assembled(self) -> TravelTimeMatrix:
        """Sort the open pairs into a matrix."""
        row, site, minutes = self._pairs.all()
        assert self._snap is not None  # set by baseline
        column = np.full(len(self._pairs.sites), -1, dtype=np.int64)
        column[self._pairs.is_open] = np.arange(int(self._pairs.is_open.sum()))
        return assemble_matrix(
            (self.places.index, self.structures.index),
            (row, column[site], minutes),
            max_time_min=self.max_time_min,
            model=self.model,
            description=self.description,
            snapped=(
                self._snap["snapped"].to_numpy(dtype=bool),
                np.ones(len(self.structures), dtype=bool),
            ),
        )


def baseline(  # noqa: PLR0913 - three data arguments, six options
    network_or_matrix: RoadNetwork | TravelTimeMatrix,
    places: gpd.GeoDataFrame,
    structures: gpd.GeoDataFrame,
    *,
    by: str | None = "kind",
    max_time_min: float = 30,
    index: IndexOptions | None = None,
    rules: Sequence[Rule] = (),
    name: str = "référence",
    n_jobs: int = 1,
) -> State:
    """Compute the frozen state that scenarios start from.

    Parameters
    ----------
    network_or_matrix
        The road network (one bounded search per structure), or a matrix from the
        places to the structures (and possibly to more sites, e.g. candidates, which
        can then be opened with no search), bounded at ``max_time_min`` or beyond.
    places
        Grid cells or communes with ``population``, any CRS.
    structures
        The structures, any CRS, unique ids as index, with the ``by`` column.
    by
        Column of ``structures`` grouping them (``"kind"``), or None.
    max_time_min
        Pairs beyond this are not kept; a place farther from every structure of a
        kind is unreachable for that kind.
    index
        :class:`IndexOptions` to compute a floating-catchment index (the
        structures then need its ``capacity`` column).
    rules
        Under-served rules (:mod:`coordogeo.underserved`) on the columns of
        :attr:`State.nearest` (and the index); zones are merged when given.
    name
        The state's label.
    n_jobs
        Threads for the searches.

    Returns
    -------
    State

    Raises
    ------
    InputError
        Bad CRS or geometries, missing or negative populations, a missing ``by``
        column or capacity, ids absent from the matrix, a matrix bounded below
        ``max_time_min``.

    Examples
    --------
    >>> from coordogeo.datasets import sample_territory
    >>> from coordogeo.network import RoadNetwork
    >>> sample = sample_territory()
    >>> net = RoadNetwork.from_roads(sample.roads)
    >>> state = baseline(net, sample.population, sample.structures, max_time_min=30)
    >>> state.groups
    ['CDS', 'CPTS', 'DAC', 'ESP', 'MSP']
    >>> state.nearest[["travel_time_min_MSP", "nearest_id_MSP"]].head(2).round(1)
                                    travel_time_min_MSP nearest_id_MSP
    CRS2154RES1000mN6352000E594000                  NaN           None
    CRS2154RES1000mN6352000E597000                  NaN           None

    Closing MSP-01 looks again only where it was the nearest:

    >>> after = apply(state, close=["MSP-01"])
    >>> after.name, len(after.structures)
    ('fermeture MSP-01', 27)
    """
    bound = check_positive(max_time_min, name="max_time_min", unit="minutes")
    check_counts(places, "population", name="places")
    given = check_time_source(network_or_matrix)
    if isinstance(given, RoadNetwork):
        network: RoadNetwork | None = given
        source = None
        places, node, _, seconds = given.attach(places, name="places")
        sites = to_metric_crs(structures, name="structures", crs=given.crs)
        matrix = travel_time_matrix(
            given, places, sites, max_time_min=bound, n_jobs=n_jobs
        )
        snapped = Targets.of(node, seconds)
    else:
        network, source, matrix = None, given, given
        snapped = None
        places, sites = places.copy(), structures.copy()
        _check_matrix(matrix, places, sites, bound)
    codes, labels = _group_codes(sites, by)
    pairs = _baseline_pairs(matrix, places, sites, codes, bound)
    state = State(
        name=name,
        places=places,
        structures=sites,
        by=by,
        max_time_min=bound,
        index_options=index,
        rules=tuple(rules),
        description=matrix.description,
        model=matrix.model,
        _pairs=pairs,
        _best=dict.fromkeys(labels),  # type: ignore[arg-type]
        _network=network,
        _source=source,
        _snapped=snapped,
    )
    own = _matrix_of(pairs, places, sites, matrix)
    state._cache["matrix"] = own
    view = nearest(own, places, sites, by=by, max_time_min=bound)
    best = {}
    for group in labels:
        ids = view[NEAREST_ID + state.suffix(group)]
        position = np.full(len(places), -1, dtype=np.int64)
        ok = ids.notna().to_numpy()
        position[ok] = pairs.sites.get_indexer(ids[ok])
        minutes = view[TIME + state.suffix(group)].to_numpy(np.float64)
        best[group] = (np.where(ok, minutes, np.inf), position)
    state = replace(state, _best=best, _snap=view[list(_SNAP_COLUMNS)],
                    _frames={"nearest": view})  # fmt: skip
    state = _with_derived(state)
    state.index, state.zones  # noqa: B018 - a baseline's problems surface now
    return state


def apply(
    state: State,
    *,
    open: gpd.GeoDataFrame | None = None,
    close: Sequence[object] | pd.Index | None = None,
    capacity: Mapping[Any, float] | None = None,
    name: str | None = None,
) -> State:
    """Return the state with structures opened, closed or re-sized.

    Parameters
    ----------
    state
        The state to change (not modified).
    open
        New structures (any CRS, new ids, the ``by`` column and, with an index, the
        capacity column). Without a network, only ids that are destinations of the
        baseline's matrix can be opened (their pairs are read from it).
    close
        Ids of open structures to close. A move is a close plus an open.
    capacity
        Id → new capacity, for structures open after the change (an index is
        needed).
    name
        The new state's label (default: what changed).

    Returns
    -------
    State
        Equal to :func:`baseline` on the changed structures, to the float, when its
        searches run from the sites (as :func:`~coordogeo.access.travel_time_matrix`
        does whenever they are fewer than the places).

    Raises
    ------
    InputError
        Unknown or repeated ids, an opened id already used, structures without the
        ``by`` or capacity column, a capacity change with no index, negative or
        missing capacities, an opening that needs a search with no network.
    """
    pairs = state._pairs
    close_ids = _close_ids(state, close)
    opened = _opened(state, open)
    sites = pairs.sites.append(opened.index) if len(opened) else pairs.sites
    codes, _ = _group_codes(opened, state.by, labels=state.groups)
    is_open = np.r_[pairs.is_open, np.ones(len(opened), dtype=bool)]
    is_open[pairs.sites.get_indexer(close_ids)] = False
    extra, block = pairs.extra, None
    if len(opened):
        row, site, minutes = _opened_pairs(state, opened)
        block = (row, site + len(pairs.sites), minutes)
        extra = (*extra, block)
    new_pairs = replace(
        pairs, sites=sites, group=np.r_[pairs.group, codes], is_open=is_open,
        extra=extra,
    )  # fmt: skip
    best = _updated_best(state, new_pairs, close_ids, block)
    structures = _structures_after(state, opened, close_ids, capacity)
    label = name or _label(opened.index, close_ids, capacity)
    same_pairs = not len(opened) and not len(close_ids)
    after = replace(
        state,
        name=label,
        structures=structures,
        _pairs=new_pairs,
        _best=best,
        _cache=state._cache if same_pairs else {},  # a capacity change: no re-sort
        _frames={},
    )
    if state._sums is None:
        return _with_derived(after)
    sums = _updated_sums(state, new_pairs, close_ids, len(opened), structures)
    return _with_derived(after, sums=sums)


def _check_matrix(
    matrix: TravelTimeMatrix,
    places: pd.DataFrame,
    sites: pd.DataFrame,
    bound: float,
) -> None:
    """Raise unless the matrix covers the places and sites at the bound."""
    if matrix.max_time_min < bound:
        raise InputError(
            f"The matrix stops at {matrix.max_time_min:g} min, below `max_time_min` = "
            f"{bound:g}; build it with max_time_min >= {bound:g}."
        )
    check_matrix_ids(matrix, places, sites, names=("places", "structures"))


def _group_codes(
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


def _baseline_pairs(
    matrix: TravelTimeMatrix,
    places: pd.DataFrame,
    sites: pd.DataFrame,
    codes: np.ndarray,
    bound: float,
) -> _Pairs:
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
    return _Pairs(
        sites=sites.index,
        group=codes,
        is_open=np.ones(len(sites), dtype=bool),
        row=row.astype(np.int32),
        site=site.astype(np.int32),
        time_min=minutes,
        ptr=ptr,
    )


def _matrix_of(
    pairs: _Pairs, places: pd.DataFrame, sites: pd.DataFrame, source: TravelTimeMatrix
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


def _close_ids(state: State, close: Sequence[object] | pd.Index | None) -> pd.Index:
    """Return the ids to close, checked: open, unique."""
    ids = pd.Index([] if close is None else list(close))
    if ids.has_duplicates:
        raise InputError(
            f"`close` repeats {format_labels(ids[ids.duplicated()].unique())}."
        )
    unknown = ids[state.structures.index.get_indexer(ids) < 0]  # isin: slow on str
    if len(unknown):
        raise InputError(
            f"`close` names {format_labels(unknown)}, which are not open structures "
            f"of the state {state.name!r}."
        )
    return ids


def _opened(state: State, open_: gpd.GeoDataFrame | None) -> gpd.GeoDataFrame:
    """Return the structures to open, checked and in the state's CRS."""
    if open_ is None or len(open_) == 0:
        return state.structures.iloc[:0]
    if not isinstance(open_, gpd.GeoDataFrame):
        raise InputError("`open` must be a GeoDataFrame of structures (with a CRS).")
    opened = to_metric_crs(open_, name="open", crs=state.structures.crs)
    used = opened.index[state._pairs.sites.get_indexer(opened.index) >= 0]
    if len(used):
        raise InputError(
            f"`open` reuses the id(s) {format_labels(used)} of structures the state "
            "has or had; give each new structure a new id."
        )
    if state.index_options is not None:
        check_counts(
            opened, state.index_options.capacity, name="open", fix="give each one."
        )
    return opened


def _opened_pairs(
    state: State, opened: gpd.GeoDataFrame
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(row, position among the opened, minutes) of the opened structures' pairs.

    On a network: one bounded search per opened site on the reversed graph, to the
    places' road nodes snapped once by the baseline, as
    :func:`~coordogeo.access.travel_time_matrix` searches from the sites.
    """
    source = state._source
    network = state._network
    if network is not None and state._snapped is not None:
        _, node, _, seconds = network.attach(opened, name="destinations")
        warn_unsnapped(opened, node >= 0, stacklevel=4)
        site, row, minutes = bounded_pairs(
            network.search_graph(reverse=True),
            (node, seconds),
            state._snapped,
            state.max_time_min * 60.0,
            1,
        )
        return row.astype(np.int64), site.astype(np.int64), minutes
    assert source is not None
    known = source.destinations.get_indexer(opened.index)
    if (known < 0).any():
        raise InputError(
            f"Opening {format_labels(opened.index[known < 0])} needs a search, but "
            "the baseline was built from a matrix; build it from the road network, "
            "or from a matrix that includes these sites (e.g. the candidates)."
        )
    at = np.full(len(source.destinations), -1, dtype=np.int64)
    at[known] = np.arange(len(known))
    row_of = np.full(len(source.origins), -1, dtype=np.int64)
    row_of[source.origins.get_indexer(state.places.index)] = np.arange(
        len(state.places)
    )
    site, row = at[source.destination], row_of[source.origin]
    keep = (site >= 0) & (row >= 0) & (source.time_min <= state.max_time_min)
    return row[keep], site[keep], source.time_min[keep]


def _updated_best(
    state: State,
    pairs: _Pairs,
    closed: pd.Index,
    block: tuple[np.ndarray, np.ndarray, np.ndarray] | None,
) -> dict[object, tuple[np.ndarray, np.ndarray]]:
    """Return the nearest open site of each group for every place, after the change.

    ``block`` holds the opened sites' pairs. Ties go to the lower site position, as
    :func:`~coordogeo.access.nearest` does on the structures in their order.
    """
    closed_pos = pairs.sites.get_indexer(closed)
    best = {}
    for code, group in enumerate(state.groups):
        minutes, site = (a.copy() for a in state._best[group])
        if block is not None:
            mine = pairs.group[block[1]] == code
            _take_better(minutes, site, block[0][mine], block[1][mine],
                         block[2][mine].astype(np.float64))  # fmt: skip
        gone = np.zeros(len(pairs.sites) + 1, dtype=bool)  # the last: no site (-1)
        gone[closed_pos[pairs.group[closed_pos] == code]] = True
        lost = np.flatnonzero(gone[site])
        if len(lost):
            minutes[lost], site[lost] = np.inf, -1
            rows, sites_, mins = pairs.of_rows(lost)
            keep = pairs.is_open[sites_] & (pairs.group[sites_] == code)
            _take_better(minutes, site, rows[keep], sites_[keep],
                         mins[keep].astype(np.float64))  # fmt: skip
        best[group] = (minutes, site)
    return best


def _take_better(
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


def _structures_after(
    state: State,
    opened: gpd.GeoDataFrame,
    closed: pd.Index,
    capacity: Mapping[object, float] | None,
) -> gpd.GeoDataFrame:
    """Return the open structures after the change, in the pairs' site order."""
    keep = np.ones(len(state.structures), dtype=bool)
    keep[state.structures.index.get_indexer(closed)] = False
    kept = state.structures.iloc[np.flatnonzero(keep)]
    if len(opened):
        out = gpd.GeoDataFrame(pd.concat([kept, opened]), geometry=kept.geometry.name,
                               crs=kept.crs)  # fmt: skip
    else:
        out = kept.copy()
    if capacity:
        options = state.index_options
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


def _label(
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


def _nearest_frame(state: State) -> gpd.GeoDataFrame:
    """:attr:`State.nearest` from the best sites of each group (one frame built)."""
    assert state._snap is not None
    columns: dict[str, pd.Series | np.ndarray] = {
        c: state._snap[c] for c in _SNAP_COLUMNS
    }
    open_pos = np.full(len(state._pairs.sites), -1, dtype=np.int64)
    open_pos[state._pairs.is_open] = np.arange(int(state._pairs.is_open.sum()))
    for group in state.groups:
        minutes, site = state._best[group]
        position = np.where(site >= 0, open_pos[np.maximum(site, 0)], -1)
        columns.update(nearest_columns(
            minutes[:, None], position[:, None], state.structures.index,
            suffix=state.suffix(group),
        ))  # fmt: skip
    return with_columns(state.places, columns)


def _with_derived(state: State, *, sums: _RunningSums | None = None) -> State:
    """Set up the index the state's options ask for (zones are read on demand).

    With ``sums`` (a separable index updated site by site) the index frames are
    built from them when first read; otherwise :func:`~coordogeo.access.fca` runs
    on every pair now.
    """
    options = state.index_options
    if options is None or sums is not None:
        return replace(state, _sums=sums)
    index = fca(
        state.matrix,
        state.places,
        state.structures,
        method=options.method,  # type: ignore[arg-type]
        decay=options.decay,
        population=options.population,
        capacity=options.capacity,
    )
    state._frames["index"] = index
    if options.method in SEPARABLE:
        sums = _RunningSums(
            capacity=index.supply[options.capacity].to_numpy(np.float64),
            demand=index.supply["demand_in_reach"].to_numpy(np.float64),
            score=index.demand[score_name(options.method, options.capacity)].to_numpy(
                np.float64
            ),
            n_reach=index.demand["n_sites_in_reach"].to_numpy(np.int64),
        )
    return replace(state, _sums=sums, _frames=state._frames)


def _zones_of(state: State) -> gpd.GeoDataFrame:
    """Classify the places by the state's rules and merge the flagged into zones."""
    cells = state.nearest
    index = state.index
    if index is not None:
        score = [c for c in index.demand.columns if c not in state.places.columns]
        cells = cells.join(index.demand[[c for c in score if c != "time_model"]])
    flagged = classify(cells, state.rules)
    times = [r.column for r in state.rules if r.column.startswith(TIME)]
    first = TIME + state.suffix(state.groups[0])
    return merge_zones(flagged, time_column=times[0] if times else first)


def _updated_sums(
    state: State,
    pairs: _Pairs,
    closed: pd.Index,
    n_opened: int,
    structures: gpd.GeoDataFrame,
) -> _RunningSums:
    """Update the index sums: closed sites out, capacities re-weighed, opened in.

    Each step reads only the pairs of the sites it changes. Sums are made in
    another order than a full :func:`~coordogeo.access.fca`, so scores agree with
    it to rounding (about 1e-15 relative), not to the bit.
    """
    options = state.index_options
    assert options is not None and state._sums is not None
    fn = decay_of(options.method, options.decay, bound_min=state.max_time_min)
    people = state.places[options.population].to_numpy(np.float64)
    old = state._sums
    n_sites, n_places = len(pairs.sites), len(state.places)
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
    sums = _RunningSums(capacity, demand, score, n_reach)
    ratio = np.nan_to_num(sums.ratio)
    for key in ("new", "moved"):  # the order of the sums of before this change
        if key in weighed:
            row, site, w = weighed[key]
            score += np.bincount(row, w * ratio[site], minlength=n_places)
    score[n_reach == 0] = 0.0  # nothing in reach: exactly 0, as a full recompute
    return sums


def _index_frames(state: State, sums: _RunningSums) -> FcaResult:
    """Return the index's two sides from its sums, as :func:`~coordogeo.access.fca`."""
    options = state.index_options
    assert options is not None
    return fca_result(
        (state.places, state.structures),
        (np.arange(len(state.places)),
         state._pairs.sites.get_indexer(state.structures.index)),
        (sums.score, sums.n_reach, sums.demand, sums.ratio),
        people=state.places[options.population].to_numpy(np.float64),
        name=(options.method, options.capacity, False),
        description=state.description,
    )  # fmt: skip
