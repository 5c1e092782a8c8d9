"""Where one more structure helps most: maximal covering of the population.

Greedy (fast, within 1 - 1/e of the optimum) or exact (an integer program solved by
HiGHS through :func:`scipy.optimize.milp` on the reduced problem).
"""

from __future__ import annotations

import logging
import warnings
from collections.abc import Sequence
from typing import Literal, NamedTuple

import numpy as np
import pandas as pd
from scipy.optimize import Bounds, LinearConstraint, milp
from scipy.sparse import csc_matrix, csr_matrix, hstack, identity

import geopandas as gpd

from coordogeo.access.matrix import (
    TravelTimeMatrix,
    check_matrix_bound,
    check_time_source,
    travel_time_matrix,
)
from coordogeo.crs import to_metric_crs
from coordogeo.errors import (
    InputError,
    check_choice,
    check_counts,
    check_positive,
    format_labels,
    is_whole,
)
from coordogeo.network.roads import RoadNetwork
from coordogeo.network.search import expand_groups

__all__ = ["suggest_sites"]

logger = logging.getLogger(__name__)

#: A gain at or below this (inhabitants) is rounding residue: nobody new.
_NOBODY = 1e-9

Sites = pd.DataFrame | pd.Index | Sequence[object]


def suggest_sites(  # noqa: PLR0913 - the data, the question and where to search
    network_or_matrix: RoadNetwork | TravelTimeMatrix,
    population: pd.DataFrame,
    existing: Sites,
    candidates: Sites,
    *,
    n_sites: int = 3,
    max_time_min: float = 20,
    method: Literal["greedy", "exact"] = "greedy",
    time_limit_s: float = 60.0,
    n_jobs: int = 1,
) -> pd.DataFrame:
    """Pick the candidate sites that bring the most people within reach.

    Maximal covering (Church & ReVelle 1974): a place is *covered* when a structure
    (existing or chosen) is within ``max_time_min`` (inclusive) of it.

    - ``method="greedy"``: each step adds the candidate covering the most
      not-yet-covered inhabitants (ties: the first in ``candidates``). Coverage is
      submodular, so the greedy choice covers at least (1 - 1/e) ≈ 63 % of what the
      best set of ``n_sites`` candidates would add (Nemhauser, Wolsey & Fisher 1978);
      in practice 97–100 % of it on the sample territory.
    - ``method="exact"``: the best set, as an integer program solved by HiGHS
      (:func:`scipy.optimize.milp`) on the reduced problem: only the places not yet
      covered that some candidate reaches, only the candidates that reach one of
      them. The chosen sites are then listed in greedy order of their gains, so the
      cumulative columns read the same way. When ``time_limit_s`` is hit, the best
      set found so far is returned with a warning giving the optimality gap.

    Parameters
    ----------
    network_or_matrix
        A :class:`~coordogeo.network.RoadNetwork` (times are computed from
        ``population`` to ``existing`` and ``candidates``, which must then be
        GeoDataFrames), or a :class:`~coordogeo.access.TravelTimeMatrix` whose origins
        hold the index of ``population`` and whose destinations hold the ids of
        ``existing`` and ``candidates`` (frames, indexes or lists of ids), bounded at
        ``max_time_min`` or beyond.
    population
        Places with ``population`` (grid cells, communes).
    existing
        The structures already there (may be empty).
    candidates
        Possible new sites (e.g. the bourgs of the communes without a structure).
    n_sites
        How many sites to add.
    max_time_min
        Travel time within which a structure covers a place.
    method
        ``"greedy"`` (default) or ``"exact"``.
    time_limit_s
        Seconds the exact solver may take (``method="exact"`` only).
    n_jobs
        Threads for the road searches (a network only; the same pairs whatever
        their number, as :func:`coordogeo.access.travel_time_matrix`).

    Returns
    -------
    DataFrame
        The chosen candidates in order (their rows when ``candidates`` is a frame,
        same index), plus ``step`` (1, 2, …), ``population_gain`` (inhabitants newly
        covered by that site), ``population_covered`` and ``share_covered``
        (cumulative, existing structures included: the first row's
        ``population_covered - population_gain`` is the coverage before any
        addition) and ``time_model``. Fewer rows than ``n_sites``, with a warning,
        when no remaining candidate covers anyone new. ``attrs`` holds ``method``,
        ``optimal`` (True when the exact solver proved it; None for greedy) and
        ``mip_gap`` (relative optimality gap of the exact solution, 0 when proved).

    Raises
    ------
    InputError
        Empty ``candidates``, ``n_sites`` not a whole number >= 1 or larger than the
        number of candidates, ids shared by ``existing`` and ``candidates`` or
        repeated, ids or places unknown to the matrix, a matrix bounded below
        ``max_time_min``, missing or negative populations, frames without
        geometries (or CRS) when times come from a network.

    Examples
    --------
    >>> import pandas as pd
    >>> from coordogeo.access import TravelTimeMatrix
    >>> table = pd.DataFrame(
    ...     {
    ...         "origin": ["a", "b", "c", "c"],
    ...         "destination": ["s1", "s2", "s2", "s3"],
    ...         "time_min": [5.0, 10.0, 15.0, 18.0],
    ...     }
    ... )
    >>> matrix = TravelTimeMatrix.from_table(table, max_time_min=30)
    >>> people = pd.DataFrame({"population": [100, 40, 30]}, index=["a", "b", "c"])
    >>> out = suggest_sites(matrix, people, [], ["s1", "s2", "s3"], n_sites=2)
    >>> out[["step", "population_gain", "population_covered"]].to_dict("index")
    {'s1': {'step': 1, 'population_gain': 100.0, 'population_covered': 100.0}, \
's2': {'step': 2, 'population_gain': 70.0, 'population_covered': 170.0}}

    Greedy can miss the best pair; the exact program cannot. ``s1`` reaches the
    most people (a and b), but ``s2`` and ``s3`` together reach everyone:

    >>> pairs = [("a", "s1"), ("b", "s1"), ("a", "s2"), ("c", "s2"),
    ...          ("b", "s3"), ("d", "s3")]
    >>> table = pd.DataFrame(pairs, columns=["origin", "destination"])
    >>> matrix = TravelTimeMatrix.from_table(table.assign(time_min=5.0),
    ...                                      max_time_min=30)
    >>> people = pd.DataFrame({"population": [10, 10, 8, 8]}, index=[*"abcd"])
    >>> cands = ["s1", "s2", "s3"]
    >>> greedy = suggest_sites(matrix, people, [], cands, n_sites=2)
    >>> exact = suggest_sites(matrix, people, [], cands, n_sites=2, method="exact")
    >>> greedy.index.tolist(), float(greedy["population_covered"].iloc[-1])
    (['s1', 's2'], 28.0)
    >>> exact.index.tolist(), float(exact["population_covered"].iloc[-1])
    (['s2', 's3'], 36.0)
    >>> exact.attrs["optimal"], exact.attrs["mip_gap"]
    (True, 0.0)
    """
    check_choice(method, name="method", choices=("greedy", "exact"))
    existing_ids = _ids(existing, name="existing")
    candidate_ids = _ids(candidates, name="candidates")
    if len(candidate_ids) == 0:
        raise InputError(
            "`candidates` is empty; give at least one possible site (e.g. the bourgs "
            "of the communes without a structure)."
        )
    n = _n_sites(n_sites, len(candidate_ids))
    bound = check_positive(max_time_min, name="max_time_min", unit="minutes")
    shared = existing_ids.intersection(candidate_ids)
    if len(shared):
        raise InputError(
            f"`existing` and `candidates` share the id(s) {format_labels(shared)}; "
            "give each site one id (an existing structure is not a candidate)."
        )
    people = check_counts(population, "population", name="population")
    source = check_time_source(network_or_matrix)
    if isinstance(source, RoadNetwork):
        matrix = _road_matrix(source, population, existing, candidates, bound, n_jobs)
    else:
        matrix = source
    covers = _coverage(matrix, population.index, existing_ids, candidate_ids, bound)
    weight = np.zeros(len(matrix.origins))
    weight[matrix.origins.get_indexer(population.index)] = people
    optimal: bool | None = None
    gap = np.nan
    if method == "exact":
        limit = check_positive(time_limit_s, name="time_limit_s", unit="seconds")
        picked, optimal, gap = _exact(covers, weight, n, limit)
        sub, sub_gains = _greedy(covers.existing, covers.candidates[:, picked],
                                 weight, len(picked))  # fmt: skip
        chosen, gains = picked[sub], sub_gains
    else:
        chosen, gains = _greedy(covers.existing, covers.candidates, weight, n)
    if len(chosen) < n:
        warnings.warn(
            f"Only {len(chosen)} of the {n} sites asked for cover anyone new within "
            f"{bound:g} min; the other candidates add nobody.",
            UserWarning,
            stacklevel=2,
        )
    before = float(weight[covers.existing].sum())
    total = float(people.sum())
    covered = before + np.cumsum(gains)
    ids = candidate_ids[chosen]
    out: pd.DataFrame
    if isinstance(candidates, pd.DataFrame):
        out = candidates.loc[ids].copy()
    else:
        out = pd.DataFrame(index=ids)
    out["step"] = np.arange(1, len(chosen) + 1)
    out["population_gain"] = gains
    out["population_covered"] = covered
    out["share_covered"] = covered / total if total else np.nan
    out["time_model"] = matrix.description
    out.attrs.update(method=method, optimal=optimal, mip_gap=gap)
    return out


def _ids(sites: Sites, *, name: str) -> pd.Index:
    """Return the ids of a frame (its index) or of a list of ids; refuse repeats."""
    ids = sites.index if isinstance(sites, pd.DataFrame) else pd.Index(list(sites))
    if ids.has_duplicates:
        repeated = format_labels(ids[ids.duplicated()].unique())
        raise InputError(
            f"`{name}` repeats the id(s) {repeated}; give each site one id."
        )
    return ids


def _n_sites(n_sites: int, n_candidates: int) -> int:
    """Check ``n_sites``: a whole number from 1 to the number of candidates."""
    if not is_whole(n_sites, least=-(2**62)):
        raise InputError(f"`n_sites` must be a whole number >= 1, got {n_sites!r}.")
    if n_sites < 1:
        raise InputError(f"`n_sites` must be >= 1, got {n_sites}.")
    if n_sites > n_candidates:
        raise InputError(
            f"`n_sites` is {n_sites} but there are only {n_candidates} candidate(s); "
            "ask for fewer sites or give more candidates."
        )
    return int(n_sites)


def _road_matrix(
    network: RoadNetwork,
    population: pd.DataFrame,
    existing: Sites,
    candidates: Sites,
    bound: float,
    n_jobs: int,
) -> TravelTimeMatrix:
    """Road times from the places to every existing and candidate site."""
    frames = []
    for name, sites in (("existing", existing), ("candidates", candidates)):
        if not isinstance(sites, gpd.GeoDataFrame):
            raise InputError(
                f"`{name}` must be a GeoDataFrame of sites (with a CRS) when times "
                "come from a road network; ids alone need a TravelTimeMatrix."
            )
        if len(sites):
            frames.append(to_metric_crs(sites, name=name)[["geometry"]])
    if not isinstance(population, gpd.GeoDataFrame):
        raise InputError(
            "`population` must be a GeoDataFrame (with a CRS) when times come from a "
            "road network."
        )
    sites_all = gpd.GeoDataFrame(pd.concat(frames), crs=frames[0].crs)
    return travel_time_matrix(
        network, population, sites_all, max_time_min=bound, n_jobs=n_jobs
    )


class _Covers(NamedTuple):
    """Which places each site covers: boolean per place, sparse per candidate."""

    existing: np.ndarray
    candidates: csc_matrix


def _coverage(
    matrix: TravelTimeMatrix,
    places: pd.Index,
    existing: pd.Index,
    candidates: pd.Index,
    bound: float,
) -> _Covers:
    """Places covered by the existing sites, and the place × candidate cover matrix."""
    check_matrix_bound(matrix, bound)
    unknown_places = places[matrix.origins.get_indexer(places) < 0]
    if len(unknown_places):
        raise InputError(
            f"{len(unknown_places)} place(s) of `population` are not origins of the "
            f"matrix: {format_labels(unknown_places)}; build the matrix from them."
        )
    problems = []
    for name, ids in (("existing", existing), ("candidates", candidates)):
        unknown = ids[matrix.destinations.get_indexer(ids) < 0]
        if len(unknown):
            problems.append(f"`{name}` ids {format_labels(unknown)}")
    if problems:
        raise InputError(
            "Not destinations of the matrix: "
            + "; ".join(problems)
            + ". Build the matrix to every existing and candidate site."
        )
    within = matrix.time_min <= bound
    origin, destination = matrix.origin[within], matrix.destination[within]
    position = np.full(len(matrix.destinations), -1, dtype=np.int64)
    position[matrix.destinations.get_indexer(candidates)] = np.arange(len(candidates))
    is_existing = np.zeros(len(matrix.destinations), dtype=bool)
    is_existing[matrix.destinations.get_indexer(existing)] = True
    covered = np.zeros(len(matrix.origins), dtype=bool)
    covered[origin[is_existing[destination]]] = True
    column = position[destination]
    keep = column >= 0
    cover = csc_matrix(
        (np.ones(int(keep.sum())), (origin[keep], column[keep])),
        shape=(len(matrix.origins), len(candidates)),
    )
    cover.data[:] = 1.0  # repeated pairs cannot occur, but a cover is 0/1
    return _Covers(covered, cover)


def _greedy(
    covered: np.ndarray, cover: csc_matrix, weight: np.ndarray, n_sites: int
) -> tuple[np.ndarray, np.ndarray]:
    """Greedy picks (candidate positions) and their marginal gains."""
    open_weight = np.where(covered, 0.0, weight)
    gain = np.asarray(cover.T @ open_weight, dtype=np.float64)
    rows = cover.tocsr()
    taken = np.zeros(len(gain), dtype=bool)
    chosen: list[int] = []
    gains: list[float] = []
    for _ in range(n_sites):  # one step per site added: n_sites is small
        best = int(np.argmax(np.where(taken, -np.inf, gain)))
        if gain[best] <= _NOBODY or taken[best]:
            break
        new = cover.indices[cover.indptr[best] : cover.indptr[best + 1]]
        new = new[open_weight[new] > 0]
        chosen.append(best)
        gains.append(float(gain[best]))
        taken[best] = True
        gain = gain - np.asarray(rows[new].T @ open_weight[new], dtype=np.float64)
        open_weight[new] = 0.0
    return np.asarray(chosen, dtype=np.int64), np.asarray(gains, dtype=np.float64)


def _exact(
    covers: _Covers, weight: np.ndarray, n_sites: int, time_limit_s: float
) -> tuple[np.ndarray, bool, float]:
    """Best set of at most ``n_sites`` candidates (positions), proved?, gap.

    Variables: ``x_j`` (binary, candidate j opens) and ``y_i`` in [0, 1] (place i
    newly covered); maximise ``sum w_i y_i`` under ``sum x_j <= n`` and
    ``y_i <= sum_j a_ij x_j``. With x integral an optimal y is integral too.
    """
    open_weight = np.where(covers.existing, 0.0, weight)
    rows = covers.candidates.tocsr()
    places = np.flatnonzero((open_weight > _NOBODY) & (np.diff(rows.indptr) > 0))
    reduced = rows[places].tocsc()
    useful = np.flatnonzero(np.diff(reduced.indptr) > 0)
    if len(useful) <= n_sites:  # every useful candidate fits: nothing to choose
        return useful, True, 0.0
    a, place_weight = _merged_rows(reduced[:, useful].tocsr(), open_weight[places])
    n_x, n_y = a.shape[1], a.shape[0]
    constraints = [
        LinearConstraint(np.r_[np.ones(n_x), np.zeros(n_y)][None, :], 0, n_sites),
        LinearConstraint(
            hstack([-a, identity(n_y, format="csc")]).tocsr(), -np.inf, 0.0
        ),
    ]
    result = milp(
        c=np.r_[np.zeros(n_x), -place_weight],
        integrality=np.r_[np.ones(n_x), np.zeros(n_y)],
        bounds=Bounds(0.0, 1.0),
        constraints=constraints,
        options={"time_limit": time_limit_s, "mip_rel_gap": 1e-9, "disp": False},
    )
    if result.x is None:
        raise InputError(
            f"The exact solver found no solution within {time_limit_s:g} s "
            f"({result.message}); raise `time_limit_s` or use method='greedy'."
        )
    optimal = result.status == 0
    gap = 0.0 if optimal else float(getattr(result, "mip_gap", np.nan))
    if not optimal:
        warnings.warn(
            f"The exact solver stopped at its {time_limit_s:g} s limit: the sites "
            f"returned cover at least {1 - gap:.2%} of the optimum (gap {gap:.2%}); "
            "raise `time_limit_s` for a proved optimum.",
            UserWarning,
            stacklevel=3,
        )
    picked = useful[np.round(result.x[:n_x]) == 1]  # binaries, up to solver tolerance
    return picked, optimal, gap


def _merged_rows(a: csr_matrix, weight: np.ndarray) -> tuple[csr_matrix, np.ndarray]:
    """Merge the places reached by the very same candidates, adding their weights.

    Neighbouring cells often share their set of candidates, so the program shrinks
    several-fold. Rows are grouped by a hash of their column indices, and each group
    is checked against its first row exactly; on a collision nothing is merged.
    """
    a.sort_indices()
    n_rows = a.shape[0]
    counts = np.diff(a.indptr)
    rng = np.random.default_rng(0)
    mix = rng.integers(1, 2**61, size=(2, a.shape[1]), dtype=np.int64)
    row = np.repeat(np.arange(n_rows), counts)
    keys = np.stack(
        [np.bincount(row, m[a.indices] % 2**31, minlength=n_rows) for m in mix]
        + [counts.astype(np.float64)],
        axis=1,
    )
    _, first, group = np.unique(keys, axis=0, return_index=True, return_inverse=True)
    group = group.ravel()
    rep = first[group]
    pos, which = expand_groups(a.indptr[:-1], counts)
    rep_pos = a.indptr[rep][which] + (pos - a.indptr[:-1][which])
    if not np.array_equal(a.indices[pos], a.indices[rep_pos]):
        return a, weight  # a hash collision: solve the whole problem
    merged = a[first]
    return merged, np.bincount(group, weight, minlength=len(first))
