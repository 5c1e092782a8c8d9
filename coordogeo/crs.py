"""The metric CRS of each French territory, and the one check every input passes."""

from __future__ import annotations

import functools
import logging
from typing import Final

import numpy as np
import pandas as pd

import geopandas as gpd
import shapely
from pyproj import CRS, Transformer
from pyproj.exceptions import CRSError

from coordogeo.errors import InputError, format_labels

__all__ = [
    "METROPOLE_CRS",
    "TERRITORY_CRS",
    "check_for_lonlat",
    "metric_crs_of",
    "territory_crs",
    "territory_of_insee",
    "territory_of_lonlat",
    "to_lonlat",
    "to_metric_crs",
    "user_crs",
]

logger = logging.getLogger(__name__)

METROPOLE_CRS: Final = "EPSG:2154"

#: Official projected CRS of each territory (DOMAIN.md §7.1).
TERRITORY_CRS: Final[dict[str, str]] = {
    "metropole": METROPOLE_CRS,  # RGF93 / Lambert-93, Corsica included
    # RGAF09 / UTM 20N: Guadeloupe, Martinique, Saint-Martin, Saint-Barthélemy
    "antilles": "EPSG:5490",
    "guyane": "EPSG:2972",  # RGFG95 / UTM 22N
    "reunion": "EPSG:2975",  # RGR92 / UTM 40S
    "mayotte": "EPSG:4471",  # RGM04 / UTM 38S
    "saint_pierre_et_miquelon": "EPSG:32621",  # WGS 84 / UTM 21N, as FINESS uses
}

#: Territory of each overseas département or collectivity code (three characters).
_OVERSEAS: Final[dict[str, str]] = {
    "971": "antilles",  # Guadeloupe
    "972": "antilles",  # Martinique
    "973": "guyane",
    "974": "reunion",
    "975": "saint_pierre_et_miquelon",
    "976": "mayotte",
    "977": "antilles",  # Saint-Barthélemy
    "978": "antilles",  # Saint-Martin
}

#: Degrees added around a CRS's area of use before data is called out of it.
AREA_OF_USE_MARGIN_DEG: Final = 1.0


def user_crs(crs: object, *, name: str) -> CRS:
    """Read a CRS the user wrote ('EPSG:2154', 2154, a WKT, a PROJ string).

    A text pyproj does not know is an :class:`~coordogeo.errors.InputError` naming
    ``name``, not pyproj's own exception.

    >>> user_crs("epsg:2154", name="crs").to_epsg()
    2154
    >>> user_crs("lambert93", name="crs")
    Traceback (most recent call last):
    ...
    coordogeo.errors.InputError: `crs` 'lambert93' is not a CRS pyproj knows ...
    """
    try:
        return CRS.from_user_input(crs)
    except CRSError as error:
        raise InputError(
            f"`{name}` {crs!r} is not a CRS pyproj knows ({error}); write it as "
            "'EPSG:2154', 'EPSG:3035', 'EPSG:4326', …"
        ) from None


def to_metric_crs(
    gdf: gpd.GeoDataFrame,
    *,
    name: str,
    crs: str | None = None,
    check_valid: bool = True,
) -> gpd.GeoDataFrame:
    """Return a copy of ``gdf`` in the metric ``crs``; never guess a missing CRS.

    Parameters
    ----------
    gdf
        Any GeoDataFrame with a declared CRS.
    name
        The argument's name, quoted in error messages.
    crs
        The projected CRS to return (``TERRITORY_CRS``). None (the default): the
        official metric CRS of the French territory the data lie in
        (:func:`metric_crs_of`) — Lambert-93 in metropolitan France and Corsica,
        UTM 40S in La Réunion…
    check_valid
        Refuse invalid geometries. Only the road builder turns it off: it reports
        degenerate (zero-length) lines itself.

    Returns
    -------
    GeoDataFrame
        A copy in ``crs``, same index and columns.

    Raises
    ------
    InputError
        No CRS; a geographic target CRS; repeated index labels; missing, empty or
        invalid geometries; coordinates that do not fit the declared CRS or that fall
        outside the territory of ``crs``.

    Examples
    --------
    >>> import geopandas as gpd
    >>> from shapely import Point
    >>> origin = gpd.GeoDataFrame(geometry=[Point(3.0, 46.5)], crs=4326)
    >>> to_metric_crs(origin, name="sites").geometry.round(3).iloc[0].wkt
    'POINT (700000 6600000)'

    Lambert-93 puts its origin (3° E, 46.5° N) at 700 000 m E, 6 600 000 m N. Data
    in La Réunion go to RGR92 / UTM 40S:

    >>> saint_denis = gpd.GeoDataFrame(geometry=[Point(55.45, -20.88)], crs=4326)
    >>> to_metric_crs(saint_denis, name="sites").crs.to_string()
    'EPSG:2975'
    """
    _check_frame(gdf, name=name)
    if crs is not None and not user_crs(crs, name="crs").is_projected:
        raise InputError(
            f"`crs` must be a projected (metric) CRS, got {crs!r}; use one of "
            f"{sorted(set(TERRITORY_CRS.values()))}."
        )
    _check_rows(gdf, name=name, check_valid=check_valid)
    if gdf.crs.is_geographic:
        _check_lonlat(gdf, name=name)
    target = CRS.from_user_input(metric_crs_of(gdf, name=name) if crs is None else crs)
    out = gdf.copy() if gdf.crs.equals(target) else gdf.to_crs(target)
    _check_in_area_of_use(out, name=name, target=target)
    return out


def metric_crs_of(gdf: gpd.GeoDataFrame, *, name: str = "gdf") -> str:
    """Return the official metric CRS of the French territory ``gdf`` lies in.

    A frame already in one of :data:`TERRITORY_CRS` keeps it; any other (lon/lat,
    the INSEE grid's EPSG:3035…) is placed by the lon/lat of its centre. An empty
    frame gets Lambert-93.

    Raises
    ------
    InputError
        No CRS, or data in no French territory (the fix names the CRS to declare).
    """
    _check_frame(gdf, name=name)
    declared = CRS.from_user_input(gdf.crs)
    for code in dict.fromkeys(TERRITORY_CRS.values()):
        if declared.equals(CRS.from_user_input(code)):
            return code
    if len(gdf) == 0 or gdf.geometry.isna().all():
        return METROPOLE_CRS
    xmin, ymin, xmax, ymax = gdf.geometry.total_bounds
    to_lonlat = _to_lonlat_transformer(declared)
    lon, lat = to_lonlat.transform([(xmin + xmax) / 2], [(ymin + ymax) / 2])
    found = territory_of_lonlat(np.asarray(lon), np.asarray(lat))[0]
    if not found:
        raise InputError(
            f"`{name}` lies at lon {lon[0]:.2f}, lat {lat[0]:.2f} in its declared CRS "
            f"{declared.to_string()!r}, in no French territory: check the CRS "
            "declared on the data (lon/lat swapped? projected coordinates declared "
            "as EPSG:4326?)."
        )
    return TERRITORY_CRS[str(found)]


def territory_crs(territory: str) -> str:
    """Return the metric CRS of a territory, e.g. ``'reunion'`` → ``'EPSG:2975'``.

    Examples
    --------
    >>> territory_crs("reunion")
    'EPSG:2975'
    """
    if territory not in TERRITORY_CRS:
        allowed = ", ".join(repr(t) for t in TERRITORY_CRS)
        raise InputError(
            f"`territory` was {territory!r} but is expected to be one of {allowed}."
        )
    return TERRITORY_CRS[territory]


def territory_of_insee(codes: pd.Series) -> pd.Series:
    """Return the territory of each (normalised) INSEE commune code.

    ``2A``/``2B`` and the metropolitan départements give ``metropole``; ``971``,
    ``972``, ``977``, ``978`` give ``antilles``; ``973`` ``guyane``; ``974``
    ``reunion``; ``975`` ``saint_pierre_et_miquelon``; ``976`` ``mayotte``. Codes of
    no territory (e.g. ``98…`` in the Pacific) raise an error listing them.

    Examples
    --------
    >>> import pandas as pd
    >>> territory_of_insee(pd.Series(["46042", "2A004", "97411", "97701"])).tolist()
    ['metropole', 'metropole', 'reunion', 'antilles']
    """
    text = codes.astype("string")
    prefix3 = text.str[:3]
    out = prefix3.map(_OVERSEAS).astype(object)
    metropole = ~text.str.startswith("9").fillna(False) | text.str[:2].isin(
        ["91", "92", "93", "94", "95"]
    )
    out[metropole.to_numpy(dtype=bool)] = "metropole"
    unknown = out.isna().to_numpy()
    if unknown.any():
        raise InputError(
            f"{int(unknown.sum())} INSEE code(s) belong to no territory coordogeo "
            f"knows: {format_labels(codes[unknown])} at index "
            f"{format_labels(codes.index[unknown])}; the known territories are "
            f"{sorted(TERRITORY_CRS)}."
        )
    return pd.Series(out.to_numpy(), index=codes.index, dtype=object)


def territory_of_lonlat(lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
    """Return the territory whose CRS area of use holds each lon/lat point.

    Points in none get ``""``. Metropolitan France is tested last, its box being the
    largest.

    Examples
    --------
    >>> territory_of_lonlat(np.array([1.44, 55.45, -62.85]),
    ...                     np.array([44.45, -20.9, 17.9])).tolist()
    ['metropole', 'reunion', 'antilles']
    """
    lon, lat = np.asarray(lon, dtype=np.float64), np.asarray(lat, dtype=np.float64)
    out = np.full(lon.shape, "", dtype=object)
    for territory in [*sorted(set(TERRITORY_CRS) - {"metropole"}), "metropole"]:
        area = CRS(TERRITORY_CRS[territory]).area_of_use
        if area is None:  # pragma: no cover - every CRS above declares one
            continue
        inside = (
            (lon >= area.west)
            & (lon <= area.east)
            & (lat >= area.south)
            & (lat <= area.north)
            & (out == "")
        )
        out[inside] = territory
    return out


def to_lonlat(gdf: gpd.GeoDataFrame, *, name: str) -> gpd.GeoDataFrame:
    """Return a checked copy of ``gdf`` in EPSG:4326, for maps only.

    The same checks as :func:`to_metric_crs` (CRS declared, unique labels, no missing
    or empty geometry); results handed to ``coordogeo.maps`` are usually already in a
    metric CRS, so the territory is not checked again.
    """
    check_for_lonlat(gdf, name=name)
    return gdf.to_crs(4326)


def check_for_lonlat(gdf: gpd.GeoDataFrame, *, name: str) -> None:
    """Raise as :func:`to_lonlat` does (no CRS, repeated labels, missing shapes)."""
    _check_frame(gdf, name=name)
    _check_rows(gdf, name=name, check_valid=False)


def _check_frame(gdf: gpd.GeoDataFrame, *, name: str) -> None:
    """Raise unless ``gdf`` is a GeoDataFrame with a declared CRS."""
    if not isinstance(gdf, gpd.GeoDataFrame):
        raise TypeError(
            f"`{name}` must be a GeoDataFrame, got {type(gdf).__name__}; build one "
            "with `geopandas.GeoDataFrame(df, geometry=..., crs=...)`."
        )
    if gdf.crs is None:
        raise InputError(
            f"`{name}` has no CRS; declare the one its coordinates are in, e.g. "
            f"`{name}.set_crs('EPSG:4326')` for lon/lat or `.set_crs('EPSG:2154')`."
        )


def _check_rows(gdf: gpd.GeoDataFrame, *, name: str, check_valid: bool) -> None:
    """Raise on repeated labels and on missing, empty or invalid geometries."""
    if not gdf.index.is_unique:
        dup = gdf.index[gdf.index.duplicated()].unique()
        raise InputError(
            f"`{name}` repeats index labels {format_labels(dup)}; make them unique, "
            f"e.g. `{name}.reset_index(drop=True)`."
        )
    geoms = gdf.geometry.array
    bad = np.asarray(shapely.is_missing(geoms) | shapely.is_empty(geoms))
    if bad.any():
        raise InputError(
            f"`{name}` has {int(bad.sum())} row(s) with a missing or empty geometry, "
            f"at index {format_labels(gdf.index[bad])}; drop or repair them first."
        )
    invalid = ~np.asarray(shapely.is_valid(geoms)) if check_valid else np.zeros(0, bool)
    if invalid.any():
        reasons = shapely.is_valid_reason(np.asarray(geoms)[invalid][:1])[0]
        raise InputError(
            f"`{name}` has {int(invalid.sum())} invalid geometry(ies), at index "
            f"{format_labels(gdf.index[invalid])} (first: {reasons}); repair them with "
            f"`{name}.make_valid()` or drop them."
        )


def _check_lonlat(gdf: gpd.GeoDataFrame, *, name: str) -> None:
    """Raise when coordinates declared as degrees cannot be longitudes/latitudes."""
    xy = shapely.get_coordinates(gdf.geometry.array)
    if len(xy) and (np.abs(xy[:, 0]).max() > 180 or np.abs(xy[:, 1]).max() > 90):  # noqa: PLR2004
        raise InputError(
            f"`{name}` is declared in {gdf.crs.to_string()!r} (degrees) but has "
            f"coordinates up to {np.abs(xy).max():.0f}: they look projected. Declare "
            f"the right CRS with `{name}.set_crs(..., allow_override=True)`, e.g. "
            "'EPSG:2154' for Lambert-93."
        )


@functools.lru_cache(maxsize=16)
def _to_lonlat_transformer(crs: CRS) -> Transformer:
    """Build (once per CRS: pyproj takes milliseconds) a transformer to lon/lat."""
    return Transformer.from_crs(crs, "EPSG:4326", always_xy=True)


def _check_in_area_of_use(gdf: gpd.GeoDataFrame, *, name: str, target: CRS) -> None:
    """Raise when projected data lies outside the territory ``target`` is made for."""
    if len(gdf) == 0:
        return  # nothing to place; an empty input gives an empty output
    xmin, ymin, xmax, ymax = gdf.total_bounds
    if not np.all(np.isfinite([xmin, ymin, xmax, ymax])):
        raise InputError(
            f"`{name}` could not be projected to {target.to_string()!r}: some "
            "coordinates are not finite. Check the CRS declared on the data."
        )
    area = target.area_of_use
    if area is None:
        return
    to_lonlat = _to_lonlat_transformer(target)
    lon, lat = to_lonlat.transform([xmin, xmax, xmin, xmax], [ymin, ymin, ymax, ymax])
    m = AREA_OF_USE_MARGIN_DEG
    inside = (
        min(lon) >= area.west - m
        and max(lon) <= area.east + m
        and min(lat) >= area.south - m
        and max(lat) <= area.north + m
    )
    if not inside:
        raise InputError(
            f"`{name}` spans lon {min(lon):.2f}..{max(lon):.2f}, lat "
            f"{min(lat):.2f}..{max(lat):.2f}, outside the area of "
            f"{target.to_string()!r} ({area.name}). Either its declared CRS is wrong "
            f"or it belongs to another territory than the data it goes with (the "
            f"road network, the communes…), which are in {target.to_string()!r}: "
            "give inputs of one territory."
        )
