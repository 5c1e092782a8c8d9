import warnings

import pandas as pd
import pytest

import geopandas as gpd
from shapely import box

from coordogeo import InputError
from coordogeo.io import read_communes, read_cpts_members, update_insee_codes

LOT_COMMUNES, LOT_POPULATION = 312, 176_473  # SOURCES.md

HISTORY = pd.DataFrame(
    {  # INSEE mvtcommune layout, codes made up
        "MOD": ["32", "32", "32", "21", "21"],
        "DATE_EFF": ["2016-01-01", "2016-01-01", "2019-01-01", "2020-01-01",
                     "2020-01-01"],
        "TYPECOM_AV": ["COM"] * 5,
        "COM_AV": ["46001", "46002", "46003", "46009", "46009"],
        "TYPECOM_AP": ["COM"] * 5,
        "COM_AP": ["46003", "46003", "46004", "46009", "46010"],
    }
)  # fmt: skip


def test_update_follows_chains_and_sums_merged_populations():
    table = pd.DataFrame(
        {"insee": ["46001", "46002", "46004", "46005"], "population": [10, 20, 30, 5],
         "nom": ["a", "b", "c", "d"]}
    )  # fmt: skip
    out = update_insee_codes(table, history=HISTORY)
    # 46001 and 46002 became 46003 in 2016, which became 46004 in 2019
    assert out.index.tolist() == ["46004", "46005"]
    assert out["population"].tolist() == [60, 5]
    assert out["insee_placed"].all()
    assert table["insee"].tolist()[0] == "46001"  # input untouched


def test_a_split_commune_and_an_unknown_code_are_reported_not_dropped():
    table = pd.DataFrame({"insee": ["46009", "46777"], "population": [1, 2]})
    # 46009 split into 46009 and 46010 in 2020: its population has no single code
    with pytest.warns(UserWarning, match=r"2 INSEE code\(s\).*\['46009', '46777'\]"):
        out = update_insee_codes(
            table, history=HISTORY, current={"46009", "46010"} - {"46009"} | {"46004"}
        )
    assert out["population"].sum() == 3 and not out["insee_placed"].any()


def test_geometries_are_dissolved():
    frame = gpd.GeoDataFrame(
        {"insee": ["46003", "46004"], "population": [1.0, 2.0]},
        geometry=[box(0, 0, 1, 1), box(1, 0, 2, 1)], crs=2154,
    )  # fmt: skip
    out = update_insee_codes(frame, history=HISTORY)
    assert len(out) == 1 and out.geometry.iloc[0].area == pytest.approx(2.0)


def test_read_cpts_members_rows_and_cells(tmp_path, sample):
    csv = tmp_path / "cpts.csv"
    csv.write_text(
        "ID_CPTS;Nom;Communes\nC1;CPTS du Causse;00001, 00002|00003\nC2;CPTS B;0004\n",
        encoding="cp1252",
    )
    out = read_cpts_members(csv, communes=sample.communes)
    assert out["insee"].tolist() == ["00001", "00002", "00003", "00004"]
    assert out["cpts_name"].tolist()[0] == "CPTS du Causse"
    bad = tmp_path / "bad.csv"
    bad.write_text("cpts_id,insee\nC1,46042\n", encoding="utf-8")
    with pytest.raises(
        InputError, match=r"absent from `communes`: \['46042'\].*update_insee_codes"
    ):
        read_cpts_members(bad, communes=sample.communes)
    xlsx = tmp_path / "cpts.xlsx"
    pd.DataFrame({"cpts_id": ["C1"], "insee": ["00005"]}).to_excel(xlsx, index=False)
    assert read_cpts_members(xlsx)["cpts_name"].tolist() == ["C1"]


def test_the_lot_communes_and_their_populations(shared_data):
    communes = read_communes(shared_data / "lot46_communes.geojson")
    assert len(communes) == LOT_COMMUNES and communes.crs.equals(2154)
    assert communes["population"].sum() == LOT_POPULATION
    assert communes.index.name == "insee" and "nom" in communes
    joined = read_communes(
        shared_data / "lot46_communes.geojson",
        population=shared_data / "lot46_population_communes.csv",
    )
    assert joined["population"].sum() == LOT_POPULATION


def test_the_2018_layer_mapped_to_current_codes(shared_data):
    """Build the history from the two real layers, then merge the 2018 communes."""
    now = read_communes(shared_data / "lot46_communes.geojson")
    old = read_communes(shared_data / "lot46_communes_2018_gregoiredavid.geojson")
    assert len(old) == 320
    gone = old[~old.index.isin(now.index)]
    where, _ = now.sindex.nearest(gone.representative_point(), return_all=False,
                                  return_distance=True)  # fmt: skip
    history = pd.DataFrame(
        {"DATE_EFF": "2019-01-01", "TYPECOM_AV": "COM", "TYPECOM_AP": "COM",
         "COM_AV": gone.index[where[0]], "COM_AP": now.index[where[1]]}
    )  # fmt: skip
    assert len(history) == 8  # SOURCES.md: eight 2018 codes no longer exist
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        out = update_insee_codes(old, history=history, current=set(now.index))
    assert sorted(out.index) == sorted(now.index)
    # same territory: the dissolved 2018 communes cover the current ones
    assert out.area.sum() == pytest.approx(now.area.sum(), rel=0.02)


def test_read_communes_bad_input(tmp_path):
    layer = gpd.GeoDataFrame(
        {"CODE": ["46001", "97411"], "POPULATION": [1, 2]},
        geometry=[box(574_000, 6_370_000, 575_000, 6_371_000)] * 2, crs=2154,
    )  # fmt: skip
    path = tmp_path / "communes.geojson"
    layer.to_file(path)
    with pytest.raises(InputError, match="spans several territories"):
        read_communes(path)
    layer.iloc[:1].rename(columns={"CODE": "x"}).to_file(tmp_path / "nocode.geojson")
    with pytest.raises(InputError, match="has no INSEE code column"):
        read_communes(tmp_path / "nocode.geojson")
    one = tmp_path / "one.geojson"
    layer.iloc[:1].to_file(one)
    table = pd.DataFrame({"insee": ["46002"], "population": [3]})
    with pytest.raises(InputError, match=r"1 commune\(s\) have no population"):
        read_communes(one, population=table)


def test_admin_express_geopackage_picks_the_commune_layer(tmp_path):
    square = box(574_000, 6_370_000, 575_000, 6_371_000)
    path = tmp_path / "ADMIN-EXPRESS.gpkg"
    gpd.GeoDataFrame({"INSEE_DEP": ["46"]}, geometry=[square], crs=2154).to_file(
        path, layer="departement", engine="pyogrio"
    )
    gpd.GeoDataFrame(
        {"INSEE_COM": ["46042"], "NOM": ["Cahors"], "POPULATION": [20_050]},
        geometry=[square], crs=2154,
    ).to_file(path, layer="commune", engine="pyogrio")  # fmt: skip
    out = read_communes(path)
    assert out.index.tolist() == ["46042"]
    assert out[["nom", "population"]].values.tolist() == [["Cahors", 20_050]]
