"""The bounded search kernel: a bucket queue that resets only the nodes it reached.

scipy's ``dijkstra`` sets up state for every node of the graph at each call and
orders its frontier in a Fibonacci heap; on a road network most of a bounded
search's time went there (0.3 M nodes: 7.8 ms a 30-minute search). This kernel,
compiled by numba, keeps its arrays between searches and resets only the nodes a
search reached, and orders the frontier in **buckets** of ``width`` seconds
(Dial's queue, circular: as many buckets as cover the longest edge). A node taken
from the current bucket is final unless an edge shorter than the width improves
it later in the same bucket; then it goes back in and is taken again (a
label-correcting search). Every distance is therefore the smallest of
``dist[u] + w(u, v)`` over the node's in-edges, the same fixed point, summed in the
same float64 additions, as scipy's: the same floats to the bit (tests compare
them on random graphs with ties and zero-length edges). Measured in
``benchmarks/bench_scale.py``: 0.40× scipy's time on the département network, a
binary heap in numba 0.93×.

The kernels release the GIL (``nogil``): blocks of searches run on threads.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Final

import numba
import numpy as np

__all__ = ["Buckets", "block_pairs", "search_state"]

#: Most buckets a queue holds (int32 heads, 16 MB): a graph whose longest edge is
#: more than this many widths gets wider buckets.
_MAX_BUCKETS: Final = 1 << 22


class Buckets:
    """The bucket width (seconds) and count for a graph's edge weights."""

    __slots__ = ("count", "inv_width", "width")

    def __init__(self, weights: np.ndarray) -> None:
        positive = weights[weights > 0]
        if len(positive) == 0:
            self.width, self.count = 1.0, 2
        else:
            # the median edge: measured as fast as the shortest (no edge is taken
            # twice) on the generated grid, faster on OSM extracts full of short ones
            width = float(np.median(positive))
            longest = float(positive.max())
            if longest / width + 2 > _MAX_BUCKETS:
                width = longest / (_MAX_BUCKETS - 2)
            count = 2
            while count < longest / width + 2:
                count *= 2
            self.width, self.count = width, count
        self.inv_width = 1.0 / self.width


@numba.njit(nogil=True, cache=True)
def _search(
    indptr: np.ndarray,
    indices: np.ndarray,
    weights: np.ndarray,
    source: int,
    limit: float,
    inv_width: float,
    mask: int,
    dist: np.ndarray,
    nxt: np.ndarray,
    prv: np.ndarray,
    slot: np.ndarray,
    head: np.ndarray,
    reached: np.ndarray,
) -> int:  # pragma: no cover
    """Bounded search from ``source``; ``dist`` set for the nodes listed in ``reached``.

    On entry ``dist`` is inf, ``slot`` -1 and ``head`` -1 everywhere; on return
    ``slot`` and ``head`` are so again, and the caller resets ``dist`` on the
    ``reached[:count]`` nodes. Returns ``count``.
    """
    count = 1
    reached[0] = source
    dist[source] = 0.0
    head[0] = source
    nxt[source] = -1
    prv[source] = -1
    slot[source] = 0
    live = 1
    k = 0
    while live > 0:
        here = k & mask
        while head[here] != -1:
            u = head[here]
            after = nxt[u]
            head[here] = after
            if after != -1:
                prv[after] = -1
            slot[u] = -1
            live -= 1
            du = dist[u]
            for e in range(indptr[u], indptr[u + 1]):
                v = indices[e]
                nd = du + weights[e]
                dv = dist[v]
                if nd < dv and nd <= limit:
                    if dv == np.inf:
                        reached[count] = v
                        count += 1
                    dist[v] = nd
                    s = max(int(nd * inv_width), k) & mask
                    was = slot[v]
                    if was == s:
                        continue
                    if was != -1:  # move it from its bucket
                        p = prv[v]
                        q = nxt[v]
                        if p != -1:
                            nxt[p] = q
                        else:
                            head[was] = q
                        if q != -1:
                            prv[q] = p
                    else:
                        live += 1
                    first = head[s]
                    nxt[v] = first
                    prv[v] = -1
                    if first != -1:
                        prv[first] = v
                    head[s] = v
                    slot[v] = s
        k += 1
    return count


@numba.njit(nogil=True, cache=True)
def _collect(
    reached: np.ndarray,
    count: int,
    target_of: np.ndarray,
    dist: np.ndarray,
    found: np.ndarray,
    found_s: np.ndarray,
) -> int:  # pragma: no cover
    """Write the targets among ``reached[:count]`` and their seconds; reset ``dist``.

    Returns how many were found.
    """
    t = 0
    for j in range(count):
        v = reached[j]
        g = target_of[v]
        if g >= 0:
            found[t] = g
            found_s[t] = dist[v]
            t += 1
        dist[v] = np.inf
    return t


@numba.njit(nogil=True, cache=True)
def _block_pairs(
    indptr: np.ndarray,
    indices: np.ndarray,
    weights: np.ndarray,
    sources: np.ndarray,
    limit: float,
    inv_width: float,
    n_buckets: int,
    target_of: np.ndarray,
    n_targets: int,
    dist: np.ndarray,
    nxt: np.ndarray,
    prv: np.ndarray,
    slot: np.ndarray,
    reached: np.ndarray,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:  # pragma: no cover
    """(source row, target, seconds) of every target node each source reaches.

    By source row, then in the order the search reached them (the same at every
    run: a search does not depend on the block it runs in); ``target_of[node]`` is
    the node's target number (below ``n_targets``), -1 for none.
    """
    head = np.full(n_buckets, -1, np.int32)
    found = np.empty(n_targets, np.int64)
    found_s = np.empty(n_targets, np.float64)
    counts = np.zeros(len(sources), np.int64)
    parts = []
    for k in range(len(sources)):
        count = _search(indptr, indices, weights, sources[k], limit, inv_width,
                        n_buckets - 1, dist, nxt, prv, slot, head, reached)  # fmt: skip
        t = _collect(reached, count, target_of, dist, found, found_s)
        parts.append((found[:t].copy(), found_s[:t].copy()))
        counts[k] = t
    m = counts.sum()
    rows = np.empty(m, np.int64)
    cols = np.empty(m, np.int64)
    secs = np.empty(m, np.float64)
    at = 0
    for k in range(len(sources)):
        t = counts[k]
        rows[at : at + t] = k
        cols[at : at + t] = parts[k][0]
        secs[at : at + t] = parts[k][1]
        at += t
    return rows, cols, secs


@contextmanager
def search_state(n: int) -> Iterator[tuple[np.ndarray, ...]]:
    """Lend a set of search arrays for ``n`` nodes (24 bytes a node).

    Sets are kept between calls and lent to one search block at a time (blocks
    run on threads, which a pool makes anew at each call): filling them costs
    ~10 ms per million nodes, more than a short search on a national network. A
    block leaves them as it found them; one that failed is not kept.
    """
    with _FREE_LOCK:
        free = _FREE.get(n)
        if free is None:  # another network's sets: let them go
            _FREE.clear()
            free = _FREE[n] = []
        state = free.pop() if free else None
    if state is None:
        state = (
            np.full(n, np.inf),  # dist
            np.empty(n, np.int32),  # next in bucket
            np.empty(n, np.int32),  # previous in bucket
            np.full(n, -1, np.int32),  # bucket slot, -1 in none
            np.empty(n, np.int32),  # nodes reached, in order
        )
    yield state
    with _FREE_LOCK:  # only after a block that ran to its end
        _FREE.setdefault(n, []).append(state)


#: Search arrays not lent out, by node count (one count at a time).
_FREE: dict[int, list[tuple[np.ndarray, ...]]] = {}
_FREE_LOCK = threading.Lock()


def block_pairs(
    graph_arrays: tuple[np.ndarray, np.ndarray, np.ndarray],
    buckets: Buckets,
    sources: np.ndarray,
    limit_s: float,
    target_of: np.ndarray,
    n_targets: int,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(source row, target, seconds) within ``limit_s`` of each of ``sources``.

    ``graph_arrays`` are a CSR graph's ``indptr``, ``indices`` and ``data``;
    ``target_of[node]`` numbers the ``n_targets`` target nodes (-1 elsewhere).
    Pairs come by source row, then in the order the search reached the targets.
    """
    indptr, indices, weights = graph_arrays
    with search_state(len(indptr) - 1) as state:
        return _block_pairs(
            indptr,
            indices,
            weights,
            np.ascontiguousarray(sources, dtype=np.int64),
            float(limit_s),
            buckets.inv_width,
            buckets.count,
            target_of,
            max(int(n_targets), 1),
            *state,
        )


@numba.njit(nogil=True, cache=True)
def _starts(key: np.ndarray, n_keys: int) -> np.ndarray:  # pragma: no cover
    """Return where each key's run begins once ``key`` is sorted (a counting pass)."""
    start = np.zeros(n_keys + 1, np.int64)
    for k in key:
        start[k + 1] += 1
    for k in range(n_keys):
        start[k + 1] += start[k]
    return start


@numba.njit(nogil=True, cache=True)
def _sorted_pairs(
    origin: np.ndarray,
    destination: np.ndarray,
    minutes: np.ndarray,
    n_o: int,
    n_d: int,
    order: np.ndarray,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:  # pragma: no cover
    """Pairs ordered by origin, then destination: two stable counting passes.

    The first writes only the pairs' order by destination (``order``, given empty);
    the second reads the pairs in that order and writes them by origin.
    """
    start = _starts(destination, n_d)
    for i in range(len(destination)):
        k = destination[i]
        order[start[k]] = i
        start[k] += 1
    start = _starts(origin, n_o)
    o = np.empty_like(origin)
    d = np.empty_like(destination)
    m = np.empty_like(minutes)
    for i in order:
        k = origin[i]
        at = start[k]
        o[at] = k
        d[at] = destination[i]
        m[at] = minutes[i]
        start[k] = at + 1
    return o, d, m


def sorted_pairs(
    origin: np.ndarray,
    destination: np.ndarray,
    minutes: np.ndarray,
    shape: tuple[int, int],
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(origin, destination, minutes) ordered by origin, then destination.

    A radix sort on the two positions (``shape`` = how many of each): time in
    proportion to the pairs, and 16 bytes a pair beside the input (the order by
    destination, then the sorted copy), where a sort on a combined int64 key held
    28 and took 3–4× the time (measured on the matrices of the département and
    region benchmarks: 2.0 M pairs 0.020 s against 0.057 s, 4.2 M 0.057 s against
    0.210 s).

    Raises
    ------
    ValueError
        A position outside ``shape`` (the compiled sort does not check bounds).
    """
    for pos, n, side in (
        (origin, shape[0], "origin"),
        (destination, shape[1], "destination"),
    ):
        if len(pos) and (pos.min() < 0 or pos.max() >= n):
            raise ValueError(f"a pair's {side} position is outside 0..{n - 1}")
    order = np.empty(len(origin), np.int32 if len(origin) < 2**31 else np.int64)
    return _sorted_pairs(
        origin, destination, minutes, max(shape[0], 1), max(shape[1], 1), order
    )
