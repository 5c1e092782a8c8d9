"""Drivable roads from OpenStreetMap files: .osm.pbf, .osm XML, OSMnx GraphML.

Parsers: `pyosmium <https://osmcode.org/pyosmium/>`_ (the OSM community's maintained
binding of libosmium: PBF and XML, node locations resolved in C++) for raw OSM, and
``networkx.read_graphml`` for OSMnx files.
"""

from __future__ import annotations

import logging
import math
import re
import sys
import tempfile
from array import array
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Final, Literal

import numpy as np
import pandas as pd

import geopandas as gpd
import shapely

from coordogeo.crs import TERRITORY_CRS, territory_of_lonlat
from coordogeo.errors import InputError, check_choice, format_labels
from coordogeo.files import existing_path

__all__ = ["CAR_SPEEDS_KMH", "Ways", "osm_roads", "osm_ways"]

logger = logging.getLogger(__name__)

#: Default car speeds by ``highway`` class, km/h, used where ``maxspeed`` is absent
#: or unreadable. They are typical mean driving speeds in France, below the legal
#: limits (junctions, bends, traffic), chosen by us: override with ``speeds_kmh=``.
CAR_SPEEDS_KMH: Final[Mapping[str, float]] = {
    "motorway": 110.0,
    "motorway_link": 60.0,
    "trunk": 90.0,
    "trunk_link": 50.0,
    "primary": 70.0,
    "primary_link": 40.0,
    "secondary": 60.0,
    "secondary_link": 40.0,
    "tertiary": 50.0,
    "tertiary_link": 30.0,
    "unclassified": 40.0,
    "road": 30.0,
    "residential": 30.0,
    "living_street": 15.0,
    "service": 20.0,
}
#: French implicit limits in ``maxspeed`` (km/h).
_IMPLICIT_KMH: Final = {
    "fr:urban": 50.0,
    "fr:rural": 80.0,
    "fr:motorway": 130.0,
    "fr:zone30": 30.0,
    "fr:zone20": 20.0,
    "fr:walk": 6.0,
}
_MPH: Final = 1.609344
_NO_ACCESS: Final = {"no", "private"}
_FORWARD: Final = {"yes", "true", "1"}
_BACKWARD: Final = {"-1", "reverse"}
_BOTH: Final = {"no", "false", "0"}
_TAGS: Final = ("highway", "maxspeed", "oneway", "junction", "access")


def osm_roads(
    path: str | Path,
    *,
    profile: Literal["car"] = "car",
    speeds_kmh: Mapping[str, float] | None = None,
    node_locations: Literal["memory", "disk"] = "memory",
) -> gpd.GeoDataFrame:
    """Read the drivable roads of an OSM file as lines with speeds and one-way codes.

    Parameters
    ----------
    path
        ``.osm.pbf``, ``.osm`` (XML) or an OSMnx ``.graphml``.
    profile
        ``"car"``: the drivable ``highway`` classes of :data:`CAR_SPEEDS_KMH`,
        without ``access=no/private`` ways.
    speeds_kmh
        Speeds by ``highway`` class overriding :data:`CAR_SPEEDS_KMH`.
    node_locations
        Where libosmium keeps the coordinates of the file's nodes while it joins
        them to the ways: ``"memory"`` (default), or ``"disk"``, a temporary file
        (libosmium's ``sparse_file_array``, 16 bytes a node, removed afterwards) for
        a large extract on a machine short of memory. Raw OSM files only.

    Returns
    -------
    GeoDataFrame
        In EPSG:4326: ``highway``, ``maxspeed`` (as tagged), ``speed_kmh`` (from
        ``maxspeed`` — numbers, ``mph``, ``FR:urban`` 50, ``FR:rural`` 80,
        ``FR:motorway`` 130, ``FR:zone30`` 30 — else the class default), ``oneway``
        (1 along the way, -1 against it — ``oneway=-1`` —, 0 both ways; motorways
        and roundabouts are one-way unless tagged otherwise). An OSMnx edge merged
        from ways of several classes (``"['primary', 'residential']"``) takes the
        fastest drivable one, whatever their order; ``attrs["merged_highway_edges"]``
        counts them.

    Raises
    ------
    InputError
        An unknown file type or profile, a file with no drivable road.
    """
    ways = osm_ways(
        path, profile=profile, speeds_kmh=speeds_kmh, node_locations=node_locations
    )
    lines = shapely.linestrings(ways.points, indices=ways.way_of_point)
    out = gpd.GeoDataFrame(ways.table, geometry=np.asarray(lines), crs="EPSG:4326")
    # merged ways (an OSMnx edge over several ways) take their fastest class
    out.attrs["merged_highway_edges"] = ways.merged
    return out


@dataclass(frozen=True)
class Ways:
    """The drivable ways of an OSM file as flat arrays, without a shape per way.

    ``table`` has :func:`osm_roads`' columns (``highway``, ``maxspeed``,
    ``speed_kmh``, ``oneway``), a row per way; ``points`` the ways' lon/lat points
    one after the other, ``counts`` how many each way has (two or more);
    ``merged`` the OSMnx edges merged from ways of several classes.
    """

    table: pd.DataFrame
    points: np.ndarray
    counts: np.ndarray
    merged: int

    @property
    def way_of_point(self) -> np.ndarray:
        """The row of ``table`` each point belongs to."""
        return np.repeat(np.arange(len(self.counts)), self.counts)

    @property
    def middle_points(self) -> np.ndarray:
        """The lon/lat of each way's middle point (its ``counts // 2``-th)."""
        first = np.zeros(len(self.counts), dtype=np.int64)
        np.cumsum(self.counts[:-1], out=first[1:])
        out: np.ndarray = self.points[first + self.counts // 2]
        return out


def osm_ways(
    path: str | Path,
    *,
    profile: Literal["car"] = "car",
    speeds_kmh: Mapping[str, float] | None = None,
    node_locations: Literal["memory", "disk"] = "memory",
) -> Ways:
    """Read the drivable ways of an OSM file as :class:`Ways` (flat arrays).

    What :func:`osm_roads` reads, before it makes a line of each way:
    :meth:`~coordogeo.network.RoadNetwork.from_osm` builds the network from these
    arrays directly, without holding millions of shapes. Same parameters and errors
    as :func:`osm_roads`.
    """
    check_choice(profile, name="profile", choices=("car",))
    check_choice(node_locations, name="node_locations", choices=("memory", "disk"))
    speeds = {**CAR_SPEEDS_KMH, **_checked_speeds(speeds_kmh)}
    file = existing_path(path)
    if not file.is_file():
        raise InputError(f"`path`: no file at {str(file)!r}.")
    name = file.name.lower()
    if name.endswith(".graphml"):
        tags, points, counts = _graphml_ways(file)
    elif name.endswith((".osm.pbf", ".pbf", ".osm", ".osm.bz2", ".osm.gz")):
        tags, points, counts = _osmium_ways(file, node_locations=node_locations)
    else:
        raise InputError(
            f"`path` {file.name!r} is not an OSM file coordogeo reads: .osm.pbf, .osm "
            "(XML) or OSMnx .graphml."
        )
    merged = tags["highway"].map(lambda v: isinstance(v, list))
    tags["highway"] = tags["highway"].map(lambda v: _fastest(v, speeds))
    keep = (
        tags["highway"].isin(list(speeds)) & ~tags["access"].isin(_NO_ACCESS)
    ).to_numpy()
    if not keep.any():
        found = format_labels(sorted(tags["highway"].dropna().unique()))
        raise InputError(
            f"`{file.name}` has no drivable road for the car profile (highway classes "
            f"found: {found}); check the file or pass `speeds_kmh` for its classes."
        )
    tags = tags[keep]
    table = pd.DataFrame(
        {
            "highway": tags["highway"].to_numpy(),
            "maxspeed": tags["maxspeed"].to_numpy(),
            "speed_kmh": _speeds(tags, speeds),
            "oneway": _oneway(tags),
        }
    )
    points = points[np.repeat(keep, counts)]
    logger.info("%d drivable ways read from %s", len(table), file.name)
    return Ways(table, points, counts[keep], int(merged[keep].sum()))


def territory_crs_of(roads: gpd.GeoDataFrame) -> str:
    """Return the metric CRS of the one territory the roads lie in (lon/lat input)."""
    centre = shapely.get_coordinates(roads.geometry.representative_point().to_numpy())
    return territory_crs_at(centre[:, 0], centre[:, 1])


def territory_crs_at(lon: np.ndarray, lat: np.ndarray) -> str:
    """Return the metric CRS of the one territory all these lon/lat points lie in."""
    where = pd.unique(territory_of_lonlat(lon, lat))
    if len(where) != 1 or where[0] == "":
        raise InputError(
            f"The roads lie in {format_labels(where)}, not in one French territory; "
            "split the file by territory (each has its own metric CRS)."
        )
    return TERRITORY_CRS[str(where[0])]


#: Tags of each way, its lon/lat points one way after the other, their counts.
_Read = tuple[pd.DataFrame, np.ndarray, np.ndarray]


def _osmium_ways(path: Path, *, node_locations: str = "memory") -> _Read:
    """Tags and lon/lat points of the ``highway`` ways of a PBF / XML file."""
    if node_locations == "disk":
        with tempfile.TemporaryDirectory(prefix="coordogeo-osm-") as folder:
            storage = f"sparse_file_array,{Path(folder) / 'locations.idx'}"
            return _osmium_ways_with(path, storage)
    return _osmium_ways_with(path, "flex_mem")


def _osmium_ways_with(path: Path, storage: str) -> _Read:
    """:func:`_osmium_ways` with libosmium's node location ``storage``."""
    import osmium  # noqa: PLC0415 - only needed for raw OSM files

    # compact buffers, not a Python object per point: a region's 4.5 M ways held
    # as lists of tuples took 4.5 GB
    values: dict[str, list[str | None]] = {k: [] for k in _TAGS}
    flat, sizes = array("d"), array("q")
    processor = (
        osmium.FileProcessor(str(path))
        .with_locations(storage)
        .with_filter(osmium.filter.KeyFilter("highway"))
    )
    kind = "OSM PBF" if path.name.lower().endswith("pbf") else "OSM XML"
    try:
        # pyosmium hands over one way at a time: this loop is the parser's own API
        for obj in processor:
            if not isinstance(obj, osmium.osm.Way):
                continue
            start = len(flat)
            for n in obj.nodes:
                if n.location.valid():
                    flat.extend((n.lon, n.lat))
            count = (len(flat) - start) // 2
            if count < 2:  # noqa: PLR2004 - a line needs two points
                del flat[start:]
                continue
            sizes.append(count)
            tags = obj.tags
            for key, column in values.items():
                value = tags.get(key)
                column.append(None if value is None else sys.intern(value))
    except RuntimeError as err:  # libosmium reports every parse error so
        raise InputError(
            f"`{path.name}` is not a readable {kind} file ({err}): it may be "
            "truncated (an interrupted download) or of another format; download "
            "it again, or check its extension."
        ) from err
    table = pd.DataFrame(values, columns=list(_TAGS))
    if not sizes:  # no way kept (every kept way has two points or more)
        return table, np.zeros((0, 2)), np.zeros(0, dtype=np.int64)
    counts = np.frombuffer(sizes, dtype=np.int64)
    points = np.frombuffer(flat, dtype=np.float64).reshape(-1, 2)
    return table, points, counts


def _graphml_ways(path: Path) -> _Read:
    """Tags and lon/lat points of the directed edges of an OSMnx GraphML file."""
    from xml.etree.ElementTree import ParseError  # noqa: PLC0415

    import networkx as nx  # type: ignore[import-untyped]  # noqa: PLC0415

    try:
        graph = nx.read_graphml(path)
    except ParseError as err:
        line = err.position[0] if hasattr(err, "position") else "?"
        raise InputError(
            f"`{path.name}` is not a complete GraphML file: the XML breaks at line "
            f"{line} ({err}); it may be truncated: save it again from OSMnx."
        ) from err
    except (nx.NetworkXError, KeyError, ValueError) as err:
        raise InputError(
            f"`{path.name}` is not a GraphML file networkx can read ({err})."
        ) from err
    crs = str(graph.graph.get("crs", "epsg:4326"))
    nodes = pd.DataFrame.from_dict(dict(graph.nodes(data=True)), orient="index")
    if "x" not in nodes or "y" not in nodes:
        raise InputError(
            f"`{path.name}` has nodes without `x`/`y` coordinates: it is not an "
            "OSMnx GraphML file."
        )
    degrees = nodes["x"].astype(float).abs().max() <= 180  # noqa: PLR2004
    if crs.lower() not in ("epsg:4326", "wgs84", "+init=epsg:4326") or not degrees:
        raise InputError(
            f"`{path.name}` is a projected OSMnx graph (crs {crs!r}); coordogeo "
            "reads graphs in longitude/latitude: save the graph before "
            "`osmnx.project_graph`, or `osmnx.project_graph(G, to_latlong=True)` "
            "first."
        )
    edges = pd.DataFrame([{"u": u, "v": v, **d} for u, v, d in graph.edges(data=True)])
    for column in ("highway", "maxspeed", "junction", "access", "geometry"):
        if column not in edges:
            edges[column] = None
    xy = nodes[["x", "y"]].astype(float)
    start = xy.loc[edges["u"]].to_numpy()
    end = xy.loc[edges["v"]].to_numpy()
    wkt = edges["geometry"].astype(object)
    given = shapely.from_wkt(wkt.where(wkt.notna(), None).to_numpy(dtype=object))
    straight = shapely.linestrings(np.stack([start, end], axis=1))
    lines = np.where(shapely.is_missing(given), np.asarray(straight), given)
    # OSMnx keeps both directions as edges: orient each line from u to v, one-way
    first = shapely.get_point(lines, 0)
    flip = shapely.distance(first, shapely.points(end)) < shapely.distance(
        first, shapely.points(start)
    )
    lines = np.where(flip, shapely.reverse(lines), lines)
    tags = pd.DataFrame(
        {
            "highway": edges["highway"].map(_values),
            "maxspeed": edges["maxspeed"].map(_first_value),
            "oneway": "yes",
            "junction": edges["junction"].map(_first_value),
            "access": edges["access"].map(_first_value),
        }
    )
    points, owner = shapely.get_coordinates(lines, return_index=True)
    return tags, points, np.bincount(owner, minlength=len(lines)).astype(np.int64)


def _values(value: object) -> object:
    """OSMnx writes merged tags as "['a', 'b']": return the list, else the value."""
    if isinstance(value, str) and value.startswith("["):
        return re.findall(r"'([^']*)'", value) or None
    return value


def _first_value(value: object) -> object:
    """OSMnx writes merged tags as "['a', 'b']": keep the first."""
    if isinstance(value, str) and value.startswith("["):
        found = re.findall(r"'([^']*)'", value)
        return found[0] if found else None
    return value


def _checked_speeds(speeds_kmh: Mapping[str, float] | None) -> dict[str, float]:
    """Return the user's speeds by class as floats; each must be finite and > 0.

    Raises
    ------
    InputError
        Not a mapping of class names to numbers, or any speed that is missing,
        not a number, 0, negative or infinite (all named at once): such a speed
        would make edges of infinite or negative time.
    """
    if speeds_kmh is None:
        return {}
    if not isinstance(speeds_kmh, Mapping):
        raise InputError(
            "`speeds_kmh` must map `highway` classes to km/h, e.g. "
            f"{{'residential': 25}}; got {type(speeds_kmh).__name__}."
        )
    bad = {}
    for key, value in speeds_kmh.items():
        numeric = isinstance(value, int | float | np.number)
        number = float(value) if numeric and not isinstance(value, bool) else math.nan
        if not isinstance(key, str) or not math.isfinite(number) or number <= 0:
            bad[key] = value
    if bad:
        raise InputError(
            f"`speeds_kmh` must give each class a finite speed > 0 km/h; got {bad!r}."
            " Give a positive number, or leave the class out to keep its default."
        )
    return {key: float(value) for key, value in speeds_kmh.items()}


def _fastest(value: object, speeds: Mapping[str, float]) -> object:
    """Of the classes of a merged way, the one driven fastest (order-independent)."""
    if not isinstance(value, list):
        return value
    drivable = [v for v in value if v in speeds]
    return max(drivable, key=lambda v: (speeds[v], v)) if drivable else value[0]


def _speeds(tags: pd.DataFrame, speeds: Mapping[str, float]) -> np.ndarray:
    """Speed from ``maxspeed`` where readable, else the class default.

    Each distinct ``maxspeed`` text is read once (a region's 4.5 M ways carry a
    few hundred): the text rules on every way took most of a region's reading.
    """
    codes, texts = pd.factorize(tags["maxspeed"], use_na_sentinel=True)
    raw = pd.Series(texts, dtype=object).astype("string").str.strip().str.lower()
    first = raw.str.split(";").str[0].str.strip()
    number = pd.to_numeric(first.str.extract(r"^(\d+(?:\.\d+)?)", expand=False))
    mph = first.str.contains("mph").fillna(False).to_numpy(dtype=bool)
    value = number.to_numpy(dtype=np.float64, na_value=np.nan).copy()
    value[mph] *= _MPH
    implicit = first.map(_IMPLICIT_KMH).to_numpy(dtype=np.float64, na_value=np.nan)
    value = np.where(np.isfinite(value), value, implicit)
    per_way = np.where(codes >= 0, np.r_[value, np.nan][codes], np.nan)
    default = tags["highway"].map(speeds).to_numpy(dtype=np.float64)
    ok = np.isfinite(per_way) & (per_way > 0)
    return np.where(ok, per_way, default)


def _oneway(tags: pd.DataFrame) -> np.ndarray:
    """Return 1 along the way, -1 against it, 0 both ways (motorways: 1 implied).

    Each distinct ``oneway`` text is read once, as :func:`_speeds` does.
    """
    codes, texts = pd.factorize(tags["oneway"], use_na_sentinel=True)
    tag = pd.Series(texts, dtype=object).astype("string").str.strip().str.lower()
    said = np.full(len(texts) + 1, 2, dtype=np.int8)  # 2: not said (last: no tag)
    said[:-1][tag.isin(_FORWARD).to_numpy(dtype=bool)] = 1
    said[:-1][tag.isin(_BACKWARD).to_numpy(dtype=bool)] = -1
    said[:-1][tag.isin(_BOTH).to_numpy(dtype=bool)] = 0
    per_way = said[codes]  # code -1 (no tag) reads the last entry
    implied = tags["highway"].isin(["motorway"]) | tags["junction"].isin(
        ["roundabout", "circular"]
    )
    out = np.where(implied.to_numpy(dtype=bool), 1, 0).astype(np.int8)
    return np.where(per_way == 2, out, per_way).astype(np.int8)  # noqa: PLR2004
