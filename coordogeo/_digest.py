"""Digests of shapes and a small kept-results store, for work asked again in a run.

A run draws the same 250 000 cells on a dozen maps and asks the same road matrix
twice: :func:`shapes_digest` names such inputs exactly (every coordinate, not
their bounds) and :class:`Kept` holds the last few results under that name.
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from collections.abc import Callable
from typing import Generic, TypeVar

import numpy as np

import shapely

__all__ = ["Kept", "shapes_digest"]

V = TypeVar("V")


def shapes_digest(geoms: np.ndarray, *parts: bytes | str) -> bytes:
    """Return a 20-byte digest of ``geoms`` (types, parts, coordinates) and ``parts``.

    Two arrays of shapes have the same digest only if they have the same geometry
    types, the same number of coordinates in each shape and the same coordinates
    to the bit (with overwhelming probability: BLAKE2b).

    Examples
    --------
    >>> a = np.array([shapely.box(0, 0, 1, 1)])
    >>> shapes_digest(a) == shapes_digest(a.copy())
    True
    >>> shapes_digest(a) == shapes_digest(np.array([shapely.box(0, 0, 1, 2)]))
    False
    >>> shapes_digest(a, "EPSG:2154") == shapes_digest(a, "EPSG:4326")
    False
    """
    geoms = np.asarray(geoms, dtype=object)
    digest = hashlib.blake2b(digest_size=20)
    for part in parts:
        digest.update(part.encode("utf-8") if isinstance(part, str) else part)
        digest.update(b"\x00")
    digest.update(shapely.get_type_id(geoms).astype(np.int8).tobytes())
    digest.update(shapely.get_num_coordinates(geoms).astype(np.int64).tobytes())
    digest.update(shapely.get_coordinates(geoms).tobytes())
    return digest.digest()


class Kept(Generic[V]):
    """The last ``size`` results by key, safe to share between threads.

    Examples
    --------
    >>> kept: Kept[int] = Kept(2)
    >>> kept.get(b"a", lambda: 1), kept.get(b"a", lambda: 2)
    (1, 1)
    >>> _ = kept.get(b"b", lambda: 3), kept.get(b"c", lambda: 4)
    >>> kept.get(b"a", lambda: 5)  # the oldest went
    5
    """

    def __init__(self, size: int) -> None:
        self.size = size
        self._items: OrderedDict[bytes, V] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: bytes, compute: Callable[[], V]) -> V:
        """Return the result kept under ``key``, else ``compute()`` kept under it."""
        with self._lock:
            if key in self._items:
                self._items.move_to_end(key)
                return self._items[key]
        value = compute()
        with self._lock:
            self._items[key] = value
            while len(self._items) > self.size:
                self._items.popitem(last=False)
        return value

    def clear(self) -> None:
        """Forget every result."""
        with self._lock:
            self._items.clear()
