"""Each input's vintage, read from its file or given, in every source line."""

import sqlite3

import pytest

from coordogeo.pipeline import load_config, run
from coordogeo.pipeline.config import ConfigError
from tests.pipeline.conftest import edited

VINTAGES = 'vintages = ["communes: COG 2024", "population: INSEE RP 2021"]\n'


@pytest.fixture(scope="module")
def dated(sample_folder):
    path = edited(
        sample_folder, "[outputs]\n", "[outputs]\n" + VINTAGES, name="dated.toml"
    )
    text = path.read_text(encoding="utf-8").replace(
        'folder = "resultats"', 'folder = "resultats_dates"'
    )
    path.write_text(text, encoding="utf-8")
    return run(load_config(path))


def test_vintages_go_to_the_maps_the_report_and_the_geopackage(dated):
    folder = dated.config.folder
    report = (folder / "rapport.md").read_text(encoding="utf-8")
    assert "| millésime |" in report
    assert "| inputs.communes | communes.gpkg | COG 2024 |" in report
    line = report.split("Ligne de sources des cartes : ", 1)[1].splitlines()[0]
    assert line.startswith("données fictives")  # the config's source first
    assert line.endswith(" ; COG 2024 ; INSEE RP 2021")  # then each vintage
    page = (folder / "carte_acces.html").read_text(encoding="utf-8")
    assert "COG 2024 ; INSEE RP 2021 — traitement coordogeo" in page
    with sqlite3.connect(folder / "resultats.gpkg") as db:
        (metadata,) = db.execute(
            "SELECT metadata FROM gpkg_metadata WHERE md_scope = 'dataset'"
        ).fetchone()
    db.close()
    assert '<MDI key="vintage_communes">COG 2024</MDI>' in metadata
    assert "INSEE RP 2021</MDI>" in metadata


@pytest.mark.parametrize(
    ("vintages", "message"),
    [
        ('["matrix: 2026"]', "'matrix' is not an input of the config"),
        ('["COG 2024"]', "is not 'key: vintage'"),
        ('["communes:  "]', "is not 'key: vintage'"),
    ],
)
def test_a_vintage_must_date_an_input_given(sample_folder, vintages, message):
    path = edited(
        sample_folder, "[outputs]\n", f"[outputs]\nvintages = {vintages}\n",
        name="bad_vintages.toml",
    )  # fmt: skip
    with pytest.raises(ConfigError, match=message):
        load_config(path)
