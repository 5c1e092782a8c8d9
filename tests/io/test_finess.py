import pandas as pd
import pytest

from pyproj import Transformer
from shapely import Point

from coordogeo import InputError
from coordogeo.io import read_finess
from coordogeo.io.finess import STRUCTURE_FIELDS
from tests.io.finess_fixture import finess_lines, write_finess


@pytest.mark.parametrize("encoding", ["utf-8", "cp1252", "utf-16"])
def test_metropole_rows_in_lambert93_with_kind_insee_and_flags(tmp_path, encoding):
    out = read_finess(write_finess(tmp_path / "f.csv", encoding=encoding))
    assert out.crs.equals(2154)
    assert out.index.tolist() == ["460000011", "2A0000029", "460000052", "460000060"]
    assert out["kind"].tolist() == ["MSP", "CDS", "other", "MSP"]
    assert out["insee"].tolist() == ["46042", "2A004", "46042", "46102"]
    assert out.loc["460000011", "name"] == "MSP « Quercy » & <Santé>"
    # written to 0.1 m in Lambert-93, read back through lon/lat: 0.1 m tolerance
    x, y = Transformer.from_crs(4326, 2154, always_xy=True).transform(1.44, 44.4475)
    cahors = out.geometry.loc["460000011"]
    assert (cahors.x, cahors.y) == pytest.approx((x, y), abs=0.1)
    assert out["located"].tolist() == [True, True, False, False]
    assert out.loc["460000052", "location_issue"] == "no coordinates"
    assert out.loc["460000060", "location_issue"] == "outside its territory"
    assert out.geometry.loc["460000052"].is_empty
    assert out.loc["2A0000029", "epsg"] == "EPSG:2154"


def test_a_file_mixing_utf8_and_cp1252_lines_reads_each_line_right(tmp_path):
    lines = finess_lines()
    accented = [i for i, line in enumerate(lines) if not line.isascii()]
    assert len(accented) >= 2  # the fixture has accents on several records
    first = accented[0]  # one record pasted from a UTF-8 file, the rest cp1252
    raw = b"".join(
        (line + "\r\n").encode("utf-8" if i == first else "cp1252")
        for i, line in enumerate(lines)
    )
    (tmp_path / "f.csv").write_bytes(raw)
    with pytest.warns(UserWarning, match=rf"mixes encodings: 1 line\(s\) in UTF-8 "
                      rf"\(line\(s\) \[{first + 1}\]\)"):  # fmt: skip
        out = read_finess(tmp_path / "f.csv")
    want = read_finess(write_finess(tmp_path / "u.csv"))
    pd.testing.assert_frame_equal(pd.DataFrame(out), pd.DataFrame(want))
    assert not out["name"].str.contains("Ã").any()


def test_overseas_codes_and_every_territory_in_lonlat(tmp_path):
    path = write_finess(tmp_path / "f.csv")
    every = read_finess(path, territory=None)
    assert every.crs.equals(4326) and len(every) == 6
    assert every.loc["9D0000037", "insee"] == "97411"
    assert every.loc["9A0000045", "insee"] == "97101"
    assert every.loc["9D0000037", "territory"] == "reunion"
    assert every.loc["9A0000045", "kind"] == "DAC"
    assert every.geometry.loc["9D0000037"].distance(Point(55.4504, -20.8823)) < 1e-6
    reunion = read_finess(path, territory="reunion")
    assert reunion.crs.equals(2975) and reunion.index.tolist() == ["9D0000037"]


def test_categories_filter(tmp_path):
    path = write_finess(tmp_path / "f.csv")
    out = read_finess(path, categories=[603, "124"])
    assert sorted(out["category"]) == ["124", "603", "603"]
    with pytest.raises(InputError, match=r"use the codes: MSP → 603"):
        read_finess(path, categories=["MSP"])


def test_truncated_line_and_foreign_file(tmp_path):
    lines = finess_lines()
    lines[3] = ";".join(lines[3].split(";")[:12])  # a cut structureet record
    bad = tmp_path / "cut.csv"
    bad.write_text("\n".join(lines), encoding="utf-8")
    with pytest.raises(InputError, match=r"do not have 32 fields, at line\(s\) \[4\]"):
        read_finess(bad)
    other = tmp_path / "other.csv"
    other.write_text("a;b;c\n1;2;3\n", encoding="utf-8")
    with pytest.raises(InputError, match="does not start with the FINESS header"):
        read_finess(other)
    with pytest.raises(InputError, match="`territory` was 'corse'"):
        read_finess(write_finess(tmp_path / "f.csv"), territory="corse")


def _with_dates(tmp_path, dates):
    """Write the fixture with the opening dates of its first rows changed."""
    lines = finess_lines()
    for k, date in enumerate(dates, start=1):
        fields = lines[k].split(";")
        fields[STRUCTURE_FIELDS.index("dateouv")] = date
        lines[k] = ";".join(fields)
    path = tmp_path / "dated.csv"
    path.write_text("\r\n".join(lines) + "\r\n", encoding="utf-8")
    return path


def test_as_of_keeps_what_was_open_then_and_counts_the_rest(tmp_path):
    everything = read_finess(write_finess(tmp_path / "f.csv"))
    assert (everything["date_opened"] == pd.Timestamp("2019-01-01")).all()
    path = _with_dates(tmp_path, ["2021-06-01", "2018-12-31"])
    first, second = (everything.index[0], everything.index[1])
    out = read_finess(path, as_of="2020-01-01")
    assert first not in out.index and second in out.index
    assert len(out) == len(everything) - 1
    assert out.attrs["opened_after_as_of"] == 1 and out.attrs["no_opening_date"] == 0
    assert out.attrs["other_territories"] == {
        "9A0000045": "97101",
        "9D0000037": "97411",
    }
    same_day = read_finess(path, as_of="2021-06-01")  # opened that day: open
    assert first in same_day.index
    with pytest.warns(UserWarning, match=r"have no opening date"):
        undated = read_finess(_with_dates(tmp_path, [""]), as_of="2020-01-01")
    assert first in undated.index and undated.attrs["no_opening_date"] == 1
    with pytest.raises(InputError, match="`as_of` must be a date"):
        read_finess(path, as_of="hier")


def test_the_extraction_date_of_the_header_record(tmp_path):
    path = write_finess(tmp_path / "f.csv")
    assert read_finess(path).attrs["extracted"] == "2026-05-12"  # its header record
    undated = path.read_text(encoding="utf-8").replace(
        "finess;etalab;98;2026-05-12", "finess;etalab;98;"
    )
    (tmp_path / "g.csv").write_text(undated, encoding="utf-8")
    assert read_finess(tmp_path / "g.csv").attrs["extracted"] is None
