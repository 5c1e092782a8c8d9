"""Every key of the batch run's config, declared once: the :class:`RunConfig` fields.

Each field of :class:`RunConfig` is one key (:func:`key`): its section and name in
the TOML file, how its value is checked, its help, default, choices and example.
:data:`SCHEMA` derives from these fields; :func:`~coordogeo.pipeline.config.
load_config` checks a file against it, and the key table, ``docs/config.md`` and
the config template are written from it (:mod:`~coordogeo.pipeline.schema_docs`).
A new key is one field here, plus the step that reads it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import MISSING, Field, dataclass, field, fields
from pathlib import Path
from typing import Any, Final, Literal

from coordogeo._columns import LANGS, Lang
from coordogeo.access.decay import PRESETS
from coordogeo.access.fca import METHODS, default_bound_min
from coordogeo.maps.figure import PAPERS
from coordogeo.pipeline.specs import ScenarioSpec

__all__ = [
    "BY_SECTION",
    "INDEX_METHODS",
    "REQUIRED",
    "SCENARIO_KEYS",
    "SCHEMA",
    "Key",
    "RunConfig",
    "key",
    "key_named",
]

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


def key(
    section: str,
    kind: Kind,
    help: str,
    *,
    default: Any = MISSING,
    name: str | None = None,
    choices: tuple[str, ...] = (),
    example: str | None = None,
) -> Any:
    """Declare a config key as a :class:`RunConfig` field: its one definition.

    ``section`` and ``name`` (default: the field's name) place it in the TOML file;
    ``kind`` says how its value is checked; ``help``, ``default``, ``choices`` and
    ``example`` make the key table, ``docs/config.md`` and the config template.
    Without ``default`` the key is required.
    """
    meta = {"section": section, "kind": kind, "help": help, "name": name,
            "choices": choices, "example": example}  # fmt: skip
    return field(default=default, metadata={"key": meta})


@dataclass(frozen=True, kw_only=True)
class RunConfig:
    """A checked config. Paths are absolute; missing keys hold their default.

    Build it with :func:`load_config`; :meth:`with_folder` gives the same config
    with another output folder (``coordogeo run CONFIG --out DIR``).
    """

    communes: Path = key(
        "inputs",
        "path",
        "Commune polygons (ADMIN EXPRESS shapefile or GeoPackage, GeoJSON) with an "
        "INSEE code and a population column. Required.",
        example='"donnees/communes.gpkg"',
    )
    population: Path | None = key(
        "inputs",
        "path",
        "INSEE Filosofi grid (CSV or GeoPackage, 200 m or 1 km; age bands and "
        "income columns kept). Without it the communes are the places.",
        default=None,
        example='"donnees/carreaux.csv"',
    )
    population_crs: str | None = key(
        "inputs",
        "text",
        "CRS of `x`/`y` when the population grid is a plain point table without "
        "INSEE cell ids, e.g. 'EPSG:3035' (never guessed; a file with cell ids "
        "is read in the CRS its ids carry, whatever this says).",
        default=None,
        example='"EPSG:3035"',
    )
    population_cell_m: float | None = key(
        "inputs",
        "number",
        "Cell side, in metres, of such a point table (200 or 1000); its `x`/`y` "
        "are cell centres.",
        default=None,
        example="200",
    )
    structures: Path | None = key(
        "inputs",
        "path",
        "Structures: a vector file (points), or a CSV/XLSX with x/y or lon/lat, "
        "or with an INSEE code and no coordinates (each row placed inside its "
        "commune, said in the report), with `kind` (MSP, CDS, ESP, CPTS, DAC) and "
        "optionally `capacity`. Give this or `finess`.",
        default=None,
        example='"donnees/structures.csv"',
    )
    structures_kind: str | None = key(
        "inputs",
        "text",
        "The kind of every structure when the `structures` file has no `kind` "
        "column, e.g. 'MG' for a BPE count of GPs per commune.",
        default=None,
        example='"MG"',
    )
    structures_crs: str | None = key(
        "inputs",
        "text",
        "CRS of the coordinates of a structures or candidates table, e.g. "
        "'EPSG:2154' or 'EPSG:4326' (never guessed).",
        default=None,
        example='"EPSG:2154"',
    )
    finess: Path | None = key(
        "inputs",
        "path",
        "FINESS extraction (etalab-cs1100507-stock-*.csv) instead of `structures`: "
        "the located establishments of the communes are kept, the others counted "
        "in the report.",
        default=None,
        example='"etalab-cs1100507-stock.csv"',
    )
    roads: Path | None = key(
        "inputs",
        "path",
        "Road network: .osm.pbf, .osm or OSMnx .graphml, or lines (GeoPackage, "
        "shapefile) with `speed_kmh` and `oneway`. Give this or `matrix`; with "
        "neither, times are a crow-fly estimate, said in every output.",
        default=None,
        example='"donnees/routes.gpkg"',
    )
    matrix: Path | None = key(
        "inputs",
        "path",
        "External commune-to-commune table of minutes (columns origin, "
        "destination, time_min), e.g. Metric-OSRM; the communes are then the "
        "places.",
        default=None,
        example='"distancier.csv"',
    )
    cpts_members: Path | None = key(
        "inputs",
        "path",
        "CPTS member communes (CSV/XLSX: cpts_id, cpts_name, insee). Without it "
        "no CPTS coverage is computed.",
        default=None,
        example='"donnees/cpts.csv"',
    )
    candidates: Path | None = key(
        "inputs",
        "path",
        "Possible sites for new structures (points, or a table with x/y in "
        "`structures_crs`). Default: a point inside each commune that has no "
        "structure of `underserved.kind`.",
        default=None,
        example='"donnees/candidats.csv"',
    )
    filosofi_communes: Path | None = key(
        "inputs",
        "path",
        "INSEE Filosofi commune file (base-cc-filosofi-YYYY: MEDyy, TP60yy): the "
        "median standard of living of each place's commune becomes the column "
        "`niveau_vie_median` (set `equity.income` to it to rank by it).",
        default=None,
        example='"base-cc-filosofi-2021.csv"',
    )
    roads_profile: Literal["car", "free_flow"] = key(
        "roads",
        "text",
        "How road times are made from `inputs.roads`: 'car' (OSRM's car profile, "
        "the engine of INSEE's Metric-OSRM: class speeds, 80 % of `maxspeed`, "
        "access, barriers, ferries, turn restrictions and turn costs; on lines, "
        "their `speed_kmh` and the same turn costs) or 'free_flow' (coordogeo's "
        "earlier model: typical speeds, `maxspeed` as tagged, no turn costs). "
        "See docs/time-model.md.",
        default="car",
        name="profile",
        choices=("car", "free_flow"),
    )
    kinds: tuple[str, ...] = key(
        "parameters",
        "texts",
        "Kinds of structure to time, e.g. ['MSP', 'CDS'].",
        default=("MSP",),
    )
    max_time_min: float = key(
        "parameters",
        "number",
        "Searches of the nearest structure stop beyond this; farther places are "
        "counted as beyond reach.",
        default=60.0,
    )
    crowfly_speed_kmh: float = key(
        "parameters",
        "number",
        "Speed of the crow-fly estimate, used only without roads or matrix.",
        default=50.0,
    )
    min_snapped_pct: float = key(
        "parameters",
        "number",
        "The run stops when fewer places or structures than this share (in %) "
        "lie near a road: the roads probably do not cover the territory.",
        default=50.0,
    )
    n_jobs: int = key(
        "parameters",
        "whole",
        "Threads for the travel-time searches (-1: every core, advised for a "
        "region: docs/scale.md).",
        default=1,
    )
    method: str = key(
        "index",
        "text",
        "Accessibility index per commune: 'apl' (DREES-style, needs "
        "`age_weights`) or a floating-catchment method.",
        default="e2sfca",
        choices=INDEX_METHODS,
    )
    index_kinds: tuple[str, ...] | None = key(
        "index",
        "texts",
        "Kinds whose `capacity` is the supply of the index (e.g. GP FTE of MSP, "
        "CDS, ESP). Default: `parameters.kinds`.",
        default=None,
        name="kinds",
        example='["MSP", "CDS", "ESP"]',
    )
    decay: str | None = key(
        "index",
        "text",
        "Distance decay: a preset name. Default: 'drees_apl' for 'apl', the "
        "method's own otherwise.",
        default=None,
        choices=tuple(PRESETS),
        example='"drees_apl"',
    )
    index_max_time_min: float | None = key(
        "index",
        "number",
        "Catchment of the index, for methods without a stepped decay (2sfca, "
        "bfca, gravity). Default: the decay's last step, else 30.",
        default=None,
        name="max_time_min",
        example="30",
    )
    capacity: str = key(
        "index",
        "text",
        "Column of the structures holding the supply.",
        default="capacity",
    )
    fill_capacity: float | None = key(
        "index",
        "number",
        "Value given to missing capacities (counted in the report). Without it a "
        "missing capacity is an error naming the structures.",
        default=None,
        example="0",
    )
    consultations_per_fte: float | None = key(
        "index",
        "number",
        "Consultations per year of one FTE: when given, capacities in FTE become "
        "consultations and the APL is in C./an/hab.; else it is in FTE per "
        "100 000 inhabitants.",
        default=None,
        example="5400",
    )
    age_weights: Mapping[str, float] | None = key(
        "index",
        "weights",
        "Age band column -> relative consumption of care, for 'apl' (e.g. "
        "{ ind_0_3 = 1.6, ... }). Take them from the DREES notice: none is "
        "built in.",
        default=None,
        example="{ ind_0_3 = 1.6, ind_65_79 = 1.5, ind_80p = 2.0 }",
    )
    intra_commune_min: float = key(
        "index",
        "number",
        "Minutes from a commune to itself in the APL.",
        default=0.0,
    )
    underserved_kind: str | None = key(
        "underserved",
        "text",
        "Kind of structure the rule and the suggested sites are about. Default: "
        "the first of `parameters.kinds`.",
        default=None,
        name="kind",
        example='"MSP"',
    )
    underserved_time_min: float = key(
        "underserved",
        "number",
        "A place farther than this from a structure of `kind` is under-served.",
        default=20.0,
        name="time_min",
    )
    apl_below: float | None = key(
        "underserved",
        "number",
        "With 'apl': also flag the places whose commune's APL is below this "
        "(2.5 is the DREES under-density line).",
        default=None,
        example="2.5",
    )
    combine: Literal["all", "any"] = key(
        "underserved",
        "text",
        "'all': every rule must fire; 'any': one is enough.",
        default="all",
        choices=("all", "any"),
    )
    n_sites: int = key(
        "underserved",
        "whole",
        "How many new sites to suggest (0: none).",
        default=3,
    )
    equity: bool | None = key(
        "equity",
        "flag",
        "Access by standard of living (indices, decile table, chart, bivariate "
        "layer). Default: on when the places have the `income` column (the "
        "Filosofi grid's Ind_snv), off otherwise.",
        default=None,
        name="enabled",
        example="true",
    )
    income: str = key(
        "equity",
        "text",
        "Column of the places holding the income per person.",
        default="niveau_vie_moyen",
    )
    groups: int = key(
        "equity",
        "whole",
        "Groups of equal population for the table (10: deciles).",
        default=10,
    )
    folder: Path = key(
        "outputs",
        "folder",
        "Output folder: new, empty, or written by coordogeo before (its manifest "
        "lists the files it replaces). Required.",
        example='"resultats"',
    )
    title: str | None = key(
        "outputs",
        "text",
        "Name of the territory or study, written under the title of every map "
        "(e.g. 'ARS Occitanie — Lot').",
        default=None,
        example='"Lot (46)"',
    )
    source_line: str | None = key(
        "outputs",
        "text",
        "Source line of every map: the data and their dates (e.g. 'INSEE "
        "Filosofi 2019, FINESS 2026-05, OSM 2026-04').",
        default=None,
        name="source",
        example='"INSEE Filosofi 2019, FINESS 2026-05, OpenStreetMap 2026-04"',
    )
    vintages: tuple[str, ...] = key(
        "outputs",
        "texts",
        "Vintage of each input, as 'key: vintage' (the input's key in the inputs "
        "section): "
        "written in the source line of every map and figure, the report and the "
        "GeoPackage's metadata. What a file says of itself is read from it (the "
        "FINESS extraction date, the Filosofi year); a vintage given here replaces "
        "it.",
        default=(),
        example='["communes: INSEE RP 2021, COG 2024", "roads: OpenStreetMap 2026-04"]',
    )
    lang: Lang = key(
        "outputs",
        "text",
        "Language of maps and report.",
        default="fr",
        choices=LANGS,
    )
    csv: Literal["excel", "plain"] = key(
        "outputs",
        "text",
        "'excel': ';', decimal comma, UTF-8 with BOM (French Excel); 'plain': ',', "
        "decimal point, UTF-8.",
        default="excel",
        choices=("excel", "plain"),
    )
    figures: str = key(
        "outputs",
        "text",
        "Paper of the print figure written beside each map page (`carte_*.png` at "
        "300 dpi and `carte_*.pdf`, vector): the map of the page as it opens, its "
        "legend beside it, a scale bar, a north arrow, the title and the source "
        "line; `none` writes no figure.",
        default="A4-paysage",
        choices=(*PAPERS, "none"),
    )
    map_max_places: int = key(
        "outputs",
        "whole",
        "Beyond this many places (cells or communes), a map draws them as one "
        "image, each pixel the class colour of the place under it (no tooltips; "
        "a note on the map says so), so that a region's page still opens in a "
        "browser; every place stays in the tables and the GeoPackage.",
        default=20_000,
    )
    cache: bool = key(
        "compute",
        "flag",
        "Keep the road network built from `inputs.roads` in coordogeo's cache "
        "folder (keyed by the file's path, size and date and the coordogeo "
        "version): the next run loads it in seconds instead of building it.",
        default=True,
    )
    cache_folder: Path | None = key(
        "compute",
        "folder",
        "Where the cache lives. Default: $XDG_CACHE_HOME/coordogeo, else "
        "~/.cache/coordogeo.",
        default=None,
        example='"/data/cache_coordogeo"',
    )
    scheduler: str | None = key(
        "compute",
        "text",
        "Address of a dask.distributed scheduler ('tcp://host:8786') that runs "
        "the travel-time searches (pip install 'coordogeo[compute]'); results are "
        "the same as on this machine. See 'Passer à l'échelle'.",
        default=None,
        example='"tcp://10.0.0.5:8786"',
    )
    compare_as_of: str | None = key(
        "compare",
        "text",
        "A date (YYYY-MM-DD): compare the structures open on that date (their "
        "`date_opened`; FINESS `dateouv`, else `dateautor`) with today's, on this "
        "run's places and roads. Give this or `before`.",
        default=None,
        name="as_of",
        example='"2019-01-01"',
    )
    compare_before: Path | None = key(
        "compare",
        "path",
        "Another config whose inputs are the 'before' side (an older grid or "
        "commune layer, older structures); times on this run's roads. Give this "
        "or `as_of`.",
        default=None,
        name="before",
        example='"config_2019.toml"',
    )
    compare_history: Path | None = key(
        "compare",
        "path",
        "INSEE commune-movement table (mvtcommune): brings the commune codes of "
        "the `before` side's places (communes) to this run's before comparing.",
        default=None,
        name="cog_history",
        example='"mvtcommune_2025.csv"',
    )
    compare_name: str | None = key(
        "compare",
        "text",
        "Label of the comparison in tables, map and report. Default: 'évolution "
        "depuis <as_of>' (or the other config's file name).",
        default=None,
        name="name",
        example='"Évolution 2019 - aujourd\'hui"',
    )
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


def _key_of(spec: Field[Any]) -> Key:
    """Return the :class:`Key` a :class:`RunConfig` field declares."""
    meta = spec.metadata["key"]
    default = None if spec.default is MISSING else spec.default
    name = meta["name"] or spec.name
    return Key(
        meta["section"], name, meta["kind"], meta["help"],
        default=default,
        choices=meta["choices"], example=meta["example"],
        attribute="" if name == spec.name else spec.name,
    )  # fmt: skip


#: Every key a config accepts, in the order the docs list them (RunConfig's).
SCHEMA: Final[tuple[Key, ...]] = tuple(
    _key_of(spec) for spec in fields(RunConfig) if "key" in spec.metadata
)
BY_SECTION: Final[dict[str, dict[str, Key]]] = {}
for _each in SCHEMA:
    BY_SECTION.setdefault(_each.section, {})[_each.name] = _each
REQUIRED: Final = ("inputs.communes", "outputs.folder")


def key_named(dotted: str) -> Key:
    """Return the key ``section.name``."""
    section, name = dotted.split(".")
    return BY_SECTION[section][name]
