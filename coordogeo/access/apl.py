"""An APL-style index (DREES accessibilité potentielle localisée) and its zone means."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final, Literal

import numpy as np
import pandas as pd

from coordogeo._columns import apl_column
from coordogeo.access.decay import Decay
from coordogeo.access.fca import fca
from coordogeo.access.matrix import TravelTimeMatrix, assemble_matrix
from coordogeo.errors import (
    InputError,
    check_choice,
    check_columns,
    check_complete,
    check_counts,
)

__all__ = ["DEFAULT_CATEGORIES", "apl", "apl_by_zone", "apl_column"]

#: DREES statistical definition of "sous-dense" for GPs: APL below 2.5 C./an/hab.
DEFAULT_CATEGORIES: Final[Mapping[str, float]] = {"sous-dense": 2.5}
_PER_100K: Final = 100_000.0


def apl(
    communes: pd.DataFrame,
    supply: pd.DataFrame,
    matrix: TravelTimeMatrix,
    *,
    age_weights: Mapping[str, float],
    intra_commune_min: float | None = 0.0,
    decay: str | Decay = "drees_apl",
    capacity: str = "capacity",
    unit: Literal["consultations", "fte"] = "consultations",
) -> pd.DataFrame:
    """Commune-level APL-style index: an E2SFCA on age-standardised population.

    ``R_j = S_j / Σ_k f(t_kj) Pstd_k`` and ``APL_i = Σ_j f(t_ij) R_j``, with
    ``Pstd_k = c × Σ_b age_weights[b] × n_bk`` (the age-band counts of commune
    ``k`` weighted by the consumption of care of each band, and ``c`` chosen so that
    ``Σ Pstd = Σ population`` over the communes given). This follows the DREES
    method; it is **not** the official APL unless you pass the official inputs: the
    DREES age weights, the Assurance maladie activity and the Metric-OSRM distancier.

    Parameters
    ----------
    communes
        One row per commune, indexed by the ids of ``matrix.origins`` (INSEE codes),
        with ``population`` and every age-band column of ``age_weights``.
    supply
        One row per commune with supply, indexed by ids of ``matrix.destinations``,
        with ``capacity``: consultations and visits per year, or FTE (``unit``).
    matrix
        Commune-to-commune travel minutes (chef-lieu to chef-lieu, or an external
        distancier via :meth:`TravelTimeMatrix.from_table`).
    age_weights
        Age-band column → relative consumption of care. No default on purpose: the
        DREES weights are not reproduced here; the sample territory ships a labelled
        placeholder (:data:`coordogeo.datasets.PLACEHOLDER_AGE_WEIGHTS`).
    intra_commune_min
        Travel minutes used from a commune to itself, replacing any in the matrix
        (and adding the pair where the matrix lacks it). How DREES sets it is not
        documented in the sources we could read: 0 by default; None keeps the
        matrix's own times.
    decay
        ``"drees_apl"`` by default: 1 / 2/3 / 1/3 for 0–10 / 10–15 / 15–20 min, 0
        beyond — the 20 min bound is documented, the weights are **unverified**; pass
        another preset or a :func:`coordogeo.access.decay.step` to override.
    capacity
        Column of ``supply``.
    unit
        ``"consultations"`` (per year; the index is in C./an/hab.) or ``"fte"``
        (the index is in FTE per 100,000 standardised inhabitants).

    Returns
    -------
    DataFrame
        A copy of ``communes`` plus ``population_std``, the index
        ``apl_consultations_per_inhabitant`` or ``apl_fte_per_100k``,
        ``n_sites_in_reach`` and ``time_model``. Communes with no supply in reach
        score 0 and are kept.

    Raises
    ------
    InputError
        Missing age-band or population columns, NaN or negative counts, ids absent
        from the matrix, an unknown decay or unit.

    Examples
    --------
    >>> from coordogeo.datasets import (
    ...     sample_territory, PLACEHOLDER_AGE_WEIGHTS, CONSULTATIONS_PER_FTE)
    >>> from coordogeo.network import RoadNetwork
    >>> from coordogeo.access import travel_time_matrix
    >>> sample = sample_territory()
    >>> bands = list(PLACEHOLDER_AGE_WEIGHTS)
    >>> communes = sample.communes.join(sample.population.groupby("insee")[bands].sum())
    >>> gps = sample.structures.groupby("insee")[["capacity"]].sum()
    >>> gps["capacity"] *= CONSULTATIONS_PER_FTE
    >>> net = RoadNetwork.from_roads(sample.roads)
    >>> m = travel_time_matrix(net, communes, communes.loc[gps.index], max_time_min=20)
    >>> out = apl(communes, gps, m, age_weights=PLACEHOLDER_AGE_WEIGHTS)
    >>> out["apl_consultations_per_inhabitant"].describe()[["mean", "max"]].round(2)
    mean     3.21
    max     13.37
    Name: apl_consultations_per_inhabitant, dtype: float64

    Every consultation is offered to someone within 20 minutes, so the supply is
    conserved: Σ APL × standardised population = Σ consultations.

    >>> total = (out["apl_consultations_per_inhabitant"] * out["population_std"]).sum()
    >>> round(float(total)), round(float(gps["capacity"].sum()))
    (513000, 513000)
    """
    check_choice(unit, name="unit", choices=("consultations", "fte"))
    standard = _standardised(communes, age_weights)
    times = (
        matrix if intra_commune_min is None else _with_intra(matrix, intra_commune_min)
    )
    demand = pd.DataFrame({"population_std": standard}, index=communes.index)
    result = fca(
        times,
        demand,
        supply,
        method="e2sfca",
        decay=decay,
        population="population_std",
        capacity=capacity,
    )
    score = result.demand[f"e2sfca_{capacity}_per_inhabitant"]
    out = communes.copy()
    out["population_std"] = standard
    if unit == "consultations":
        out["apl_consultations_per_inhabitant"] = score
    else:
        out["apl_fte_per_100k"] = score * _PER_100K
    out["n_sites_in_reach"] = result.demand["n_sites_in_reach"]
    out["time_model"] = result.demand["time_model"]
    return out


def _standardised(
    communes: pd.DataFrame, age_weights: Mapping[str, float]
) -> np.ndarray:
    """Age-standardised population, scaled to the communes' total population."""
    if not isinstance(age_weights, Mapping) or not age_weights:
        raise InputError(
            "`age_weights` must be a non-empty mapping {age-band column: weight}, "
            f"got {age_weights!r}."
        )
    check_columns(communes, ["population", *age_weights], name="communes")
    repeated = sorted({str(c) for c in communes.columns[communes.columns.duplicated()]})
    if repeated:
        raise InputError(
            f"`communes` has the column(s) {repeated} more than once; keep one of "
            "each (an age band may be `population` itself)."
        )
    weights = np.array([float(w) for w in age_weights.values()])
    if not (np.isfinite(weights) & (weights >= 0)).all():
        raise InputError(
            f"`age_weights` must be finite and >= 0, got {dict(age_weights)}."
        )
    people = check_counts(communes, "population", name="communes")
    bands = np.column_stack(
        [check_counts(communes, b, name="communes") for b in age_weights]
    )
    raw: np.ndarray = bands @ weights
    total_raw = float(raw.sum())
    if total_raw <= 0:
        raise InputError("`communes` has nobody in the age bands of `age_weights`.")
    scaled: np.ndarray = raw * (float(people.sum()) / total_raw)
    return scaled


def _with_intra(matrix: TravelTimeMatrix, minutes: float) -> TravelTimeMatrix:
    """Return the matrix with every commune-to-itself pair set to ``minutes``."""
    value = float(minutes)
    if not (np.isfinite(value) and 0 <= value <= matrix.max_time_min):
        raise InputError(
            f"`intra_commune_min` must be between 0 and the matrix bound "
            f"{matrix.max_time_min:g} min, got {minutes!r}."
        )
    same = matrix.origins[matrix.origin] == matrix.destinations[matrix.destination]
    both = matrix.origins.intersection(matrix.destinations, sort=False)
    keep = ~np.asarray(same)
    return assemble_matrix(
        (matrix.origins, matrix.destinations),
        (
            np.concatenate([matrix.origin[keep], matrix.origins.get_indexer(both)]),
            np.concatenate(
                [matrix.destination[keep], matrix.destinations.get_indexer(both)]
            ),
            np.concatenate([matrix.time_min[keep], np.full(len(both), value)]),
        ),
        max_time_min=matrix.max_time_min,
        model=matrix.model,
        description=f"{matrix.description}; {value:g} min within a commune",
        snapped=(matrix.origin_snapped, matrix.destination_snapped),
    )


def apl_by_zone(
    result: pd.DataFrame,
    zones: str | pd.Series,
    *,
    weight: str = "population",
    column: str | None = None,
    categories: Mapping[str, float] | None = None,
    default_category: str = "non sous-dense",
) -> pd.DataFrame:
    """Population-weighted mean APL per zone (e.g. territoire de vie-santé), classed.

    Parameters
    ----------
    result
        :func:`apl` output (one row per commune).
    zones
        Column of ``result``, or a Series indexed like ``result``, giving each
        commune's zone; every commune must have one.
    weight
        Column of weights (the zonage uses the population).
    column
        The index column; the one ``apl_*`` column of ``result`` if None.
    categories
        Category → upper bound, **strictly below**: a zone gets the category of the
        smallest bound its mean is below. ``{"sous-dense": 2.5}`` (DREES) if None.
    default_category
        Category of zones at or above every bound.

    Returns
    -------
    DataFrame
        One row per zone (sorted): ``n_communes``, the summed weight, the weighted
        mean (same name as ``column``) and ``category``.

    Examples
    --------
    >>> import pandas as pd
    >>> r = pd.DataFrame({"population": [100, 300, 50],
    ...                   "apl_consultations_per_inhabitant": [1.0, 3.0, 6.0],
    ...                   "tvs": ["A", "A", "B"]})
    >>> apl_by_zone(r, "tvs")
         n_communes  population  apl_consultations_per_inhabitant        category
    tvs
    A             2       400.0                               2.5  non sous-dense
    B             1        50.0                               6.0  non sous-dense
    """
    index_col = apl_column(result, column)
    keys = _zone_keys(result, zones)
    w = check_counts(result, weight, name="result")
    values = result[index_col].to_numpy(dtype=np.float64)
    if np.isnan(values).any():
        raise InputError(
            f"`result[{index_col!r}]` has NaN; compute it for every commune."
        )
    frame = pd.DataFrame({"zone": keys, "w": w, "wv": w * values, "n": 1})
    sums = frame.groupby("zone", sort=True)[["n", "w", "wv"]].sum()
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = sums["wv"] / sums["w"]
    bounds = sorted((DEFAULT_CATEGORIES if categories is None else categories).items(),
                    key=lambda item: item[1])  # fmt: skip
    labels = np.array([name for name, _ in bounds] + [default_category], dtype=object)
    edges = np.array([float(b) for _, b in bounds])
    out = pd.DataFrame(
        {"n_communes": sums["n"], weight: sums["w"], index_col: mean},
        index=sums.index.rename(zones if isinstance(zones, str) else "zone"),
    )
    out["category"] = labels[np.searchsorted(edges, mean.to_numpy(), side="right")]
    return out


def _zone_keys(result: pd.DataFrame, zones: str | pd.Series) -> np.ndarray:
    """Return each commune's zone, checked complete."""
    fix = "every commune belongs to one zone."
    if isinstance(zones, str):
        return np.asarray(check_complete(result, zones, name="result", fix=fix))
    given = pd.DataFrame({"zone": pd.Series(zones).reindex(result.index)})
    return np.asarray(check_complete(given, "zone", name="zones", fix=fix))
