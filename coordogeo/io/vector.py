"""Read one layer of a vector file, every parse error an InputError naming the file."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Final

import pandas as pd
import pyogrio
from pyogrio.errors import DataLayerError, DataSourceError, FieldError, GeometryError

import geopandas as gpd

from coordogeo.errors import InputError
from coordogeo.files import existing_path

__all__ = ["VECTOR_SUFFIXES", "list_layers", "read_vector", "read_vector_blocks"]

#: Suffixes read as vector layers (the rest are tables).
VECTOR_SUFFIXES: Final = (".gpkg", ".geojson", ".json", ".shp", ".fgb", ".parquet")

_PARSE_ERRORS: Final = (DataSourceError, DataLayerError, FieldError, GeometryError)


def read_vector(
    path: str | Path, *, name: str, layer: str | None = None
) -> gpd.GeoDataFrame:
    """Read a vector layer (GeoPackage, shapefile, GeoJSON, FlatGeobuf, GeoParquet).

    Parameters
    ----------
    path
        The file.
    name
        How messages name it (``communes``, ``roads`` …).
    layer
        Layer of a multi-layer file; the first if None.

    Raises
    ------
    InputError
        No such file; a file GDAL cannot read as a vector layer (truncated, of
        another format, a table); an unknown layer; a layer without geometry (a
        table given where a layer is expected).
    """
    file = existing_path(path)
    if not file.is_file():
        raise InputError(f"`{name}`: no file at {str(file)!r}.")
    try:
        if file.suffix.lower() == ".parquet":
            frame = gpd.read_parquet(file)
        else:
            frame = gpd.read_file(file, layer=layer, engine="pyogrio")
    except _PARSE_ERRORS as err:
        raise InputError(
            f"`{name}` ({file}) cannot be read as a vector layer: "
            f"{str(err).split(';')[0]}. Check that the file is complete and is a "
            "GeoPackage, shapefile, GeoJSON or GeoParquet."
        ) from err
    except (ValueError, OSError) as err:  # GeoParquet without geometry, I/O
        raise InputError(f"`{name}` ({file}) cannot be read: {err}") from err
    if not isinstance(frame, gpd.GeoDataFrame) or frame.geometry.name not in frame:
        raise InputError(
            f"`{name}` ({file}) is a table without geometry, where a vector layer "
            "is expected (GeoPackage, shapefile, GeoJSON); a table of points needs "
            "x/y or lon/lat columns and is read by `read_structures`."
        )
    return frame


def read_vector_blocks(
    path: str | Path,
    *,
    name: str,
    columns: list[str] | None = None,
    rows: int = 1_000_000,
) -> Iterator[gpd.GeoDataFrame]:
    """Read a vector layer ``rows`` features at a time, indexed by feature number.

    The whole layer is never held at once (a national road file is tens of
    millions of lines; their shapely objects alone outgrow the network built from
    them). GeoParquet comes in one block. Errors as :func:`read_vector`'s.
    """
    file = existing_path(path)
    if file.suffix.lower() == ".parquet" or not file.is_file():
        frame = read_vector(file, name=name)
        yield frame.set_index(pd.RangeIndex(len(frame)))
        return
    try:
        info = pyogrio.read_info(file)
    except _PARSE_ERRORS as err:
        read_vector(file, name=name)  # raises the reader's own message
        raise InputError(f"`{name}` ({file}) cannot be read: {err}") from err
    if not info.get("geometry_type"):  # a table: the reader's own message
        read_vector(file, name=name)
        raise InputError(  # pragma: no cover - read_vector refuses it first
            f"`{name}` ({file}) is a table without geometry."
        )
    total = int(info["features"])
    if columns is not None:  # a missing one is the caller's to name
        columns = [c for c in columns if c in set(info["fields"])]
    for start in range(0, max(total, 1), rows):
        try:
            frame = gpd.read_file(
                file, engine="pyogrio", columns=columns, skip_features=start,
                max_features=rows,
            )  # fmt: skip
        except _PARSE_ERRORS as err:
            raise InputError(
                f"`{name}` ({file}) cannot be read as a vector layer: "
                f"{str(err).split(';')[0]}."
            ) from err
        yield frame.set_index(pd.RangeIndex(start, start + len(frame)))


def list_layers(path: str | Path, *, name: str) -> list[str]:
    """Return the layer names of a vector file; parse errors name the file."""
    try:
        return [str(n) for n, _ in pyogrio.list_layers(path)]
    except _PARSE_ERRORS as err:
        raise InputError(
            f"`{name}` ({path}) cannot be read as a vector file: "
            f"{str(err).split(';')[0]}."
        ) from err
