"""The batch run's config: one schema of every key, its loader and its documentation.

:data:`SCHEMA` is the one source of truth: :func:`load_config` checks a TOML file
against it, ``coordogeo run --help`` and the docs page list it
(:func:`schema_text`, :func:`schema_markdown`), and ``coordogeo init`` writes a
commented config from it (:func:`config_template`).
"""

from __future__ import annotations

import difflib
import math
import re
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any, Final, Literal

import pandas as pd

from coordogeo._columns import LANGS, Lang
from coordogeo.access.decay import PRESETS
from coordogeo.access.fca import METHODS, default_bound_min
from coordogeo.errors import InputError, is_whole
from coordogeo.files import existing_path
from coordogeo.pipeline.specs import ScenarioSpec, parse_scenarios

__all__ = [
    "INDEX_METHODS",
    "SCHEMA",
    "ConfigError",
    "Key",
    "RunConfig",
    "config_template",
    "load_config",
    "schema_markdown",
    "schema_text",
]


class ConfigError(InputError):
    """A config that cannot be run; the message names the key and the fix."""


#: ``apl`` (DREES-style, age-standardised) or one of the FCA methods.
INDEX_METHODS: Final = ("apl", *METHODS)

Kind = Literal[
    "path", "folder", "text", "texts", "whole", "number", "numbers", "weights", "flag"
]


@dataclass(frozen=True)
class Key:
    """One config key: where it lives, what it holds, its default and meaning."""

    section: str
    name: str
    kind: Kind
    help: str
    default: Any = None
    choices: tuple[str, ...] = ()
    example: str | None = None
    #: The :class:`RunConfig` field, when not ``name`` (names repeat across sections).
    attribute: str = ""

    @property
    def field(self) -> str:
        """The :class:`RunConfig` field holding the key's value."""
        return self.attribute or self.name

    @property
    def dotted(self) -> str:
        """``section.name``, as messages and docs write it."""
        return f"{self.section}.{self.name}"


_TYPE_WORDS: Final[dict[str, str]] = {
    "path": "path of a file",
    "folder": "path of a folder",
    "text": "text",
    "texts": "list of texts",
    "whole": "whole number",
    "number": "number",
    "numbers": "list of numbers",
    "weights": "table of numbers",
    "flag": "true or false",
}

#: Every key a config accepts, in the order the docs list them.
SCHEMA: Final[tuple[Key, ...]] = (
    Key("inputs", "communes", "path",
        "Commune polygons (ADMIN EXPRESS shapefile or GeoPackage, GeoJSON) with an "
        "INSEE code and a population column. Required.",
        example='"donnees/communes.gpkg"'),
    Key("inputs", "population", "path",
        "INSEE Filosofi grid (CSV or GeoPackage, 200 m or 1 km; age bands and "
        "income columns kept). Without it the communes are the places.",
        example='"donnees/carreaux.csv"'),
    Key("inputs", "population_crs", "text",
        "CRS of `x`/`y` when the population grid is a plain point table without "
        "INSEE cell ids, e.g. 'EPSG:3035' (never guessed; a file with cell ids "
        "is read in the CRS its ids carry, whatever this says).",
        example='"EPSG:3035"'),
    Key("inputs", "population_cell_m", "number",
        "Cell side, in metres, of such a point table (200 or 1000); its `x`/`y` "
        "are cell centres.",
        example="200"),
    Key("inputs", "structures", "path",
        "Structures: a vector file (points), or a CSV/XLSX with x/y or lon/lat, "
        "or with an INSEE code and no coordinates (each row placed inside its "
        "commune, said in the report), with `kind` (MSP, CDS, ESP, CPTS, DAC) and "
        "optionally `capacity`. Give this or `finess`.",
        example='"donnees/structures.csv"'),
    Key("inputs", "structures_kind", "text",
        "The kind of every structure when the `structures` file has no `kind` "
        "column, e.g. 'MG' for a BPE count of GPs per commune.",
        example='"MG"'),
    Key("inputs", "structures_crs", "text",
        "CRS of the coordinates of a structures or candidates table, e.g. "
        "'EPSG:2154' or 'EPSG:4326' (never guessed).",
        example='"EPSG:2154"'),
    Key("inputs", "finess", "path",
        "FINESS extraction (etalab-cs1100507-stock-*.csv) instead of `structures`: "
        "the located establishments of the communes are kept, the others counted "
        "in the report.",
        example='"etalab-cs1100507-stock.csv"'),
    Key("inputs", "roads", "path",
        "Road network: .osm.pbf, .osm or OSMnx .graphml, or lines (GeoPackage, "
        "shapefile) with `speed_kmh` and `oneway`. Give this or `matrix`; with "
        "neither, times are a crow-fly estimate, said in every output.",
        example='"donnees/routes.gpkg"'),
    Key("inputs", "matrix", "path",
        "External commune-to-commune table of minutes (columns origin, "
        "destination, time_min), e.g. Metric-OSRM; the communes are then the "
        "places.",
        example='"distancier.csv"'),
    Key("inputs", "cpts_members", "path",
        "CPTS member communes (CSV/XLSX: cpts_id, cpts_name, insee). Without it "
        "no CPTS coverage is computed.",
        example='"donnees/cpts.csv"'),
    Key("inputs", "candidates", "path",
        "Possible sites for new structures (points, or a table with x/y in "
        "`structures_crs`). Default: a point inside each commune that has no "
        "structure of `underserved.kind`.",
        example='"donnees/candidats.csv"'),
    Key("inputs", "filosofi_communes", "path",
        "INSEE Filosofi commune file (base-cc-filosofi-YYYY: MEDyy, TP60yy): the "
        "median standard of living of each place's commune becomes the column "
        "`niveau_vie_median` (set `equity.income` to it to rank by it).",
        example='"base-cc-filosofi-2021.csv"'),
    Key("roads", "profile", "text",
        "How road times are made from `inputs.roads`: 'car' (OSRM's car profile, "
        "the engine of INSEE's Metric-OSRM: class speeds, 80 % of `maxspeed`, "
        "access, barriers, ferries, turn restrictions and turn costs; on lines, "
        "their `speed_kmh` and the same turn costs) or 'free_flow' (coordogeo's "
        "earlier model: typical speeds, `maxspeed` as tagged, no turn costs). "
        "See docs/time-model.md.",
        default="car", choices=("car", "free_flow"),
        attribute="roads_profile"),
    Key("parameters", "kinds", "texts",
        "Kinds of structure to time, e.g. ['MSP', 'CDS'].", default=("MSP",)),
    Key("parameters", "max_time_min", "number",
        "Searches of the nearest structure stop beyond this; farther places are "
        "counted as beyond reach.", default=60.0),
    Key("parameters", "crowfly_speed_kmh", "number",
        "Speed of the crow-fly estimate, used only without roads or matrix.",
        default=50.0),
    Key("parameters", "min_snapped_pct", "number",
        "The run stops when fewer places or structures than this share (in %) "
        "lie near a road: the roads probably do not cover the territory.",
        default=50.0),
    Key("parameters", "n_jobs", "whole",
        "Threads for the travel-time searches (-1: every core, advised for a "
        "region: docs/scale.md).", default=1),
    Key("index", "method", "text",
        "Accessibility index per commune: 'apl' (DREES-style, needs "
        "`age_weights`) or a floating-catchment method.",
        default="e2sfca", choices=INDEX_METHODS),
    Key("index", "kinds", "texts",
        "Kinds whose `capacity` is the supply of the index (e.g. GP FTE of MSP, "
        "CDS, ESP). Default: `parameters.kinds`.", example='["MSP", "CDS", "ESP"]',
        attribute="index_kinds"),
    Key("index", "decay", "text",
        "Distance decay: a preset name. Default: 'drees_apl' for 'apl', the "
        "method's own otherwise.", choices=tuple(PRESETS), example='"drees_apl"'),
    Key("index", "max_time_min", "number",
        "Catchment of the index, for methods without a stepped decay (2sfca, "
        "bfca, gravity). Default: the decay's last step, else 30.", example="30",
        attribute="index_max_time_min"),
    Key("index", "capacity", "text",
        "Column of the structures holding the supply.", default="capacity"),
    Key("index", "fill_capacity", "number",
        "Value given to missing capacities (counted in the report). Without it a "
        "missing capacity is an error naming the structures.", example="0"),
    Key("index", "consultations_per_fte", "number",
        "Consultations per year of one FTE: when given, capacities in FTE become "
        "consultations and the APL is in C./an/hab.; else it is in FTE per "
        "100 000 inhabitants.", example="5400"),
    Key("index", "age_weights", "weights",
        "Age band column -> relative consumption of care, for 'apl' (e.g. "
        "{ ind_0_3 = 1.6, ... }). Take them from the DREES notice: none is "
        "built in.", example="{ ind_0_3 = 1.6, ind_65_79 = 1.5, ind_80p = 2.0 }"),
    Key("index", "intra_commune_min", "number",
        "Minutes from a commune to itself in the APL.", default=0.0),
    Key("underserved", "kind", "text",
        "Kind of structure the rule and the suggested sites are about. Default: "
        "the first of `parameters.kinds`.", example='"MSP"',
        attribute="underserved_kind"),
    Key("underserved", "time_min", "number",
        "A place farther than this from a structure of `kind` is under-served.",
        default=20.0,
        attribute="underserved_time_min"),
    Key("underserved", "apl_below", "number",
        "With 'apl': also flag the places whose commune's APL is below this "
        "(2.5 is the DREES under-density line).", example="2.5"),
    Key("underserved", "combine", "text",
        "'all': every rule must fire; 'any': one is enough.", default="all",
        choices=("all", "any")),
    Key("underserved", "n_sites", "whole",
        "How many new sites to suggest (0: none).", default=3),
    Key("equity", "enabled", "flag",
        "Access by standard of living (indices, decile table, chart, bivariate "
        "layer). Default: on when the places have the `income` column (the "
        "Filosofi grid's Ind_snv), off otherwise.", example="true",
        attribute="equity"),
    Key("equity", "income", "text",
        "Column of the places holding the income per person.",
        default="niveau_vie_moyen"),
    Key("equity", "groups", "whole",
        "Groups of equal population for the table (10: deciles).", default=10),
    Key("outputs", "folder", "folder",
        "Output folder: new, empty, or written by coordogeo before (its manifest "
        "lists the files it replaces). Required.", example='"resultats"'),
    Key("outputs", "title", "text",
        "Name of the territory or study, written under the title of every map "
        "(e.g. 'ARS Occitanie — Lot').", example='"Lot (46)"'),
    Key("outputs", "source", "text",
        "Source line of every map: the data and their dates (e.g. 'INSEE "
        "Filosofi 2019, FINESS 2026-05, OSM 2026-04').",
        example='"INSEE Filosofi 2019, FINESS 2026-05, OpenStreetMap 2026-04"',
        attribute="source_line"),
    Key("outputs", "lang", "text", "Language of maps and report.", default="fr",
        choices=LANGS),
    Key("outputs", "csv", "text",
        "'excel': ';', decimal comma, UTF-8 with BOM (French Excel); 'plain': ',', "
        "decimal point, UTF-8.", default="excel", choices=("excel", "plain")),
    Key("outputs", "map_max_places", "whole",
        "Beyond this many places (cells or communes), a map draws them as one "
        "image, each pixel the class colour of the place under it (no tooltips; "
        "a note on the map says so), so that a region's page still opens in a "
        "browser; every place stays in the tables and the GeoPackage.",
        default=20_000),
    Key("compute", "cache", "flag",
        "Keep the road network built from `inputs.roads` in coordogeo's cache "
        "folder (keyed by the file's path, size and date and the coordogeo "
        "version): the next run loads it in seconds instead of building it.",
        default=True),
    Key("compute", "cache_folder", "folder",
        "Where the cache lives. Default: $XDG_CACHE_HOME/coordogeo, else "
        "~/.cache/coordogeo.", example='"/data/cache_coordogeo"'),
    Key("compute", "scheduler", "text",
        "Address of a dask.distributed scheduler ('tcp://host:8786') that runs "
        "the travel-time searches (pip install 'coordogeo[compute]'); results are "
        "the same as on this machine. See 'Passer à l'échelle'.",
        example='"tcp://10.0.0.5:8786"'),
    Key("compare", "as_of", "text",
        "A date (YYYY-MM-DD): compare the structures open on that date (their "
        "`date_opened`; FINESS `dateouv`, else `dateautor`) with today's, on this "
        "run's places and roads. Give this or `before`.", example='"2019-01-01"',
        attribute="compare_as_of"),
    Key("compare", "before", "path",
        "Another config whose inputs are the 'before' side (an older grid or "
        "commune layer, older structures); times on this run's roads. Give this "
        "or `as_of`.", example='"config_2019.toml"',
        attribute="compare_before"),
    Key("compare", "cog_history", "path",
        "INSEE commune-movement table (mvtcommune): brings the commune codes of "
        "the `before` side's places (communes) to this run's before comparing.",
        example='"mvtcommune_2025.csv"',
        attribute="compare_history"),
    Key("compare", "name", "text",
        "Label of the comparison in tables, map and report. Default: 'évolution "
        "depuis <as_of>' (or the other config's file name).",
        example='"Évolution 2019 - aujourd\'hui"',
        attribute="compare_name"),
)  # fmt: skip

#: The keys of a ``[[scenario]]`` table (one table per scenario), for the docs.
SCENARIO_KEYS: Final = (
    ("name", "text", "The scenario's name, in tables, maps and report. Required."),
    ("open", "list of tables, or path of a file",
     ("Structures to open: `{ kind = 'MSP', insee = '46042' }` (a point inside the "
     "commune) or `{ kind = 'MSP', x = ..., y = ... }` (in `inputs.structures_crs`), "
     "with optional `capacity`, `name`, `id`; or a structures file read like "
     "`inputs.structures`.")),
    ("close", "list of texts", ("Ids of structures to close. A move is a close and "
     "an open.")),
    ("capacity", "table of numbers", ("Structure id -> new capacity (the index is "
     "re-weighed, no time changes).")),
    ("suggest", "whole number", ("Open the optimal number of sites of "
     "`underserved.kind` among the candidates (exact maximal covering at "
     "`underserved.time_min`).")),
)  # fmt: skip

_BY_SECTION: Final[dict[str, dict[str, Key]]] = {}
for _each in SCHEMA:
    _BY_SECTION.setdefault(_each.section, {})[_each.name] = _each
_REQUIRED: Final = ("inputs.communes", "outputs.folder")


@dataclass(frozen=True)
class RunConfig:
    """A checked config. Paths are absolute; missing keys hold their default.

    Build it with :func:`load_config`; :meth:`with_folder` gives the same config
    with another output folder (``coordogeo run CONFIG --out DIR``).
    """

    communes: Path
    folder: Path
    population: Path | None = None
    population_crs: str | None = None
    population_cell_m: float | None = None
    structures: Path | None = None
    structures_crs: str | None = None
    structures_kind: str | None = None
    finess: Path | None = None
    roads: Path | None = None
    roads_profile: Literal["car", "free_flow"] = "car"
    matrix: Path | None = None
    cpts_members: Path | None = None
    candidates: Path | None = None
    filosofi_communes: Path | None = None
    kinds: tuple[str, ...] = ("MSP",)
    max_time_min: float = 60.0
    crowfly_speed_kmh: float = 50.0
    min_snapped_pct: float = 50.0
    n_jobs: int = 1
    method: str = "e2sfca"
    index_kinds: tuple[str, ...] | None = None
    decay: str | None = None
    index_max_time_min: float | None = None
    capacity: str = "capacity"
    fill_capacity: float | None = None
    consultations_per_fte: float | None = None
    age_weights: Mapping[str, float] | None = None
    intra_commune_min: float = 0.0
    underserved_kind: str | None = None
    underserved_time_min: float = 20.0
    apl_below: float | None = None
    combine: Literal["all", "any"] = "all"
    n_sites: int = 3
    equity: bool | None = None
    income: str = "niveau_vie_moyen"
    groups: int = 10
    title: str | None = None
    source_line: str | None = None
    lang: Lang = "fr"
    csv: Literal["excel", "plain"] = "excel"
    map_max_places: int = 20_000
    cache: bool = True
    cache_folder: Path | None = None
    scheduler: str | None = None
    compare_as_of: str | None = None
    compare_before: Path | None = None
    compare_history: Path | None = None
    compare_name: str | None = None
    scenarios: tuple[ScenarioSpec, ...] = ()
    source: Path = field(default=Path("config.toml"), compare=False)

    @property
    def inputs(self) -> dict[str, Path]:
        """The input files named by the config, by key (``inputs.communes`` …)."""
        return {
            f"inputs.{k.name}": getattr(self, k.name)
            for k in SCHEMA
            if k.section == "inputs"
            and k.kind == "path"
            and getattr(self, k.name) is not None
        }

    @property
    def compares(self) -> bool:
        """Whether the run compares with another date or config (``[compare]``)."""
        return self.compare_as_of is not None or self.compare_before is not None

    @property
    def index_bound_min(self) -> float:
        """The index's catchment: given, else the decay's last step, else 30."""
        if self.index_max_time_min is not None:
            return self.index_max_time_min
        if self.method == "apl":
            return default_bound_min("2sfca", self.decay or "drees_apl")
        return default_bound_min(self.method, self.decay)

    @property
    def timed_kind(self) -> str:
        """The kind the under-served rule and the suggested sites are about."""
        return self.underserved_kind or self.kinds[0]

    def with_folder(self, folder: str | Path) -> RunConfig:
        """Return the same config writing into ``folder`` (made absolute)."""
        values = {f.name: getattr(self, f.name) for f in fields(self)}
        values["folder"] = Path(folder).resolve()
        return RunConfig(**values)

    def parameters(self) -> dict[str, Any]:
        """Every setting as ``section.key -> value`` (paths as text), for the report."""
        out: dict[str, Any] = {}
        for key in SCHEMA:
            value = getattr(self, key.field)
            if isinstance(value, Path):
                value = str(value)
            elif isinstance(value, tuple):
                value = list(value)
            elif isinstance(value, Mapping):
                value = dict(value)
            out[key.dotted] = value
        if self.scenarios:
            out["scenario"] = [s.name for s in self.scenarios]
        return out


def load_config(path: str | Path) -> RunConfig:
    r"""Read and check a TOML config; every problem names its key and the fix.

    Parameters
    ----------
    path
        The TOML file. Relative paths in it are read from its folder.

    Returns
    -------
    RunConfig
        The checked values, defaults filled in.

    Raises
    ------
    ConfigError
        A missing or unreadable file, TOML syntax, an unknown section or key (with
        the closest known one), a value of the wrong type or out of range, a
        missing input file, exclusive inputs given together, an unknown choice.
        Every problem is listed at once.

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> folder = Path(tempfile.mkdtemp())
    >>> _ = (folder / "communes.gpkg").write_bytes(b"")
    >>> _ = (folder / "c.toml").write_text(
    ...     '[inputs]\ncommunes = "communes.gpkg"\nstructure = "s.csv"\n'
    ...     '[outputs]\nfolder = "out"\n', encoding="utf-8")
    >>> load_config(folder / "c.toml")
    Traceback (most recent call last):
    ...
    coordogeo.pipeline.config.ConfigError: ...c.toml: 2 problem(s):
      - unknown key `inputs.structure` (did you mean `structures`?); ...
      - give exactly one of `inputs.structures` ... and `inputs.finess` ...
    """
    source = Path(path)
    if not source.is_file():
        raise ConfigError(
            f"Config file {str(source)!r} not found; write one with "
            "`coordogeo init DIR`."
        )
    try:
        raw = tomllib.loads(source.read_text(encoding="utf-8-sig"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as err:
        raise ConfigError(f"{source}: not valid TOML ({err}).") from err
    problems: list[str] = []
    values: dict[str, Any] = {}
    given: set[str] = set()  # keys present, valid or not
    for section, content in raw.items():
        if section == "scenario":
            specs, found = parse_scenarios(content, source.parent.resolve())
            problems += found
            values["scenarios"] = specs
            continue
        if section not in _BY_SECTION:
            problems.append(
                f"unknown section [{section}]{_close(section, _BY_SECTION)}; the "
                f"sections are {', '.join(f'[{s}]' for s in _BY_SECTION)} and "
                "[[scenario]]"
            )
            continue
        if not isinstance(content, dict):
            problems.append(f"`{section}` must be a section [{section}], not a value")
            continue
        for name, value in content.items():
            key = _BY_SECTION[section].get(name)
            if key is None:
                known = ", ".join(_BY_SECTION[section])
                problems.append(
                    f"unknown key `{section}.{name}`"
                    f"{_close(name, _BY_SECTION[section])}; [{section}] takes {known}"
                )
                continue
            given.add(key.field)
            checked, problem = _checked(key, value, source.parent.resolve())
            if problem:
                problems.append(problem)
            else:
                values[key.field] = checked
    problems += _cross_checks(values, given)
    if problems:
        raise ConfigError(
            f"{source}: {len(problems)} problem(s):\n  - " + "\n  - ".join(problems)
        )
    return RunConfig(source=source.resolve(), **values)


def _close(name: str, known: Mapping[str, Any]) -> str:
    """Return ' (did you mean `x`?)' for a near miss, else ''."""
    match = difflib.get_close_matches(name, list(known), n=1)
    return f" (did you mean `{match[0]}`?)" if match else ""


Checked = tuple[Any, str | None]


def _checked(key: Key, value: Any, base: Path) -> Checked:
    """Return (value, None) when ``value`` fits ``key``, else (None, the problem)."""
    bad = (
        f"`{key.dotted}` must be a {_TYPE_WORDS[key.kind]} "
        f"({_first_sentence(key.help)}), got {value!r}"
    )
    if key.kind in ("path", "folder"):
        return _path(key, value, base, bad)
    if key.kind == "weights":
        return _weights(key, value, bad)
    if key.kind == "flag":
        return (value, None) if isinstance(value, bool) else (None, bad)
    checker = {
        "text": _text,
        "texts": _texts,
        "whole": _whole,
        "number": _number,
    }[key.kind]
    return checker(key, value, bad)


def _path(key: Key, value: Any, base: Path, bad: str) -> Checked:
    if not isinstance(value, str) or not value.strip():
        return None, bad
    path = existing_path((base / value).resolve())
    if key.kind == "path" and not path.is_file():
        return None, f"`{key.dotted}`: no file at {str(path)!r}; check the path"
    return path, None


def _text(key: Key, value: Any, bad: str) -> Checked:
    if not isinstance(value, str):
        return None, bad
    if key.choices and value not in key.choices:
        return (
            None,
            f"`{key.dotted}` is {value!r}; choose one of {', '.join(key.choices)}",
        )
    return value, None


def _texts(key: Key, value: Any, bad: str) -> Checked:
    ok = isinstance(value, list) and value and all(isinstance(v, str) for v in value)
    if not ok or len(set(value)) != len(value):
        return None, bad + "; write e.g. ['MSP', 'CDS'], each once"
    return tuple(value), None


def _whole(key: Key, value: Any, bad: str) -> Checked:
    if key.name == "n_jobs":
        if is_whole(value, 1) or value == -1:
            return value, None
        return None, f"`{key.dotted}` must be a whole number >= 1 or -1, got {value!r}"
    if is_whole(value):
        return value, None
    return None, f"`{key.dotted}` must be a whole number >= 0, got {value!r}"


def _number(key: Key, value: Any, bad: str) -> Checked:
    zero_ok = key.name in _ZERO_OK
    if not (_is_number(value) and (value >= 0 if zero_ok else value > 0)):
        sign = ">= 0" if zero_ok else "> 0"
        return None, f"`{key.dotted}` must be a number {sign}, got {value!r}"
    if key.name == "min_snapped_pct" and value > 100:  # noqa: PLR2004
        return None, f"`{key.dotted}` is a percentage (0-100), got {value!r}"
    return float(value), None


#: Number keys where 0 is a meaningful value.
_ZERO_OK: Final = ("fill_capacity", "intra_commune_min", "min_snapped_pct")


def _is_number(value: Any) -> bool:
    """Tell a finite int or float (TOML's nan and inf are refused) from a bool."""
    return (
        isinstance(value, int | float)
        and not isinstance(value, bool)
        and math.isfinite(value)
    )


def _weights(key: Key, value: Any, bad: str) -> Checked:
    """Check a table of non-negative numbers."""
    if not isinstance(value, dict) or not value:
        return None, bad + "; write e.g. { ind_0_3 = 1.6, ind_4_5 = 0.9 }"
    wrong = [k for k, v in value.items() if not _is_number(v) or v < 0]
    if wrong:
        return None, f"`{key.dotted}`: {wrong} must be numbers >= 0"
    return {k.lower(): float(v) for k, v in value.items()}, None


def _first_sentence(text: str) -> str:
    """Return the first sentence of a key's help, without its final stop.

    >>> _first_sentence("CRS of `x`/`y`, e.g. 'EPSG:3035' (never guessed). Else.")
    "CRS of `x`/`y`, e.g. 'EPSG:3035' (never guessed)"
    """
    return re.split(r"\.(?=\s+[A-Z`\[]|\s*$)", text, maxsplit=1)[0]


def _cross_checks(values: dict[str, Any], given: set[str]) -> list[str]:
    """Check required keys, exclusive inputs and keys that only work together.

    ``values`` holds the keys that passed their own check, ``given`` every key
    written; a key given with a bad value has its own problem already, so it is
    never also reported as missing.
    """
    problems = [
        f"`{dotted}` is required ({_first_sentence(_key(dotted).help)})"
        for dotted in _REQUIRED
        if _key(dotted).name not in given
    ]
    if ("structures" in given) == ("finess" in given):
        problems.append(
            "give exactly one of `inputs.structures` (a table or vector file) and "
            "`inputs.finess` (a FINESS extraction)"
        )
    point_table = [k for k in ("population_crs", "population_cell_m") if k in given]
    if point_table and "population" not in given:
        problems.append(
            f"`inputs.{point_table[0]}` describes `inputs.population`, which is not "
            "given"
        )
    elif len(point_table) == 1:
        problems.append(
            "`inputs.population_crs` and `inputs.population_cell_m` go together (a "
            "point table needs both)"
        )
    if "roads" in given and "matrix" in given:
        problems.append("give `inputs.roads` or `inputs.matrix`, not both")
    if "matrix" in given and "population" in given:
        problems.append(
            "`inputs.matrix` is commune to commune: leave out `inputs.population`"
        )
    method = values.get("method", "e2sfca")
    if method == "apl" and "age_weights" not in given:
        problems.append(
            "`index.method = 'apl'` needs `index.age_weights` (age band -> weight); "
            "take them from the DREES notice"
        )
    if method != "apl":
        problems += [
            f"`index.{name}` applies to `index.method = 'apl'` only"
            for name in ("age_weights",)
            if name in values
        ]
        if "apl_below" in values:
            problems.append("`underserved.apl_below` needs `index.method = 'apl'`")
    kind = values.get("underserved_kind")
    kinds = values.get("kinds", ("MSP",))
    if values.get("groups", 10) < 2:  # noqa: PLR2004
        problems.append("`equity.groups` must be 2 or more (10: deciles)")
    if kind is not None and kind not in kinds:
        problems.append(
            f"`underserved.kind` is {kind!r}, not one of `parameters.kinds` "
            f"{list(kinds)}"
        )
    return problems + _compare_checks(values)


def _compare_checks(values: dict[str, Any]) -> list[str]:
    """``[compare]``: one of as_of / before, a real date, the history with before."""
    as_of, before = values.get("compare_as_of"), values.get("compare_before")
    problems = []
    if as_of is not None and before is not None:
        problems.append("give `compare.as_of` or `compare.before`, not both")
    if (
        as_of is None
        and before is None
        and ("compare_history" in values or "compare_name" in values)
    ):
        problems.append("[compare] needs `as_of` (a date) or `before` (a config)")
    if "compare_history" in values and before is None and as_of is not None:
        problems.append("`compare.cog_history` applies to `compare.before` only")
    if as_of is not None:
        try:
            dated = not pd.isna(pd.Timestamp(as_of))
        except (TypeError, ValueError):
            dated = False
        if not dated:
            problems.append(
                f"`compare.as_of` must be a date such as '2019-01-01', got {as_of!r}"
            )
    return problems


def _key(dotted: str) -> Key:
    section, name = dotted.split(".")
    return _BY_SECTION[section][name]


def _default_text(key: Key) -> str:
    """Write the default of a key as TOML would, or '(none)'."""
    if key.default is None:
        return "(none)"
    return _toml(key.default)


def _toml(value: Any) -> str:
    if isinstance(value, bool):  # before int: True is an int
        return "true" if value else "false"
    if isinstance(value, str):
        return f'"{value}"'
    if isinstance(value, tuple | list):
        return "[" + ", ".join(_toml(v) for v in value) + "]"
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def schema_text(width: int = 88) -> str:
    """Every key with its type, default and meaning, for ``coordogeo run --help``."""
    import textwrap  # noqa: PLC0415 - only for help text

    lines = ["config keys (TOML):"]
    for section in _BY_SECTION:
        lines.append(f"  [{section}]")
        for key in _BY_SECTION[section].values():
            choices = f"; one of {', '.join(key.choices)}" if key.choices else ""
            lines.append(
                f"    {key.name} ({_TYPE_WORDS[key.kind]}, default "
                f"{_default_text(key)}{choices})"
            )
            lines += textwrap.wrap(
                key.help, width, initial_indent=" " * 8, subsequent_indent=" " * 8
            )
    lines.append("  [[scenario]] (one table per scenario)")
    for name, kind, meaning in SCENARIO_KEYS:
        lines.append(f"    {name} ({kind})")
        lines += textwrap.wrap(
            meaning, width, initial_indent=" " * 8, subsequent_indent=" " * 8
        )
    return "\n".join(lines)


def schema_markdown() -> str:
    """Return the docs page listing every key (``docs/config.md`` is this text)."""
    out = [
        "# Config reference",
        "",
        (
            "Every key `coordogeo run CONFIG` reads, generated from "
            "`coordogeo.pipeline.config.SCHEMA` (a test checks this page against "
            "it). `coordogeo init DIR` writes a commented config; `coordogeo run "
            "--help` prints this list. Relative paths are read from the config's "
            "folder."
        ),
        "",
    ]
    for section, keys in _BY_SECTION.items():
        out += [
            f"## [{section}]",
            "",
            "| key | type | default | meaning |",
            "|---|---|---|---|",
        ]
        for key in keys.values():
            choices = (
                " One of " + ", ".join(f"`{c}`" for c in key.choices) + "."
                if key.choices
                else ""
            )
            default = "" if key.default is None else f"`{_toml(key.default)}`"
            out.append(
                f"| `{key.name}` | {_TYPE_WORDS[key.kind]} | {default} | "
                f"{key.help}{choices} |"
            )
        out.append("")
    out += [
        "## [[scenario]]",
        "",
        (
            "One table per what-if scenario, each compared with the current "
            "situation: inhabitants within 10 / 20 / 30 min and `underserved.time_min` "
            "of each kind, before and after (`scenarios.csv`, one map and one "
            "report section per scenario). See *Scénarios et évolutions*."
        ),
        "",
        "| key | type | meaning |",
        "|---|---|---|",
        *(
            f"| `{name}` | {kind} | {meaning} |"
            for name, kind, meaning in SCENARIO_KEYS
        ),
        "",
    ]
    return "\n".join(out)


def config_template(
    values: Mapping[str, str] | None = None, *, comments: Sequence[str] = ()
) -> str:
    """Return a commented TOML config: every key, with its meaning above it.

    Parameters
    ----------
    values
        ``section.key`` -> TOML text of the value to write (uncommented); the other
        keys are written commented out, with their example or default.
    comments
        Lines written at the top, each as a comment.
    """
    given = dict(values or {})
    lines = [f"# {c}" if c else "#" for c in comments]
    for section, keys in _BY_SECTION.items():
        lines += ["", f"[{section}]"]
        for key in keys.values():
            lines.append(f"# {key.help}")
            if key.dotted in given:
                lines.append(f"{key.name} = {given.pop(key.dotted)}")
            else:
                shown = key.example or (
                    _toml(key.default) if key.default is not None else '""'
                )
                lines.append(f"# {key.name} = {shown}")
    if given:
        raise ValueError(f"unknown keys {sorted(given)}")  # pragma: no cover
    return "\n".join(lines) + "\n"
