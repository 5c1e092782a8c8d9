import pandas as pd
import pytest

from coordogeo import InputError
from coordogeo.io import read_filosofi_communes, read_insee_grid


def test_commune_file_with_secrecy_kept_missing(tmp_path):
    path = tmp_path / "base-cc-filosofi-2021.csv"
    path.write_bytes(
        "CODGEO;LIBGEO;MED21;TP6021\n46042;Cahors;21 030;17,5\n46001;Albas;s;s\n"
        "1053;Bourg;22150;\n".encode("cp1252")
    )
    out = read_filosofi_communes(path)
    assert out.index.tolist() == ["46042", "46001", "01053"]  # padded back
    assert out.loc["46042"].tolist() == [21_030.0, 17.5]
    assert out.loc["46001"].isna().all()  # secret: missing, never 0
    assert out.attrs == {"vintage": 2021, "secret": 3}


@pytest.mark.parametrize(
    ("table", "message"),
    [
        ({"CODGEO": ["46042"], "TP6021": ["1"]}, r"one median column `MEDyy`"),
        ({"CODGEO": ["46042"], "MED21": ["1"], "TP6019": ["1"]}, r"mixes vintages"),
        ({"CODGEO": ["46042", "46042"], "MED21": ["1", "2"]}, r"repeats INSEE"),
        (
            {"CODGEO": ["46042"], "MED21": ["vingt mille"]},
            r"not a number nor a secrecy mark",
        ),
    ],
)
def test_bad_commune_files(table, message):
    with pytest.raises(InputError, match=message):
        read_filosofi_communes(pd.DataFrame(table))


def test_grid_keeps_income_and_derives_means(tmp_path):
    path = tmp_path / "carreaux.csv"
    path.write_text(
        "Idcar_1km,Ind,Men,Men_pauv,Ind_snv\n"
        "CRS3035RES1000mN2400000E3650000,20,10,2,420000\n"
        "CRS3035RES1000mN2401000E3650000,0,0,0,0\n",
        encoding="utf-8",
    )
    cells = read_insee_grid(path)
    first = cells.iloc[0]
    assert first["niveau_vie_moyen"] == pytest.approx(21_000.0, abs=1e-9)
    assert first["part_menages_pauvres"] == pytest.approx(0.2, abs=1e-12)
    assert cells.iloc[1][["niveau_vie_moyen", "part_menages_pauvres"]].isna().all()
    path.write_text(
        "Idcar_1km,Ind,Ind_snv\nCRS3035RES1000mN2400000E3650000,20,beaucoup\n",
        encoding="utf-8",
    )
    with pytest.raises(
        InputError,
        match=r"`ind_snv` holds 1 value\(s\) that are not a number.*\['beaucoup'\]",
    ):
        read_insee_grid(path)


def test_a_grid_with_decimal_commas_reads_as_numbers(tmp_path):
    path = tmp_path / "carreaux.csv"
    path.write_text(
        "Idcar_1km;Ind;Ind_0_3\nCRS3035RES1000mN2400000E3650000;20,5;1,25\n",
        encoding="utf-8",
    )
    cells = read_insee_grid(path)
    assert cells["population"].tolist() == [20.5]
    assert cells["ind_0_3"].tolist() == [1.25]
