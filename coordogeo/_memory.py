"""Give the memory a step freed back to the system, where the C allocator keeps it.

glibc's allocator keeps the pages of freed arrays for later use; after a step that
made and dropped gigabytes of temporaries (a national road network's build) the
process's resident memory stays near that step's peak, and the next step's arrays
land elsewhere. ``malloc_trim(0)`` returns the free pages to the system. Elsewhere
(macOS, Windows, musl) this does nothing.
"""

from __future__ import annotations

import ctypes
import sys
from functools import cache
from typing import Any

__all__ = ["release_freed_memory"]


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


def release_freed_memory() -> None:
    """Return the pages freed so far to the system (glibc only; else nothing)."""
    trim = _trim()
    if trim is not None:
        trim(0)
