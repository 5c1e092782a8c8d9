"""Read INSEE Filosofi gridded population (200 m / 1 km) into cell squares."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Final, Literal

import numpy as np
import pandas as pd

import geopandas as gpd
import shapely

from coordogeo.crs import to_metric_crs
from coordogeo.errors import InputError, check_positive, format_labels
from coordogeo.io._tables import parse_numbers
from coordogeo.io.vector import read_vector

__all__ = ["AGE_BAND_COLUMNS", "INCOME_COLUMNS", "read_insee_grid"]

#: Filosofi age bands (lower-cased; ``ind_inc`` is "age unknown").
AGE_BAND_COLUMNS: Final = (
    "ind_0_3", "ind_4_5", "ind_6_10", "ind_11_17", "ind_18_24", "ind_25_39",
    "ind_40_54", "ind_55_64", "ind_65_79", "ind_80p", "ind_inc",
)  # fmt: skip
#: Filosofi income and household counts kept (lower-cased; sums over the cell):
#: ``ind_snv`` the sum of standards of living, ``men`` households, ``men_pauv`` poor
#: households, then owners, single-parent, one-person, 5+ person households and the
#: sum of dwelling surfaces. The same names in 2015 and 2017+ files.
INCOME_COLUMNS: Final = (
    "ind_snv", "men", "men_pauv", "men_prop", "men_fmp", "men_1ind", "men_5ind",
    "men_surf",
)  # fmt: skip
#: Cell id columns, finest first (2017+: idcar_200m / idcar_1km; 2015: idinspire /
#: id_carr1km).
_ID_COLUMNS: Final = ("idcar_200m", "idinspire", "idcar_1km", "id_carr1km")
_IMPUTED_COLUMNS: Final = ("i_est_200", "i_est_cr", "i_est_1km")
_ID_PATTERN: Final = re.compile(r"^CRS(\d+)RES(\d+)mN(\d+)E(\d+)$")


def read_insee_grid(
    path: str | Path,
    *,
    crs: str | None = None,
    cell_m: float | None = None,
    xy: Literal["centre", "south_west"] = "centre",
) -> gpd.GeoDataFrame:
    """Read a Filosofi grid file (CSV or GeoPackage) into cell squares with counts.

    Files with a cell id (``Idcar_200m``, ``Idcar_1km``, 2015's ``IdINSPIRE`` /
    ``Id_carr1km``; any capitalisation) get their squares rebuilt from the id: EPSG
    code, resolution and **south-west** corner are parsed from
    ``CRS3035RES200mN2029800E4252400``, never assumed. Plain point tables with
    ``x``/``y`` and a population column (``ind``/``population``) need ``crs`` and
    ``cell_m``: nothing is guessed.

    Parameters
    ----------
    path
        ``.csv`` (``,`` or ``;``) or ``.gpkg``.
    crs
        CRS of ``x``/``y`` in a point table (e.g. ``"EPSG:3035"``); ignored when the
        file has cell ids, which carry their CRS.
    cell_m
        Cell side of a point table, metres.
    xy
        Whether ``x``/``y`` of a point table are cell centres (default) or
        south-west corners.

    Returns
    -------
    GeoDataFrame
        Indexed by the cell id (``idcar``; built in the INSEE form for point tables),
        in the territory's metric CRS (Lambert-93 for metropolitan cells):
        ``population`` (from ``ind``, fractional values kept), the age bands present
        (lower-cased), the income and household counts present
        (:data:`INCOME_COLUMNS`) with ``niveau_vie_moyen`` (``ind_snv / ind``, the
        mean standard of living, € per person and year; NaN in an empty cell) and
        ``part_menages_pauvres`` (``men_pauv / men``), ``imputed`` (from
        ``I_est_*``; False when the file has none), ``cell_m`` and the square.

    Raises
    ------
    InputError
        Ids that do not parse (the rows are named), ids of two territories in one
        file, a missing population column, a point table without ``crs``/``cell_m``,
        missing or negative populations.
    """
    table = _read_table(Path(path))
    columns = {c.lower(): c for c in table.columns if isinstance(c, str)}
    table = table.rename(columns={orig: low for low, orig in columns.items()})
    id_col = next((c for c in _ID_COLUMNS if c in table.columns), None)
    if id_col is not None:
        id_text = table[id_col].astype(str).str.strip()
        squares, epsg, size = _squares_from_ids(id_text)
        ids = pd.Index(id_text)
    else:
        ids, squares, epsg, size = _squares_from_xy(
            table, crs=crs, cell_m=cell_m, xy=xy
        )
    out = pd.DataFrame(index=pd.Index(ids, name="idcar"))
    out["population"] = _population(table)
    for band in AGE_BAND_COLUMNS:
        if band in table.columns:
            out[band] = _numbers(table[band], name=band)
    _add_income(out, table)
    imputed = next((c for c in _IMPUTED_COLUMNS if c in table.columns), None)
    out["imputed"] = (
        pd.to_numeric(table[imputed], errors="coerce").fillna(0).to_numpy() == 1
        if imputed
        else False
    )
    out["cell_m"] = size
    frame = gpd.GeoDataFrame(out, geometry=squares, crs=f"EPSG:{epsg}")
    # the territory's own CRS, found from the data (EPSG:3035 cells are metropolitan)
    return to_metric_crs(frame, name="grid")


def _read_table(path: Path) -> pd.DataFrame:
    """Read the attribute table of a CSV (``,``/``;``) or GeoPackage grid file."""
    if path.suffix.lower() in {".gpkg", ".shp", ".geojson"}:
        frame = read_vector(path, name="grid")
        return pd.DataFrame(frame.drop(columns=frame.geometry.name))
    with path.open(encoding="utf-8", errors="replace") as handle:
        first = handle.readline()
    sep = ";" if first.count(";") > first.count(",") else ","
    return pd.read_csv(path, sep=sep, dtype={0: str}, low_memory=False)


def _squares_from_ids(ids: pd.Series) -> tuple[np.ndarray, str, np.ndarray]:
    """Squares, EPSG and cell sizes parsed from INSEE cell ids."""
    parts = ids.str.extract(_ID_PATTERN)
    bad = parts[0].isna().to_numpy()
    if bad.any():
        raise InputError(
            f"{int(bad.sum())} cell id(s) do not parse as 'CRS<epsg>RES<m>mN<y>E<x>': "
            f"{format_labels(ids[bad])} at row(s) {format_labels(np.flatnonzero(bad))}"
            "; check the id column."
        )
    epsgs = parts[0].unique()
    if len(epsgs) > 1:
        raise InputError(
            f"The cell ids use several CRS {sorted(epsgs)}: the file mixes territories"
            "; read each territory's file on its own."
        )
    sizes = parts[1].unique()
    if len(sizes) > 1:
        counts = parts[1].value_counts().to_dict()
        raise InputError(
            f"The cell ids mix resolutions {counts} (metres: cells): 200 m and 1 km "
            "cells overlap, and their inhabitants would be counted twice; read the "
            "200 m and the 1 km files separately and keep one."
        )
    size = parts[1].astype(float).to_numpy()
    north, east = parts[2].astype(float).to_numpy(), parts[3].astype(float).to_numpy()
    squares = shapely.box(east, north, east + size, north + size)
    return squares, str(epsgs[0]), size


def _squares_from_xy(
    table: pd.DataFrame, *, crs: str | None, cell_m: float | None, xy: str
) -> tuple[pd.Index, np.ndarray, str, np.ndarray]:
    """Squares and INSEE-style ids of a point table with x/y columns."""
    if not {"x", "y"} <= set(table.columns):
        raise InputError(
            "The grid file has neither a cell id column (Idcar_200m, Idcar_1km, "
            "IdINSPIRE, Id_carr1km) nor x/y columns; it has "
            f"{format_labels(table.columns)}."
        )
    if crs is None or cell_m is None:
        raise InputError(
            "This grid file has x/y columns but no cell ids: pass its `crs` (e.g. "
            "'EPSG:3035' for Filosofi in metropolitan France) and `cell_m` (200 or "
            "1000); they are never guessed."
        )
    size = check_positive(cell_m, name="cell_m", unit="metres")
    epsg = str(pd.Series([crs]).str.extract(r"(\d+)$")[0].iloc[0])
    x = pd.to_numeric(table["x"], errors="coerce").to_numpy()
    y = pd.to_numeric(table["y"], errors="coerce").to_numpy()
    if xy == "centre":
        x, y = x - size / 2, y - size / 2
    bad = ~(np.isfinite(x) & np.isfinite(y))
    if bad.any():
        raise InputError(
            f"x/y are missing or not numbers on {int(bad.sum())} row(s), at "
            f"{format_labels(table.index[bad])}."
        )
    north = pd.Series(np.round(y).astype(np.int64)).astype(str)
    east = pd.Series(np.round(x).astype(np.int64)).astype(str)
    ids = pd.Index(f"CRS{epsg}RES{size:g}mN" + north + "E" + east)
    return ids, shapely.box(x, y, x + size, y + size), epsg, np.full(len(x), size)


def _numbers(values: pd.Series, *, name: str) -> np.ndarray:
    """Parse a count column (decimal commas accepted); text is an error."""
    return parse_numbers(values, name=name).to_numpy()


def _add_income(out: pd.DataFrame, table: pd.DataFrame) -> None:
    """Keep the income and household counts; derive the mean and the poor share."""
    for column in INCOME_COLUMNS:
        if column not in table.columns:
            continue
        out[column] = _numbers(table[column], name=column)
    if "ind_snv" in out:
        people = out["population"].to_numpy()
        out["niveau_vie_moyen"] = np.divide(
            out["ind_snv"].to_numpy(), people,
            out=np.full(len(out), np.nan), where=people > 0,
        )  # fmt: skip
    if "men_pauv" in out and "men" in out:
        men = out["men"].to_numpy()
        out["part_menages_pauvres"] = np.divide(
            out["men_pauv"].to_numpy(), men,
            out=np.full(len(out), np.nan), where=men > 0,
        )  # fmt: skip


def _population(table: pd.DataFrame) -> np.ndarray:
    """Return the ``ind`` (or ``population``) column; refuse NaN and negatives."""
    column = next((c for c in ("ind", "population") if c in table.columns), None)
    if column is None:
        raise InputError(
            "The grid file has no population column (`Ind` in Filosofi, or "
            f"`population`); it has {format_labels(table.columns)}."
        )
    values = _numbers(table[column], name=column)
    bad = ~(values >= 0)
    if bad.any():
        raise InputError(
            f"`{column}` is missing or negative on {int(bad.sum())} row(s), at "
            f"{format_labels(np.flatnonzero(bad))}."
        )
    return values
