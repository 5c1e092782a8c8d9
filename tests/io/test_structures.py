import pandas as pd
import pytest

from coordogeo import InputError
from coordogeo.access import crowfly_matrix
from coordogeo.io import open_by, read_communes, read_structures


def test_a_table_with_lonlat_needs_its_crs(tmp_path, sample):
    table = tmp_path / "msp.csv"
    lonlat = sample.structures.to_crs(4326).geometry
    pd.DataFrame(
        {"id": ["a", "b"], "nom": ["MSP <A>", "MSP B"], "lon": lonlat.x[:2],
         "lat": lonlat.y[:2]}
    ).to_csv(table, index=False)  # fmt: skip
    out = read_structures(table, kind="MSP", crs="EPSG:4326", communes=sample.communes)
    assert out.index.tolist() == ["a", "b"] and out.crs.equals(2154)
    assert out["name"].tolist() == ["MSP <A>", "MSP B"]
    assert (out["kind"] == "MSP").all()
    assert out["insee"].tolist() == sample.structures["insee"].tolist()[:2]
    with pytest.raises(InputError, match="pass their `crs`"):
        read_structures(table)
    pd.DataFrame({"lon": [1.0, None], "lat": [44.0, 44.1]}).to_csv(table, index=False)
    with pytest.raises(
        InputError, match=r"no usable coordinates on 1 row\(s\), at \[1\]"
    ):
        read_structures(table, crs="EPSG:4326")


def test_lot_hospitals_as_structures(shared_data):
    communes = read_communes(shared_data / "lot46_communes.geojson")
    hospitals = read_structures(
        shared_data / "lot46_voisins_hopitaux_eurostat.geojson", kind="hospital",
        communes=communes,
    )  # fmt: skip
    assert len(hospitals) == 216 and hospitals.index.name == "finess"
    inside = hospitals[hospitals["in_communes"]]
    # SOURCES.md: 29 of them lie inside the Lot polygons, in 11 communes
    assert len(inside) == 29 and inside["insee"].nunique() == 11
    # the crow-fly fallback gives every Lot commune a nearest hospital time
    matrix = crowfly_matrix(communes, hospitals, speed_kmh=60, max_time_min=90)
    best = matrix.to_table().groupby("origin")["time_min"].min()
    assert len(best) == len(communes) and best.max() < 90


def test_opening_dates_are_read_and_filter_by_date(tmp_path):
    path = tmp_path / "s.csv"
    pd.DataFrame(
        {"id": ["A", "B", "C", "D"], "kind": "MSP", "x": [600_000.0] * 4,
         "y": [6_400_000.0] * 4,
         "date_opened": ["2015-03-01", "01/06/2021", "", "2019-01-01"]}
    ).to_csv(path, index=False)  # fmt: skip
    sites = read_structures(path, crs="EPSG:2154")
    assert sites["date_opened"].tolist()[:2] == [
        pd.Timestamp("2015-03-01"), pd.Timestamp("2021-06-01")
    ]  # fmt: skip
    assert pd.isna(sites.loc["C", "date_opened"])
    with pytest.warns(UserWarning, match=r"1 structures have no opening date.*'C'"):
        kept, later, undated = open_by(sites, "2019-01-01")
    assert list(kept.index) == ["A", "C", "D"] and (later, undated) == (1, 1)
    with pytest.raises(InputError, match="`as_of` must be a date"):
        open_by(sites, "l'an dernier")
    with pytest.raises(InputError, match="no opening date: give a `date_opened`"):
        open_by(sites.drop(columns="date_opened"), "2019-01-01")
    bad = tmp_path / "bad.csv"
    pd.read_csv(path).assign(date_opened=["2015-03-01", "bientôt", "", "x"]).to_csv(
        bad, index=False
    )
    with pytest.raises(InputError, match=r"not dates on 2 row\(s\).*'B', 'D'"):
        read_structures(bad, crs="EPSG:2154")


def test_a_semicolon_table_with_decimal_commas_reads_its_coordinates(tmp_path):
    table = tmp_path / "msp.csv"
    table.write_text(
        "id;kind;x;y\nA;MSP;574 812,5;6 370 415,25\nB;MSP;575000;6370000\n",
        encoding="cp1252",
    )
    out = read_structures(table, crs="EPSG:2154")
    assert out.geometry.x.tolist() == [574812.5, 575000.0]
    assert out.geometry.y.tolist() == [6370415.25, 6370000.0]


def test_a_path_in_the_other_unicode_form_finds_the_file(tmp_path):
    import unicodedata  # noqa: PLC0415

    folder = tmp_path / unicodedata.normalize("NFC", "données")
    folder.mkdir()
    (folder / "msp.csv").write_text("id,kind,x,y\nA,MSP,575000,6370000\n")
    nfd = tmp_path / unicodedata.normalize("NFD", "données") / "msp.csv"
    assert str(nfd) != str(folder / "msp.csv")  # they only look the same
    out = read_structures(nfd, crs="EPSG:2154")
    assert out.index.tolist() == ["A"]


def test_structures_as_geoparquet(tmp_path, sample):
    path = tmp_path / "s.parquet"
    sample.structures.to_parquet(path)
    out = read_structures(path)
    assert len(out) == len(sample.structures) and out.crs.equals(2154)


def test_a_capacity_written_as_text_is_read_as_a_number(tmp_path):
    path = tmp_path / "s.csv"
    rows = "id;kind;x;y;capacity\nA;MSP;574700;6372300;5,3\nB;MSP;575000;6372000;\n"
    path.write_text(rows, "utf-8")
    sites = read_structures(path, crs="EPSG:2154")
    assert sites["capacity"].tolist()[0] == 5.3
    assert sites["capacity"].isna().tolist() == [False, True]
