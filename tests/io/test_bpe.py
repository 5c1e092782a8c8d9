"""INSEE's geolocated BPE: equipments of some types as structures."""

import pandas as pd
import pytest

from coordogeo.errors import InputError
from coordogeo.io import read_bpe


def _bpe(sample):
    communes = sample.communes
    inside = communes.geometry.iloc[0].representative_point()
    return pd.DataFrame(
        {
            "DEPCOM": [
                communes.index[0],
                communes.index[4],
                "46042",
                communes.index[0],
            ],
            "TYPEQU": ["D201", "D201", "D201", "D307"],
            "LAMBERT_X": [f"{inside.x:.1f}".replace(".", ","), "", "574700", "1"],
            "LAMBERT_Y": [f"{inside.y:.1f}".replace(".", ","), "", "6372300", "1"],
            "QUALITE_XY": ["Bonne", "Non géolocalisé", "Bonne", "Bonne"],
        }
    )


def test_gps_in_the_communes_placed_or_put_in_their_commune(sample):
    communes = sample.communes
    gp = read_bpe(_bpe(sample), communes=communes, kind="MG")
    assert len(gp) == 2 and gp.attrs["outside"] == 1  # 46042 is not a commune here
    assert gp["kind"].tolist() == ["MG", "MG"]
    assert gp["placed_at"].tolist() == ["coordinates", "commune"]
    assert gp["name"].tolist() == ["médecin généraliste"] * 2
    assert gp["capacity"].tolist() == [1.0, 1.0]
    assert str(gp.crs) == str(communes.crs)
    # each point lies in its own commune, the unplaced one at its commune's point
    for (_, row), code in zip(gp.iterrows(), gp["insee"], strict=True):
        assert communes.geometry.loc[code].buffer(1).contains(row.geometry)


def test_bad_bpe_files_are_named(sample):
    with pytest.raises(InputError, match="has no QUALITE_XY column"):
        read_bpe(_bpe(sample).drop(columns="QUALITE_XY"))
    with pytest.raises(InputError, match=r"no equipment of type\(s\) \['D999'\]"):
        read_bpe(_bpe(sample), types=["D999"])
