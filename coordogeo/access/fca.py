"""Floating-catchment accessibility: 2SFCA, E2SFCA, 3SFCA, gravity and balanced FCA."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Final, Literal, NamedTuple

import numpy as np
import pandas as pd

from coordogeo._index import in_index
from coordogeo.access.decay import (
    PRESET_BOUNDS_MIN,
    Decay,
    checked_weights,
    power,
    resolve,
)
from coordogeo.access.matrix import TravelTimeMatrix
from coordogeo.errors import InputError, check_choice, check_counts, format_labels

__all__ = [
    "METHODS",
    "SEPARABLE",
    "Catchments",
    "FcaResult",
    "catchment_sums",
    "decay_of",
    "default_bound_min",
    "fca",
    "fca_result",
    "score_name",
    "stage_weights",
    "with_columns",
]

Method = Literal["2sfca", "e2sfca", "3sfca", "gravity", "bfca"]
METHODS: Final = ("2sfca", "e2sfca", "3sfca", "gravity", "bfca")
#: Preset used when ``decay`` is None; None means binary up to the matrix bound.
_DEFAULT_DECAY: Final[dict[str, str | None]] = {
    "2sfca": None,
    "e2sfca": "luo_qi_2009",
    "3sfca": "wan_2012",
    "gravity": None,
    "bfca": None,
}


#: Catchment of an index whose decay has no last step of its own (minutes).
DEFAULT_BOUND_MIN: Final = 30.0

#: Methods whose weights depend on each pair alone (no normalisation over a place's
#: or a site's other pairs): their sums can be updated site by site.
SEPARABLE: Final = ("2sfca", "e2sfca", "gravity")


def decay_of(method: str, decay: str | Decay | None, *, bound_min: float) -> Decay:
    """Return the decay :func:`fca` uses for ``method`` (None: the default)."""
    check_choice(method, name="method", choices=METHODS)
    if method == "gravity" and decay is None:
        return power(beta=1.0)
    return resolve(decay, default=_DEFAULT_DECAY[method], bound_min=bound_min)


def default_bound_min(method: str, decay: str | Decay | None) -> float:
    """Return the catchment that the decay of ``method`` spans: its last step, else 30.

    >>> default_bound_min("3sfca", None), default_bound_min("2sfca", "drees_apl")
    (60.0, 20.0)
    """
    preset = _DEFAULT_DECAY.get(method) if decay is None else decay
    return (
        PRESET_BOUNDS_MIN.get(preset, DEFAULT_BOUND_MIN)
        if isinstance(preset, str)
        else DEFAULT_BOUND_MIN
    )


def score_name(method: str, capacity: str, *, normalize: bool = False) -> str:
    """Return the column :func:`fca` writes its score in."""
    return f"{method}_index" if normalize else f"{method}_{capacity}_per_inhabitant"


class FcaResult(NamedTuple):
    """The two sides of a floating-catchment computation."""

    #: Copy of the demand frame with the score, ``n_sites_in_reach``, ``time_model``.
    demand: pd.DataFrame
    #: Copy of the supply frame with ``demand_in_reach``, the supply-to-demand ratio,
    #: ``has_demand_in_reach`` and ``time_model``.
    supply: pd.DataFrame


def fca(
    matrix: TravelTimeMatrix,
    demand: pd.DataFrame,
    supply: pd.DataFrame,
    *,
    method: Method = "2sfca",
    decay: str | Decay | None = None,
    population: str = "population",
    capacity: str = "capacity",
    normalize: bool = False,
) -> FcaResult:
    """Weigh supply against the demand around it with a floating-catchment index.

    With ``W`` the decay of the travel minutes ``t_ij`` from place ``i`` to site
    ``j``, ``P`` the population and ``S`` the capacity:

    - ``2sfca`` (Luo & Wang 2003), ``e2sfca`` (Luo & Qi 2009) and ``gravity`` (the
      potential model, Joseph & Bantock 1982): ``R_j = S_j / Σ_k W_kj P_k`` and
      ``A_i = Σ_j W_ij R_j``. They differ only by their default decay.
    - ``3sfca`` (Wan, Zou & Sternberg 2012): selection weights
      ``G_ij = W_ij / Σ_j' W_ij'`` enter both steps as ``G·W``.
    - ``bfca`` (balanced FCA, Paez, Higgins & Vivona 2019): step 1 uses ``W``
      normalised over each place's sites, step 2 ``W`` normalised over each site's
      places, which removes demand and service inflation (as in the R package
      ``accessibility``). Its scores are a share of each site's level of service
      spread over the places that reach it: compare them with each other, not with
      the level of a 2SFCA score.

    Parameters
    ----------
    matrix
        Travel minutes from places (``matrix.origins``) to sites
        (``matrix.destinations``); only pairs in the matrix can interact.
    demand
        Places, indexed by ids of ``matrix.origins``; origins of the matrix absent
        from ``demand`` count as having nobody.
    supply
        Sites, indexed by ids of ``matrix.destinations``; destinations absent from
        ``supply`` count as sites with no capacity.
    method
        One of ``2sfca`` (default), ``e2sfca``, ``3sfca``, ``gravity``, ``bfca``.
    decay
        A function of minutes (:mod:`coordogeo.access.decay`), a preset name
        (``luo_qi_2009``, ``drees_apl``, ``wan_2012``), or None for the method's
        default: binary up to ``matrix.max_time_min`` for ``2sfca`` and ``bfca``
        (``t <= max_time_min`` is in), ``luo_qi_2009`` for ``e2sfca``, ``wan_2012``
        for ``3sfca``, ``power(beta=1)`` for ``gravity``.
    population, capacity
        Column of ``demand`` (inhabitants) and of ``supply`` (e.g. GP FTE or
        consultations per year); no NaN, >= 0.
    normalize
        Divide scores by their population-weighted mean (the mean becomes 1).

    Returns
    -------
    FcaResult
        ``demand``: a copy with ``<method>_<capacity>_per_inhabitant`` (or
        ``<method>_index`` when normalised; 0 where no site is in reach),
        ``n_sites_in_reach`` (pairs with a positive weight) and ``time_model``.
        ``supply``: a copy with ``demand_in_reach`` (weighted inhabitants),
        ``<capacity>_per_inhabitant`` (the ratio ``R_j``; NaN where nobody is in
        reach), ``has_demand_in_reach`` and ``time_model``. Nothing is dropped.

    Raises
    ------
    InputError
        Ids absent from the matrix, missing/NaN/negative population or capacity, an
        unknown method or decay (the message lists the valid ones), decay weights
        that are negative or not finite.

    Examples
    --------
    >>> import pandas as pd
    >>> from coordogeo.access import TravelTimeMatrix
    >>> times = pd.DataFrame({"origin": ["a", "a", "b", "c"],
    ...                       "destination": ["x", "y", "x", "y"],
    ...                       "time_min": [5.0, 25.0, 10.0, 30.0]})
    >>> m = TravelTimeMatrix.from_table(times, max_time_min=30)
    >>> people = pd.DataFrame({"population": [100, 300, 50]}, index=["a", "b", "c"])
    >>> gps = pd.DataFrame({"capacity": [2.0, 1.0]}, index=["x", "y"])
    >>> out = fca(m, people, gps)
    >>> out.demand["2sfca_capacity_per_inhabitant"].round(5).tolist()
    [0.01167, 0.005, 0.00667]
    >>> out.supply["capacity_per_inhabitant"].round(5).tolist()
    [0.005, 0.00667]

    Every unit of supply reaches someone, so Σ population × score = Σ capacity:

    >>> score = out.demand["2sfca_capacity_per_inhabitant"]
    >>> round(float((people["population"] * score).sum()), 9)
    3.0
    """
    check_choice(method, name="method", choices=METHODS)
    people = _aligned(demand, matrix.origins, population, name="demand", side="origins")
    unknown = matrix.origins[~in_index(matrix.origins, demand.index)]
    if len(unknown):
        raise InputError(
            f"The matrix has {len(unknown)} origin(s) absent from `demand`: "
            f"{format_labels(unknown)}; their people would count as nobody in every "
            "catchment. Give every origin its population (0 where nobody lives), or "
            "build the matrix from `demand` itself."
        )
    cap = _aligned(
        supply, matrix.destinations, capacity, name="supply", side="destinations"
    )
    fn = decay_of(method, decay, bound_min=matrix.max_time_min)
    ctx = Catchments(fn, method, people, cap, matrix.shape, None)
    _, score, in_reach, _, demand_in_reach = catchment_sums(
        ctx, matrix.destination, matrix.origin, matrix.time_min, whole=True
    )
    reached = in_reach.astype(np.int64)  # a count
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(demand_in_reach > 0, cap / demand_in_reach, np.nan)
    return fca_result(
        (demand, supply),
        (matrix.origins.get_indexer(demand.index),
         matrix.destinations.get_indexer(supply.index)),
        (score, reached, demand_in_reach, ratio),
        people=people,
        name=(method, capacity, normalize),
        description=matrix.description,
    )  # fmt: skip


@dataclass(frozen=True, eq=False)
class Catchments:
    """What the sums of a floating-catchment index need to weigh a set of pairs.

    One copy per worker when :func:`~coordogeo.access.road_fca` sums blocks of
    sites; :func:`fca` sums all its pairs as one block.
    """

    fn: Decay
    method: str
    people: np.ndarray
    cap: np.ndarray
    shape: tuple[int, int]
    place_sums: np.ndarray | None


def catchment_sums(
    ctx: Catchments,
    site: np.ndarray,
    place: np.ndarray,
    minutes: np.ndarray,
    *,
    whole: bool = False,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Sum the index over some sites' pairs: the one core of every FCA.

    Returns (places, score part, sites in reach part, sites, demand in reach),
    on the places and sites the pairs hold (``whole``: on every place and site of
    ``ctx.shape``, for all the pairs at once). The pairs hold every pair of their
    sites, so the sites' demand in reach is whole here; a place's score is the
    sum of the parts of every block of sites.
    """
    o, d = place.astype(np.int64), site.astype(np.int64)
    w = checked_weights(ctx.fn, minutes.astype(np.float64))
    w1, w2 = stage_weights(ctx.method, o, d, w, ctx.shape, place_sums=ctx.place_sums)
    if whole:
        sites, d_at = np.arange(ctx.shape[1]), d
        places, o_at = np.arange(ctx.shape[0]), o
    else:
        sites, d_at = np.unique(d, return_inverse=True)
        places, o_at = np.unique(o, return_inverse=True)
    demand_in_reach = np.bincount(d_at, w1 * ctx.people[o], minlength=len(sites))
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(demand_in_reach > 0, ctx.cap[sites] / demand_in_reach, 0.0)
    part = np.bincount(o_at, w2 * ratio[d_at], minlength=len(places))
    reached = np.bincount(o_at[w > 0], minlength=len(places)).astype(np.float64)
    return places, part, reached, sites, demand_in_reach


def fca_result(
    frames: tuple[pd.DataFrame, pd.DataFrame],
    rows: tuple[np.ndarray, np.ndarray],
    sums: tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray],
    *,
    people: np.ndarray,
    name: tuple[str, str, bool],
    description: str,
) -> FcaResult:
    """Lay the sums of a floating-catchment index out on copies of the two frames.

    ``sums`` are (score, sites in reach) per place and (demand in reach, ratio) per
    site, in the positions ``rows`` give for each frame's rows.
    """
    demand, supply = frames
    rows_o, rows_d = rows
    score, reached, demand_in_reach, ratio = sums
    method, capacity, normalize = name
    if normalize:
        score = _normalised(score, people)
    out_demand = with_columns(demand, {
        score_name(method, capacity, normalize=normalize): score[rows_o],
        "n_sites_in_reach": reached[rows_o],
        "time_model": pd.Series(description, index=demand.index, dtype=object),
    })  # fmt: skip
    out_supply = with_columns(supply, {
        "demand_in_reach": demand_in_reach[rows_d],
        f"{capacity}_per_inhabitant": ratio[rows_d],
        "has_demand_in_reach": demand_in_reach[rows_d] > 0,
        "time_model": pd.Series(description, index=supply.index, dtype=object),
    })  # fmt: skip
    return FcaResult(out_demand, out_supply)


def with_columns(frame: pd.DataFrame, columns: Mapping[str, Any]) -> Any:
    """Return a copy of ``frame`` with ``columns`` added or replaced.

    New columns come in one concatenation (setting them one by one on a copy costs
    a block insertion each: seconds for millions of cells); arrays keep their
    dtype. A GeoDataFrame stays one, with its geometry and CRS.
    """
    index = frame.index
    series = {
        name: values if isinstance(values, pd.Series)
        else pd.Series(values, index=index, dtype=values.dtype, copy=False)
        for name, values in columns.items()
    }  # fmt: skip
    if frame.columns.isin(list(series)).any():  # replaced in place, as a recompute
        out = frame.copy()
        for name, values in series.items():
            out[name] = values
        return out
    joined = pd.concat([frame, pd.DataFrame(series, index=index)], axis=1)
    geometry = getattr(frame, "_geometry_column_name", None)
    if geometry is None or geometry not in joined:
        return joined
    from geopandas import GeoDataFrame  # noqa: PLC0415 - fca reads plain frames too

    return GeoDataFrame(joined, geometry=geometry, crs=frame.crs)


def _aligned(
    frame: pd.DataFrame, ids: pd.Index, column: str, *, name: str, side: str
) -> np.ndarray:
    """Values of ``frame[column]`` laid out on the matrix ids (0 where absent)."""
    if not isinstance(frame, pd.DataFrame):
        raise TypeError(
            f"`{name}` must be a pandas DataFrame, got {type(frame).__name__}."
        )
    if not frame.index.is_unique:
        dup = frame.index[frame.index.duplicated()].unique()
        raise InputError(
            f"`{name}` repeats index labels {format_labels(dup)}; make them unique."
        )
    values = check_counts(frame, column, name=name)
    where = ids.get_indexer(frame.index)
    if (where < 0).any():
        raise InputError(
            f"`{name}` has {int((where < 0).sum())} id(s) absent from the matrix "
            f"{side}: {format_labels(frame.index[where < 0])}; build the matrix with "
            f"these places, or leave them out of `{name}`."
        )
    out = np.zeros(len(ids))
    out[where] = values
    return out


def stage_weights(
    method: str,
    o: np.ndarray,
    d: np.ndarray,
    w: np.ndarray,
    shape: tuple[int, int],
    *,
    place_sums: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Weights of step 1 (demand onto sites) and step 2 (ratios back onto places).

    ``place_sums`` (Σ_j W_ij of every place, over all sites) when ``o, d, w`` hold
    only some sites' pairs, each site with all of its own.
    """
    if method in ("3sfca", "bfca"):
        sums = (
            np.bincount(o, w, minlength=shape[0]) if place_sums is None else place_sums
        )
        per_place = sums[o]
        w_place = np.divide(w, per_place, out=np.zeros_like(w), where=per_place > 0)
        if method == "3sfca":
            return w_place * w, w_place * w
        per_site = np.bincount(d, w, minlength=shape[1])[d]
        w_site = np.divide(w, per_site, out=np.zeros_like(w), where=per_site > 0)
        return w_place, w_site
    return w, w


def _normalised(score: np.ndarray, people: np.ndarray) -> np.ndarray:
    """Divide by the population-weighted mean; refuse when it is 0 or undefined."""
    total = people.sum()
    mean = (score * people).sum() / total if total > 0 else np.nan
    if not mean > 0:
        raise InputError(
            "`normalize=True` needs a positive population-weighted mean score; here "
            "nobody has any site in reach. Use `normalize=False`."
        )
    return score / mean
