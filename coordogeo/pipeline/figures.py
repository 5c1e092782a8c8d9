"""The print figures beside the pages, written while the run writes the rest.

Matplotlib's ``savefig`` of a 300 dpi PNG and a vector PDF takes about 0.8 s a page
at region scale: 11 s for a run's 13 pages, all in the interpreter lock (a thread
only competes with the GeoPackage's writing). Where the figures are large and the
system forks cheaply (Linux), a child process forked once the figures are drawn
writes them while the parent writes the GeoPackage, the tables and the report: the
child reads the figures it inherited, nothing is pickled. Small runs (the demo, the
tests, a département) write them in place: a fork would cost more than it saves.
"""

from __future__ import annotations

import multiprocessing
import sys
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

from matplotlib.figure import Figure

import folium

from coordogeo.maps import figure, save_figure

__all__ = ["Saving", "print_figures", "save_figures"]

#: Places (cells or communes) past which the figures are written in a child process.
FORK_FROM_PLACES: Final = 20_000


@dataclass
class Saving:
    """The figures being written: :meth:`wait` returns once they all are."""

    paths: tuple[Path, ...]
    _child: Any = None
    _pipe: Any = None
    _done: bool = False

    def wait(self) -> None:
        """Wait for the child to write the figures; raise what it raised."""
        if self._done or self._child is None:
            self._done = True
            return
        self._done = True
        self._child.join()
        try:  # the child sends what went wrong, or closes its end
            failure = self._pipe.recv()
        except EOFError:
            failure = None
        self._pipe.close()
        if failure is not None:
            raise failure
        if self._child.exitcode != 0:  # killed: out of memory, a signal
            raise OSError(
                f"the process writing the print figures ended with status "
                f'{self._child.exitcode}; run with [outputs] figures = "none" '
                "to leave them out"
            )

    def cancel(self) -> None:
        """Stop the child (the run failed: its folder is about to be removed)."""
        if self._child is not None and not self._done:
            self._child.terminate()
            self._child.join()
            self._pipe.close()
        self._done = True


def print_figures(
    pages: Sequence[tuple[str, folium.Map]], folder: Path, *, paper: str, places: int
) -> Saving:
    """Draw a print figure of each page (a PNG and a PDF beside its HTML), save them.

    ``pages`` are (file name, drawn page) pairs; ``paper`` is ``[outputs] figures``
    (``"none"``: no figure).
    """
    sheets: dict[Path, Figure] = {}
    if paper != "none":
        for name, page in pages:
            sheet = figure(page, paper=paper)
            for suffix in (".png", ".pdf"):
                sheets[folder / name.replace(".html", suffix)] = sheet
    return save_figures(sheets, places=places)


def save_figures(sheets: Mapping[Path, Figure], *, places: int) -> Saving:
    """Write every figure of ``sheets`` to its path, in a child process if large.

    ``places`` is the number of places the figures draw; past
    :data:`FORK_FROM_PLACES`, on a system that forks (Linux), the figures are
    written by a forked child and this returns at once: call :meth:`Saving.wait`
    before the run's folder is complete.
    """
    paths = tuple(sheets)
    if places < FORK_FROM_PLACES or not _forks():
        for path, sheet in sheets.items():
            save_figure(sheet, path)
        return Saving(paths)
    context = multiprocessing.get_context("fork")
    reading, writing = context.Pipe(duplex=False)
    child = context.Process(target=_write, args=(dict(sheets), writing), daemon=True)
    with warnings.catch_warnings():  # the child draws with Matplotlib only: no lock
        warnings.simplefilter("ignore", DeprecationWarning)  # of another thread
        child.start()
    writing.close()
    return Saving(paths, child, reading)


def _forks() -> bool:
    return sys.platform == "linux" and "fork" in multiprocessing.get_all_start_methods()


def _write(sheets: dict[Path, Figure], pipe: Any) -> None:
    """In the child: write the figures, send back what went wrong (or nothing)."""
    try:
        for path, sheet in sheets.items():
            save_figure(sheet, path)
    except BaseException as err:  # handed to the parent, raised there
        pipe.send(err)
        pipe.close()
        raise SystemExit(1) from None
    pipe.close()
