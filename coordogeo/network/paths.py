"""Shortest travel times on a RoadNetwork: to the nearest site, to the k nearest."""

from __future__ import annotations

from typing import Final

import numpy as np
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import dijkstra

from coordogeo.network.roads import RoadNetwork

__all__ = ["k_nearest_sites", "nearest_sites", "times_to_sites"]

#: Distances held at once by the k-nearest search (float64 values): about 160 MB.
_BLOCK_VALUES: Final = 20_000_000


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

    One multi-source Dijkstra on the reversed graph, each site a virtual node whose
    single edge carries its approach leg. Nodes beyond ``limit_s`` get ``inf`` and -1.
    """
    n, m = network.n_nodes, len(site_node)
    if m == 0 or n == 0:
        return np.full(n, np.inf), np.full(n, -1, dtype=np.int64)
    rev = network.reverse_graph
    augmented = csr_matrix(
        (
            np.concatenate([rev.data, site_s]),
            np.concatenate([rev.indices, site_node]),
            np.concatenate([rev.indptr, rev.indptr[-1] + np.arange(1, m + 1)]),
        ),
        shape=(n + m, n + m),
    )
    dist, _, source = dijkstra(
        augmented,
        directed=True,
        indices=np.arange(n, n + m),
        min_only=True,
        return_predecessors=True,
        limit=limit_s,
    )
    dist, source = dist[:n], source[:n]
    return dist, np.where(np.isfinite(dist), source - n, -1)


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

    Bounded Dijkstra searches from the sites on the reversed graph, a block of sites
    at a time so that memory stays bounded; the running k best are kept per origin.
    Ties are broken by site position (stable sort).

    Returns
    -------
    seconds, site
        Arrays of shape (n_origins, k); ``inf`` and -1 where fewer than k sites are
        within ``limit_s``.
    """
    n_o = len(origin_node)
    best_s = np.full((n_o, k), np.inf)
    best_site = np.full((n_o, k), -1, dtype=np.int64)
    on = np.flatnonzero(origin_node >= 0)
    if len(site_node) == 0 or len(on) == 0:
        return best_s, best_site
    block = max(1, _BLOCK_VALUES // max(network.n_nodes, 1))
    for start in range(0, len(site_node), block):
        stop = min(start + block, len(site_node))
        dist = dijkstra(
            network.reverse_graph,
            directed=True,
            indices=site_node[start:stop],
            limit=limit_s,
        )
        total = dist[:, origin_node[on]].T + site_s[start:stop] + origin_s[on, None]
        cand_s = np.hstack([best_s[on], total])
        cand_site = np.hstack(
            [best_site[on], np.broadcast_to(np.arange(start, stop), total.shape)]
        )
        order = np.argsort(cand_s, axis=1, kind="stable")[:, :k]
        best_s[on] = np.take_along_axis(cand_s, order, axis=1)
        best_site[on] = np.take_along_axis(cand_site, order, axis=1)
    too_far = best_s > limit_s
    best_s[too_far], best_site[too_far] = np.inf, -1
    return best_s, best_site
