"""Share of the population covered by a CPTS, per département or any area column."""

from __future__ import annotations

import numpy as np
import pandas as pd

import geopandas as gpd

from coordogeo.codes import departement_of
from coordogeo.coverage._members import checked_membership
from coordogeo.errors import check_complete

__all__ = ["coverage_rates"]

_EVERY_ONE_IN_AN_AREA = "every inhabitant must belong to an area."


def coverage_rates(
    communes: gpd.GeoDataFrame,
    members: pd.DataFrame,
    *,
    by: str = "departement",
    population: str = "population",
) -> pd.DataFrame:
    """Count the population covered once, several times or not at all, per area.

    Parameters
    ----------
    communes, members, population
        As for :func:`coordogeo.coverage.cpts_territories`.
    by
        ``"departement"`` (derived from the INSEE code: ``2A``/``2B`` in Corsica,
        three characters overseas such as ``974``) unless ``communes`` has a column
        of that name; or any column of ``communes`` (EPCI, TVS, region…).

    Returns
    -------
    DataFrame
        One row per area (sorted): ``n_communes``, ``population``,
        ``population_covered_once``, ``population_covered_multiple``,
        ``population_not_covered`` (these three sum to ``population``: each
        inhabitant is counted exactly once), ``share_covered`` (once or more) and
        ``n_communes_not_covered``.

    Raises
    ------
    InputError
        As for :func:`coordogeo.coverage.cpts_territories`, plus a ``by`` column
        that is missing or has missing values.

    Examples
    --------
    >>> from coordogeo.datasets import sample_territory
    >>> sample = sample_territory()
    >>> rates = coverage_rates(sample.communes, sample.cpts_members)
    >>> rates[["population", "population_covered_multiple", "share_covered"]].round(3)
                 population  population_covered_multiple  share_covered
    departement
    00             110128.0                        795.0          0.875
    """
    checked = checked_membership(communes, members, population=population)
    frame = checked.communes
    if by == "departement" and by not in frame:
        area = departement_of(frame["insee"])
    else:
        area = check_complete(frame, by, name="communes", fix=_EVERY_ONE_IN_AN_AREA)
    people, claims = checked.population, checked.claims
    table = pd.DataFrame(
        {
            by: area.to_numpy(),
            "n_communes": 1,
            "population": people,
            "population_covered_once": np.where(claims == 1, people, 0.0),
            "population_covered_multiple": np.where(claims > 1, people, 0.0),
            "population_not_covered": np.where(claims == 0, people, 0.0),
            "n_communes_not_covered": (claims == 0).astype(int),
        }
    )
    out = table.groupby(by, sort=True).sum()
    with np.errstate(invalid="ignore", divide="ignore"):
        out["share_covered"] = (
            out["population_covered_once"] + out["population_covered_multiple"]
        ) / out["population"]
    columns = [
        "n_communes",
        "population",
        "population_covered_once",
        "population_covered_multiple",
        "population_not_covered",
        "share_covered",
        "n_communes_not_covered",
    ]
    return out[columns]
