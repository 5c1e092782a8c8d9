"""Drivable roads from OpenStreetMap files: .osm.pbf, .osm XML, OSMnx GraphML.

Parsers: `pyosmium <https://osmcode.org/pyosmium/>`_ (the OSM community's maintained
binding of libosmium: PBF and XML, node locations resolved in C++) for raw OSM, and
``networkx.read_graphml`` for OSMnx files.
"""

from __future__ import annotations

import logging
import math
import re
import tempfile
from array import array
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Final, Literal

import numpy as np
import pandas as pd

import geopandas as gpd
import shapely

from coordogeo.crs import TERRITORY_CRS, territory_of_lonlat
from coordogeo.errors import InputError, check_choice, format_labels
from coordogeo.files import existing_path
from coordogeo.network.profile import (
    FREE_FLOW,
    MPH_KMH,
    PROFILES,
    Profile,
    node_rule,
    parse_maxspeed_kmh,
    way_rule,
)

__all__ = [
    "FREE_FLOW_SPEEDS_KMH",
    "ProfileName",
    "Ways",
    "osm_roads",
    "osm_ways",
    "profile_of",
]

logger = logging.getLogger(__name__)

#: Speeds of the free-flow model by ``highway`` class, km/h, used where
#: ``maxspeed`` is absent or unreadable (:data:`coordogeo.network.profile.FREE_FLOW`).
FREE_FLOW_SPEEDS_KMH: Final[Mapping[str, float]] = FREE_FLOW.speeds_kmh
_FORWARD: Final = {"yes", "true", "1"}
_BACKWARD: Final = {"-1", "reverse"}
_BOTH: Final = {"no", "false", "0"}
_TAGS: Final = ("highway", "maxspeed", "oneway", "junction", "access")
#: The way tags any profile reads.
_WAY_KEYS: Final = frozenset(
    {
        "highway",
        "route",
        "bridge",
        "duration",
        "area",
        "construction",
        "proposed",
        "railway",
        "oneway",
        "oneway:motorcar",
        "oneway:motor_vehicle",
        "oneway:vehicle",
        "junction",
        "impassable",
        "status",
        "service",
        "maxspeed",
        "maxspeed:forward",
        "maxspeed:backward",
        "maxspeed:advisory",
        "maxspeed:advisory:forward",
        "maxspeed:advisory:backward",
        "source:maxspeed",
        "maxspeed:type",
        "surface",
        "tracktype",
        "smoothness",
        "maxheight",
        "maxheight:physical",
        "maxwidth",
        "maxwidth:physical",
        "width",
        "est_width",
        "maxweight",
        "maxweightrating",
        "maxlength",
        "narrow",
    }
    | {
        f"{k}{s}"
        for k in ("access", "vehicle", "motor_vehicle", "motorcar")
        for s in ("", ":forward", ":backward")
    }
)
#: The node tags the car profile reads (barriers, delays, access).
_NODE_KEYS: Final = frozenset(
    {
        "barrier",
        "highway",
        "access",
        "vehicle",
        "motor_vehicle",
        "motorcar",
        "bollard",
        "kerb",
        "sensory",
        "maxheight",
    }
)
#: What the reader asks libosmium for (any of these keys).
_FILTER_KEYS: Final = (
    "highway",
    "route",
    "barrier",
    "access",
    "motor_vehicle",
    "motorcar",
    "vehicle",
    "type",
)
_RESTRICTION_COLUMNS: Final = [
    "kind",
    "from_row",
    "via_lon",
    "via_lat",
    "via_rows",
    "to_row",
]
_NO_NODES: Final = pd.DataFrame(
    {
        "lon": np.zeros(0),
        "lat": np.zeros(0),
        "blocked": np.zeros(0, bool),
        "delay_s": np.zeros(0),
    }
)
_NO_RESTRICTIONS: Final = pd.DataFrame(columns=_RESTRICTION_COLUMNS)


def osm_roads(
    path: str | Path,
    *,
    profile: ProfileName | Profile = "car",
    speeds_kmh: Mapping[str, float] | None = None,
    node_locations: Literal["memory", "disk"] = "memory",
) -> gpd.GeoDataFrame:
    """Read the drivable roads of an OSM file as lines with speeds and one-way codes.

    Parameters
    ----------
    path
        ``.osm.pbf``, ``.osm`` (XML) or an OSMnx ``.graphml``.
    profile
        ``"car"`` (default): OSRM's car rules
        (:data:`coordogeo.network.profile.CAR`); ``"free_flow"``: coordogeo's
        earlier model (:data:`coordogeo.network.profile.FREE_FLOW`); or a
        :class:`~coordogeo.network.profile.Profile` of your own.
    speeds_kmh
        Speeds by ``highway`` class overriding the profile's ``speeds_kmh``.
    node_locations
        Where libosmium keeps the coordinates of the file's nodes while it joins
        them to the ways: ``"memory"`` (default), or ``"disk"``, a temporary file
        (libosmium's ``sparse_file_array``, 16 bytes a node, removed afterwards) for
        a large extract on a machine short of memory. Raw OSM files only.

    Returns
    -------
    GeoDataFrame
        In EPSG:4326: ``highway``, ``maxspeed`` (as tagged), ``forward_kmh`` and
        ``backward_kmh`` (the speed along and against the way's node order, 0 where
        a car may not drive; from ``maxspeed`` — numbers, ``mph``, ``FR:urban`` 50,
        ``FR:rural`` 80, ``FR:motorway`` 130, ``FR:zone30`` 30, times the
        profile's ``maxspeed_factor`` — else the class speed), ``speed_kmh`` (the
        forward speed, else the backward one), ``oneway`` (1 along the way, -1
        against it, 0 both ways; motorways and roundabouts are one-way unless
        tagged otherwise), ``ferry``, ``roundabout``, ``duration_s``, ``length_m``
        (see :class:`Ways`). An OSMnx edge merged
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
    ``speed_kmh``, ``oneway``, ``forward_kmh``, ``backward_kmh``) and what the turn
    graph reads (``ferry``, ``roundabout``, ``duration_s``: a ferry's tagged
    crossing time, ``length_m``: OSMnx's length of an edge), a row per way;
    ``points`` the ways' lon/lat points one after the other, ``counts`` how many
    each way has (two or more); ``merged`` the OSMnx edges merged from ways of
    several classes; ``nodes`` the nodes that block or delay cars (``lon``,
    ``lat``, ``blocked``, ``delay_s``); ``restrictions`` the turn restrictions
    (``kind`` ``"no"``/``"only"``, ``from_row``, ``via_lon``/``via_lat`` or
    ``via_rows``, ``to_row``).
    """

    table: pd.DataFrame
    points: np.ndarray
    counts: np.ndarray
    merged: int
    nodes: pd.DataFrame = field(default_factory=lambda: _NO_NODES)
    restrictions: pd.DataFrame = field(default_factory=lambda: _NO_RESTRICTIONS)

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


#: A profile given by name.
ProfileName = Literal["car", "free_flow"]


def profile_of(profile: ProfileName | Profile) -> Profile:
    """Return the :class:`~coordogeo.network.profile.Profile` named or given."""
    if isinstance(profile, Profile):
        return profile
    check_choice(profile, name="profile", choices=tuple(PROFILES))
    return PROFILES[profile]


def osm_ways(
    path: str | Path,
    *,
    profile: ProfileName | Profile = "car",
    speeds_kmh: Mapping[str, float] | None = None,
    node_locations: Literal["memory", "disk"] = "memory",
) -> Ways:
    """Read the drivable ways of an OSM file as :class:`Ways` (flat arrays).

    What :func:`osm_roads` reads, before it makes a line of each way:
    :meth:`~coordogeo.network.RoadNetwork.from_osm` builds the network from these
    arrays directly, without holding millions of shapes. Same parameters and errors
    as :func:`osm_roads`.
    """
    rules = profile_of(profile)
    check_choice(node_locations, name="node_locations", choices=("memory", "disk"))
    speeds = {**rules.speeds_kmh, **_checked_speeds(speeds_kmh)}
    rules = replace(rules, speeds_kmh=speeds)
    file = existing_path(path)
    if not file.is_file():
        raise InputError(f"`path`: no file at {str(file)!r}.")
    name = file.name.lower()
    if name.endswith(".graphml"):
        raw = _graphml_ways(file)
    elif name.endswith((".osm.pbf", ".pbf", ".osm", ".osm.bz2", ".osm.gz")):
        raw = _osmium_ways(file, node_locations=node_locations)
    else:
        raise InputError(
            f"`path` {file.name!r} is not an OSM file coordogeo reads: .osm.pbf, .osm "
            "(XML) or OSMnx .graphml."
        )
    table, merged = (
        _free_flow_table(raw, rules) if rules.turns is None else _car_table(raw, rules)
    )
    keep = ((table["forward_kmh"] > 0) | (table["backward_kmh"] > 0)).to_numpy()
    if not keep.any():
        found = format_labels(sorted({str(c.get("highway")) for c in raw.combos}))
        raise InputError(
            f"`{file.name}` has no drivable road for the {rules.name} profile "
            f"(highway classes found: {found}); check the file or pass `speeds_kmh` "
            "for its classes."
        )
    rows = np.flatnonzero(keep)
    points = raw.points[np.repeat(keep, raw.counts)]
    logger.info("%d drivable ways read from %s", len(rows), file.name)
    return Ways(
        table.iloc[rows].reset_index(drop=True),
        points,
        raw.counts[keep],
        int(merged[keep].sum()),
        nodes=_tagged_nodes(raw, rules),
        restrictions=_restrictions(raw, rows) if rules.turns else _NO_RESTRICTIONS,
    )


def _free_flow_table(raw: _Raw, rules: Profile) -> tuple[pd.DataFrame, np.ndarray]:
    """Read ways as coordogeo did before the car profile (to the bit)."""
    tags = (
        pd.DataFrame(
            [[c.get(k) for k in _TAGS] for c in raw.combos] or None, columns=list(_TAGS)
        )
        .iloc[raw.codes]
        .reset_index(drop=True)
    )
    if raw.graphml:  # OSMnx writes merged values as lists, and edges one-way
        tags["highway"] = tags["highway"].map(_values)
        for key in ("maxspeed", "junction", "access"):
            tags[key] = tags[key].map(_first_value)
        tags["oneway"] = "yes"
    speeds = dict(rules.speeds_kmh)
    merged = tags["highway"].map(lambda v: isinstance(v, list)).to_numpy(dtype=bool)
    tags["highway"] = tags["highway"].map(lambda v: _fastest(v, speeds))
    keep = (
        tags["highway"].isin(list(speeds))
        & ~tags["access"].isin(list(rules.access_refused))
    ).to_numpy()
    speed = np.zeros(len(tags))
    oneway = np.zeros(len(tags), dtype=np.int8)
    if keep.any():
        speed[keep] = _speeds(tags[keep], speeds, rules.implicit_kmh)
        oneway[keep] = _oneway(tags[keep])
    table = pd.DataFrame(
        {
            "highway": tags["highway"].to_numpy(),
            "maxspeed": tags["maxspeed"].to_numpy(),
            "speed_kmh": speed,
            "oneway": oneway,
            "forward_kmh": np.where(oneway >= 0, speed, 0.0),
            "backward_kmh": np.where(oneway <= 0, speed, 0.0),
        }
    )
    return _with_turn_columns(table), merged


def _with_turn_columns(table: pd.DataFrame) -> pd.DataFrame:
    """Add the columns the turn graph reads, empty (the free-flow model has none)."""
    return table.assign(
        ferry=False, roundabout=False, duration_s=np.nan, length_m=np.nan
    )


def _car_table(raw: _Raw, rules: Profile) -> tuple[pd.DataFrame, np.ndarray]:
    """Apply the car profile's rules, once per distinct combination of tags."""
    per_combo = []
    merged_combo = []
    for combo in raw.combos:
        tags = dict(combo)
        merged_combo.append(isinstance(tags.get("highway"), list))
        if raw.graphml:
            tags = _graphml_tags(tags, rules)
        rule = way_rule(tags, rules)
        per_combo.append(
            (
                rule.highway or tags.get("highway"),
                tags.get("maxspeed"),
                rule.forward_kmh,
                rule.backward_kmh,
                rule.ferry,
                rule.roundabout,
                rule.duration_s,
            )
        )
    combos = pd.DataFrame(
        per_combo or None,
        columns=[
            "highway",
            "maxspeed",
            "forward_kmh",
            "backward_kmh",
            "ferry",
            "roundabout",
            "duration_s",
        ],
    )
    table = combos.iloc[raw.codes].reset_index(drop=True)
    forward, backward = table["forward_kmh"], table["backward_kmh"]
    table["speed_kmh"] = np.where(forward > 0, forward, backward)
    table["oneway"] = np.where(backward <= 0, 1, np.where(forward <= 0, -1, 0))
    table["oneway"] = table["oneway"].astype(np.int8)
    table["length_m"] = (
        raw.lengths_m if raw.lengths_m is not None else np.full(len(table), np.nan)
    )
    merged = np.asarray(merged_combo, dtype=bool)[raw.codes]
    return table, merged


def _graphml_tags(tags: dict[str, Any], rules: Profile) -> dict[str, str]:
    """Read an OSMnx edge's attributes as one way's tags, in its own direction.

    A merged class takes the fastest drivable one; a list of limits its lowest
    (``"['50', '30']"`` is 30, whatever order OSMnx wrote it in); other lists their
    first value. The edge is drivable in its direction: ``oneway`` is dropped.
    """
    out: dict[str, str] = {}
    for key, value in tags.items():
        values = _values(value)
        if key == "highway" and isinstance(values, list):
            out[key] = str(_fastest(values, rules.speeds_kmh))
        elif key == "maxspeed" and isinstance(values, list):
            limits = [parse_maxspeed_kmh(v, rules) for v in values]
            known = [(limit, v) for limit, v in zip(limits, values, strict=True)
                     if not math.isnan(limit)]  # fmt: skip
            if known:
                out[key] = min(known)[1]
        elif isinstance(values, list):
            if values:
                out[key] = values[0]
        elif value is not None and key not in ("oneway", "reversed"):
            out[key] = str(value)
    out["oneway"] = "yes"
    return out


def _tagged_nodes(raw: _Raw, rules: Profile) -> pd.DataFrame:
    """Nodes that block or delay cars: lon, lat, ``blocked``, ``delay_s``."""
    if rules.turns is None or not len(raw.node_codes):
        return _NO_NODES
    said = [node_rule(tags, rules) for tags in raw.node_combos]
    blocked = np.array([b for b, _ in said], dtype=bool)[raw.node_codes]
    delay = np.array([d for _, d in said], dtype=np.float64)[raw.node_codes]
    keep = blocked | (delay > 0)
    return pd.DataFrame(
        {
            "lon": raw.node_lonlat[keep, 0],
            "lat": raw.node_lonlat[keep, 1],
            "blocked": blocked[keep],
            "delay_s": delay[keep],
        }
    )


def _restrictions(raw: _Raw, rows: np.ndarray) -> pd.DataFrame:
    """Turn restrictions on the kept ways: kind, from row, via, to row.

    ``via_lon``/``via_lat`` is the via node (NaN for a via way); ``via_rows`` the
    rows of the via ways, in order. Restrictions naming a way that is not kept
    (not drivable, outside the extract) are dropped: they restrict nothing here.
    """
    if not raw.relations or raw.way_ids is None:
        return _NO_RESTRICTIONS
    row_of = pd.Series(np.arange(len(rows)), index=raw.way_ids[rows])
    row_of = row_of[~row_of.index.duplicated()]
    vias = np.array([v if v is not None else -1 for _, _, v, _, _ in raw.relations],
                    dtype=np.int64)  # fmt: skip
    located = raw.node_locations(vias)
    out = []
    for (kind, from_way, via_node, via_ways, to_way), (lon, lat) in zip(
        raw.relations, located, strict=True
    ):
        ids = [from_way, to_way, *via_ways]
        if not all(i in row_of.index for i in ids):
            continue
        if via_node is not None and math.isnan(lon):
            continue
        out.append(
            (
                kind,
                int(row_of[from_way]),
                lon,
                lat,
                tuple(int(row_of[w]) for w in via_ways),
                int(row_of[to_way]),
            )
        )
    return pd.DataFrame(out or None, columns=_RESTRICTION_COLUMNS)


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


@dataclass
class _Raw:
    """What a reader found: ways (tag combination, points), tagged nodes, relations."""

    codes: np.ndarray
    combos: list[dict[str, Any]]
    points: np.ndarray
    counts: np.ndarray
    graphml: bool = False
    way_ids: np.ndarray | None = None
    point_ids: np.ndarray | None = None
    node_codes: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))
    node_combos: list[dict[str, str]] = field(default_factory=list)
    node_lonlat: np.ndarray = field(default_factory=lambda: np.zeros((0, 2)))
    relations: list[tuple[str, int, int | None, tuple[int, ...], int]] = field(
        default_factory=list
    )
    lengths_m: np.ndarray | None = None

    def node_locations(self, node_ids: np.ndarray) -> np.ndarray:
        """Return the lon/lat of OSM nodes on the ways read (NaN for the others)."""
        out = np.full((len(node_ids), 2), np.nan)
        if self.point_ids is None or not len(node_ids) or not len(self.point_ids):
            return out
        order = np.argsort(self.point_ids, kind="stable")
        at = np.searchsorted(self.point_ids[order], node_ids)
        at = np.minimum(at, len(order) - 1)
        found = self.point_ids[order[at]] == node_ids
        out[found] = self.points[order[at[found]]]
        return out


def _osmium_ways(path: Path, *, node_locations: str = "memory") -> _Raw:
    """Tags and lon/lat points of the ``highway`` ways of a PBF / XML file."""
    if node_locations == "disk":
        with tempfile.TemporaryDirectory(prefix="coordogeo-osm-") as folder:
            storage = f"sparse_file_array,{Path(folder) / 'locations.idx'}"
            return _osmium_ways_with(path, storage)
    return _osmium_ways_with(path, "flex_mem")


def _osmium_ways_with(path: Path, storage: str) -> _Raw:
    """:func:`_osmium_ways` with libosmium's node location ``storage``."""
    import osmium  # noqa: PLC0415 - only needed for raw OSM files

    # compact buffers, not a Python object per point: a region's 4.5 M ways held
    # as lists of tuples took 4.5 GB; tags as one code per distinct combination
    flat, sizes, ids, way_ids = array("d"), array("q"), array("q"), array("q")
    codes, node_codes, node_xy = array("q"), array("q"), array("d")
    combos: dict[tuple[tuple[str, str], ...], int] = {}
    node_combos: dict[tuple[tuple[str, str], ...], int] = {}
    relations: list[tuple[str, int, int | None, tuple[int, ...], int]] = []
    processor = (
        osmium.FileProcessor(str(path))
        .with_locations(storage)
        .with_filter(osmium.filter.KeyFilter(*_FILTER_KEYS))
    )
    kind = "OSM PBF" if path.name.lower().endswith("pbf") else "OSM XML"
    try:
        # pyosmium hands over one object at a time: this loop is the parser's own API
        for obj in processor:
            if isinstance(obj, osmium.osm.Way):
                tags = tuple(sorted((t.k, t.v) for t in obj.tags if t.k in _WAY_KEYS))
                if not any(k in ("highway", "route") for k, _ in tags):
                    continue
                start = len(flat)
                for n in obj.nodes:
                    if n.location.valid():
                        flat.extend((n.lon, n.lat))
                        ids.append(n.ref)
                count = (len(flat) - start) // 2
                if count < 2:  # noqa: PLR2004 - a line needs two points
                    del flat[start:]
                    del ids[len(ids) - count :]
                    continue
                sizes.append(count)
                way_ids.append(obj.id)
                codes.append(combos.setdefault(tags, len(combos)))
            elif isinstance(obj, osmium.osm.Node):
                tags = tuple(sorted((t.k, t.v) for t in obj.tags if t.k in _NODE_KEYS))
                if tags and obj.location.valid():
                    node_codes.append(node_combos.setdefault(tags, len(node_combos)))
                    node_xy.extend((obj.location.lon, obj.location.lat))
            elif isinstance(obj, osmium.osm.Relation):
                found = _restriction(obj)
                if found is not None:
                    relations.append(found)
    except RuntimeError as err:  # libosmium reports every parse error so
        raise InputError(
            f"`{path.name}` is not a readable {kind} file ({err}): it may be "
            "truncated (an interrupted download) or of another format; download "
            "it again, or check its extension."
        ) from err
    return _Raw(
        codes=np.frombuffer(codes, dtype=np.int64),
        combos=[dict(c) for c in combos],
        points=np.frombuffer(flat, dtype=np.float64).reshape(-1, 2),
        counts=np.frombuffer(sizes, dtype=np.int64),
        way_ids=np.frombuffer(way_ids, dtype=np.int64),
        point_ids=np.frombuffer(ids, dtype=np.int64),
        node_codes=np.frombuffer(node_codes, dtype=np.int64),
        node_combos=[dict(c) for c in node_combos],
        node_lonlat=np.frombuffer(node_xy, dtype=np.float64).reshape(-1, 2),
        relations=relations,
    )


def _restriction(
    relation: Any,
) -> tuple[str, int, int | None, tuple[int, ...], int] | None:
    """Read a ``type=restriction`` relation a car obeys: (kind, from, via, vias, to).

    The restriction is ``restriction:motorcar`` / ``:motor_vehicle`` /
    ``:vehicle`` if given, else ``restriction``; ``no_*`` and ``only_*`` count, an
    ``except`` naming a car is not for cars, ``*:conditional`` is left aside.
    """
    tags = relation.tags
    if tags.get("type") != "restriction":
        return None
    value = next(
        (
            tags.get(f"restriction:{k}")
            for k in ("motorcar", "motor_vehicle", "vehicle")
            if tags.get(f"restriction:{k}")
        ),
        tags.get("restriction"),
    )
    exempt = set((tags.get("except") or "").replace(" ", "").split(";"))
    if not value or exempt & {"motorcar", "motor_vehicle", "vehicle"}:
        return None
    kind = (
        "no" if value.startswith("no_") else "only" if value.startswith("only_") else ""
    )
    froms = [m.ref for m in relation.members if m.type == "w" and m.role == "from"]
    tos = [m.ref for m in relation.members if m.type == "w" and m.role == "to"]
    via_nodes = [m.ref for m in relation.members if m.type == "n" and m.role == "via"]
    via_ways = tuple(
        m.ref for m in relation.members if m.type == "w" and m.role == "via"
    )
    if not kind or len(froms) != 1 or len(tos) != 1:
        return None
    if len(via_nodes) == 1 and not via_ways:
        return (kind, froms[0], via_nodes[0], (), tos[0])
    if via_ways and not via_nodes:
        return (kind, froms[0], None, via_ways, tos[0])
    return None


def _graphml_ways(path: Path) -> _Raw:
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
    for column in ("highway", "maxspeed", "junction", "access", "geometry", "length"):
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
    attributes = [c for c in edges.columns if c in _WAY_KEYS]
    keyed = edges[attributes].astype(object).where(edges[attributes].notna(), None)
    combos: dict[tuple[tuple[str, Any], ...], int] = {}
    codes = np.array(
        [
            combos.setdefault(
                tuple(
                    (k, v)
                    for k, v in zip(attributes, row, strict=True)
                    if v is not None
                ),
                len(combos),
            )
            for row in keyed.itertuples(index=False, name=None)
        ],
        dtype=np.int64,
    )
    points, owner = shapely.get_coordinates(lines, return_index=True)
    node_tags = nodes.get("highway", pd.Series(dtype=object)).reindex(nodes.index)
    signals = node_tags.isin(["traffic_signals", "stop", "give_way"]).to_numpy()
    node_combos: dict[tuple[tuple[str, str], ...], int] = {}
    node_codes = np.array(
        [
            node_combos.setdefault((("highway", str(v)),), len(node_combos))
            for v in node_tags[signals]
        ],
        dtype=np.int64,
    )
    return _Raw(
        codes=codes,
        combos=[dict(c) for c in combos],
        points=points,
        counts=np.bincount(owner, minlength=len(lines)).astype(np.int64),
        graphml=True,
        node_codes=node_codes,
        node_combos=[dict(c) for c in node_combos],
        node_lonlat=xy.to_numpy()[signals],
        lengths_m=pd.to_numeric(edges["length"], errors="coerce").to_numpy(
            dtype=np.float64
        ),
    )


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


def _speeds(
    tags: pd.DataFrame,
    speeds: Mapping[str, float],
    implicit_kmh: Mapping[str, float] = FREE_FLOW.implicit_kmh,
) -> np.ndarray:
    """Speed from ``maxspeed`` where readable, else the class default.

    The free-flow model's reading: ``maxspeed`` as tagged (the first of a list),
    ``mph`` converted, the texts of ``implicit_kmh`` (the profile's table).

    Each distinct ``maxspeed`` text is read once (a region's 4.5 M ways carry a
    few hundred): the text rules on every way took most of a region's reading.
    """
    codes, texts = pd.factorize(tags["maxspeed"], use_na_sentinel=True)
    raw = pd.Series(texts, dtype=object).astype("string").str.strip().str.lower()
    first = raw.str.split(";").str[0].str.strip()
    number = pd.to_numeric(first.str.extract(r"^(\d+(?:\.\d+)?)", expand=False))
    mph = first.str.contains("mph").fillna(False).to_numpy(dtype=bool)
    value = number.to_numpy(dtype=np.float64, na_value=np.nan).copy()
    value[mph] *= MPH_KMH
    implicit = first.map(dict(implicit_kmh)).to_numpy(dtype=np.float64, na_value=np.nan)
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
