"""The analysis steps of a run, in their order: each takes values, returns new ones.

Nearest structure, CPTS coverage, the accessibility index, the under-served places
and zones, the suggested sites. Every row a step sets aside or leaves unreached is
counted in the :class:`~coordogeo.pipeline.ledger.Ledger`. The equity step is
:mod:`coordogeo.pipeline.equity`; the scenarios, :mod:`coordogeo.pipeline.scenarios`.
"""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import pandas as pd

import geopandas as gpd

from coordogeo._columns import nearest_column
from coordogeo._words import say
from coordogeo.access import (
    TravelTimeMatrix,
    apl,
    crowfly_matrix,
    fca,
    nearest,
)
from coordogeo.access.fca import Method
from coordogeo.coverage import (
    assign_to_communes,
    coverage_rates,
    cpts_territories,
    overlaps_and_gaps,
)
from coordogeo.errors import format_labels
from coordogeo.io import (
    parse_numbers,
)
from coordogeo.network import RoadNetwork
from coordogeo.pipeline.config import ConfigError, RunConfig
from coordogeo.pipeline.inputs import check_communes, named
from coordogeo.pipeline.ledger import Ledger
from coordogeo.pipeline.results import (
    Coverage,
    Inputs,
    Underserved,
)
from coordogeo.pipeline.times import TimeSource
from coordogeo.underserved import (
    Rule,
    classify,
    suggest_sites,
    travel_time_above,
    zonage,
    zones,
)

__all__ = [
    "access_index",
    "candidate_sites",
    "cpts_coverage",
    "nearest_times",
    "suggested_sites",
    "underserved",
]


def nearest_times(
    config: RunConfig, inputs: Inputs, times: TimeSource, ledger: Ledger
) -> gpd.GeoDataFrame:
    """Minutes from every place to the nearest structure of each kind."""
    timed = inputs.structures[inputs.structures["kind"].isin(config.kinds)]
    if inputs.table is not None:
        no_commune = timed["insee"].isna().to_numpy()
        if no_commune.any():
            ledger.aside(
                say("matrix_outside_what", ledger.lang),
                timed.index[no_commune],
                why=say("matrix_outside_why", ledger.lang),
            )
    source: RoadNetwork | TravelTimeMatrix
    if inputs.network is not None:
        source = inputs.network
    else:
        source = times(inputs.places, timed, config.max_time_min)
    places = nearest(
        source, inputs.places, timed, by="kind", max_time_min=config.max_time_min
    )
    ledger.conserve(places, config.kinds, max_time_min=config.max_time_min)
    return places


def cpts_coverage(inputs: Inputs) -> Coverage | None:
    """CPTS territories, overlaps and gaps, coverage rates; None without a list."""
    if inputs.members is None:
        return None
    return Coverage(
        cpts_territories(inputs.communes, inputs.members),
        overlaps_and_gaps(inputs.communes, inputs.members),
        coverage_rates(inputs.communes, inputs.members),
    )


def _supply(config: RunConfig, inputs: Inputs, ledger: Ledger) -> pd.DataFrame:
    """Sum the capacity of the index's kinds per commune; gaps are named."""
    kinds = config.index_kinds or config.kinds
    sites = inputs.structures[inputs.structures["kind"].isin(kinds)]
    key = "index.capacity"
    if config.capacity not in sites and config.fill_capacity is None:
        raise ConfigError(
            f"`{key}`: the structures have no {config.capacity!r} column; add one "
            "(e.g. GP FTE), name the column that holds the supply, or set "
            "`index.fill_capacity` (e.g. 1: one unit of supply per structure)."
        )
    raw = sites.get(config.capacity, pd.Series(None, index=sites.index, dtype=object))
    values = named("index.capacity", lambda _: parse_numbers(raw, name="capacity"),
                    Path("capacity"))  # fmt: skip
    if (values < 0).any():
        raise ConfigError(
            f"`{key}`: negative capacities at {format_labels(sites.index[values < 0])}."
        )
    missing = values.isna()
    if missing.any():
        if config.fill_capacity is None:
            raise ConfigError(
                f"`{key}`: {int(missing.sum())} structure(s) of kinds {list(kinds)} "
                f"have no capacity, at {format_labels(sites.index[missing])}; fill "
                "them, or set `index.fill_capacity` (e.g. 0) to count them as that."
            )
        ledger.filled(
            say("missing_capacity", ledger.lang),
            sites.index[missing],
            value=config.fill_capacity,
        )
        values = values.fillna(config.fill_capacity)
    outside = sites["insee"].isna() | ~sites["insee"].isin(inputs.communes.index)
    if outside.any():
        ledger.aside(
            say("index_outside_what", ledger.lang),
            sites.index[outside],
            why=say("index_outside_why", ledger.lang),
        )
    factor = config.consultations_per_fte or 1.0
    per_commune = (values[~outside] * factor).groupby(sites["insee"][~outside]).sum()
    out: pd.DataFrame = per_commune.rename("capacity").to_frame()
    return out


def access_index(
    config: RunConfig, inputs: Inputs, times: TimeSource, ledger: Ledger
) -> tuple[gpd.GeoDataFrame, str]:
    """Compute the accessibility index per commune (APL or FCA) and its column."""
    supply = _supply(config, inputs, ledger)
    bands = list(config.age_weights or {})
    demand = _commune_demand(config, inputs, bands)
    if config.population is not None:
        check_communes(demand, inputs.communes, ledger)
    bound = config.index_bound_min
    matrix = times(demand, demand.loc[supply.index], bound)
    if config.method == "apl":
        assert config.age_weights is not None
        out = apl(
            demand,
            supply,
            matrix,
            age_weights=config.age_weights,
            intra_commune_min=config.intra_commune_min,
            decay=config.decay or "drees_apl",
            unit="consultations" if config.consultations_per_fte else "fte",
        )
    else:
        method: Method = config.method  # type: ignore[assignment]  # a checked choice
        out = fca(matrix, demand, supply, method=method, decay=config.decay).demand
    frame = gpd.GeoDataFrame(out, geometry=demand.geometry, crs=demand.crs)
    column = next(
        c
        for c in frame.columns
        if isinstance(c, str)
        and (c.startswith("apl_") or c.endswith("_per_inhabitant"))
    )
    return frame, column


def _commune_demand(
    config: RunConfig, inputs: Inputs, bands: list[str]
) -> gpd.GeoDataFrame:
    """Return the communes with the population (and age bands) of their places."""
    communes = inputs.communes
    source = inputs.places if config.population is not None else communes
    absent = [b for b in bands if b not in source]
    if absent:
        where = "inputs.population" if config.population else "inputs.communes"
        raise ConfigError(
            f"`index.age_weights` names {absent}, absent from `{where}`; its columns "
            f"are {format_labels(list(source.columns))}."
        )
    if config.population is None:
        return communes.copy()
    # an age band may be the population itself (one weight for everyone)
    columns = list(dict.fromkeys(["population", *bands]))
    allocated = assign_to_communes(inputs.places, communes, columns=columns).drop(
        columns="n_cells"
    )
    if "nom" in communes:
        allocated.insert(0, "nom", communes["nom"].reindex(allocated.index))
    return allocated


def underserved(
    config: RunConfig,
    inputs: Inputs,
    places: gpd.GeoDataFrame,
    index: gpd.GeoDataFrame,
    column: str,
    ledger: Ledger,
) -> Underserved:
    """Places breaking the rules, merged into ranked zones; zonage of the communes."""
    kind = config.timed_kind
    time_column = nearest_column(kind=kind)
    rules = [
        travel_time_above(
            config.underserved_time_min,
            column=time_column,
            label=say(
                "rule_time",
                config.lang,
                kind=kind,
                minutes=f"{config.underserved_time_min:g}",
            ),
        )
    ]
    cells = places
    if config.apl_below is not None:
        cells = places.assign(**{column: places["insee"].map(index[column])})
        no_index = cells[column].isna()
        if no_index.any():
            ledger.flag_places("no_index", cells, no_index)
        rules.append(
            Rule(
                column,
                "<",
                config.apl_below,
                label=f"APL < {config.apl_below:g}".replace(
                    ".", "," if config.lang == "fr" else "."
                ),
                missing="passes",
            )
        )
    flagged = classify(cells, rules, combine=config.combine, lang=config.lang)
    found = zones(flagged, time_column=time_column)
    joiner = say("and" if config.combine == "all" else "or", config.lang)
    text = joiner.join(rule.text for rule in rules)
    ledger.rule(flagged, found, text)
    ranked = (
        zonage(index, apl=column, lang=config.lang) if config.method == "apl" else None
    )
    empty = gpd.GeoDataFrame(geometry=[], crs=places.crs)
    return Underserved(flagged, found, text, ranked, empty, float("nan"))


def suggested_sites(
    config: RunConfig,
    inputs: Inputs,
    times: TimeSource,
    found: Underserved,
    ledger: Ledger,
) -> Underserved:
    """Choose the ``n_sites`` candidates that bring the most people within reach."""
    kind = config.timed_kind
    existing = inputs.structures[inputs.structures["kind"] == kind]
    bound = config.underserved_time_min
    people = inputs.places
    minutes = found.places[nearest_column(kind=kind)].to_numpy()
    weight = found.places["population"].to_numpy(dtype=np.float64)
    share = (
        float(weight[minutes <= bound].sum() / weight.sum()) if weight.sum() else 0.0
    )
    if config.n_sites == 0:
        return _with_sites(found, gpd.GeoDataFrame(geometry=[], crs=people.crs), share)
    candidates = candidate_sites(config, inputs, existing)
    matrix: TravelTimeMatrix
    everyone = pd.concat([existing[["geometry"]], candidates[["geometry"]]])
    sites = gpd.GeoDataFrame(everyone, crs=candidates.crs)
    if inputs.network is not None:  # kept: a scenario that suggests asks it again
        matrix = times(people, sites, bound)
    else:
        matrix = crowfly_matrix(
            people, sites, speed_kmh=config.crowfly_speed_kmh, max_time_min=bound
        )
        if inputs.table is not None:
            ledger.warn(say("sites_crowfly", ledger.lang))
    with warnings.catch_warnings(record=True) as said:
        warnings.simplefilter("always", UserWarning)
        chosen = named(
            "underserved.n_sites",
            lambda _: suggest_sites(
                matrix, people, existing, candidates, n_sites=config.n_sites,
                max_time_min=bound, method="exact",
            ),
            Path("sites"),
        )  # fmt: skip
    if len(chosen) < config.n_sites:  # said in the report's language, not numpy's
        ledger.warn(
            say("sites_fewer", ledger.lang, n=len(chosen), asked=config.n_sites,
                bound=f"{bound:g}")
        )  # fmt: skip
    for other in said:
        if "sites asked for" not in str(other.message):
            warnings.warn_explicit(
                other.message, other.category, other.filename, other.lineno
            )
    sites = gpd.GeoDataFrame(chosen, geometry="geometry", crs=candidates.crs)
    sites.attrs.update(chosen.attrs)  # the method, proved or the gap: the report says
    return _with_sites(found, sites, share)


def _with_sites(
    found: Underserved, sites: gpd.GeoDataFrame, share: float
) -> Underserved:
    return Underserved(
        found.places, found.zones, found.rule, found.zonage, sites, float(share)
    )


def candidate_sites(
    config: RunConfig, inputs: Inputs, existing: gpd.GeoDataFrame
) -> gpd.GeoDataFrame:
    """Return the candidate sites: the file given, else a point per commune without."""
    if inputs.candidates is not None:
        out = inputs.candidates.copy()
        out.index = "candidat-" + out.index.astype(str)
        return out
    communes = inputs.communes[~inputs.communes.index.isin(existing["insee"])]
    keep = [c for c in ("insee", "nom", "population") if c in communes]
    points = gpd.GeoDataFrame(
        communes[keep],
        geometry=communes.geometry.representative_point(),
        crs=communes.crs,
    )
    points.index = pd.Index("commune-" + points.index.astype(str))
    return points
