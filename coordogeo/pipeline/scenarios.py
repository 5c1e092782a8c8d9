"""The ``[[scenario]]`` tables of a config, run: each compared with the situation.

Each scenario opens, closes or re-sizes structures of ``parameters.kinds`` (or opens
the optimal ``suggest`` sites among the candidates) and is compared with the current
situation on the places of the run: inhabitants within 10 / 20 / 30 minutes and the
under-served threshold, before and after, with the conservation of inhabitants.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, Final

import numpy as np
import pandas as pd

import geopandas as gpd

from coordogeo._index import in_index
from coordogeo._words import say
from coordogeo.access.fca import METHODS
from coordogeo.errors import InputError, format_labels
from coordogeo.io import open_by, read_structures, update_insee_codes
from coordogeo.pipeline.config import RunConfig
from coordogeo.pipeline.inputs import before_side
from coordogeo.pipeline.ledger import Ledger
from coordogeo.pipeline.results import Inputs, ScenarioOutcome, Underserved
from coordogeo.pipeline.specs import ScenarioSpec
from coordogeo.pipeline.steps import candidate_sites
from coordogeo.pipeline.times import TimeSource
from coordogeo.scenarios import (
    Comparison,
    IndexOptions,
    State,
    apply,
    baseline,
    compare,
)
from coordogeo.underserved import suggest_sites

__all__ = ["THRESHOLDS_MIN", "run_scenarios"]

#: Thresholds every scenario table gives, with the under-served one added.
THRESHOLDS_MIN: Final = (10.0, 20.0, 30.0)


def run_scenarios(
    config: RunConfig,
    inputs: Inputs,
    times: TimeSource,
    found: Underserved,
    ledger: Ledger,
) -> tuple[ScenarioOutcome, ...]:
    """Compute the situation once, then each scenario from it, then the evolution.

    ``times`` is the run's time source (roads, external table or crow-fly); the
    candidates of ``suggest`` are the run's (:func:`~coordogeo.pipeline.steps.
    candidate_sites`), read only when a scenario asks for them.
    """
    if not config.scenarios and not config.compares:
        return ()

    def candidates() -> gpd.GeoDataFrame:
        kind = inputs.structures["kind"] == config.timed_kind
        return candidate_sites(config, inputs, inputs.structures[kind])

    timed = inputs.structures[inputs.structures["kind"].isin(config.kinds)]
    bound = max(THRESHOLDS_MIN[-1], config.underserved_time_min)
    thresholds = sorted({*THRESHOLDS_MIN, config.underserved_time_min})
    index = _index_options(config, timed)
    if index is not None:  # filled as the index did (counted there)
        timed = timed.assign(**{index.capacity: _capacities(config, timed)})
    elif any(spec.capacity for spec in config.scenarios):
        raise InputError(
            "a [[scenario]] changes a capacity, but some structures of "
            f"`parameters.kinds` have none in `{config.capacity}`: give every one a "
            "capacity, or set `index.fill_capacity`."
        )
    else:
        ledger.warn(say("scenario_no_capacity", ledger.lang))
    older = None
    if config.compares:
        try:
            older = _older_side(config, inputs, timed, index, ledger)
        except InputError as err:
            raise InputError(f"[compare]: {err}") from err
    source = _source(config, inputs, timed, bound, candidates, times, older)
    ref = baseline(
        source, inputs.places, timed, by="kind", max_time_min=bound, index=index,
        name="situation actuelle", n_jobs=config.n_jobs,
    )  # fmt: skip
    outcomes = []
    for spec in config.scenarios:
        opened, notes = _opened(config, inputs, ref, spec, (candidates, times))
        try:
            after = apply(
                ref, open=opened, close=list(spec.close),
                capacity=dict(spec.capacity) or None,
                name=spec.name,
            )  # fmt: skip
        except InputError as err:
            raise InputError(f"scenario {spec.name!r}: {err}") from err
        comparison = compare(ref, after, thresholds_min=thresholds)
        changes = _changes(ref, after, comparison)
        outcomes.append(ScenarioOutcome.of(spec, comparison, changes, notes))
        del after, comparison  # compared: the outputs read the outcome's tables
    if older is not None:
        places, sites, label, notes = older
        try:
            if (
                places is inputs.places
                and len(sites)
                and in_index(sites.index, timed.index).all()
            ):  # as_of: the same places, structures not yet open closed
                then = apply(
                    ref, close=timed.index[~in_index(timed.index, sites.index)],
                    name=label,
                )  # fmt: skip
            else:
                then = baseline(
                    source, places, sites, by="kind", max_time_min=bound,
                    index=index
                    if index is not None and index.capacity in sites
                    else None,
                    name=label, n_jobs=config.n_jobs,
                )  # fmt: skip
        except InputError as err:
            raise InputError(f"[compare] ({label}): {err}") from err
        comparison = compare(then, ref, thresholds_min=thresholds)
        outcomes.append(ScenarioOutcome.of(
            ScenarioSpec(label, suggest=0), comparison,
            _changes(then, ref, comparison), notes, evolution=True,
        ))  # fmt: skip
    return tuple(outcomes)


#: The older side of ``[compare]``: places, structures, label, notes for the report.
_Older = tuple[gpd.GeoDataFrame, gpd.GeoDataFrame, str, tuple[str, ...]]


def _older_side(
    config: RunConfig,
    inputs: Inputs,
    timed: gpd.GeoDataFrame,
    index: IndexOptions | None,
    ledger: Ledger,
) -> _Older:
    """Return the places and structures of the date or config compared with."""
    en = config.lang == "en"
    if config.compare_as_of is not None:
        as_of = config.compare_as_of
        with warnings.catch_warnings():  # counted and reported below
            warnings.simplefilter("ignore", UserWarning)
            try:
                sites, later, undated = open_by(timed, as_of)
            except InputError as err:
                raise InputError(f"`compare.as_of`: {err}") from err
        label = config.compare_name or (
            f"change since {as_of}" if en else f"évolution depuis le {as_of}"
        )
        lang = config.lang
        notes = [
            say("opened_later", lang, n=later, kinds=", ".join(config.kinds),
                as_of=as_of),
            say("openings_only", lang, as_of=as_of),
        ]  # fmt: skip
        if undated:
            missing = timed.index[timed["date_opened"].isna()]
            ledger.aside(
                say("undated_what", lang), missing,
                why=say("undated_why", lang, as_of=as_of), dropped=False,
            )  # fmt: skip
            notes.append(say("undated_note", lang, n=undated, as_of=as_of))
        return inputs.places, sites, label, tuple(notes)
    assert config.compare_before is not None
    places, structures, side = before_side(config)
    ledger.merge(side, prefix="compare.before")
    sites = structures[structures["kind"].isin(config.kinds)]
    if index is not None and index.capacity in sites:
        values = _capacities(config, sites)
        sites = sites.assign(**{index.capacity: values})
        if values.isna().any() or (values < 0).any():
            sites = sites.drop(columns=index.capacity)  # no index for that side
    places, aligned = _aligned_codes(config, inputs, places, ledger)
    other = config.compare_before
    called = other.stem if other.stem != "config" else f"{other.parent.name}/config"
    label = config.compare_name or (
        f"change since {called}" if en else f"évolution depuis {called}"
    )
    return places, sites, label, aligned


def _aligned_codes(
    config: RunConfig, inputs: Inputs, places: gpd.GeoDataFrame, ledger: Ledger
) -> tuple[gpd.GeoDataFrame, tuple[str, ...]]:
    """Bring the older communes' codes to this run's (communes as places only).

    Grid cells align on their ids. Communes of an older COG are mapped with
    ``compare.cog_history`` (merged communes summed); without it, codes absent
    from this run are listed on one side only and a warning says why.
    """
    if "insee" not in places or not places.index.equals(
        pd.Index(places["insee"].astype(str))
    ):
        return places, ()
    current = set(inputs.communes["insee"].astype(str))
    unknown = sorted(set(places.index.astype(str)) - current)
    if config.compare_history is None:
        if unknown:
            ledger.warn(
                say("before_unknown", ledger.lang, n=len(unknown),
                    labels=format_labels(unknown))
            )  # fmt: skip
        return places, ()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", UserWarning)
        updated = update_insee_codes(
            places, history=config.compare_history, column="insee", current=current
        )
    for w in caught:
        ledger.warn(f"compare.cog_history : {w.message}")
    updated = gpd.GeoDataFrame(updated, crs=places.crs)
    moved = len(places) - len(updated)
    note = say("cog_note", config.lang, file=config.compare_history.name,
               n=len(unknown), merged=moved)  # fmt: skip
    return updated, (note,)


def _capacities(config: RunConfig, sites: pd.DataFrame) -> pd.Series:
    """Return the sites' ``config.capacity`` as floats, filled as the index fills."""
    values = pd.to_numeric(sites[config.capacity], errors="coerce")
    if config.fill_capacity is not None:
        values = values.fillna(config.fill_capacity)
    return values.astype(float)


def _index_options(config: RunConfig, timed: gpd.GeoDataFrame) -> IndexOptions | None:
    """Return the scenarios' index options, if every capacity is known (or filled)."""
    if config.capacity not in timed:
        return None
    values = _capacities(config, timed)
    if values.isna().any() or (values < 0).any():
        return None
    if config.method in METHODS:
        method, decay = config.method, config.decay
    else:  # the APL's decay, on the cells' own population (not age-standardised)
        method, decay = "e2sfca", config.decay or "drees_apl"
    return IndexOptions(
        capacity=config.capacity, method=method, decay=decay, threshold=None
    )


def _source(
    config: RunConfig,
    inputs: Inputs,
    timed: gpd.GeoDataFrame,
    bound: float,
    candidates: Callable[[], gpd.GeoDataFrame],
    times: TimeSource,
    older: _Older | None = None,
) -> Any:
    """Return the road network, or a matrix to every site a scenario may open.

    The matrix also covers the older side of ``[compare]`` (its places and
    structures).
    """
    if inputs.network is not None:
        return inputs.network
    sites = [timed[["geometry"]]]
    origins = inputs.places
    if older is not None:
        sites.append(older[1][["geometry"]].to_crs(timed.crs))
        extra = older[0].loc[
            ~in_index(older[0].index, origins.index), ["geometry", "population"]
        ]
        if len(extra):
            origins = gpd.GeoDataFrame(
                pd.concat([origins[["geometry", "population"]],
                           extra.to_crs(origins.crs)]), crs=origins.crs,
            )  # fmt: skip
    if any(s.suggest for s in config.scenarios):
        sites.append(candidates()[["geometry"]])
    for spec in config.scenarios:
        sites.append(_open_frame(config, inputs, spec)[["geometry"]])
    everyone = gpd.GeoDataFrame(pd.concat(sites), crs=timed.crs)
    everyone = everyone[~everyone.index.duplicated()]
    return times(origins, everyone, bound)


def _open_frame(
    config: RunConfig, inputs: Inputs, spec: ScenarioSpec
) -> gpd.GeoDataFrame:
    """Return the structures a scenario names (file or list), territory CRS."""
    crs = inputs.communes.crs
    if isinstance(spec.open, Path):
        frame = read_structures(
            spec.open, crs=config.structures_crs, communes=inputs.communes,
            territory_crs=str(crs),
        )  # fmt: skip
        frame.index = "nouv-" + frame.index.astype(str)
        return frame
    rows, points = [], []
    for k, entry in enumerate(spec.open, start=1):
        if "insee" in entry:
            code = entry["insee"]
            if code not in inputs.communes.index:
                raise InputError(
                    f"scenario {spec.name!r}: `open` commune {code!r} is not one of "
                    "the communes of `inputs.communes`."
                )
            points.append(inputs.communes.geometry.loc[code].representative_point())
        else:
            if config.structures_crs is None:
                raise InputError(
                    f"scenario {spec.name!r}: x / y need `inputs.structures_crs` "
                    "(the CRS of the coordinates, never guessed)."
                )
            xy = gpd.GeoSeries.from_xy(
                [entry["x"]], [entry["y"]], crs=config.structures_crs
            ).to_crs(crs)
            points.append(xy.iloc[0])
        where = entry.get("insee", k)
        rows.append({
            "id": str(entry.get("id", f"nouv-{entry['kind']}-{where}")),
            "kind": entry["kind"],
            "name": entry.get("name", _new_name(inputs, entry, k, config.lang)),
            "insee": entry.get("insee"),
            config.capacity: float(entry.get("capacity", np.nan)),
        })  # fmt: skip
    frame = gpd.GeoDataFrame(rows, geometry=points, crs=crs) if rows else None
    if frame is None:
        return gpd.GeoDataFrame(geometry=[], crs=crs)
    return frame.set_index("id")


def _new_name(inputs: Inputs, entry: Mapping[str, Any], k: int, lang: str) -> str:
    """Return the name of an opened structure without one: its kind and commune."""
    code = entry.get("insee")
    if code is not None and "nom" in inputs.communes:
        return say("new_at", lang, kind=entry["kind"],
                   commune=inputs.communes.loc[code, "nom"])  # fmt: skip
    return say("new_n", lang, kind=entry["kind"], k=k)


def _opened(
    config: RunConfig,
    inputs: Inputs,
    ref: State,
    spec: ScenarioSpec,
    sources: tuple[Callable[[], gpd.GeoDataFrame], TimeSource],
) -> tuple[gpd.GeoDataFrame, tuple[str, ...]]:
    """Return what a scenario opens: named structures, then the optimal ``suggest``."""
    frame = _open_frame(config, inputs, spec)
    notes = []
    unknown = sorted(set(frame.get("kind", pd.Series(dtype=str))) - set(config.kinds))
    if unknown:
        raise InputError(
            f"scenario {spec.name!r}: `open` kinds {unknown} are not in "
            f"`parameters.kinds` {list(config.kinds)}."
        )
    if spec.suggest:
        chosen, note = _suggested(config, ref, spec, sources[0](), sources[1])
        frame = pd.concat([frame, chosen]) if len(frame) else chosen
        notes.append(note)
    if ref.index_options is not None and len(frame):
        cap = ref.index_options.capacity
        missing = frame[cap].isna() if cap in frame else pd.Series(True, frame.index)
        if missing.any():
            typical = _typical_capacity(ref, frame.loc[missing, "kind"])
            frame.loc[missing, cap] = typical.to_numpy()
            notes.append(
                say("median_capacity", config.lang,
                    ids=", ".join(map(str, frame.index[missing])))
            )  # fmt: skip
    return gpd.GeoDataFrame(frame, crs=ref.structures.crs), tuple(notes)


def _typical_capacity(ref: State, kinds: pd.Series) -> pd.Series:
    """Return the median capacity of each kind in the situation."""
    cap = ref.index_options.capacity  # type: ignore[union-attr]
    medians = ref.structures.groupby("kind")[cap].median()
    return kinds.map(medians).fillna(float(ref.structures[cap].median()))


def _suggested(
    config: RunConfig,
    ref: State,
    spec: ScenarioSpec,
    candidates: gpd.GeoDataFrame,
    times: TimeSource,
) -> tuple[gpd.GeoDataFrame, str]:
    """Return the optimal ``suggest`` sites of the under-served kind, as structures."""
    kind = config.timed_kind
    bound = config.underserved_time_min
    existing = ref.structures[ref.structures["kind"] == kind]
    pool = candidates[~in_index(candidates.index, ref.structures.index)]
    sites = gpd.GeoDataFrame(
        pd.concat([existing[["geometry"]], pool[["geometry"]]]), crs=pool.crs
    )
    matrix = times(ref.places, sites, bound)
    with warnings.catch_warnings():  # fewer sites than asked: said in the note
        warnings.filterwarnings(
            "ignore", message=".*sites asked for", category=UserWarning
        )
        chosen = suggest_sites(
            matrix, ref.places, existing, pool, n_sites=spec.suggest,
            max_time_min=bound, method="exact",
        )  # fmt: skip
    out = gpd.GeoDataFrame(
        {
            "kind": kind,
            "name": _site_names(pool.loc[chosen.index]),
        },
        geometry=pool.geometry.loc[chosen.index].to_numpy(),
        index=chosen.index,
        crs=pool.crs,
    )
    if "insee" in pool:
        out["insee"] = pool.loc[chosen.index, "insee"].to_numpy()
    lang = config.lang
    proved = (
        say("proved", lang)
        if chosen.attrs.get("optimal")
        else say("gap", lang, gap=f"{chosen.attrs.get('mip_gap', float('nan')):.2%}")
    )
    note = say("suggest_note", lang, n=len(out), kind=kind, pool=len(pool),
               bound=f"{bound:g}", proved=proved)  # fmt: skip
    if len(out) < spec.suggest:
        note += say("suggest_fewer", lang, asked=spec.suggest)
    return out, note


def _site_names(sites: pd.DataFrame) -> pd.Series:
    """Return the name of each site (``nom`` or ``name``), its id where it has none."""
    names = pd.Series(sites.index.astype(str), index=sites.index)
    for column in ("name", "nom"):
        if column in sites:
            names = sites[column].where(sites[column].notna(), names)
    return names.astype(str)


def _changes(ref: State, after: State, comparison: Comparison) -> gpd.GeoDataFrame:
    """Return the opened and closed structures with geometry and ``change``."""
    table = comparison.structures
    geometry = pd.concat([after.structures.geometry, ref.structures.geometry])
    geometry = geometry[~geometry.index.duplicated()]
    return gpd.GeoDataFrame(
        table, geometry=geometry.loc[table.index].to_numpy(), crs=ref.structures.crs
    )
