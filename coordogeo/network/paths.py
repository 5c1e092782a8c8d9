"""Shortest travel times on a RoadNetwork: to the nearest site, to the k nearest."""

from __future__ import annotations

from functools import partial

import numpy as np

from coordogeo.network._kernel import nearest_sources
from coordogeo.network.roads import RoadNetwork
from coordogeo.network.search import bounded_blocks

__all__ = ["k_nearest_sites", "nearest_sites", "times_to_sites"]


def nearest_sites(
    network: RoadNetwork,
    origin_node: np.ndarray,
    origin_s: np.ndarray,
    site_node: np.ndarray,
    site_s: np.ndarray,
    *,
    limit_s: float,
) -> tuple[np.ndarray, np.ndarray]:
    """Seconds from each origin to its nearest site, and that site's position.

    One multi-source Dijkstra on the reversed graph: each site becomes a virtual node
    with one edge onto its road node weighted by its approach leg, so the search
    measures origin → road → site, in that direction, one-way streets included.

    Parameters
    ----------
    network
        The road network.
    origin_node, origin_s
        Road node of each origin (-1: not snapped) and its approach leg, in seconds.
    site_node, site_s
        Road node of each site (all snapped) and its approach leg, in seconds.
    limit_s
        Searches stop beyond this; an origin whose total exceeds it is unreachable.

    Returns
    -------
    seconds, site
        ``inf`` and -1 where no site is within ``limit_s``.
    """
    time_s = np.full(len(origin_node), np.inf)
    site = np.full(len(origin_node), -1, dtype=np.int64)
    if len(site_node) == 0 or network.n_nodes == 0:
        return time_s, site
    dist, source = times_to_sites(network, site_node, site_s, limit_s=limit_s)
    on = origin_node >= 0
    total = dist[origin_node[on]] + origin_s[on]
    ok = total <= limit_s
    time_s[np.flatnonzero(on)[ok]] = total[ok]
    site[np.flatnonzero(on)[ok]] = source[origin_node[on]][ok]
    return time_s, site


def times_to_sites(
    network: RoadNetwork, site_node: np.ndarray, site_s: np.ndarray, *, limit_s: float
) -> tuple[np.ndarray, np.ndarray]:
    """Seconds from every road node to its nearest site, and that site's position.

    One search from every site at once on the reversed search graph (the
    edge-based one when the network has turn costs), each site starting with its
    approach leg: the compiled bucket kernel
    (:func:`coordogeo.network._kernel.nearest_sources`), the same seconds as
    scipy's multi-source Dijkstra. Nodes beyond ``limit_s`` get ``inf`` and -1.
    """
    n, m = network.n_nodes, len(site_node)
    if m == 0 or n == 0:
        return np.full(n, np.inf), np.full(n, -1, dtype=np.int64)
    search = network.search_graph(reverse=True)
    dist, owner = nearest_sources(
        search.arrays,
        search.buckets,
        limit_s,
        search.sources(np.asarray(site_node, dtype=np.int64)),
        np.asarray(site_s, dtype=np.float64),
    )
    at = search.targets(np.arange(n))  # each road node where the search reaches it
    return dist[at], owner[at]


def k_nearest_sites(
    network: RoadNetwork,
    origin_node: np.ndarray,
    origin_s: np.ndarray,
    site_node: np.ndarray,
    site_s: np.ndarray,
    *,
    limit_s: float,
    k: int,
) -> tuple[np.ndarray, np.ndarray]:
    """Seconds to the ``k`` nearest sites of each origin, ranked, and their positions.

    Bounded searches from the sites on the reversed graph, in blocks whose cost
    follows the catchment (:func:`coordogeo.network.search.bounded_blocks`); each
    block keeps only its k best sites of each origin, then the blocks' bests are
    ranked together. Times are ranked as the matrix stores them (float32 minutes,
    the seconds given back are those minutes × 60), ties broken by site position,
    so the result is the one read from :func:`travel_time_matrix`'s pairs.

    Returns
    -------
    seconds, site
        Arrays of shape (n_origins, k); ``inf`` and -1 where fewer than k sites are
        within ``limit_s``.
    """
    best_s = np.full((len(origin_node), k), np.inf)
    best_site = np.full((len(origin_node), k), -1, dtype=np.int64)
    parts = bounded_blocks(
        network.search_graph(reverse=True),
        (site_node, site_s),
        (origin_node, origin_s),
        limit_s,
        1,
        reduce=partial(_k_best, k),
    )
    if not parts:
        return best_s, best_site
    site, origin, minutes = (np.concatenate(p) for p in zip(*parts, strict=True))
    site, origin, minutes = _k_best(k, site, origin, minutes)
    rank = np.arange(len(origin)) - np.searchsorted(origin, origin, side="left")
    best_s[origin, rank] = minutes.astype(np.float64) * 60.0
    best_site[origin, rank] = site
    return best_s, best_site


def _k_best(
    k: int, site: np.ndarray, origin: np.ndarray, minutes: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Keep the ``k`` best (minutes, then site) pairs of each origin, by origin."""
    order = np.lexsort((site, minutes, origin))
    site, origin, minutes = site[order], origin[order], minutes[order]
    rank = np.arange(len(origin)) - np.searchsorted(origin, origin, side="left")
    keep = rank < k
    return site[keep], origin[keep], minutes[keep]
