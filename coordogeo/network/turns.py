"""The edge-based graph: a search state is a directed road segment, a turn an arc.

Turn costs and restrictions depend on where a car comes from, which a graph of road
nodes cannot say. Here every directed segment ``u → v`` is a state; an arc from
``u → v`` to ``v → w`` costs the time to drive ``v → w`` plus the turn at ``v``
(its angle, a U-turn, crossing oncoming traffic, a mode change, the delay of a
traffic signal or a gate at ``v``), and turns a restriction forbids or a barrier
blocks have no arc. Two more states per road node let the searches stay what they
are: a place leaves from its node's *departure* state (arcs onto each segment out
of it, costing the segment, and one of 0 to its own arrival state: a place and a
site at the same node) and arrives at its node's *arrival* state (arcs of 0 from
each segment into it). A search from road node ``n`` starts at
``departure[n]``, a target at road node ``m`` is read at ``arrival[m]``; searching
the reversed graph swaps the two.

States are numbered node by node, in the road nodes' (Morton) order: the
departure and arrival states of a node, then the segments out of it, so that a
search reads nearby memory as it does on the node graph.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final, cast

import numpy as np
import pandas as pd
from scipy.sparse import csr_matrix

from coordogeo.network.profile import TurnCosts

__all__ = ["TurnGraph", "TurnReport", "build_turn_graph", "turn_seconds"]

_NO_VIA: Final = -1


@dataclass(frozen=True)
class TurnReport:
    """What building the turn graph did.

    Attributes
    ----------
    n_states, n_arcs
        States (directed segments, plus a departure and an arrival state per
        road node) and arcs of the search graph.
    n_turns
        Turns between segments (arcs that are not departures or arrivals).
    u_turns
        U-turns allowed (at dead ends and barriers only, as OSRM).
    blocked_nodes, delayed_nodes
        Road nodes that barriers close to through traffic, and nodes with a delay
        (traffic signals, stop signs, gates).
    restrictions, restrictions_unmatched, restrictions_via_way
        Turn restrictions applied (via a node or via ways); those whose ways do not
        meet as the restriction says on this network (left aside); of those
        applied, how many have via ways (the segments of the via ways are copied
        for the cars that come from the restriction's first way, so that only they
        are barred from its last turn).
    turns_forbidden
        Turns the restrictions removed.
    """

    n_states: int = 0
    n_arcs: int = 0
    n_turns: int = 0
    u_turns: int = 0
    blocked_nodes: int = 0
    delayed_nodes: int = 0
    restrictions: int = 0
    restrictions_unmatched: int = 0
    restrictions_via_way: int = 0
    turns_forbidden: int = 0


@dataclass(frozen=True, eq=False)
class TurnGraph:
    """The edge-based search graph of a road network, and its way in and out.

    ``graph``/``reverse`` are the state graph and its transpose (seconds);
    ``departure[n]`` / ``arrival[n]`` the states where a search leaves from and
    arrives at road node ``n``.
    """

    graph: csr_matrix
    reverse: csr_matrix
    departure: np.ndarray
    arrival: np.ndarray
    report: TurnReport


#: Turns handled at once where a step makes temporaries the size of the turns.
_BLOCK: Final = 1 << 20


def turn_seconds(
    angle_deg: np.ndarray,
    *,
    costs: TurnCosts,
    junction: np.ndarray,
    u_turn: np.ndarray,
    oncoming: np.ndarray,
) -> np.ndarray:
    """Seconds each turn costs, as OSRM's car profile charges them.

    ``angle_deg`` is 0 straight on, > 0 to the right, < 0 to the left; ``junction``
    says where a turn costs anything (more than two roads, a U-turn, a change of
    mode); ``oncoming`` where a left turn crosses oncoming traffic (a junction,
    not a roundabout, not a U-turn).

    Examples
    --------
    >>> a = np.array([0.0, 90.0, -90.0, 180.0])
    >>> on = np.array([True, True, True, True])
    >>> s = turn_seconds(a, costs=TurnCosts(), junction=on,
    ...                  u_turn=np.array([False, False, False, True]),
    ...                  oncoming=np.array([False, False, True, False]))
    >>> np.round(s, 2).tolist()
    [0.01, 2.11, 7.32, 27.45]
    """
    a = np.asarray(angle_deg, dtype=np.float64)
    bias, penalty = costs.bias, costs.penalty_s
    right = penalty / (1 + np.exp(-((13 / bias) * a / 180 - 6.5 * bias)))
    left = penalty / (1 + np.exp(-((13 * bias) * -a / 180 - 6.5 / bias)))
    cost = np.where(a >= 0, right, left)
    sharp = 1 / (1 + np.exp(-(13 * np.abs(a) / 180 - 3.25)))
    cost = cost + np.where(oncoming, costs.oncoming_s * sharp, 0.0)
    cost = cost + np.where(u_turn, costs.u_turn_s, 0.0)
    out: np.ndarray = np.where(junction, cost, 0.0)
    return out


def build_turn_graph(  # noqa: PLR0913
    graph: csr_matrix,
    edge_row: np.ndarray,
    node_xy: np.ndarray,
    *,
    costs: TurnCosts,
    row_ferry: np.ndarray,
    row_roundabout: np.ndarray,
    node_blocked: np.ndarray,
    node_delay_s: np.ndarray,
    restrictions: pd.DataFrame,
) -> TurnGraph:
    """Build the edge-based graph of a node graph whose edges carry their road row.

    Parameters
    ----------
    graph
        The node graph (CSR, seconds); its edges are the segments.
    edge_row
        The road (way) row of each CSR edge, for restrictions and modes.
    node_xy
        Road node coordinates (metric), for turn angles.
    costs
        The profile's turn costs.
    row_ferry, row_roundabout
        Per road row: a ferry (boarding or leaving it is a turn), a roundabout.
    node_blocked, node_delay_s
        Per road node: a barrier closed to cars (no turn through it), a delay.
    restrictions
        ``kind`` ("no"/"only"), ``from_row``, ``via_node`` (road node, -1 for a
        via way), ``via_rows`` (the via ways' rows, in order), ``to_row``.
    """
    n = graph.shape[0]
    indptr = np.asarray(graph.indptr, dtype=np.int64)
    out_degree = np.diff(indptr)
    head = np.asarray(graph.indices, dtype=np.int64)
    tail = np.repeat(np.arange(n, dtype=np.int64), out_degree)
    seconds = np.asarray(graph.data, dtype=np.float64)
    m = len(head)
    degree = _road_degree(graph)
    # every pair (segment in, segment out) at the head of the first; segment
    # numbers in int32 (half the memory of the pairs, four times the segments)
    e1, e2 = _turn_pairs(indptr, head, out_degree)
    via = head[e1]
    u_turn = head[e2] == tail[e1]
    blocked = node_blocked[via]
    keep = np.where(u_turn, (degree[via] == 1) | blocked, ~blocked)
    del blocked
    forbidden, counts = _restricted(restrictions, e1, e2, tail, head, edge_row)
    keep &= ~forbidden
    del forbidden
    e1, e2, via, u_turn = e1[keep], e2[keep], via[keep], u_turn[keep]
    del keep
    ferry = row_ferry[edge_row]
    roundabout = row_roundabout[edge_row]
    busy = degree[via] > 2  # noqa: PLR2004 - a junction: more than two roads
    junction = busy | u_turn | (ferry[e1] != ferry[e2])
    cost = seconds[e2] + node_delay_s[via]  # float64 until stored: the same bits
    _add_turn_costs(
        cost, (e1, e2, u_turn, busy), (head, tail, node_xy), roundabout, junction,
        costs,
    )  # fmt: skip
    del junction, busy
    # states: per road node, its departure, its arrival, then its out-segments
    first = indptr[:-1] + 2 * np.arange(n, dtype=np.int64)
    departure, arrival = first, first + 1
    segment = np.arange(m, dtype=np.int64) + 2 * (tail + 1)
    n_states = m + 2 * n
    state_graph = _state_csr(
        (indptr, tail, head, seconds), (e1, e2, cost), (departure, arrival, segment)
    )
    n_turns, u_turns = len(e1), int(u_turn.sum())
    del e1, e2, via, cost, u_turn, ferry, roundabout  # laid out: not needed after
    via_ways = (
        restrictions[restrictions["via_node"] == _NO_VIA]
        if len(restrictions)
        else restrictions
    )
    if len(via_ways):
        state_graph, placed = _via_way_copies(
            state_graph, via_ways, tail, head, edge_row, segment
        )
        n_states = state_graph.shape[0]
        counts["restrictions"] += placed
        counts["restrictions_unmatched"] += len(via_ways) - placed
        counts["restrictions_via_way"] = placed
    report = TurnReport(
        n_states=int(n_states),
        n_arcs=int(state_graph.nnz),
        n_turns=n_turns,
        u_turns=u_turns,
        blocked_nodes=int(node_blocked.sum()),
        delayed_nodes=int((node_delay_s > 0).sum()),
        **counts,
    )
    reverse = state_graph.T.tocsr()
    reverse.sort_indices()
    for array in (state_graph.data, state_graph.indices, state_graph.indptr,
                  reverse.data, reverse.indices, reverse.indptr):  # fmt: skip
        array.flags.writeable = False
    return TurnGraph(
        graph=state_graph,
        reverse=reverse,
        departure=departure,
        arrival=arrival,
        report=report,
    )


def _add_turn_costs(
    cost: np.ndarray,
    turns: tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray],
    nodes: tuple[np.ndarray, np.ndarray, np.ndarray],
    roundabout: np.ndarray,
    junction: np.ndarray,
    costs: TurnCosts,
) -> None:
    """Add, in place, the cost of each turn at a junction (angle, oncoming, U-turn).

    Angles only where a turn costs anything (most nodes join two roads), in
    blocks, so that the float64 temporaries stay small at national size.
    """
    e1, e2, u_turn, busy = turns
    head, tail, node_xy = nodes
    step = node_xy[head] - node_xy[tail]
    bearing = np.degrees(np.arctan2(step[:, 1], step[:, 0]))
    del step
    junctions = np.flatnonzero(junction)
    for start in range(0, len(junctions), _BLOCK):
        at = junctions[start : start + _BLOCK]
        turn = u_turn[at]
        angle = _turn_angles(bearing, e1[at], e2[at], turn)
        oncoming = (
            (angle < 0) & ~turn & busy[at] & ~roundabout[e1[at]] & ~roundabout[e2[at]]
        )
        cost[at] += turn_seconds(
            angle, costs=costs, junction=np.ones(len(at), bool), u_turn=turn,
            oncoming=oncoming,
        )  # fmt: skip


def _turn_pairs(
    indptr: np.ndarray, head: np.ndarray, out_degree: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Every (segment in, segment out) pair at the head of the first, in order.

    The same pairs as ``expand_groups(indptr[head], out_degree[head])`` (grouped
    by the segment in, the segments out ascending), built in int32 when the
    segments fit, without the int64 temporaries the size of the pairs.
    """
    m = len(head)
    dtype = np.int32 if m < 2**31 - 1 else np.int64
    count = out_degree[head]
    e1 = np.repeat(np.arange(m, dtype=dtype), count)
    # the first out-segment of each pair's node, then its rank among them
    e2 = np.repeat(indptr[head].astype(dtype), count)
    first = np.zeros(m + 1, dtype=np.int64)
    np.cumsum(count, out=first[1:])
    for start in range(0, len(e2), _BLOCK):
        stop = min(start + _BLOCK, len(e2))
        rank = np.arange(start, stop, dtype=np.int64) - first[e1[start:stop]]
        e2[start:stop] += rank.astype(dtype)
    return e1, e2


def _road_degree(graph: csr_matrix) -> np.ndarray:
    """Distinct neighbours of each node, whichever the direction of the road."""
    pattern = csr_matrix(
        (np.ones(graph.nnz, dtype=np.int8), graph.indices, graph.indptr),
        shape=graph.shape,
    )
    both = (pattern + pattern.T).tocsr()  # the union of the two directions
    out: np.ndarray = np.diff(both.indptr)
    return out


def _turn_angles(
    bearing: np.ndarray, e1: np.ndarray, e2: np.ndarray, u_turn: np.ndarray
) -> np.ndarray:
    """Signed angle of the turn from segment e1 onto e2: 0 straight, > 0 right.

    ``bearing`` is each segment's direction in degrees (counter-clockwise from
    east): turning right lowers it.
    """
    angle: np.ndarray = np.mod(bearing[e1] - bearing[e2] + 180.0, 360.0) - 180.0
    angle[u_turn | (angle <= -180.0)] = 180.0  # noqa: PLR2004
    return angle


def _state_csr(
    node: tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray],
    turns: tuple[np.ndarray, np.ndarray, np.ndarray],
    states: tuple[np.ndarray, np.ndarray, np.ndarray],
) -> csr_matrix:
    """Lay the state graph's CSR out directly in state order (no sort).

    Rows in state order: a node's departure (its own arrival, at 0 s: a place
    and a site at the same node; then its out-segments, in order), its arrival
    (no arc), then each out-segment: its arrival arc first (the arrival state of
    its head precedes that node's segments), then its turns, which come grouped by
    segment with their targets ascending.
    """
    indptr, _, head, seconds = node
    e1, e2, cost = turns
    departure, arrival, segment = states
    m, n = len(head), len(departure)
    n_states = m + 2 * n
    turns_of = np.bincount(e1, minlength=m)
    row_start = np.zeros(n_states + 1, dtype=np.int64)
    length = row_start[1:]  # each row's length, summed in place into its end
    length[departure] = 1 + np.diff(indptr)
    length[segment] = 1 + turns_of
    np.cumsum(length, out=length)
    index_dtype = np.int32 if row_start[-1] < 2**31 else np.int64
    indices = np.empty(row_start[-1], dtype=index_dtype)
    # float32 seconds: 4 bytes an arc less on a graph four times the node graph's
    # (the searches still add in float64; a time rounds by 1 part in 16 million)
    data = np.empty(row_start[-1], dtype=np.float32)
    at = row_start[departure]
    indices[at], data[at] = arrival, 0.0
    # a node's out-segments follow its departure's first arc, in CSR order
    at = np.repeat(row_start[departure] + 1, np.diff(indptr))
    at += np.arange(m, dtype=np.int64) - np.repeat(indptr[:-1], np.diff(indptr))
    indices[at], data[at] = segment, seconds
    at = row_start[segment]
    indices[at], data[at] = arrival[head], 0.0
    del at
    first_turn = np.zeros(m, dtype=np.int64)
    np.cumsum(turns_of[:-1], out=first_turn[1:])
    del turns_of
    for start in range(0, len(e1), _BLOCK):  # int64 temporaries of a block only
        stop = min(start + _BLOCK, len(e1))
        e1_part, e2_part = e1[start:stop], e2[start:stop]
        rank = np.arange(start, stop, dtype=np.int64) - first_turn[e1_part]
        at = row_start[segment[e1_part]] + 1 + rank
        indices[at], data[at] = segment[e2_part], cost[start:stop]
    del first_turn
    pointers = row_start.astype(index_dtype)
    del row_start
    out = csr_matrix((data, indices, pointers), shape=(n_states, n_states))
    out.has_sorted_indices = True
    return out


def _restricted(
    restrictions: pd.DataFrame,
    e1: np.ndarray,
    e2: np.ndarray,
    tail: np.ndarray,
    head: np.ndarray,
    edge_row: np.ndarray,
) -> tuple[np.ndarray, dict[str, int]]:
    """Which turn pairs the restrictions forbid, and their counts for the report."""
    forbidden = np.zeros(len(e1), dtype=bool)
    via_way = 0  # counted where they are placed: _via_way_copies
    rules = (
        restrictions[restrictions["via_node"] != _NO_VIA]
        if len(restrictions)
        else restrictions
    )
    if rules.empty:
        return forbidden, {"restrictions": 0, "restrictions_unmatched": 0,
                           "restrictions_via_way": via_way,
                           "turns_forbidden": 0}  # fmt: skip
    rules = rules.reset_index(drop=True)
    # the segments of the from-way into the via node, of the to-way out of it
    into = pd.DataFrame({"row": edge_row, "node": head, "seg": np.arange(len(head))})
    out_of = pd.DataFrame({"row": edge_row, "node": tail, "seg": np.arange(len(tail))})
    key = rules.assign(rule=np.arange(len(rules)))
    froms = key.merge(into, left_on=["from_row", "via_node"], right_on=["row", "node"])
    tos = key.merge(out_of, left_on=["to_row", "via_node"], right_on=["row", "node"])
    matched = np.intersect1d(froms["rule"].unique(), tos["rule"].unique())
    pairs = pd.DataFrame({"e1": e1, "e2": e2, "pos": np.arange(len(e1))})
    hit = pairs.merge(froms[["rule", "seg", "kind"]], left_on="e1", right_on="seg")
    hit = hit[hit["rule"].isin(matched)]
    to_seg = set(zip(tos["rule"], tos["seg"], strict=True))
    is_to = np.array(
        [(r, s) in to_seg for r, s in zip(hit["rule"], hit["e2"], strict=True)],
        dtype=bool,
    )
    no = (hit["kind"] == "no").to_numpy() & is_to
    only = (hit["kind"] == "only").to_numpy() & ~is_to
    forbidden[hit["pos"].to_numpy()[no | only]] = True
    return forbidden, {
        "restrictions": len(matched),
        "restrictions_unmatched": len(rules) - len(matched),
        "restrictions_via_way": via_way,
        "turns_forbidden": int(forbidden.sum()),
    }


def _csr(src: np.ndarray, dst: np.ndarray, cost: np.ndarray, n: int) -> csr_matrix:
    """CSR of arcs (no repeated pair by construction), rows and columns sorted."""
    order = np.lexsort((dst, src))
    src, dst, cost = src[order], dst[order], cost[order]
    index_dtype = np.int32 if n < 2**31 else np.int64
    indptr = np.zeros(n + 1, dtype=index_dtype)
    np.cumsum(np.bincount(src, minlength=n), out=indptr[1:])
    out = csr_matrix(
        (cost.astype(np.float32), dst.astype(index_dtype), indptr), shape=(n, n)
    )
    out.has_sorted_indices = True
    return out


def _via_way_copies(
    graph: csr_matrix,
    rules: pd.DataFrame,
    tail: np.ndarray,
    head: np.ndarray,
    edge_row: np.ndarray,
    segment: np.ndarray,
) -> tuple[csr_matrix, int]:
    """Add, per via-way restriction, a copy of the via segments for its cars.

    A car that leaves the ``from`` way onto the via way is moved onto copies of
    the via way's segments; the copies keep every turn off the via way but, at its
    end, lose the forbidden turn (``no_*``) or every turn onto a road but the one
    allowed (``only_*``). A car that joins the via way elsewhere drives the
    originals, unrestricted: what OSRM does with the same restriction.
    Restrictions sharing their ``from`` way and via ways share their copies.
    Returns the graph with the copies and the number of restrictions placed.
    """
    rows_needed = set(rules["from_row"]) | set(rules["to_row"])
    for vias in rules["via_rows"]:
        rows_needed |= set(vias)
    seg_of_row = {int(r): np.flatnonzero(edge_row == r) for r in rows_needed}
    is_segment = np.zeros(graph.shape[0], dtype=bool)
    is_segment[segment] = True
    removed: list[tuple[int, int]] = []
    added: tuple[list[int], list[int], list[float]] = ([], [], [])
    n_states = graph.shape[0]
    placed = 0
    groups = rules.assign(vias=rules["via_rows"].map(tuple)).groupby(
        ["from_row", "vias"], sort=False
    )
    for key, group in groups:
        from_row, vias = cast("tuple[int, tuple[int, ...]]", key)
        path = _via_path(int(from_row), list(vias), group, seg_of_row, tail, head)
        if path is None:
            continue
        entries, chain, last_node = path
        ends, count = _ends(group, seg_of_row, tail, segment, last_node)
        placed += count
        states = segment[chain]
        copies = {int(s): n_states + k for k, s in enumerate(states)}
        for arcs in (
            _entry_arcs(graph, segment[entries], int(states[0]), copies, removed),
            _chain_arcs(graph, states, copies, is_segment, ends),
        ):
            for k in range(3):
                added[k].extend(arcs[k])  # type: ignore[arg-type]
        n_states += len(chain)
    if not added[0]:
        return graph, placed
    coo = graph.tocoo()
    keep = ~pd.MultiIndex.from_arrays([coo.row, coo.col]).isin(removed)
    src = np.concatenate([coo.row[keep], np.array(added[0], dtype=np.int64)])
    dst = np.concatenate([coo.col[keep], np.array(added[1], dtype=np.int64)])
    cost = np.concatenate([coo.data[keep], np.array(added[2])])
    return _csr(src.astype(np.int64), dst.astype(np.int64), cost, n_states), placed


def _ends(
    group: pd.DataFrame,
    seg_of_row: dict[int, np.ndarray],
    tail: np.ndarray,
    segment: np.ndarray,
    last_node: int,
) -> tuple[tuple[set[int], set[int] | None], int]:
    """Return the barred and allowed last turns of a via path, and the rules placed."""
    barred: set[int] = set()
    allowed: set[int] | None = None
    placed = 0
    for kind, to_row in zip(group["kind"], group["to_row"], strict=True):
        outs = {
            int(segment[e])
            for e in seg_of_row.get(int(to_row), ())
            if tail[e] == last_node
        }
        if not outs:
            continue
        placed += 1
        if kind == "no":
            barred |= outs
        else:
            allowed = outs if allowed is None else allowed & outs
    return (barred, allowed), placed


def _entry_arcs(
    graph: csr_matrix,
    entries: np.ndarray,
    first: int,
    copies: dict[int, int],
    removed: list[tuple[int, int]],
) -> tuple[list[int], list[int], list[float]]:
    """Move the turns from the ``from`` way onto the via way to the first copy."""
    out: tuple[list[int], list[int], list[float]] = ([], [], [])
    for state in entries.tolist():
        arcs = slice(graph.indptr[state], graph.indptr[state + 1])
        hit = np.flatnonzero(graph.indices[arcs] == first)
        if len(hit):
            removed.append((state, first))
            out[0].append(state)
            out[1].append(copies[first])
            out[2].append(float(graph.data[arcs][hit[0]]))
    return out


def _chain_arcs(
    graph: csr_matrix,
    chain: np.ndarray,
    copies: dict[int, int],
    is_segment: np.ndarray,
    ends: tuple[set[int], set[int] | None],
) -> tuple[list[int], list[int], list[float]]:
    """Return the arcs out of the copies of ``chain``'s states."""
    barred, allowed = ends
    out: tuple[list[int], list[int], list[float]] = ([], [], [])
    for k, state in enumerate(chain.tolist()):
        arcs = slice(graph.indptr[state], graph.indptr[state + 1])
        last = k == len(chain) - 1
        for target, seconds in zip(graph.indices[arcs], graph.data[arcs], strict=True):
            to = int(target)
            if not last and to == chain[k + 1]:
                to = copies[to]
            elif (
                last
                and is_segment[to]
                and (to in barred or (allowed is not None and to not in allowed))
            ):
                continue
            out[0].append(copies[state])
            out[1].append(to)
            out[2].append(float(seconds))
    return out


def _via_path(  # noqa: PLR0911 - each way the ways may fail to meet
    from_row: int,
    vias: list[int],
    group: pd.DataFrame,
    seg_of_row: dict[int, np.ndarray],
    tail: np.ndarray,
    head: np.ndarray,
) -> tuple[list[int], list[int], int] | None:
    """Find the ``from`` segments into the via ways, the via segments, the end node.

    Walks each via way's directed segments from where the previous way meets it
    to where the next one (the ``to`` ways of ``group`` after the last) does.
    """
    rows = [from_row, *vias, *map(int, group["to_row"])]
    nodes_of = {
        r: set(tail[seg_of_row[r]]) | set(head[seg_of_row[r]])
        for r in rows
        if r in seg_of_row and len(seg_of_row[r])
    }
    if from_row not in nodes_of or any(v not in nodes_of for v in vias):
        return None
    meets = nodes_of[from_row] & nodes_of[vias[0]]
    if len(meets) != 1:
        return None
    (here,) = meets
    entries = [int(e) for e in seg_of_row[from_row] if head[e] == here]
    chain: list[int] = []
    for k, via in enumerate(vias):
        if k + 1 < len(vias):
            ends = nodes_of[via] & nodes_of[vias[k + 1]]
        else:
            ends = set().union(*(nodes_of.get(int(t), set()) for t in group["to_row"]))
            ends &= nodes_of[via]
        ends.discard(here)
        if len(ends) != 1:
            return None
        (end,) = ends
        steps = {int(tail[e]): int(e) for e in seg_of_row[via]}
        for _ in range(len(seg_of_row[via])):
            if here == end:
                break
            e = steps.get(here)
            if e is None:
                return None
            chain.append(e)
            here = int(head[e])
        if here != end:
            return None
    if not entries or not chain:
        return None
    return entries, chain, here
