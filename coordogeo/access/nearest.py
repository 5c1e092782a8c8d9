"""Travel time from each place to its nearest site(s)."""

from __future__ import annotations

import logging

import numpy as np
import pandas as pd

import geopandas as gpd

from coordogeo._columns import NEAREST_ID, REACHABLE, TIME
from coordogeo.access.matrix import (
    TravelTimeMatrix,
    check_matrix_ids,
    check_time_source,
)
from coordogeo.errors import InputError, check_complete, check_positive, check_whole
from coordogeo.network.paths import k_nearest_sites, nearest_sites
from coordogeo.network.roads import RoadNetwork, warn_unsnapped
from coordogeo.network.search import to_minutes

__all__ = ["nearest", "nearest_columns", "write_nearest_columns"]

logger = logging.getLogger(__name__)


def nearest(
    network_or_matrix: RoadNetwork | TravelTimeMatrix,
    origins: gpd.GeoDataFrame,
    destinations: gpd.GeoDataFrame,
    *,
    by: str | None = None,
    max_time_min: float = 60,
    k: int = 1,
) -> gpd.GeoDataFrame:
    """Road travel time from each origin to its nearest destination(s), in minutes.

    Times run **from** the origin **to** the destination, so one-way streets are
    driven in that direction. A time is the approach leg from the origin to its road
    node, the road path, and the leg from the destination's road node to it; both
    legs at the network's ``approach_speed_kmh``. One multi-source search per group
    (``k=1``), or bounded searches from the destinations (``k>1``): no per-origin loop.

    With a :class:`~coordogeo.access.TravelTimeMatrix` instead of a network (an
    external distancier, a crow-fly estimate, a matrix computed once and reused),
    the same columns are read from its stored pairs: the matrix is the hinge, and
    both ways give the same answer for the same times.

    Parameters
    ----------
    network_or_matrix
        The road network (:meth:`RoadNetwork.from_roads`), or a matrix whose origins
        hold the index of ``origins`` and whose destinations hold the index of
        ``destinations``, bounded at ``max_time_min`` or beyond.
    origins
        Places (grid cells, communes, points) in any CRS; polygons are represented by
        a point on their surface. With a matrix no geometry is read and the frame
        keeps its CRS.
    destinations
        Sites (structures) in any CRS. Their index labels are what ``nearest_id``
        reports.
    by
        Column of ``destinations`` to group by (e.g. ``"kind"``): one set of columns
        per group, suffixed ``_<group>``.
    max_time_min
        Searches stop beyond this; farther origins are unreachable.
    k
        How many nearest destinations to report; ranks 2..k get columns suffixed
        ``_2`` … ``_k``.

    Returns
    -------
    GeoDataFrame
        A copy of ``origins`` in the network's CRS, same index, plus
        ``snapped`` and ``snap_distance_m`` (the origin's attachment to the roads;
        from a matrix, its ``origin_snapped`` flag and NaN metres), ``time_model``
        (how the times were made) and,
        per group: ``travel_time_min`` (NaN when unreachable), ``nearest_id`` (missing
        when unreachable) and ``reachable`` (False beyond ``max_time_min``, off the
        network, or on a road piece no destination can be reached from). Nothing is
        dropped.

    Raises
    ------
    InputError
        Bad CRS or geometries, a missing ``by`` column or missing group values,
        ``max_time_min`` not > 0, ``k`` not a whole number >= 1.

    Warns
    -----
    UserWarning
        Destinations farther than ``max_snap_m`` from every road, which no origin can
        reach; they are named.

    Examples
    --------
    >>> from coordogeo.datasets import sample_territory
    >>> from coordogeo.network import RoadNetwork
    >>> sample = sample_territory()
    >>> net = RoadNetwork.from_roads(sample.roads)
    >>> out = nearest(net, sample.population, sample.structures, by="kind")
    >>> out[["travel_time_min_MSP", "nearest_id_MSP"]].head(2).round(1)
                                    travel_time_min_MSP nearest_id_MSP
    CRS2154RES1000mN6352000E594000                 40.1         MSP-07
    CRS2154RES1000mN6352000E597000                 44.8         MSP-10

    Places on the island have no road to any structure: NaN and unreachable, kept.

    >>> island = sample.population[sample.population["insee"] == "00046"]
    >>> cut_off = nearest(net, island, sample.structures)
    >>> len(cut_off), int(cut_off["reachable"].sum())
    (13, 0)
    >>> bool(cut_off["travel_time_min"].isna().all())
    True

    No destination at all: every place is kept, unreachable. No origin: an empty frame.

    >>> none = nearest(net, island.head(2), sample.structures.iloc[:0])
    >>> none["reachable"].tolist(), none["nearest_id"].tolist()
    ([False, False], [None, None])
    >>> nearest(net, island.iloc[:0], sample.structures).shape[0]
    0
    """
    check_positive(max_time_min, name="max_time_min", unit="minutes")
    check_whole(k, name="k")
    network = check_time_source(network_or_matrix)
    if isinstance(network, TravelTimeMatrix):
        return _nearest_in_matrix(
            network, origins, destinations, by=by, max_time_min=max_time_min, k=k
        )
    out, o_node, o_dist, o_sec = network.attach(origins, name="origins")
    sites, s_node, _, s_sec = network.attach(destinations, name="destinations")
    groups = _groups(sites, by)
    warn_unsnapped(sites, s_node >= 0)
    out["snapped"] = o_node >= 0
    out["snap_distance_m"] = o_dist
    out["time_model"] = network.description
    limit_s = float(max_time_min) * 60.0
    for group, members in groups.items():
        use = members[s_node[members] >= 0]
        if k == 1:
            sec, pos = nearest_sites(
                network, o_node, o_sec, s_node[use], s_sec[use], limit_s=limit_s
            )
            sec, pos = sec[:, None], pos[:, None]
        else:
            sec, pos = k_nearest_sites(
                network, o_node, o_sec, s_node[use], s_sec[use], limit_s=limit_s, k=k
            )
        write_nearest_columns(
            out,
            to_minutes(sec).astype(np.float64),
            pos,
            sites.index[use],
            suffix="" if by is None else f"_{group}",
        )
    return out


def _nearest_in_matrix(
    matrix: TravelTimeMatrix,
    origins: pd.DataFrame,
    destinations: pd.DataFrame,
    *,
    by: str | None,
    max_time_min: float,
    k: int,
) -> gpd.GeoDataFrame:
    """Read the k nearest destinations of each origin from the matrix's pairs."""
    if max_time_min > matrix.max_time_min:
        raise InputError(
            f"`max_time_min` is {max_time_min:g} min but the matrix stops at "
            f"{matrix.max_time_min:g} min; build the matrix with a bound of at least "
            f"{max_time_min:g} or lower `max_time_min`."
        )
    check_matrix_ids(matrix, origins, destinations)
    out = origins.copy()
    o_row = np.full(len(matrix.origins), -1, dtype=np.int64)
    o_row[matrix.origins.get_indexer(out.index)] = np.arange(len(out))
    out["snapped"] = matrix.origin_snapped[matrix.origins.get_indexer(out.index)]
    out["snap_distance_m"] = np.nan
    out["time_model"] = matrix.description
    for group, members in _groups(destinations, by).items():
        local = np.full(len(matrix.destinations), -1, dtype=np.int64)
        local[matrix.destinations.get_indexer(destinations.index[members])] = np.arange(
            len(members)
        )
        row, site = o_row[matrix.origin], local[matrix.destination]
        keep = (row >= 0) & (site >= 0) & (matrix.time_min <= max_time_min)
        row, site = row[keep], site[keep]
        minutes = matrix.time_min[keep].astype(np.float64)
        order = np.lexsort((site, minutes, row))  # by origin, then time, then site
        row, site, minutes = row[order], site[order], minutes[order]
        first = np.searchsorted(row, row, side="left")
        rank = np.arange(len(row)) - first
        top = rank < k
        best = np.full((len(out), k), np.inf)
        best_site = np.full((len(out), k), -1, dtype=np.int64)
        best[row[top], rank[top]] = minutes[top]
        best_site[row[top], rank[top]] = site[top]
        write_nearest_columns(
            out,
            best,
            best_site,
            destinations.index[members],
            suffix="" if by is None else f"_{group}",
        )
    return out


def _groups(sites: gpd.GeoDataFrame, by: str | None) -> dict[object, np.ndarray]:
    """Row positions of the destinations of each group (one group when by is None)."""
    if by is None:
        return {None: np.arange(len(sites))}
    values = check_complete(sites, by, name="destinations", fix="fill or drop them.")
    codes, uniques = pd.factorize(values, sort=True)
    return {group: np.flatnonzero(codes == i) for i, group in enumerate(uniques)}


def nearest_columns(
    minutes: np.ndarray,
    position: np.ndarray,
    labels: pd.Index,
    *,
    suffix: str,
) -> dict[str, np.ndarray]:
    """travel_time_min / nearest_id / reachable (rank 1) and ranked extras, by name.

    ``minutes`` and ``position`` are (places, k): inf / any where out of reach.
    """
    names = np.asarray(labels, dtype=object)
    columns: dict[str, np.ndarray] = {}
    for rank in range(minutes.shape[1]):
        ok = np.isfinite(minutes[:, rank])
        tail = suffix if rank == 0 else f"{suffix}_{rank + 1}"
        ids = np.full(len(ok), None, dtype=object)
        ids[ok] = names[position[ok, rank]]
        columns[TIME + tail] = np.where(ok, minutes[:, rank], np.nan)
        columns[NEAREST_ID + tail] = ids
        columns[REACHABLE + tail] = ok
    return columns


def write_nearest_columns(
    out: gpd.GeoDataFrame,
    minutes: np.ndarray,
    position: np.ndarray,
    labels: pd.Index,
    *,
    suffix: str,
) -> None:
    """Add :func:`nearest_columns` to ``out``, in place."""
    columns = nearest_columns(minutes, position, labels, suffix=suffix)
    for name, values in columns.items():
        out[name] = pd.Series(values, index=out.index, dtype=values.dtype)
