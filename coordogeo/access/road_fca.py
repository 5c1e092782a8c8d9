"""Floating-catchment indices from the road network, summed block by block.

:func:`coordogeo.access.fca` reads a travel-time matrix: every pair in memory at
once. At national size (2.3 M cells, thousands of sites, 30 minutes) that is over
100 M pairs. :func:`road_fca` gives the same result without ever holding them: the
searches run from the sites in blocks, a block holds every pair of its sites, and
each block sums its own pairs where it ran (a worker process, a cluster's worker);
only the sums come back.
"""

from __future__ import annotations

from functools import partial
from typing import Any

import numpy as np

import geopandas as gpd

from coordogeo.access.decay import Decay, checked_weights
from coordogeo.access.fca import (
    METHODS,
    Catchments,
    FcaResult,
    Method,
    catchment_sums,
    decay_of,
    default_bound_min,
    fca_result,
)
from coordogeo.errors import check_choice, check_counts, check_positive
from coordogeo.network.roads import RoadNetwork, warn_unsnapped
from coordogeo.network.search import bounded_blocks, check_n_jobs

__all__ = ["road_fca"]


def road_fca(  # noqa: PLR0913 - fca's options, plus the network and where to run
    network: RoadNetwork,
    demand: gpd.GeoDataFrame,
    supply: gpd.GeoDataFrame,
    *,
    max_time_min: float | None = None,
    method: Method = "2sfca",
    decay: str | Decay | None = None,
    population: str = "population",
    capacity: str = "capacity",
    normalize: bool = False,
    n_jobs: int = 1,
    client: Any = None,
) -> FcaResult:
    """Floating-catchment index by road, computed from per-block partial sums.

    The same result as ``fca(travel_time_matrix(network, demand, supply,
    max_time_min=...), demand, supply, ...)`` (to a relative 1e-12: the sums are
    added in another order) with memory bounded by a block of sites, not by the
    pairs: each block of searches (from the sites, on the reversed graph) weighs its
    own pairs, sums the demand in reach of its sites and their ratios onto the
    places, and returns only those sums. ``3sfca`` and ``bfca`` normalise each
    place's weights over all its sites, so they search twice (once for those
    per-place sums).

    Parameters
    ----------
    network
        The road network.
    demand
        Places (cells, communes), any CRS, with ``population``; their index labels
        are the ids of the result.
    supply
        Sites, any CRS, with ``capacity``.
    max_time_min
        The catchment bound (minutes); pairs beyond it do not interact. None: the
        last step of the decay preset in use (``luo_qi_2009`` 30, ``wan_2012`` 60,
        ``drees_apl`` 20), else 30.
    method, decay, population, capacity, normalize
        As in :func:`coordogeo.access.fca`; the default decay is binary up to
        ``max_time_min`` for ``2sfca``.
    n_jobs, client
        As in :func:`coordogeo.access.travel_time_matrix`: threads, or a
        ``dask.distributed.Client`` whose workers run the blocks.

    Returns
    -------
    FcaResult
        As :func:`coordogeo.access.fca`, and ``snapped`` in ``demand``: places off
        the network (farther than ``network.max_snap_m`` from every road) have
        ``snapped`` False and no site in reach (score 0, ``n_sites_in_reach`` 0);
        sites off the network have no demand in reach, and a warning names them.

    Warns
    -----
    UserWarning
        Sites farther than ``network.max_snap_m`` from every road.

    Raises
    ------
    InputError
        As :func:`coordogeo.access.fca` and :func:`travel_time_matrix`: bad CRS or
        geometries, repeated ids, missing/NaN/negative population or capacity, an
        unknown method or decay.

    Examples
    --------
    >>> from coordogeo.access import fca, travel_time_matrix
    >>> from coordogeo.datasets import sample_territory
    >>> sample = sample_territory()
    >>> net = RoadNetwork.from_roads(sample.roads)
    >>> gps = sample.structures[sample.structures["kind"] == "MSP"].assign(capacity=1.0)
    >>> by_blocks = road_fca(net, sample.population, gps, max_time_min=20)
    >>> matrix = travel_time_matrix(net, sample.population, gps, max_time_min=20)
    >>> whole = fca(matrix, sample.population, gps)
    >>> column = "2sfca_capacity_per_inhabitant"
    >>> bool(np.allclose(by_blocks.demand[column], whole.demand[column], rtol=1e-12))
    True
    """
    check_choice(method, name="method", choices=METHODS)
    given = default_bound_min(method, decay) if max_time_min is None else max_time_min
    bound = check_positive(given, name="max_time_min", unit="minutes")
    workers = check_n_jobs(n_jobs)
    fn = decay_of(method, decay, bound_min=float(bound))
    places, o_node, _, o_sec = network.attach(demand, name="demand")
    sites, d_node, _, d_sec = network.attach(supply, name="supply")
    people = check_counts(places, population, name="demand").astype(np.float64)
    cap = check_counts(sites, capacity, name="supply").astype(np.float64)
    warn_unsnapped(sites, d_node >= 0, name="supply")
    run = partial(
        bounded_blocks,
        network.search_graph(reverse=True),
        (d_node, d_sec),
        (o_node, o_sec),
        bound * 60,
        workers,
        client=client,
    )
    shape = (len(places), len(sites))
    place_sums = None
    if method in ("3sfca", "bfca"):
        parts = run(reduce=partial(_place_sums, fn))
        place_sums = _added(parts, len(places))
    sums = Catchments(fn, method, people, cap, shape, place_sums)
    parts = run(reduce=partial(catchment_sums, sums))
    score = _added([(p[0], p[1]) for p in parts], len(places))
    reached = _added([(p[0], p[2]) for p in parts], len(places)).astype(np.int64)
    # each site's pairs are all in its block: its demand in reach comes whole
    demand_in_reach = _added([(p[3], p[4]) for p in parts], len(sites))
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(demand_in_reach > 0, cap / demand_in_reach, np.nan)
    description = f"{network.description}; searched in blocks of sites"
    result = fca_result(
        (demand, supply),
        (np.arange(len(places)), np.arange(len(sites))),
        (score, reached, demand_in_reach, ratio),
        people=people,
        name=(method, capacity, normalize),
        description=description,
    )
    result.demand["snapped"] = o_node >= 0
    return result


def _place_sums(
    fn: Decay, site: np.ndarray, place: np.ndarray, minutes: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Σ_j W_ij of each place over this block's sites: (places, sums)."""
    w = checked_weights(fn, minutes.astype(np.float64))
    places, at = np.unique(place, return_inverse=True)
    return places, np.bincount(at, w, minlength=len(places))


def _added(parts: list[tuple[np.ndarray, ...]], n: int) -> np.ndarray:
    """Add the blocks' (positions, values) parts into one vector of ``n``."""
    if not parts:
        return np.zeros(n)
    at = np.concatenate([p[0] for p in parts])
    values = np.concatenate([p[1] for p in parts])
    return np.bincount(at, values, minlength=n)
