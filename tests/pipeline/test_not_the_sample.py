"""The batch run on a territory that is NOT the sample: what a cartographer's files do.

Thirty square communes of the Ain (codes 01001…: the leading zero a spreadsheet
loses), GP counts per commune as the BPE publishes them (no coordinates, tiny
indices per inhabitant), most communes far from any GP (ties at 0), crow-fly times;
then the same run with a grid that covers three communes only. Every page's title,
legend classes and ranking text, and every table's codes and totals are checked.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import geopandas as gpd
import shapely

from coordogeo.pipeline import load_config, run

SIDE_M = 4_000.0
N_SIDE = 6  # 36 communes, 6 x 6


def _territory(folder: Path) -> pd.DataFrame:
    """Write communes, GP counts by commune, a config; return the communes."""
    rng = np.random.default_rng(7)
    x0, y0 = 860_000.0, 6_560_000.0  # the Ain, Lambert-93
    rows = []
    for k in range(N_SIDE * N_SIDE):
        i, j = divmod(k, N_SIDE)
        rows.append(
            {
                "insee": f"01{k + 1:03d}",
                "nom": f"Commune {k + 1}",
                "population": int(rng.integers(80, 4_000)),
                "geometry": shapely.box(x0 + j * SIDE_M, y0 + i * SIDE_M,
                                        x0 + (j + 1) * SIDE_M, y0 + (i + 1) * SIDE_M),
            }
        )  # fmt: skip
    communes = gpd.GeoDataFrame(rows, crs="EPSG:2154")
    communes.to_file(folder / "communes.gpkg", engine="pyogrio")
    # GPs in the first row of communes only: the far side has none within 15 min
    gp = pd.DataFrame({"code_insee": ["01001", "01002", "01004"],
                       "nb_medecins": [3, 1, 2]})  # fmt: skip
    gp.to_csv(folder / "medecins.csv", index=False)
    (folder / "config.toml").write_text(
        '[inputs]\ncommunes = "communes.gpkg"\nstructures = "medecins.csv"\n'
        'structures_kind = "MG"\n'
        '[parameters]\nkinds = ["MG"]\n'
        '[index]\nmethod = "2sfca"\ncapacity = "nb_medecins"\nmax_time_min = 10\n'
        "[underserved]\nn_sites = 0\n"
        '[outputs]\nfolder = "out"\ntitle = "Ain (test)"\n',
        encoding="utf-8",
    )
    return communes


@pytest.fixture(scope="module")
def ain(tmp_path_factory: pytest.TempPathFactory):
    folder = tmp_path_factory.mktemp("ain")
    communes = _territory(folder)
    result = run(load_config(folder / "config.toml"))
    return folder, communes, result


def test_the_index_page_says_what_it_computed(ain):
    folder, _, result = ain
    page = (folder / "out" / "carte_indice.html").read_text("utf-8")
    assert "<title>Indice 2SFCA — Ain (test)</title>" in page
    assert "Accessibilité potentielle localisée" not in page  # not the APL
    legend = page.split("(capacité pour 100 000 hab.)</span>")[1].split("Sans")[0]
    classes = re.findall(r"</span></span>([^<]+)</div>", legend)
    assert classes[0] == "≤ 0"  # the communes without a GP in reach, one class
    assert len(set(classes)) == len(classes) >= 2
    assert "0,00 – 0,00" not in page
    values = result.index[result.index_column]
    zeros = int((values == 0).sum())
    assert zeros > 10  # ties at 0, said above the ranking
    assert re.search(rf"{zeros} lieux ex æquo à 0(,0+)? ; la table en montre 10", page)


def test_the_report_and_the_tables_say_the_same_and_keep_the_codes(ain):
    folder, communes, result = ain
    out = folder / "out"
    report = (out / "rapport.md").read_text("utf-8")
    # the GP table by commune is placed in its communes, and said
    assert "structures sans coordonnées, placées dans leur commune" in report
    assert "Indice 2SFCA (capacité pour 100 000 hab.)" in report
    mean = float(
        (result.index[result.index_column] * result.index["population"]).sum()
        / result.index["population"].sum()
        * 1e5
    )
    assert f"{mean:.2f}".replace(".", ",") in report
    table = (out / "resultats_indice_communes_tableau.csv").read_text("utf-8-sig")
    lines = table.splitlines()
    assert '"insee"' in lines[0] and "indice_2sfca_pour_100k_hab" in lines[0]
    assert ';"01001";' in lines[1] or lines[1].startswith('"01001"')
    total = int(communes["population"].sum())
    from openpyxl import load_workbook  # noqa: PLC0415

    book = load_workbook(out / "resultats.xlsx")
    sheet = book["indice_communes_tableau"]
    head = [c.value for c in sheet[1]]
    rows = [dict(zip(head, r, strict=True))
            for r in sheet.iter_rows(min_row=2, values_only=True)]  # fmt: skip
    assert rows[0]["insee"] == "01001"  # text, its zero kept
    assert sum(r["population"] for r in rows) == total
    reach = book["population_a_portee"]
    head = [c.value for c in reach[1]]
    line = dict(zip(head, next(reach.iter_rows(min_row=2, values_only=True)),
                    strict=True))  # fmt: skip
    assert line["population"] == total
    data = json.loads((out / "rapport.json").read_text("utf-8"))
    checks = {c["what"]: c for c in data["checks"]}
    assert checks["structures hors des communes"]["ok"]


def test_a_grid_of_a_few_communes_is_said_loudly(ain, tmp_path, capsys):
    folder, communes, _ = ain
    # a 1 km grid over three communes only: 3 % of the inhabitants
    cells = []
    for code in ("01001", "01002", "01003"):
        box = communes.set_index("insee").geometry.loc[code]
        x0, y0, _, _ = box.bounds
        for i in range(4):
            for j in range(4):
                cells.append(
                    {"x": x0 + 500 + 1000 * j, "y": y0 + 500 + 1000 * i,
                     "population": 10.0}
                )  # fmt: skip
    pd.DataFrame(cells).to_csv(tmp_path / "grid.csv", index=False)
    text = (
        (folder / "config.toml")
        .read_text("utf-8")
        .replace(
            "[inputs]\n",
            f'[inputs]\npopulation = "{(tmp_path / "grid.csv").as_posix()}"\n'
            'population_crs = "EPSG:2154"\npopulation_cell_m = 1000\n',
        )
    )
    config = tmp_path / "config.toml"
    config.write_text(
        text.replace('communes = "communes.gpkg"',
                     f'communes = "{(folder / "communes.gpkg").as_posix()}"')
        .replace('structures = "medecins.csv"',
                 f'structures = "{(folder / "medecins.csv").as_posix()}"'),
        encoding="utf-8",
    )  # fmt: skip
    run(load_config(config))
    report = (tmp_path / "out" / "rapport.md").read_text("utf-8")
    grid = 3 * 16 * 10
    total = int(communes["population"].sum())
    line = next(x for x in report.splitlines() if "habitants du carroyage" in x)
    assert line.startswith("- ⚠")  # said loudly, with both figures
    assert f"{grid} hab. dans les carreaux" in line
    assert f"{total:,}".replace(",", "\u202f") + " dans les communes" in line
    communes_line = next(x for x in report.splitlines() if "moins de la moitié" in x)
    assert communes_line.startswith("- ⚠") and "36 sur 36" in communes_line


def test_the_index_layer_is_styled_in_qgis_with_the_web_classes(ain):
    import sqlite3  # noqa: PLC0415

    folder, _, _ = ain
    with sqlite3.connect(folder / "out" / "resultats.gpkg") as db:
        (style,) = db.execute(
            "SELECT styleQML FROM layer_styles WHERE f_table_name = 'indice_communes'"
        ).fetchone()
    # plain numbers in the rules (a numpy float once wrote np.float64(17.5), which
    # QGIS cannot parse: every commune fell in no class)
    assert "np.float64" not in style and "np." not in style
    assert 'label="≤ 0"' in style and "indice_2sfca_pour_100k_hab" in style
    page = (folder / "out" / "carte_indice.html").read_text("utf-8")
    legend = page.split("(capacité pour 100 000 hab.)</span>")[1].split("Sans")[0]
    classes = re.findall(r"</span></span>([^<]+)</div>", legend)
    for label in classes:  # the same classes on the web and in QGIS
        assert f'label="{label}"' in style
