"""Check a CPTS member list against a commune layer; every coverage verb uses it."""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
import pandas as pd

import geopandas as gpd

from coordogeo.codes import normalise_insee
from coordogeo.crs import to_metric_crs
from coordogeo.errors import InputError, check_columns, check_counts, format_labels

__all__ = ["Membership", "checked_membership"]


class Membership(NamedTuple):
    """Communes (metric copy) and the validated (CPTS, commune) pairs."""

    communes: gpd.GeoDataFrame
    #: ``cpts_id``, ``cpts_name``, ``insee`` and ``position`` (row of the commune).
    pairs: pd.DataFrame
    #: Inhabitants of each commune, float64, in the order of ``communes``.
    population: np.ndarray
    #: How many CPTS claim each commune, in the order of ``communes``.
    claims: np.ndarray


def checked_membership(
    communes: gpd.GeoDataFrame, members: pd.DataFrame, *, population: str
) -> Membership:
    """Validate ``communes`` and ``members`` together; raise naming every bad row.

    ``communes`` needs ``insee`` and ``population``; ``members`` needs ``cpts_id`` and
    ``insee`` (``cpts_name`` is optional and defaults to the id). INSEE codes are
    normalised on both sides (:func:`coordogeo.codes.normalise_insee`).
    """
    out = to_metric_crs(communes, name="communes")
    check_columns(out, ["insee"], name="communes")
    out["insee"] = normalise_insee(out["insee"], name="communes['insee']")
    repeated = out["insee"][out["insee"].duplicated(keep=False)]
    if len(repeated):
        raise InputError(
            f"`communes` repeats the INSEE code(s) {format_labels(repeated.unique())}; "
            "one row per commune is expected: dissolve the parts first, e.g. "
            "`communes.dissolve(by='insee', aggfunc='first')`."
        )
    people = check_counts(out, population, name="communes")
    pairs = _checked_pairs(members)
    position = pd.Index(out["insee"]).get_indexer(pairs["insee"])
    unknown = pairs["insee"][position < 0]
    if len(unknown):
        raise InputError(
            f"`members` names {unknown.nunique()} INSEE code(s) absent from "
            f"`communes`: {format_labels(unknown.unique())} (CPTS "
            f"{format_labels(pairs.loc[unknown.index, 'cpts_id'].unique())}). Check "
            "that both come from the same COG vintage: map former codes of merged "
            "communes to the current ones with `coordogeo.io.update_insee_codes`."
        )
    pairs["position"] = position
    claims = np.bincount(position, minlength=len(out))
    return Membership(out, pairs, people, claims)


def _checked_pairs(members: pd.DataFrame) -> pd.DataFrame:
    """Return cpts_id / cpts_name / insee, one row per (CPTS, commune), checked."""
    if not isinstance(members, pd.DataFrame):
        raise TypeError(
            f"`members` must be a pandas DataFrame, got {type(members).__name__}."
        )
    check_columns(members, ["cpts_id", "insee"], name="members")
    pairs = pd.DataFrame(
        {
            "cpts_id": members["cpts_id"],
            "cpts_name": (
                members["cpts_name"] if "cpts_name" in members else members["cpts_id"]
            ),
            "insee": members["insee"],
        },
        index=members.index,
    )
    no_id = pairs["cpts_id"].isna()
    if no_id.any():
        raise InputError(
            f"`members['cpts_id']` is missing on {int(no_id.sum())} row(s), at index "
            f"{format_labels(pairs.index[no_id])}; every commune row names its CPTS."
        )
    pairs["cpts_name"] = pairs["cpts_name"].fillna(pairs["cpts_id"]).astype(str)
    _check_no_empty_cpts(pairs)
    pairs["insee"] = normalise_insee(pairs["insee"], name="members['insee']")
    twice = pairs.duplicated(["cpts_id", "insee"], keep="first")
    if twice.any():
        raise InputError(
            f"`members` lists the same commune twice for one CPTS on {int(twice.sum())}"
            f" row(s), at index {format_labels(pairs.index[twice])}; drop them with "
            "`members.drop_duplicates(['cpts_id', 'insee'])`."
        )
    names = pairs.groupby("cpts_id", sort=True)["cpts_name"].nunique()
    if (names > 1).any():
        raise InputError(
            f"`members` gives several names to the CPTS "
            f"{format_labels(names.index[names > 1])}; use one name per `cpts_id`."
        )
    return pairs.reset_index(drop=True)


def _check_no_empty_cpts(pairs: pd.DataFrame) -> None:
    """Raise on rows without a commune; name the CPTS that have no commune at all."""
    no_code = pairs["insee"].isna()
    if not no_code.any():
        return
    has_any = pairs.loc[~no_code, "cpts_id"].unique()
    empty = pd.Index(pairs.loc[no_code, "cpts_id"].unique()).difference(has_any)
    detail = (
        f" The CPTS {format_labels(empty)} have no commune at all; a territory is a "
        "list of communes, so list theirs or leave them out."
        if len(empty)
        else ""
    )
    raise InputError(
        f"`members['insee']` is missing on {int(no_code.sum())} row(s), at index "
        f"{format_labels(pairs.index[no_code])}.{detail} Fill or drop these rows."
    )
