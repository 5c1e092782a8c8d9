"""A bad graph handed in through any public entry point is refused, never searched.

The searches (the compiled kernel, scipy's Dijkstra) trust their arrays: an index
past the end reads out of bounds (a segmentation fault, ``std::bad_alloc``), a
negative weight never ends. Each case runs in a child process with a time limit,
so that a crash or a hang fails the test instead of killing or holding the run.
"""

from __future__ import annotations

import re
import subprocess
import sys
import textwrap

import pytest

#: Every case builds a bad graph through one entry point and searches it; the
#: child prints the error's class and message, then exits 0.
_PRELUDE = """
import hashlib, json, sys, warnings
from pathlib import Path
import numpy as np
from scipy.sparse import csr_matrix
from coordogeo import InputError, RoadNetwork
from coordogeo.access import nearest, travel_time_matrix
from coordogeo.datasets import sample_territory
from coordogeo.network.search import SearchGraph, bounded_pairs
S = sample_territory()
NET = RoadNetwork.from_roads(S.roads)
CELLS, MSP = S.population.head(40), S.structures.head(4)
FOLDER = Path(sys.argv[1])

def tampered(name, change, *, fix_sum=True):
    folder = NET.save(FOLDER / "reseau")
    array = np.load(folder / f"{name}.npy")
    array = change(array.copy())
    np.save(folder / f"{name}.npy", array)
    if fix_sum:  # what a tool editing the folder would also redo
        meta = json.loads((folder / "network.json").read_text())
        digest = hashlib.sha256(np.ascontiguousarray(array).data).hexdigest()
        meta["sha256"][name] = digest
        (folder / "network.json").write_text(json.dumps(meta))
    return folder

def past_end(a):
    a[7] = 10**8
    return a

def graph_with(data=None, indices=None):
    g = NET.graph.copy()
    if data is not None:
        g.data = data
    if indices is not None:
        g.indices = indices
    return g

try:
"""
_EPILOGUE = """
except InputError as err:
    print("InputError:", err)
"""

CASES = {
    "load: a node past the end": (
        "nearest(RoadNetwork.load(tampered('graph_indices', past_end)), CELLS, MSP)",
        r"an edge to a node outside",
    ),
    "load: a reverse node past the end": (
        "nearest(RoadNetwork.load(tampered('reverse_indices', past_end)), CELLS, MSP)",
        r"an edge to a node outside",
    ),
    "load: negative weights": (
        "nearest(RoadNetwork.load(tampered('graph_data', np.negative)), CELLS, MSP)",
        r"negative time",
    ),
    "load: NaN weights": (
        (
            "nearest(RoadNetwork.load(tampered('graph_data', lambda a: a * np.nan)),"
            " CELLS, MSP)"
        ),
        r"missing or infinite time",
    ),
    "load: row pointers that fall": (
        (
            "nearest(RoadNetwork.load(tampered('graph_indptr', "
            "lambda a: a[::-1].copy())), CELLS, MSP)"
        ),
        r"row pointers",
    ),
    "load: shuffled weights, sums kept": (
        (
            "nearest(RoadNetwork.load(tampered('graph_data', "
            "np.random.default_rng(0).permutation, fix_sum=False)), CELLS, MSP)"
        ),
        r"SHA-256 differs",
    ),
    "constructor: a node past the end": (
        (
            "from dataclasses import replace\n"
            "replace(NET, graph=graph_with(indices=np.where(NET.graph.indices == 3, "
            "10**8, NET.graph.indices).astype(np.int32)))"
        ),
        r"an edge to a node outside",
    ),
    "constructor: negative weights": (
        (
            "from dataclasses import replace\n"
            "net = replace(NET, graph=graph_with(data=-NET.graph.data))\n"
            "travel_time_matrix(net, CELLS, MSP)"
        ),
        r"negative time",
    ),
    "search graph: a node past the end": (
        (
            "g = graph_with(indices=np.full_like(NET.graph.indices, 10**8))\n"
            "SearchGraph.of(g, NET.node_xy)"
        ),
        r"an edge to a node outside",
    ),
    "search graph: coordinates of another size": (
        "SearchGraph.of(NET.graph, NET.node_xy[:10])",
        r"node coordinates",
    ),
    "bounded search: a source node past the end": (
        (
            "s = NET.search_graph()\n"
            "bounded_pairs(s, (np.array([10**8]), np.zeros(1)), "
            "(np.array([0]), np.zeros(1)), 600.0, 1)"
        ),
        r"`sources` name road nodes outside",
    ),
    "bounded search: a target node past the end": (
        (
            "s = NET.search_graph()\n"
            "bounded_pairs(s, (np.array([0]), np.zeros(1)), "
            "(np.array([-7]), np.zeros(1)), 600.0, 1)"
        ),
        r"`targets` name road nodes outside",
    ),
    "from_osm: a negative class speed": (
        (
            "p = FOLDER / 'r.osm'\n"
            "p.write_text(\"<?xml version='1.0'?><osm version='0.6'>"
            "<node id='1' version='1' lat='44.45' lon='1.44'/>"
            "<node id='2' version='1' lat='44.45' lon='1.45'/>"
            "<way id='1' version='1'><nd ref='1'/><nd ref='2'/>"
            "<tag k='highway' v='residential'/></way></osm>\")\n"
            "RoadNetwork.from_osm(p, speeds_kmh={'residential': -20, 'secondary': "
            "float('nan')})"
        ),
        r"`speeds_kmh` must give each class a finite speed > 0",
    ),
    "from_osm: a class speed of 0": (
        "RoadNetwork.from_osm(FOLDER / 'none.osm', speeds_kmh={'residential': 0})",
        r"`speeds_kmh` must give each class a finite speed > 0",
    ),
}


@pytest.mark.parametrize(("call", "match"), CASES.values(), ids=list(CASES))
def test_a_bad_graph_is_refused_before_any_search(tmp_path, call, match):
    code = _PRELUDE + textwrap.indent(call, "    ") + "\n" + _EPILOGUE
    child = subprocess.run(
        [sys.executable, "-c", code, str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    assert child.returncode == 0, (child.returncode, child.stderr[-2000:])
    assert child.stdout.startswith("InputError:"), child.stdout + child.stderr[-2000:]
    assert re.search(match, child.stdout), child.stdout
