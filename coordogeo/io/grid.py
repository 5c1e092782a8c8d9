"""Read INSEE Filosofi gridded population (200 m / 1 km) into cell squares."""

from __future__ import annotations

import io
import re
from pathlib import Path
from typing import Final, Literal

import numpy as np
import pandas as pd

import geopandas as gpd
import shapely

from coordogeo.crs import to_metric_crs, user_crs
from coordogeo.errors import InputError, check_positive, format_labels
from coordogeo.files import existing_path
from coordogeo.io._tables import parse_numbers
from coordogeo.io.vector import VECTOR_SUFFIXES, read_vector

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
#: Every column :func:`read_insee_grid` reads (lower-cased); a CSV's others are skipped.
_KEPT_COLUMNS: Final = frozenset(
    {*_ID_COLUMNS, *_IMPUTED_COLUMNS, *AGE_BAND_COLUMNS, *INCOME_COLUMNS}
    | {"ind", "population", "x", "y"}
)
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
    file = existing_path(path)
    if not file.is_file():
        raise InputError(f"`grid`: no file at {str(file)!r}.")
    table = _read_table(file)
    if len(table) == 0:
        raise InputError(f"The grid file {path} has no rows (a header at most).")
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
    """Read the attribute table of a CSV (``,``/``;``) or GeoPackage grid file.

    Of a CSV only the columns the grid keeps are parsed (a national file's other
    text columns, ``lcog_geo``, ``Idcar_1km``, ``Idcar_nat``, would cost more
    memory than the counts), ids as text.
    """
    if path.suffix.lower() in VECTOR_SUFFIXES:
        frame = read_vector(path, name="grid")
        return pd.DataFrame(frame.drop(columns=frame.geometry.name))
    with path.open(encoding="utf-8-sig", errors="replace") as handle:
        first = handle.readline()
    sep = ";" if first.count(";") > first.count(",") else ","
    names = list(pd.read_csv(io.StringIO(first), sep=sep).columns)
    lower = {str(c).lower() for c in names}
    # a file the grid cannot read is read whole, so that the error lists its columns
    readable = bool({"ind", "population"} & lower) and (
        bool(set(_ID_COLUMNS) & lower) or {"x", "y"} <= lower
    )
    kept = [c for c in names if str(c).lower() in _KEPT_COLUMNS] if readable else names
    text = {c: str for c in kept if str(c).lower() in _ID_COLUMNS or c == names[0]}
    return pd.read_csv(path, sep=sep, usecols=kept, dtype=text, low_memory=False)


def _squares_from_ids(ids: pd.Series) -> tuple[np.ndarray, str, np.ndarray]:
    """Squares, EPSG and cell sizes parsed from INSEE cell ids."""
    parts = _fixed_width_ids(ids)
    if parts is None:
        text = ids.str.extract(_ID_PATTERN)
        bad = text[0].isna().to_numpy()
        if bad.any():
            raise InputError(
                f"{int(bad.sum())} cell id(s) do not parse as "
                f"'CRS<epsg>RES<m>mN<y>E<x>': {format_labels(ids[bad])} at row(s) "
                f"{format_labels(np.flatnonzero(bad))}; check the id column."
            )
        parts = tuple(text[k].astype(np.int64).to_numpy() for k in range(4))
    epsg, size, north, east = parts
    epsgs = np.unique(epsg)
    if len(epsgs) > 1:
        raise InputError(
            f"The cell ids use several CRS {[str(e) for e in epsgs]}: the file mixes "
            "territories; read each territory's file on its own."
        )
    if len(np.unique(size)) > 1:
        counts = pd.Series(size.astype(str)).value_counts().to_dict()
        raise InputError(
            f"The cell ids mix resolutions {counts} (metres: cells): 200 m and 1 km "
            "cells overlap, and their inhabitants would be counted twice; read the "
            "200 m and the 1 km files separately and keep one."
        )
    size, north, east = size.astype(float), north.astype(float), east.astype(float)
    squares = shapely.box(east, north, east + size, north + size)
    return squares, str(epsgs[0]), size


def _fixed_width_ids(ids: pd.Series) -> tuple[np.ndarray, ...] | None:
    """(EPSG, size, north, east) of ids that all share the first one's layout.

    A national file's ids differ only in their digits: read as a byte matrix, the
    numbers are a dot product of digit columns, ~20x faster than a regex per row.
    None when any id differs in layout (another length, a letter elsewhere): the
    caller then parses them one by one, naming those that do not parse.
    """
    if len(ids) == 0:
        return None
    match = _ID_PATTERN.match(str(ids.iloc[0]))
    try:
        raw = ids.to_numpy(dtype=object).astype("S")
    except (UnicodeEncodeError, ValueError):
        return None
    width = raw.dtype.itemsize
    if match is None or len(match.group(0)) != width:
        return None
    codes = raw.view(np.uint8).reshape(len(raw), width)
    first = codes[0]
    digit = (first >= ord("0")) & (first <= ord("9"))
    layout = (codes[:, ~digit] == first[~digit]).all()
    if (
        not layout
        or not ((codes[:, digit] >= ord("0")) & (codes[:, digit] <= ord("9"))).all()
    ):
        return None
    values = []
    for group in range(1, 5):
        start, stop = match.span(group)
        powers = 10 ** np.arange(stop - start - 1, -1, -1, dtype=np.int64)
        values.append((codes[:, start:stop] - ord("0")).astype(np.int64) @ powers)
    return tuple(values)


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
            "This grid file has x/y columns but no cell ids: give its CRS (e.g. "
            "'EPSG:3035' for Filosofi in metropolitan France) and its cell side "
            "(200 or 1000 m): `crs=` and `cell_m=` in Python, "
            "`inputs.population_crs` and `inputs.population_cell_m` in a config. "
            "They are never guessed."
        )
    size = check_positive(cell_m, name="cell_m", unit="metres")
    epsg = _epsg_of(crs)
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
    _check_lattice(x, y, size)
    north = pd.Series(np.round(y).astype(np.int64)).astype(str)
    east = pd.Series(np.round(x).astype(np.int64)).astype(str)
    ids = pd.Index(f"CRS{epsg}RES{size:g}mN" + north + "E" + east)
    return ids, shapely.box(x, y, x + size, y + size), epsg, np.full(len(x), size)


def _check_lattice(x: np.ndarray, y: np.ndarray, size: float) -> None:
    """Raise unless the points sit ``size`` metres apart (or a multiple of it).

    Squares of side ``size`` on points closer than that overlap: a 200 m table
    read with ``cell_m=1000`` counts each hectare 25 times over.
    """
    for axis, values in (("x", x), ("y", y)):
        levels = np.unique(np.round(values, 2))
        steps = np.diff(levels)
        off = np.abs(steps / size - np.round(steps / size)) * size > 0.01  # noqa: PLR2004
        if off.any() or (len(steps) and steps.min() < size):
            spacing = float(steps.min())
            raise InputError(
                f"The grid's points are {spacing:g} m apart along {axis}, but "
                f"`cell_m` is {size:g} m: squares of {size:g} m on them would "
                f"overlap. Give the grid's own cell side (`cell_m`, "
                "`inputs.population_cell_m`: 200 or 1000 m for INSEE grids)."
            )


def _epsg_of(crs: str) -> str:
    """Return the EPSG code of a point table's CRS (its cell ids carry it)."""
    parsed = user_crs(crs, name="crs")
    code = parsed.to_epsg()
    if code is None:
        raise InputError(
            f"The grid's CRS {crs!r} has no EPSG code; INSEE grids are in EPSG "
            "codes (3035 in metropolitan France, 5490, 2975, 2972, 4471 overseas)."
        )
    if not parsed.is_projected:
        raise InputError(
            f"The grid's CRS {crs!r} is in degrees; the cells of a grid are squares "
            "in metres, in a projected CRS such as 'EPSG:3035'."
        )
    return str(code)


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
