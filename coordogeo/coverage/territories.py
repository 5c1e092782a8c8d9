"""CPTS territories from their member communes; the communes in several CPTS or none."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final

import numpy as np
import pandas as pd

import geopandas as gpd

from coordogeo.coverage._members import checked_membership
from coordogeo.errors import check_increasing

__all__ = ["ACI_SIZE_CUTOFFS", "cpts_territories", "overlaps_and_gaps"]

#: Population cut-offs of the ACI CPTS size bands (taille 1 to 4). Whether each bound
#: is inclusive is not stated in the sources we could read; here a population equal to
#: a cut-off falls in the upper band. Override with ``size_cutoffs=``.
ACI_SIZE_CUTOFFS: Final = (40_000.0, 80_000.0, 175_000.0)

_M2_PER_KM2: Final = 1e6


def cpts_territories(
    communes: gpd.GeoDataFrame,
    members: pd.DataFrame,
    *,
    population: str = "population",
    size_cutoffs: Sequence[float] = ACI_SIZE_CUTOFFS,
) -> gpd.GeoDataFrame:
    """One row per CPTS: its dissolved territory, population and ACI size band.

    Parameters
    ----------
    communes
        Commune polygons with ``insee`` and ``population``; any CRS (one is required).
    members
        One row per (CPTS, member commune): ``cpts_id``, ``insee`` and optionally
        ``cpts_name``. A commune may belong to several CPTS.
    population
        Column of ``communes`` holding inhabitants (no NaN, >= 0).
    size_cutoffs
        Increasing population cut-offs between the size bands; the ACI ones
        (40,000 / 80,000 / 175,000) by default. ``taille`` is 1 below the first, and
        a population equal to a cut-off falls in the upper band.

    Returns
    -------
    GeoDataFrame
        Indexed by ``cpts_id`` (sorted), in Lambert-93: ``cpts_name``,
        ``n_communes``, ``population``, ``taille``, ``area_km2``; what it shares with
        other CPTS — ``n_communes_shared``, ``population_shared``,
        ``share_population_shared``, ``area_shared_km2``, ``overlaps_with`` (the other
        CPTS ids, comma-separated, ``""`` if none) — and the union of its communes.

    Raises
    ------
    InputError
        Missing columns, population missing or negative, INSEE codes absent from
        ``communes`` or malformed, repeated (CPTS, commune) rows, a CPTS with no
        commune, or one id with several names.

    Examples
    --------
    >>> from coordogeo.datasets import sample_territory
    >>> sample = sample_territory()
    >>> cpts = cpts_territories(sample.communes, sample.cpts_members)
    >>> cpts[["n_communes", "population", "taille", "overlaps_with"]]
             n_communes  population  taille   overlaps_with
    cpts_id
    CPTS-1           61     48436.0       2  CPTS-2, CPTS-3
    CPTS-2           61     25545.0       1          CPTS-1
    CPTS-3           28     12255.0       1          CPTS-1
    CPTS-4           19     10913.0       1
    """
    cutoffs = check_increasing(size_cutoffs, name="size_cutoffs", unit="inhabitants")
    checked = checked_membership(communes, members, population=population)
    pairs, where = checked.pairs, checked.pairs["position"].to_numpy()
    geometry = checked.communes.geometry.to_numpy()
    area_km2 = checked.communes.geometry.area.to_numpy() / _M2_PER_KM2
    shared = checked.claims[where] > 1
    rows = pd.DataFrame(
        {
            "cpts_id": pairs["cpts_id"],
            "cpts_name": pairs["cpts_name"],
            "n_communes": 1,
            "population": checked.population[where],
            "area_km2": area_km2[where],
            "n_communes_shared": shared.astype(int),
            "population_shared": np.where(shared, checked.population[where], 0.0),
            "area_shared_km2": np.where(shared, area_km2[where], 0.0),
        }
    )
    table = rows.groupby("cpts_id", sort=True).agg(
        {
            "cpts_name": "first",
            "n_communes": "sum",
            "population": "sum",
            "area_km2": "sum",
            "n_communes_shared": "sum",
            "population_shared": "sum",
            "area_shared_km2": "sum",
        }
    )
    with np.errstate(invalid="ignore", divide="ignore"):
        table["share_population_shared"] = (
            table["population_shared"] / table["population"]
        )
    table["taille"] = np.searchsorted(cutoffs, table["population"], side="right") + 1
    table["overlaps_with"] = _overlapping(pairs, table.index)
    shapes = gpd.GeoDataFrame(
        {"cpts_id": pairs["cpts_id"]},
        geometry=geometry[where],
        crs=checked.communes.crs,
    ).dissolve(by="cpts_id", sort=True)
    order = [
        "cpts_name",
        "n_communes",
        "population",
        "taille",
        "area_km2",
        "n_communes_shared",
        "population_shared",
        "share_population_shared",
        "area_shared_km2",
        "overlaps_with",
    ]
    return gpd.GeoDataFrame(
        table[order], geometry=shapes.geometry.reindex(table.index), crs=shapes.crs
    )


def _overlapping(pairs: pd.DataFrame, ids: pd.Index) -> pd.Series:
    """For each CPTS, the other CPTS that claim at least one of its communes."""
    both = pairs.merge(pairs, on="insee", suffixes=("", "_other"))
    both = both[both["cpts_id"] != both["cpts_id_other"]]
    others = both.groupby("cpts_id")["cpts_id_other"].agg(
        lambda s: ", ".join(sorted(map(str, s.unique())))
    )
    return others.reindex(ids, fill_value="")


def overlaps_and_gaps(
    communes: gpd.GeoDataFrame,
    members: pd.DataFrame,
    *,
    population: str = "population",
) -> gpd.GeoDataFrame:
    """Return the communes claimed by several CPTS, and those in none.

    Parameters
    ----------
    communes, members, population
        As for :func:`cpts_territories`.

    Returns
    -------
    GeoDataFrame
        The communes (same index, Lambert-93, every input column kept) that are not
        in exactly one CPTS, plus ``status`` (``"overlap"`` or ``"gap"``),
        ``n_cpts`` and ``cpts_ids`` (comma-separated, ``""`` for a gap). Empty when
        every commune is in exactly one CPTS.

    Raises
    ------
    InputError
        As for :func:`cpts_territories`.

    Examples
    --------
    >>> from coordogeo.datasets import sample_territory
    >>> sample = sample_territory()
    >>> odd = overlaps_and_gaps(sample.communes, sample.cpts_members)
    >>> odd["status"].value_counts().sort_index()
    status
    gap        47
    overlap     2
    Name: count, dtype: int64
    >>> odd.loc[odd["status"] == "overlap", ["nom", "cpts_ids"]]
                           nom        cpts_ids
    00006  Basvearde-sur-Ombre  CPTS-1, CPTS-3
    00011   Bertoval-en-Causse  CPTS-1, CPTS-2
    """
    checked = checked_membership(communes, members, population=population)
    out = checked.communes
    ids = (
        checked.pairs.sort_values("cpts_id")
        .groupby("position")["cpts_id"]
        .agg(lambda s: ", ".join(map(str, s)))
    )
    out["n_cpts"] = checked.claims
    out["cpts_ids"] = ids.reindex(np.arange(len(out)), fill_value="").to_numpy()
    out["status"] = np.where(checked.claims == 0, "gap", "overlap")
    return out[checked.claims != 1]
