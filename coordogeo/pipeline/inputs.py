"""Reading and checking a run's inputs: communes, places, structures, roads.

:func:`read_inputs` reads every file the config names, checks them against each
other (grid against communes, structures in the territory, roads covering it) and
counts every row it sets aside in the ledger. The road network is built once and
kept in the run's cache (``cache/``), read back when its source has not changed.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any, Final, TypeVar

import numpy as np
import pandas as pd

import geopandas as gpd
import shapely

from coordogeo._memory import release_freed_memory
from coordogeo._numbers import percent, whole
from coordogeo._version import __version__
from coordogeo._words import say
from coordogeo.access import (
    TravelTimeMatrix,
)
from coordogeo.coverage import (
    commune_of,
)
from coordogeo.crs import territory_of_insee, to_lonlat
from coordogeo.errors import CoordogeoError, format_labels
from coordogeo.files import record_owned
from coordogeo.io import (
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
from coordogeo.pipeline.config import (
    ConfigError,
    RunConfig,
    load_config,
    vintages_by_key,
)
from coordogeo.pipeline.ledger import Ledger
from coordogeo.pipeline.results import (
    Inputs,
)

__all__ = ["GRID_TOLERANCE", "before_side", "check_communes", "named", "read_inputs"]

T = TypeVar("T")

#: The file of a cached network saying what it was built from.
_CACHE_SOURCE: Final = "source.json"
_OSM_SUFFIXES: Final = (".pbf", ".osm", ".graphml", ".bz2", ".gz")


def named(key: str, reader: Callable[[Path], T], path: Path) -> T:
    """Call ``reader``; prefix any of our errors with the config key it came from."""
    try:
        return reader(path)
    except ConfigError:
        raise
    except CoordogeoError as err:
        raise ConfigError(f"`{key}` ({path.name}): {err}") from err


def read_inputs(config: RunConfig, ledger: Ledger) -> Inputs:
    """Read every input file of the config; count what is read and set aside."""
    communes = named("inputs.communes", read_communes, config.communes)
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
        members = named(
            "inputs.cpts_members",
            lambda p: read_cpts_members(p, communes=communes),
            config.cpts_members,
        )
        ledger.read("inputs.cpts_members", config.cpts_members, members)
    candidates = None
    if config.candidates is not None:
        candidates = _sites(
            "inputs.candidates", config.candidates, config, communes, ledger,
            kind=config.timed_kind,
        )  # fmt: skip
    if config.filosofi_communes is not None:
        places = _with_commune_income(config.filosofi_communes, places, ledger)
    network, table = _times_source(config, communes, ledger)
    ledger.date_inputs(
        vintages_by_key(config.vintages)
    )  # the config's, over the files'
    inputs = Inputs(communes, places, structures, members, candidates, network, table,
                    client=_client(config, ledger))  # fmt: skip
    if network is not None:
        _check_roads_cover(config, inputs)
    return inputs


def _sites(
    key: str,
    path: Path,
    config: RunConfig,
    communes: gpd.GeoDataFrame,
    ledger: Ledger,
    *,
    kind: str | None,
) -> gpd.GeoDataFrame:
    """Read a file of structures or candidate sites in the territory; count it."""
    sites = named(
        key,
        lambda p: read_structures(
            p,
            kind=kind,
            crs=config.structures_crs,
            communes=communes,
            territory_crs=str(communes.crs),
        ),
        path,
    )
    ledger.read(key, path, sites)
    return sites


def before_side(
    config: RunConfig,
) -> tuple[gpd.GeoDataFrame, gpd.GeoDataFrame, Ledger]:
    """Read the places and structures of the ``compare.before`` config.

    Only its inputs are read (not its roads: both sides are timed on this run's).
    Returns them with their own ledger, for the caller to merge.
    """
    assert config.compare_before is not None
    other = load_config(config.compare_before)
    ledger = Ledger(lang=config.lang)
    communes = named("compare.before", read_communes, other.communes)
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
    cells = named(
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
        # a report line: the outlines are generalised, not an error
        ledger.flag_places("attached", cells, attached, warn=False)
    lost = cells["insee"].isna()
    if lost.any():
        ledger.flag_places("lost", cells, lost)
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


def check_communes(
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
    income = named("inputs.filosofi_communes", read_filosofi_communes, path)
    year = income.attrs.get("vintage")
    said = None if year is None else say("filosofi_vintage", ledger.lang, year=year)
    ledger.read("inputs.filosofi_communes", path, income, vintage=said)
    codes = places["insee"] if "insee" in places else places.index.to_series()
    median = codes.map(income["niveau_vie_median"])
    missing = median.isna().to_numpy()
    if missing.any():
        ledger.flag_places(
            "no_median", places, missing, vintage=income.attrs["vintage"]
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
        structures = _sites(
            "inputs.structures", config.structures, config, communes, ledger,
            kind=config.structures_kind,
        )  # fmt: skip
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
    sites = named("inputs.finess", lambda p: read_finess(p, territory=territory), path)
    elsewhere = sites.attrs.get("other_territories", {})
    extracted = sites.attrs.get("extracted")
    ledger.read(
        "inputs.finess", path, sites, extra=len(elsewhere),
        vintage=None if extracted is None
        else say("finess_vintage", ledger.lang, date=extracted),
    )  # fmt: skip
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
            if cached is not None and _keep_in_cache(
                network, cached, signature, ledger
            ):
                # the saved arrays, mapped as a cached run's: the built ones go
                # first, and the steps' pages go back to the system after each step
                del network
                release_freed_memory()
                network = _mapped(cached, path, config.roads_profile)
        ledger.read_network(path, network, cached=cached if loaded else None)
        return network, None
    if config.matrix is None:
        ledger.warn(say("crowfly", ledger.lang, speed=f"{config.crowfly_speed_kmh:g}"))
        return None, None
    table = named(
        "inputs.matrix",
        lambda p: TravelTimeMatrix.from_table(
            pd.read_csv(p, dtype={"origin": str, "destination": str}),
            max_time_min=max(config.max_time_min, config.index_bound_min),
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
        network = named(
            "inputs.roads", lambda p: RoadNetwork.from_osm(p, profile=profile), path
        )
    else:
        turns = profile_of(profile).turns
        network = named(  # read in blocks: the lines are never all held at once
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


def _mapped(folder: Path, path: Path, profile: ProfileName) -> RoadNetwork:
    """Return the network just saved in ``folder``, mapped (else built again)."""
    try:
        return RoadNetwork.load(folder)
    except CoordogeoError:  # pragma: no cover - it was written a moment ago
        return _built_network(path, profile)


def _keep_in_cache(
    network: RoadNetwork, folder: Path, signature: dict[str, object], ledger: Ledger
) -> bool:
    """Save the network for the next run; a cache that cannot be written is said.

    Returns whether it was saved.
    """
    try:
        network.save(folder)
        record_owned(folder, [_CACHE_SOURCE])
        (folder / _CACHE_SOURCE).write_text(json.dumps(signature), encoding="utf-8")
    except (CoordogeoError, OSError) as err:
        ledger.warn(say("not_cached", ledger.lang, folder=folder, error=err))
        return False
    return True


def _check_roads_cover(config: RunConfig, inputs: Inputs) -> None:
    """Stop when too few places or structures lie near a road: wrong roads file."""
    network = inputs.network
    assert network is not None
    timed = inputs.structures[inputs.structures["kind"].isin(config.kinds)]
    shares = {}
    for name, frame in (("places", inputs.places), ("structures", timed)):
        snapped = network.attach(frame, name=name).snapped
        shares[name] = float(snapped.mean()) * 100 if len(snapped) else 100.0
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
