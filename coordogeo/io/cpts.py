"""Read CPTS member lists (one commune per row, or the codes listed in one cell)."""

from __future__ import annotations

from pathlib import Path
from typing import Final

import pandas as pd

import geopandas as gpd

from coordogeo.codes import normalise_insee
from coordogeo.errors import InputError, format_labels
from coordogeo.io._tables import find_column, read_table

__all__ = ["read_cpts_members"]

ID_COLUMNS: Final = ("cpts_id", "id_cpts", "code_cpts", "id", "cpts")
NAME_COLUMNS: Final = ("cpts_name", "nom_cpts", "nom", "name", "libelle", "cpts")
CODE_COLUMNS: Final = (
    "insee",
    "code_insee",
    "codgeo",
    "com",
    "commune",
    "communes",
    "codes_insee",
)
_SEPARATORS: Final = r"[,;|\s]+"


def read_cpts_members(
    path: str | Path | pd.DataFrame,
    *,
    communes: gpd.GeoDataFrame | pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Read a CPTS member list (CSV or XLSX) as one row per (CPTS, commune).

    The file has a CPTS id, optionally a name, and INSEE codes: one per row, or
    several in one cell separated by ``,`` ``;`` ``|`` or spaces. Column names are
    found case-insensitively (``cpts_id``/``id_cpts``…, ``cpts_name``/``nom``…,
    ``insee``/``code_insee``/``communes``…).

    Parameters
    ----------
    path
        The file (or a DataFrame already read).
    communes
        A commune layer with ``insee``: every code must be in it.

    Returns
    -------
    DataFrame
        ``cpts_id``, ``cpts_name`` (the id where the file has no name) and ``insee``
        (normalised), ready for :mod:`coordogeo.coverage`.

    Raises
    ------
    InputError
        Missing columns, no commune at all (a header alone), malformed codes,
        codes absent from ``communes`` (listed,
        with the CPTS naming them, and a pointer to ``update_insee_codes`` for
        former codes).
    """
    table = read_table(path, name="members")
    id_col = find_column(table, ID_COLUMNS, name="members", what="CPTS id")
    code_col = find_column(table, CODE_COLUMNS, name="members", what="INSEE code")
    try:
        names = [c for c in NAME_COLUMNS if c != id_col.lower()]
        name_col = find_column(table, names, name="members", what="name")
    except InputError:
        name_col = id_col
    rows = pd.DataFrame(
        {
            "cpts_id": table[id_col].astype(str).str.strip(),
            "cpts_name": table[name_col].astype(str).str.strip(),
            "insee": table[code_col].astype(str).str.strip().str.split(_SEPARATORS),
        }
    ).explode("insee")
    rows = rows[rows["insee"].fillna("") != ""].reset_index(drop=True)
    if rows.empty:
        where = f" ({path})" if isinstance(path, str | Path) else ""
        raise InputError(
            f"`members`{where} lists no commune: {len(table)} row(s) under its "
            "header, no INSEE code in them. Give one row per (CPTS, commune), or "
            "leave the member list out of the run."
        )
    rows["insee"] = normalise_insee(rows["insee"], name="members['insee']")
    if communes is not None:
        known = set(normalise_insee(communes["insee"], name="communes['insee']"))
        unknown = ~rows["insee"].isin(known)
        if unknown.any():
            raise InputError(
                f"The member list names {rows.loc[unknown, 'insee'].nunique()} INSEE "
                f"code(s) absent from `communes`: "
                f"{format_labels(rows.loc[unknown, 'insee'].unique())} (CPTS "
                f"{format_labels(rows.loc[unknown, 'cpts_id'].unique())}). Former "
                "codes of merged communes can be mapped with "
                "`coordogeo.io.update_insee_codes`."
            )
    return rows
