"""A built road network on disk: plain ``.npy`` arrays and one JSON file.

``RoadNetwork.save(folder)`` writes the two CSR graphs (forward and reversed) and
the node coordinates as ``.npy`` files, and ``network.json`` with the format
version, the CRS, the snapping parameters and the build report.
``network.json`` also records a SHA-256 of each array. ``RoadNetwork.load(folder)``
maps the arrays from disk (``mmap_mode="r"``), checks them against those sums and
checks the graph a search will trust (:func:`coordogeo.network.search.check_graph`),
then rebuilds only the KD-tree: an edited, shuffled or truncated copy is refused.

Saving writes only coordogeo's own files: into a new or empty folder, or over the
files a save wrote before (the folder's :data:`coordogeo.files.MANIFEST` lists
them). Any other file in the folder is left as it is; a folder that holds a file of
the network's names that coordogeo did not write is refused. The arrays are
written under temporary names, then renamed, ``network.json`` last.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from dataclasses import asdict
from pathlib import Path
from typing import Any, Final, Protocol

import numpy as np
from scipy.sparse import csr_matrix

from coordogeo._memory import keep_mapped
from coordogeo._version import __version__
from coordogeo.errors import InputError, format_labels
from coordogeo.files import MANIFEST, check_replaceable, record_owned

__all__ = ["FORMAT", "SavedNetwork", "read_network", "save_network"]


class SavedNetwork(Protocol):
    """What :func:`save_network` reads of a network (a ``RoadNetwork``), read-only."""

    @property
    def graph(self) -> csr_matrix: ...  # noqa: D102

    @property
    def reverse_graph(self) -> csr_matrix: ...  # noqa: D102

    @property
    def node_xy(self) -> np.ndarray: ...  # noqa: D102

    @property
    def crs(self) -> str: ...  # noqa: D102

    @property
    def approach_speed_kmh(self) -> float: ...  # noqa: D102

    @property
    def max_snap_m(self) -> float: ...  # noqa: D102

    @property
    def report(self) -> Any: ...  # noqa: D102

    @property
    def profile(self) -> str: ...  # noqa: D102

    @property
    def turns(self) -> Any: ...  # noqa: D102

    @property
    def small(self) -> np.ndarray | None: ...  # noqa: D102

    @property
    def n_nodes(self) -> int: ...  # noqa: D102

    @property
    def n_edges(self) -> int: ...  # noqa: D102


#: Version of the folder's layout; a folder of another version is refused.
FORMAT: Final = 3
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
#: The edge-based graph's arrays, saved when the network has one.
_TURN_ARRAYS: Final = (
    "turn_indptr",
    "turn_indices",
    "turn_data",
    "turn_reverse_indptr",
    "turn_reverse_indices",
    "turn_reverse_data",
    "departure",
    "arrival",
    "small",
)


def save_network(network: SavedNetwork, folder: str | Path) -> Path:
    """Write ``network`` to ``folder``, replacing only what a save wrote there.

    ``folder`` is new, empty, or a network saved before: then only the files that
    save wrote are replaced, and files added since (a README) are left as they
    are. Returns the folder. Raises InputError when it cannot be written, when
    ``folder`` is a file, or when it holds files coordogeo did not write and is not
    a saved network (named; never overwritten).
    """
    target = Path(folder)
    arrays = _arrays_of(network)
    names = [f"{name}.npy" for name in arrays] + [_META]
    every = [f"{name}.npy" for name in (*_ARRAYS, *_TURN_ARRAYS)] + [_META]
    legacy = _legacy_files(target, every)
    if target.is_dir() and not legacy and not (target / MANIFEST).exists():
        present = sorted(p.name for p in target.iterdir())
        if present:
            raise InputError(
                f"{str(target)!r} holds files coordogeo did not write "
                f"({format_labels(present)}) and is not a saved road network: "
                "coordogeo does not overwrite it; save into a new or empty folder."
            )
    owned = check_replaceable(target, every, key="folder", owned=legacy)
    report = asdict(network.report)
    report["dropped_roads"] = [_plain(label) for label in report["dropped_roads"]]
    meta: dict[str, Any] = {
        "format": FORMAT,
        "coordogeo": __version__,
        "crs": network.crs,
        "approach_speed_kmh": network.approach_speed_kmh,
        "max_snap_m": network.max_snap_m,
        "n_nodes": network.n_nodes,
        "n_edges": network.n_edges,
        "profile": network.profile,
        "small": network.small is not None,
        "turns": None if network.turns is None else asdict(network.turns.report),
        "sha256": {},
        "report": report,
    }
    try:
        target.mkdir(parents=True, exist_ok=True)
        record_owned(target, names)  # before any file: a crash leaves them ours
        with tempfile.TemporaryDirectory(dir=target, prefix=".coordogeo-") as tmp:
            work = Path(tmp)
            for name, array in arrays.items():
                plain = np.ascontiguousarray(array)
                np.save(work / f"{name}.npy", plain)
                meta["sha256"][name] = _digest(plain)
            (work / _META).write_text(json.dumps(meta, indent=1), encoding="utf-8")
            (target / _META).unlink(missing_ok=True)  # half-replaced: not a network
            for name in names:
                os.replace(work / name, target / name)
            for name in set(every) - set(names):  # a turn graph saved before
                if name in owned or name in legacy:
                    (target / name).unlink(missing_ok=True)
    except OSError as err:
        raise InputError(
            f"Could not save the network to {str(target)!r}: {err}"
        ) from err
    return target


def _arrays_of(network: SavedNetwork) -> dict[str, np.ndarray]:
    """Return the arrays a save writes, by name (with the turn graph's if any)."""
    arrays = {
        "node_xy": network.node_xy,
        "graph_indptr": network.graph.indptr,
        "graph_indices": network.graph.indices,
        "graph_data": network.graph.data,
        "reverse_indptr": network.reverse_graph.indptr,
        "reverse_indices": network.reverse_graph.indices,
        "reverse_data": network.reverse_graph.data,
    }
    turns = network.turns
    if turns is not None:
        arrays |= {
            "turn_indptr": turns.graph.indptr,
            "turn_indices": turns.graph.indices,
            "turn_data": turns.graph.data,
            "turn_reverse_indptr": turns.reverse.indptr,
            "turn_reverse_indices": turns.reverse.indices,
            "turn_reverse_data": turns.reverse.data,
            "departure": turns.departure,
            "arrival": turns.arrival,
        }
    if network.small is not None:
        arrays["small"] = network.small
    return arrays


def _legacy_files(folder: Path, names: list[str]) -> tuple[str, ...]:
    """Names of a network saved before manifests (format 1), to be replaced.

    A folder without a manifest whose ``network.json`` says it is a coordogeo
    network of format 1 and that holds nothing but that layout's files (and the
    run's cache note) was written by coordogeo.
    """
    meta = folder / _META
    if (folder / MANIFEST).exists() or not meta.is_file():
        return ()
    try:
        content = json.loads(meta.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return ()
    present = {p.name for p in folder.iterdir()}
    legacy = set(names) | {"source.json"}
    if (
        isinstance(content, dict)
        and content.get("format") == 1
        and "coordogeo" in content
        and present <= legacy
    ):
        return tuple(sorted(present))
    return ()


def _digest(array: np.ndarray) -> str:
    """SHA-256 of an array's bytes (C order), as hex."""
    return hashlib.sha256(np.ascontiguousarray(array).data).hexdigest()


def read_network(folder: str | Path, *, mmap: bool = True) -> dict[str, Any]:
    """Read a network written by :func:`save_network`: its parts, checked.

    Returns the keyword arguments of ``RoadNetwork`` (``report`` as a dict), which
    builds itself from them (:meth:`~coordogeo.network.RoadNetwork.load`). With
    ``mmap`` (default) the arrays are mapped read-only from disk: loading costs
    the KD-tree build and the pages a search reads. Raises InputError for a folder
    that is not a saved network, of another format version, or whose arrays do not
    match its description or their recorded sums (a truncated, edited or shuffled
    copy).
    """
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
    turned = isinstance(meta.get("turns"), dict)
    names = (*_ARRAYS, *(_TURN_ARRAYS[:-1] if turned else ()))
    if meta.get("small"):
        names = (*names, "small")
    try:
        arrays = {
            name: np.load(source / f"{name}.npy", mmap_mode="r" if mmap else None)
            for name in names
        }
    except (OSError, ValueError) as err:
        raise InputError(f"{str(source)!r}: an array cannot be read ({err}).") from err
    keep_mapped(arrays.values())  # handed back after each step of a run
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
    sums = meta.get("sha256")
    changed = [
        name
        for name in names
        if not isinstance(sums, dict) or sums.get(name) != _digest(arrays[name])
    ]
    if changed:
        raise InputError(
            f"{str(source)!r}: the array(s) {changed} are not the ones saved (their "
            f"SHA-256 differs from {_META}'s): the folder was edited or damaged. "
            "Build the network again and save it."
        )
    graph, reverse = (
        _csr(arrays[f"{g}_data"], arrays[f"{g}_indices"], arrays[f"{g}_indptr"], n)
        for g in ("graph", "reverse")
    )
    report = dict(meta["report"])
    report["dropped_roads"] = tuple(report["dropped_roads"])
    from scipy.spatial import cKDTree  # noqa: PLC0415

    from coordogeo.network.turns import TurnGraph, TurnReport  # noqa: PLC0415

    turns = None
    if turned:
        s = len(arrays["turn_indptr"]) - 1
        turns = TurnGraph(
            graph=_csr(arrays["turn_data"], arrays["turn_indices"],
                       arrays["turn_indptr"], s),
            reverse=_csr(arrays["turn_reverse_data"], arrays["turn_reverse_indices"],
                         arrays["turn_reverse_indptr"], s),
            departure=arrays["departure"],
            arrival=arrays["arrival"],
            report=TurnReport(**meta["turns"]),
        )  # fmt: skip

    return {
        "graph": graph,
        "node_xy": arrays["node_xy"],
        "crs": str(meta["crs"]),
        "approach_speed_kmh": float(meta["approach_speed_kmh"]),
        "max_snap_m": float(meta["max_snap_m"]),
        "report": report,
        "tree": cKDTree(arrays["node_xy"]),
        "reverse_graph": reverse,
        "profile": str(meta.get("profile", "lines")),
        "turns": turns,
        "small": np.asarray(arrays["small"], dtype=bool) if "small" in arrays else None,
    }


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
