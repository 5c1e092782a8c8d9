import numpy as np
import pandas as pd
import pytest

import geopandas as gpd
from shapely import box
from shapely.testing import assert_geometries_equal

from coordogeo import InputError
from coordogeo.io import read_insee_grid
from coordogeo.io.grid import _fixed_width_ids

LOT_CELLS, LOT_POPULATION = 4_595, 175_098  # SOURCES.md


def write(path, text):
    path.write_text(text, encoding="utf-8")
    return path


def test_2017_names_any_case_squares_from_ids(tmp_path):
    csv = write(tmp_path / "carreaux_200m.csv", (
        "Idcar_200m,IDCAR_1km,I_est_200,Ind,Ind_0_3,ind_80p,lcog_geo\n"
        "CRS3035RES200mN2383000E3630000,CRS3035RES1000mN2383000E3630000,0,12.5,1,2,46042\n"
        'CRS3035RES200mN2383200E3630000,CRS3035RES1000mN2383000E3630000,1,3.2,0,0,"46042,46043"\n'
    ))  # fmt: skip
    out = read_insee_grid(csv)
    assert out.index.tolist()[0] == "CRS3035RES200mN2383000E3630000"
    assert out["population"].tolist() == [12.5, 3.2]  # fractional values kept
    assert out["imputed"].tolist() == [False, True]
    assert {"ind_0_3", "ind_80p"} <= set(out.columns)
    assert out.crs.equals(2154) and (out["cell_m"] == 200).all()
    # the square comes from the id: south-west corner (E, N), 200 m, in EPSG:3035
    back = out.to_crs(3035).geometry.iloc[0]
    assert_geometries_equal(
        back, box(3_630_000, 2_383_000, 3_630_200, 2_383_200), tolerance=0.01,
        normalize=True,
    )  # fmt: skip


def test_2015_names_and_semicolons(tmp_path):
    csv = write(tmp_path / "car_m.csv", (
        "IdINSPIRE;Id_carr1km;I_est_cr;Ind\n"
        "CRS3035RES200mN2029800E4252400;CRS3035RES1000mN2029000E4252000;0;7\n"
    ))  # fmt: skip
    out = read_insee_grid(csv)
    assert out.index.tolist() == ["CRS3035RES200mN2029800E4252400"]
    assert out["population"].tolist() == [7.0]


def test_overseas_ids_keep_their_own_crs(tmp_path):
    csv = write(tmp_path / "reun.csv", (
        "idcar_200m,ind\nCRS2975RES200mN7690000E338000,10\n"
    ))  # fmt: skip
    out = read_insee_grid(csv)
    assert out.crs.equals(2975)
    assert out.geometry.iloc[0].bounds == pytest.approx(
        (338_000, 7_690_000, 338_200, 7_690_200)
    )


def test_bad_ids_mixed_territories_and_point_tables(tmp_path):
    bad = write(tmp_path / "bad.csv", "idcar_200m,ind\nCRS3035RES200mN12E\nok,1\n")
    with pytest.raises(InputError, match=r"2 cell id\(s\) do not parse"):
        read_insee_grid(bad)
    mixed = write(tmp_path / "mixed.csv", (
        "idcar_200m,ind\nCRS3035RES200mN2383000E3630000,1\n"
        "CRS2975RES200mN7690000E338000,1\n"
    ))  # fmt: skip
    with pytest.raises(InputError, match="mixes territories"):
        read_insee_grid(mixed)
    points = write(tmp_path / "pts.csv", "x,y,Ind\n3630500,2383500,23\n")
    with pytest.raises(InputError, match=r"`crs=` and `cell_m=`"):
        read_insee_grid(points)
    no_pop = write(
        tmp_path / "nopop.csv", "idcar_200m,men\nCRS3035RES200mN2383000E3630000,1\n"
    )
    with pytest.raises(InputError, match="no population column"):
        read_insee_grid(no_pop)


def test_ids_read_as_bytes_equal_the_regex_and_odd_layouts_fall_back(tmp_path):
    rng = np.random.default_rng(5)
    north = rng.integers(1_000_000, 9_999_999, 500) // 200 * 200
    east = rng.integers(1_000_000, 9_999_999, 500) // 200 * 200
    ids = pd.Series(
        [f"CRS3035RES200mN{n}E{e}" for n, e in zip(north, east, strict=True)]
    )
    fast = _fixed_width_ids(ids)
    assert fast is not None
    assert fast[0].tolist() == [3035] * 500 and fast[1].tolist() == [200] * 500
    assert fast[2].tolist() == north.tolist() and fast[3].tolist() == east.tolist()
    # a shorter easting breaks the layout: the regex parses them one by one
    odd = pd.concat([ids, pd.Series(["CRS3035RES200mN2383000E363000"])])
    assert _fixed_width_ids(odd) is None
    # the same layout with another territory, size or a digit for a letter: refused
    for second, message in (
        ("CRS2975RES200mN7690000E3380000", "mixes territories"),
        ("CRS3035RES100mN2383000E3630000", "mix resolutions"),
        (
            "CRS3035RES200mN238300053630000",
            r"1 cell id\(s\) do not parse.*row\(s\) \[1\]",
        ),
    ):
        csv = write(tmp_path / "two.csv", (
            f"idcar_200m,ind\nCRS3035RES200mN2383000E3630000,1\n{second},1\n"
        ))  # fmt: skip
        with pytest.raises(InputError, match=message):
            read_insee_grid(csv)
    empty = write(tmp_path / "empty.csv", "idcar_200m,ind\n")
    with pytest.raises(InputError, match="no rows"):
        read_insee_grid(empty)


def test_the_lot_1km_point_table(shared_data):
    grid = read_insee_grid(
        shared_data / "lot46_filosofi2015_carreaux_1km.csv",
        crs="EPSG:3035",
        cell_m=1_000,
    )
    assert len(grid) == LOT_CELLS and grid.index.is_unique
    assert grid["population"].sum() == pytest.approx(LOT_POPULATION, abs=1e-6)
    assert grid.index[0] == "CRS3035RES1000mN2383000E3630000"  # centre 3630500/2383500
    assert grid.crs.equals(2154)
    # 1 km squares, reprojected: areas within 0.2 % of 1 km² (Lambert-93 scale)
    assert grid.area.between(0.998e6, 1.002e6).all()
    assert isinstance(grid, pd.DataFrame)


def test_geopackage_grid_uses_the_ids_not_the_stored_geometry(tmp_path):
    cells = gpd.GeoDataFrame(
        {"Idcar_1km": ["CRS3035RES1000mN2383000E3630000"], "Ind": [4.5],
         "I_est_1km": [1]},
        geometry=[box(0, 0, 1, 1)],  # a wrong square on purpose: ids win
        crs=3035,
    )  # fmt: skip
    path = tmp_path / "carreaux_1km.gpkg"
    cells.to_file(path, layer="carreaux_1km", engine="pyogrio")
    out = read_insee_grid(path)
    assert out["imputed"].tolist() == [True] and out["population"].tolist() == [4.5]
    assert out.to_crs(3035).total_bounds == pytest.approx(
        (3_630_000, 2_383_000, 3_631_000, 2_384_000), abs=0.01
    )


def test_a_bom_quoted_header_and_columns_the_grid_does_not_keep(tmp_path):
    csv = tmp_path / "carreaux.csv"
    csv.write_bytes(
        '\ufeff"Idcar_200m";"lcog_geo";"Ind";"Men";"Log_soc"\n'
        'CRS3035RES200mN2383000E3630000;"46042,46043";12,5;5;1\n'.encode()
    )
    out = read_insee_grid(csv)
    assert out.index.tolist() == ["CRS3035RES200mN2383000E3630000"]
    assert out["population"].tolist() == [12.5] and out["men"].tolist() == [5.0]
    assert "lcog_geo" not in out and "log_soc" not in out


def test_counts_read_at_c_speed_keep_the_french_text_rules():
    from coordogeo.io._tables import parse_numbers  # noqa: PLC0415

    mixed = pd.Series([12, "12,5", "21\u202f450", "", None, " 7 "], dtype=object)
    got = parse_numbers(mixed, name="c").to_numpy()
    np.testing.assert_array_equal(got, [12.0, 12.5, 21450.0, np.nan, np.nan, 7.0])
    # True/False are not counts, alone in a column or among texts
    for column in (pd.Series([True, False]), pd.Series(["12", True], dtype=object)):
        with pytest.raises(InputError, match="not a number"):
            parse_numbers(column, name="c")
    with pytest.raises(InputError, match=r"row\(s\) \[2\]: \['douze'\]"):
        parse_numbers(pd.Series(["1", "2", "douze"]), name="capacity")


@pytest.mark.parametrize(
    ("crs", "message"),
    [
        ("lambert93", "not a CRS pyproj knows"),
        ("EPSG:4326", "in degrees"),
        ("+proj=laea +lat_0=52 +lon_0=10 +ellps=GRS80", "no EPSG code"),
    ],
)
def test_a_point_table_with_a_crs_the_ids_cannot_carry_is_refused(
    tmp_path, crs, message
):
    csv = write(tmp_path / "points.csv", "x,y,ind\n3630500,2383500,4\n")
    with pytest.raises(InputError, match=message):
        read_insee_grid(csv, crs=crs, cell_m=1_000)


def test_a_point_table_without_crs_names_the_config_keys(tmp_path):
    csv = write(tmp_path / "points.csv", "x,y,ind\n3630500,2383500,4\n")
    with pytest.raises(InputError, match=r"inputs\.population_crs"):
        read_insee_grid(csv)
    out = read_insee_grid(csv, crs="epsg:3035", cell_m=1_000)
    assert out.index.tolist() == ["CRS3035RES1000mN2383000E3630000"]
