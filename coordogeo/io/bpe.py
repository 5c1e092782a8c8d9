"""Read INSEE's geolocated BPE (base permanente des équipements) as structures.

The BPE "ensemble des équipements" file has one row per equipment: a health
professional (``TYPEQU`` ``D201`` médecin généraliste, ``D221`` chirurgien-dentiste
…), a centre, a pharmacy; its commune (``DEPCOM``), its coordinates
(``LAMBERT_X`` / ``LAMBERT_Y``, in each territory's own projection: Lambert-93 in
metropolitan France, UTM overseas) and their quality (``QUALITE_XY``: ``Bonne``,
``Acceptable``, ``Mauvaise``, ``Non géolocalisé``).
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Final

import numpy as np
import pandas as pd

import geopandas as gpd
import shapely

from coordogeo.codes import normalise_insee
from coordogeo.crs import TERRITORY_CRS, metric_crs_of, territory_of_insee
from coordogeo.errors import InputError, format_labels
from coordogeo.files import existing_path
from coordogeo.io._tables import find_column, parse_numbers, read_table

__all__ = ["BPE_TYPES", "read_bpe"]

#: A few BPE equipment types of primary care, with their INSEE labels.
BPE_TYPES: Final = {
    "D201": "médecin généraliste",
    "D221": "chirurgien-dentiste",
    "D232": "infirmier",
    "D233": "masseur-kinésithérapeute",
    "D235": "orthophoniste",
    "D236": "pédicure-podologue",
    "D307": "pharmacie",
}
#: The qualities that place an equipment at its own coordinates.
_PLACED: Final = ("bonne", "acceptable")


def read_bpe(
    path: str | Path | pd.DataFrame,
    *,
    types: Iterable[str] = ("D201",),
    communes: gpd.GeoDataFrame | None = None,
    kind: str | None = None,
    quality: Iterable[str] = _PLACED,
) -> gpd.GeoDataFrame:
    """Read the equipments of some types from the BPE, as structures.

    Parameters
    ----------
    path
        The BPE "ensemble des équipements" geolocated file (CSV, ``;``), or a frame
        of it, with ``DEPCOM``, ``TYPEQU``, ``LAMBERT_X``, ``LAMBERT_Y`` and
        ``QUALITE_XY`` (any case).
    types
        The ``TYPEQU`` codes to keep (``D201``: médecins généralistes).
    communes
        Commune polygons with ``insee``: only their equipments are kept; the ones
        without coordinates of a good enough ``quality`` are placed at a point
        inside their commune (``placed_at = "commune"``). Without ``communes``,
        every territory is read and those rows stay unplaced (``located`` False).
    kind
        The ``kind`` of every row; the ``TYPEQU`` code if None.
    quality
        The ``QUALITE_XY`` values whose coordinates are used (any case); the
        default keeps ``Bonne`` and ``Acceptable`` and places ``Mauvaise`` and
        ``Non géolocalisé`` in their commune.

    Returns
    -------
    GeoDataFrame
        One row per equipment: ``kind``, ``typequ``, ``name`` (the type's label),
        ``insee``, ``quality``, ``capacity`` (1: one professional, or one
        equipment), ``placed_at`` (``"coordinates"``, ``"commune"`` or ``""`` when
        unplaced), ``located``; in the communes' metric CRS (with ``communes``),
        else in the territory's (several territories: EPSG:4326).
        ``attrs["outside"]`` counts the rows of the types left out because their
        commune is not among ``communes``.

    Raises
    ------
    InputError
        A missing column (named), no row of the types asked for, codes or
        coordinates that are not codes or numbers.

    Examples
    --------
    >>> import pandas as pd
    >>> bpe = pd.DataFrame({
    ...     "DEPCOM": ["46042", "46042", "97411", "46102"],
    ...     "TYPEQU": ["D201", "D201", "D201", "A101"],
    ...     "LAMBERT_X": ["574700,1", "", "341000", "600000"],
    ...     "LAMBERT_Y": ["6372300,4", "", "7690000", "6390000"],
    ...     "QUALITE_XY": ["Bonne", "Non géolocalisé", "Bonne", "Bonne"],
    ... })
    >>> gp = read_bpe(bpe)
    >>> for row in gp[["insee", "placed_at", "located"]].to_numpy().tolist():
    ...     print(row)
    ['46042', 'coordinates', True]
    ['46042', '', False]
    ['97411', 'coordinates', True]
    """
    table = _table(path)
    column = {
        name: find_column(table, (name.lower(),), name="bpe", what=name)
        for name in ("DEPCOM", "TYPEQU", "LAMBERT_X", "LAMBERT_Y", "QUALITE_XY")
    }
    wanted = {str(t).strip().upper() for t in types}
    typequ = table[column["TYPEQU"]].astype(str).str.strip().str.upper()
    table = table[typequ.isin(wanted).to_numpy()]
    if len(table) == 0:
        raise InputError(
            f"`bpe` has no equipment of type(s) {sorted(wanted)}; its types include "
            f"{format_labels(sorted(typequ.unique()))}."
        )
    codes = normalise_insee(table[column["DEPCOM"]], name="bpe['DEPCOM']")
    outside = 0
    if communes is not None:
        known = codes.isin(communes["insee"]).to_numpy()
        outside = int((~known).sum())
        table, codes = table[known], codes[known]
    x = parse_numbers(table[column["LAMBERT_X"]], name="bpe['LAMBERT_X']")
    y = parse_numbers(table[column["LAMBERT_Y"]], name="bpe['LAMBERT_Y']")
    grade = table[column["QUALITE_XY"]].astype(str).str.strip()
    good = {q.strip().lower() for q in quality}
    usable = (
        x.notna().to_numpy() & y.notna().to_numpy()
        & grade.str.lower().isin(good).to_numpy()
    )  # fmt: skip
    territory = territory_of_insee(codes).to_numpy()
    lonlat = np.full((len(table), 2), np.nan)
    for place in np.unique(territory[usable]):
        rows = usable & (territory == place)
        points = gpd.GeoSeries(
            shapely.points(x.to_numpy()[rows], y.to_numpy()[rows]),
            crs=TERRITORY_CRS[str(place)],
        ).to_crs("EPSG:4326")
        lonlat[rows] = shapely.get_coordinates(points.to_numpy())
    out = gpd.GeoDataFrame(
        {
            "kind": kind if kind is not None else typequ.loc[table.index].to_numpy(),
            "typequ": typequ.loc[table.index].to_numpy(),
            "name": typequ.loc[table.index].map(BPE_TYPES).fillna("").to_numpy(),
            "insee": codes.to_numpy(),
            "quality": grade.to_numpy(),
            "capacity": 1.0,
            "placed_at": np.where(usable, "coordinates", ""),
        },
        geometry=shapely.points(lonlat),
        crs="EPSG:4326",
        index=pd.RangeIndex(len(table)),
    )
    out.index = pd.Index(
        [f"bpe-{t}-{c}-{k}" for k, (t, c) in
         enumerate(zip(out["typequ"], out["insee"], strict=True), start=1)],
        name="id",
    )  # fmt: skip
    if communes is not None:
        out = _placed_in_communes(out, communes)
    else:
        places = set(territory)
        if len(places) == 1:
            out = out.to_crs(TERRITORY_CRS[places.pop()])
    out["located"] = out["placed_at"] != ""
    out.attrs["outside"] = outside
    return out


def _table(path: str | Path | pd.DataFrame) -> pd.DataFrame:
    """Return the BPE table, read as text."""
    if isinstance(path, pd.DataFrame):
        return path.copy()
    file = existing_path(path)
    if not file.is_file():
        raise InputError(f"`bpe`: no file at {str(file)!r}.")
    return read_table(file, name="bpe")


def _placed_in_communes(
    out: gpd.GeoDataFrame, communes: gpd.GeoDataFrame
) -> gpd.GeoDataFrame:
    """Put the rows without usable coordinates inside their commune; metric CRS."""
    crs = metric_crs_of(communes, name="communes")
    shapes = communes.to_crs(crs).drop_duplicates("insee").set_index("insee")
    out = out.to_crs(crs)
    alone = (out["placed_at"] == "").to_numpy()
    if alone.any():
        inside = shapes.geometry.representative_point().loc[out["insee"][alone]]
        geometry = out.geometry.to_numpy().copy()
        geometry[alone] = inside.to_numpy()
        out = out.set_geometry(gpd.GeoSeries(geometry, index=out.index, crs=crs))
        out.loc[alone, "placed_at"] = "commune"
    return out
