import pyogrio
import pytest

import geopandas as gpd

from coordogeo.cli import main


def test_demo_runs_end_to_end(tmp_path, capsys, sample):
    assert main(["demo", "--out", str(tmp_path)]) == 0
    printed = capsys.readouterr().out
    assert "MSP" in printed and "CDS" in printed and "> 30 min" in printed
    assert "Population dans au moins une CPTS : 96\u202f354 (87,5\u202f%)" in printed
    assert "Communes hors CPTS : 47 (13\u202f774 hab." in printed
    assert "Population à moins de 10 / 20 / 30 min d'une MSP" in printed
    html = (tmp_path / "carte_acces.html").read_text(encoding="utf-8")
    assert "Temps de trajet (min)" in html
    html = (tmp_path / "carte_couverture.html").read_text(encoding="utf-8")
    assert "Couverture par les CPTS" in html and "Commune hors CPTS" in html
    html = (tmp_path / "carte_apl.html").read_text(encoding="utf-8")
    assert "C./an/hab." in html and "Accessibilité potentielle localisée" in html
    assert "APL moyenne pondérée par la population : 4,67 C./an/hab." in printed
    layers = [name for name, _ in pyogrio.list_layers(tmp_path / "resultats.gpkg")]
    assert layers == [
        "cpts",
        "communes_hors_cpts_ou_partagees",
        "acces_carreaux",
        "apl_communes",
        "zones_mal_desservies",
        "sites_proposes",
        "structures",
        "communes",
    ]
    html = (tmp_path / "carte_zones.html").read_text(encoding="utf-8")
    assert "Zones mal desservies" in html and "Sites propos" in html
    assert (
        "Zones mal desservies (MSP à plus de 20 min et APL < 2,5) : 29 zones" in printed
    )
    assert "Trois nouvelles MSP" in printed and "  3. " in printed
    zones = gpd.read_file(tmp_path / "resultats.gpkg", layer="zones_mal_desservies")
    assert (
        zones["zone_id"].iloc[0] == "Z001"
        and zones["population"].is_monotonic_decreasing
    )
    flagged = "20\u202f267 hab."
    assert flagged in printed
    assert zones["population"].sum() == pytest.approx(20_267, abs=1)
    apl_layer = gpd.read_file(tmp_path / "resultats.gpkg", layer="apl_communes")
    assert set(apl_layer["zonage"]) <= {"ZIP", "ZAC", "vivier", "hors vivier"}
    apl = gpd.read_file(tmp_path / "resultats.gpkg", layer="apl_communes")
    assert len(apl) == len(sample.communes)
    assert apl["time_model"].str.startswith("road network").all()
    cpts = gpd.read_file(tmp_path / "resultats.gpkg", layer="cpts")
    assert cpts["population"].sum() == 96_354 + 795  # shared communes in both
    cells = gpd.read_file(tmp_path / "resultats.gpkg", layer="acces_carreaux")
    # every inhabitant is in the output, reachable or not
    assert cells["population"].sum() == pytest.approx(
        sample.population["population"].sum(), abs=1e-6
    )
    assert len(cells) == len(sample.population)


def test_demo_twice_rewrites_the_geopackage(tmp_path):
    assert main(["demo", "--out", str(tmp_path)]) == 0
    assert main(["demo", "--out", str(tmp_path), "--lang", "en"]) == 0
    assert "Travel time (min)" in (tmp_path / "carte_acces.html").read_text("utf-8")
    assert len(pyogrio.list_layers(tmp_path / "resultats.gpkg")) == 8
