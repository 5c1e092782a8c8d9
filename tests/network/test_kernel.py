"""The bucket kernel against scipy's Dijkstra, float for float, and the pair sort."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import dijkstra

from coordogeo.network._kernel import Buckets, block_pairs, search_state, sorted_pairs


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


def all_pairs(graph, sources, limit):
    """Every (source row, node, seconds) from the kernel, all nodes targets."""
    n = graph.shape[0]
    return block_pairs(
        (graph.indptr, graph.indices, graph.data),
        Buckets(graph.data),
        sources,
        limit,
        np.arange(n, dtype=np.int32),
        n,
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
    rows, nodes, seconds = all_pairs(graph, sources, limit)
    got = np.full((len(sources), n), np.inf)
    got[rows, nodes] = seconds
    assert len(rows) == np.isfinite(got).sum()  # no node twice for one source
    ref = dijkstra(graph, directed=True, indices=sources, limit=limit)
    np.testing.assert_array_equal(got, ref)  # to the bit, ties and zeros included
    with search_state(n) as (dist, _, _, slot, _):  # the set the search used
        assert np.isinf(dist).all() and (slot == -1).all()  # left as found


def test_kernel_on_a_path_known_by_hand():
    # 0 -> 1 -> 2 -> 3 at 5 s, 1 s, 0 s; 0 -> 2 at 7 s; the limit keeps 3 at 6 s
    graph = csr_matrix(
        (np.array([5.0, 7.0, 1.0, 0.0]), [1, 2, 2, 3], [0, 2, 3, 4, 4, 4]), shape=(5, 5)
    )
    rows, nodes, seconds = all_pairs(graph, np.array([0, 3]), 6.0)
    got = {
        (int(r), int(v)): float(s) for r, v, s in zip(rows, nodes, seconds, strict=True)
    }
    assert got == {(0, 0): 0.0, (0, 1): 5.0, (0, 2): 6.0, (0, 3): 6.0, (1, 3): 0.0}


def test_kernel_reads_targets_only():
    graph = csr_matrix(
        (np.ones(3), np.array([1, 2, 3]), np.array([0, 1, 2, 3, 3])), shape=(4, 4)
    )
    target_of = np.array([-1, -1, 0, 1], dtype=np.int32)  # nodes 2 and 3
    rows, targets, seconds = block_pairs(
        (graph.indptr, graph.indices, graph.data),
        Buckets(graph.data),
        np.array([0, 3]),
        10.0,
        target_of,
        2,
    )
    assert list(
        zip(rows.tolist(), targets.tolist(), seconds.tolist(), strict=True)
    ) == [
        (0, 0, 2.0),
        (0, 1, 3.0),
        (1, 1, 0.0),
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
