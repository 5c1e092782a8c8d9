"""Tables as written for people: French names, whole inhabitants, French texts."""

import pandas as pd

from coordogeo.access.matrix import CROWFLY_MODEL, TABLE_MODEL
from coordogeo.pipeline.write import french_table


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
            "estimation à vol d’oiseau (ligne droite × 1.3 à 50 km/h ; faute de réseau "
            "routier)"
        ),
        "my own model",
    ]
