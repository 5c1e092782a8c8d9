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

import pytest

from coordogeo.cli import main
from coordogeo.maps import label

HERE = Path(__file__).parent
#: The Python that has QGIS's bindings (``COORDOGEO_QGIS_PYTHON`` to choose another).
QGIS_PYTHON = os.environ.get("COORDOGEO_QGIS_PYTHON", "/usr/bin/python3")
#: Layers with a second style (QGIS lists both): the equity map, the zonage.
SECOND_STYLES = {"temps_acces": 2, "indice_communes": 2}


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
def seen(demo: Path) -> dict:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    done = subprocess.run(
        [QGIS_PYTHON, str(HERE / "qgis" / "read_geopackage.py"),
         str(demo / "resultats.gpkg")],
        capture_output=True, env=env, timeout=600, check=False,
    )  # fmt: skip
    err = done.stderr.decode(errors="replace")
    assert done.returncode == 0, err
    warnings = [line for line in err.splitlines() if line.startswith("Warning")]
    assert not warnings, warnings  # GDAL reads every table without a complaint
    return json.loads(done.stdout)


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
        sql = db.execute(
            "SELECT sql FROM sqlite_master WHERE name = 'structures'"
        ).fetchone()[0]
        hatch = db.execute(
            "SELECT styleQML FROM layer_styles "
            "WHERE f_table_name = 'communes_hors_cpts_ou_partagees'"
        ).fetchone()[0]
    db.close()
    assert '"date_ouverture" DATE' in sql
    assert "b_diagonal" in hatch  # communes in several CPTS hatched, as on the web
