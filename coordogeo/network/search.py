"""Bounded many-to-many searches on a road graph whose cost follows the catchment.

A search bounded at ``limit_s`` seconds can only reach nodes within
``limit_s × top speed`` metres (straight line) of its source: every edge's seconds
are its straight length over its speed. So the sources are put in spatial blocks,
and each block searches the **local graph** of the nodes in that disc (plus the
block's own spread), renumbered in their global order; targets are indexed by road
node once, and a block reads only the target nodes of its disc. The distances are
the same floats as a search of the whole graph (every path within the bound lies
inside the disc, and Dijkstra's sums are the same sums). When a disc holds most of
the network the whole graph is searched instead, as extracting it would cost more
than it saves.

Blocks run one after the other, on forked worker processes (``workers > 1``, Linux:
the graph is inherited, not copied) or on a ``dask.distributed`` cluster
(``client=``: the network goes to each worker once, a block is a task, only the
pairs in reach come back).
"""

from __future__ import annotations

import multiprocessing
import os
import sys
import threading
import warnings
import weakref
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from typing import Any, Final

import numpy as np
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import dijkstra
from scipy.spatial import cKDTree

from coordogeo.errors import InputError

__all__ = [
    "POSITION_DTYPE",
    "TIME_DTYPE",
    "SearchGraph",
    "Targets",
    "bounded_blocks",
    "bounded_pairs",
    "check_n_jobs",
    "expand_groups",
    "morton_key",
    "to_minutes",
]

#: Distances held at once per search block (float64 values): about 80 MB.
_BLOCK_VALUES: Final = 10_000_000
#: Sources per block at most: more spreads the block's disc for little gain.
_BLOCK_SOURCES: Final = 64
#: A block whose disc holds more than this share of the nodes searches the whole graph
#: (measured: extracting a local graph costs ~140 ns a node, a whole-graph search
#: ~1 ns a node per source beyond those it reaches).
_LOCAL_SHARE: Final = 0.1
#: Distances per ``dijkstra`` call at most (float64 values, 8 MB): one call for many
#: sources writes a fresh (sources x nodes) array, measured ~35 % slower than a call
#: per source at 64 sources on 0.3 M nodes, no slower at 2 (``bench_scale.py``).
_CALL_VALUES: Final = 1_000_000
#: Relative margin on the catchment radius, for the rounding of the edge seconds.
_RADIUS_MARGIN: Final = 1e-6
#: Integer positions and minutes of the stored pairs: 12 bytes a pair.
POSITION_DTYPE: Final = np.int32
TIME_DTYPE: Final = np.float32


def to_minutes(seconds: np.ndarray) -> np.ndarray:
    """Seconds (float64 sums) to stored minutes: divided by 60, rounded once to float32.

    Every travel minute the library gives goes through here, so a time read from a
    matrix and the same time from :func:`coordogeo.access.nearest` are equal.
    """
    return (np.asarray(seconds, dtype=np.float64) / 60.0).astype(TIME_DTYPE)


def check_n_jobs(n_jobs: int) -> int:
    """Return the number of worker processes for ``n_jobs``; -1 means every core.

    Raises
    ------
    InputError
        ``n_jobs`` not an integer >= 1 or -1.
    """
    if isinstance(n_jobs, bool) or not isinstance(n_jobs, int | np.integer):
        raise InputError(f"`n_jobs` must be an integer >= 1 or -1, got {n_jobs!r}.")
    if n_jobs == -1:
        return os.cpu_count() or 1
    if n_jobs < 1:
        raise InputError(f"`n_jobs` must be an integer >= 1 or -1, got {n_jobs!r}.")
    return int(n_jobs)


@dataclass(frozen=True, eq=False)
class SearchGraph:
    """A directed graph with its node coordinates, ready for catchment searches.

    ``top_speed_ms`` is the largest straight-line metres per second of any edge: no
    path of ``t`` seconds ends farther than ``t × top_speed_ms`` from its start.
    ``extent_m2`` is the area of the nodes' bounding box (measured once: a search
    compares its disc with it).
    """

    graph: csr_matrix
    node_xy: np.ndarray
    tree: cKDTree
    top_speed_ms: float
    extent_m2: float

    @classmethod
    def of(cls, graph: csr_matrix, node_xy: np.ndarray, tree: cKDTree) -> SearchGraph:
        """Measure the top speed of ``graph``'s edges and the extent; wrap them."""
        extent = float(np.prod(np.ptp(node_xy, axis=0))) if len(node_xy) > 1 else 0.0
        if graph.nnz == 0:
            return cls(graph, node_xy, tree, 0.0, extent)
        tail = np.repeat(np.arange(graph.shape[0]), np.diff(graph.indptr))
        metres = np.hypot(*(node_xy[tail] - node_xy[graph.indices]).T)
        with np.errstate(divide="ignore", invalid="ignore"):
            speed = np.where(metres > 0, metres / graph.data, 0.0)
        return cls(graph, node_xy, tree, float(speed.max()), extent)


@dataclass(frozen=True, eq=False)
class Targets:
    """Search targets (road node and approach seconds per item), grouped by node once.

    Pass one to :func:`bounded_pairs` when the same targets are searched again and
    again (scenarios: the places, for every opened site).
    """

    node: np.ndarray
    sec: np.ndarray
    groups: tuple[np.ndarray, np.ndarray, np.ndarray]

    @classmethod
    def of(cls, node: np.ndarray, sec: np.ndarray) -> Targets:
        """Group the items on the network by their road node."""
        return cls(node, sec, _group_by_node(node, np.flatnonzero(node >= 0)))


def bounded_pairs(
    search: SearchGraph,
    sources: tuple[np.ndarray, np.ndarray],
    targets: tuple[np.ndarray, np.ndarray] | Targets,
    limit_s: float,
    workers: int,
    *,
    client: Any = None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(source item, target item, minutes) of every pair within ``limit_s`` seconds.

    ``sources``/``targets`` are (road node, approach seconds) per item, node -1 for
    items off the network. Positions come back as :data:`POSITION_DTYPE`, minutes
    as :data:`TIME_DTYPE` (the float64 seconds divided by 60, then rounded once).
    """
    parts = [
        p
        for p in bounded_blocks(
            search, sources, targets, limit_s, workers, client=client
        )
        if len(p[0])
    ]
    if not parts:
        return (np.empty(0, POSITION_DTYPE),) * 2 + (np.empty(0, TIME_DTYPE),)
    return tuple(np.concatenate(p) for p in zip(*parts, strict=True))  # type: ignore[return-value]


def bounded_blocks(
    search: SearchGraph,
    sources: tuple[np.ndarray, np.ndarray],
    targets: tuple[np.ndarray, np.ndarray] | Targets,
    limit_s: float,
    workers: int,
    *,
    client: Any = None,
    reduce: Callable[[np.ndarray, np.ndarray, np.ndarray], Any] | None = None,
) -> list[Any]:
    """Each block's pairs as :func:`bounded_pairs` gives them, or ``reduce`` of them.

    A block holds every pair of its sources: ``reduce(source item, target item,
    minutes)`` runs where the block ran (a worker process, a cluster's worker) and
    only its result comes back, so sums over each source's pairs need no gathering
    of the pairs. ``reduce`` must be picklable for a cluster (a module-level
    function, or a ``functools.partial`` of one). Results are in block order.
    """
    s_node, s_sec = sources
    if not isinstance(targets, Targets):
        targets = Targets.of(*targets)
    t_sec = targets.sec
    t_nodes, t_ptr, t_items = targets.groups
    s_on = np.flatnonzero(s_node >= 0)
    if len(s_on) == 0 or len(t_items) == 0:
        return []
    s_nodes, s_ptr, s_items, s_keys = _spatial_groups(
        search, _group_by_node(s_node, s_on), _reach_m(search, limit_s) / 8
    )
    blocks = _plan_blocks(search, s_nodes, s_keys, limit_s, workers)
    state = {
        "search": search,
        "limit_s": limit_s,
        "s_nodes": s_nodes,
        "s_ptr": s_ptr,
        "s_items": s_items,
        "s_sec": s_sec,
        "t_nodes": t_nodes,
        "t_ptr": t_ptr,
        "t_items": t_items,
        "t_sec": t_sec,
        "reduce": reduce,
    }
    if client is not None:
        parts = _run_on_cluster(client, state, blocks)
    elif workers == 1 or len(blocks) == 1 or _FORK is None:
        parts = [_search_block(state, block) for block in blocks]
    else:
        with (
            warnings.catch_warnings(),
            ProcessPoolExecutor(
                max_workers=min(workers, len(blocks)),
                mp_context=_FORK,
                initializer=_WORKER_STATE.update,
                initargs=(state,),
            ) as pool,
        ):
            # Python >= 3.12 warns about fork in a threaded process; the children
            # only run scipy and numpy on inherited, read-only arrays
            warnings.filterwarnings("ignore", ".*fork.*", DeprecationWarning)
            parts = list(pool.map(_search_block_in_worker, blocks))
    return parts


def _group_by_node(
    node: np.ndarray, on: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Distinct nodes (sorted), and the items of each: ``items[ptr[k]:ptr[k + 1]]``."""
    order = on[np.argsort(node[on], kind="stable")]
    nodes, counts = np.unique(node[order], return_counts=True)
    ptr = np.zeros(len(nodes) + 1, dtype=np.int64)
    np.cumsum(counts, out=ptr[1:])
    return nodes, ptr, order


def expand_groups(
    starts: np.ndarray, counts: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Positions ``starts[g] .. starts[g] + counts[g] - 1`` for every group ``g``.

    Returns the positions and, for each, its group.
    """
    group = np.repeat(np.arange(len(counts)), counts)
    first = np.zeros(len(counts), dtype=np.int64)
    np.cumsum(counts[:-1], out=first[1:])
    return np.repeat(starts - first, counts) + np.arange(len(group)), group


@dataclass(frozen=True)
class _Block:
    """Rows ``start:stop`` of the distinct source nodes, and their disc."""

    start: int
    stop: int
    centre: tuple[float, float]
    radius_m: float  # inf: search the whole graph


def _spatial_groups(
    search: SearchGraph,
    groups: tuple[np.ndarray, np.ndarray, np.ndarray],
    cell_m: float,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Return the groups with their nodes in the Morton order of their coordinates.

    The fourth array is the sorted Morton keys (cells of ``cell_m``).
    """
    nodes, ptr, items = groups
    keys = _morton(search.node_xy[nodes], cell_m=cell_m)
    order = np.argsort(keys, kind="stable")
    counts = np.diff(ptr)[order]
    positions, _ = expand_groups(ptr[:-1][order], counts)
    new_ptr = np.zeros_like(ptr)
    np.cumsum(counts, out=new_ptr[1:])
    return nodes[order], new_ptr, items[positions], keys[order]


def _reach_m(search: SearchGraph, limit_s: float) -> float:
    """Farthest straight-line metres a path of ``limit_s`` seconds can end at."""
    return limit_s * search.top_speed_ms * (1 + _RADIUS_MARGIN) + 1.0


def _plan_blocks(
    search: SearchGraph,
    s_nodes: np.ndarray,
    s_keys: np.ndarray,
    limit_s: float,
    workers: int,
) -> list[_Block]:
    """Consecutive runs of the (spatially ordered) source nodes, each with its disc.

    ``s_keys`` are their sorted Morton keys on cells of ``reach_m / 8``.
    """
    n = search.graph.shape[0]
    reach_m = _reach_m(search, limit_s)
    xy = search.node_xy[s_nodes]
    extent = search.extent_m2
    disc_share = min(1.0, np.pi * reach_m**2 / extent) if extent > 0 else 1.0
    per_block = _BLOCK_VALUES // max(int(n * disc_share), 1)
    per_block = max(1, min(_BLOCK_SOURCES, per_block))
    if workers > 1:  # several blocks per worker, so that none waits for the others
        per_block = max(1, min(per_block, -(-len(s_nodes) // (4 * workers))))
    # break runs where the coarse cell (reach_m wide, 8 x 8 Morton cells) changes,
    # so that a block spans at most about one catchment radius
    coarse = s_keys >> np.uint64(6)
    cuts = np.flatnonzero(np.diff(coarse)) + 1
    blocks = []
    for run_start, run_stop in zip(
        np.r_[0, cuts], np.r_[cuts, len(s_nodes)], strict=True
    ):
        for start in range(int(run_start), int(run_stop), per_block):
            stop = min(start + per_block, int(run_stop))
            pts = xy[start:stop]
            centre = pts.mean(axis=0)
            radius = reach_m + float(np.hypot(*(pts - centre).T).max())
            local = np.pi * radius**2 < _LOCAL_SHARE * extent
            blocks.append(
                _Block(
                    start,
                    stop,
                    (float(centre[0]), float(centre[1])),
                    radius if local else np.inf,
                )
            )
    return blocks


def _morton(xy: np.ndarray, *, cell_m: float) -> np.ndarray:
    """Z-order key of points on a grid of ``cell_m`` cells (16 bits per axis)."""
    if len(xy) == 0:
        return np.zeros(0, dtype=np.uint64)
    cells = np.floor((xy - xy.min(axis=0)) / cell_m)
    return morton_key(np.minimum(cells, 0xFFFF).astype(np.uint64))


#: Masks that move the 32 low bits of an integer to the even bits of 64.
_SPREAD: Final = tuple(
    (np.uint64(shift), np.uint64(mask))
    for shift, mask in (
        (16, 0x0000FFFF0000FFFF),
        (8, 0x00FF00FF00FF00FF),
        (4, 0x0F0F0F0F0F0F0F0F),
        (2, 0x3333333333333333),
        (1, 0x5555555555555555),
    )
)


def morton_key(cells: np.ndarray) -> np.ndarray:
    """Z-order (Morton) key of (n, 2) non-negative integer cells below 2**32.

    Bit ``b`` of the column goes to bit ``2b``, bit ``b`` of the row to ``2b + 1``:
    sorting by the key walks the plane in nested squares, so points close on the
    ground are mostly close in the order.
    """
    key = np.zeros(len(cells), dtype=np.uint64)
    for axis in range(2):
        part = cells[:, axis].astype(np.uint64) & np.uint64(0xFFFFFFFF)
        for shift, mask in _SPREAD:
            part = (part | (part << shift)) & mask
        key |= part << np.uint64(axis)
    return key


def _local_graph(
    graph: csr_matrix, nodes: np.ndarray, lookup: np.ndarray
) -> csr_matrix:
    """Return the graph restricted to ``nodes`` (sorted), renumbered 0..len(nodes)-1.

    ``lookup`` (all -1, length n) must hold ``lookup[nodes] = arange`` on entry.
    """
    starts = graph.indptr[nodes]
    counts = graph.indptr[nodes + 1] - starts
    edge, row = expand_groups(starts, counts)
    col = lookup[graph.indices[edge]]
    inside = col >= 0
    indptr = np.zeros(len(nodes) + 1, dtype=col.dtype)
    np.cumsum(np.bincount(row[inside], minlength=len(nodes)), out=indptr[1:])
    return csr_matrix(
        (graph.data[edge[inside]], col[inside], indptr), shape=(len(nodes),) * 2
    )


def _search_block(state: dict[str, Any], block: _Block) -> Any:
    """Bounded searches from one block of source nodes; the pairs within the limit."""
    search: SearchGraph = state["search"]
    limit_s = state["limit_s"]
    t_nodes = state["t_nodes"]
    sources = state["s_nodes"][block.start : block.stop]
    if np.isfinite(block.radius_m):
        nodes = np.asarray(
            search.tree.query_ball_point(
                block.centre, block.radius_m, return_sorted=True
            ),
            dtype=np.int64,
        )
        lookup = _lookup(search.graph.shape[0])
        lookup[nodes] = np.arange(len(nodes))
        try:
            graph = _local_graph(search.graph, nodes, lookup)
            indices = lookup[sources]
        finally:
            lookup[nodes] = -1
        where = np.minimum(np.searchsorted(t_nodes, nodes), len(t_nodes) - 1)
        column = np.flatnonzero(t_nodes[where] == nodes)
        target = where[column]
    else:
        graph, indices = search.graph, sources
        column = t_nodes
        target = np.arange(len(t_nodes))
    r, c, seconds = _searches(graph, indices, column, limit_s)
    target = target[c]
    s_ptr, t_ptr = state["s_ptr"], state["t_ptr"]
    row = block.start + r
    pos, pair = expand_groups(s_ptr[row], s_ptr[row + 1] - s_ptr[row])
    s_item, seconds, target = state["s_items"][pos], seconds[pair], target[pair]
    pos, pair = expand_groups(t_ptr[target], t_ptr[target + 1] - t_ptr[target])
    s_item, t_item = s_item[pair], state["t_items"][pos]
    total = seconds[pair] + state["s_sec"][s_item]
    total += state["t_sec"][t_item]
    keep = total <= limit_s
    pairs = (
        s_item[keep].astype(POSITION_DTYPE),
        t_item[keep].astype(POSITION_DTYPE),
        to_minutes(total[keep]),
    )
    reduce = state.get("reduce")
    return pairs if reduce is None else reduce(*pairs)


def _searches(
    graph: csr_matrix, indices: np.ndarray, column: np.ndarray, limit_s: float
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(source row, column, seconds) within ``limit_s`` from each of ``indices``.

    A few sources per ``dijkstra`` call, so that its distance array stays small
    (:data:`_CALL_VALUES`); the distances are read at the target columns at once.
    """
    step = max(1, _CALL_VALUES // max(graph.shape[0], 1))
    rows, columns, seconds = [], [], []
    for start in range(0, len(indices), step):
        dist = dijkstra(
            graph, directed=True, indices=indices[start : start + step], limit=limit_s
        )
        at_targets = dist[:, column]
        r, c = np.nonzero(at_targets <= limit_s)
        rows.append(r + start)
        columns.append(c)
        seconds.append(at_targets[r, c])
    return np.concatenate(rows), np.concatenate(columns), np.concatenate(seconds)


def _lookup(n: int) -> np.ndarray:
    """Return this thread's node → local position array of ``n`` (-1 between blocks).

    Kept between calls, one per thread (a dask worker runs tasks in threads, each
    writing its own): filling it costs ~2 ms per million nodes, more than a short
    search on a national network (int32: 60 MB held for 15 M nodes).
    """
    lookup = getattr(_THREAD_LOOKUP, "array", None)
    if lookup is None or len(lookup) != n:
        lookup = np.full(n, -1, dtype=np.int32 if n < 2**31 else np.int64)
        _THREAD_LOOKUP.array = lookup
    return lookup


#: One lookup array per thread (see :func:`_lookup`).
_THREAD_LOOKUP = threading.local()
#: Set in each forked worker by the pool initializer (inherited, never pickled).
_WORKER_STATE: dict[str, Any] = {}
#: Process start method for ``n_jobs > 1``: fork where the platform offers it safely
#: (Linux); elsewhere searches run one after the other.
_FORK = multiprocessing.get_context("fork") if sys.platform == "linux" else None


def _search_block_in_worker(block: _Block) -> Any:
    """Run one block in a worker process, on the state it inherited."""
    return _search_block(_WORKER_STATE, block)


def _run_on_cluster(
    client: Any, state: dict[str, Any], blocks: list[_Block]
) -> list[Any]:
    """Run the blocks as tasks of a dask.distributed cluster, in block order.

    The network goes to every worker once per client (:func:`_network_on`), not at
    every call: scenarios search it again and again. This call's sources and
    targets go once per call; each task carries only its block's bounds and
    brings back only its pairs in reach.
    """
    network = _network_on(client, state["search"])
    rest = {key: value for key, value in state.items() if key != "search"}
    # a list of one: scattering the dict itself would send one future per key
    [shared] = client.scatter([rest], broadcast=True, hash=False)
    futures = client.map(_search_block_on_worker, [network] * len(blocks),
                         [shared] * len(blocks), blocks, pure=False)  # fmt: skip
    try:
        parts: list[Any] = client.gather(futures)
        return parts
    finally:
        client.cancel([*futures, shared])


def _search_block_on_worker(
    search: SearchGraph, rest: dict[str, Any], block: _Block
) -> Any:
    """Run one block on a cluster's worker: the network and the call's state."""
    return _search_block({**rest, "search": search}, block)


def _network_on(client: Any, search: SearchGraph) -> Any:
    """Return the future of ``search`` on every worker of ``client``, sent once.

    Kept while both live: a network garbage-collected, or a client closed or
    replaced, sends it again; the cluster's copy is released with the network.
    """
    key = id(search)
    with _ON_CLUSTER_LOCK:
        kept = _ON_CLUSTER.get(key)
        if kept is not None:
            owner, future = kept
            if owner is client and future.status == "finished":
                return future
        [future] = client.scatter([search], broadcast=True, hash=False)
        if kept is None:  # forget (and release) it with the network
            weakref.finalize(search, _ON_CLUSTER.pop, key, None)
        _ON_CLUSTER[key] = (client, future)
    return future


#: The network sent to a cluster, by ``id`` of the search graph: (client, future).
_ON_CLUSTER: dict[int, tuple[Any, Any]] = {}
_ON_CLUSTER_LOCK = threading.Lock()
