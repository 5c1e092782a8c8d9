"""The batch run on the sample: outputs, numbers, the report's ledger, bad inputs."""

import io
import json
from pathlib import Path

import numpy as np
import pandas as pd
import pyogrio
import pytest

import geopandas as gpd

from coordogeo.equity import concentration_index, gini
from coordogeo.pipeline import ConfigError, load_config, run
from tests.pipeline.conftest import edited

LAYERS = [
    "cpts",
    "communes_hors_cpts_ou_partagees",
    "temps_acces",
    "indice_communes",
    "zones_mal_desservies",
    "sites_proposes",
    "structures",
    "communes",
    *(f"scenario_{n}" for n in range(1, 7)),  # one per [[scenario]], one [compare]
]


def test_the_run_writes_maps_layers_tables_and_report(sample_run):
    folder = sample_run.config.folder
    names = {p.name for p in folder.iterdir()}
    assert {
        "carte_synthese.html",
        "carte_couverture.html",
        "carte_acces.html",
        "carte_indice.html",
        "carte_zones.html",
        "resultats.gpkg",
        "rapport.md",
        "rapport.json",
        "resultats_temps_par_type.csv",
        "resultats_zones.csv",
    } <= names
    layers = [n for n, _ in pyogrio.list_layers(folder / "resultats.gpkg")]
    assert layers == [*LAYERS, "layer_styles"]  # and their QGIS styles


def test_every_inhabitant_is_accounted_for(sample_run, sample):
    total = float(sample.population["population"].sum())
    report = json.loads((sample_run.config.folder / "rapport.json").read_text("utf-8"))
    for row in report["conservation"]:
        parts = row["within"] + row["beyond"] + row["off_network"]
        assert parts == pytest.approx(total, abs=1e-6)  # exact sums, float residue
        assert row["population"] == pytest.approx(total, abs=1e-6)
    u = report["underserved"]
    assert u["flagged"] + u["not_flagged"] == pytest.approx(total, abs=1e-6)
    assert u["in_zones"] + u["in_smaller_zones"] == pytest.approx(
        u["flagged"], abs=1e-6
    )
    cells = gpd.read_file(
        sample_run.config.folder / "resultats.gpkg", layer="temps_acces"
    )
    assert len(cells) == len(sample.population)  # nobody dropped
    # the GeoPackage keeps exact figures: a sum in QGIS gives the report's total
    assert np.allclose(cells["population"], sample.population["population"])
    assert cells["population"].sum() == pytest.approx(110_128, abs=1e-6)
    communes = gpd.read_file(
        sample_run.config.folder / "resultats.gpkg", layer="indice_communes"
    )
    assert communes["population"].sum() == pytest.approx(110_128, abs=1e-6)
    text = (sample_run.config.folder / "rapport.md").read_text("utf-8")
    assert "| MSP | 110\u202f128 | 108\u202f085 | 280 | 1\u202f763 |" in text
    # nothing set aside; the edge cells whose centre lies outside the generated
    # outlines are said, with the commune they are given to in times and index
    assert "| gardées (signalées) |" in text and "| écartées |" not in text
    assert "| carreaux hors des contours des communes | gardées (signalées) | 19 |" in (
        text
    )
    model = (
        "Modèle de temps : réseau routier (12966 nœuds ; vitesses des lignes "
        "fournies, coûts de virage ; trajets hors route à 20"
    )
    assert model in text  # the report speaks French throughout


def test_written_tables_are_french_with_units_and_percent(sample_run):
    folder = sample_run.config.folder
    raw = (folder / "resultats_temps_par_type.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # UTF-8 BOM for Excel
    table = pd.read_csv(
        folder / "resultats_temps_par_type.csv",
        sep=";",
        decimal=",",
        encoding="utf-8-sig",
        index_col=0,
    )
    assert table.loc["MSP", "population"] == 110_128  # whole inhabitants
    assert table.loc["MSP", "part_plus_20_min_pct"] == pytest.approx(25.3, abs=0.05)
    assert "part_non_accessible_pct" in table.columns
    cells = gpd.read_file(folder / "resultats.gpkg", layer="temps_acces")
    assert {
        "temps_min_MSP",
        "structure_proche_MSP",
        "accessible_MSP",
        "nom_commune",
    } <= set(cells.columns)
    assert not any(c.startswith(("travel_time", "share_")) for c in cells.columns)


def test_the_numbers_an_ars_would_read(sample_run):
    found = sample_run.underserved
    # the sample's roads with the car profile's turn costs (docs/time-model.md)
    assert len(found.zones) == 26
    assert float(found.zones["population"].sum()) == pytest.approx(20_594, abs=1)
    assert found.sites["step"].tolist() == [1, 2, 3]
    assert found.sites["share_covered"].is_monotonic_increasing
    assert found.covered_before == pytest.approx(0.747, abs=0.001)
    index = sample_run.index["apl_consultations_per_inhabitant"]
    # the supply is conserved: every consultation is offered to someone in 20 min
    offered = (index * sample_run.index["population_std"]).sum()
    capacity = sample_run.inputs.structures.query("kind in ['MSP', 'CDS', 'ESP']")
    fte = pd.to_numeric(capacity["capacity"]).sum()
    assert offered == pytest.approx(fte * 5_400, rel=1e-9)


def test_missing_capacities_are_an_error_unless_filled(sample_folder, tmp_path):
    sites = pd.read_csv(sample_folder / "donnees" / "structures.csv")
    sites.loc[sites["id"].isin(["MSP-03", "ESP-02"]), "capacity"] = None
    sites.to_csv(sample_folder / "donnees" / "structures_trous.csv", index=False)
    path = edited(sample_folder, "structures.csv", "structures_trous.csv")
    config = load_config(path).with_folder(tmp_path / "a")
    with pytest.raises(
        ConfigError,
        match=r"2 structure\(s\).*have no capacity, at "
        r"\['ESP-02', 'MSP-03'\]|\['MSP-03', 'ESP-02'\]",
    ):
        run(config)
    assert not (tmp_path / "a").exists()
    text = path.read_text("utf-8").replace("# fill_capacity = 0", "fill_capacity = 0")
    path.write_text(text, encoding="utf-8")
    result = run(load_config(path).with_folder(tmp_path / "b"))
    assert result.ledger.filled_rows[0]["rows"] == 2
    assert "complétées" in (tmp_path / "b" / "rapport.md").read_text("utf-8")


def test_roads_of_another_territory_stop_the_run(sample_folder, tmp_path, sample):
    far = sample.roads.assign(geometry=sample.roads.translate(xoff=300_000.0))
    far.to_file(sample_folder / "donnees" / "routes_ailleurs.gpkg", engine="pyogrio")
    path = edited(sample_folder, "routes.gpkg", "routes_ailleurs.gpkg")
    with pytest.raises(
        ConfigError,
        match=r"only 0 % of the places.*probably do not "
        r"cover the territory",
    ):
        run(load_config(path).with_folder(tmp_path / "r"))


def test_kinds_absent_from_the_structures(sample_folder, tmp_path):
    path = edited(sample_folder, 'kinds = ["MSP", "CDS"]', 'kinds = ["MSP", "XYZ"]')
    with pytest.raises(
        ConfigError, match=r"names \['XYZ'\], absent from the structures"
    ):
        run(load_config(path).with_folder(tmp_path / "k"))


def test_too_many_sites_is_an_error_not_a_clamp(sample_folder, tmp_path):
    path = edited(sample_folder, "# n_sites = 3", "n_sites = 500")
    with pytest.raises(ConfigError, match=r"`underserved.n_sites`"):
        run(load_config(path).with_folder(tmp_path / "n"))


def test_without_roads_the_crow_fly_model_is_said_everywhere(sample_folder, tmp_path):
    path = edited(sample_folder, 'roads = "donnees/routes.gpkg"', "")
    result = run(load_config(path).with_folder(tmp_path / "c"))
    assert result.places["time_model"].str.startswith("crow-fly").all()
    assert any("vol d'oiseau" in w for w in result.ledger.warnings)
    assert result.places["population"].sum() == pytest.approx(
        result.inputs.places["population"].sum(), abs=1e-6
    )


def test_quiet_from_python_progress_when_asked(sample_folder, tmp_path, capsys):
    stream = io.StringIO()
    run(
        load_config(sample_folder / "config.toml").with_folder(tmp_path / "q"),
        progress=stream,
    )
    assert "[10/10] GeoPackage, tableaux et rapport" in stream.getvalue()
    captured = capsys.readouterr()
    assert captured.out == ""


def test_access_by_standard_of_living_in_the_run(sample_run):
    fair = sample_run.equity
    assert fair is not None and fair.income == "niveau_vie_moyen"
    places = sample_run.places
    reach = places["travel_time_min_MSP"].notna()
    # the indices are those of the library on the reachable places
    w = places.loc[reach, "population"]
    t = places.loc[reach, "travel_time_min_MSP"]
    inc = places.loc[reach, "niveau_vie_moyen"]
    assert fair.indices.loc["Gini du temps d'accès", "value"] == pytest.approx(
        gini(t, w), abs=1e-12
    )
    ci = fair.indices.loc["Indice de concentration du temps (par niveau de vie)"]
    assert ci["value"] == pytest.approx(concentration_index(t, w, inc), abs=1e-12)
    assert ci["value"] < 0  # the sample's poorest live far from the town
    # every inhabitant is in a group; unreachable ones counted beyond 30 min
    assert fair.table["population"].sum() == pytest.approx(
        places["population"].sum(), abs=1e-6
    )
    assert fair.population_unreachable == pytest.approx(
        places.loc[~reach, "population"].sum(), abs=1e-6
    )
    assert set(places["income_third"].dropna().unique()) == {1, 2, 3}
    folder = sample_run.config.folder
    svg = (folder / "acces_niveau_vie.svg").read_text("utf-8")
    assert "Courbe de concentration" in svg
    assert "acces_niveau_vie.svg" in (folder / "carte_synthese.html").read_text("utf-8")
    assert "Niveau de vie × temps" in (folder / "carte_equite.html").read_text("utf-8")
    text = (folder / "rapport.md").read_text("utf-8")
    assert "### Accès selon le niveau de vie" in text and "Ratio de Palma" in text
    report = json.loads((folder / "rapport.json").read_text("utf-8"))
    assert len(report["equity"]["by_income"]) == 10
    table = pd.read_csv(folder / "resultats_acces_niveau_vie.csv", sep=";",
                        decimal=",", encoding="utf-8-sig")  # fmt: skip
    assert {"groupe", "population", "niveau_vie_min", "temps_moyen_min_MSP",
            "part_plus_20_min_pct"} <= set(table.columns)  # fmt: skip


def test_equity_off_or_without_income(sample_folder, tmp_path):
    path = edited(sample_folder, "# enabled = true", "enabled = false")
    result = run(load_config(path).with_folder(tmp_path / "off"))
    assert result.equity is None
    assert not (tmp_path / "off" / "acces_niveau_vie.svg").exists()
    path = edited(sample_folder, "# income = ", "income = 'revenu'\n# ")
    text = path.read_text("utf-8").replace("# enabled = true", "enabled = true")
    path.write_text(text, "utf-8")
    with pytest.raises(ConfigError, match=r"no 'revenu' column"):
        run(load_config(path).with_folder(tmp_path / "no"))


def test_communes_ranked_by_the_filosofi_commune_file(sample_folder, tmp_path, sample):
    codes = sample.communes.index
    medians = [f"{19_000 + 10 * i}" for i in range(len(codes))]
    medians[0] = "s"  # secret: kept missing, counted
    path = _ranked_by_commune_medians(sample_folder, codes, medians, "filosofi")
    result = run(load_config(path).with_folder(tmp_path / "f"))
    assert result.equity is not None and result.equity.income == "niveau_vie_median"
    first = codes[0]
    assert result.equity.population_without_income == pytest.approx(
        sample.communes.loc[first, "population"], abs=1e-9
    )
    aside = {r["what"]: r for r in result.ledger.aside_rows}
    assert aside["lieux sans niveau de vie médian communal"]["examples"] == [first]


def test_the_geopackage_carries_a_qgis_style_per_map_layer(sample_run):
    import sqlite3  # noqa: PLC0415
    import xml.etree.ElementTree as ET  # noqa: PLC0415

    path = sample_run.config.folder / "resultats.gpkg"
    with sqlite3.connect(path) as db:
        styles = dict(db.execute(
            "SELECT f_table_name, styleQML FROM layer_styles WHERE useAsDefault = 1"
        ))  # fmt: skip
        registered = db.execute(
            "SELECT data_type FROM gpkg_contents WHERE table_name = 'layer_styles'"
        ).fetchone()
        assert registered == ("attributes",)  # listed by GDAL and QGIS
        assert set(styles) == set(LAYERS)
        for name, text in styles.items():
            root = ET.fromstring(text.split("\n", 1)[1])
            rules = root.findall("renderer-v2/rules/rule")
            if not rules:  # the communes: outlines and names
                assert (
                    root.find("labeling/settings/text-style").get("fieldName") == "nom"
                )
                continue
            (total,) = db.execute(f'SELECT count(*) FROM "{name}"').fetchone()
            matched = sum(
                db.execute(
                    f'SELECT count(*) FROM "{name}" WHERE {r.get("filter")}'
                ).fetchone()[0]
                for r in rules
            )  # every feature in exactly one class (the rules are also SQL)
            assert matched == total, name
    db.close()


def test_maps_draw_an_image_past_the_configured_limit(
    sample_folder, sample_run, tmp_path
):
    grouped = "Lieux dessinés en image"
    for page in ("carte_acces.html", "carte_indice.html", "carte_equite.html"):
        html = (sample_run.config.folder / page).read_text(encoding="utf-8")
        assert grouped not in html  # the sample's places are drawn one by one
    limit = 'folder = "resultats"\nmap_max_places = 0'
    path = edited(sample_folder, 'folder = "resultats"', limit)
    result = run(load_config(path).with_folder(tmp_path / "g"))
    assert result.config.map_max_places == 0
    for page in ("carte_acces.html", "carte_indice.html", "carte_equite.html",
                 "carte_synthese.html"):  # fmt: skip
        html = (tmp_path / "g" / page).read_text(encoding="utf-8")
        assert grouped in html, page
    # the tables still hold every place
    assert len(result.places) == len(sample_run.places)


def test_one_income_for_everyone_is_said_not_ranked(sample_folder, tmp_path, sample):
    codes = sample.communes.index
    path = _ranked_by_commune_medians(sample_folder, codes, "19000", "egal")
    result = run(load_config(path).with_folder(tmp_path / "egal"))
    assert result.equity is None  # no deciles, no Palma built on rounding noise
    said = [w for w in result.ledger.warnings if "équité non calculés" in w]
    assert said == [
        (
            "indices d'équité non calculés : tous les lieux ont le même niveau de vie "
            "(19000 à 19000), aucun classement par revenu n'a de sens"
        )
    ]
    report = (tmp_path / "egal" / "rapport.md").read_text("utf-8")
    assert "équité non calculés" in report and "Palma" not in report


def test_an_apl_weighing_everyone_alike_runs(sample_folder, tmp_path):
    path = edited(
        sample_folder, "age_weights = {", "age_weights = { population = 1.0 }\n# ",
        name="alike.toml",
    )  # fmt: skip
    result = run(load_config(path).with_folder(tmp_path / "alike"))
    index = result.index["apl_consultations_per_inhabitant"]
    assert index.notna().all() and (index >= 0).all()
    # one weight for everyone: the standardised population is the population
    standard = result.index["population_std"].to_numpy()
    assert standard == pytest.approx(result.index["population"].to_numpy(), rel=1e-9)


def _ranked_by_commune_medians(
    folder: Path, codes: pd.Index, medians: object, name: str
) -> Path:
    """Write a Filosofi commune file and a config ranking the communes by it.

    The communes are the places (no grid), ranked by ``niveau_vie_median``; the
    index is an E2SFCA (the APL needs the grid's age bands).
    """
    pd.DataFrame({"CODGEO": codes, "MED21": medians, "TP6021": "12,5"}).to_csv(
        folder / "donnees" / f"{name}.csv", sep=";", index=False
    )
    path = edited(
        folder,
        'population = "donnees/carreaux.csv"',
        f'filosofi_communes = "donnees/{name}.csv"',
        name=f"{name}.toml",
    )
    text = path.read_text("utf-8")
    text = text.replace('# income = "niveau_vie_moyen"', 'income = "niveau_vie_median"')
    text = text.replace("[index]", "[index]\nmethod = 'e2sfca'\n# ", 1)
    text = text.replace('method = "apl"', "").replace(
        "age_weights =", "# age_weights ="
    )
    text = text.replace("apl_below = 2.5", "# apl_below = 2.5")
    path.write_text(text, "utf-8")
    return path


def test_sites_that_add_nobody_are_said_in_french(sample_folder, tmp_path):
    # candidates standing where MSPs already are: none brings anyone new
    sites = pd.read_csv(sample_folder / "donnees" / "structures.csv")
    msp = sites[sites["kind"] == "MSP"]
    msp.assign(id="c-" + msp["id"], name=msp["name"])[["id", "name", "x", "y"]].to_csv(
        sample_folder / "donnees" / "candidats_inutiles.csv", index=False
    )
    path = edited(sample_folder, "candidats.csv", "candidats_inutiles.csv",
                  name="inutiles.toml")  # fmt: skip
    result = run(load_config(path).with_folder(tmp_path / "inutiles"))
    assert len(result.underserved.sites) == 0
    assert any(w.startswith("sites proposés : 0 des 3 demandés") for w in
               result.ledger.warnings)  # fmt: skip
    report = (tmp_path / "inutiles" / "rapport.md").read_text("utf-8")
    assert "aucun des 3 sites demandés n'amène d'habitant de plus" in report
    assert "(aucun site demandé)" not in report and "Only 0" not in report


def test_the_workbook_and_tables_add_up_to_the_report(sample_run):
    from openpyxl import load_workbook  # noqa: PLC0415

    folder = sample_run.config.folder
    book = load_workbook(folder / "resultats.xlsx")
    assert "colonnes" in book.sheetnames and "population_a_portee" in book.sheetnames
    reach = book["population_a_portee"]
    head = [c.value for c in reach[1]]
    for row in reach.iter_rows(min_row=2, values_only=True):
        line = dict(zip(head, row, strict=True))
        assert all(isinstance(v, int) for k, v in line.items() if k.startswith("pop"))
        # within 30 min + beyond it on the roads + unreachable = everyone
        parts = (line["population_moins_30_min"]
                 + line["population_accessible_plus_30_min"]
                 + line["population_non_accessible"])  # fmt: skip
        assert parts == line["population"] == 110_128
    index = book["indice_communes_tableau"]
    codes = [r[1] for r in index.iter_rows(min_row=2, values_only=True)]
    assert codes[0] == "00001" and all(isinstance(c, str) for c in codes)
    meanings = {r[1]: r[2] for r in book["colonnes"].iter_rows(values_only=True)}
    assert meanings["population_non_accessible"].startswith("habitants hors réseau")
    csv = (folder / "resultats_population_a_portee.csv").read_text("utf-8-sig")
    assert "population_plus_30_min" not in csv  # one name, one meaning
    text = (folder / "resultats_indice_communes_tableau.csv").read_text("utf-8-sig")
    assert text.splitlines()[0].startswith('"nom";"insee";')  # no insee_index
    assert ';"00001";' in text.splitlines()[1]


def test_the_access_page_names_its_kind_and_each_place_s_structure(sample_run):
    page = (sample_run.config.folder / "carte_acces.html").read_text("utf-8")
    # the kind is in the title, not only in the layer control (hidden in print)
    assert "<title>Temps d&#x27;accès par la route : Maison de santé" in page
    structures = sample_run.inputs.structures
    name = structures.loc["MSP-07", "name"]
    shown = f"Structure la plus proche : {name} (MSP-07)"  # its name, then its id
    assert json.dumps(shown)[1:-1] in page  # as the page's JSON writes it


def test_an_english_run_prints_and_writes_no_french(sample_folder, tmp_path):
    path = edited(sample_folder, "[outputs]\n", '[outputs]\nlang = "en"\n',
                  name="english.toml")  # fmt: skip
    progress = io.StringIO()
    result = run(load_config(path).with_folder(tmp_path / "en"), progress=progress)
    from coordogeo.pipeline.report import console_summary  # noqa: PLC0415

    report = (tmp_path / "en" / "rapport.md").read_text("utf-8")
    said = progress.getvalue() + console_summary(result) + report
    # the run's own words; the sample's names (communes, structures, scenarios)
    # are French data and stay as given
    for french in (
        "lecture des données",
        "Gini du temps",
        "choisis parmi",
        "nouvelle à",
        " et APL",
        "habitants du carroyage",
        "optimum prouvé",
        "seules les ouvertures",
        " : ",
        " hab.)",
    ):
        assert french not in said, french  # fmt: skip
    assert "reading the inputs" in progress.getvalue()
    assert "Gini of the travel time" in report and "proved optimal" in report
    assert "MSP beyond 20 min and APL < 2.5" in report
