"""The bucket kernel against scipy's Dijkstra, float for float, and the pair sort."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import dijkstra

from coordogeo.network._kernel import (
    Buckets,
    _search,
    block_pairs,
    nearest_sources,
    search_state,
    sorted_pairs,
)
from coordogeo.network.search import to_minutes


def random_graph(seed: int, n: int, m: int, weights: str) -> csr_matrix:
    """Return a random directed graph; ``weights`` picks their kind."""
    rng = np.random.default_rng(seed)
    tail, head = rng.integers(0, n, (2, m))
    keep = tail != head
    tail, head = tail[keep], head[keep]
    if weights == "ties":  # whole seconds: many paths of equal length
        w = rng.integers(1, 4, len(tail)).astype(float)
    elif weights == "zeros":  # zero-length edges, shorter than any bucket
        w = np.where(
            rng.uniform(size=len(tail)) < 0.3, 0.0, rng.uniform(0, 9, len(tail))
        )
    elif weights == "spread":  # from a few centimetres to a ferry crossing
        w = 10 ** rng.uniform(-3, 3.5, len(tail))
    else:
        w = rng.uniform(0.1, 20, len(tail))
    graph = csr_matrix((w, (tail, head)), shape=(n, n))  # repeated edges: summed
    graph.sum_duplicates()  # explicit zeros stay: edges of 0 s, for scipy too
    return graph


def distances(graph, sources, limit):
    """Return the kernel's float64 seconds from each source to every node."""
    n = graph.shape[0]
    buckets = Buckets(graph.data)
    out = np.full((len(sources), n), np.inf)
    head = np.full(buckets.count, -1, np.int32)
    with search_state(n) as state:
        dist, nxt, prv, slot, reached = state
        for row, source in enumerate(sources):
            count = _search(graph.indptr, graph.indices, graph.data, source, limit,
                            buckets.inv_width, buckets.count - 1, dist, nxt, prv,
                            slot, head, reached)  # fmt: skip
            seen = reached[:count]
            assert len(np.unique(seen)) == count  # each node listed once
            out[row, seen] = dist[seen]
            dist[seen] = np.inf
    assert (head == -1).all()  # every bucket emptied
    return out


def items_of(nodes, sec):
    """(distinct nodes, ptr, items, seconds) of one item per node."""
    n = len(nodes)
    return (nodes, np.arange(n + 1), np.arange(n), np.asarray(sec, dtype=float))


def all_pairs(graph, sources, limit):
    """(source row, node, minutes) from block_pairs, every node a target."""
    n = graph.shape[0]
    return block_pairs(
        (graph.indptr, graph.indices, graph.data),
        Buckets(graph.data),
        limit,
        items_of(np.asarray(sources), np.zeros(len(sources))),
        (0, len(sources)),
        (np.arange(n, dtype=np.int32), *items_of(np.arange(n), np.zeros(n))[1:]),
    )


@settings(max_examples=60, deadline=None)
@given(
    seed=st.integers(0, 10_000),
    n=st.integers(2, 120),
    per_node=st.integers(1, 5),
    weights=st.sampled_from(["uniform", "ties", "zeros", "spread"]),
    limit=st.sampled_from([0.0, 3.0, 25.0, 1e9]),
)
def test_kernel_gives_scipys_floats(seed, n, per_node, weights, limit):
    graph = random_graph(seed, n, n * per_node, weights)
    sources = np.random.default_rng(seed).integers(0, n, 7)
    ref = dijkstra(graph, directed=True, indices=sources, limit=limit)
    np.testing.assert_array_equal(distances(graph, sources, limit), ref)  # to the bit
    rows, nodes, minutes = all_pairs(graph, sources, limit)
    got = np.full((len(sources), n), np.inf, dtype=np.float32)
    got[rows, nodes] = minutes
    assert len(rows) == np.isfinite(got).sum()  # no node twice for one source
    np.testing.assert_array_equal(got, to_minutes(ref))
    with search_state(n) as (dist, _, _, slot, _):  # the set the searches used
        assert np.isinf(dist).all() and (slot == -1).all()  # left as found


def test_kernel_on_a_path_known_by_hand():
    # 0 -> 1 -> 2 -> 3 at 5 s, 1 s, 0 s; 0 -> 2 at 7 s; the limit keeps 3 at 6 s
    graph = csr_matrix(
        (np.array([5.0, 7.0, 1.0, 0.0]), [1, 2, 2, 3], [0, 2, 3, 4, 4, 4]), shape=(5, 5)
    )
    got = distances(graph, np.array([0, 3]), 6.0)
    np.testing.assert_array_equal(
        got, [[0.0, 5.0, 6.0, 6.0, np.inf], [np.inf, np.inf, np.inf, 0.0, np.inf]]
    )


def test_block_pairs_by_hand():
    # a path 0 -> 1 -> 2 -> 3, 60 s an edge; sources: node 0 (items 5 and 6, 0 and
    # 30 s off the road), node 3 (item 7); targets: node 2 (items 0, 1: 0 and 90 s
    # off), node 3 (item 2, 0 s); bound 150 s
    graph = csr_matrix(
        (np.full(3, 60.0), np.array([1, 2, 3]), np.array([0, 1, 2, 3, 3])), shape=(4, 4)
    )
    sources = (np.array([0, 3]), np.array([0, 2, 3]), np.array([5, 6, 7]),
               np.array([0.0] * 5 + [0.0, 30.0, 0.0]))  # fmt: skip
    targets = (np.array([-1, -1, 0, 1], dtype=np.int32), np.array([0, 2, 3]),
               np.array([0, 1, 2]), np.array([0.0, 90.0, 0.0]))  # fmt: skip
    s, t, m = block_pairs(
        (graph.indptr, graph.indices, graph.data),
        Buckets(graph.data),
        150.0,
        sources,
        (0, 2),
        targets,
    )
    assert (s.dtype, t.dtype, m.dtype) == (np.int32, np.int32, np.float32)
    # 5 -> 0: 120 s; 5 -> 1: 210 s (out); 6 -> 0: 150 s; 5 -> 2, 6 -> 2: 180, 210
    # (out); 7 -> 2: 0 s
    assert list(zip(s.tolist(), t.tolist(), m.tolist(), strict=True)) == [
        (5, 0, 2.0),
        (6, 0, 2.5),
        (7, 2, 0.0),
    ]


def test_search_arrays_are_lent_one_block_at_a_time():
    with search_state(10) as first, search_state(10) as second:
        assert first[0] is not second[0]  # two blocks at once: two sets
    with search_state(10) as again:
        assert again[0] is first[0] or again[0] is second[0]  # kept, lent again
    with pytest.raises(RuntimeError), search_state(10) as broken:
        raise RuntimeError
    with search_state(10) as after, search_state(10) as other:
        assert broken[0] is not after[0] and broken[0] is not other[0]  # not kept


def test_buckets_of_odd_weights():
    assert (Buckets(np.array([])).width, Buckets(np.array([])).count) == (1.0, 2)
    assert Buckets(np.zeros(3)).count == 2  # zero-length edges only
    b = Buckets(np.array([1.0, 2.0, 3.0, 100.0]))
    assert (b.width, b.count) == (2.5, 64)  # 100 / 2.5 + 2 = 42 -> 64
    wide = Buckets(np.array([1e-6, 1e-6, 1e-6, 1e6]))  # a ferry among centimetres
    assert wide.count == 1 << 22 and wide.width == pytest.approx(1e6 / ((1 << 22) - 2))


@settings(max_examples=40, deadline=None)
@given(seed=st.integers(0, 10_000), n_o=st.integers(1, 40), n_d=st.integers(1, 80))
def test_sorted_pairs_is_the_lexicographic_order(seed, n_o, n_d):
    rng = np.random.default_rng(seed)
    cells = rng.permutation(n_o * n_d)[: rng.integers(0, n_o * n_d + 1)]
    origin = (cells // n_d).astype(np.int32)
    destination = (cells % n_d).astype(np.int32)
    minutes = rng.uniform(0, 30, len(cells)).astype(np.float32)
    got = sorted_pairs(origin, destination, minutes, (n_o, n_d))
    order = np.lexsort((destination, origin))
    for a, b in zip(
        got, (origin[order], destination[order], minutes[order]), strict=True
    ):
        assert a.dtype == b.dtype
        np.testing.assert_array_equal(a, b)


def test_sorted_pairs_orders_a_long_run_and_short_ones():
    # origin 1 has 100 destinations backwards (sorted whole), origin 0 three
    origin = np.array([1] * 100 + [0] * 3, dtype=np.int32)
    destination = np.array([*range(99, -1, -1), 7, 2, 5], dtype=np.int32)
    minutes = destination.astype(np.float32) / 4
    o, d, m = sorted_pairs(origin, destination, minutes, (2, 100))
    assert o.tolist() == [0] * 3 + [1] * 100
    assert d.tolist() == [2, 5, 7, *range(100)]
    np.testing.assert_array_equal(m, d.astype(np.float32) / 4)


def test_sorted_pairs_refuses_a_position_out_of_range():
    pos = np.array([0, 2], dtype=np.int32)
    with pytest.raises(ValueError, match=r"origin position is outside 0\.\.1"):
        sorted_pairs(pos, np.zeros(2, np.int32), np.zeros(2, np.float32), (2, 1))
    with pytest.raises(ValueError, match="destination position"):
        sorted_pairs(np.zeros(2, np.int32), -pos, np.zeros(2, np.float32), (1, 3))


def test_compiled_without_a_place_to_cache(monkeypatch):
    import numba  # noqa: PLC0415

    from coordogeo.network._kernel import _compiled  # noqa: PLC0415

    # numba refuses to cache where it finds no folder to write: compile anyway
    monkeypatch.setattr(numba.core.config, "CACHE_LOCATOR_CLASSES", "Nowhere")
    with pytest.raises(RuntimeError, match="Nowhere"):
        numba.njit(cache=True)(_twice)

    assert _compiled(_twice)(21) == 42


def _twice(x):
    return 2 * x


@settings(max_examples=60, deadline=None)
@given(
    seed=st.integers(0, 10_000),
    n=st.integers(2, 120),
    per_node=st.integers(1, 5),
    weights=st.sampled_from(["uniform", "ties", "zeros", "spread"]),
    limit=st.sampled_from([0.0, 3.0, 25.0, 1e9]),
    n_starts=st.integers(1, 9),
)
def test_a_search_from_many_starts_gives_scipys_floats(
    seed, n, per_node, weights, limit, n_starts
):
    graph = random_graph(seed, n, n * per_node, weights)
    rng = np.random.default_rng(seed)
    starts = rng.integers(0, n, n_starts)  # repeats allowed: the nearer wins
    start_s = 10 ** rng.uniform(-2, 3, n_starts)  # approach legs, up to 1,000 s
    # scipy through a virtual node per start, as the library did before
    m = n_starts
    augmented = csr_matrix(
        (np.concatenate([graph.data, start_s]),
         np.concatenate([graph.indices, starts]),
         np.concatenate([graph.indptr, graph.indptr[-1] + np.arange(1, m + 1)])),
        shape=(n + m, n + m),
    )  # fmt: skip
    virtual = np.arange(n, n + m)
    ref = dijkstra(augmented, indices=virtual, min_only=True, limit=limit)  # fmt: skip
    dist, owner = nearest_sources(
        (graph.indptr, graph.indices, graph.data), Buckets(graph.data), limit,
        starts, start_s,
    )  # fmt: skip
    np.testing.assert_array_equal(dist, ref[:n])  # to the bit
    reached = np.isfinite(dist)
    assert (owner[~reached] == -1).all()
    # the start named gives that very time (several may tie)
    by_owner = np.array(
        [distances(graph, [starts[o]], np.inf)[0, v] + start_s[o] if o >= 0 else np.inf
         for v, o in enumerate(owner)]
    )  # fmt: skip
    np.testing.assert_allclose(by_owner[reached], dist[reached], rtol=1e-12)
