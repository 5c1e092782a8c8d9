"""Tables as written for people: French names, whole inhabitants, French texts."""

import re

import pandas as pd

from coordogeo import RoadNetwork
from coordogeo._columns import french_time_model
from coordogeo.access import apl, crowfly_matrix, road_fca, travel_time_matrix
from coordogeo.access.matrix import CROWFLY_MODEL, TABLE_MODEL, TravelTimeMatrix
from coordogeo.pipeline.tables import french_table


def test_the_time_model_is_written_in_french_and_missing_stays_missing():
    road = "road network (301240 nodes; off-road legs at 15 km/h)"
    frame = pd.DataFrame({
        "population": [1.4, 2.6, 3.0, 4.0],
        "time_model": pd.Categorical([
            road, f"{road}; searched in blocks of sites; 5 min within a commune",
            None, f"{TABLE_MODEL} (times given by the user, ≤ 45 min)",
        ]),
    })  # fmt: skip
    out = french_table(frame)
    assert out["modele_temps"].tolist()[:2] == [
        "réseau routier (301240 nœuds ; trajets hors route à 15 km/h)",
        (
            "réseau routier (301240 nœuds ; trajets hors route à 15 km/h) ; recherche "
            "par blocs de sites ; 5 min dans la commune"
        ),
    ]
    assert pd.isna(out["modele_temps"].iloc[2])
    assert out["modele_temps"].iloc[3] == (
        "table externe (temps fournis par l’utilisateur, ≤ 45 min)"
    )
    assert isinstance(out["modele_temps"].dtype, pd.CategoricalDtype)
    assert out["population"].tolist() == [1, 3, 3, 4]
    assert frame["time_model"].iloc[0] == road  # the caller's frame is left alone


def test_a_crow_fly_model_and_an_unknown_text():
    frame = pd.DataFrame({"time_model": [
        (f"{CROWFLY_MODEL} (straight line × 1.3 at 50 km/h; fallback without road "
        "data)"), "my own model",
    ]})  # fmt: skip
    assert french_table(frame)["modele_temps"].tolist() == [
        (
            "estimation à vol d’oiseau (ligne droite × 1,3 à 50 km/h ; faute de réseau "
            "routier)"
        ),
        "my own model",
    ]


ENGLISH = ("road", "nodes", "legs", "searched", "within", "straight", "fallback",
           "external", "given", "estimate")  # fmt: skip


def test_every_time_model_the_library_writes_has_a_french_text(sample):
    network = RoadNetwork.from_roads(sample.roads)
    cells = sample.population.iloc[:40]
    msp = sample.structures[sample.structures["kind"] == "MSP"].assign(capacity=1.0)
    road = travel_time_matrix(network, cells, msp, max_time_min=20)
    table = TravelTimeMatrix.from_table(road.to_table())
    communes = sample.communes.set_index("insee").iloc[:5].assign(a=1.0)
    by_commune = TravelTimeMatrix.from_table(pd.DataFrame({
        "origin": communes.index, "destination": communes.index, "time_min": 10.0,
    }))  # fmt: skip
    supply = pd.DataFrame({"capacity": 1.0}, index=communes.index)
    texts = [
        road.description,
        crowfly_matrix(cells, msp, speed_kmh=47.5).description,
        table.description,
        road_fca(network, cells, msp, max_time_min=20).demand["time_model"].iloc[0],
        apl(communes, supply, by_commune, age_weights={"a": 1.0},
            intra_commune_min=2.5)["time_model"].iloc[0],
    ]  # fmt: skip
    for text in texts:
        french = french_time_model(text)
        assert not any(word in french for word in ENGLISH), (text, french)
        assert not re.search(r"\d\.\d", french), french  # decimal commas


def test_every_page_that_draws_times_says_how_they_were_made(sample_run):
    folder = sample_run.config.folder
    model = "Temps de trajet : réseau routier (12966 nœuds ; vitesses des lignes "
    pages = sorted(p.name for p in folder.glob("carte_*.html"))
    without = [
        name
        for name in pages
        if model not in (folder / name).read_text(encoding="utf-8")
    ]
    assert without == ["carte_couverture.html"]  # CPTS coverage: no times drawn
