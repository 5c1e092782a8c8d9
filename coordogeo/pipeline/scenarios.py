"""The ``[[scenario]]`` tables of a config: read them, run them, tabulate them.

Each scenario opens, closes or re-sizes structures of ``parameters.kinds`` (or opens
the optimal ``suggest`` sites among the candidates) and is compared with the current
situation on the places of the run: inhabitants within 10 / 20 / 30 minutes and the
under-served threshold, before and after, with the conservation of inhabitants.
"""

from __future__ import annotations

import re
import unicodedata
import warnings
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

import numpy as np
import pandas as pd

import geopandas as gpd

from coordogeo._index import in_index
from coordogeo._numbers import number
from coordogeo.access import TravelTimeMatrix
from coordogeo.access.fca import METHODS
from coordogeo.errors import InputError, format_labels
from coordogeo.io import open_by, read_structures, update_insee_codes
from coordogeo.pipeline.words import say
from coordogeo.scenarios import (
    Comparison,
    IndexOptions,
    State,
    apply,
    baseline,
    compare,
)
from coordogeo.underserved import suggest_sites

if TYPE_CHECKING:
    from coordogeo.pipeline.config import RunConfig
    from coordogeo.pipeline.report import Ledger
    from coordogeo.pipeline.run import Inputs, Underserved

__all__ = [
    "Compared",
    "ScenarioOutcome",
    "ScenarioSpec",
    "parse_scenarios",
    "run_scenarios",
    "scenario_table",
]

_KEYS: Final = ("name", "open", "close", "capacity", "suggest")
_OPEN_KEYS: Final = ("kind", "insee", "x", "y", "capacity", "name", "id")
#: Thresholds every scenario table gives, with the under-served one added.
THRESHOLDS_MIN: Final = (10.0, 20.0, 30.0)
#: The run's way of making a matrix: (origins, destinations, bound) -> matrix.
Times = Callable[[gpd.GeoDataFrame, gpd.GeoDataFrame, float], TravelTimeMatrix]
#: The ``compare.before`` config's places, structures and ledger.
BeforeSide = Callable[[], tuple[gpd.GeoDataFrame, gpd.GeoDataFrame, "Ledger"]]


@dataclass(frozen=True)
class ScenarioSpec:
    """One ``[[scenario]]`` table, checked."""

    name: str
    open: tuple[Mapping[str, Any], ...] | Path = ()
    close: tuple[str, ...] = ()
    capacity: Mapping[str, float] = field(default_factory=dict)
    suggest: int = 0

    @property
    def slug(self) -> str:
        """The name as a file-name part: ASCII letters, digits and underscores."""
        plain = unicodedata.normalize("NFKD", self.name).encode("ascii", "ignore")
        return re.sub(r"[^A-Za-z0-9]+", "_", plain.decode()).strip("_").lower()[:40]


@dataclass(frozen=True)
class Compared:
    """What a run keeps of a :class:`~coordogeo.scenarios.Comparison`: its tables.

    The two states and their searches are let go once compared (gigabytes for a
    national grid); the outputs read these four tables only.
    """

    places: gpd.GeoDataFrame
    summary: pd.DataFrame
    structures: pd.DataFrame
    ledger: pd.DataFrame

    @classmethod
    def of(cls, comparison: Comparison) -> Compared:
        """Keep the tables of ``comparison``."""
        return cls(
            comparison.places, comparison.summary, comparison.structures,
            comparison.ledger,
        )  # fmt: skip


@dataclass(frozen=True)
class ScenarioOutcome:
    """A scenario run: what it changed and its comparison with the situation.

    For the ``[compare]`` section (``evolution``), the comparison goes from the
    older side to the situation.

    Attributes
    ----------
    structures, structures_before
        The open structures after and before.
    max_time_min, index_options
        The states' bound and index (None without one).
    changes
        The opened and closed structures, with ``change`` and their geometry.
    """

    spec: ScenarioSpec
    comparison: Compared
    structures: gpd.GeoDataFrame
    structures_before: gpd.GeoDataFrame
    max_time_min: float
    index_options: IndexOptions | None
    changes: gpd.GeoDataFrame
    notes: tuple[str, ...] = ()
    evolution: bool = False

    @classmethod
    def of(
        cls,
        spec: ScenarioSpec,
        comparison: Comparison,
        changes: gpd.GeoDataFrame,
        notes: tuple[str, ...] = (),
        *,
        evolution: bool = False,
    ) -> ScenarioOutcome:
        """Keep what the outputs read of a comparison, not its states."""
        after = comparison.after
        return cls(
            spec, Compared.of(comparison), after.structures,
            comparison.before.structures, after.max_time_min, after.index_options,
            changes, notes, evolution,
        )  # fmt: skip


def parse_scenarios(raw: Any, base: Path) -> tuple[tuple[ScenarioSpec, ...], list[str]]:
    """Check the ``[[scenario]]`` tables; return the specs and every problem found."""
    if not isinstance(raw, list) or not all(isinstance(r, dict) for r in raw):
        return (), [
            (
                "`scenario` must be tables written [[scenario]] (one per scenario), "
                "each with a `name`"
            )
        ]
    specs, problems, names = [], [], set()
    for n, table in enumerate(raw, start=1):
        where = f"[[scenario]] n° {n}"
        unknown = sorted(set(table) - set(_KEYS))
        if unknown:
            problems.append(
                f"{where}: unknown key(s) {unknown}; it takes {list(_KEYS)}"
            )
        name = table.get("name")
        if not isinstance(name, str) or not name.strip():
            problems.append(f"{where}: `name` (a text) is required")
            continue
        where = f"scenario {name!r}"
        if name in names:
            problems.append(f"{where}: the name is used twice; give each its own")
        names.add(name)
        spec, found = _spec(table, name, where, base)
        problems += found
        if spec is not None:
            specs.append(spec)
    return tuple(specs), problems


def _spec(
    table: Mapping[str, Any], name: str, where: str, base: Path
) -> tuple[ScenarioSpec | None, list[str]]:
    """Check one table's values."""
    problems = []
    opened: tuple[Mapping[str, Any], ...] | Path = ()
    given = table.get("open", [])
    if isinstance(given, str):
        path = (base / given).resolve()
        if not path.is_file():
            problems.append(f"{where}: `open` file {given!r} not found")
        opened = path
    elif isinstance(given, list) and all(isinstance(g, dict) for g in given):
        for k, entry in enumerate(given, start=1):
            problems += [f"{where}, open n° {k}: {p}" for p in _open_problems(entry)]
        opened = tuple(given)
    else:
        problems.append(
            f"{where}: `open` must be a file or a list of tables "
            "{ kind = 'MSP', insee = '46042' } (or x / y)"
        )
    close = table.get("close", [])
    if not isinstance(close, list) or not all(isinstance(c, str) for c in close):
        problems.append(f"{where}: `close` must be a list of structure ids (texts)")
        close = []
    capacity = table.get("capacity", {})
    if not isinstance(capacity, dict) or not all(
        _is_number(v) and v >= 0 for v in capacity.values()
    ):
        problems.append(
            f"{where}: `capacity` must be a table id = capacity (numbers >= 0)"
        )
        capacity = {}
    suggest = table.get("suggest", 0)
    if isinstance(suggest, bool) or not isinstance(suggest, int) or suggest < 0:
        problems.append(f"{where}: `suggest` must be a whole number >= 0")
        suggest = 0
    if not (opened or close or capacity or suggest):
        problems.append(f"{where}: changes nothing; give `open`, `close`, "
                        "`capacity` or `suggest`")  # fmt: skip
    if problems:
        return None, problems
    spec = ScenarioSpec(name, opened, tuple(close), dict(capacity), suggest)
    return spec, []


def _open_problems(entry: Mapping[str, Any]) -> list[str]:
    """List what is wrong with one structure to open."""
    problems = []
    unknown = sorted(set(entry) - set(_OPEN_KEYS))
    if unknown:
        problems.append(f"unknown key(s) {unknown}; it takes {list(_OPEN_KEYS)}")
    if not isinstance(entry.get("kind"), str):
        problems.append("`kind` (e.g. 'MSP') is required")
    has_xy = "x" in entry or "y" in entry
    if ("insee" in entry) == has_xy:
        problems.append("give `insee` (the commune) or `x` and `y`, one of them")
    if has_xy and not (_is_number(entry.get("x")) and _is_number(entry.get("y"))):
        problems.append("`x` and `y` must both be numbers")
    if "insee" in entry and not isinstance(entry["insee"], str):
        problems.append("`insee` must be a text, e.g. '46042'")
    if "capacity" in entry and not (
        _is_number(entry["capacity"]) and entry["capacity"] >= 0
    ):
        problems.append("`capacity` must be a number >= 0")
    return problems


def _is_number(value: Any) -> bool:
    return (
        isinstance(value, int | float)
        and not isinstance(value, bool)
        and (np.isfinite(value))
    )


def run_scenarios(
    config: RunConfig,
    inputs: Inputs,
    found: Underserved,
    ledger: Ledger,
    *,
    candidates: Callable[[], gpd.GeoDataFrame],
    times: Times,
    before: BeforeSide | None = None,
) -> tuple[ScenarioOutcome, ...]:
    """Compute the situation once, then each scenario from it, then the evolution.

    ``candidates`` gives the possible sites of ``suggest`` (called only when one
    asks for them); ``times(origins, destinations, bound)`` the run's matrix (roads,
    external table or crow-fly); ``before`` the other config's inputs, for
    ``compare.before``.
    """
    if not config.scenarios and not config.compares:
        return ()
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
            older = _older_side(config, inputs, timed, index, ledger, before)
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
    before: BeforeSide | None,
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
    assert before is not None and config.compare_before is not None
    places, structures, side = before()
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
    times: Times,
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
    sources: tuple[Callable[[], gpd.GeoDataFrame], Times],
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
    times: Times,
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


def scenario_table(outcomes: Sequence[ScenarioOutcome]) -> pd.DataFrame:
    """Every scenario's summary as one long table (English names; written in French)."""
    if not outcomes:
        return pd.DataFrame()
    frames = [
        o.comparison.summary.assign(scenario=o.spec.name)[
            ["scenario", "indicator", "kind", "threshold", "before", "after", "change"]
        ]
        for o in outcomes
    ]
    out = pd.concat(frames, ignore_index=True)
    return out.rename(columns={"threshold": "threshold_min"})


#: The index per inhabitant is shown and written per 100,000 inhabitants.
PER_100K: Final = 100_000.0

#: Indicator and status names of the written tables, in French.
INDICATORS_FR: Final = {
    "population_within": "habitants_a_portee",
    "population_out_of_reach": "habitants_hors_portee",
    "mean_time_min": "temps_moyen_min",
    "index_mean": "indice_moyen_pour_100k_hab",
    "population_below_index": "habitants_sous_seuil_indice",
    "population_index_up": "habitants_indice_en_hausse",
    "population_index_down": "habitants_indice_en_baisse",
    "n_zones": "nb_zones",
    "population_in_zones": "habitants_en_zones",
}
STATUSES_FR: Final = {
    "gained": "gagne",
    "lost": "perd",
    "unchanged": "inchange",
    "only_before": "avant_seulement",
    "only_after": "apres_seulement",
    "mixed": "mixte",
}
_ROW_LABELS: Final = {
    "fr": {
        "population_within": "Habitants à {t} min ou moins",
        "population_out_of_reach": "Habitants au-delà de {bound} min ou hors réseau",
        "mean_time_min": "Temps moyen des habitants à {bound} min ou moins (min)",
        "index_mean": "Capacité totale pour 100 000 hab.",
        "population_index_up": "Habitants dont l'indice augmente",
        "population_index_down": "Habitants dont l'indice baisse",
        "population_below_index": "Habitants sous {t} (indice)",
    },
    "en": {
        "population_within": "Inhabitants within {t} min",
        "population_out_of_reach": "Inhabitants beyond {bound} min or off the roads",
        "mean_time_min": "Mean time of the inhabitants within {bound} min (min)",
        "index_mean": "Total capacity per 100,000 inhabitants",
        "population_index_up": "Inhabitants whose index rises",
        "population_index_down": "Inhabitants whose index falls",
        "population_below_index": "Inhabitants below {t} (index)",
    },
}


def written_table(outcomes: Sequence[ScenarioOutcome], lang: str) -> pd.DataFrame:
    """Return every scenario's table as ``scenarios.csv`` holds it (French values)."""
    table = scenario_table(outcomes)
    if not len(table):
        return table
    per_100k = table["indicator"].eq("index_mean").to_numpy()
    for column in ("before", "after", "change"):
        table[column] = np.where(per_100k, table[column] * PER_100K, table[column])
    digits = (
        table["indicator"]
        .map({"mean_time_min": 1, "index_mean": 3})
        .fillna(0)
        .astype(int)
    )
    for column in ("before", "after", "change"):
        table[column] = [
            round(float(v), d) + 0.0 for v, d in zip(table[column], digits, strict=True)
        ]
    if lang == "fr":
        table["indicator"] = table["indicator"].map(INDICATORS_FR)
    return table


def written_places(
    outcome: ScenarioOutcome, lang: str, *, rows: int | None = None
) -> gpd.GeoDataFrame:
    """Return a scenario's places with their change, as its GeoPackage layer.

    ``rows``: only the first ones (None: all).
    """
    places = outcome.comparison.places.iloc[:rows].copy()
    for side in ("before", "after"):  # per inhabitant: per 100,000, as shown
        if f"index_{side}" in places:
            places[f"index_{side}_per_100k"] = places.pop(f"index_{side}") * PER_100K
    if lang == "fr":
        for column in [c for c in places.columns if str(c).startswith("status")]:
            places[column] = places[column].astype(str).map(STATUSES_FR)
        places["presence"] = places["presence"].map(
            {"both": "les_deux", "only_before": "avant_seulement",
             "only_after": "apres_seulement"}
        )  # fmt: skip
    return places


def changed_kinds(outcome: ScenarioOutcome, default: str) -> list[str]:
    """Return the kinds a scenario opens or closes, ``default`` first (and if none)."""
    table = outcome.comparison.structures
    moved = table.loc[table["change"].isin(["opened", "closed"]), "kind"]
    kinds = [k for k in dict.fromkeys(map(str, moved)) if k != default]
    return [default, *kinds] if default in set(moved) or not kinds else kinds


def timed_kinds(outcome: ScenarioOutcome, default: str) -> list[str]:
    """Return the kinds whose times a scenario changes (none: capacities only)."""
    moved = outcome.comparison.structures["change"].isin(["opened", "closed"])
    return changed_kinds(outcome, default) if moved.any() else []


def summary_rows(
    outcome: ScenarioOutcome, kind: str | None, lang: str
) -> list[list[str]]:
    """Return a scenario's rows (indicator, before, after, change) as text.

    One kind's, or with ``kind=None`` the index's (one for every kind of it).
    """
    words = _ROW_LABELS.get(lang, _ROW_LABELS["en"])
    bound = f"{outcome.max_time_min:g}"
    rows = []
    for r in outcome.comparison.summary.to_dict("records"):
        indicator = str(r["indicator"])
        of_kind = r["kind"] if pd.notna(r["kind"]) else None
        if of_kind != kind or indicator not in words:
            continue
        limit = float(r["threshold"])
        threshold = "" if np.isnan(limit) else f"{limit:g}".replace(".", ",")
        name = words[indicator].format(t=threshold, bound=bound)
        values = [float(r[c]) for c in ("before", "after", "change")]
        digits = 1 if indicator == "mean_time_min" else 0
        if indicator == "index_mean":  # capacity per inhabitant: per 100,000
            values, digits = [v * PER_100K for v in values], 2
        shown = [number(v, lang, digits) for v in values]
        if round(values[2], digits) > 0:
            shown[2] = "+" + shown[2]
        elif round(values[2], digits) == 0:
            shown[2] = number(0.0, lang, digits)
        rows.append([name, *shown])
    return rows
