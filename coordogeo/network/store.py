"""A built road network on disk: plain ``.npy`` arrays and one JSON file.

``RoadNetwork.save(folder)`` writes the two CSR graphs (forward and reversed) and
the node coordinates as ``.npy`` files, and ``network.json`` with the format
version, the CRS, the snapping parameters and the build report.
``RoadNetwork.load(folder)`` maps the arrays from disk (``mmap_mode="r"``: nothing
is read until a search touches it) and rebuilds only the KD-tree. The folder is
written under a temporary name and renamed at the end: a reader never sees half a
network.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

import numpy as np
from scipy.sparse import csr_matrix

from coordogeo._version import __version__
from coordogeo.errors import InputError

if TYPE_CHECKING:
    from coordogeo.network.roads import RoadNetwork

__all__ = ["FORMAT", "load_network", "save_network"]

#: Version of the folder's layout; a folder of another version is refused.
FORMAT: Final = 1
_META: Final = "network.json"
_ARRAYS: Final = (
    "node_xy",
    "graph_indptr",
    "graph_indices",
    "graph_data",
    "reverse_indptr",
    "reverse_indices",
    "reverse_data",
)


def save_network(network: RoadNetwork, folder: str | Path) -> Path:
    """Write ``network`` to ``folder`` (created; an existing one is replaced).

    Returns the folder. Raises InputError when it cannot be written, or when
    ``folder`` is a file or a folder that is not a saved network (never
    overwritten).
    """
    target = Path(folder)
    if target.exists() and not (target / _META).is_file():
        raise InputError(
            f"{str(target)!r} exists and is not a saved road network: coordogeo "
            "does not overwrite it; give a new folder."
        )
    arrays = {
        "node_xy": network.node_xy,
        "graph_indptr": network.graph.indptr,
        "graph_indices": network.graph.indices,
        "graph_data": network.graph.data,
        "reverse_indptr": network.reverse_graph.indptr,
        "reverse_indices": network.reverse_graph.indices,
        "reverse_data": network.reverse_graph.data,
    }
    report = asdict(network.report)
    report["dropped_roads"] = [_plain(label) for label in report["dropped_roads"]]
    meta = {
        "format": FORMAT,
        "coordogeo": __version__,
        "crs": network.crs,
        "approach_speed_kmh": network.approach_speed_kmh,
        "max_snap_m": network.max_snap_m,
        "n_nodes": network.n_nodes,
        "n_edges": network.n_edges,
        "report": report,
    }
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        work = Path(tempfile.mkdtemp(dir=target.parent, prefix=".coordogeo-net-"))
        for name, array in arrays.items():
            np.save(work / f"{name}.npy", np.ascontiguousarray(array))
        (work / _META).write_text(json.dumps(meta, indent=1), encoding="utf-8")
        if target.exists():
            shutil.rmtree(target)
        os.replace(work, target)
    except OSError as err:
        raise InputError(
            f"Could not save the network to {str(target)!r}: {err}"
        ) from err
    return target


def load_network(folder: str | Path, *, mmap: bool = True) -> RoadNetwork:
    """Read a network written by :func:`save_network`.

    With ``mmap`` (default) the arrays are mapped read-only from disk: loading
    costs the KD-tree build and the pages a search reads. Raises InputError for a
    folder that is not a saved network, of another format version, or whose arrays
    do not match its description (a truncated copy).
    """
    from coordogeo.network.roads import BuildReport, RoadNetwork  # noqa: PLC0415

    source = Path(folder)
    meta_path = source / _META
    if not meta_path.is_file():
        raise InputError(
            f"{str(source)!r} is not a saved road network (no {_META}); build one "
            "with RoadNetwork.from_roads / from_osm and .save(folder)."
        )
    try:
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as err:
        raise InputError(f"{meta_path}: unreadable ({err}).") from err
    if meta.get("format") != FORMAT:
        raise InputError(
            f"{str(source)!r} is a saved network of format {meta.get('format')!r}; "
            f"this coordogeo reads format {FORMAT}: build and save it again."
        )
    try:
        arrays = {
            name: np.load(source / f"{name}.npy", mmap_mode="r" if mmap else None)
            for name in _ARRAYS
        }
    except (OSError, ValueError) as err:
        raise InputError(f"{str(source)!r}: an array cannot be read ({err}).") from err
    n, m = int(meta["n_nodes"]), int(meta["n_edges"])
    shapes_ok = (
        arrays["node_xy"].shape == (n, 2)
        and all(len(arrays[f"{g}_indptr"]) == n + 1 for g in ("graph", "reverse"))
        and all(
            len(arrays[f"{g}_{p}"]) == m
            for g in ("graph", "reverse")
            for p in ("indices", "data")
        )
    )
    if not shapes_ok:
        raise InputError(
            f"{str(source)!r}: its arrays do not match {_META} ({n} nodes, {m} "
            "edges); the copy is incomplete: save the network again."
        )
    graph, reverse = (
        _csr(arrays[f"{g}_data"], arrays[f"{g}_indices"], arrays[f"{g}_indptr"], n)
        for g in ("graph", "reverse")
    )
    report = dict(meta["report"])
    report["dropped_roads"] = tuple(report["dropped_roads"])
    from scipy.spatial import cKDTree  # noqa: PLC0415

    return RoadNetwork(
        graph=graph,
        node_xy=arrays["node_xy"],
        crs=str(meta["crs"]),
        approach_speed_kmh=float(meta["approach_speed_kmh"]),
        max_snap_m=float(meta["max_snap_m"]),
        report=BuildReport(**report),
        tree=cKDTree(arrays["node_xy"]),
        reverse_graph=reverse,
    )


def _csr(data: np.ndarray, indices: np.ndarray, indptr: np.ndarray, n: int) -> Any:
    """Return a CSR matrix over the given (mapped) arrays, with no copy."""
    matrix = csr_matrix((n, n), dtype=data.dtype)
    matrix.data, matrix.indices, matrix.indptr = data, indices, indptr
    return matrix


def _plain(label: object) -> object:
    """Return a row label as JSON holds it (numpy integers become ints)."""
    if isinstance(label, np.integer):
        return int(label)
    return label if isinstance(label, int | float | str) else str(label)
