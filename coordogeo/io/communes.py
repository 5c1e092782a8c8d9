"""Read commune layers (ADMIN EXPRESS, GeoJSON) and bring old INSEE codes up to date."""

from __future__ import annotations

import logging
import warnings
from collections.abc import Collection
from pathlib import Path
from typing import Final

import numpy as np
import pandas as pd

import geopandas as gpd

from coordogeo.codes import normalise_insee
from coordogeo.crs import territory_crs, territory_of_insee, to_metric_crs
from coordogeo.errors import InputError, format_labels
from coordogeo.io._tables import find_column, read_table
from coordogeo.io.vector import list_layers, read_vector

__all__ = ["read_communes", "update_insee_codes"]

logger = logging.getLogger(__name__)

CODE_COLUMNS: Final = (
    "insee", "insee_com", "code_insee", "codgeo", "inseecom", "depcom", "code",
    "com", "code_commune",
)  # fmt: skip
NAME_COLUMNS: Final = ("nom", "nom_com", "nom_m", "libelle", "libgeo", "name")
POPULATION_COLUMNS: Final = (
    "population", "population_municipale", "pmun", "popmun", "pop", "ptot",
)  # fmt: skip
#: INSEE ``mvtcommune`` columns used (any case).
_HISTORY: Final = ("date_eff", "typecom_av", "com_av", "typecom_ap", "com_ap")


def read_communes(
    path: str | Path,
    *,
    population: str | Path | pd.DataFrame | None = None,
    layer: str | None = None,
) -> gpd.GeoDataFrame:
    """Read a commune layer: ADMIN EXPRESS (shp, gpkg) or GeoJSON.

    Parameters
    ----------
    path
        The layer file.
    population
        A population table (CSV/XLSX path or DataFrame) with a code column and a
        population column, joined on the code; the layer's own population column
        (``POPULATION`` in ADMIN EXPRESS, ``population_municipale``…) is used if None.
    layer
        Layer of a multi-layer GeoPackage; the one named like ``commune`` if None.

    Returns
    -------
    GeoDataFrame
        Indexed by ``insee`` (5-character codes, also a column), with ``nom`` and
        ``population`` when found, in the territory's metric CRS.

    Raises
    ------
    InputError
        An empty layer, no code column, malformed or repeated codes, communes of
        several territories, communes absent from the population table (listed).
    """
    frame = read_vector(
        path, name="communes", layer=layer or _commune_layer(Path(path))
    )
    if frame.empty:
        raise InputError(
            f"`communes` ({Path(path).name}) has no commune: its layer is empty. "
            "Check the file (or the layer read, `layer=`): a territory needs its "
            "communes."
        )
    code = find_column(frame, CODE_COLUMNS, name="communes", what="INSEE code")
    frame = frame.rename(columns={code: "insee"})
    lower = {str(c).lower(): c for c in frame.columns}
    renames = {}
    for target, candidates in (
        ("nom", NAME_COLUMNS),
        ("population", POPULATION_COLUMNS),
    ):
        found = next((lower[c] for c in candidates if c in lower), None)
        if found is not None and found != target and target not in frame:
            renames[found] = target
    frame = frame.rename(columns=renames)
    frame["insee"] = normalise_insee(frame["insee"], name="communes['insee']")
    repeated = frame["insee"][frame["insee"].duplicated()]
    if len(repeated):
        raise InputError(
            f"The commune layer repeats INSEE codes {format_labels(repeated.unique())};"
            " one row per commune is expected (dissolve the parts first)."
        )
    if population is not None:
        frame["population"] = _joined_population(frame["insee"], population)
    territories = territory_of_insee(frame["insee"]).unique()
    if len(territories) > 1:
        raise InputError(
            f"The commune layer spans several territories {sorted(territories)}; each "
            "has its own metric CRS: read or filter one territory at a time."
        )
    crs = territory_crs(str(territories[0])) if len(territories) else "EPSG:2154"
    indexed = frame.set_index(pd.Index(frame["insee"], name="insee"))
    return to_metric_crs(indexed, name="communes", crs=crs)


def _commune_layer(path: Path) -> str | None:
    """Return the commune layer of a GeoPackage (ADMIN EXPRESS has several)."""
    if path.suffix.lower() != ".gpkg":
        return None
    names = list_layers(path, name="communes")
    exact = [n for n in names if n.lower() == "commune"]
    return (
        exact[0] if exact else next((n for n in names if "commune" in n.lower()), None)
    )


def _joined_population(
    codes: pd.Series, population: str | Path | pd.DataFrame
) -> np.ndarray:
    """Return each commune's population from a table; refuse communes without one."""
    table = read_table(population, name="population")
    code = find_column(table, CODE_COLUMNS, name="population", what="INSEE code")
    value = find_column(table, POPULATION_COLUMNS, name="population", what="population")
    keys = normalise_insee(table[code], name="population[code]")
    numbers = pd.to_numeric(table[value], errors="coerce")
    lookup = pd.Series(numbers.to_numpy(), index=keys.to_numpy())
    twice = lookup.index[lookup.index.duplicated()].unique()
    if len(twice):
        raise InputError(
            f"The population table lists {len(twice)} commune(s) on several rows: "
            f"{format_labels(twice)}; keep one row per commune (a table of several "
            "vintages or of arrondissements must be filtered or summed first)."
        )
    joined = lookup.reindex(codes.to_numpy()).to_numpy(dtype=np.float64)
    missing = ~(joined >= 0)
    if missing.any():
        raise InputError(
            f"{int(missing.sum())} commune(s) have no population in the table: "
            f"{format_labels(codes[missing])}. Check that both use the same COG "
            "vintage (see `update_insee_codes`)."
        )
    return joined


def update_insee_codes(
    frame: pd.DataFrame,
    *,
    history: str | Path | pd.DataFrame,
    column: str = "insee",
    current: Collection[str] | None = None,
) -> pd.DataFrame:
    """Map former INSEE codes to current ones and merge what was merged.

    Follows the INSEE commune-movement table (``mvtcommune``: ``DATE_EFF``,
    ``TYPECOM_AV``, ``COM_AV``, ``TYPECOM_AP``, ``COM_AP``…; any case): for each
    former commune (``COM``) its latest movement to another commune code, chains
    followed (a commune merged in 2016 whose new commune merged again in 2019 goes to
    the 2019 code). Rows that end on the same code are merged: numeric columns
    (population, age bands…) summed, geometries dissolved, other columns take the
    first value.

    Parameters
    ----------
    frame
        Rows keyed by a code column (a commune layer, a population table, a CPTS
        member list needs no merge: use the mapping on its own column).
    history
        The ``mvtcommune`` table (CSV path or DataFrame).
    column
        The code column of ``frame``.
    current
        The current codes (e.g. today's commune layer): codes that end outside it
        are reported; without it only codes the history cannot place (a commune
        split in several) are.

    Returns
    -------
    DataFrame or GeoDataFrame
        One row per resulting code, indexed by it, with ``insee_placed`` False for
        the codes that could not be placed (kept unchanged, never dropped).

    Warns
    -----
    UserWarning
        Naming the codes that could not be placed.
    """
    moves = _moves(read_table(history, name="history"))
    codes = normalise_insee(frame[column], name=f"frame[{column!r}]")
    mapped = codes.copy()
    for _ in range(50):  # follow chains; 50 successive mergers never happen
        step = mapped.map(moves).fillna(mapped)
        if step.equals(mapped):
            break
        mapped = step
    placed = mapped != ""  # "" marks a commune split in several: no single code
    if current is not None:
        placed &= mapped.isin(set(current))
    lost = codes[~placed]
    if len(lost):
        warnings.warn(
            f"{len(lost)} INSEE code(s) of `frame[{column!r}]` could not be placed in "
            f"the current COG: {format_labels(lost.unique())}; they are kept "
            "unchanged with `insee_placed=False`.",
            stacklevel=2,
        )
    out = frame.copy()
    out[column] = mapped.where(placed, codes)
    out["insee_placed"] = placed.to_numpy()
    return _merged(out, column)


def _moves(history: pd.DataFrame) -> pd.Series:
    """Return former code → latest code; "" where the commune split in several."""
    cols = {c: find_column(history, (c,), name="history", what=c) for c in _HISTORY}
    table = pd.DataFrame(
        {c: history[col].astype(str).str.strip() for c, col in cols.items()}
    )
    table = table[(table["typecom_av"] == "COM") & (table["typecom_ap"] == "COM")]
    last_date = table.groupby("com_av")["date_eff"].transform("max")
    latest = table[table["date_eff"] == last_date]
    targets = latest.groupby("com_av")["com_ap"].agg(lambda s: sorted(set(s)))
    # one target: a merger or a new code; several: a split, which no code can hold
    moved = targets.map(lambda new: new[0] if len(new) == 1 else "")
    return moved[moved != moved.index]


def _merged(frame: pd.DataFrame, column: str) -> pd.DataFrame:
    """Return one row per code: numbers summed, geometries dissolved, the rest first."""
    frame = frame.reset_index(drop=True)  # the result is indexed by the code
    keys = {column, "insee_placed"}
    if isinstance(frame, gpd.GeoDataFrame):
        keys.add(frame.geometry.name)
    numeric = [
        c
        for c in frame.columns
        if c not in keys and pd.api.types.is_numeric_dtype(frame[c])
    ]
    others = [c for c in frame.columns if c not in keys and c not in numeric]
    rules: dict[str, str] = dict.fromkeys(numeric, "sum")
    rules.update(dict.fromkeys(others, "first"))
    rules["insee_placed"] = "all"
    if isinstance(frame, gpd.GeoDataFrame):
        out: pd.DataFrame = frame.dissolve(by=column, aggfunc=rules, sort=True)
    else:
        out = frame.groupby(column, sort=True).agg(rules)
    out.index.name = column
    out.insert(0, column, out.index)
    return out
