"""What coordogeo may write over: a folder's manifest of the files it wrote there.

Every writer of the library (a saved road network, ``io.write_results``, a run's
output folder, the network cache) follows one rule: a file that exists is replaced
or removed only if a manifest in its folder (:data:`MANIFEST`) says coordogeo wrote
it. Anything else in the folder is left untouched; a writer that would have to
replace it refuses, naming the files.
"""

from __future__ import annotations

import json
import os
import unicodedata
from collections.abc import Iterable
from pathlib import Path
from typing import Final

from coordogeo._version import __version__
from coordogeo.errors import InputError, format_labels

__all__ = [
    "MANIFEST",
    "check_replaceable",
    "existing_path",
    "owned_files",
    "record_owned",
]

#: The file that tells what in a folder coordogeo wrote.
MANIFEST: Final = "coordogeo-manifest.json"


def existing_path(path: str | Path) -> Path:
    """Return ``path``, or the same path in the other Unicode form where that exists.

    "données" can be written with one character for "é" (NFC, what Linux and
    Windows keep) or with "e" and an accent (NFD, what macOS hands over when a
    name is pasted or typed): the two look the same and are different names. A
    path that does not exist as given is looked for in both forms; the one that
    exists is returned, else ``path`` as given.

    Examples
    --------
    >>> import tempfile, unicodedata
    >>> folder = Path(tempfile.mkdtemp())
    >>> _ = (folder / unicodedata.normalize("NFC", "données.csv")).write_text("x")
    >>> nfd = folder / unicodedata.normalize("NFD", "données.csv")
    >>> existing_path(nfd).name == unicodedata.normalize("NFC", "données.csv")
    True
    """
    given = Path(path)
    if given.exists():
        return given
    for form in ("NFC", "NFD"):
        other = Path(unicodedata.normalize(form, str(given)))
        if other.exists():
            return other
    return given


def owned_files(folder: Path, *, key: str) -> tuple[str, ...]:
    """Return the names the folder's manifest lists (none without a manifest).

    Raises
    ------
    InputError
        A manifest that cannot be read or was not written by coordogeo (``key``
        names the folder in the message).
    """
    path = Path(folder) / MANIFEST
    if not path.exists():
        return ()
    try:
        content = json.loads(path.read_text(encoding="utf-8"))
        files = content["files"]
        if not all(isinstance(f, str) and "/" not in f for f in files):
            raise TypeError(files)
    except (OSError, ValueError, KeyError, TypeError) as err:
        raise InputError(
            f"`{key}` ({folder}) has a {MANIFEST} that is not coordogeo's "
            f"({err}); choose another folder."
        ) from err
    return tuple(files)


def check_replaceable(
    folder: Path, names: Iterable[str], *, key: str, owned: Iterable[str] = ()
) -> tuple[str, ...]:
    """Raise unless every one of ``names`` that exists in ``folder`` is coordogeo's.

    ``owned`` adds names known to be coordogeo's without a manifest (a layout of an
    earlier version). Returns the names the manifest lists.

    Raises
    ------
    InputError
        ``folder`` is a file, or an existing file among ``names`` is not listed
        (named, up to five).
    """
    folder = Path(folder)
    if folder.exists() and not folder.is_dir():
        raise InputError(f"`{key}` ({folder}) is a file, not a folder.")
    if not folder.exists():
        return ()
    listed = owned_files(folder, key=key)
    known = set(listed) | set(owned)
    foreign = sorted(
        n
        for n in set(names)
        if (folder / n).exists() or (folder / n).is_symlink()
        if n not in known or not (folder / n).is_file() or (folder / n).is_symlink()
    )
    if foreign:
        raise InputError(
            f"`{key}` ({folder}) holds {format_labels(foreign)}, which coordogeo did "
            "not write (no manifest lists them): they are never replaced. Move them "
            "away or choose another folder."
        )
    return listed


def record_owned(folder: Path, names: Iterable[str], *, keep: bool = True) -> None:
    """Write the manifest: ``names`` (and, with ``keep``, the names listed before).

    Written under a temporary name and renamed, so that a reader sees either the
    old manifest or the new one.
    """
    folder = Path(folder)
    before = owned_files(folder, key=str(folder)) if keep else ()
    files = sorted(set(before) | set(names))
    temporary = folder / f".{MANIFEST}.tmp"
    temporary.write_text(
        json.dumps(
            {"coordogeo": __version__, "files": files}, ensure_ascii=False, indent=1
        ),
        encoding="utf-8",
    )
    os.replace(temporary, folder / MANIFEST)
