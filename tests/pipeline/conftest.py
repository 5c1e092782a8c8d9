"""A sample config folder (`coordogeo init --sample`) and one run of it, per session."""

from __future__ import annotations

from pathlib import Path

import pytest

from coordogeo.pipeline import RunResult, init_folder, load_config, run


@pytest.fixture(scope="session")
def sample_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """`coordogeo init DIR --sample`: config.toml and donnees/ (do not write in it)."""
    folder = tmp_path_factory.mktemp("init") / "val_d_ombre"
    init_folder(folder, sample=True)
    # the print figures cost a second a page: drawn by the runs that read them
    # (the demo's, test_cli, test_figures), not by the fifty that read no figure
    edited(folder, '# figures = "A4-paysage"', 'figures = "none"', name="config.toml")
    return folder


@pytest.fixture(scope="session")
def sample_run(sample_folder: Path) -> RunResult:
    """Run the sample config once, into its own `resultats/`."""
    return run(load_config(sample_folder / "config.toml"))


def edited(folder: Path, old: str, new: str, *, name: str = "edited.toml") -> Path:
    """Write a copy of the sample config with one text replaced, beside it."""
    text = (folder / "config.toml").read_text(encoding="utf-8")
    assert old in text, old
    path = folder / name
    path.write_text(text.replace(old, new), encoding="utf-8")
    return path
