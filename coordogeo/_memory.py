"""Give the memory a step freed back to the system, where the C allocator keeps it.

glibc's allocator keeps the pages of freed arrays for later use; after a step that
made and dropped gigabytes of temporaries (a national road network's build) the
process's resident memory stays near that step's peak, and the next step's arrays
land elsewhere. ``malloc_trim(0)`` returns the free pages to the system. Elsewhere
(macOS, Windows, musl) this does nothing.

A saved road network is mapped from its files (:func:`~coordogeo.network.store.
load_network`): the pages a step read count in the process's resident memory until
the system needs them (4.5 GB for a national network). They are the file's, shared
and clean, so they are handed back too (``madvise(MADV_DONTNEED)``) and read again
from the system's file cache by the next search that needs them.
"""

from __future__ import annotations

import ctypes
import mmap
import sys
import weakref
from collections.abc import Callable
from functools import cache
from typing import Any

import numpy as np

__all__ = ["droppable", "keep_mapped", "release_freed_memory"]

#: The file mappings of the loaded networks (dropped with their arrays).
_MAPPED: weakref.WeakSet[mmap.mmap] = weakref.WeakSet()
#: Caches to empty first (each a function that lets its kept arrays go).
_DROPPABLE: list[Callable[[], None]] = []


def droppable(forget: Callable[[], None]) -> Callable[[], None]:
    """Register ``forget``, which empties a cache kept between calls; return it.

    :func:`release_freed_memory` calls it: a run's steps each make what they need
    again (the search arrays of a national network: 1.7 GB a thread).
    """
    _DROPPABLE.append(forget)
    return forget


@cache
def _trim() -> Any:
    """Return glibc's ``malloc_trim``, or None where there is none."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        libc = ctypes.CDLL("libc.so.6")
    except OSError:  # another C library
        return None
    return getattr(libc, "malloc_trim", None)


def keep_mapped(arrays: Any) -> None:
    """Note the file mappings of ``arrays`` (``np.load(..., mmap_mode="r")``)."""
    for array in arrays:
        mapped = getattr(array, "_mmap", None) if isinstance(array, np.memmap) else None
        if isinstance(mapped, mmap.mmap):
            _MAPPED.add(mapped)


def release_freed_memory() -> None:
    """Empty the droppable caches; return the freed and mapped pages to the system.

    Freed pages: glibc only (elsewhere nothing). Mapped pages: where the system
    has ``madvise`` (Linux, macOS); their content stays on disk and in the file
    cache. Call it between pieces of work, not while a search runs.
    """
    for forget in _DROPPABLE:
        forget()
    trim = _trim()
    if trim is not None:
        trim(0)
    advice = getattr(mmap, "MADV_DONTNEED", None)
    if advice is None:
        return
    for mapped in list(_MAPPED):
        try:
            mapped.madvise(advice)
        except (ValueError, OSError):  # closed meanwhile: nothing to give back
            continue
