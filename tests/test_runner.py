"""`coordogeo run config.toml`: the example config, and bad configs refused."""

import shutil
from pathlib import Path

import pandas as pd
import pyogrio
import pytest

from coordogeo.cli import main
from coordogeo.runner import ConfigError, _finess, load_config
from tests.io.finess_fixture import write_finess

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "val_d_ombre.toml"


@pytest.fixture(scope="module")
def workdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Copy the example config beside the sample's input files."""
    folder = tmp_path_factory.mktemp("run")
    shutil.copy(EXAMPLE, folder / "config.toml")
    assert main(["sample", "--out", str(folder / "val_d_ombre")]) == 0
    return folder


def _config(folder: Path, text: str) -> Path:
    path = folder / "bad.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_the_example_config_runs_end_to_end(workdir, capsys):
    assert main(["run", str(workdir / "config.toml")]) == 0
    captured = capsys.readouterr()
    assert "[7/7] GeoPackage et tableaux" in captured.err  # progress on stderr
    out = workdir / "sorties_val_d_ombre"
    assert "carte_synthese.html" in captured.out
    names = {p.name for p in out.iterdir()}
    assert {
        "carte_synthese.html",
        "carte_acces.html",
        "carte_indice.html",
        "carte_zones.html",
        "carte_couverture.html",
        "resultats.gpkg",
        "resultats_taux_couverture.csv",
    } <= names
    layers = [name for name, _ in pyogrio.list_layers(out / "resultats.gpkg")]
    assert layers[:3] == ["temps_carreaux", "indice", "zones_mal_desservies"]
    overview = (out / "carte_synthese.html").read_text(encoding="utf-8")
    assert 'href="carte_zones.html"' in overview
    assert "cdn.jsdelivr" not in overview and "code.jquery.com" not in overview


def test_a_failed_run_leaves_the_previous_outputs(workdir, tmp_path):
    text = (workdir / "config.toml").read_text(encoding="utf-8")
    config = _config(
        workdir, text.replace('kinds = ["MSP", "CDS"]', 'kinds = ["MSP", "XYZ"]')
    )
    before = sorted(p.name for p in (workdir / "sorties_val_d_ombre").iterdir())
    assert main(["run", str(config)]) == 2
    after = sorted(p.name for p in (workdir / "sorties_val_d_ombre").iterdir())
    assert before == after
    assert not list(workdir.glob(".sorties*"))  # no staging folder left behind


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (
            ("[outputs]", "[output]"),
            r"unknown section \[output\] \(did you mean `outputs`\?\)",
        ),
        (
            ("n_sites = 3", "n_site = 3"),
            r"unknown key `parameters.n_site` \(did you mean `n_sites`\?\)",
        ),
        (
            ("max_time_min = 60", 'max_time_min = "60"'),
            r"`parameters.max_time_min` must be a number > 0",
        ),
        (
            ("n_sites = 3", "n_sites = 0"),
            r"`parameters.n_sites` must be a whole number >= 1",
        ),
        (
            ("routes.gpkg", "nulle-part.gpkg"),
            r"`inputs.roads`: file .*nulle-part.gpkg' not found",
        ),
        (
            ('fca_method = "e2sfca"', 'fca_method = "4sfca"'),
            r"`parameters.fca_method` is '4sfca'; choose one of",
        ),
        (('lang = "fr"', 'lang = "de"'), r"`outputs.lang` is 'de'"),
        (("kinds = [", "kinds = 3 #"), r"`parameters.kinds` must be a list of texts"),
    ],
)
def test_bad_configs_name_the_key_and_the_fix(workdir, edit, message):
    text = (workdir / "config.toml").read_text(encoding="utf-8")
    with pytest.raises(ConfigError, match=message):
        load_config(_config(workdir, text.replace(*edit)))


def test_bad_configs_exit_non_zero(workdir, capsys):
    assert main(["run", str(workdir / "absent.toml")]) == 2
    assert "not found" in capsys.readouterr().err
    assert main(["run", str(_config(workdir, "[inputs\n"))]) == 2
    assert "not valid TOML" in capsys.readouterr().err
    missing = _config(workdir, '[outputs]\nfolder = "x"\n')
    assert main(["run", str(missing)]) == 2
    err = capsys.readouterr().err
    assert "`inputs.communes` is required" in err and "`inputs.finess`" in err
    text = (workdir / "config.toml").read_text(encoding="utf-8")
    no_crs = _config(workdir, text.replace('structures_crs = "EPSG:2154"', ""))
    assert main(["run", str(no_crs)]) == 2
    assert "`inputs.structures`" in capsys.readouterr().err


def test_help_is_complete(capsys):
    for argv in (
        ["--help"],
        ["run", "--help"],
        ["sample", "--help"],
        ["demo", "--help"],
    ):
        with pytest.raises(SystemExit) as done:
            main(argv)
        assert done.value.code == 0
    text = capsys.readouterr().out
    assert "run" in text and "config" in text and "TOML" in text and "--out" in text


def test_structures_from_a_finess_extraction(workdir, tmp_path):
    text = (workdir / "config.toml").read_text(encoding="utf-8")
    both = text.replace(
        'structures_crs = "EPSG:2154"', f'finess = "{write_finess(tmp_path / "f.csv")}"'
    )
    with pytest.raises(ConfigError, match=r"exactly one of `inputs\.structures`"):
        load_config(_config(workdir, both))
    only = both.replace('structures = "val_d_ombre/structures.csv"', "")
    assert load_config(_config(workdir, only)).finess == tmp_path / "f.csv"
    communes = pd.DataFrame({"insee": ["46042", "46102"]})
    sites = _finess(communes)(tmp_path / "f.csv")  # located, in these communes
    assert sites.index.tolist() == ["460000011"]
    assert sites["kind"].tolist() == ["MSP"]
