import pandas as pd
import pyogrio
import pytest

import geopandas as gpd

from coordogeo.errors import InputError
from coordogeo.io import GeoPackageAbout, write_results


@pytest.fixture
def frames(sample):
    table = pd.DataFrame({"kind": ["MSP", "CDS"], "share": [0.5, 0.25]})
    return sample.communes.head(5), table


def test_geopackage_layers_and_csv_tables(frames, tmp_path):
    communes, table = frames
    cat = communes.assign(band=pd.Categorical(["a"] * 5))
    written = write_results(tmp_path / "out.gpkg", communes=cat, resume=table)
    assert [p.name for p in written] == ["out.gpkg", "out_resume.csv"]
    assert [n for n, _ in pyogrio.list_layers(tmp_path / "out.gpkg")] == ["communes"]
    back = gpd.read_file(tmp_path / "out.gpkg", layer="communes")
    assert back["insee"].tolist() == communes["insee"].tolist()
    assert back["band"].tolist() == ["a"] * 5
    text = (tmp_path / "out_resume.csv").read_text(encoding="utf-8-sig")
    assert text.splitlines() == ['"kind";"share"', '"MSP";0,5', '"CDS";0,25']
    # a second run replaces the file: no layer left from the first
    write_results(tmp_path / "out.gpkg", autres=communes)
    assert [n for n, _ in pyogrio.list_layers(tmp_path / "out.gpkg")] == ["autres"]


def test_geoparquet_folder(frames, tmp_path):
    communes, table = frames
    written = write_results(tmp_path / "sorties", communes=communes, resume=table)
    assert [p.name for p in written] == ["communes.parquet", "resume.csv"]
    back = gpd.read_parquet(tmp_path / "sorties" / "communes.parquet")
    assert back.crs == communes.crs and len(back) == 5
    assert "insee" in back


def test_bad_layers_write_nothing(frames, tmp_path):
    communes, _ = frames
    with pytest.raises(InputError, match="no layer"):
        write_results(tmp_path / "a.gpkg")
    with pytest.raises(InputError, match="would not read well in QGIS"):
        write_results(tmp_path / "a.gpkg", **{"2 communes": communes})
    with pytest.raises(InputError, match="have no CRS"):
        write_results(
            tmp_path / "a.gpkg", c=communes.set_crs(None, allow_override=True)
        )
    with pytest.raises(InputError, match=r"must end with \.gpkg"):
        write_results(tmp_path / "a.shp", c=communes)
    with pytest.raises(InputError, match="not DataFrames"):
        write_results(tmp_path / "a.gpkg", c=[1, 2])  # type: ignore[arg-type]
    assert list(tmp_path.iterdir()) == []


def test_styles_go_to_the_layer_styles_table(frames, tmp_path):
    import sqlite3  # noqa: PLC0415

    communes, table = frames
    style = "<!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYSTEM'>\n<qgis/>"
    write_results(tmp_path / "out.gpkg", communes=communes, resume=table,
                  styles={"communes": style})  # fmt: skip
    layers = [n for n, _ in pyogrio.list_layers(tmp_path / "out.gpkg")]
    assert layers == ["communes", "layer_styles"]
    with sqlite3.connect(tmp_path / "out.gpkg") as db:
        rows = db.execute(
            "SELECT f_table_name, f_geometry_column, styleQML, useAsDefault "
            "FROM layer_styles"
        ).fetchall()
    db.close()
    assert rows == [("communes", "geom", style, 1)]
    with pytest.raises(InputError, match=r"`styles` names \['resume'\]"):
        write_results(tmp_path / "b.gpkg", communes=communes, resume=table,
                      styles={"resume": style})  # fmt: skip
    assert not (tmp_path / "b.gpkg").exists()  # nothing half-written


def test_a_layer_given_as_a_function_is_made_when_written(frames, tmp_path):
    communes, table = frames
    made: list[str] = []

    def later(name, frame):
        def make():
            # each layer is made only once the ones before it are written
            made.append(f"{name} after {len(list(tmp_path.rglob('*.gpkg')))} gpkg")
            return frame

        return make

    written = write_results(
        tmp_path / "out.gpkg", communes=later("communes", communes),
        resume=later("resume", table), styles={"communes": "<qgis/>"},
    )  # fmt: skip
    assert made == ["communes after 0 gpkg", "resume after 1 gpkg"]
    assert [p.name for p in written] == ["out.gpkg", "out_resume.csv"]
    back = gpd.read_file(tmp_path / "out.gpkg", layer="communes")
    assert back["insee"].tolist() == communes["insee"].tolist()
    # a made frame is checked as a given one; nothing is moved into place
    no_crs = communes.set_crs(None, allow_override=True)
    with pytest.raises(InputError, match=r"Layers \['c'\] have no CRS"):
        write_results(tmp_path / "b.gpkg", a=communes, c=lambda: no_crs)
    with pytest.raises(InputError, match=r"Layers \['c'\] are not DataFrames"):
        write_results(tmp_path / "b.gpkg", a=communes, c=lambda: [1, 2])
    assert not (tmp_path / "b.gpkg").exists()


HOSTILE = [
    '=HYPERLINK("http://x";"clic")',
    "+1+1",
    "-2+3",
    "@SUM(1;1)",
    "=CMD|' /C calc'!A0",
    "\tTab",
    "\rRetour",
    "Saint-Céré",
]


def test_no_text_cell_of_a_csv_starts_a_formula(tmp_path):
    table = pd.DataFrame(
        {
            "nom": HOSTILE,
            "population": [-1, 2, 3, 4, 5, 6, 7, 8],  # numbers stay numbers
            "part": [0.5, -0.25, 1, 2, 3, 4, 5, 6],
        },
        index=pd.Index(["=1+1", *"abcdefg"], name="=code"),
    )
    for dialect, (sep, encoding) in {"excel": (";", "utf-8-sig"),
                                     "plain": (",", "utf-8")}.items():  # fmt: skip
        (path,) = write_results(tmp_path / dialect, csv=dialect, t=table)
        back = pd.read_csv(path, sep=sep, encoding=encoding, dtype=str,
                           keep_default_na=False)  # fmt: skip
        cells = [*back.columns, *back.to_numpy().ravel().tolist()]
        texts = [c for c in cells if not _is_number(c)]
        assert texts, "the table has text cells"
        starts = [c for c in texts if c[:1] in ("=", "+", "-", "@", "\t", "\r")]
        assert starts == []  # no text cell a spreadsheet would run
        assert back["nom"].tolist()[:5] == ["'" + h for h in HOSTILE[:5]]
        assert back["nom"].tolist()[-1] == "Saint-Céré"  # other texts unchanged
        assert back.columns[0] == "'=code" and back["'=code"].iloc[0] == "'=1+1"
        assert back["population"].iloc[0] == "-1"  # a number, not neutralised


def _is_number(text: str) -> bool:
    try:
        float(text.replace(",", "."))
    except ValueError:
        return False
    return True


def test_a_file_coordogeo_did_not_write_is_never_replaced(frames, tmp_path):
    communes, table = frames
    mine = tmp_path / "out_resume.csv"
    mine.write_text("mes notes", encoding="utf-8")
    with pytest.raises(InputError, match=r"holds \['out_resume.csv'\], which"):
        write_results(tmp_path / "out.gpkg", communes=communes, resume=table)
    assert mine.read_text(encoding="utf-8") == "mes notes"
    assert not (tmp_path / "out.gpkg").exists()  # nothing written at all
    mine.unlink()
    write_results(tmp_path / "out.gpkg", communes=communes, resume=table)
    write_results(tmp_path / "out.gpkg", communes=communes, resume=table)  # again
    manifest = (tmp_path / "coordogeo-manifest.json").read_text(encoding="utf-8")
    assert '"out.gpkg"' in manifest and '"out_resume.csv"' in manifest


def test_tables_keep_codes_and_counts_in_csv_and_workbook(tmp_path):
    from openpyxl import load_workbook  # noqa: PLC0415

    table = pd.DataFrame(
        {
            "insee": ["01001", "2A004", "=1+1"],
            "population": pd.array([32937, 5, None], dtype="Int64"),
            "part_pct": [87.5, 100.0, None],
            "apl": [3.52, 0.25, 1.0],
            "nom": ['Le "Bourg"', "Saint-Cirq; Lapopie", "-x"],
        }
    )
    written = write_results(
        tmp_path / "r.gpkg", resume=table, xlsx=True, meanings=lambda c: f"<{c}>"
    )
    assert [p.name for p in written] == ["r_resume.csv", "r.xlsx"]
    lines = (tmp_path / "r_resume.csv").read_text("utf-8-sig").splitlines()
    # texts quoted (codes whole), counts without decimals, a missing count empty
    assert lines[1] == '"01001";32937;87,5;3,52;"Le ""Bourg"""'
    assert lines[2] == '"2A004";5;100;0,25;"Saint-Cirq; Lapopie"'
    assert lines[3] == '"\'=1+1";;;1;"\'-x"'
    back = pd.read_csv(
        tmp_path / "r_resume.csv", sep=";", decimal=",", dtype={"insee": str}
    )
    assert back["insee"].tolist()[:2] == ["01001", "2A004"]
    book = load_workbook(tmp_path / "r.xlsx")
    assert book.sheetnames == ["resume", "colonnes"]
    sheet = book["resume"]
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    assert rows[0] == ("01001", 32937, 87.5, 3.52, 'Le "Bourg"')
    assert rows[2][0] == "'=1+1" and sheet["A4"].data_type == "s"  # never a formula
    assert isinstance(rows[0][1], int) and sheet["C2"].number_format == "0.0"
    assert sheet["D2"].number_format == "0.00"
    meanings = list(book["colonnes"].iter_rows(min_row=2, values_only=True))
    assert meanings[0] == ("resume", "insee", "<insee>")


def test_titles_dates_and_second_styles_as_qgis_reads_them(frames, tmp_path):
    import sqlite3  # noqa: PLC0415

    communes, _ = frames
    opened = pd.to_datetime(["2009-02-01", None, "2021-06-30", "2015-01-01", None])
    stamped = pd.to_datetime(["2009-02-01 08:30"] * 5)
    layer = communes.assign(ouverture=opened, horodatage=stamped)
    write_results(
        tmp_path / "out.gpkg", communes=layer, lang="en",
        styles={"communes": "<qgis/>", "communes:Zonage": "<qgis/>"},
        about=GeoPackageAbout(
            titles={"communes": ("Communes of the territory", "One row per commune.")}
        ),
    )  # fmt: skip
    with sqlite3.connect(tmp_path / "out.gpkg") as db:
        contents = db.execute(
            "SELECT identifier, description FROM gpkg_contents "
            "WHERE table_name = 'communes'"
        ).fetchone()
        styles = db.execute(
            "SELECT styleName, useAsDefault, update_time, description "
            "FROM layer_styles ORDER BY id"
        ).fetchall()
        table = db.execute("SELECT sql FROM sqlite_master WHERE name = 'communes'")
        sql = table.fetchone()[0]
        dates = db.execute("SELECT ouverture FROM communes ORDER BY fid").fetchall()
        version = db.execute("PRAGMA user_version").fetchone()[0]
    db.close()
    assert contents == ("Communes of the territory", "One row per commune.")
    assert [(name, default) for name, default, *_ in styles] == [
        ("communes", 1), ("Zonage", 0)
    ]  # fmt: skip
    day = pd.Timestamp.now(tz="UTC").strftime("%Y-%m-%dT00:00:00.000Z")
    assert {s[2] for s in styles} == {day}  # dated: QGIS lists one style each
    assert {s[3] for s in styles} == {
        "coordogeo: the classes and colours of the web map"
    }
    # a day is a GeoPackage DATE; a time of day stays a DATETIME
    assert '"ouverture" DATE' in sql and '"horodatage" DATETIME' in sql
    assert dates == [
        ("2009-02-01",),
        (None,),
        ("2021-06-30",),
        ("2015-01-01",),
        (None,),
    ]
    assert version == 10200  # GeoPackage 1.2: QGIS 3.22 reads it without a warning
    with pytest.raises(InputError, match=r"`titles` names \['autre'\]"):
        write_results(tmp_path / "b.gpkg", communes=communes,
                      about=GeoPackageAbout(titles={"autre": ("A", "B")}))  # fmt: skip
