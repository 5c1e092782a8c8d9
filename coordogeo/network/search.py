"""Bounded many-to-many searches on a road graph, in blocks, on a pool of workers."""

from __future__ import annotations

import multiprocessing
import os
import sys
import warnings
from concurrent.futures import ProcessPoolExecutor
from typing import Any, Final

import numpy as np
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import dijkstra

from coordogeo.errors import InputError

__all__ = ["bounded_pairs", "check_n_jobs"]

#: Distances held at once per search block (float64 values): about 80 MB.
_BLOCK_VALUES: Final = 10_000_000


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


def bounded_pairs(
    graph: csr_matrix,
    sources: tuple[np.ndarray, np.ndarray],
    targets: tuple[np.ndarray, np.ndarray],
    limit_s: float,
    workers: int,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(source item, target item, seconds) of every pair within ``limit_s``.

    ``sources``/``targets`` are (road node, approach seconds) per item, node -1 for
    items off the network. One search per distinct source node, in blocks; with
    ``workers > 1`` the blocks run in forked processes (scipy's Dijkstra holds the
    GIL), which inherit the graph without copying it.
    """
    s_node, s_sec = sources
    t_node, t_sec = targets
    s_on, t_on = np.flatnonzero(s_node >= 0), np.flatnonzero(t_node >= 0)
    if len(s_on) == 0 or len(t_on) == 0:
        return np.empty(0, np.int64), np.empty(0, np.int64), np.empty(0)
    nodes, row = np.unique(s_node[s_on], return_inverse=True)
    block = max(1, min(_BLOCK_VALUES // max(graph.shape[0], 1), 256))
    if workers > 1:  # several blocks per worker, so that none waits for the others
        block = max(1, min(block, -(-len(nodes) // (4 * workers))))
    state = {
        "graph": graph,
        "nodes": nodes,
        "row": row,
        "source_s": s_sec[s_on],
        "source_item": s_on,
        "target_node": t_node[t_on],
        "target_s": t_sec[t_on],
        "target_item": t_on,
        "limit_s": limit_s,
        "block": block,
    }
    starts = list(range(0, len(nodes), block))
    if workers == 1 or len(starts) == 1 or _FORK is None:
        parts = [_search_block(state, start) for start in starts]
    else:
        with (
            warnings.catch_warnings(),
            ProcessPoolExecutor(
                max_workers=min(workers, len(starts)),
                mp_context=_FORK,
                initializer=_WORKER_STATE.update,
                initargs=(state,),
            ) as pool,
        ):
            # Python >= 3.12 warns about fork in a threaded process; the children
            # only run scipy and numpy on inherited, read-only arrays
            warnings.filterwarnings("ignore", ".*fork.*", DeprecationWarning)
            parts = list(pool.map(_search_block_in_worker, starts))
    return tuple(np.concatenate(p) for p in zip(*parts, strict=True))  # type: ignore[return-value]


#: Set in each forked worker by the pool initializer (inherited, never pickled).
_WORKER_STATE: dict[str, Any] = {}
#: Process start method for ``n_jobs > 1``: fork where the platform offers it safely
#: (Linux); elsewhere searches run one after the other.
_FORK = multiprocessing.get_context("fork") if sys.platform == "linux" else None


def _search_block_in_worker(start: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Run one block in a worker process, on the state it inherited."""
    return _search_block(_WORKER_STATE, start)


def _search_block(
    state: dict[str, Any], start: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Bounded searches from one block of source nodes; the pairs within the limit."""
    nodes, row, limit_s = state["nodes"], state["row"], state["limit_s"]
    stop = min(start + state["block"], len(nodes))
    dist = dijkstra(
        state["graph"], directed=True, indices=nodes[start:stop], limit=limit_s
    )
    at_targets = dist[:, state["target_node"]]  # (block nodes, targets on the network)
    items = np.flatnonzero((row >= start) & (row < stop))
    total = at_targets[row[items] - start] + state["source_s"][items, None]
    total += state["target_s"][None, :]
    i, j = np.nonzero(total <= limit_s)
    return state["source_item"][items[i]], state["target_item"][j], total[i, j]
