"""Read structures (or any sites) from a vector file or a table of coordinates."""

from __future__ import annotations

import warnings
from pathlib import Path
from typing import Final

import numpy as np
import pandas as pd

import geopandas as gpd
import shapely

from coordogeo.codes import normalise_insee
from coordogeo.crs import metric_crs_of, to_metric_crs, user_crs
from coordogeo.errors import InputError, format_labels
from coordogeo.files import existing_path
from coordogeo.io._tables import TABLE_SUFFIXES, find_column, parse_numbers, read_table
from coordogeo.io.vector import VECTOR_SUFFIXES, read_vector

__all__ = ["open_by", "read_structures"]

NAME_COLUMNS: Final = (
    "name",
    "nom",
    "rslongue",
    "rs",
    "hospital_name",
    "raison_sociale",
)
ID_COLUMNS: Final = ("finess", "nofinesset", "id", "identifiant")
_LON: Final = ("lon", "longitude", "x", "lng")
_LAT: Final = ("lat", "latitude", "y")
#: Column names read as the opening date (FINESS ``dateouv`` is renamed so).
DATE_COLUMNS: Final = ("date_opened", "date_ouverture", "dateouv")


def read_structures(
    path: str | Path,
    *,
    kind: str | None = None,
    crs: str | None = None,
    communes: gpd.GeoDataFrame | None = None,
    territory_crs: str | None = None,
) -> gpd.GeoDataFrame:
    """Read sites from a vector file or a CSV/XLSX with coordinates.

    Parameters
    ----------
    path
        GeoJSON / GeoPackage / shapefile, or a table with ``lon``/``lat`` (or
        ``x``/``y``) columns, or a table with an INSEE code (``insee``,
        ``code_insee``, ``codgeo``, ``depcom``) and no coordinates, such as counts
        of GPs per commune from the BPE: with ``communes``, each row is placed at
        a point inside its commune (``representative_point``: on the commune,
        never in a hole or outside a crescent), and ``placed_at`` says
        ``"commune"``.
    kind
        The ``kind`` of every row (``"MSP"``, ``"hospital"``…) when the file has no
        ``kind`` column.
    crs
        CRS of a table's coordinates (``"EPSG:4326"`` for lon/lat); required for
        tables, never guessed. Vector files carry theirs.
    communes
        Commune polygons with ``insee``: each site gets the code of the commune it
        lies in (``insee`` missing, ``in_communes=False`` outside them).
    territory_crs
        The metric CRS to return; the communes' territory's (or the sites') if
        None.

    Returns
    -------
    GeoDataFrame
        Indexed by the FINESS number or id column when there is one, with ``name``
        and ``kind`` (and ``insee``, ``in_communes`` with ``communes``), in
        ``territory_crs``.

    Raises
    ------
    InputError
        A table without coordinate columns or ``crs``, rows without coordinates
        (named), repeated ids; codes of a table by commune that are not among
        ``communes`` (named).

    Examples
    --------
    A count of GPs per commune, placed in its commune:

    >>> import tempfile
    >>> from coordogeo.datasets import sample_territory
    >>> communes = sample_territory().communes
    >>> folder = Path(tempfile.mkdtemp())
    >>> a, b = communes.index[0], communes.index[5]
    >>> table = pd.DataFrame({"code_insee": [a, b], "medecins": [3, 1]})
    >>> table.to_csv(folder / "gp.csv", index=False)
    >>> gp = read_structures(folder / "gp.csv", kind="MG", communes=communes)
    >>> gp[["insee", "medecins", "placed_at"]].to_numpy().tolist() == [
    ...     [a, "3", "commune"], [b, "1", "commune"]]
    True
    """
    file = existing_path(path)
    if not file.is_file():
        raise InputError(f"`structures`: no file at {str(file)!r}.")
    suffix = file.suffix.lower()
    if suffix in VECTOR_SUFFIXES:
        frame = read_vector(file, name="structures")
    elif suffix in TABLE_SUFFIXES:
        table = read_table(file, name="structures")
        if communes is not None and _only_insee(table):
            frame = _points_at_communes(table, communes)
        else:
            frame = _points_from_table(table, crs=crs)
    else:
        raise InputError(
            f"`structures` ({file.name}): coordogeo reads points from a vector file "
            f"({', '.join(VECTOR_SUFFIXES)}) or a table with coordinates "
            f"({', '.join(TABLE_SUFFIXES)}); give one of these."
        )
    lower = {str(c).lower(): c for c in frame.columns}
    name_col = next((lower[c] for c in NAME_COLUMNS if c in lower), None)
    id_col = next((lower[c] for c in ID_COLUMNS if c in lower), None)
    if name_col is not None and name_col != "name":
        frame = frame.rename(columns={name_col: "name"})
    if "kind" not in frame:
        frame["kind"] = kind if kind is not None else "other"
    _numeric_capacity(frame)
    if id_col is not None:
        frame = frame.set_index(pd.Index(frame[id_col].astype(str), name=id_col))
    date_col = next((lower[c] for c in DATE_COLUMNS if c in lower), None)
    if date_col is not None:
        frame["date_opened"] = _dates(frame[date_col], index=frame.index)
    if territory_crs is None and communes is not None:
        territory_crs = metric_crs_of(communes, name="communes")
    out = to_metric_crs(frame, name="structures", crs=territory_crs)
    if communes is not None:
        _add_commune(out, to_metric_crs(communes, name="communes", crs=out.crs))
    return out


def _numeric_capacity(frame: pd.DataFrame) -> None:
    """Read a table's ``capacity`` (text: "5.3" or "5,3") as numbers, in place."""
    if "capacity" in frame and not pd.api.types.is_numeric_dtype(frame["capacity"]):
        frame["capacity"] = parse_numbers(
            frame["capacity"], name="structures['capacity']", what="a capacity"
        )


def open_by(
    sites: pd.DataFrame, as_of: str, *, what: str = "structures", stacklevel: int = 2
) -> tuple[pd.DataFrame, int, int]:
    """Keep the sites open by ``as_of`` (their ``date_opened`` on or before it).

    Sites without a date are kept (counted, and warned about: nothing says they
    were not open). Only openings are known: a site closed before ``as_of`` but
    listed now is counted open, and a site closed since is absent from a current
    list. Returns the kept sites, how many opened later, how many are undated.

    Raises
    ------
    InputError
        ``as_of`` that is not a date; sites without a ``date_opened`` column, or
        with opening dates that are not dates (named by row).

    Examples
    --------
    >>> import pandas as pd
    >>> sites = pd.DataFrame(
    ...     {"date_opened": pd.to_datetime(["2015-03-01", "2021-06-01"])},
    ...     index=["A", "B"],
    ... )
    >>> kept, later, undated = open_by(sites, "2019-01-01")
    >>> list(kept.index), later, undated
    (['A'], 1, 0)
    """
    try:
        limit = pd.Timestamp(as_of)
    except (TypeError, ValueError):
        raise InputError(
            f"`as_of` must be a date such as '2019-01-01', got {as_of!r}."
        ) from None
    if pd.isna(limit):
        raise InputError(f"`as_of` must be a date such as '2019-01-01', got {as_of!r}.")
    if "date_opened" not in sites:
        raise InputError(
            f"The {what} have no opening date: give a `date_opened` column "
            "(YYYY-MM-DD) or read a FINESS extraction (its `dateouv`)."
        )
    dates = sites["date_opened"]
    if not pd.api.types.is_datetime64_any_dtype(dates):
        dates = _dates(dates, index=sites.index, name=what)
    undated = dates.isna().to_numpy()
    if undated.any():
        warnings.warn(
            f"{int(undated.sum())} {what} have no opening date, e.g. "
            f"{format_labels(sites.index[undated])}; they are kept as open on {as_of}.",
            UserWarning,
            stacklevel=stacklevel,
        )
    late = (dates > limit).to_numpy()
    return sites[~late], int(late.sum()), int(undated.sum())


def _dates(
    values: pd.Series, *, index: pd.Index, name: str = "structures"
) -> pd.Series:
    """Parse opening dates (ISO, or French dd/mm/yyyy); name the rows that are not."""
    text = values.astype("string").str.strip()
    empty = text.isna() | (text == "")
    iso = pd.to_datetime(text.where(~empty), format="ISO8601", errors="coerce")
    french = pd.to_datetime(text.where(~empty), format="%d/%m/%Y", errors="coerce")
    out = iso.fillna(french)
    bad = (out.isna() & ~empty).to_numpy()
    if bad.any():
        raise InputError(
            f"`{name}` has opening dates that are not dates on {int(bad.sum())} "
            f"row(s), at {format_labels(index[bad])}: write them YYYY-MM-DD (or "
            "dd/mm/yyyy), or leave them empty when unknown."
        )
    return pd.Series(out.to_numpy(), index=index, name="date_opened")


_INSEE: Final = ("insee", "code_insee", "codgeo", "depcom", "insee_com", "com")


def _only_insee(table: pd.DataFrame) -> bool:
    """Say whether a table gives communes (an INSEE code) and no coordinates."""
    lower = {str(c).strip().lower() for c in table.columns}
    return bool(lower & set(_INSEE)) and not (lower & set(_LON) and lower & set(_LAT))


def _points_at_communes(
    table: pd.DataFrame, communes: gpd.GeoDataFrame
) -> gpd.GeoDataFrame:
    """Place each row at a point inside its commune (``placed_at = 'commune'``)."""
    column = find_column(table, _INSEE, name="structures", what="INSEE code")
    codes = normalise_insee(table[column], name=f"structures[{column!r}]")
    if "insee" not in communes:
        raise InputError(
            "`communes` has no `insee` column (read it with read_communes)."
        )
    known = communes.drop_duplicates("insee").set_index("insee")
    unknown = ~codes.isin(known.index)
    if unknown.any():
        raise InputError(
            f"`structures` gives {int(unknown.sum())} row(s) by commune whose code is "
            f"not among the communes: {format_labels(codes[unknown].unique())}. Keep "
            "the rows of the territory, or bring old codes to the communes' vintage "
            "(a commune nouvelle has the code of its chef-lieu)."
        )
    points = known.geometry.representative_point().loc[codes.to_numpy()]
    out = gpd.GeoDataFrame(
        table.drop(columns=[column]),
        geometry=points.to_numpy(),
        crs=communes.crs,
    )
    out["placed_at"] = "commune"
    return out


def _points_from_table(table: pd.DataFrame, *, crs: str | None) -> gpd.GeoDataFrame:
    """Points from lon/lat (or x/y) columns of a table whose CRS is given."""
    lon = find_column(table, _LON, name="structures", what="longitude / x")
    lat = find_column(table, _LAT, name="structures", what="latitude / y")
    if crs is None:
        raise InputError(
            "`structures` is a table of coordinates: pass their `crs` ('EPSG:4326' "
            "for lon/lat, 'EPSG:2154' for Lambert-93); it is never guessed."
        )
    # parse_numbers reads French writing too: a `;` file with decimal commas
    x = parse_numbers(
        table[lon], name=f"structures[{lon!r}]", what="a coordinate"
    ).to_numpy(dtype=np.float64)
    y = parse_numbers(
        table[lat], name=f"structures[{lat!r}]", what="a coordinate"
    ).to_numpy(dtype=np.float64)
    bad = ~(np.isfinite(x) & np.isfinite(y))
    if bad.any():
        raise InputError(
            f"`structures` has no usable coordinates on {int(bad.sum())} row(s), at "
            f"{format_labels(table.index[bad])}; fill or drop them (a site without a "
            "place cannot be routed)."
        )
    return gpd.GeoDataFrame(
        table, geometry=shapely.points(x, y), crs=user_crs(crs, name="crs")
    )


def _add_commune(sites: gpd.GeoDataFrame, communes: gpd.GeoDataFrame) -> None:
    """Add the INSEE code of the commune holding each site (first on a boundary)."""
    i_site, i_comm = communes.sindex.query(sites.geometry, predicate="intersects")
    first = np.unique(i_site, return_index=True)[1]
    codes = np.full(len(sites), None, dtype=object)
    codes[i_site[first]] = communes["insee"].to_numpy()[i_comm[first]]
    sites["insee"] = codes
    sites["in_communes"] = pd.notna(codes)
