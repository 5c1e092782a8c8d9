"""The immutable road network: CSR travel seconds, node coordinates, a KD-tree."""

from __future__ import annotations

import logging
import warnings
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from functools import cached_property
from pathlib import Path
from typing import Final, Literal, NamedTuple

import numpy as np
import pandas as pd
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import connected_components
from scipy.spatial import cKDTree

import geopandas as gpd
import shapely
from pyproj import CRS, Transformer

from coordogeo.crs import to_metric_crs
from coordogeo.errors import InputError, check_columns, check_positive, format_labels
from coordogeo.network.osm import (
    ProfileName,
    Ways,
    osm_ways,
    profile_of,
    territory_crs_at,
)
from coordogeo.network.profile import Profile, TurnCosts
from coordogeo.network.search import SearchGraph, check_graph, morton_key
from coordogeo.network.store import read_network, save_network
from coordogeo.network.turns import TurnGraph, build_turn_graph

__all__ = ["Attached", "BuildReport", "RoadNetwork", "anchor_xy", "warn_unsnapped"]

logger = logging.getLogger(__name__)

#: Vertices closer than this are one node (coordinates are rounded to it).
NODE_PRECISION_M: Final = 0.01
#: Default speed of the leg between a place and its road node (slow local driving).
APPROACH_SPEED_KMH: Final = 20.0
#: Default distance beyond which a place is "not on the network".
MAX_SNAP_M: Final = 1_500.0

_ONEWAY_WORDS: Final[dict[str, int]] = {
    "yes": 1,
    "true": 1,
    "1": 1,
    "no": 0,
    "false": 0,
    "0": 0,
    "-1": -1,
    "reverse": -1,
}
_QUERY_BLOCK_M: Final = 2_000.0  # side of the blocks queries are ordered by
_LINE_TYPES: Final = (1, 5)  # shapely type ids of LineString and MultiLineString


@dataclass(frozen=True)
class BuildReport:
    """What building the network did with the road pieces it was given.

    Attributes
    ----------
    n_roads
        Input rows.
    n_segments
        Vertex-to-vertex segments read from them.
    zero_length_segments
        Segments whose two ends are one node (repeated vertices); they carry no
        distance and were left out.
    duplicate_edges
        Directed edges given more than once between the same two nodes (overlapping
        or repeated roads); the fastest was kept.
    dropped_roads
        Labels of rows with no segment of non-zero length (degenerate lines): they
        add nothing to the network and a warning names them.
    n_components
        Weakly connected pieces of the network; more than one means islands.
    largest_component_nodes
        Nodes in the largest of them.
    merged_highway_edges
        OSMnx edges merged from ways of several ``highway`` classes; each took the
        fastest drivable class (:func:`coordogeo.network.osm.osm_roads`).
    """

    n_roads: int
    n_segments: int
    zero_length_segments: int
    duplicate_edges: int
    dropped_roads: tuple[object, ...]
    n_components: int
    largest_component_nodes: int
    merged_highway_edges: int = 0


class Attached(NamedTuple):
    """Rows of a frame placed on a network by :meth:`RoadNetwork.attach`."""

    #: The rows, in the network's CRS.
    frame: gpd.GeoDataFrame
    #: Each row's nearest road node, -1 beyond the network's ``max_snap_m``.
    node: np.ndarray
    #: Metres to that node (to the nearest node even when beyond the limit).
    distance_m: np.ndarray
    #: Seconds of the off-road leg to the node, at ``approach_speed_kmh``.
    seconds: np.ndarray

    @property
    def snapped(self) -> np.ndarray:
        """Whether each row lies within ``max_snap_m`` of a road node."""
        return self.node >= 0


@dataclass(frozen=True, eq=False)
class RoadNetwork:
    """A directed road graph weighted by travel seconds, built by a named constructor.

    Use :meth:`from_roads` (lines with a speed) rather than the constructor. The
    object is immutable: its arrays are read-only.

    Attributes
    ----------
    graph
        ``scipy.sparse.csr_matrix`` (n × n): ``graph[i, j]`` is the seconds to drive
        from node ``i`` to node ``j`` along one segment.
    node_xy
        (n, 2) node coordinates in ``crs``.
    crs
        The metric CRS of the network; points are reprojected to it.
    approach_speed_kmh
        Speed of the leg between a place and the node it is snapped to.
    max_snap_m
        Places farther than this from every node are flagged ``snapped=False``.
    report
        A :class:`BuildReport`.
    profile
        The profile that made the times: ``"car"`` (OSRM's car rules, with turn
        costs), ``"free_flow"``, or ``"lines"`` (:meth:`from_roads`: the speeds of
        the lines given).
    turns
        The edge-based graph every search walks when turns cost time or are
        restricted (:mod:`coordogeo.network.turns`); None: searches walk ``graph``.
    small
        Per node, whether it lies in a strongly connected piece too small to snap
        to while a larger one is within reach (``Profile.small_component_nodes``);
        None: places snap to the nearest node.
    """

    graph: csr_matrix
    node_xy: np.ndarray
    crs: str
    approach_speed_kmh: float
    max_snap_m: float
    report: BuildReport
    tree: cKDTree = field(repr=False)
    reverse_graph: csr_matrix = field(repr=False)
    profile: str = "lines"
    turns: TurnGraph | None = field(default=None, repr=False)
    small: np.ndarray | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        """Refuse arrays a search could not walk safely (see ``check_graph``)."""
        check_graph(self.graph, self.node_xy, source="RoadNetwork graph")
        check_graph(self.reverse_graph, self.node_xy, source="RoadNetwork reverse")
        if self.reverse_graph.nnz != self.graph.nnz:
            raise InputError(
                "RoadNetwork: the reverse graph has another number of edges than "
                "the graph; build the network with a named constructor."
            )
        if self.small is not None and np.shape(self.small) != (self.n_nodes,):
            raise InputError(
                "RoadNetwork: `small` must hold one flag per node; build the network "
                "with a named constructor."
            )
        if self.turns is not None:
            states = (self.turns.departure, self.turns.arrival)
            for graph in (self.turns.graph, self.turns.reverse):
                check_graph(graph, self.node_xy, source="turn graph", states=states)
            if self.turns.reverse.nnz != self.turns.graph.nnz:
                raise InputError(
                    "RoadNetwork: the reverse turn graph has another number of arcs "
                    "than the turn graph; build the network with a named constructor."
                )

    @property
    def n_nodes(self) -> int:
        """Number of nodes."""
        return int(self.graph.shape[0])

    @property
    def description(self) -> str:
        """One line saying how times on this network are made (``time_model``)."""
        model = {
            "car": "car profile after OSRM, turn costs and restrictions",
            "free_flow": "free-flow speeds by road class, no turn costs",
            "lines": "speeds of the lines given"
            + ("" if self.turns is None else ", turn costs"),
        }.get(self.profile, self.profile)
        return (
            f"road network ({self.n_nodes} nodes; {model}; off-road legs at "
            f"{self.approach_speed_kmh:g} km/h)"
        )

    @cached_property
    def _forward_search(self) -> SearchGraph:
        if self.turns is None:
            return SearchGraph.of(self.graph, self.node_xy)
        return SearchGraph.of(
            self.turns.graph,
            self.node_xy,
            (self.turns.departure, self.turns.arrival),
        )

    @cached_property
    def _reverse_search(self) -> SearchGraph:
        reverse = self.reverse_graph if self.turns is None else self.turns.reverse
        return self._forward_search.reversed(reverse)

    def search_graph(self, *, reverse: bool = False) -> SearchGraph:
        """Return the graph (``reverse``: edges turned round) for bounded searches.

        The same object at every call, so that a cluster receives it once
        (:func:`coordogeo.network.search.bounded_pairs` with a client).
        """
        return self._reverse_search if reverse else self._forward_search

    @property
    def n_edges(self) -> int:
        """Number of directed edges."""
        return int(self.graph.nnz)

    def save(self, folder: str | Path) -> Path:
        """Write the network to ``folder``, to be read back by :meth:`load`.

        ``.npy`` arrays (the graph both ways, the node coordinates) and
        ``network.json`` (format version, CRS, snapping parameters, build report);
        written under a temporary name, then renamed. A folder that is not a saved
        network is never overwritten.

        Examples
        --------
        >>> import tempfile
        >>> from coordogeo.datasets import sample_territory
        >>> net = RoadNetwork.from_roads(sample_territory().roads)
        >>> folder = net.save(tempfile.mkdtemp() + "/reseau")
        >>> again = RoadNetwork.load(folder)
        >>> again.n_nodes == net.n_nodes and again.report == net.report
        True
        """
        return save_network(self, folder)

    @classmethod
    def load(cls, folder: str | Path, *, mmap: bool = True) -> RoadNetwork:
        """Read a network written by :meth:`save` (arrays mapped from disk).

        Only the KD-tree of the nodes is rebuilt; searches read the mapped arrays,
        so a large network loads in seconds and its pages are shared by the
        processes that read it.

        Raises
        ------
        InputError
            Not a saved network, another format version, an incomplete copy.
        """
        parts = read_network(folder, mmap=mmap)
        try:  # the constructor checks the graph a search will trust (check_graph)
            return cls(**{**parts, "report": BuildReport(**parts["report"])})
        except (InputError, TypeError) as err:
            raise InputError(f"{str(Path(folder))!r}: {err}") from None

    @classmethod
    def from_roads(
        cls,
        roads: gpd.GeoDataFrame,
        *,
        speed_kmh: str = "speed_kmh",
        oneway: str | None = "oneway",
        approach_speed_kmh: float = APPROACH_SPEED_KMH,
        max_snap_m: float = MAX_SNAP_M,
        segmentize_m: float | None = None,
        crs: str | None = None,
        turn_costs: TurnCosts | None = None,
    ) -> RoadNetwork:
        """Build a network from road LineStrings joined at their shared vertices.

        Parameters
        ----------
        roads
            LineStrings or MultiLineStrings, any CRS (one is required). Two roads
            meet where they share a vertex (to 1 cm); roads that cross without a
            shared vertex (bridges) do not meet.
        speed_kmh
            Column of speeds in km/h, finite and > 0 on every row.
        oneway
            Column saying which way a road can be driven: ``True``/``1``/``"yes"``
            along the vertex order, ``-1``/``"reverse"`` against it,
            ``False``/``0``/``"no"`` both ways. ``None``: every road both ways.
        approach_speed_kmh
            Speed of the off-network leg from a place to its road node.
        max_snap_m
            Places farther than this from every node are flagged, not routed.
        segmentize_m
            If given, add vertices so that no segment is longer than this; use it
            when the source has long straight segments, so that places snap close.
        crs
            The metric CRS of the territory (``coordogeo.crs.TERRITORY_CRS``); the
            one of the territory the roads lie in if None.
        turn_costs
            Charge turns as OSRM's car profile does, from the lines' geometry
            (``coordogeo.network.profile.TurnCosts()``; U-turns only at dead ends);
            None (default): no turn costs, any turn allowed.

        Returns
        -------
        RoadNetwork

        Raises
        ------
        InputError
            No CRS, missing or empty geometries, geometries that are not lines, a
            missing column, a speed that is missing or not > 0, a oneway value it
            cannot read.

        Examples
        --------
        >>> from coordogeo.datasets import sample_territory
        >>> net = RoadNetwork.from_roads(sample_territory().roads)
        >>> net.n_nodes, net.n_edges, net.report.n_components
        (12966, 26588, 2)
        """
        check_positive(approach_speed_kmh, name="approach_speed_kmh", unit="km/h")
        check_positive(max_snap_m, name="max_snap_m", unit="metres")
        frame = to_metric_crs(roads, name="roads", crs=crs, check_valid=False)
        if len(frame) == 0:
            raise InputError(
                "`roads` has no row: a network needs roads (check the file's extent "
                "or the filter that selected them)."
            )
        points, forward, backward = _road_lines(frame, speed_kmh, oneway, segmentize_m)
        no = np.zeros(len(frame), dtype=bool)
        return cls._assemble_points(
            points,
            forward,
            backward,
            labels=frame.index,
            crs=frame.crs.to_string(),
            approach_speed_kmh=float(approach_speed_kmh),
            max_snap_m=float(max_snap_m),
            turns=None if turn_costs is None else _TurnInput(turn_costs, no, no),
            profile="lines",
        )

    @classmethod
    def from_road_file(
        cls,
        path: str | Path,
        *,
        speed_kmh: str = "speed_kmh",
        oneway: str | None = "oneway",
        approach_speed_kmh: float = APPROACH_SPEED_KMH,
        max_snap_m: float = MAX_SNAP_M,
        turn_costs: TurnCosts | None = None,
        rows: int = 1_000_000,
    ) -> RoadNetwork:
        """Build the network of a file of road lines, read ``rows`` lines at a time.

        The same network as :meth:`from_roads` on the whole file, to the bit,
        without holding the lines: only their points and speeds are kept between
        blocks (a national file's shapely lines take more memory than the network
        built from them). Rows are numbered by their place in the file.

        Raises
        ------
        InputError
            As :meth:`from_roads` (rows named by their number in the file), and
            for a file that cannot be read.
        """
        from coordogeo.io.vector import read_vector_blocks  # noqa: PLC0415

        check_positive(approach_speed_kmh, name="approach_speed_kmh", unit="km/h")
        check_positive(max_snap_m, name="max_snap_m", unit="metres")
        wanted = [speed_kmh] + ([oneway] if oneway else [])  # the columns read
        crs: str | None = None
        coords, coord_part, part_row, forward, backward = [], [], [], [], []
        n_rows = n_parts = 0
        for block in read_vector_blocks(path, name="roads", columns=wanted, rows=rows):
            if len(block) == 0:
                continue
            frame = to_metric_crs(block, name="roads", crs=crs, check_valid=False)
            crs = frame.crs.to_string()  # the first block's: every block's
            (xy, part, row), ahead, back = _road_lines(frame, speed_kmh, oneway, None)
            coords.append(xy)
            coord_part.append(part + n_parts)
            part_row.append(row + n_rows)
            forward.append(ahead)
            backward.append(back)
            n_rows += len(frame)
            n_parts += len(row)
            del block, frame, xy, part, row, ahead, back
        if n_rows == 0 or crs is None:
            raise InputError(
                "`roads` has no row: a network needs roads (check the file's extent "
                "or the filter that selected them)."
            )
        no = np.zeros(n_rows, dtype=bool)
        points = (np.concatenate(coords), np.concatenate(coord_part),
                  np.concatenate(part_row))  # fmt: skip
        del coords, coord_part, part_row
        return cls._assemble_points(
            points,
            np.concatenate(forward),
            np.concatenate(backward),
            labels=pd.RangeIndex(n_rows),
            crs=crs,
            approach_speed_kmh=float(approach_speed_kmh),
            max_snap_m=float(max_snap_m),
            turns=None if turn_costs is None else _TurnInput(turn_costs, no, no),
            profile="lines",
        )

    @classmethod
    def from_osm(
        cls,
        path: str | Path,
        *,
        profile: ProfileName | Profile = "car",
        speeds_kmh: Mapping[str, float] | None = None,
        approach_speed_kmh: float = APPROACH_SPEED_KMH,
        max_snap_m: float = MAX_SNAP_M,
        node_locations: Literal["memory", "disk"] = "memory",
    ) -> RoadNetwork:
        """Build a network from an OSM file: .osm.pbf, .osm XML or OSMnx GraphML.

        The drivable roads and their speeds each way are read by
        :func:`coordogeo.network.osm.osm_ways` (pyosmium for raw OSM, networkx for
        GraphML) under the profile's rules, then built in the metric CRS of the
        territory the roads lie in (EPSG:5490 for Saint-Barthélemy, Lambert-93 in
        metropolitan France…). With the car profile, the searches walk an
        edge-based graph (:mod:`coordogeo.network.turns`): turn costs, U-turns at
        dead ends only, turn restrictions, barriers and delays on nodes.

        Parameters
        ----------
        path
            The OSM file.
        profile
            ``"car"`` (default): OSRM's car rules
            (:data:`coordogeo.network.profile.CAR`); ``"free_flow"``: coordogeo's
            earlier model, the same times to the bit; or a
            :class:`~coordogeo.network.profile.Profile`.
        speeds_kmh
            Speeds by ``highway`` class overriding the profile's, used where
            ``maxspeed`` is absent; each finite and > 0.
        approach_speed_kmh, max_snap_m
            As for :meth:`from_roads`.
        node_locations
            ``"disk"`` keeps the nodes' coordinates in a temporary file while the
            ways are read, for a large extract (see
            :func:`coordogeo.network.osm.osm_roads`).

        Raises
        ------
        InputError
            An unknown file type or profile, a file with no drivable road, roads
            spread over several territories, a speed that is not > 0.
        """
        check_positive(approach_speed_kmh, name="approach_speed_kmh", unit="km/h")
        check_positive(max_snap_m, name="max_snap_m", unit="metres")
        rules = profile_of(profile)
        ways = osm_ways(
            path, profile=rules, speeds_kmh=speeds_kmh, node_locations=node_locations
        )
        # the ways' points go to the territory's CRS as flat arrays: no shape per
        # way (a region's 4.5 M lines and their GeoDataFrame took gigabytes)
        n_ways = len(ways.counts)
        middle = ways.middle_points
        crs = territory_crs_at(middle[:, 0], middle[:, 1])
        to_metric = Transformer.from_crs(4326, crs, always_xy=True)
        x, y = to_metric.transform(ways.points[:, 0], ways.points[:, 1])
        xy = np.column_stack([x, y])
        forward, backward = _timed_speeds(ways, xy)
        turns = None
        if rules.turns is not None:
            nx, ny = to_metric.transform(
                ways.nodes["lon"].to_numpy(), ways.nodes["lat"].to_numpy()
            )
            vx, vy = to_metric.transform(
                ways.restrictions["via_lon"].to_numpy(dtype=np.float64),
                ways.restrictions["via_lat"].to_numpy(dtype=np.float64),
            )
            turns = _TurnInput(
                rules.turns,
                ways.table["ferry"].to_numpy(dtype=bool),
                ways.table["roundabout"].to_numpy(dtype=bool),
                nodes=ways.nodes.assign(x=nx, y=ny),
                restrictions=ways.restrictions.assign(via_x=vx, via_y=vy),
                small_component_nodes=rules.small_component_nodes,
            )
        network = cls._assemble_points(
            (xy, ways.way_of_point, np.arange(n_ways)),
            forward,
            backward,
            labels=pd.RangeIndex(n_ways),
            crs=CRS.from_user_input(crs).to_string(),
            approach_speed_kmh=float(approach_speed_kmh),
            max_snap_m=float(max_snap_m),
            turns=turns,
            profile=rules.name,
        )
        report = replace(network.report, merged_highway_edges=ways.merged)
        return replace(network, report=report)

    @classmethod
    def _assemble_points(  # noqa: PLR0913 - the build's pieces, each documented
        cls,
        points: tuple[np.ndarray, np.ndarray, np.ndarray],
        forward_kmh: np.ndarray,
        backward_kmh: np.ndarray,
        *,
        labels: pd.Index,
        crs: str,
        approach_speed_kmh: float,
        max_snap_m: float,
        turns: _TurnInput | None = None,
        profile: str = "lines",
    ) -> RoadNetwork:
        """Build the graph of lines given as points, with each road's speed each way.

        ``points`` is the metric coordinates of every point, the line part each
        belongs to (a part's points consecutive) and the road row of each part;
        a speed of 0 means the road is not driven that way. With ``turns``, the
        edge-based graph of :mod:`coordogeo.network.turns` is built too.
        """
        coords, coord_part, part_row = points
        del points
        node_xy, node_of = _merge_vertices(coords)
        del coords
        same_part = coord_part[:-1] == coord_part[1:]
        u, v = node_of[:-1][same_part], node_of[1:][same_part]
        row = part_row[coord_part[:-1][same_part]]
        del coord_part, node_of
        zero = u == v
        has_segment = np.zeros(len(labels), dtype=bool)
        has_segment[row[~zero]] = True
        dropped = tuple(labels[~has_segment])
        if dropped:
            warnings.warn(
                f"`roads` rows {format_labels(dropped)} have no segment of non-zero "
                "length (degenerate lines) and add nothing to the network; see "
                "`network.report.dropped_roads`.",
                stacklevel=3,
            )
        u, v, row = u[~zero], v[~zero], row[~zero]
        length = np.hypot(*(node_xy[u] - node_xy[v]).T)
        fwd, bwd = forward_kmh[row] > 0, backward_kmh[row] > 0
        src = np.concatenate([u[fwd], v[bwd]])
        dst = np.concatenate([v[fwd], u[bwd]])
        sec = np.concatenate(
            [length[fwd] / (forward_kmh[row][fwd] / 3.6),
             length[bwd] / (backward_kmh[row][bwd] / 3.6)]
        )  # fmt: skip
        edge_rows = np.concatenate([row[fwd], row[bwd]])
        graph, n_dup, kept = _csr_keep_fastest(src, dst, sec, len(node_xy))
        n_comp, comp = connected_components(graph, directed=True, connection="weak")
        report = BuildReport(
            n_roads=len(labels),
            n_segments=int(same_part.sum()),
            zero_length_segments=int(zero.sum()),
            duplicate_edges=n_dup,
            dropped_roads=dropped,
            n_components=int(n_comp),
            largest_component_nodes=int(np.bincount(comp).max()) if len(comp) else 0,
        )
        logger.info("road network: %s", report)
        reverse = graph.T.tocsr()
        for array in (node_xy, graph.data, graph.indices, graph.indptr,
                      reverse.data, reverse.indices, reverse.indptr):  # fmt: skip
            array.flags.writeable = False
        tree = cKDTree(node_xy)
        turn_graph = (
            None
            if turns is None
            else turns.build(graph, edge_rows[kept], node_xy, tree)
        )
        small = None
        if turn_graph is not None and turns is not None and turns.small_component_nodes:
            small = _small_pieces(graph, turn_graph, turns.small_component_nodes)
        return cls(
            graph=graph,
            node_xy=node_xy,
            crs=crs,
            approach_speed_kmh=approach_speed_kmh,
            max_snap_m=max_snap_m,
            report=report,
            tree=tree,
            reverse_graph=reverse,
            profile=profile,
            turns=turn_graph,
            small=small,
        )

    def attach(self, frame: gpd.GeoDataFrame, *, name: str) -> Attached:
        """Place ``frame``'s rows on the network: every search starts here.

        The rows move to the network's CRS (``name``: the argument they came in,
        for its errors); each gets its nearest road node within ``max_snap_m``
        (polygons by a point on their surface) and the seconds of the off-road leg
        to it. Rows beyond every road keep node -1: :func:`warn_unsnapped` names
        them where a caller must say so.
        """
        at = to_metric_crs(frame, name=name, crs=self.crs)
        node, distance = self.snap_xy(anchor_xy(at), max_snap_m=self.max_snap_m)
        return Attached(at, node, distance, self.approach_seconds(distance))

    def snap(
        self, points: gpd.GeoDataFrame, *, max_snap_m: float | None = None
    ) -> pd.DataFrame:
        """Attach each place to its nearest road node.

        Parameters
        ----------
        points
            Places in any CRS. Polygons (grid cells, communes) are represented by a
            point on their surface (the centre, for a square cell).
        max_snap_m
            Places farther than this are flagged; the network's own value if None.

        Returns
        -------
        DataFrame
            Same index as ``points``: ``node`` (nullable integer, missing when not
            snapped), ``snap_distance_m`` (always given), ``approach_time_min`` (the
            leg at ``approach_speed_kmh``, missing when not snapped), ``snapped``.

        Examples
        --------
        >>> from coordogeo.datasets import sample_territory
        >>> sample = sample_territory()
        >>> net = RoadNetwork.from_roads(sample.roads)
        >>> snapped = net.snap(sample.structures)
        >>> bool(snapped["snapped"].all()), round(snapped["snap_distance_m"].max())
        (True, 189)
        """
        limit = self.max_snap_m if max_snap_m is None else max_snap_m
        check_positive(limit, name="max_snap_m", unit="metres")
        frame = to_metric_crs(points, name="points", crs=self.crs)
        node, dist = self.snap_xy(anchor_xy(frame), max_snap_m=limit)
        ok = node >= 0
        node_col = pd.array(node, dtype="Int64")
        node_col[~ok] = pd.NA
        return pd.DataFrame(
            {
                "node": node_col,
                "snap_distance_m": dist,
                "approach_time_min": np.where(
                    ok, self.approach_seconds(dist) / 60, np.nan
                ),
                "snapped": ok,
            },
            index=frame.index,
        )

    def snap_xy(
        self, xy: np.ndarray, *, max_snap_m: float
    ) -> tuple[np.ndarray, np.ndarray]:
        """Return each point's nearest node (-1 beyond ``max_snap_m``) and distance."""
        if len(xy) == 0 or self.n_nodes == 0:
            return np.full(len(xy), -1, dtype=np.int64), np.full(len(xy), np.inf)
        # queries in spatial order hit the same tree leaves in turn: ~1.5x faster
        block = np.floor(xy / _QUERY_BLOCK_M).astype(np.int64)
        order = np.lexsort((xy[:, 1], block[:, 1], block[:, 0]))
        dist = np.empty(len(xy))
        node = np.empty(len(xy), dtype=np.int64)
        dist[order], node[order] = self.tree.query(xy[order], k=1, workers=-1)
        if self.small is not None and self.small.any() and not self.small.all():
            self._snap_to_larger(xy, node, dist, max_snap_m)
        node[dist > max_snap_m] = -1
        return node, dist

    def _snap_to_larger(
        self, xy: np.ndarray, node: np.ndarray, dist: np.ndarray, max_snap_m: float
    ) -> None:
        """Move points snapped into a small piece to the nearest larger one in reach.

        As OSRM does: a place beside a one-way dead end is routed from the road
        network it belongs to, not trapped in a piece it cannot leave.
        """
        assert self.small is not None
        trapped = np.flatnonzero(self.small[node])
        if not len(trapped):
            return
        larger = np.flatnonzero(~self.small)
        d, k = self._larger_tree.query(
            xy[trapped], k=1, distance_upper_bound=max_snap_m, workers=-1
        )
        found = np.isfinite(d)
        node[trapped[found]] = larger[k[found]]
        dist[trapped[found]] = d[found]

    @cached_property
    def _larger_tree(self) -> cKDTree:
        assert self.small is not None
        return cKDTree(self.node_xy[~self.small])

    def approach_seconds(self, distance_m: np.ndarray) -> np.ndarray:
        """Seconds of the off-network leg at ``approach_speed_kmh``."""
        return np.asarray(distance_m, dtype=np.float64) / (
            self.approach_speed_kmh / 3.6
        )


def anchor_xy(frame: gpd.GeoDataFrame) -> np.ndarray:
    """One (x, y) per row: the point itself, or a point on the surface of a polygon."""
    geoms = np.asarray(frame.geometry.array)
    is_point = shapely.get_type_id(geoms) == 0
    if not is_point.all():
        geoms = geoms.copy()
        geoms[~is_point] = shapely.point_on_surface(geoms[~is_point])
    return np.asarray(shapely.get_coordinates(geoms), dtype=np.float64)


def warn_unsnapped(
    sites: gpd.GeoDataFrame,
    snapped: np.ndarray,
    *,
    stacklevel: int = 3,
    name: str = "destinations",
) -> None:
    """Warn, naming them, about the destinations too far from every road to be reached.

    ``stacklevel`` points the warning at the caller of the public verb; ``name`` is
    the argument the sites came in.
    """
    if not snapped.all():
        warnings.warn(
            f"`{name}` rows {format_labels(sites.index[~snapped])} are farther "
            "than `max_snap_m` from every road; no origin can reach them. Check their "
            "coordinates or build the network with a larger `max_snap_m`.",
            stacklevel=stacklevel,
        )


def _road_lines(
    frame: gpd.GeoDataFrame,
    speed_kmh: str,
    oneway: str | None,
    segmentize_m: float | None,
) -> tuple[tuple[np.ndarray, np.ndarray, np.ndarray], np.ndarray, np.ndarray]:
    """Return the points of road lines and each line's speed forward and backward.

    Columns, geometries, speeds and oneway values are checked, rows named by the
    frame's index; a speed of 0 means the road is not driven that way.
    """
    check_columns(frame, [speed_kmh] + ([oneway] if oneway else []), name="roads")
    geoms = _line_geometries(frame, segmentize_m)
    speed = _speeds(frame, speed_kmh)
    direction = (
        _oneway_codes(frame[oneway], name=oneway)
        if oneway
        else np.zeros(len(frame), dtype=np.int8)
    )
    return (
        _line_points(geoms),
        np.where(direction >= 0, speed, 0.0),
        np.where(direction <= 0, speed, 0.0),
    )


def _line_points(geoms: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Return the points of lines, their part and each part's line (its row)."""
    if (shapely.get_type_id(geoms) == 1).all():  # LineStrings: no parts to split
        parts, part_row = geoms, np.arange(len(geoms))
    else:
        parts, part_row = shapely.get_parts(geoms, return_index=True)
    coords, coord_part = shapely.get_coordinates(parts, return_index=True)
    return coords, coord_part, part_row


def _line_geometries(frame: gpd.GeoDataFrame, segmentize_m: float | None) -> np.ndarray:
    """Return the geometries as an array of lines; refuse anything else by row."""
    geoms = np.asarray(frame.geometry.array)
    not_line = ~np.isin(shapely.get_type_id(geoms), _LINE_TYPES)
    if not_line.any():
        names = sorted(set(frame.geometry.geom_type[not_line]))
        raise InputError(
            f"`roads` has {int(not_line.sum())} row(s) that are not lines ({names}), "
            f"at index {format_labels(frame.index[not_line])}; keep only LineString "
            "and MultiLineString rows."
        )
    if segmentize_m is not None:
        check_positive(segmentize_m, name="segmentize_m", unit="metres")
        geoms = shapely.segmentize(geoms, segmentize_m)
    return geoms


def _speeds(frame: gpd.GeoDataFrame, column: str) -> np.ndarray:
    """Return the speed column as float km/h; refuse NaN, text or values <= 0."""
    values = pd.to_numeric(frame[column], errors="coerce").to_numpy(dtype=np.float64)
    bad = ~np.isfinite(values) | (values <= 0)
    if bad.any():
        raise InputError(
            f"`roads[{column!r}]` must be a speed in km/h > 0 on every row; "
            f"{int(bad.sum())} row(s) are missing, not numbers or <= 0, at index "
            f"{format_labels(frame.index[bad])}. Fill them, e.g. from a default "
            "speed per road class."
        )
    return np.asarray(values, dtype=np.float64)


def _oneway_codes(values: pd.Series, *, name: str) -> np.ndarray:
    """1 along the line, -1 against it, 0 both ways; unreadable values are an error."""
    if pd.api.types.is_bool_dtype(values) and not values.isna().any():
        return values.to_numpy(dtype=np.int8)
    text = values.astype("string").str.strip().str.lower()
    codes = text.map(_ONEWAY_WORDS)
    numeric = pd.to_numeric(values, errors="coerce")
    codes = codes.fillna(numeric.where(numeric.isin([-1, 0, 1])))
    bad = codes.isna().to_numpy()
    if bad.any():
        seen = format_labels(values[bad].astype("string").unique()[:5])
        raise InputError(
            f"`roads[{name!r}]` has {int(bad.sum())} value(s) it cannot read ({seen}), "
            f"at index {format_labels(values.index[bad])}; use True/False, 1/0/-1 or "
            "'yes'/'no'/'-1'."
        )
    return codes.to_numpy(dtype=np.int8)


def _merge_vertices(coords: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Merge vertices closer than NODE_PRECISION_M into nodes, numbered in Morton order.

    Neighbours on the road get nearby numbers, so the arrays a search reads are
    local in memory (measured in ``benchmarks/bench_order.py``: sorting the nodes by
    coordinates made searches up to 1.3x slower on irregular roads). The Morton key
    of the 1 cm cells is unique per node, so one sort both merges and orders.
    """
    cells = np.round(coords / NODE_PRECISION_M)
    if len(cells) == 0:
        return np.empty((0, 2)), np.empty(0, dtype=np.int64)
    low = cells.min(axis=0)
    span = cells.max(axis=0) - low
    if span.max() >= 2**32:
        raise InputError(
            f"`roads` span {span.max() * NODE_PRECISION_M / 1000:,.0f} km in their "
            "metric CRS, more than a territory can: check the CRS they are declared in."
        )
    _, first, node_of = np.unique(
        morton_key((cells - low).astype(np.uint64)),
        return_index=True,
        return_inverse=True,
    )
    return cells[first] * NODE_PRECISION_M, node_of.astype(np.int64, copy=False)


def _csr_keep_fastest(
    src: np.ndarray, dst: np.ndarray, seconds: np.ndarray, n: int
) -> tuple[csr_matrix, int, np.ndarray]:
    """CSR of the edges, keeping the fastest of repeated (src, dst) pairs.

    One sort on a single int64 key (row-major), then the minimum of each run: the
    sorted keys are the CSR's rows and columns already in order. Also returns,
    for each CSR edge, the position of an input edge that gave its time.
    """
    key = src * np.int64(n) + dst
    order = np.argsort(key, kind="stable")
    key = key[order]
    first = np.ones(len(key), dtype=bool)
    first[1:] = key[1:] != key[:-1]
    starts = np.flatnonzero(first)
    fastest = (
        np.minimum.reduceat(seconds[order], starts) if len(starts) else seconds[:0]
    )
    run = np.cumsum(first) - 1
    is_min = seconds[order] == np.repeat(fastest, np.diff(np.r_[starts, len(key)]))
    kept = np.full(len(starts), -1, dtype=np.int64)
    kept[run[is_min][::-1]] = order[is_min][::-1]  # the first fastest of each run
    key = key[first]
    index_dtype = np.int32 if n < 2**31 else np.int64
    indptr = np.zeros(n + 1, dtype=index_dtype)
    np.cumsum(np.bincount(key // n, minlength=n), out=indptr[1:])
    graph = csr_matrix((fastest, (key % n).astype(index_dtype), indptr), shape=(n, n))
    graph.has_sorted_indices = True
    return graph, int(len(order) - len(starts)), kept


def _timed_speeds(ways: Ways, xy: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Speeds each way, made to give a way's tagged time or OSMnx's length.

    A ferry with a ``duration`` crosses in that time whatever its drawn length; an
    OSMnx edge measures ``length`` metres (OSMnx's own, on the sphere) rather than
    its length in the metric CRS (a few tenths of a percent longer).
    """
    table = ways.table
    forward = table["forward_kmh"].to_numpy(dtype=np.float64).copy()
    backward = table["backward_kmh"].to_numpy(dtype=np.float64).copy()
    row = ways.way_of_point
    same = row[:-1] == row[1:]
    step = np.hypot(*(xy[1:] - xy[:-1]).T)
    drawn = np.bincount(row[:-1][same], weights=step[same], minlength=len(table))
    duration = table["duration_s"].to_numpy(dtype=np.float64)
    timed = np.isfinite(duration) & (drawn > 0)
    kmh = drawn[timed] / duration[timed] * 3.6
    forward[timed] = np.where(forward[timed] > 0, kmh, 0.0)
    backward[timed] = np.where(backward[timed] > 0, kmh, 0.0)
    length = table["length_m"].to_numpy(dtype=np.float64)
    measured = np.isfinite(length) & (length > 0) & (drawn > 0) & ~timed
    factor = drawn[measured] / length[measured]
    forward[measured] *= factor
    backward[measured] *= factor
    return forward, backward


@dataclass(frozen=True)
class _TurnInput:
    """What the edge-based graph needs beyond the node graph (rows: the roads)."""

    costs: TurnCosts
    row_ferry: np.ndarray
    row_roundabout: np.ndarray
    nodes: pd.DataFrame | None = None
    restrictions: pd.DataFrame | None = None
    small_component_nodes: int = 0

    def build(
        self,
        graph: csr_matrix,
        edge_row: np.ndarray,
        node_xy: np.ndarray,
        tree: cKDTree,
    ) -> TurnGraph:
        """Match tagged nodes and via nodes to road nodes; build the turn graph."""
        n = len(node_xy)
        blocked, delay = np.zeros(n, dtype=bool), np.zeros(n)
        if self.nodes is not None and len(self.nodes):
            at = _node_at(tree, self.nodes[["x", "y"]].to_numpy())
            on = at >= 0
            np.logical_or.at(blocked, at[on], self.nodes["blocked"].to_numpy()[on])
            np.maximum.at(delay, at[on], self.nodes["delay_s"].to_numpy()[on])
        rules = pd.DataFrame(
            columns=["kind", "from_row", "via_node", "via_rows", "to_row"]
        )
        if self.restrictions is not None and len(self.restrictions):
            given = self.restrictions
            via = np.full(len(given), -1, dtype=np.int64)
            point = np.isfinite(given["via_x"].to_numpy(dtype=np.float64))
            via[point] = _node_at(tree, given.loc[point, ["via_x", "via_y"]].to_numpy())
            unplaced = point & (via < 0)
            rules = pd.DataFrame(
                {
                    "kind": given["kind"].to_numpy()[~unplaced],
                    "from_row": given["from_row"].to_numpy(dtype=np.int64)[~unplaced],
                    "via_node": via[~unplaced],
                    "via_rows": given["via_rows"].to_numpy()[~unplaced],
                    "to_row": given["to_row"].to_numpy(dtype=np.int64)[~unplaced],
                }
            )
        return build_turn_graph(
            graph,
            edge_row,
            node_xy,
            costs=self.costs,
            row_ferry=self.row_ferry,
            row_roundabout=self.row_roundabout,
            node_blocked=blocked,
            node_delay_s=delay,
            restrictions=rules,
        )


def _node_at(tree: cKDTree, xy: np.ndarray) -> np.ndarray:
    """Return the road node at each point (to the node precision), -1 if none."""
    if len(xy) == 0:
        return np.zeros(0, dtype=np.int64)
    dist, node = tree.query(xy, k=1)
    out: np.ndarray = np.where(dist <= 2 * NODE_PRECISION_M, node, -1)
    return out.astype(np.int64)


def _small_pieces(graph: csr_matrix, turns: TurnGraph, least: int) -> np.ndarray:
    """Nodes a car cannot both reach and leave within a piece of ``least`` segments.

    The pieces are the strongly connected components of the edge-based graph
    (turn restrictions and the lack of U-turns included), counted in segments; a
    node is in a large piece when a segment into it and a segment out of it are.
    """
    _, strong = connected_components(turns.graph, directed=True, connection="strong")
    n = graph.shape[0]
    indptr = np.asarray(graph.indptr, dtype=np.int64)
    tail = np.repeat(np.arange(n), np.diff(indptr))
    head = np.asarray(graph.indices, dtype=np.int64)
    segment = np.arange(len(head)) + 2 * (tail + 1)  # the numbering of turns.py
    sizes = np.bincount(strong[segment], minlength=strong.max() + 1)
    large = sizes[strong[segment]] >= least
    into = np.zeros(n, dtype=bool)
    out_of = np.zeros(n, dtype=bool)
    into[head[large]] = True
    out_of[tail[large]] = True
    out: np.ndarray = ~(into & out_of)
    return out
