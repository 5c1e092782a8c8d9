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
from coordogeo.access.fca import (
    METHODS,
    SEPARABLE,
    FcaResult,
    fca,
    fca_result,
    score_name,
    with_columns,
)
from coordogeo.access.matrix import (
    TravelTimeMatrix,
    assemble_matrix,
    check_time_source,
    travel_time_matrix,
)
from coordogeo.access.nearest import nearest, nearest_columns
from coordogeo.crs import to_metric_crs
from coordogeo.errors import (
    InputError,
    check_choice,
    check_counts,
    check_positive,
    format_labels,
)
from coordogeo.network.roads import RoadNetwork, warn_unsnapped
from coordogeo.network.search import Targets, bounded_pairs
from coordogeo.scenarios._pairs import (
    Pairs,
    RunningSums,
    baseline_pairs,
    change_label,
    check_matrix,
    group_codes,
    matrix_of,
    structures_after,
    updated_best,
    updated_sums,
)
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
    _pairs: Pairs = field(repr=False)
    _best: dict[object, tuple[np.ndarray, np.ndarray]] = field(repr=False)
    _network: RoadNetwork | None = field(repr=False)
    _source: TravelTimeMatrix | None = field(repr=False)
    #: Road node and approach seconds of each place, grouped by node once (network
    #: states only).
    _snapped: Targets | None = field(repr=False, default=None)
    #: Built on demand; shared by the states that hold the same pairs.
    _cache: dict[str, TravelTimeMatrix] = field(default_factory=dict, repr=False)
    _sums: RunningSums | None = field(repr=False, default=None)
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
        check_matrix(matrix, places, sites, bound)
    codes, labels = group_codes(sites, by)
    pairs = baseline_pairs(matrix, places, sites, codes, bound)
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
    own = matrix_of(pairs, places, sites, matrix)
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
    codes, _ = group_codes(opened, state.by, labels=state.groups)
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
    best = updated_best(state._best, new_pairs, close_ids, block)
    structures = structures_after(
        state.structures, state.index_options, (opened, close_ids, capacity)
    )
    label = name or change_label(opened.index, close_ids, capacity)
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
    options = state.index_options
    assert options is not None
    sums = updated_sums(
        state._sums,
        options,
        state.places[options.population].to_numpy(np.float64),
        (new_pairs, close_ids, len(opened), structures),
        state.max_time_min,
    )
    return _with_derived(after, sums=sums)


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


def _with_derived(state: State, *, sums: RunningSums | None = None) -> State:
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
        sums = RunningSums(
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


def _index_frames(state: State, sums: RunningSums) -> FcaResult:
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
