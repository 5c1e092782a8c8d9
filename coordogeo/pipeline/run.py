"""The batch run: read, time, cover, index, zone, map, write — small explicit steps.

:func:`run` is what ``coordogeo run`` and ``coordogeo demo`` call. Each step takes
the values it needs and returns new ones; every row a step sets aside, fills or
leaves unreached goes into the :class:`~coordogeo.pipeline.report.Ledger`, which
becomes ``rapport.md`` / ``rapport.json`` beside the outputs.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import time
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Final, TextIO, TypeVar

import numpy as np
import pandas as pd

import geopandas as gpd
import shapely

from coordogeo._digest import shapes_digest
from coordogeo._memory import release_freed_memory
from coordogeo._numbers import percent, whole
from coordogeo._version import __version__
from coordogeo.access import (
    TravelTimeMatrix,
    apl,
    crowfly_matrix,
    fca,
    nearest,
    time_summary,
    travel_time_matrix,
)
from coordogeo.access.fca import Method, default_bound_min
from coordogeo.coverage import (
    assign_to_communes,
    commune_of,
    coverage_rates,
    cpts_territories,
    overlaps_and_gaps,
    within_reach,
)
from coordogeo.crs import territory_of_insee, to_lonlat
from coordogeo.errors import CoordogeoError, format_labels
from coordogeo.files import record_owned
from coordogeo.io import (
    parse_numbers,
    read_communes,
    read_cpts_members,
    read_filosofi_communes,
    read_finess,
    read_insee_grid,
    read_structures,
)
from coordogeo.network import RoadNetwork
from coordogeo.network.osm import ProfileName, profile_of
from coordogeo.network.roads import anchor_xy
from coordogeo.pipeline.config import ConfigError, RunConfig, load_config
from coordogeo.pipeline.equity import EquityResult, access_by_income
from coordogeo.pipeline.outputs import check_output_folder, staged_outputs
from coordogeo.pipeline.report import Ledger
from coordogeo.pipeline.scenarios import ScenarioOutcome, run_scenarios
from coordogeo.pipeline.words import say
from coordogeo.pipeline.write import write_everything, write_maps
from coordogeo.underserved import (
    Rule,
    classify,
    suggest_sites,
    travel_time_above,
    zonage,
    zones,
)

__all__ = ["Coverage", "Inputs", "RunResult", "Underserved", "run"]

logger = logging.getLogger(__name__)

T = TypeVar("T")

#: The file of a cached network saying what it was built from.
_CACHE_SOURCE: Final = "source.json"
_OSM_SUFFIXES: Final = (".pbf", ".osm", ".graphml", ".bz2", ".gz")


@dataclass(frozen=True)
class Inputs:
    """What the run read: communes, places (cells or communes), structures."""

    communes: gpd.GeoDataFrame
    places: gpd.GeoDataFrame
    structures: gpd.GeoDataFrame
    members: pd.DataFrame | None
    candidates: gpd.GeoDataFrame | None
    network: RoadNetwork | None
    table: TravelTimeMatrix | None
    #: A ``dask.distributed.Client`` when ``compute.scheduler`` is set.
    client: Any = None
    #: The last matrices of the run by what they join (:func:`_time_matrix`): the
    #: suggested sites and the scenario that suggests them ask the same one.
    matrices: dict[bytes, TravelTimeMatrix] = field(
        default_factory=dict, repr=False, compare=False
    )


@dataclass(frozen=True)
class Coverage:
    """CPTS territories, the communes in none or several, rates, people in reach."""

    territories: gpd.GeoDataFrame
    overlaps_gaps: gpd.GeoDataFrame
    rates: pd.DataFrame


@dataclass(frozen=True)
class Underserved:
    """Flagged places, their zones, the zonage of the communes, suggested sites."""

    places: gpd.GeoDataFrame
    zones: gpd.GeoDataFrame
    rule: str
    zonage: pd.DataFrame | None
    sites: gpd.GeoDataFrame
    covered_before: float


@dataclass(frozen=True)
class RunResult:
    """Everything a run computed and wrote; ``ledger`` accounts for every row."""

    config: RunConfig
    inputs: Inputs
    places: gpd.GeoDataFrame
    reach: pd.DataFrame
    times: pd.DataFrame
    coverage: Coverage | None
    index: gpd.GeoDataFrame
    index_column: str
    underserved: Underserved
    equity: EquityResult | None
    ledger: Ledger
    written: dict[str, Path]
    scenarios: tuple[ScenarioOutcome, ...] = ()


class _Steps:
    """Numbered steps: their time goes into the ledger, their name to ``stream``."""

    def __init__(self, ledger: Ledger, stream: TextIO | None, n_steps: int) -> None:
        self.ledger, self.stream, self.n_steps, self.done = ledger, stream, n_steps, 0

    @contextmanager
    def step(self, name: str) -> Iterator[None]:
        self.done += 1
        if self.stream is not None:
            self.stream.write(f"[{self.done}/{self.n_steps}] {name}…")
            self.stream.flush()
        start = time.perf_counter()
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            try:
                yield
            except BaseException:
                if self.stream is not None:
                    self.stream.write(f" {say('failed', self.ledger.lang)}\n")
                raise
        seconds = time.perf_counter() - start
        release_freed_memory()  # a step's temporaries, back to the system
        self.ledger.steps.append((name, seconds))
        if self.stream is not None:
            self.stream.write(f" {seconds:.1f} s\n")
            self.stream.flush()
        for warning in caught:
            self.ledger.warn(f"{name} : {warning.message}")


_N_STEPS: Final = 9


def run(config: RunConfig, *, progress: TextIO | None = None) -> RunResult:
    """Run a checked config end to end; write the maps, tables and report.

    The output folder is checked first (:func:`check_output_folder`): nothing is
    computed for a folder the run may not write into. Outputs are staged and moved
    in only when every step succeeded.

    Parameters
    ----------
    config
        From :func:`coordogeo.pipeline.load_config`.
    progress
        Where to write one line per step (the CLI passes stderr); silent if None.

    Returns
    -------
    RunResult
        The frames computed, the ledger and the files written.

    Raises
    ------
    ConfigError
        An input that cannot be used, named by its config key; an output folder
        that would lose files; roads that do not cover the territory.
    """
    target = check_output_folder(
        config.folder, inputs={**config.inputs, "config": config.source}
    )
    ledger = Ledger(lang=config.lang, parameters=config.parameters())
    extra = bool(config.scenarios or config.compares)
    steps = _Steps(ledger, progress, _N_STEPS + extra)
    with steps.step(say("step_read", config.lang)):
        inputs = read_inputs(config, ledger)
    try:
        return _computed(config, inputs, ledger, steps, target)
    finally:
        if inputs.client is not None:  # compute.scheduler
            inputs.client.close()


def _computed(
    config: RunConfig, inputs: Inputs, ledger: Ledger, steps: _Steps, target: Any
) -> RunResult:
    """Run the steps after reading, then write the outputs (staged)."""
    extra = bool(config.scenarios or config.compares)
    lang = config.lang
    with steps.step(say("step_times", lang)):
        places = nearest_times(config, inputs, ledger)
        reach = within_reach(places)
        times = time_summary(places)
    with steps.step(say("step_coverage", lang)):
        coverage = cpts_coverage(inputs)
    with steps.step(say("step_index", lang, method=config.method)):
        index, column = access_index(config, inputs, ledger)
    with steps.step(say("step_zones", lang)):
        found = underserved(config, inputs, places, index, column, ledger)
    with steps.step(say("step_sites", lang)):
        found = suggested_sites(config, inputs, found, ledger)
    with steps.step(say("step_equity", lang)):
        fair = access_by_income(config, found.places, index, column, ledger)
        if fair is not None:
            found = replace(found, places=found.places.assign(income_third=fair.thirds))
    outcomes: tuple[ScenarioOutcome, ...] = ()
    if extra:
        with steps.step(
            say("step_scenarios" if config.scenarios else "step_evolution", lang)
        ):
            try:
                outcomes = run_scenarios(
                    config, inputs, found, ledger,
                    candidates=lambda: _candidates(
                        config, inputs,
                        inputs.structures[inputs.structures["kind"]
                                          == config.timed_kind],
                    ),
                    times=lambda o, d, b: _time_matrix(config, inputs, o, d, bound=b),
                    before=lambda: _before_side(config),
                )  # fmt: skip
            except ConfigError:
                raise
            except CoordogeoError as err:  # named: [compare] or the scenario
                text = str(err)
                head = "" if text.startswith("[compare]") else "[[scenario]] "
                raise ConfigError(head + text) from err
    inputs.matrices.clear()  # kept for the scenarios only: gigabytes nationally
    result = RunResult(
        config, inputs, found.places, reach, times, coverage, index, column, found,
        fair, ledger, {}, outcomes,
    )  # fmt: skip
    with staged_outputs(target) as staging:
        with steps.step(say("step_maps", lang)):
            pages = write_maps(result, staging)
        with steps.step(say("step_write", lang)):
            written = write_everything(result, staging, pages=pages)
    final = {name: target.folder / path.name for name, path in written.items()}
    return RunResult(**{**result.__dict__, "written": final})


def _named(key: str, reader: Callable[[Path], T], path: Path) -> T:
    """Call ``reader``; prefix any of our errors with the config key it came from."""
    try:
        return reader(path)
    except ConfigError:
        raise
    except CoordogeoError as err:
        raise ConfigError(f"`{key}` ({path.name}): {err}") from err


def read_inputs(config: RunConfig, ledger: Ledger) -> Inputs:
    """Read every input file of the config; count what is read and set aside."""
    communes = _named("inputs.communes", read_communes, config.communes)
    if "population" not in communes:
        raise ConfigError(
            f"`inputs.communes` ({config.communes.name}) has no population column; "
            "use a layer with one (ADMIN EXPRESS POPULATION, population_municipale)."
        )
    ledger.read("inputs.communes", config.communes, communes, population=True)
    places = _places(config, communes, ledger)
    structures = _structures(config, communes, ledger)
    members = None
    if config.cpts_members is not None:
        members = _named(
            "inputs.cpts_members",
            lambda p: read_cpts_members(p, communes=communes),
            config.cpts_members,
        )
        ledger.read("inputs.cpts_members", config.cpts_members, members)
    candidates = None
    if config.candidates is not None:
        candidates = _named(
            "inputs.candidates",
            lambda p: read_structures(
                p,
                kind=config.timed_kind,
                crs=config.structures_crs,
                communes=communes,
                territory_crs=str(communes.crs),
            ),
            config.candidates,
        )
        ledger.read("inputs.candidates", config.candidates, candidates)
    if config.filosofi_communes is not None:
        places = _with_commune_income(config.filosofi_communes, places, ledger)
    network, table = _times_source(config, communes, ledger)
    inputs = Inputs(communes, places, structures, members, candidates, network, table,
                    client=_client(config, ledger))  # fmt: skip
    if network is not None:
        _check_roads_cover(config, inputs)
    return inputs


def _before_side(
    config: RunConfig,
) -> tuple[gpd.GeoDataFrame, gpd.GeoDataFrame, Ledger]:
    """Read the places and structures of the ``compare.before`` config.

    Only its inputs are read (not its roads: both sides are timed on this run's).
    Returns them with their own ledger, for the caller to merge.
    """
    assert config.compare_before is not None
    other = load_config(config.compare_before)
    ledger = Ledger(lang=config.lang)
    communes = _named("compare.before", read_communes, other.communes)
    ledger.read("inputs.communes", other.communes, communes, population=True)
    places = _places(other, communes, ledger)
    structures = _structures(other, communes, ledger)
    return places, structures, ledger


def _places(
    config: RunConfig, communes: gpd.GeoDataFrame, ledger: Ledger
) -> gpd.GeoDataFrame:
    """Return the inhabited places: grid cells with their commune, or the communes."""
    if config.population is None:
        return communes.copy()
    cells = _named(
        "inputs.population",
        lambda p: read_insee_grid(
            p, crs=config.population_crs, cell_m=config.population_cell_m
        ),
        config.population,
    )
    ledger.read("inputs.population", config.population, cells, population=True)
    cells = cells.to_crs(communes.crs)
    attached = np.zeros(len(cells), dtype=bool)
    if "insee" not in cells:
        cells["insee"] = commune_of(cells, communes)
        centres = shapely.centroid(cells.geometry.to_numpy())
        inside = np.zeros(len(cells), dtype=bool)
        inside[communes.sindex.query(centres, predicate="intersects")[0]] = True
        attached = (cells["insee"].notna() & ~inside).to_numpy()
    if attached.any():  # generalised outlines leave gaps: the nearest commune
        ledger.aside(
            say("attached_what", ledger.lang),
            cells.index[attached],
            population=float(cells.loc[attached, "population"].sum()),
            why=say("attached_why", ledger.lang),
            dropped=False,
            warn=False,  # a report line: the outlines are generalised, not an error
        )
    lost = cells["insee"].isna()
    if lost.any():
        ledger.aside(
            say("lost_what", ledger.lang),
            cells.index[lost],
            population=float(cells.loc[lost, "population"].sum()),
            why=say("lost_why", ledger.lang),
            dropped=False,
        )
    if "nom" in communes:
        cells["nom_commune"] = cells["insee"].map(communes["nom"])
    _check_grid(cells, communes, ledger)
    return cells


#: How far the grid's inhabitants may differ from the communes' (two vintages, the
#: cells across the border) before the run says it loudly; and a commune's.
GRID_TOLERANCE: Final = 0.05
COMMUNE_TOLERANCE: Final = 0.5
#: The share of communes that may be off before that check is a warning.
COMMUNES_OFF_SHARE: Final = 0.05


def _check_grid(
    cells: gpd.GeoDataFrame, communes: gpd.GeoDataFrame, ledger: Ledger
) -> None:
    """Compare the grid's inhabitants with the communes'.

    Indices divide by the grid's population: a grid that covers a few communes of
    the territory (an extract) gives indices many times too high, so the run says
    both totals (and, at the index step, the communes whose cells hold less than
    half or more than twice their population: :func:`_check_communes`).
    """
    if "population" not in communes:
        return
    grid = float(cells["population"].sum())
    total = float(communes["population"].sum())
    if total <= 0:
        return
    gap = grid / total - 1
    lang = ledger.lang
    pct = percent(gap, lang, sign=True)
    ledger.check(
        say("grid_check", lang),
        say(
            "grid_figures",
            lang,
            grid=whole(grid, lang),
            total=whole(total, lang),
            gap=pct,
        ),
        ok=abs(gap) <= GRID_TOLERANCE,
    )


def _check_communes(
    demand: pd.DataFrame, communes: gpd.GeoDataFrame, ledger: Ledger
) -> None:
    """Compare each commune's inhabitants in the grid with its own population.

    The grid's are as the index allocates them; a grid extract leaves communes
    nearly empty.
    """
    if "population" not in communes:
        return
    own = communes["population"].astype("float64").reindex(demand.index).to_numpy()
    held = demand["population"].astype("float64").to_numpy()
    ratio = held / np.where(own > 0, own, np.nan)
    off = (own > 0) & ((ratio < COMMUNE_TOLERANCE) | (ratio > 1 / COMMUNE_TOLERANCE))
    lang = ledger.lang
    shown = [
        f"{code} ({whole(held[k], lang)} / {whole(own[k], lang)})"
        for k, code in zip(np.flatnonzero(off)[:5], demand.index[off][:5],
                           strict=True)
    ]  # fmt: skip
    ledger.check(
        say("communes_check", lang),
        say("communes_figures", lang, n=int(off.sum()), total=len(demand))
        + (say("communes_examples", lang, shown=", ".join(shown)) if shown else ""),
        ok=bool(off.sum() <= COMMUNES_OFF_SHARE * len(demand)),
    )


def _with_commune_income(
    path: Path, places: gpd.GeoDataFrame, ledger: Ledger
) -> gpd.GeoDataFrame:
    """Give each place the median standard of living of its commune (Filosofi)."""
    income = _named("inputs.filosofi_communes", read_filosofi_communes, path)
    ledger.read("inputs.filosofi_communes", path, income)
    codes = places["insee"] if "insee" in places else places.index.to_series()
    median = codes.map(income["niveau_vie_median"])
    missing = median.isna().to_numpy()
    if missing.any():
        ledger.aside(
            say("no_median_what", ledger.lang),
            places.index[missing],
            population=float(places.loc[missing, "population"].sum()),
            why=say("no_median_why", ledger.lang, vintage=income.attrs["vintage"]),
            dropped=False,
        )
    return places.assign(niveau_vie_median=median.to_numpy())


def _structures(
    config: RunConfig, communes: gpd.GeoDataFrame, ledger: Ledger
) -> gpd.GeoDataFrame:
    """Read the structures (table, vector or FINESS); check the kinds to time."""
    if config.finess is not None:
        structures = _finess(config.finess, communes, ledger)
    else:
        assert config.structures is not None  # load_config requires one of them
        structures = _named(
            "inputs.structures",
            lambda p: read_structures(
                p,
                kind=config.structures_kind,
                crs=config.structures_crs,
                communes=communes,
                territory_crs=str(communes.crs),
            ),
            config.structures,
        )
        ledger.read("inputs.structures", config.structures, structures)
        if "in_communes" in structures:
            out = ~structures["in_communes"].astype(bool).to_numpy()
            lang = ledger.lang
            ledger.check(
                say("outside_check", lang),
                say("outside_figures", lang, n=int(out.sum()), total=len(structures))
                + (say("outside_kept", lang,
                       labels=format_labels(structures.index[out]))
                   if out.any() else ""),
                ok=bool(out.sum() <= COMMUNES_OFF_SHARE * len(structures)),
            )  # fmt: skip
        if "placed_at" in structures:  # a table by commune: no coordinates
            ledger.aside(
                say("placed_what", ledger.lang),
                structures.index,
                why=say("placed_why", ledger.lang),
                dropped=False,
            )
    kinds = structures["kind"].astype(str)
    missing = sorted(set(config.kinds) - set(kinds))
    if missing:
        raise ConfigError(
            f"`parameters.kinds` names {missing}, absent from the structures; their "
            f"kinds are {sorted(kinds.unique())}."
        )
    return structures


def _finess(path: Path, communes: gpd.GeoDataFrame, ledger: Ledger) -> gpd.GeoDataFrame:
    """FINESS establishments located in the communes; the others are counted."""
    territory = str(territory_of_insee(communes["insee"]).iloc[0])
    sites = _named("inputs.finess", lambda p: read_finess(p, territory=territory), path)
    elsewhere = sites.attrs.get("other_territories", {})
    ledger.read("inputs.finess", path, sites, extra=len(elsewhere))
    if elsewhere:  # a national file: the other territories' rows, counted by name
        ledger.aside(
            say("finess_elsewhere_what", ledger.lang),
            list(elsewhere),
            why=say(
                "finess_elsewhere_why",
                ledger.lang,
                counts=_by_departement(pd.Series(elsewhere)),
            ),
            warn=False,
        )
    located = sites["located"].astype(bool).to_numpy()
    if not located.all():
        ledger.aside(
            say("finess_unlocated_what", ledger.lang),
            sites.index[~located],
            why=say("finess_unlocated_why", ledger.lang),
        )
    inside = sites["insee"].isin(communes["insee"]).to_numpy()
    outside = located & ~inside
    if outside.any():
        by_dep = _by_departement(sites.loc[outside, "insee"])
        ledger.aside(
            say("finess_outside_what", ledger.lang),
            sites.index[outside],
            why=say("finess_outside_why", ledger.lang, counts=by_dep),
            warn=False,
        )
    return sites[located & inside]


def _by_departement(codes: pd.Series) -> str:
    """Count INSEE codes by département: '46 : 3, 19 : 1, 971 : 2'."""
    text = codes.astype(str)
    dep = text.str[:2].where(~text.str.startswith("97"), text.str[:3])
    counts = dep.value_counts().sort_index()
    return ", ".join(f"{d} : {n}" for d, n in counts.items())


def _times_source(
    config: RunConfig, communes: gpd.GeoDataFrame, ledger: Ledger
) -> tuple[RoadNetwork | None, TravelTimeMatrix | None]:
    """Return the road network, or the external commune matrix, or neither."""
    if config.roads is not None:
        path = config.roads
        cached = _cache_path(config)
        signature = _signature(config) if cached is not None else {}
        network = (
            _cached_network(cached, signature, ledger) if cached is not None else None
        )
        loaded = network is not None
        if network is None:
            network = _built_network(path, config.roads_profile)
            if cached is not None:
                _keep_in_cache(network, cached, signature, ledger)
        ledger.read_network(path, network, cached=cached if loaded else None)
        return network, None
    if config.matrix is None:
        ledger.warn(say("crowfly", ledger.lang, speed=f"{config.crowfly_speed_kmh:g}"))
        return None, None
    table = _named(
        "inputs.matrix",
        lambda p: TravelTimeMatrix.from_table(
            pd.read_csv(p, dtype={"origin": str, "destination": str}),
            max_time_min=max(config.max_time_min, _index_bound(config)),
            origins=communes.index,
            destinations=communes.index,
        ),
        config.matrix,
    )
    ledger.read_matrix(config.matrix, table)
    return None, table


def _client(config: RunConfig, ledger: Ledger) -> Any:
    """Connect to ``compute.scheduler`` (None when the config names none)."""
    if config.scheduler is None:
        return None
    try:
        import distributed  # noqa: PLC0415 - the compute extra
    except ImportError:
        raise ConfigError(
            "`compute.scheduler` needs dask.distributed: pip install "
            "'coordogeo[compute]'."
        ) from None
    try:
        client = distributed.Client(config.scheduler, timeout=30)  # type: ignore[no-untyped-call]
    except (OSError, TimeoutError, ValueError) as err:
        raise ConfigError(
            f"`compute.scheduler` {config.scheduler!r}: cannot connect ({err})."
        ) from err
    if not client.scheduler_info().get("workers"):
        ledger.warn(say("no_worker", ledger.lang, scheduler=config.scheduler))
    return client


def _built_network(path: Path, profile: ProfileName) -> RoadNetwork:
    """Build the network of ``inputs.roads`` (OSM file or road lines).

    OSM files take the profile's rules; lines keep their own speeds and, with the
    car profile, get its turn costs from their geometry.
    """
    if path.name.lower().endswith(_OSM_SUFFIXES):
        network = _named(
            "inputs.roads", lambda p: RoadNetwork.from_osm(p, profile=profile), path
        )
    else:
        turns = profile_of(profile).turns
        network = _named(  # read in blocks: the lines are never all held at once
            "inputs.roads",
            lambda p: RoadNetwork.from_road_file(p, turn_costs=turns),
            path,
        )
    release_freed_memory()  # the build's temporaries, before the places are snapped
    return network


def _cache_path(config: RunConfig) -> Path | None:
    """Return the cache folder of this roads file's network (None: no cache).

    One folder per roads file (its absolute path): a new version of the file
    replaces its entry instead of adding one, so the cache does not grow run after
    run. Whether the entry is still good is :func:`_signature`'s business.
    """
    if not config.cache or config.roads is None:
        return None
    root = (
        config.cache_folder
        or Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
        / "coordogeo"
    )
    if Path(root).resolve().is_relative_to(config.folder.resolve()):
        raise ConfigError(
            f"`compute.cache_folder` ({root}) is inside `outputs.folder`: the outputs "
            "would hold files the run does not list; put the cache elsewhere."
        )
    where = str(config.roads.resolve()).encode("utf-8")
    digest = hashlib.sha256(where).hexdigest()[:20]
    return Path(root) / "reseaux" / f"{config.roads.stem}-{digest}"


def _signature(config: RunConfig) -> dict[str, object]:
    """Return what a cached network must come from: file, size, date, version."""
    assert config.roads is not None
    stat = config.roads.stat()
    return {
        "roads": str(config.roads.resolve()),
        "size": stat.st_size,
        "mtime_ns": stat.st_mtime_ns,
        "profile": config.roads_profile,
        "coordogeo": __version__,
    }


def _cached_network(
    folder: Path, signature: dict[str, object], ledger: Ledger
) -> RoadNetwork | None:
    """Load the cached network, or None (absent, stale, or unreadable: rebuilt).

    Stale: built from another version of the file or by another coordogeo; an
    unreadable cache is said in the report.
    """
    source = folder / _CACHE_SOURCE
    try:
        if json.loads(source.read_text(encoding="utf-8")) != signature:
            return None
    except (OSError, ValueError):
        return None
    try:
        return RoadNetwork.load(folder)
    except CoordogeoError as err:
        ledger.warn(say("bad_cache", ledger.lang, error=err))
        return None


def _keep_in_cache(
    network: RoadNetwork, folder: Path, signature: dict[str, object], ledger: Ledger
) -> None:
    """Save the network for the next run; a cache that cannot be written is said."""
    try:
        network.save(folder)
        record_owned(folder, [_CACHE_SOURCE])
        (folder / _CACHE_SOURCE).write_text(json.dumps(signature), encoding="utf-8")
    except (CoordogeoError, OSError) as err:
        ledger.warn(say("not_cached", ledger.lang, folder=folder, error=err))


def _check_roads_cover(config: RunConfig, inputs: Inputs) -> None:
    """Stop when too few places or structures lie near a road: wrong roads file."""
    network = inputs.network
    assert network is not None
    timed = inputs.structures[inputs.structures["kind"].isin(config.kinds)]
    shares = {}
    for name, frame in (("places", inputs.places), ("structures", timed)):
        node, _ = network.snap_xy(anchor_xy(frame), max_snap_m=network.max_snap_m)
        shares[name] = float((node >= 0).mean()) * 100 if len(node) else 100.0
    low = {k: v for k, v in shares.items() if v < config.min_snapped_pct}
    if not low:
        return
    roads = _lonlat_box(network.node_xy, network.crs)
    places = _lonlat_box(anchor_xy(inputs.places), str(inputs.places.crs))
    raise ConfigError(
        f"`inputs.roads` ({config.roads.name if config.roads else ''}): only "
        + ", ".join(f"{v:.0f} % of the {k}" for k, v in low.items())
        + f" lie within {network.max_snap_m:g} m of a road (at least "
        f"{config.min_snapped_pct:g} % expected, `parameters.min_snapped_pct`). "
        f"The roads cover lon/lat {roads}, the places {places}: the roads probably "
        "do not cover the territory; extract them over the communes."
    )


def _lonlat_box(xy: np.ndarray, crs: str) -> str:
    """Format the lon/lat bounding box of points."""
    if len(xy) == 0:
        return "(empty)"
    box = gpd.GeoDataFrame(
        geometry=[shapely.box(*xy.min(axis=0), *xy.max(axis=0))], crs=crs
    )
    x0, y0, x1, y1 = to_lonlat(box, name="box").total_bounds
    return f"[{x0:.3f}, {y0:.3f}] – [{x1:.3f}, {y1:.3f}]"


def _time_matrix(
    config: RunConfig,
    inputs: Inputs,
    origins: gpd.GeoDataFrame,
    destinations: gpd.GeoDataFrame,
    *,
    bound: float,
) -> TravelTimeMatrix:
    """Origins to destinations within ``bound``: roads, the external table, crow-fly.

    Road matrices are kept (the last :data:`_MATRICES_KEPT`) by a digest of the
    ids, coordinates and CRS of both sides and the bound: asking again for the same
    places and sites searches nothing.
    """
    if inputs.network is not None:
        key = _matrix_key(origins, destinations, bound)
        if key not in inputs.matrices:
            inputs.matrices[key] = travel_time_matrix(
                inputs.network,
                origins,
                destinations,
                max_time_min=bound,
                n_jobs=config.n_jobs,
                client=inputs.client,
            )
            while len(inputs.matrices) > _MATRICES_KEPT:
                inputs.matrices.pop(next(iter(inputs.matrices)))
        return inputs.matrices[key]
    if inputs.table is not None:
        return _commune_table_to(inputs.table, origins, destinations, bound=bound)
    return crowfly_matrix(
        origins, destinations, speed_kmh=config.crowfly_speed_kmh, max_time_min=bound
    )


#: Road matrices a run keeps for asking again (each ~12 bytes per pair in reach).
_MATRICES_KEPT: Final = 2


def _matrix_key(
    origins: gpd.GeoDataFrame, destinations: gpd.GeoDataFrame, bound: float
) -> bytes:
    """Digest of what a matrix joins: both sides' ids, shapes and CRS, bound."""
    parts: list[bytes | str] = [repr(float(bound))]
    for frame in (origins, destinations):
        ids = pd.util.hash_pandas_object(frame.index, index=False).to_numpy()
        parts += [ids.tobytes(), str(frame.crs)]
        parts.append(shapes_digest(np.asarray(frame.geometry.array)))
    return shapes_digest(np.empty(0, dtype=object), *parts)


def _commune_table_to(
    table: TravelTimeMatrix,
    origins: pd.DataFrame,
    destinations: pd.DataFrame,
    *,
    bound: float,
) -> TravelTimeMatrix:
    """Commune-to-commune minutes to origin-to-destination, each in its commune."""
    pairs = table.to_table()
    pairs = pairs[pairs["time_min"] <= bound]
    dest = pd.DataFrame(
        {"destination": destinations["insee"].to_numpy(), "site": destinations.index}
    ).dropna(subset=["destination"])
    orig = pd.DataFrame(
        {"origin": origins["insee"].to_numpy(), "place": origins.index}
    ).dropna(subset=["origin"])
    joined = pairs.merge(orig, on="origin").merge(dest, on="destination")
    return TravelTimeMatrix.from_table(
        joined[["place", "site", "time_min"]],
        origin="place",
        destination="site",
        max_time_min=bound,
        origins=origins.index,
        destinations=destinations.index,
    )


def nearest_times(
    config: RunConfig, inputs: Inputs, ledger: Ledger
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
        source = _time_matrix(
            config, inputs, inputs.places, timed, bound=config.max_time_min
        )
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


def _index_bound(config: RunConfig) -> float:
    """Return the catchment of the index: given, else the decay's last step, else 30."""
    if config.index_max_time_min is not None:
        return config.index_max_time_min
    if config.method == "apl":
        return default_bound_min("2sfca", config.decay or "drees_apl")
    return default_bound_min(config.method, config.decay)


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
    values = _named("index.capacity", lambda _: parse_numbers(raw, name="capacity"),
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
    config: RunConfig, inputs: Inputs, ledger: Ledger
) -> tuple[gpd.GeoDataFrame, str]:
    """Compute the accessibility index per commune (APL or FCA) and its column."""
    supply = _supply(config, inputs, ledger)
    bands = list(config.age_weights or {})
    demand = _commune_demand(config, inputs, bands)
    if config.population is not None:
        _check_communes(demand, inputs.communes, ledger)
    bound = _index_bound(config)
    matrix = _time_matrix(config, inputs, demand, demand.loc[supply.index], bound=bound)
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
    time_column = f"travel_time_min_{kind}"
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
            ledger.aside(
                say("no_index_what", ledger.lang),
                cells.index[no_index],
                population=float(cells.loc[no_index, "population"].sum()),
                why=say("no_index_why", ledger.lang),
                dropped=False,
            )
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
    flagged = classify(cells, rules, combine=config.combine)
    found = zones(flagged, time_column=time_column)
    joiner = say("and" if config.combine == "all" else "or", config.lang)
    text = joiner.join(rule.text for rule in rules)
    ledger.rule(flagged, found, text)
    ranked = zonage(index, apl=column) if config.method == "apl" else None
    empty = gpd.GeoDataFrame(geometry=[], crs=places.crs)
    return Underserved(flagged, found, text, ranked, empty, float("nan"))


def suggested_sites(
    config: RunConfig, inputs: Inputs, found: Underserved, ledger: Ledger
) -> Underserved:
    """Choose the ``n_sites`` candidates that bring the most people within reach."""
    kind = config.timed_kind
    existing = inputs.structures[inputs.structures["kind"] == kind]
    bound = config.underserved_time_min
    people = inputs.places
    minutes = found.places[f"travel_time_min_{kind}"].to_numpy()
    weight = found.places["population"].to_numpy(dtype=np.float64)
    share = (
        float(weight[minutes <= bound].sum() / weight.sum()) if weight.sum() else 0.0
    )
    if config.n_sites == 0:
        return _with_sites(found, gpd.GeoDataFrame(geometry=[], crs=people.crs), share)
    candidates = _candidates(config, inputs, existing)
    times: TravelTimeMatrix
    everyone = pd.concat([existing[["geometry"]], candidates[["geometry"]]])
    sites = gpd.GeoDataFrame(everyone, crs=candidates.crs)
    if inputs.network is not None:  # kept: a scenario that suggests asks it again
        times = _time_matrix(config, inputs, people, sites, bound=bound)
    else:
        times = crowfly_matrix(
            people, sites, speed_kmh=config.crowfly_speed_kmh, max_time_min=bound
        )
        if inputs.table is not None:
            ledger.warn(say("sites_crowfly", ledger.lang))
    with warnings.catch_warnings(record=True) as said:
        warnings.simplefilter("always", UserWarning)
        chosen = _named(
            "underserved.n_sites",
            lambda _: suggest_sites(
                times, people, existing, candidates, n_sites=config.n_sites,
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


def _candidates(
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
