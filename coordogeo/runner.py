"""Batch runs: a TOML config of inputs, parameters and outputs, run end to end."""

from __future__ import annotations

import difflib
import shutil
import sys
import time
import tomllib
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final, TextIO, TypeVar

import numpy as np
import pandas as pd

import geopandas as gpd

from coordogeo.access import (
    TravelTimeMatrix,
    crowfly_matrix,
    fca,
    travel_time_matrix,
)
from coordogeo.access.decay import PRESETS
from coordogeo.access.fca import METHODS, Method
from coordogeo.coverage import coverage_rates, cpts_territories, overlaps_and_gaps
from coordogeo.errors import CoordogeoError, InputError
from coordogeo.io import (
    read_communes,
    read_cpts_members,
    read_finess,
    read_insee_grid,
    read_structures,
    write_results,
)
from coordogeo.maps import (
    MapLayers,
    access_map,
    coverage_map,
    index_map,
    links_to,
    overview_map,
    underserved_map,
)
from coordogeo.maps._style import Lang
from coordogeo.network import RoadNetwork
from coordogeo.underserved import classify, suggest_sites, travel_time_above, zones

__all__ = ["ConfigError", "RunConfig", "load_config", "run"]

T = TypeVar("T")


class ConfigError(InputError):
    """A config file that cannot be run; the message names the key and the fix."""


_OSM_SUFFIXES: Final = (".pbf", ".osm", ".graphml")

#: Every key the config accepts: section -> key -> (type check, description).
_SCHEMA: Final[dict[str, dict[str, tuple[str, str]]]] = {
    "inputs": {
        "communes": ("path", "commune polygons with insee and population"),
        "population": ("path", "INSEE grid (CSV/GeoPackage); default: the communes"),
        "structures": ("path", "structures: vector file or table with x/y"),
        "structures_crs": ("str", "CRS of a structures table, e.g. 'EPSG:2154'"),
        "finess": (
            "path",
            "FINESS extraction (etalab-cs1100507), instead of structures",
        ),
        "roads": ("path", "roads: .osm.pbf/.osm/.graphml or lines with speed_kmh"),
        "matrix": ("path", "external commune-to-commune table of minutes"),
        "cpts_members": ("path", "CPTS member list (CSV/XLSX)"),
    },
    "parameters": {
        "kinds": ("list[str]", "kinds of structure to time, e.g. ['MSP', 'CDS']"),
        "max_time_min": ("number", "bound of the travel-time searches"),
        "underserved_time_min": ("number", "a place beyond this is under-served"),
        "fca_method": ("str", f"one of {', '.join(METHODS)}"),
        "decay": ("str", f"one of {', '.join(PRESETS)}"),
        "n_sites": ("int", "how many new sites to suggest"),
        "crowfly_speed_kmh": ("number", "speed of the crow-fly fallback"),
    },
    "outputs": {
        "folder": ("path", "output folder (replaced as a whole at the end)"),
        "lang": ("str", "'fr' or 'en'"),
    },
}


@dataclass(frozen=True)
class RunConfig:
    """A checked config; paths are absolute (relative ones are read from the file)."""

    communes: Path
    folder: Path
    structures: Path | None = None
    finess: Path | None = None
    population: Path | None = None
    structures_crs: str | None = None
    roads: Path | None = None
    matrix: Path | None = None
    cpts_members: Path | None = None
    kinds: tuple[str, ...] = ("MSP",)
    max_time_min: float = 60.0
    underserved_time_min: float = 20.0
    fca_method: Method = "e2sfca"
    decay: str = "luo_qi_2009"
    n_sites: int = 3
    crowfly_speed_kmh: float = 50.0
    lang: Lang = "fr"
    source: Path = field(default=Path("config.toml"), compare=False)


def load_config(path: str | Path) -> RunConfig:
    """Read and check a TOML config; every problem names its key and the fix.

    Raises
    ------
    ConfigError
        A missing or unreadable file, TOML syntax, an unknown section or key (with
        the closest known one), a value of the wrong type, a missing input file,
        ``roads`` and ``matrix`` both given, an unknown method, decay or language.
    """
    source = Path(path)
    if not source.is_file():
        raise ConfigError(f"Config file {str(source)!r} not found.")
    try:
        raw = tomllib.loads(source.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as err:
        raise ConfigError(f"{source}: not valid TOML ({err}).") from err
    problems: list[str] = []
    values: dict[str, Any] = {}
    for section, content in raw.items():
        if section not in _SCHEMA:
            problems.append(
                f"unknown section [{section}]{_close(section, _SCHEMA)}; the sections "
                f"are {', '.join(f'[{s}]' for s in _SCHEMA)}"
            )
            continue
        if not isinstance(content, dict):
            problems.append(f"`{section}` must be a section [{section}], not a value")
            continue
        for key, value in content.items():
            spec = _SCHEMA[section].get(key)
            if spec is None:
                known = ", ".join(_SCHEMA[section])
                problems.append(
                    f"unknown key `{section}.{key}`{_close(key, _SCHEMA[section])}; "
                    f"[{section}] takes {known}"
                )
                continue
            checked = _typed(f"{section}.{key}", value, spec, source.parent)
            if isinstance(checked, str) and checked.startswith("\0"):
                problems.append(checked[1:])
            else:
                values[key] = checked
    problems += _required_and_choices(values)
    if problems:
        raise ConfigError(
            f"{source}: {len(problems)} problem(s):\n  - " + "\n  - ".join(problems)
        )
    return RunConfig(source=source, **values)


def _close(name: str, known: Mapping[str, Any]) -> str:
    """Return ' (did you mean `x`?)' for a near miss, else ''."""
    match = difflib.get_close_matches(name, list(known), n=1)
    return f" (did you mean `{match[0]}`?)" if match else ""


def _typed(key: str, value: Any, spec: tuple[str, str], base: Path) -> Any:
    """Return the checked value, or a problem text starting with NUL."""
    kind, meaning = spec
    bad = f"\0`{key}` must be {{}} ({meaning}), got {value!r}"
    if kind == "path":
        return _path(key, value, base, bad)
    if kind == "str":
        return value if isinstance(value, str) else bad.format("a text in quotes")
    if kind == "int":
        ok = isinstance(value, int) and not isinstance(value, bool) and value >= 1
        return value if ok else bad.format("a whole number >= 1")
    if kind == "number":
        ok = isinstance(value, int | float) and not isinstance(value, bool)
        return float(value) if ok and value > 0 else bad.format("a number > 0")
    if kind == "list[str]":
        texts = isinstance(value, list) and all(isinstance(v, str) for v in value)
        ok = texts and len(value) > 0
        return tuple(value) if ok else bad.format("a list of texts, e.g. ['MSP']")
    raise AssertionError(kind)  # pragma: no cover - the schema is ours


def _path(key: str, value: Any, base: Path, bad: str) -> Any:
    """Return the absolute path (files must exist), or a problem text."""
    if not isinstance(value, str) or not value:
        return bad.format("a path in quotes")
    path = (base / value).resolve()
    if key != "outputs.folder" and not path.exists():
        return f"\0`{key}`: file {str(path)!r} not found; check the path"
    return path


def _required_and_choices(values: dict[str, Any]) -> list[str]:
    """Check the keys that are required, exclusive, or choices."""
    problems = [
        f"`{key}` is required ({_SCHEMA[section][name][1]})"
        for key, section, name in (
            ("inputs.communes", "inputs", "communes"),
            ("outputs.folder", "outputs", "folder"),
        )
        if name not in values
    ]
    if ("structures" in values) == ("finess" in values):
        problems.append(
            "give exactly one of `inputs.structures` (a table or vector file) and "
            "`inputs.finess` (a FINESS extraction)"
        )
    if "roads" in values and "matrix" in values:
        problems.append("give `inputs.roads` or `inputs.matrix`, not both")
    if "matrix" in values and "population" in values:
        problems.append(
            "`inputs.matrix` is commune to commune: leave out `inputs.population`"
        )
    for key, choices in (
        ("fca_method", METHODS),
        ("decay", tuple(PRESETS)),
        ("lang", ("fr", "en")),
    ):
        if key in values and values[key] not in choices:
            section = "outputs" if key == "lang" else "parameters"
            problems.append(
                f"`{section}.{key}` is {values[key]!r}; choose one of "
                f"{', '.join(map(str, choices))}"
            )
    return problems


class _Progress:
    """Numbered steps with their duration, on a stream (stderr by default)."""

    def __init__(self, n_steps: int, stream: TextIO) -> None:
        self.n_steps, self.stream, self.done = n_steps, stream, 0

    @contextmanager
    def step(self, what: str) -> Iterator[None]:
        self.done += 1
        self.stream.write(f"[{self.done}/{self.n_steps}] {what}…")
        self.stream.flush()
        start = time.perf_counter()
        yield
        self.stream.write(f" {time.perf_counter() - start:.1f} s\n")
        self.stream.flush()


_N_STEPS: Final = 7


def run(config: RunConfig, *, stream: TextIO | None = None) -> dict[str, Path]:
    """Run a checked config: read, time, index, zone, map and write.

    Everything is written into a temporary folder beside ``config.folder`` that
    replaces it only once every step succeeded: a failed run leaves the previous
    outputs (or nothing), never a half-written folder.

    Returns
    -------
    dict
        What was written: ``{"overview": …, "geopackage": …, …}``.
    """
    progress = _Progress(_N_STEPS, sys.stderr if stream is None else stream)
    with progress.step("lecture des données"):
        data = _read(config)
    with progress.step("temps de trajet"):
        network = _network(config)
        matrix = _matrix(config, data, network)
        places = _nearest(data.places, data.structures, matrix, config)
    with progress.step("couverture par les CPTS"):
        coverage = _coverage(data)
    with progress.step(f"indice {config.fca_method}"):
        index = _index(config, data, matrix)
    with progress.step("zones mal desservies et sites proposés"):
        found, sites = _underserved(config, data, places, network)
    staging = config.folder.with_name(f".{config.folder.name}.en-cours")
    if staging.exists():
        shutil.rmtree(staging)
    try:
        with progress.step("cartes"):
            written = _maps(
                config, data, places, coverage, index, found, sites, staging
            )
        with progress.step("GeoPackage et tableaux"):
            layers: dict[str, pd.DataFrame] = {
                "temps_carreaux": places,
                "indice": index,
                "zones_mal_desservies": found,
                "sites_proposes": sites,
                "structures": data.structures,
            }
            if coverage is not None:
                layers |= {
                    "cpts": coverage[0],
                    "communes_hors_cpts_ou_partagees": coverage[1],
                    "taux_couverture": coverage[2],
                }
            files = write_results(staging / "resultats.gpkg", **layers)
        if config.folder.exists():
            shutil.rmtree(config.folder)
        staging.rename(config.folder)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    out = {name: config.folder / path.name for name, path in written.items()}
    out["geopackage"] = config.folder / files[0].name
    return out


@dataclass(frozen=True)
class _Data:
    communes: gpd.GeoDataFrame
    places: gpd.GeoDataFrame
    structures: gpd.GeoDataFrame
    members: pd.DataFrame | None


def _read(config: RunConfig) -> _Data:
    """Read every input file named by the config."""
    communes = _named("inputs.communes", read_communes, config.communes)
    places = (
        communes
        if config.population is None
        else _named("inputs.population", read_insee_grid, config.population)
    )
    if config.finess is not None:
        structures = _named("inputs.finess", _finess(communes), config.finess)
    elif config.structures is not None:
        structures = _named(
            "inputs.structures",
            lambda p: read_structures(p, crs=config.structures_crs, communes=communes),
            config.structures,
        )
    else:  # pragma: no cover - load_config requires one of them
        raise ConfigError("give `inputs.structures` or `inputs.finess`")
    if "kind" not in structures:
        raise ConfigError(
            f"`inputs.structures` ({config.structures}) has no `kind` column; add "
            "one (MSP, CDS, ESP, CPTS, DAC)."
        )
    missing = sorted(set(config.kinds) - set(structures["kind"].astype(str)))
    if missing:
        raise ConfigError(
            f"`parameters.kinds` names {missing}, absent from `inputs.structures`; "
            f"its kinds are {sorted(structures['kind'].astype(str).unique())}."
        )
    members = None
    if config.cpts_members is not None:
        members = _named(
            "inputs.cpts_members",
            lambda p: read_cpts_members(p, communes=communes),
            config.cpts_members,
        )
    return _Data(communes, places, structures, members)


def _finess(communes: gpd.GeoDataFrame) -> Callable[[Path], gpd.GeoDataFrame]:
    """Read a FINESS extraction: the located establishments in these communes."""

    def read(path: Path) -> gpd.GeoDataFrame:
        sites = read_finess(path)
        sites = sites[sites["located"].astype(bool)]
        return sites[sites["insee"].isin(communes["insee"])]

    return read


def _named(key: str, reader: Callable[[Path], T], path: Path) -> T:
    """Call ``reader``; prefix any error with the config key it came from."""
    try:
        return reader(path)
    except CoordogeoError as err:
        raise ConfigError(f"`{key}` ({path}): {err}") from err


def _network(config: RunConfig) -> RoadNetwork | None:
    """Build the road network of ``inputs.roads``, or return None."""
    roads = config.roads
    if roads is None:
        return None
    if roads.suffix.lower() in _OSM_SUFFIXES:
        return _named("inputs.roads", RoadNetwork.from_osm, roads)
    return _named(
        "inputs.roads", lambda p: RoadNetwork.from_roads(gpd.read_file(p)), roads
    )


def _matrix(
    config: RunConfig, data: _Data, network: RoadNetwork | None
) -> TravelTimeMatrix:
    """Places to structures: road network, external table, or crow-fly fallback."""
    bound = config.max_time_min
    if network is not None:
        return travel_time_matrix(
            network, data.places, data.structures, max_time_min=bound
        )
    if config.matrix is not None:
        table = pd.read_csv(config.matrix, dtype={"origin": str, "destination": str})
        between = _named(
            "inputs.matrix",
            lambda _: TravelTimeMatrix.from_table(
                table,
                max_time_min=bound,
                origins=data.communes.index,
                destinations=data.communes.index,
            ),
            config.matrix,
        )
        return _to_structures(between, data.structures)
    return crowfly_matrix(
        data.places,
        data.structures,
        speed_kmh=config.crowfly_speed_kmh,
        max_time_min=bound,
    )


def _to_structures(
    between: TravelTimeMatrix, structures: gpd.GeoDataFrame
) -> TravelTimeMatrix:
    """Commune-to-commune minutes to commune-to-structure (each in its commune)."""
    table = between.to_table()
    sites = structures["insee"].dropna()
    pairs = table.merge(
        pd.DataFrame({"destination": sites.to_numpy(), "site": sites.index}),
        on="destination",
    )
    return TravelTimeMatrix.from_table(
        pairs.drop(columns=["destination", "time_model"]).rename(
            columns={"site": "destination"}
        ),
        max_time_min=between.max_time_min,
        origins=between.origins,
        destinations=structures.index,
    )


def _nearest(
    places: gpd.GeoDataFrame,
    structures: gpd.GeoDataFrame,
    matrix: TravelTimeMatrix,
    config: RunConfig,
) -> gpd.GeoDataFrame:
    """Minutes to the nearest structure of each kind, NaN beyond the bound."""
    table = matrix.to_table()
    table["kind"] = (
        structures["kind"].astype(str).reindex(table["destination"]).to_numpy()
    )
    best = table.groupby(["origin", "kind"])["time_min"].min().unstack("kind")
    out = places.copy()
    for kind in config.kinds:
        minutes = best[kind] if kind in best else pd.Series(dtype=float)
        out[f"travel_time_min_{kind}"] = minutes.reindex(places.index).to_numpy()
        out[f"reachable_{kind}"] = np.isfinite(out[f"travel_time_min_{kind}"])
    out["time_model"] = matrix.description
    return out


def _coverage(
    data: _Data,
) -> tuple[gpd.GeoDataFrame, gpd.GeoDataFrame, pd.DataFrame] | None:
    """CPTS territories, overlaps and gaps, rates; None without a member list."""
    if data.members is None:
        return None
    return (
        cpts_territories(data.communes, data.members),
        overlaps_and_gaps(data.communes, data.members),
        coverage_rates(data.communes, data.members),
    )


def _index(
    config: RunConfig, data: _Data, matrix: TravelTimeMatrix
) -> gpd.GeoDataFrame:
    """Compute the FCA index per place from the capacity (1 per site without)."""
    supply = data.structures[data.structures["kind"].isin(config.kinds)]
    capacity = (
        supply[["capacity"]].fillna(0.0)
        if "capacity" in supply
        else pd.DataFrame({"capacity": 1.0}, index=supply.index)
    )
    result = fca(
        matrix, data.places, capacity, method=config.fca_method, decay=config.decay
    ).demand
    return gpd.GeoDataFrame(result, geometry=data.places.geometry, crs=data.places.crs)


def _underserved(
    config: RunConfig,
    data: _Data,
    places: gpd.GeoDataFrame,
    network: RoadNetwork | None,
) -> tuple[gpd.GeoDataFrame, gpd.GeoDataFrame]:
    """Zones beyond the time rule for the first kind, and new sites for it."""
    kind = config.kinds[0]
    column = f"travel_time_min_{kind}"
    rule = travel_time_above(
        config.underserved_time_min,
        column=column,
        label=f"{kind} à plus de {config.underserved_time_min:g} min",
    )
    found = zones(classify(places, [rule]), time_column=column)
    existing = data.structures[data.structures["kind"] == kind]
    candidates = data.communes[~data.communes.index.isin(existing["insee"])]
    points = gpd.GeoDataFrame(
        candidates.drop(columns="geometry"),
        geometry=candidates.geometry.representative_point(),
        crs=candidates.crs,
    )
    points.index = "commune-" + points.index.astype(str)
    n = min(config.n_sites, len(points))
    bound = config.underserved_time_min
    times: RoadNetwork | TravelTimeMatrix
    if network is not None:
        times = network
    else:  # the external table does not reach the candidates: crow-fly, stated
        sites = pd.concat([existing[["geometry"]], points[["geometry"]]])
        times = crowfly_matrix(
            data.places,
            gpd.GeoDataFrame(sites, crs=points.crs),
            speed_kmh=config.crowfly_speed_kmh,
            max_time_min=bound,
        )
    chosen = suggest_sites(
        times, data.places, existing, points, n_sites=n, max_time_min=bound
    )
    return found, gpd.GeoDataFrame(chosen, geometry="geometry", crs=points.crs)


def _maps(
    config: RunConfig,
    data: _Data,
    places: gpd.GeoDataFrame,
    coverage: tuple[gpd.GeoDataFrame, gpd.GeoDataFrame, pd.DataFrame] | None,
    index: gpd.GeoDataFrame,
    found: gpd.GeoDataFrame,
    sites: gpd.GeoDataFrame,
    folder: Path,
) -> dict[str, Path]:
    """Write the single maps and the overview that links them."""
    folder.mkdir(parents=True)
    lang = config.lang
    column = f"travel_time_min_{config.kinds[0]}"
    score = next(c for c in index.columns if c.endswith("_per_inhabitant"))
    pages = {
        "carte_acces.html": access_map(
            places, data.structures, column=column, lang=lang
        ),
        "carte_indice.html": index_map(index, column=score, lang=lang),
        "carte_zones.html": underserved_map(found, sites=sites, lang=lang),
    }
    if coverage is not None:
        pages["carte_couverture.html"] = coverage_map(
            coverage[0], coverage[1], structures=data.structures, lang=lang
        )
    overview = overview_map(
        MapLayers(
            territories=None if coverage is None else coverage[0],
            overlaps_gaps=None if coverage is None else coverage[1],
            structures=data.structures,
            travel_times=places,
            time_column=column,
            index=index,
            index_column=score,
            zones=found,
            sites=sites,
        ),
        links=links_to(pages, lang=lang),
        lang=lang,
    )
    written = {"overview": folder / "carte_synthese.html"}
    overview.save(written["overview"])
    for name, page in pages.items():
        page.save(folder / name)
        written[name.removesuffix(".html")] = folder / name
    return written
