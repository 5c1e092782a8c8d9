"""The `coordogeo` command: demo = init --sample + run, one-line errors, exit codes."""

import hashlib
import json

import pandas as pd
import pyogrio
import pytest

import geopandas as gpd
import shapely

from coordogeo.cli import main
from tests.io.finess_fixture import write_finess
from tests.pipeline.conftest import edited


def _tables(folder):
    """Read back the CSV tables and GeoPackage layers of a run."""
    out = {p.name: pd.read_csv(p, sep=";", decimal=",") for p in folder.glob("*.csv")}
    for name, _ in pyogrio.list_layers(folder / "resultats.gpkg"):
        out[name] = gpd.read_file(folder / "resultats.gpkg", layer=name)
    return out


def test_demo_and_init_then_run_write_the_same(tmp_path, capsys):
    assert main(["demo", "--out", str(tmp_path / "demo")]) == 0
    demo_out = capsys.readouterr()
    assert main(["init", str(tmp_path / "d"), "--sample"]) == 0
    assert "Lancez : coordogeo run" in capsys.readouterr().out
    assert main(["run", str(tmp_path / "d" / "config.toml")]) == 0
    run_out = capsys.readouterr()
    demo, ran = tmp_path / "demo", tmp_path / "d" / "resultats"
    assert sorted(p.name for p in demo.iterdir()) == sorted(
        p.name for p in ran.iterdir()
    )
    # a print figure beside every page, the same drawn twice
    pages = sorted(p.stem for p in demo.glob("carte_*.html"))
    assert len(pages) >= 8  # the sample's maps
    for stem in pages:
        for suffix in (".png", ".pdf"):
            figure = (demo / stem).with_suffix(suffix).read_bytes()
            assert figure == (ran / stem).with_suffix(suffix).read_bytes(), stem
    a, b = _tables(demo), _tables(ran)
    assert a.keys() == b.keys()
    for name in a:
        pd.testing.assert_frame_equal(a[name], b[name], check_exact=True, obj=name)

    # the printed summary is the same too, but for the paths of the files
    def strip(text):
        return [line for line in text.splitlines() if not line.startswith("  /")]

    assert strip(run_out.out) == strip(demo_out.out)[2:]
    assert "[10/10]" in demo_out.err and "[10/10]" in run_out.err  # progress, stderr


def test_run_out_overrides_the_folder(sample_folder, tmp_path):
    assert (
        main(
            ["run", str(sample_folder / "config.toml"), "--out", str(tmp_path / "ici")]
        )
        == 0
    )
    assert (tmp_path / "ici" / "rapport.md").is_file()
    assert not list((tmp_path / "ici").glob("*.png"))  # figures = "none"


def test_init_never_overwrites(tmp_path, capsys):
    assert main(["init", str(tmp_path)]) == 0
    config = tmp_path / "config.toml"
    digest = hashlib.sha256(config.read_bytes()).hexdigest()
    assert main(["init", str(tmp_path), "--sample"]) == 2
    assert "exists already; coordogeo never overwrites it" in capsys.readouterr().err
    assert hashlib.sha256(config.read_bytes()).hexdigest() == digest
    text = config.read_text("utf-8")
    assert "# [index]" not in text and "[index]" in text and "# age_weights =" in text


@pytest.mark.parametrize(
    ("file", "content", "key", "message"),
    [
        ("roads", b"not a pbf", "routes.osm.pbf", "is not a readable OSM PBF file"),
        (
            "roads",
            b"<?xml version='1.0'?><graphml><graph",
            "r.graphml",
            "is not a complete GraphML file",
        ),
        (
            "communes",
            b"insee,population\n46042,100\n",
            "communes.csv",
            "is a table without geometry",
        ),
        (
            "communes",
            b"PK\x03\x04 not a geopackage",
            "communes_cassees.gpkg",
            "cannot be read as a vector",
        ),
        ("roads", b"a,b\n1,2\n", "routes.csv", "is a table without geometry"),
    ],
)
def test_broken_files_exit_2_with_one_line(
    sample_folder, tmp_path, capsys, file, content, key, message
):
    (sample_folder / "donnees" / key).write_bytes(content)
    old = {"roads": "donnees/routes.gpkg", "communes": "donnees/communes.gpkg"}[file]
    path = edited(sample_folder, f'"{old}"', f'"donnees/{key}"')
    assert main(["run", str(path), "--out", str(tmp_path / "o")]) == 2
    err = [
        line
        for line in capsys.readouterr().err.splitlines()
        if not line.startswith("[")
    ]
    assert len(err) == 1 and err[0].startswith("coordogeo: `inputs.")  # one line
    assert message in err[0] and key in err[0]
    assert not (tmp_path / "o").exists()


def test_an_output_folder_that_is_a_file_is_refused_before_any_work(
    sample_folder, tmp_path, capsys
):
    (tmp_path / "f").write_text("x", encoding="utf-8")
    assert (
        main(["run", str(sample_folder / "config.toml"), "--out", str(tmp_path / "f")])
        == 2
    )
    captured = capsys.readouterr()
    assert "is a file, not a folder" in captured.err and "[1/9]" not in captured.err


def test_debug_shows_the_traceback(sample_folder, tmp_path, capsys):
    path = edited(sample_folder, 'kinds = ["MSP", "CDS"]', 'kinds = ["XYZ"]')
    assert main(["--debug", "run", str(path), "--out", str(tmp_path / "o")]) == 2
    assert "Traceback (most recent call last)" in capsys.readouterr().err


def test_finess_rows_set_aside_are_counted_and_named(tmp_path, capsys):
    """Two Lot communes around Cahors, a FINESS file with unlocated rows, crow-fly."""
    centre = gpd.GeoSeries(gpd.points_from_xy([1.44], [44.4475]), crs=4326)
    x, y = centre.to_crs(2154).iloc[0].coords[0]
    squares = [
        shapely.box(x - 5e3, y - 5e3, x + 5e3, y + 5e3),
        shapely.box(x + 5e3, y - 5e3, x + 15e3, y + 5e3),
    ]
    gpd.GeoDataFrame(
        {
            "insee": ["46042", "46102"],
            "nom": ["Cahors", "Figeac"],
            "population": [20_000, 9_000],
        },
        geometry=squares,
        crs=2154,
    ).to_file(tmp_path / "communes.gpkg", engine="pyogrio")
    write_finess(tmp_path / "finess.csv")
    (tmp_path / "config.toml").write_text(
        '[inputs]\ncommunes = "communes.gpkg"\nfiness = "finess.csv"\n'
        '[index]\nmethod = "2sfca"\nfill_capacity = 1\n'
        '[underserved]\nn_sites = 0\n[outputs]\nfolder = "out"\n',
        encoding="utf-8",
    )
    assert main(["run", str(tmp_path / "config.toml")]) == 0
    err = capsys.readouterr().err
    assert "établissements FINESS sans coordonnées utilisables : 2 ligne(s)" in err
    report = json.loads((tmp_path / "out" / "rapport.json").read_text("utf-8"))
    aside = {row["what"]: row for row in report["set_aside"]}
    unlocated = aside["établissements FINESS sans coordonnées utilisables"]
    assert sorted(unlocated["examples"]) == ["460000052", "460000060"]
    corsica = aside["établissements FINESS hors des communes"]
    assert corsica["examples"] == ["2A0000029"]
    assert "(par département : 2A : 1)" in corsica["why"]
    # the file's six rows are all counted: the two overseas ones named, not lost
    assert report["inputs"][1]["rows"] == 6
    overseas = aside["établissements FINESS d'un autre territoire"]
    assert sorted(overseas["examples"]) == ["9A0000045", "9D0000037"]
    assert "(par département : 971 : 1, 974 : 1)" in overseas["why"]
    assert report["conservation"][0]["population"] == 29_000
    text = (tmp_path / "out" / "rapport.md").read_text("utf-8")
    assert "Modèle de temps : estimation à vol d’oiseau" in text  # in French


def test_help_lists_every_key(capsys):
    with pytest.raises(SystemExit) as done:
        main(["run", "--help"])
    assert done.value.code == 0
    text = capsys.readouterr().out
    assert "[inputs]" in text and "min_snapped_pct" in text and "--out" in text


@pytest.mark.parametrize("flag", ["--version", "--help"])
def test_version_and_help_import_nothing_heavy(flag):
    import subprocess  # noqa: PLC0415
    import sys  # noqa: PLC0415

    code = (
        "import sys\n"
        "from coordogeo.cli import main\n"
        f"try:\n    main([{flag!r}])\nexcept SystemExit:\n    pass\n"
        "heavy = [m for m in ('pandas', 'numpy', 'geopandas', 'numba', 'folium') "
        "if m in sys.modules]\n"
        "print('HEAVY', heavy)\n"
    )
    child = subprocess.run([sys.executable, "-c", code], capture_output=True,
                           text=True, check=True, timeout=60)  # fmt: skip
    assert "HEAVY []" in child.stdout  # well under half a second to answer
