"""Bounded many-to-many searches on a road graph whose cost follows the catchment.

Each source is searched by the bucket kernel of :mod:`coordogeo.network._kernel`,
which keeps its arrays between searches and resets only the nodes a search
reached: a search bounded at ``limit_s`` costs what it reaches, not the size of the
network. Targets are numbered by road node once, and a search reads them off the
nodes it reached. The distances are the same floats as scipy's ``dijkstra`` on the
whole graph (tests compare them bit for bit).

Sources go in blocks of nearby nodes (Morton order: consecutive searches read the
same part of the arrays). Blocks run one after the other, on threads
(``workers > 1``: the kernel releases the GIL, the graph is shared, nothing is
copied) or on a ``dask.distributed`` cluster (``client=``: the network goes to
each worker once, a block is a task, only the pairs in reach come back).
"""

from __future__ import annotations

import os
import threading
import weakref
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any, Final

import numpy as np
from scipy.sparse import csr_matrix

from coordogeo.errors import InputError
from coordogeo.network._kernel import Buckets, block_pairs, sorted_pairs

__all__ = [
    "POSITION_DTYPE",
    "TIME_DTYPE",
    "SearchGraph",
    "Targets",
    "bounded_blocks",
    "bounded_pairs",
    "check_client",
    "check_graph",
    "check_n_jobs",
    "expand_groups",
    "morton_key",
    "sorted_pairs",
    "to_minutes",
]

#: Sources per block at most: a block is what a thread or a cluster task runs.
_BLOCK_SOURCES: Final = 16
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


def check_client(client: Any) -> None:
    """Raise unless ``client`` is an open ``dask.distributed.Client``.

    Raises
    ------
    InputError
        dask.distributed not installed; ``client`` is something else (an address
        text, another object); the client is closed.
    """
    try:
        from distributed import Client  # noqa: PLC0415 - an optional extra
    except ImportError:  # pragma: no cover - the test extra installs it
        raise InputError(
            "`client=` needs dask.distributed: pip install 'coordogeo[compute]'."
        ) from None
    if not isinstance(client, Client):
        hint = (
            f" For a scheduler's address, pass distributed.Client({client!r})."
            if isinstance(client, str)
            else ""
        )
        raise InputError(
            "`client` must be a dask.distributed Client (or None to run here), got "
            f"{type(client).__name__} {client!r:.60}.{hint}"
        )
    if client.status in ("closed", "closing", "failed"):
        raise InputError(
            f"`client` is {client.status}: open a new distributed.Client (or pass "
            "None to run here)."
        )


def check_graph(
    graph: csr_matrix,
    node_xy: np.ndarray,
    *,
    source: str,
    states: tuple[np.ndarray, np.ndarray] | None = None,
) -> None:
    """Raise unless ``graph`` is a graph every search can walk without harm.

    A square CSR matrix whose row pointers rise from 0 to its number of edges,
    whose column numbers are nodes of the graph, whose seconds are finite and
    >= 0, with one finite (x, y) per road node. Without ``states`` the graph's
    nodes are the road nodes; with them (an edge-based graph: the departure and
    arrival state of each road node) every state named is one of the graph's.
    The compiled kernel and scipy's searches trust these arrays blindly (an index
    past the end crashes the process, a negative weight never ends): every
    network is checked here when it is made. ``source`` says where the arrays
    came from, for the message.

    Raises
    ------
    InputError
        The first property that fails, and the fix (build the network again).
    """
    problem = _graph_problem(graph, node_xy, states)
    if problem:
        raise InputError(
            f"{source}: not a usable road network ({problem}). Build it again "
            "with RoadNetwork.from_roads / from_osm (and .save it again)."
        )


def _states_ok(state: np.ndarray, n_nodes: int, n: int) -> bool:
    """Whether ``state`` names one state of an ``n``-state graph per road node."""
    values = np.asarray(state)
    return values.shape == (n_nodes,) and (
        n_nodes == 0 or (values.min() >= 0 and values.max() < n)
    )


def _graph_problem(  # noqa: PLR0911
    graph: Any, node_xy: np.ndarray, states: tuple[np.ndarray, np.ndarray] | None
) -> str:
    """Say what is wrong with a CSR graph and its node coordinates ("" if nothing)."""
    if not isinstance(graph, csr_matrix) or graph.ndim != 2:  # noqa: PLR2004
        return f"the graph is a {type(graph).__name__}, not a scipy CSR matrix"
    n = graph.shape[0]
    indptr, indices, data = (
        np.asarray(a) for a in (graph.indptr, graph.indices, graph.data)
    )
    xy = np.asarray(node_xy)
    if graph.shape != (n, n):
        return f"the graph is {graph.shape[0]} x {graph.shape[1]}, not square"
    n_nodes = n if states is None else len(xy)
    if xy.shape != (n_nodes, 2) or not np.isfinite(xy).all():
        return f"node coordinates of shape {xy.shape} or not finite, for {n} nodes"
    if states is not None and not all(_states_ok(s, n_nodes, n) for s in states):
        return "departure or arrival states that are not states of the graph"
    if indptr.shape != (n + 1,) or indices.shape != data.shape or indices.ndim != 1:
        return "row pointers, columns and seconds of mismatched lengths"
    if not all(np.issubdtype(a.dtype, np.integer) for a in (indptr, indices)):
        return "row pointers or columns that are not integers"
    if not np.issubdtype(data.dtype, np.floating):
        return f"seconds stored as {data.dtype}, not floats"
    if indptr[0] != 0 or indptr[-1] != len(indices) or (np.diff(indptr) < 0).any():
        return "row pointers that do not rise from 0 to the number of edges"
    if len(indices) and (indices.min() < 0 or indices.max() >= n):
        return f"an edge to a node outside 0..{n - 1}"
    finite = np.isfinite(data)
    if not finite.all():
        return f"{int((~finite).sum())} edge(s) with a missing or infinite time"
    if (data < 0).any():
        return f"{int((data < 0).sum())} edge(s) with a negative time"
    return ""


@dataclass(frozen=True, eq=False)
class SearchGraph:
    """A directed graph with its road nodes' coordinates, ready for bounded searches.

    ``buckets`` is the kernel's queue for these edge weights (the same for a graph
    and its reverse). On a node graph the search states are the road nodes; on an
    edge-based graph (:mod:`coordogeo.network.turns`) ``source_state[n]`` is where
    a search from road node ``n`` starts and ``target_state[n]`` where road node
    ``n`` is reached (None: the road node itself). Callers always speak of road
    nodes.
    """

    graph: csr_matrix
    node_xy: np.ndarray
    buckets: Buckets
    source_state: np.ndarray | None = None
    target_state: np.ndarray | None = None

    def __post_init__(self) -> None:
        """Refuse a graph the kernel could not walk safely (:func:`check_graph`)."""
        states = (
            None
            if self.source_state is None or self.target_state is None
            else (self.source_state, self.target_state)
        )
        check_graph(self.graph, self.node_xy, source="search graph", states=states)

    @classmethod
    def of(
        cls,
        graph: csr_matrix,
        node_xy: np.ndarray,
        states: tuple[np.ndarray, np.ndarray] | None = None,
    ) -> SearchGraph:
        """Size the kernel's buckets on ``graph``'s edge weights; wrap them."""
        source, target = (None, None) if states is None else states
        return cls(graph, node_xy, Buckets(np.asarray(graph.data)), source, target)

    def reversed(self, graph: csr_matrix) -> SearchGraph:
        """Return ``graph`` (these edges turned round) with these nodes and buckets.

        The states swap: a reversed search starts where the forward one arrives.
        """
        return SearchGraph(
            graph, self.node_xy, self.buckets, self.target_state, self.source_state
        )

    @property
    def n_nodes(self) -> int:
        """Number of road nodes the callers speak of."""
        return int(self.graph.shape[0] if self.source_state is None
                   else len(self.source_state))  # fmt: skip

    def sources(self, node: np.ndarray) -> np.ndarray:
        """Return the search state each road node starts from."""
        return node if self.source_state is None else self.source_state[node]

    def targets(self, node: np.ndarray) -> np.ndarray:
        """Return the search state each road node is reached at."""
        return node if self.target_state is None else self.target_state[node]

    @property
    def arrays(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The CSR arrays the kernel reads (plain arrays, memory-mapped or not)."""
        g = self.graph
        return np.asarray(g.indptr), np.asarray(g.indices), np.asarray(g.data)


@dataclass(frozen=True, eq=False)
class Targets:
    """Search targets (road node and approach seconds per item), grouped by node once.

    Pass one to :func:`bounded_pairs` when the same targets are searched again and
    again (scenarios: the places, for every opened site): the node → target number
    array is then filled once too.
    """

    node: np.ndarray
    sec: np.ndarray
    groups: tuple[np.ndarray, np.ndarray, np.ndarray]
    _numbers: dict[tuple[int, int], np.ndarray] = field(
        default_factory=dict, repr=False
    )

    @classmethod
    def of(cls, node: np.ndarray, sec: np.ndarray) -> Targets:
        """Group the items on the network by their road node."""
        sec = np.ascontiguousarray(sec, dtype=np.float64)
        return cls(node, sec, _group_by_node(node, np.flatnonzero(node >= 0)))

    def __reduce__(self) -> tuple[type[Targets], tuple[Any, ...]]:
        """Pickle without the node numbers: a cluster's worker makes its own."""
        return (Targets, (self.node, self.sec, self.groups))

    def numbers(self, search: SearchGraph) -> np.ndarray:
        """Return the target number of each search state of ``search``, -1 for none.

        A target number is the position of the state's road node among the
        distinct target nodes. Made once per graph and direction.
        """
        n = search.graph.shape[0]
        key = (n, id(search.target_state))
        kept = self._numbers.get(key)
        if kept is None:
            nodes = self.groups[0]
            kept = np.full(n, -1, dtype=np.int32 if n < 2**31 else np.int64)
            kept[search.targets(nodes)] = np.arange(len(nodes))
            self._numbers.clear()
            self._numbers[key] = kept
        return kept


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
    minutes)`` runs where the block ran (a thread, a cluster's worker) and
    only its result comes back, so sums over each source's pairs need no gathering
    of the pairs. ``reduce`` must be picklable for a cluster (a module-level
    function, or a ``functools.partial`` of one). Results are in block order.
    """
    if client is not None:
        check_client(client)
    s_node, s_sec = sources
    if not isinstance(targets, Targets):
        targets = Targets.of(*targets)
    _check_items(search, s_node, targets.node, limit_s)
    s_on = np.flatnonzero(s_node >= 0)
    if len(s_on) == 0 or len(targets.groups[2]) == 0:
        return []
    s_nodes, s_ptr, s_items = _spatial_groups(search, _group_by_node(s_node, s_on))
    s_nodes = search.sources(s_nodes)  # the kernel walks states
    blocks = _plan_blocks(len(s_nodes))
    state = {
        "search": search,
        "limit_s": limit_s,
        "s_nodes": s_nodes,
        "s_ptr": s_ptr,
        "s_items": s_items,
        "s_sec": np.ascontiguousarray(s_sec, dtype=np.float64),
        "targets": targets,
        "reduce": reduce,
    }
    if client is not None:
        return _run_on_cluster(client, state, blocks)
    if workers == 1 or len(blocks) == 1:
        return [_search_block(state, block) for block in blocks]
    with ThreadPoolExecutor(max_workers=min(workers, len(blocks))) as pool:
        return list(pool.map(_search_block, [state] * len(blocks), blocks))


def _check_items(
    search: SearchGraph, s_node: np.ndarray, t_node: np.ndarray, limit_s: float
) -> None:
    """Raise unless every item's node is -1 or a node of ``search``'s graph.

    The kernel reads the node arrays at these positions without a check.
    """
    n = search.n_nodes
    for name, given in (("sources", s_node), ("targets", t_node)):
        node = np.asarray(given)
        if len(node) and (node.min() < -1 or node.max() >= n):
            raise InputError(
                f"`{name}` name road nodes outside 0..{n - 1} (or -1 for off the "
                "network): they were snapped to another network."
            )
    if not limit_s >= 0:  # NaN too
        raise InputError(f"`limit_s` must be a number of seconds >= 0, got {limit_s}.")


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
    """Rows ``start:stop`` of the distinct source nodes (in Morton order)."""

    start: int
    stop: int


def _spatial_groups(
    search: SearchGraph, groups: tuple[np.ndarray, np.ndarray, np.ndarray]
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Return the groups with their nodes in the Morton order of their coordinates."""
    nodes, ptr, items = groups
    xy = search.node_xy[nodes]
    span = float(np.ptp(xy, axis=0).max()) if len(xy) else 0.0
    order = np.argsort(_morton(xy, cell_m=max(span / 0xFFFF, 1.0)), kind="stable")
    counts = np.diff(ptr)[order]
    positions, _ = expand_groups(ptr[:-1][order], counts)
    new_ptr = np.zeros_like(ptr)
    np.cumsum(counts, out=new_ptr[1:])
    return nodes[order], new_ptr, items[positions]


def _plan_blocks(n_sources: int) -> list[_Block]:
    """Consecutive runs of the (spatially ordered) source nodes.

    The same blocks whatever runs them (one thread, several, a cluster), so that
    sums made per block (``reduce``) add up to the same floats everywhere; small
    enough that two to a few dozen workers all get their share.
    """
    return [
        _Block(start, min(start + _BLOCK_SOURCES, n_sources))
        for start in range(0, n_sources, _BLOCK_SOURCES)
    ]


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


def _search_block(state: dict[str, Any], block: _Block) -> Any:
    """Bounded searches from one block of source nodes; the pairs within the limit."""
    search: SearchGraph = state["search"]
    targets: Targets = state["targets"]
    _, t_ptr, t_items = targets.groups
    pairs = block_pairs(
        search.arrays,
        search.buckets,
        state["limit_s"],
        (state["s_nodes"], state["s_ptr"], state["s_items"], state["s_sec"]),
        (block.start, block.stop),
        (targets.numbers(search), t_ptr, t_items, targets.sec),
    )
    reduce = state.get("reduce")
    return pairs if reduce is None else reduce(*pairs)


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
