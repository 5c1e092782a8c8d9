"""The QGIS plugin (Processing provider "coordogeo") in QGIS 3.22 itself.

The plugin's zip (``qgis_plugin/build.py``) is installed into a fresh QGIS
profile and every algorithm run through ``processing.run`` on the sample's
layers, under QGIS's Python (``tests/qgis/run_plugin.py``); what QGIS returned is
compared here with the library's own numbers on the same files. QGIS's Python
imports this coordogeo (the checkout and this venv's packages on its path), so it
must be the same Python version; skipped, saying why, where QGIS is absent or
another version.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import sysconfig
from pathlib import Path

import numpy as np
import pandas as pd
import pyogrio
import pytest

import geopandas as gpd

import coordogeo
from coordogeo import access, coverage, equity, scenarios, underserved
from coordogeo.datasets.sample import PLACEHOLDER_AGE_WEIGHTS
from coordogeo.network import RoadNetwork
from coordogeo.network.osm import profile_of
from coordogeo.pipeline.init import init_folder

HERE = Path(__file__).parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT / "qgis_plugin"))
from build import build  # noqa: E402

sys.path.pop(0)
#: GeoPackage 1.2: QGIS 3.22's GDAL warns on the 1.4 newer GDALs write
GPKG = {"VERSION": "1.2"}
QGIS_PYTHON = os.environ.get("COORDOGEO_QGIS_PYTHON", "/usr/bin/python3")


def _why_not() -> str | None:
    """Why the plugin cannot be run in QGIS here, or None."""
    code = "import sys, qgis.core; print('%d.%d' % sys.version_info[:2])"
    try:
        found = subprocess.run(
            [QGIS_PYTHON, "-c", code], capture_output=True, timeout=60, check=False
        )
    except (OSError, subprocess.TimeoutExpired) as err:
        return f"no QGIS Python at {QGIS_PYTHON}: {err}"
    if found.returncode != 0:
        return f"{QGIS_PYTHON} cannot import qgis.core (install Debian's python3-qgis)"
    ours = "{}.{}".format(*sys.version_info[:2])
    if found.stdout.decode().strip() != ours:
        return (
            f"QGIS's Python is {found.stdout.decode().strip()}, this venv's {ours}: "
            "QGIS cannot import this venv's coordogeo"
        )
    return None


pytestmark = pytest.mark.skipif(_why_not() is not None, reason=str(_why_not()))


@pytest.fixture(scope="module")
def layers(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Write the sample's layers as GeoPackages, as a cartographer has them."""
    out = tmp_path_factory.mktemp("couches")
    t = coordogeo.sample_territory()
    t.communes.reset_index(drop=True).to_file(out / "communes.gpkg", **GPKG)
    t.population.reset_index(drop=True).to_file(out / "carreaux.gpkg", **GPKG)
    t.roads.reset_index(drop=True).to_file(out / "routes.gpkg", **GPKG)
    structures = t.structures.reset_index(names="id")
    structures.to_file(out / "structures.gpkg", **GPKG)
    structures[structures["kind"] == "MSP"].to_file(out / "msp.gpkg", **GPKG)
    pyogrio.write_dataframe(t.cpts_members, out / "cpts.gpkg", driver="GPKG", **GPKG)
    whole = pd.DataFrame(
        {"cpts_id": "C1", "cpts_name": "Toute", "insee": t.communes["insee"]}
    )
    pyogrio.write_dataframe(whole, out / "cpts_complet.gpkg", driver="GPKG", **GPKG)
    ages = coverage.assign_to_communes(
        t.population, t.communes, columns=["population", *PLACEHOLDER_AGE_WEIGHTS]
    )
    ages.merge(t.communes[["insee", "nom"]]).to_file(out / "communes_ages.gpkg", **GPKG)
    (out / "age_weights.txt").write_text(
        ", ".join(f"{k}: {v}" for k, v in PLACEHOLDER_AGE_WEIGHTS.items())
    )
    candidates = t.communes[["insee", "nom", "geometry"]].copy()
    candidates["geometry"] = candidates.representative_point()
    candidates.to_file(out / "candidats.gpkg", **GPKG)
    opened = structures[structures["id"] == "MSP-02"].copy()
    opened["id"] = "NOUVELLE"
    opened["geometry"] = candidates.geometry.iloc[[50]].to_numpy()
    opened.to_file(out / "ouvrir.gpkg", **GPKG)
    return out


@pytest.fixture(scope="module")
def seen(layers: Path, tmp_path_factory: pytest.TempPathFactory) -> dict:
    """Install the zip in a fresh profile; run every algorithm in QGIS."""
    work = tmp_path_factory.mktemp("qgis_plugin")
    zipped = build(work / "dist")
    config = init_folder(work / "config", sample=True)
    text = config.read_text(encoding="utf-8")
    config.write_text(text.replace("[outputs]", '[outputs]\nfigures = "none"', 1))
    paths = [
        str(ROOT),
        sysconfig.get_paths()["purelib"],
        sysconfig.get_paths()["platlib"],
    ]
    env = {
        **os.environ,
        "QT_QPA_PLATFORM": "offscreen",
        "PYTHONPATH": os.pathsep.join(paths),
        "HOME": str(work),
    }
    out = work / "seen.json"
    done = subprocess.run(
        [
            QGIS_PYTHON,
            str(HERE / "qgis" / "run_plugin.py"),
            str(work / "profil"),
            str(zipped),
            str(layers),
            str(HERE / "qgis" / "reseau_puis_temps.model3"),
            str(config),
            str(out),
        ],
        capture_output=True,
        env=env,
        timeout=1200,
        check=False,
    )
    err = done.stderr.decode(errors="replace")
    assert done.returncode == 0, err[-4000:]
    assert "Traceback" not in err, err[-4000:]
    return json.loads(out.read_text(encoding="utf-8"))


def _read(source: str) -> pd.DataFrame:
    path, _, layer = source.partition("|layername=")
    return gpd.read_file(path, layer=layer) if layer else gpd.read_file(path)


@pytest.fixture(scope="module")
def library(layers: Path) -> dict:
    """Return the library's own results on the same files."""
    read = {p.stem: gpd.read_file(p) for p in layers.glob("*.gpkg")}
    roads = read["routes"]
    network = RoadNetwork.from_roads(roads, turn_costs=profile_of("car").turns)
    cells, structures = read["carreaux"], read["structures"]
    nearest = coordogeo.nearest(network, cells, structures, by="kind", max_time_min=60)
    return {"read": read, "network": network, "nearest": nearest}


def test_the_zip_installs_in_a_fresh_profile_and_offers_every_algorithm(seen):
    assert seen["profile_fresh"] and seen["available"] == ["coordogeo_qgis"]
    assert seen["metadata_name"] == "coordogeo"
    assert seen["loaded"] and seen["started"]
    assert len(seen["algorithms"]) == 12
    fr = seen["names_fr"]
    assert (
        fr["coordogeo:temps_acces"][0] == "Temps d'accès à la structure la plus proche"
    )
    assert fr["coordogeo:temps_acces"][1] == "Accès"
    assert "coordogeo.nearest" in fr["coordogeo:temps_acces"][2]  # the verb's help
    en = seen["names_en"]
    assert en["coordogeo:temps_acces"][0] == "Travel time to the nearest structure"
    assert "Road travel time from each origin" in en["coordogeo:temps_acces"][2]
    for key, (title, group, help_text) in fr.items():
        assert title and group and len(help_text) > 100, key
        assert title != en[key][0] or key.endswith(("isochrones", "zonage")), key


def test_the_network_is_the_librarys(seen, library):
    saved = RoadNetwork.load(seen["reseau_routier"]["results"]["OUTPUT"])
    assert saved.n_nodes == library["network"].n_nodes
    assert saved.n_edges == library["network"].n_edges


def _styled(output: dict, *, rules: int | None = None) -> None:
    assert output["valid"] and output["features"] > 0
    assert output["renderer"] == "RuleRenderer"
    assert output["styles_in_database"]  # the GeoPackage carries it for next time
    if rules is not None:
        assert len(output["rules"]) == rules


def test_travel_times_equal_the_librarys(seen, library):
    out = seen["temps_acces"]["OUTPUT"]
    _styled(out, rules=6)  # ≤ 10, 10–20, 20–30, > 30 min, out of reach, off the roads
    assert out["rules"][-1] == "Hors réseau routier"  # the web's grey, as the run's
    got, expected = _read(out["source"]), library["nearest"]
    assert len(got) == len(expected) == 3765
    for kind in ("MSP", "CDS", "ESP", "CPTS", "DAC"):
        np.testing.assert_allclose(
            got[f"temps_min_{kind}"], expected[f"travel_time_min_{kind}"], rtol=1e-12
        )
    assert "index" not in got and "id" not in got  # no row numbers as a column


def test_isochrones_matrix_and_indices_equal_the_librarys(seen, library):
    read, network = library["read"], library["network"]
    iso = access.isochrones(network, read["structures"], thresholds_min=(10, 20))
    got = _read(seen["isochrones"]["OUTPUT"]["source"])
    _styled(seen["isochrones"]["OUTPUT"])
    np.testing.assert_allclose(
        np.sort(got["surface_km2"]), np.sort(iso["area_km2"]), rtol=1e-9
    )
    matrix = access.travel_time_matrix(
        network,
        read["communes"].set_index("insee"),
        read["structures"].set_index("id"),
        max_time_min=30,
    ).to_table()
    table = _read(seen["matrice_temps"]["OUTPUT"]["source"])
    assert len(table) == len(matrix)
    assert list(table.columns[:3]) == ["origine", "destination", "temps_min"]
    assert table["temps_min"].sum() == pytest.approx(
        matrix["time_min"].sum(), rel=1e-12
    )
    fca = access.road_fca(
        network,
        read["carreaux"],
        read["structures"],
        max_time_min=30,
        method="e2sfca",
        decay="drees_apl",
    ).demand
    index = _read(seen["indice_e2sfca"]["OUTPUT"]["source"])
    _styled(seen["indice_e2sfca"]["OUTPUT"])
    column = next(c for c in fca if c.startswith("e2sfca_"))
    np.testing.assert_allclose(
        index.filter(like="e2sfca_").iloc[:, 0], fca[column], rtol=1e-12
    )
    communes = read["communes_ages"]
    apl = access.apl(
        communes,
        read["structures"],
        access.travel_time_matrix(
            network, communes, read["structures"], max_time_min=30
        ),
        age_weights=PLACEHOLDER_AGE_WEIGHTS,
        decay="drees_apl",
    )
    got = _read(seen["indice_apl"]["OUTPUT"]["source"])
    _styled(seen["indice_apl"]["OUTPUT"])
    np.testing.assert_allclose(
        got["apl_consultations_par_hab"],
        apl["apl_consultations_per_inhabitant"],
        rtol=1e-12,
    )
    zoned = underserved.zonage(apl, apl="apl_consultations_per_inhabitant")
    got = _read(seen["zonage"]["OUTPUT"]["source"])
    _styled(seen["zonage"]["OUTPUT"])
    counts = zoned["zonage"].astype(str).value_counts()
    assert got["zonage"].value_counts().to_dict() == counts[counts > 0].to_dict()


def test_coverage_zones_sites_equity_and_scenario_equal_the_librarys(seen, library):
    read, network = library["read"], library["network"]
    communes, members = (
        read["communes"],
        read["cpts"].drop(columns="geometry", errors="ignore"),
    )
    territories = coverage.cpts_territories(communes, members)
    got = _read(seen["couverture_cpts"]["TERRITORIES"]["source"])
    _styled(seen["couverture_cpts"]["TERRITORIES"], rules=len(territories))
    assert sorted(got["population"]) == pytest.approx(sorted(territories["population"]))
    odd = coverage.overlaps_and_gaps(communes, members)
    gaps = seen["couverture_cpts"]["GAPS"]
    _styled(gaps, rules=2)
    assert gaps["features"] == len(odd)
    complete = seen["couverture_complete"]
    assert complete["TERRITORIES"]["features"] == 1
    assert complete["GAPS"]["valid"] and complete["GAPS"]["features"] == 0  # empty
    nearest = library["nearest"]
    flagged = underserved.classify(
        nearest, [underserved.travel_time_above(20, column="travel_time_min_MSP")]
    )
    zones = underserved.zones(flagged, time_column="travel_time_min_MSP")
    got = _read(seen["zones_mal_desservies"]["OUTPUT"]["source"])
    _styled(seen["zones_mal_desservies"]["OUTPUT"])
    assert len(got) == len(zones)
    assert got["population"].sum() == pytest.approx(
        zones["population"].sum(), rel=1e-12
    )
    candidates = read["candidats"].copy()
    candidates.index = [f"candidat_{n}" for n in range(len(candidates))]
    sites = underserved.suggest_sites(
        network, read["carreaux"], read["msp"], candidates, n_sites=2, max_time_min=20
    )
    got = _read(seen["sites_proposes"]["OUTPUT"]["source"])
    _styled(seen["sites_proposes"]["OUTPUT"], rules=1)
    assert list(got["insee"]) == list(sites["insee"])
    assert list(got["population_gagnee"]) == pytest.approx(
        list(sites["population_gain"])
    )
    fair = equity.by_income(nearest, "travel_time_min_MSP", income="niveau_vie_moyen")
    table = _read(seen["acces_niveau_vie"]["OUTPUT"]["source"])
    assert table["population"].tolist() == pytest.approx(
        fair.table["population"].tolist()
    )
    assert table["temps_moyen_min"].tolist() == pytest.approx(
        fair.table["mean_travel_time_min_MSP"].tolist()
    )
    kept = nearest[["travel_time_min_MSP", "niveau_vie_moyen", "population"]].dropna()
    ci = equity.concentration_index(
        kept["travel_time_min_MSP"], kept["population"], kept["niveau_vie_moyen"]
    )
    assert seen["acces_niveau_vie"]["results"]["CONCENTRATION_INDEX"] == pytest.approx(
        ci
    )
    structures = read["structures"].set_index("id")
    opened = read["ouvrir"].set_index(pd.Index(["nouvelle_1"]))
    before = scenarios.baseline(network, read["carreaux"], structures, max_time_min=30)
    after = scenarios.apply(
        before, open=opened, close=["MSP-01", "CDS-02"], name="après"
    )
    found = scenarios.compare(before, after)
    got = _read(seen["scenario"]["OUTPUT"]["source"])
    _styled(seen["scenario"]["OUTPUT"])
    assert len(got) == len(found.places)  # every place, none dropped
    assert got["population"].sum() == pytest.approx(found.places["population"].sum())
    np.testing.assert_allclose(
        got["temps_apres_min_MSP"], found.places["time_after_min_MSP"], rtol=1e-12
    )


def test_mistakes_give_the_librarys_message_and_cancel_stops(seen):
    assert seen["bad_kind"]["error"].startswith(
        "STRUCTURES_KIND: the layer has no field 'nope'"
    )
    assert "Traceback" not in seen["bad_kind"]["error"]
    assert seen["bad_roads"]["error"].startswith("Donnez un fichier OSM")
    assert seen["bad_roads_en"]["error"].startswith("Give an OSM file")
    assert "AGE_WEIGHTS" in seen["bad_weights"]["error"]
    assert seen["cancelled"]["error"] == "Annulé : rien n'a été écrit."
    stopped = seen["configuration_cancelled"]
    assert stopped["error"] == "Annulé : rien n'a été écrit."
    assert stopped["left"] == []  # the staged outputs removed
    assert any(
        "structures_proches" in line or "10" in line for line in seen["log_lines"]
    )
    assert seen["progress"] and max(seen["progress"]) <= 100


def test_the_modeler_chains_two_algorithms(seen, library):
    assert seen["model_loaded"]
    assert seen["model_children"] == [
        "coordogeo:reseau_routier",
        "coordogeo:temps_acces",
    ]
    out = seen["model"]["coordogeo:temps_acces_1:temps"]
    _styled(out, rules=6)
    got = _read(out["source"])
    np.testing.assert_allclose(
        got["temps_min_MSP"], library["nearest"]["travel_time_min_MSP"], rtol=1e-12
    )


def test_a_configuration_run_adds_its_styled_outputs_to_the_project(seen):
    ran = seen["configuration"]
    assert "error" not in ran, ran.get("error")
    gpkg = ran["results"]["GEOPACKAGE"]
    assert Path(gpkg).name == "resultats.gpkg"
    listed = pyogrio.list_layers(gpkg)
    spatial = [name for name, kind in listed if kind is not None]
    loaded = ran["project_layers"]
    assert len(loaded) == len(spatial)
    assert all(valid for _, valid, _ in loaded)
    styled = {name: renderer for name, _, renderer in loaded}
    assert styled.pop("Communes") == "singleSymbol"  # outlines, labelled, as the run's
    assert set(styled.values()) == {"RuleRenderer"}  # each its GeoPackage's style
    assert "Territoires des CPTS" in {name for name, _, _ in loaded}
    assert ran["progress"] and ran["progress"] == sorted(ran["progress"])
    assert any(line.startswith("[1/") for line in ran["log"])


def test_without_the_library_the_plugin_loads_and_says_how_to_install_it(tmp_path):
    zipped = build(tmp_path / "dist")
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "HOME": str(tmp_path)}
    env.pop("PYTHONPATH", None)  # QGIS's Python as installed: no coordogeo
    done = subprocess.run(
        [
            QGIS_PYTHON,
            str(HERE / "qgis" / "plugin_without_library.py"),
            str(tmp_path / "profil"),
            str(zipped),
        ],
        capture_output=True,
        env=env,
        timeout=300,
        check=False,
    )
    err = done.stderr.decode(errors="replace")
    assert done.returncode == 0, err[-3000:]
    assert "Traceback" not in err, err[-3000:]
    seen = json.loads(done.stdout.decode().strip().splitlines()[-1])
    assert seen["loaded"] and seen["started"]  # it loads all the same
    assert not seen["provider"]  # no algorithm that would fail
    (text,) = [message for _, message in seen["messages"]]
    assert text.startswith("La bibliothèque Python coordogeo est introuvable")
    for where in ("OSGeo4W Shell", "python3 -m pip install --user", "QGIS.app"):
        assert where in text
