"""Contiguous under-served zones: flagged cells merged, measured and ranked."""

from __future__ import annotations

import logging
from typing import Literal, NamedTuple

import numpy as np
import pandas as pd
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

import geopandas as gpd
import shapely

from coordogeo._columns import TIME
from coordogeo.crs import to_metric_crs
from coordogeo.errors import (
    InputError,
    check_choice,
    check_columns,
    check_complete,
    check_counts,
    format_labels,
)

__all__ = ["label_zones", "zones"]

logger = logging.getLogger(__name__)

Contiguity = Literal["queen", "rook"]
_SEPARATOR = "; "


def label_zones(
    cells: gpd.GeoDataFrame,
    *,
    flag: str = "underserved",
    contiguity: Contiguity = "queen",
    min_population: float = 0,
) -> pd.Series:
    """Zone of each flagged place: adjacent flagged places share one zone.

    Neighbours come from a spatial index (shapely STRtree) queried with every
    flagged shape at once, then the connected components of that graph
    (scipy.sparse.csgraph): no all-pairs comparison.

    Parameters
    ----------
    cells
        Grid cells or communes (polygons, any CRS) with a boolean ``flag`` column
        and a ``population`` column.
    flag
        The boolean column marking the places to group (:func:`classify` writes
        ``underserved``).
    contiguity
        ``"queen"``: shapes that touch, even at a corner, are neighbours;
        ``"rook"``: only shapes sharing an edge of non-zero length.
    min_population
        Zones with fewer inhabitants get no id (their places are counted in the
        ``attrs`` of :func:`zones`, never lost).

    Returns
    -------
    Series
        ``zone_id`` on the index of ``cells``: ``"Z001"`` is the most populated zone
        (ties: larger area, then first place in ``cells``), missing for places not
        flagged or in a zone below ``min_population``.

    Raises
    ------
    InputError
        Bad CRS or geometries, shapes that are not polygons, a missing or non-boolean
        ``flag`` column, missing or negative populations, ``contiguity`` unknown,
        ``min_population`` negative.

    Examples
    --------
    >>> from coordogeo.datasets import sample_territory
    >>> cells = sample_territory().population
    >>> cells = cells.assign(underserved=cells["insee"].isin(["00001", "00031"]))
    >>> label_zones(cells).value_counts().sort_index().index.tolist()
    ['Z001']
    """
    return _labelled(cells, flag, contiguity, min_population).zone_id


class _Labelled(NamedTuple):
    """The checked, metric cells, their zones and population, the zones dropped."""

    cells: gpd.GeoDataFrame
    zone_id: pd.Series
    people: np.ndarray
    n_smaller: int


def _labelled(
    cells: gpd.GeoDataFrame, flag: str, contiguity: str, min_population: float
) -> _Labelled:
    """Check the inputs and label the zones."""
    check_choice(contiguity, name="contiguity", choices=("queen", "rook"))
    if not isinstance(min_population, int | float) or not min_population >= 0:
        raise InputError(
            f"`min_population` must be a number >= 0 inhabitants, got "
            f"{min_population!r}."
        )
    metric = to_metric_crs(cells, name="cells")
    check_columns(metric, [flag], name="cells")
    flagged_values = check_complete(
        metric, flag, name="cells", fix="flag every place True or False."
    )
    if not pd.api.types.is_bool_dtype(flagged_values):
        raise InputError(
            f"`cells[{flag!r}]` must be True/False (dtype bool), got "
            f"{flagged_values.dtype}; build it with `coordogeo.underserved.classify`."
        )
    people = check_counts(metric, "population", name="cells")
    types = shapely.get_type_id(metric.geometry.array)
    not_polygon = ~np.isin(types, (3, 6))
    if not_polygon.any():
        raise InputError(
            f"`cells` must be polygons (grid squares or commune outlines) to find "
            f"neighbours; {int(not_polygon.sum())} shape(s) are not, at index "
            f"{format_labels(metric.index[not_polygon])}."
        )
    flagged = np.flatnonzero(flagged_values.to_numpy(dtype=bool))
    component = _components(metric.geometry.array[flagged], contiguity)
    zone_of = np.full(len(metric), -1, dtype=np.int64)
    zone_of[flagged] = component
    n_zones = int(component.max()) + 1 if len(component) else 0
    population = np.bincount(component, weights=people[flagged], minlength=n_zones)
    areas = np.bincount(
        component,
        weights=shapely.area(metric.geometry.array[flagged]),
        minlength=n_zones,
    )
    # ranks: population, then area, descending; then first place (component order)
    order = np.lexsort((np.arange(n_zones), -areas, -population))
    keep = population[order] >= min_population
    names = np.full(n_zones, None, dtype=object)
    names[order[keep]] = [f"Z{i:03d}" for i in range(1, int(keep.sum()) + 1)]
    zone_id = pd.Series(None, index=metric.index, dtype=object, name="zone_id")
    zone_id.iloc[flagged] = names[component]
    return _Labelled(metric, zone_id, people, int((~keep).sum()))


def _components(shapes: np.ndarray, contiguity: str) -> np.ndarray:
    """Label the connected component of each shape (neighbours from an STRtree)."""
    n = len(shapes)
    if n == 0:
        return np.zeros(0, dtype=np.int64)
    tree = shapely.STRtree(shapes)
    left, right = tree.query(shapes, predicate="intersects")
    pair = left < right
    left, right = left[pair], right[pair]
    if contiguity == "rook":
        shared = shapely.intersection(
            shapely.boundary(shapes[left]), shapely.boundary(shapes[right])
        )
        edge = shapely.length(shared) > 0
        # overlapping shapes (not a partition) are neighbours as well
        overlap = shapely.area(shapely.intersection(shapes[left], shapes[right])) > 0
        keep = edge | overlap
        left, right = left[keep], right[keep]
    graph = coo_matrix((np.ones(len(left), dtype=np.int8), (left, right)), shape=(n, n))
    _, component = connected_components(graph, directed=False)
    return np.asarray(component, dtype=np.int64)


def zones(
    cells: gpd.GeoDataFrame,
    *,
    flag: str = "underserved",
    contiguity: Contiguity = "queen",
    min_population: float = 0,
    time_column: str | None = None,
) -> gpd.GeoDataFrame:
    """Merge adjacent flagged places into zones, measure them, rank by population.

    Parameters
    ----------
    cells
        Grid cells or communes (polygons, any CRS) with ``flag`` and ``population``;
        ``reasons`` (from :func:`classify`), an ``insee`` column (or an index named
        ``insee``) and a travel-time column are used when present.
    flag, contiguity, min_population
        As in :func:`label_zones`.
    time_column
        The travel time summarised per zone; the one ``travel_time_min*`` column of
        ``cells`` if None (an error when there are several: name one), none if there
        is no such column.

    Returns
    -------
    GeoDataFrame
        One row per zone, indexed by ``zone_id`` (``"Z001"`` the most populated), in
        the metric CRS of the territory: ``rank``, ``population``, ``area_km2``,
        ``n_cells``, the population-weighted ``mean_travel_time_min`` and the
        ``max_travel_time_min`` of the reachable places with
        ``population_unreachable`` (places with no time), ``communes`` (INSEE codes
        touched, comma-separated) and ``n_communes``, ``reasons`` (the distinct rule
        labels that fired in the zone) and the merged ``geometry``. ``attrs`` hold
        ``population_flagged``, ``population_in_smaller_zones`` and
        ``n_smaller_zones``: the flagged population is the zones' population plus
        the population of zones below ``min_population``.

    Raises
    ------
    InputError
        As :func:`label_zones`; several travel-time columns and no ``time_column``;
        a ``time_column`` that is missing.

    Examples
    --------
    >>> from coordogeo.datasets import sample_territory
    >>> cells = sample_territory().population
    >>> cells = cells.assign(underserved=cells["insee"].isin(["00001", "00031"]))
    >>> found = zones(cells)
    >>> found[["rank", "n_communes"]].to_dict("records")
    [{'rank': 1, 'n_communes': 2}]
    >>> flagged = cells.loc[cells["underserved"], "population"].sum()
    >>> bool(found["population"].sum() == flagged)
    True
    >>> len(zones(cells.assign(underserved=False)))
    0
    """
    labelled = _labelled(cells, flag, contiguity, min_population)
    metric, zone_id, people = labelled.cells, labelled.zone_id, labelled.people
    time = _time_column(metric, time_column)
    in_zone = zone_id.notna().to_numpy()
    flagged = metric[flag].to_numpy(dtype=bool)
    members = metric.loc[in_zone, []].assign(
        zone_id=zone_id[in_zone].to_numpy(), _people=people[in_zone]
    )
    out = _measure(metric, members, time)
    out.attrs["population_flagged"] = float(people[flagged].sum())
    out.attrs["population_in_smaller_zones"] = float(people[flagged & ~in_zone].sum())
    out.attrs["n_smaller_zones"] = labelled.n_smaller
    if out.attrs["n_smaller_zones"]:
        logger.info(
            "%d zone(s) below min_population=%s left out (%.0f inhabitants)",
            out.attrs["n_smaller_zones"],
            min_population,
            out.attrs["population_in_smaller_zones"],
        )
    return out


def _time_column(metric: gpd.GeoDataFrame, given: str | None) -> str | None:
    """Return the travel-time column to summarise, or None."""
    if given is not None:
        check_columns(metric, [given], name="cells")
        return given
    found = [
        c
        for c in metric.columns
        if isinstance(c, str) and (c == TIME or c.startswith(f"{TIME}_"))
    ]
    if len(found) > 1:
        raise InputError(
            f"`cells` has several travel-time columns {format_labels(found)}; say "
            "which one to summarise with `time_column=`."
        )
    return found[0] if found else None


def _measure(
    metric: gpd.GeoDataFrame, members: pd.DataFrame, time: str | None
) -> gpd.GeoDataFrame:
    """Measure each zone: population, area, times, communes, reasons, shape."""
    crs = metric.crs
    if len(members) == 0:
        columns = [
            "rank",
            "population",
            "area_km2",
            "n_cells",
            "mean_travel_time_min",
            "max_travel_time_min",
            "population_unreachable",
            "communes",
            "n_communes",
            "reasons",
        ]
        empty = gpd.GeoDataFrame(
            {c: [] for c in columns}, geometry=gpd.GeoSeries([], crs=crs), crs=crs
        )
        return empty.rename_axis("zone_id")
    shapes = metric.geometry.loc[members.index]
    members = members.assign(
        _area=shapely.area(shapes.array) / 1e6,
        _insee=_insee(metric).loc[members.index].to_numpy(),
    )
    grouped = members.groupby("zone_id", sort=True)
    out = pd.DataFrame(
        {
            "population": grouped["_people"].sum(),
            "area_km2": grouped["_area"].sum(),
            "n_cells": grouped.size(),
        }
    )
    out.insert(0, "rank", out.index.str[1:].astype(int))
    times = _times(metric, members, time)
    out = out.join(times)
    communes = members.dropna(subset=["_insee"]).drop_duplicates(["zone_id", "_insee"])
    codes = communes.sort_values("_insee").groupby("zone_id")["_insee"]
    out["communes"] = codes.agg(",".join).reindex(out.index).fillna("")
    out["n_communes"] = codes.size().reindex(out.index).fillna(0).astype(int)
    out["reasons"] = _reasons(metric, members).reindex(out.index).fillna("")
    merged = gpd.GeoSeries(shapes.to_numpy(), index=members.index, crs=crs)
    geometry = merged.groupby(members["zone_id"].to_numpy()).agg(
        lambda group: shapely.union_all(group.to_numpy())
    )
    return gpd.GeoDataFrame(
        out.rename_axis("zone_id"),
        geometry=gpd.GeoSeries(geometry.loc[out.index].to_numpy(), index=out.index),
        crs=crs,
    )


def _insee(metric: gpd.GeoDataFrame) -> pd.Series:
    """Return the INSEE code of each place (``insee`` column or index), or missing."""
    if "insee" in metric.columns:
        return pd.Series(metric["insee"].to_numpy(dtype=object), index=metric.index)
    if metric.index.name == "insee":
        return pd.Series(metric.index.to_numpy(dtype=object), index=metric.index)
    return pd.Series(None, index=metric.index, dtype=object)


def _times(
    metric: gpd.GeoDataFrame, members: pd.DataFrame, time: str | None
) -> pd.DataFrame:
    """Population-weighted mean and max time, and unreachable population, per zone."""
    names = ["mean_travel_time_min", "max_travel_time_min", "population_unreachable"]
    zones_ = members["zone_id"].unique()
    if time is None:
        return pd.DataFrame(
            np.nan, index=pd.Index(zones_, name="zone_id"), columns=names
        )
    minutes = metric.loc[members.index, time].to_numpy(dtype=np.float64)
    reach = np.isfinite(minutes)
    frame = members.assign(
        _t=np.where(reach, minutes, np.nan),
        _tw=np.where(reach, minutes * members["_people"], 0.0),
        _w=np.where(reach, members["_people"], 0.0),
        _lost=np.where(reach, 0.0, members["_people"]),
    ).groupby("zone_id")
    weight = frame["_w"].sum()
    plain = frame["_t"].mean()  # zones with no inhabitants reached: plain mean
    mean = (frame["_tw"].sum() / weight.where(weight > 0)).fillna(plain)
    return pd.DataFrame(
        {names[0]: mean, names[1]: frame["_t"].max(), names[2]: frame["_lost"].sum()}
    )


def _reasons(metric: gpd.GeoDataFrame, members: pd.DataFrame) -> pd.Series:
    """Join the distinct reasons of each zone, in order of first appearance."""
    if "reasons" not in metric.columns:
        return pd.Series(dtype=object)
    text = metric.loc[members.index, "reasons"].fillna("").astype(str)
    parts = (
        pd.DataFrame({"zone_id": members["zone_id"].to_numpy(), "r": text.to_numpy()})
        .assign(r=lambda f: f["r"].str.split(_SEPARATOR))
        .explode("r")
    )
    parts = parts[parts["r"] != ""].drop_duplicates()
    return parts.groupby("zone_id", sort=False)["r"].agg(_SEPARATOR.join)
