"""Print figures written by a forked child while the run writes the rest."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from matplotlib.figure import Figure

from coordogeo.pipeline import figures as aside

pytestmark = pytest.mark.skipif(
    sys.platform != "linux", reason="the figures are written aside only on Linux"
)


def _sheet(n: int) -> Figure:
    fig = Figure(figsize=(2, 1))
    fig.add_subplot().plot([0, 1, 2], [0, n, 1])
    return fig


def test_a_child_writes_the_same_bytes(tmp_path: Path) -> None:
    suffixes = (".png", ".pdf")
    sheets = {tmp_path / f"a{n}{s}": _sheet(n) for n in (1, 2) for s in suffixes}
    saving = aside.save_figures(sheets, places=aside.FORK_FROM_PLACES)
    assert saving._child is not None  # written aside
    saving.wait()
    assert saving._child.exitcode == 0
    here = tmp_path / "here"
    here.mkdir()
    again = {here / p.name: f for p, f in sheets.items()}
    kept = aside.save_figures(again, places=aside.FORK_FROM_PLACES - 1)
    assert kept._child is None  # small: written in place, nothing to wait for
    kept.wait()
    for path in sheets:
        assert path.read_bytes() == (here / path.name).read_bytes()
    assert saving.paths == tuple(sheets)


def test_the_childs_error_is_raised_in_the_run(tmp_path: Path) -> None:
    sheets = {tmp_path / "missing" / "a.png": _sheet(1)}
    saving = aside.save_figures(sheets, places=10**6)
    with pytest.raises(FileNotFoundError, match="missing"):
        saving.wait()
    saving.wait()  # once told, told once


def test_a_failed_run_stops_the_child(tmp_path: Path) -> None:
    sheets = {tmp_path / f"a{n}.png": _sheet(n) for n in range(40)}
    saving = aside.save_figures(sheets, places=10**6)
    saving.cancel()
    assert not saving._child.is_alive()
    saving.wait()  # nothing left to wait for
