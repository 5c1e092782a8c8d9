"""Where a run writes: a folder checked before any computation, and a manifest.

A run writes only into a folder that is new, empty, or was written by coordogeo
before; the manifest it leaves there (:data:`MANIFEST`) lists the files it wrote,
and only those are ever replaced or removed. A folder holding an input of the run,
its config, or any file coordogeo did not write is refused, naming the files.
Outputs are staged in a temporary folder and moved in only once every one of them
is written.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from coordogeo.errors import InputError, format_labels
from coordogeo.files import MANIFEST, owned_files, record_owned

__all__ = [
    "MANIFEST",
    "OutputError",
    "OutputFolder",
    "check_output_folder",
    "staged_outputs",
]


class OutputError(InputError):
    """An output folder the run must not write into; the message says why."""


@dataclass(frozen=True)
class OutputFolder:
    """A checked output folder and the files an earlier run left in it."""

    folder: Path
    previous: tuple[str, ...]


def check_output_folder(
    folder: Path, *, inputs: Mapping[str, Path], key: str = "outputs.folder"
) -> OutputFolder:
    """Check that a run may write into ``folder``; raise before anything is computed.

    Parameters
    ----------
    folder
        The output folder (absolute).
    inputs
        What the run reads, by name (config keys, and ``config`` for the config
        file itself): none may lie inside ``folder``.
    key
        How messages name the folder.

    Raises
    ------
    OutputError
        ``folder`` is a file; it holds inputs or the config; it holds files that no
        coordogeo run wrote (named, up to five), or a manifest that cannot be read;
        no writable folder exists to create it in.
    """
    folder = Path(folder).resolve()
    same = [name for name, path in inputs.items() if Path(path).resolve() == folder]
    if same:
        raise OutputError(
            f"`{key}` ({folder}) is the file the run reads as {same[0]}: the outputs "
            "go in a folder of their own. Choose a new folder, e.g. "
            f"{str(folder.parent / 'resultats')!r}, or `--out DIR`."
        )
    inside = [
        f"{name} ({path})"
        for name, path in inputs.items()
        if Path(path).resolve().is_relative_to(folder)
    ]
    if inside:
        raise OutputError(
            f"`{key}` ({folder}) holds what the run reads: {'; '.join(inside)}. "
            "A run never writes where its inputs are: choose another folder, e.g. "
            f"{str(folder / 'resultats')!r}, or `--out DIR`."
        )
    if folder.exists() and not folder.is_dir():
        raise OutputError(
            f"`{key}` ({folder}) is a file, not a folder; choose a folder name."
        )
    _check_writable(folder, key)
    if not folder.exists():
        return OutputFolder(folder, ())
    previous = _manifest_files(folder, key)
    present = sorted(p.name for p in folder.iterdir())
    foreign = [n for n in present if n != MANIFEST and n not in previous]
    if foreign:
        what = "holds files" if not (folder / MANIFEST).exists() else "also holds"
        raise OutputError(
            f"`{key}` ({folder}) {what} that coordogeo did not write: "
            f"{format_labels(foreign)} ({len(foreign)} in all). A run only writes "
            "into a new or empty folder, or one a run wrote before; choose another "
            "folder or move these files away."
        )
    return OutputFolder(folder, previous)


def _check_writable(folder: Path, key: str) -> None:
    """Raise unless ``folder``, or the nearest existing folder above it, is writable."""
    probe = folder
    while not probe.exists():
        probe = probe.parent
    if not probe.is_dir() or not os.access(probe, os.W_OK | os.X_OK):
        raise OutputError(
            f"`{key}` ({folder}) cannot be written: {probe} is not a writable folder."
        )


def _manifest_files(folder: Path, key: str) -> tuple[str, ...]:
    """Return the files an earlier run's manifest lists (none without a manifest)."""
    try:
        return owned_files(folder, key=key)
    except InputError as err:
        raise OutputError(str(err)) from err


@contextmanager
def staged_outputs(target: OutputFolder) -> Iterator[Path]:
    """Give a temporary folder to write into; publish it when the block succeeds.

    On success every file of the temporary folder is moved into the output folder,
    the files of the previous manifest that were not written again are removed, and
    the manifest is written last. On failure the temporary folder is removed and
    the output folder is left as it was.
    """
    target.folder.parent.mkdir(parents=True, exist_ok=True)
    prefix = f".{target.folder.name}.en-cours-"
    staging = Path(tempfile.mkdtemp(prefix=prefix, dir=target.folder.parent))
    try:
        yield staging
        written = sorted(p.name for p in staging.iterdir() if p.name != MANIFEST)
        target.folder.mkdir(exist_ok=True)
        for name in written:
            os.replace(staging / name, target.folder / name)
        for name in set(target.previous) - set(written):
            (target.folder / name).unlink(missing_ok=True)
        record_owned(target.folder, written, keep=False)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
