"""A run never destroys a file: the output folder is checked before any computation."""

import json
import os

import pytest

from coordogeo.pipeline import MANIFEST, OutputError, load_config, run
from coordogeo.pipeline.outputs import check_output_folder, staged_outputs
from tests.pipeline.conftest import edited


def _snapshot(folder):
    """Every file under ``folder`` with its bytes and modification time."""
    return {
        p.relative_to(folder): (p.read_bytes(), p.stat().st_mtime_ns)
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


@pytest.mark.parametrize("folder", ['"."', '"donnees"', '".."'])
def test_a_folder_holding_the_inputs_is_refused_with_every_file_intact(
    sample_folder, folder
):
    config = load_config(
        edited(sample_folder, 'folder = "resultats"', f"folder = {folder}")
    )
    before = _snapshot(sample_folder)
    with pytest.raises(
        OutputError, match=r"holds what the run reads: inputs\.communes"
    ):
        run(config)
    assert _snapshot(sample_folder) == before


def test_foreign_files_are_named_and_left_alone(sample_folder, tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / "notes.txt").write_text("à garder", encoding="utf-8")
    (out / "carte_acces.html").write_text("mine, not coordogeo's", encoding="utf-8")
    with pytest.raises(
        OutputError, match=r"holds files that coordogeo did not write: \['carte_acces"
    ):
        check_output_folder(out, inputs={})
    assert (out / "carte_acces.html").read_text(encoding="utf-8") == (
        "mine, not coordogeo's"
    )


def test_a_file_as_folder_and_a_bad_manifest_are_refused(tmp_path):
    (tmp_path / "file").write_text("x", encoding="utf-8")
    with pytest.raises(OutputError, match="is a file, not a folder"):
        check_output_folder(tmp_path / "file", inputs={})
    (tmp_path / "m").mkdir()
    (tmp_path / "m" / MANIFEST).write_text("{not json", encoding="utf-8")
    with pytest.raises(OutputError, match="is not coordogeo's"):
        check_output_folder(tmp_path / "m", inputs={})
    (tmp_path / "m" / MANIFEST).write_text('{"files": ["../etc"]}', encoding="utf-8")
    with pytest.raises(OutputError, match="is not coordogeo's"):
        check_output_folder(tmp_path / "m", inputs={})


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into read-only folders")
def test_an_unwritable_place_is_refused(tmp_path):
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o500)
    try:
        with pytest.raises(OutputError, match="cannot be written"):
            check_output_folder(locked / "out", inputs={})
    finally:
        locked.chmod(0o700)


def test_staging_publishes_only_on_success_and_replaces_only_its_files(tmp_path):
    out = tmp_path / "out"
    target = check_output_folder(out, inputs={})
    with staged_outputs(target) as staging:
        (staging / "a.csv").write_text("1", encoding="utf-8")
        (staging / "b.csv").write_text("2", encoding="utf-8")
    assert json.loads((out / MANIFEST).read_text("utf-8"))["files"] == [
        "a.csv",
        "b.csv",
    ]
    target = check_output_folder(out, inputs={})
    with pytest.raises(RuntimeError), staged_outputs(target) as staging:
        (staging / "a.csv").write_text("changed", encoding="utf-8")
        raise RuntimeError("a step failed")
    assert (out / "a.csv").read_text("utf-8") == "1"  # untouched by the failed run
    with staged_outputs(check_output_folder(out, inputs={})) as staging:
        (staging / "a.csv").write_text("3", encoding="utf-8")
    assert sorted(p.name for p in out.iterdir()) == ["a.csv", MANIFEST]  # b removed
    assert not list(tmp_path.glob(".out.en-cours-*"))  # no staging left behind


def test_a_second_run_replaces_the_first(sample_run):
    folder = sample_run.config.folder
    first = json.loads((folder / MANIFEST).read_text("utf-8"))["files"]
    assert "rapport.md" in first and "carte_synthese.html" in first
    assert sorted(p.name for p in folder.iterdir()) == sorted([*first, MANIFEST])
    check_output_folder(folder, inputs={})  # a folder coordogeo wrote is accepted
