"""The run's GeoPackage as QGIS 3.22 opens it (Debian's python3-qgis, headless).

QGIS's Python is the system one, not the venv's: the checks run in
``tests/qgis/read_geopackage.py`` under it and come back as JSON. Skipped, saying
why, where QGIS is not installed (``.ci/run`` installs it).
"""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from coordogeo.cli import main
from coordogeo.maps import label

HERE = Path(__file__).parent
#: The Python that has QGIS's bindings (``COORDOGEO_QGIS_PYTHON`` to choose another).
QGIS_PYTHON = os.environ.get("COORDOGEO_QGIS_PYTHON", "/usr/bin/python3")
#: Layers with a second style (QGIS lists both): the equity map, the zonage.
SECOND_STYLES = {
    "temps_acces": 2,
    "indice_communes": 2,
    "cpts": 2,
    "communes_hors_cpts_ou_partagees": 2,
}


def _qgis_missing() -> str | None:
    """Why QGIS cannot be used here, or None."""
    try:
        found = subprocess.run(
            [QGIS_PYTHON, "-c", "import qgis.core"], capture_output=True, timeout=60,
            check=False,
        )  # fmt: skip
    except (OSError, subprocess.TimeoutExpired) as err:
        return f"no QGIS Python at {QGIS_PYTHON}: {err}"
    if found.returncode != 0:
        return (
            f"{QGIS_PYTHON} cannot import qgis.core (install Debian's python3-qgis): "
            + found.stderr.decode(errors="replace").strip().splitlines()[-1]
        )
    return None


pytestmark = pytest.mark.skipif(
    _qgis_missing() is not None, reason=str(_qgis_missing())
)


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("qgis") / "demo"
    assert main(["demo", "--out", str(out)]) == 0
    return out


@pytest.fixture(scope="module")
def everything(demo: Path, tmp_path_factory: pytest.TempPathFactory) -> dict:
    """Return what QGIS reads of the GeoPackage, its layouts exported to PNG."""
    out = tmp_path_factory.mktemp("layouts")
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    done = subprocess.run(
        [QGIS_PYTHON, str(HERE / "qgis" / "read_geopackage.py"),
         str(demo / "resultats.gpkg"), str(out)],
        capture_output=True, env=env, timeout=900, check=False,
    )  # fmt: skip
    err = done.stderr.decode(errors="replace")
    assert done.returncode == 0, err
    warnings = [line for line in err.splitlines() if line.startswith("Warning")]
    assert not warnings, warnings  # GDAL reads every table without a complaint
    return {**json.loads(done.stdout), "exported": out}


@pytest.fixture(scope="module")
def seen(everything: dict) -> dict:
    return everything["layers"]


def test_every_layer_opens_valid_titled_and_styled(seen):
    assert len(seen) >= 10
    for name, layer in seen.items():
        assert layer["valid"] and layer["features"] > 0, name
        assert layer["identifier"] and layer["identifier"] != name, name
        assert layer["description"], name
        # QGIS lists the layer's own styles only (one, or two for a second reading)
        assert layer["listed"] == SECOND_STYLES.get(name, 1), name
        assert all(style["loaded"] for style in layer["styles"]), name


def test_every_feature_falls_in_exactly_one_rule(seen):
    for name, layer in seen.items():
        for style in layer["styles"]:
            if style["renderer"] != "QgsRuleBasedRenderer":
                continue
            where = f"{name} / {style['name']}"
            assert style["parse_errors"] == [], where
            assert style["none"] == 0 and style["several"] == 0, where
            assert sum(style["counts"]) == layer["features"], where


def test_qgis_draws_what_the_web_draws(seen, demo):
    times = seen["temps_acces"]["styles"][0]
    assert times["labels"][-1] == label("off_network", "fr")  # off the roads
    assert times["colours"][-1] == "#d9d9d9"  # the web's light grey, not "no access"
    assert times["counts"][-1] > 0
    equity = next(
        s for s in seen["temps_acces"]["styles"] if "Niveau de vie" in s["name"]
    )
    assert len(equity["labels"]) == 10
    zonage = next(s for s in seen["indice_communes"]["styles"] if "Zonage" in s["name"])
    assert {"ZIP", "ZAC", "vivier", "hors vivier"} <= set(zonage["labels"])
    with sqlite3.connect(demo / "resultats.gpkg") as db:

        def one(query: str) -> str:
            return str(db.execute(query).fetchone()[0])

        sql = one("SELECT sql FROM sqlite_master WHERE name = 'structures'")
        styles = "SELECT styleQML FROM layer_styles WHERE f_table_name = "
        hatch = one(styles + "'communes_hors_cpts_ou_partagees' AND useAsDefault = 1")
        structures = one(styles + "'structures'")
        outlined = one(styles + "'cpts' AND useAsDefault = 0")
    db.close()
    assert '"date_ouverture" DATE' in sql
    badges = seen["structures"]["styles"][0]
    assert len(badges["labels"]) == 5
    assert 'class="FontMarker"' in structures and 'v="CS"' in structures  # letters
    assert '"square"' in structures or 'v="square"' in structures  # CS, C, D
    assert 'v="no"' in outlined  # the overview's CPTS: outlines, no fill
    assert "b_diagonal" in hatch  # communes in several CPTS hatched, as on the web


def test_the_geopackage_holds_a_project_with_a_layout_per_page(everything, demo):
    project = everything["project"]
    assert project["read"] and project["title"] == "Val-d'Ombre (territoire fictif)"
    assert "Couverture par les CPTS" in project["groups"]
    assert all(valid and count > 0 for valid, count, _ in project["layers"].values())
    titles = {name for _, _, name in project["layers"].values()}
    assert "Temps d'accès à la structure la plus proche" in titles
    pages = sorted(demo.glob("carte_*.html"))
    assert len(project["layouts"]) == len(pages)  # one print layout a page
    for name, layout in project["layouts"].items():
        assert layout["exported"] == 0, name  # QgsLayoutExporter.Success
        assert {"QgsLayoutItemMap", "QgsLayoutItemLegend", "QgsLayoutItemScaleBar",
                "QgsLayoutItemPicture"} <= set(layout["items"]), name  # fmt: skip
        with Image.open(everything["exported"] / layout["file"]) as image:
            width, height = image.size
            assert width > height  # A4 landscape
            # the map frame (left two thirds, below the title) shows the territory
            rows = slice(int(0.15 * height), int(0.85 * height))
            frame = np.asarray(image.convert("RGB"))[
                rows, int(0.05 * width) : int(0.6 * width)
            ]
        drawn = (frame.min(-1) < 200).mean()  # outlines, greys and colours
        assert drawn > 0.05, (name, drawn)  # an empty frame shows its border only
