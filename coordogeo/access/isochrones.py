"""Isochrones: the area from which a site is reached within 10, 20, 30 minutes."""

from __future__ import annotations

import logging
from collections.abc import Sequence

import numpy as np
import pandas as pd

import geopandas as gpd
import shapely

from coordogeo.crs import to_metric_crs
from coordogeo.errors import check_counts, check_increasing
from coordogeo.network.paths import times_to_sites
from coordogeo.network.roads import RoadNetwork, anchor_xy, warn_unsnapped

__all__ = ["isochrones"]

logger = logging.getLogger(__name__)

_QUAD_SEGS = 4  # 16-sided discs: ample for maps, light for unions
_M2_PER_KM2 = 1e6


def isochrones(
    network: RoadNetwork,
    sites: gpd.GeoDataFrame,
    *,
    thresholds_min: Sequence[float] = (10, 20, 30),
    per_site: bool = False,
    population: gpd.GeoDataFrame | None = None,
) -> gpd.GeoDataFrame:
    """Polygons of the places from which a site is reached within each threshold.

    Method (a network buffer): one bounded Dijkstra towards the sites on the
    reversed graph (so times run from the place **to** the site, one-way streets
    respected) gives each road node its time ``d``. For a threshold ``t`` each node
    with ``d <= t`` gets a disc of radius ``(t - d) × approach speed`` (capped at the
    network's ``max_snap_m``: the off-road leg of :func:`coordogeo.access.nearest`),
    each road segment whose two ends are reached gets a corridor of the smaller of
    their radii, and the union is the isochrone.

    Limits: it is an envelope of the road network, not a cell-by-cell answer — a
    place inside may snap to a farther node than the disc it falls in, and a slow
    segment between two reached nodes is drawn whole. For who is within reach, use
    :func:`coordogeo.access.nearest` times; isochrones are for maps.

    Parameters
    ----------
    network
        The road network.
    sites
        Structures, any CRS. Sites farther than ``max_snap_m`` from every road are
        named in a warning and have empty polygons.
    thresholds_min
        Increasing thresholds, minutes. Polygons are nested: the 30 min one contains
        the 20 min one.
    per_site
        One set of polygons per site (a search per site) instead of one for all.
    population
        Places with a ``population`` column (cells, communes): the population whose
        anchor point (the point, or a point on the polygon's surface) lies inside is
        added, with the rest in ``population_outside``.

    Returns
    -------
    GeoDataFrame
        In the network's CRS, one row per threshold (per site when ``per_site``):
        ``site`` (the site's index label, when ``per_site``), ``max_time_min``,
        ``area_km2``, then ``population`` and ``population_outside`` if a
        population frame is given.

    Examples
    --------
    >>> from coordogeo.datasets import sample_territory
    >>> from coordogeo.network import RoadNetwork
    >>> sample = sample_territory()
    >>> net = RoadNetwork.from_roads(sample.roads)
    >>> msp = sample.structures[sample.structures["kind"] == "MSP"]
    >>> iso = isochrones(net, msp, population=sample.population)
    >>> iso[["max_time_min", "area_km2", "population"]].round(0)
       max_time_min  area_km2  population
    0          10.0     ...
    1          20.0     ...
    2          30.0     ...
    >>> bool(iso.geometry.iloc[2].contains(iso.geometry.iloc[1].buffer(-1)))
    True
    """
    limits = check_increasing(thresholds_min, name="thresholds_min", unit="minutes")
    where, node, _, approach = network.attach(sites, name="sites")
    warn_unsnapped(where, node >= 0)
    groups = (
        [(label, np.array([k])) for k, label in enumerate(where.index)]
        if per_site
        else [(None, np.arange(len(where)))]
    )
    edges = _edges(network)
    rows = []
    for label, members in groups:
        use = members[node[members] >= 0]
        node_s, _ = times_to_sites(
            network, node[use], approach[use], limit_s=limits[-1] * 60.0
        )
        for t in limits:
            shape = _reached_area(network, edges, node_s, t * 60.0)
            rows.append({"site": label, "max_time_min": t, "geometry": shape})
    out = gpd.GeoDataFrame(rows, geometry="geometry", crs=network.crs)
    if not per_site:
        out = out.drop(columns="site")
    out.insert(len(out.columns) - 1, "area_km2", out.geometry.area / _M2_PER_KM2)
    if population is not None:
        _add_population(out, population, crs=network.crs)
    return out


def _edges(network: RoadNetwork) -> tuple[np.ndarray, np.ndarray]:
    """Undirected road segments as (u, v) node pairs, each once."""
    coo = network.graph.tocoo()
    u, v = np.minimum(coo.row, coo.col), np.maximum(coo.row, coo.col)
    pairs = np.unique(np.column_stack([u, v]), axis=0)
    return pairs[:, 0], pairs[:, 1]


def _reached_area(
    network: RoadNetwork,
    edges: tuple[np.ndarray, np.ndarray],
    node_s: np.ndarray,
    limit_s: float,
) -> shapely.Geometry:
    """Union of the discs of reached nodes and corridors of reached segments."""
    speed_ms = network.approach_speed_kmh / 3.6
    radius = np.minimum((limit_s - node_s) * speed_ms, network.max_snap_m)
    reached = radius > 0  # inf times give -inf radii: not reached
    if not reached.any():
        return shapely.Polygon()
    u, v = edges
    both = reached[u] & reached[v]
    u, v = u[both], v[both]
    corridor = np.minimum(radius[u], radius[v])
    # a node's disc adds nothing when a corridor of the same radius (the round cap of
    # a segment to a neighbour at least as far from the frontier) already covers it
    covered = np.zeros(len(radius), dtype=bool)
    covered[u[radius[v] >= radius[u]]] = True
    covered[v[radius[u] >= radius[v]]] = True
    own = np.flatnonzero(reached & ~covered)
    discs = shapely.buffer(
        shapely.points(network.node_xy[own]), radius[own], quad_segs=_QUAD_SEGS
    )
    lines = shapely.linestrings(
        np.stack([network.node_xy[u], network.node_xy[v]], axis=1)
    )
    corridors = shapely.buffer(lines, corridor, quad_segs=_QUAD_SEGS)
    return shapely.union_all(np.concatenate([discs, corridors]))


def _add_population(
    out: gpd.GeoDataFrame, places: gpd.GeoDataFrame, *, crs: str
) -> None:
    """Add the population whose anchor lies in each polygon, and the rest."""
    frame = to_metric_crs(places, name="population", crs=crs)
    people = check_counts(frame, "population", name="population")
    points = gpd.GeoSeries(shapely.points(anchor_xy(frame)), crs=crs)
    i_poly, i_pt = points.sindex.query(out.geometry, predicate="intersects")
    inside = np.bincount(i_poly, weights=people[i_pt], minlength=len(out))
    out.insert(len(out.columns) - 1, "population", inside)
    out.insert(len(out.columns) - 1, "population_outside", people.sum() - inside)
    logger.debug("isochrone populations: %s", pd.Series(inside).round(0).tolist())
