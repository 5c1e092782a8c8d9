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
them on random graphs with ties and zero-length edges). Measured on the
département network (docs/performance.md, "The compiled search kernel"): 0.39×
scipy's time, a binary heap in numba 0.93×.

Also here: :func:`sorted_pairs`, the radix sort of a matrix's pairs. The kernels
release the GIL (``nogil``): blocks of searches run on threads.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, Final, TypeVar

import numba
import numpy as np

from coordogeo._memory import droppable

__all__ = ["Buckets", "block_pairs", "nearest_sources", "search_state", "sorted_pairs"]

#: A search's arrays: distance, next and previous in bucket, bucket slot, reached.
_State = tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]

#: Most buckets a queue holds (int32 heads, 16 MB): a graph whose longest edge is
#: more than this many widths gets wider buckets.
_MAX_BUCKETS: Final = 1 << 22


_F = TypeVar("_F", bound=Callable[..., Any])


def _compiled(fn: _F) -> _F:
    """Compile ``fn`` with numba, releasing the GIL; keep the machine code on disk.

    numba keeps it beside this file, else in the user's cache folder; where
    neither can be written it refuses to cache, and ``fn`` is then compiled again
    in each process (a few seconds at the first search) rather than not at all.
    """
    try:
        return numba.njit(nogil=True, cache=True)(fn)  # type: ignore[return-value]
    except RuntimeError:  # "cannot cache function ...: no locator available"
        return numba.njit(nogil=True)(fn)  # type: ignore[return-value]


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


@_compiled
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


@_compiled
def _collect(
    reached: np.ndarray,
    count: int,
    target_of: np.ndarray,
    t_ptr: np.ndarray,
    dist: np.ndarray,
    found: tuple[np.ndarray, np.ndarray],
) -> tuple[int, int]:  # pragma: no cover
    """Write the targets among ``reached[:count]`` and their seconds; reset ``dist``.

    Returns how many targets were found, and how many target items they hold.
    """
    numbers, road_s = found
    t = 0
    size = 0
    for j in range(count):
        v = reached[j]
        g = target_of[v]
        if g >= 0:
            numbers[t] = g
            road_s[t] = dist[v]
            size += t_ptr[g + 1] - t_ptr[g]
            t += 1
        dist[v] = np.inf
    return t, size


@_compiled
def _emit(
    found: tuple[np.ndarray, np.ndarray, int],
    own: tuple[np.ndarray, np.ndarray],
    targets: tuple[np.ndarray, np.ndarray, np.ndarray],
    limit: float,
    out: tuple[np.ndarray, np.ndarray, np.ndarray],
    at: int,
) -> int:  # pragma: no cover
    """Write one source node's pairs into ``out`` from ``at``; return where they end.

    ``found`` = (target numbers reached, their road seconds, how many); ``own`` =
    (the node's items, their approach seconds); ``targets`` = (ptr, items,
    approach seconds) by target number. A pair is kept when its road seconds plus
    both approach legs are within ``limit``; its minutes are those seconds divided
    by 60 and rounded once to float32, as ``search.to_minutes`` does. In order of
    target node (as reached), then source item, then target item. ``out`` must
    have room for every pair before the bound is checked.
    """
    numbers, road_s, count = found
    items, own_s = own
    t_ptr, t_items, t_sec = targets
    s_out, t_out, m_out = out
    m = at
    for q in range(count):
        g = numbers[q]
        for i in range(len(items)):
            road = road_s[q] + own_s[i]
            for p in range(t_ptr[g], t_ptr[g + 1]):
                j = t_items[p]
                total = road + t_sec[j]
                if total <= limit:
                    s_out[m] = items[i]
                    t_out[m] = j
                    m_out[m] = np.float32(total / 60.0)
                    m += 1
    return m


@_compiled
def _room(
    out: tuple[np.ndarray, np.ndarray, np.ndarray], used: int, size: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:  # pragma: no cover
    """Return ``out`` with room for ``size`` entries, its first ``used`` kept."""
    if size <= len(out[0]):
        return out
    size = max(size, 2 * len(out[0]))
    s_out = np.empty(size, np.int32)
    t_out = np.empty(size, np.int32)
    m_out = np.empty(size, np.float32)
    s_out[:used] = out[0][:used]
    t_out[:used] = out[1][:used]
    m_out[:used] = out[2][:used]
    return s_out, t_out, m_out


@_compiled
def _block_pairs(
    graph: tuple[np.ndarray, np.ndarray, np.ndarray],
    queue: tuple[float, int],
    limit: float,
    sources: tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray],
    rows: tuple[int, int],
    targets: tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray],
    state: _State,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:  # pragma: no cover
    """(source item, target item, minutes) of the pairs of source nodes ``rows``.

    By source node, then as :func:`_emit` orders one node's pairs: the same order
    at every run (a search does not depend on the block it runs in).
    """
    indptr, indices, weights = graph
    inv_width, n_buckets = queue
    s_nodes, s_ptr, s_items, s_sec = sources
    target_of, t_ptr, t_items, t_sec = targets
    dist, nxt, prv, slot, reached = state
    head = np.full(n_buckets, -1, np.int32)
    numbers = np.empty(max(len(t_ptr) - 1, 1), np.int64)
    road_s = np.empty(len(numbers), np.float64)
    out = _room((np.empty(0, np.int32), np.empty(0, np.int32),
                 np.empty(0, np.float32)), 0, 1 << 16)  # fmt: skip
    m = 0
    for k in range(rows[0], rows[1]):
        count = _search(indptr, indices, weights, s_nodes[k], limit, inv_width,
                        n_buckets - 1, dist, nxt, prv, slot, head, reached)  # fmt: skip
        t, size = _collect(reached, count, target_of, t_ptr, dist, (numbers, road_s))
        own = s_items[s_ptr[k] : s_ptr[k + 1]]
        out = _room(out, m, m + size * len(own))
        m = _emit((numbers, road_s, t), (own, s_sec[own]), (t_ptr, t_items, t_sec),
                  limit, out, m)  # fmt: skip
    return out[0][:m], out[1][:m], out[2][:m]


@contextmanager
def search_state(n: int) -> Iterator[_State]:
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
_FREE: dict[int, list[_State]] = {}
_FREE_LOCK = threading.Lock()


@droppable
def forget_search_arrays() -> None:
    """Let the kept search arrays go (those lent out return when their block ends)."""
    with _FREE_LOCK:
        _FREE.clear()


def block_pairs(
    graph_arrays: tuple[np.ndarray, np.ndarray, np.ndarray],
    buckets: Buckets,
    limit_s: float,
    sources: tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray],
    rows: tuple[int, int],
    targets: tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray],
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(source item, target item, minutes) of every pair within ``limit_s`` seconds.

    ``graph_arrays`` are a CSR graph's ``indptr``, ``indices`` and ``data``.
    ``sources`` = (distinct source nodes, ptr, items, approach seconds of each
    item): the items of node ``k`` are ``items[ptr[k]:ptr[k + 1]]``, and the
    block searches from nodes ``rows[0]:rows[1]``. ``targets`` = (target number
    of every road node, -1 for none; then ptr, items and approach seconds as for
    the sources, by target number). Positions come as int32, minutes as float32
    (:func:`coordogeo.network.search.to_minutes` of the seconds).
    """
    indptr, indices, weights = graph_arrays
    with search_state(len(indptr) - 1) as state:
        return _block_pairs(
            (indptr, indices, weights),
            (buckets.inv_width, buckets.count),
            float(limit_s),
            sources,
            (int(rows[0]), int(rows[1])),
            targets,
            state,
        )


@_compiled
def _starts(key: np.ndarray, n_keys: int) -> np.ndarray:  # pragma: no cover
    """Return where each key's run begins once ``key`` is sorted (a counting pass)."""
    start = np.zeros(n_keys + 1, np.int64)
    for k in key:
        start[k + 1] += 1
    for k in range(n_keys):
        start[k + 1] += start[k]
    return start


@_compiled
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


def nearest_sources(
    graph_arrays: tuple[np.ndarray, np.ndarray, np.ndarray],
    buckets: Buckets,
    limit_s: float,
    starts: np.ndarray,
    start_s: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """One search from many starts: each node's seconds from its nearest start.

    ``starts`` are nodes with the seconds already spent to reach them
    (``start_s``: an approach leg); returns, for every node of the graph, the
    seconds from the nearest start within ``limit_s`` (inf beyond) and that
    start's position in ``starts`` (-1 beyond). The same additions as scipy's
    multi-source Dijkstra through a virtual source: the same seconds to the bit.
    """
    indptr, indices, weights = graph_arrays
    n = len(indptr) - 1
    order = np.argsort(start_s, kind="stable")
    dist = np.full(n, np.inf)
    owner = np.full(n, -1, dtype=np.int64)
    _search_many(
        indptr,
        indices,
        weights,
        np.ascontiguousarray(np.asarray(starts, dtype=np.int64)[order]),
        np.ascontiguousarray(np.asarray(start_s, dtype=np.float64)[order]),
        order.astype(np.int64),
        float(limit_s),
        buckets.inv_width,
        buckets.count - 1,
        (dist, owner),
    )
    return dist, owner


@_compiled
def _search_many(
    indptr: np.ndarray,
    indices: np.ndarray,
    weights: np.ndarray,
    starts: np.ndarray,
    start_s: np.ndarray,
    start_id: np.ndarray,
    limit: float,
    inv_width: float,
    mask: int,
    out: tuple[np.ndarray, np.ndarray],
) -> None:  # pragma: no cover
    """Run the bucket search of :func:`_search` from ``starts`` sorted by seconds.

    A start joins the queue when the search reaches its bucket, so the circular
    queue never holds labels further apart than its length. The lines that put a
    node in its bucket are written out where they are used, as in :func:`_search`:
    made a compiled function of their own they were not inlined, and the call
    doubled a nearest search's time (0.11 -> 0.20 s on the département with turns;
    the matrix 1.4x slower), measured 2026-12-06.
    """
    dist, owner = out
    n = len(dist)
    nxt = np.empty(n, np.int32)
    prv = np.empty(n, np.int32)
    slot = np.full(n, -1, np.int32)
    head = np.full(mask + 1, -1, np.int32)
    live = 0
    k = 0
    p = 0
    n_starts = len(starts)
    while live > 0 or p < n_starts:
        if live == 0:
            k = max(k, int(start_s[p] * inv_width))
        while p < n_starts and int(start_s[p] * inv_width) <= k:
            v = starts[p]
            nd = start_s[p]
            if nd < dist[v] and nd <= limit:
                dist[v] = nd
                owner[v] = start_id[p]
                s = max(int(nd * inv_width), k) & mask
                was = slot[v]
                if was != s:
                    if was != -1:
                        a = prv[v]
                        b = nxt[v]
                        if a != -1:
                            nxt[a] = b
                        else:
                            head[was] = b
                        if b != -1:
                            prv[b] = a
                    else:
                        live += 1
                    first = head[s]
                    nxt[v] = first
                    prv[v] = -1
                    if first != -1:
                        prv[first] = v
                    head[s] = v
                    slot[v] = s
            p += 1
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
            ou = owner[u]
            for e in range(indptr[u], indptr[u + 1]):
                v = indices[e]
                nd = du + weights[e]
                if nd < dist[v] and nd <= limit:
                    dist[v] = nd
                    owner[v] = ou
                    s = max(int(nd * inv_width), k) & mask
                    was = slot[v]
                    if was == s:
                        continue
                    if was != -1:
                        a = prv[v]
                        b = nxt[v]
                        if a != -1:
                            nxt[a] = b
                        else:
                            head[was] = b
                        if b != -1:
                            prv[b] = a
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
