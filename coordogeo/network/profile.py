"""Road-time profiles: the rules that turn OpenStreetMap tags into driving times.

Two profiles, named objects whose tables a user can override:

- :data:`CAR` (``profile="car"``, the default): the rules of OSRM's car profile
  (``car.lua``, OSRM 26), the engine of INSEE's distancier Metric-OSRM and of IGN's
  route service, implemented here from its documented semantics: class speeds,
  ``maxspeed`` read as a limit and driven at 80 % of it, the access hierarchy
  (``motorcar`` > ``motor_vehicle`` > ``vehicle`` > ``access``, with ``:forward`` /
  ``:backward``), every ``oneway`` form, excluded ways (construction, proposed,
  areas, reversible, impassable), size limits, surface / tracktype / smoothness
  caps, ferries, barriers and delays on nodes, turn restrictions and the cost of
  turning (see :class:`TurnCosts`).
- :data:`FREE_FLOW` (``profile="free_flow"``): coordogeo's model before the car
  profile, kept to the bit for comparisons: typical speeds by class, ``maxspeed``
  driven as tagged, ``access=no/private`` refused, no turn costs.

Each way's tags are read once per distinct combination (a region's millions of
ways carry a few thousand): the rules below run per combination, in plain Python.

What OSRM does that this profile does not: weights that differ from durations
("routability": OSRM avoids service roads, narrow or priority-less roads in its
choice of route while reporting their true durations; coordogeo routes by
duration), conditional tags (``maxspeed:conditional``, ``restriction:conditional``),
lane-level guidance, the driving side (France drives on the right).
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Final

from coordogeo.errors import InputError

__all__ = [
    "CAR",
    "FREE_FLOW",
    "MPH_KMH",
    "PROFILES",
    "Profile",
    "TurnCosts",
    "WayRule",
    "node_rule",
    "parse_duration_s",
    "parse_maxspeed_kmh",
    "way_rule",
]


def _number_at_least(value: object, least: float | None) -> bool:
    """Whether ``value`` is a finite number > 0 (``least`` None) or >= ``least``."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return False
    if not math.isfinite(value):
        return False
    return value > 0 if least is None else value >= least


def _frozen(mapping: Mapping[str, float]) -> Mapping[str, float]:
    return MappingProxyType(dict(mapping))


@dataclass(frozen=True)
class TurnCosts:
    """Seconds added when turning, as OSRM's car profile charges them.

    At a junction of more than two roads, on a U-turn, or where the mode changes
    (boarding a ferry), a turn of ``angle`` degrees (0 straight on, > 0 to the
    right, < 0 to the left) costs ``penalty_s / (1 + exp(-(13 / bias · a / 180 -
    6.5 · bias)))`` for a right turn and ``penalty_s / (1 + exp(-(13 · bias · |a| /
    180 - 6.5 / bias)))`` for a left one: about 0 straight on, 2.1 s for a right
    angle to the right, 5.4 s to the left, up to ``penalty_s``. A left turn across
    oncoming traffic (not in a roundabout) adds ``oncoming_s`` times a sigmoid of
    its sharpness; a U-turn adds ``u_turn_s``. U-turns are allowed only at dead
    ends and barriers.
    """

    penalty_s: float = 7.5
    bias: float = 1.075
    oncoming_s: float = 2.0
    u_turn_s: float = 20.0

    def __post_init__(self) -> None:
        """Refuse costs that are not finite and >= 0 (a bias must be > 0)."""
        bad = {
            name: value
            for name, value in (("penalty_s", self.penalty_s),
                                ("oncoming_s", self.oncoming_s),
                                ("u_turn_s", self.u_turn_s))
            if not _number_at_least(value, 0.0)
        }  # fmt: skip
        if not _number_at_least(self.bias, 0.0) or self.bias == 0:
            bad["bias"] = self.bias
        if bad:
            raise InputError(
                f"`TurnCosts` must be finite numbers >= 0 (`bias` > 0); got {bad!r}."
            )


@dataclass(frozen=True)
class Profile:
    """The tables of a road-time profile (frozen: override with ``replace``).

    Attributes
    ----------
    name
        ``"car"`` or ``"free_flow"``; written in every output's ``time_model``.
    speeds_kmh
        Speed by ``highway`` class where no ``maxspeed`` applies; a class absent
        is not driven (unless an access tag allows it: ``default_kmh``).
    maxspeed_factor
        A tagged ``maxspeed`` is driven at this share of the limit (OSRM: 0.8).
    implicit_kmh
        Limits of texts such as ``FR:urban`` (lower case).
    access_hierarchy, access_allowed, access_refused, access_restricted
        The access keys from most to least specific, and how their values read:
        allowed, refused, or restricted (destination, private…: no through traffic;
        coordogeo leaves such ways out, where OSRM makes entering them very costly).
    excluded_highways
        Classes never driven (construction, proposed, steps…).
    surface_kmh, tracktype_kmh, smoothness_kmh
        Caps on the speed by surface quality.
    ferry_kmh
        Speed of a ``route=ferry`` way without a ``duration``; None: no ferries.
    barrier_passable, barrier_delay_s
        Barrier nodes a car passes freely, and those it passes after a delay (gates);
        any other barrier blocks the road.
    signal_s, stop_s, give_way_s
        Delays at a node tagged ``highway=traffic_signals`` / ``stop`` / ``give_way``.
    vehicle_height_m, vehicle_width_m, vehicle_length_m, vehicle_weight_kg
        Ways whose limits are below these are not driven.
    small_component_nodes
        Places snap to a road of a strongly connected piece smaller than this
        (a one-way dead end, a mistagged driveway) only when no road of a larger
        piece lies within ``max_snap_m`` (OSRM's ``--small-component-size``,
        1000); 0: the nearest road, whatever its piece.
    turns
        Turn costs and restrictions; None: a node graph without them.
    """

    name: str
    speeds_kmh: Mapping[str, float]
    maxspeed_factor: float = 0.8
    implicit_kmh: Mapping[str, float] = field(default_factory=dict)
    default_kmh: float = 10.0
    access_hierarchy: tuple[str, ...] = (
        "motorcar",
        "motor_vehicle",
        "vehicle",
        "access",
    )
    access_allowed: frozenset[str] = frozenset()
    access_refused: frozenset[str] = frozenset()
    access_restricted: frozenset[str] = frozenset()
    excluded_highways: frozenset[str] = frozenset()
    surface_kmh: Mapping[str, float] = field(default_factory=dict)
    tracktype_kmh: Mapping[str, float] = field(default_factory=dict)
    smoothness_kmh: Mapping[str, float] = field(default_factory=dict)
    ferry_kmh: float | None = None
    barrier_passable: frozenset[str] = frozenset()
    barrier_delay_s: Mapping[str, float] = field(default_factory=dict)
    signal_s: float = 0.0
    stop_s: float = 0.0
    give_way_s: float = 0.0
    vehicle_height_m: float = 2.0
    vehicle_width_m: float = 1.9
    vehicle_length_m: float = 4.8
    vehicle_weight_kg: float = 2000.0
    small_component_nodes: int = 0
    turns: TurnCosts | None = None

    def __post_init__(self) -> None:
        """Refuse a speed, factor or delay that would make an edge's time wrong.

        Class speeds, the default speed, the ferry speed and the ``maxspeed``
        factor must be finite and > 0; the caps by surface finite and >= 0 (0:
        not driven); delays finite and >= 0. All problems are named at once.
        """
        bad: dict[str, object] = {}
        tables = (
            ("speeds_kmh", self.speeds_kmh, None),
            ("implicit_kmh", self.implicit_kmh, None),
            ("surface_kmh", self.surface_kmh, 0.0),
            ("tracktype_kmh", self.tracktype_kmh, 0.0),
            ("smoothness_kmh", self.smoothness_kmh, 0.0),
            ("barrier_delay_s", self.barrier_delay_s, 0.0),
        )
        for name, table, least in tables:
            wrong = {k: v for k, v in table.items() if not _number_at_least(v, least)}
            if wrong:
                bad[name] = wrong
        for name, value, least in (("maxspeed_factor", self.maxspeed_factor, None),
                                   ("default_kmh", self.default_kmh, None),
                                   ("signal_s", self.signal_s, 0.0),
                                   ("stop_s", self.stop_s, 0.0),
                                   ("give_way_s", self.give_way_s, 0.0)):  # fmt: skip
            if not _number_at_least(value, least):
                bad[name] = value
        if self.ferry_kmh is not None and not _number_at_least(self.ferry_kmh, None):
            bad["ferry_kmh"] = self.ferry_kmh
        if bad:
            raise InputError(
                f"profile {self.name!r}: speeds must be finite and > 0 km/h (caps "
                f"and delays >= 0); got {bad!r}. A class to leave out is left out of "
                "`speeds_kmh`, not given 0."
            )

    @property
    def description(self) -> str:
        """How times on this profile are made, in one line (English)."""
        if self.name == "car":
            return (
                "car profile after OSRM's car.lua (class speeds, maxspeed × "
                f"{self.maxspeed_factor:g}, access, barriers, ferries, turn "
                "restrictions and turn costs)"
            )
        return "free-flow speeds by road class (maxspeed as tagged, no turn costs)"


#: OSRM's car profile: speeds by class (km/h).
_OSRM_SPEEDS: Final = {
    "motorway": 90,
    "motorway_link": 45,
    "trunk": 85,
    "trunk_link": 40,
    "primary": 65,
    "primary_link": 30,
    "secondary": 55,
    "secondary_link": 25,
    "tertiary": 40,
    "tertiary_link": 20,
    "unclassified": 25,
    "residential": 25,
    "living_street": 10,
    "service": 15,
}

CAR: Final = Profile(
    name="car",
    speeds_kmh=_frozen(_OSRM_SPEEDS),
    maxspeed_factor=0.8,
    implicit_kmh=_frozen(
        {
            "fr:urban": 50,
            "fr:rural": 80,
            "fr:motorway": 130,
            "fr:trunk": 110,
            "fr:zone30": 30,
            "fr:zone20": 20,
            "none": 140,
        }
    ),
    default_kmh=10.0,
    access_allowed=frozenset(
        {
            "yes",
            "motorcar",
            "motor_vehicle",
            "vehicle",
            "permissive",
            "designated",
            "hov",
        }
    ),
    access_refused=frozenset(
        {
            "no",
            "agricultural",
            "forestry",
            "emergency",
            "psv",
            "taxi",
            "share_taxi",
            "minibus",
            "bus",
            "foot",
            "emergency_vehicle",
            "restricted",
            "military",
            "official",
            "customers",
            "private",
            "delivery",
            "destination",
            "permit",
            "residents",
        }
    ),
    access_restricted=frozenset(
        {
            "private",
            "delivery",
            "destination",
            "customers",
            "permit",
            "residents",
            "unknown",
        }
    ),
    excluded_highways=frozenset({"construction", "proposed", "steps", "area"}),
    surface_kmh=_frozen(
        {
            "cement": 80,
            "compacted": 80,
            "fine_gravel": 80,
            "paving_stones": 60,
            "metal": 60,
            "bricks": 60,
            "grass": 40,
            "wood": 40,
            "sett": 40,
            "grass_paver": 40,
            "gravel": 40,
            "unpaved": 40,
            "ground": 40,
            "dirt": 40,
            "pebblestone": 40,
            "tartan": 40,
            "cobblestone": 30,
            "clay": 30,
            "earth": 20,
            "stone": 20,
            "rocky": 20,
            "sand": 20,
            "laterite": 15,
            "mud": 10,
            "ice": 20,
            "snow": 30,
        }
    ),
    tracktype_kmh=_frozen(
        {"grade1": 60, "grade2": 40, "grade3": 30, "grade4": 25, "grade5": 20}
    ),
    smoothness_kmh=_frozen(
        {
            "intermediate": 80,
            "bad": 40,
            "very_bad": 20,
            "horrible": 10,
            "very_horrible": 5,
            "impassable": 0,
        }
    ),
    ferry_kmh=5.0,
    barrier_passable=frozenset(
        {
            "cattle_grid",
            "border_control",
            "toll_booth",
            "sally_port",
            "no",
            "entrance",
            "height_restrictor",
            "arch",
        }
    ),
    barrier_delay_s=_frozen({"gate": 60, "lift_gate": 60}),
    signal_s=2.0,
    stop_s=2.0,
    give_way_s=1.0,
    small_component_nodes=1000,
    turns=TurnCosts(),
)

#: coordogeo's free-flow model (before the car profile), kept for comparisons.
FREE_FLOW: Final = Profile(
    name="free_flow",
    speeds_kmh=_frozen(
        {
            "motorway": 110,
            "motorway_link": 60,
            "trunk": 90,
            "trunk_link": 50,
            "primary": 70,
            "primary_link": 40,
            "secondary": 60,
            "secondary_link": 40,
            "tertiary": 50,
            "tertiary_link": 30,
            "unclassified": 40,
            "road": 30,
            "residential": 30,
            "living_street": 15,
            "service": 20,
        }
    ),
    maxspeed_factor=1.0,
    implicit_kmh=_frozen(
        {
            "fr:urban": 50,
            "fr:rural": 80,
            "fr:motorway": 130,
            "fr:zone30": 30,
            "fr:zone20": 20,
            "fr:walk": 6,
        }
    ),
    access_refused=frozenset({"no", "private"}),
)

#: The profiles by name.
PROFILES: Final[Mapping[str, Profile]] = MappingProxyType(
    {"car": CAR, "free_flow": FREE_FLOW}
)

#: Kilometres in a mile: ``maxspeed`` in mph.
MPH_KMH: Final = 1.609344
_NUMBER = re.compile(r"\s*(\d+(?:[.,]\d+)?)")


def parse_maxspeed_kmh(text: str | None, profile: Profile) -> float:
    """Read a ``maxspeed`` text as km/h; NaN when it says no usable limit.

    Numbers (``50``, ``50 km/h``), ``mph`` (× 1.609344), the texts of
    ``implicit_kmh`` (``FR:urban`` 50, ``FR:rural`` 80, ``FR:motorway`` 130,
    ``FR:zone30`` 30, ``none``); a list written in one tag (``50;30``) is read by
    its first value, as OSRM reads it (an OSMnx edge merged from ways of several
    limits is read by its lowest: see :mod:`coordogeo.network.osm`). Other texts
    (``walk``, ``signals``, a conditional form) say no limit here: the class speed
    applies, as in OSRM.

    Examples
    --------
    >>> parse_maxspeed_kmh("50", CAR), parse_maxspeed_kmh("FR:rural", CAR)
    (50.0, 80.0)
    >>> round(parse_maxspeed_kmh("30 mph", CAR), 2), parse_maxspeed_kmh("50;30", CAR)
    (48.28, 50.0)
    >>> parse_maxspeed_kmh("walk", CAR)
    nan
    """
    if not text:
        return math.nan
    value = _one_maxspeed(text.split(";")[0].strip().lower(), profile)
    return value if value > 0 else math.nan


def _one_maxspeed(text: str, profile: Profile) -> float:
    number = _NUMBER.match(text)
    if number:
        value = float(number.group(1).replace(",", "."))
        return value * MPH_KMH if "mph" in text or "mp/h" in text else value
    return float(profile.implicit_kmh.get(text, math.nan))


_DURATION_ISO = re.compile(r"^P(?:T?(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)$", re.I)


def parse_duration_s(text: str | None) -> float:
    """Read a ferry's ``duration`` as seconds (``H:MM[:SS]``, minutes, ISO 8601).

    Examples
    --------
    >>> parse_duration_s("1:30"), parse_duration_s("PT45M"), parse_duration_s("20")
    (5400.0, 2700.0, 1200.0)
    >>> parse_duration_s("bientôt")
    nan
    """
    if not text:
        return math.nan
    text = text.strip()
    parts = text.split(":")
    if 2 <= len(parts) <= 3 and all(p.isdigit() for p in parts):  # noqa: PLR2004
        seconds = sum(int(p) * m for p, m in zip(parts, (3600, 60, 1), strict=False))
        return float(seconds) if seconds > 0 else math.nan
    if text.replace(".", "", 1).isdigit():
        return float(text) * 60.0 if float(text) > 0 else math.nan
    iso = _DURATION_ISO.match(text)
    if iso and any(iso.groups()):
        h, m, s = (int(g) if g else 0 for g in iso.groups())
        total = 3600 * h + 60 * m + s
        return float(total) if total > 0 else math.nan
    return math.nan


@dataclass(frozen=True)
class WayRule:
    """What a profile makes of one way: speeds each way (0: not driven), and more.

    ``duration_s`` is the whole way's time when tagged (a ferry's ``duration``),
    NaN otherwise; ``ferry`` whether it is a ferry; ``roundabout`` whether
    traffic turns round in it; ``restricted`` whether it was left out as
    destination-only, private…; ``highway`` its class (or ``ferry``).
    """

    forward_kmh: float
    backward_kmh: float
    highway: str = ""
    duration_s: float = math.nan
    ferry: bool = False
    roundabout: bool = False
    restricted: bool = False


_NOT_DRIVEN: Final = WayRule(0.0, 0.0)
_CONSTRUCTION_OK: Final = frozenset({"no", "widening", "minor"})
_ONEWAY_YES: Final = frozenset({"yes", "1", "true"})


def _directional(
    tags: Mapping[str, str], keys: tuple[str, ...]
) -> tuple[str | None, str | None]:
    """First of ``keys`` given forward and backward (``key:forward`` before ``key``)."""
    forward = backward = None
    for key in keys:
        forward = forward or tags.get(f"{key}:forward")
        backward = backward or tags.get(f"{key}:backward")
        common = tags.get(key)
        forward, backward = forward or common, backward or common
        if forward and backward:
            break
    return forward, backward


def _access_value(value: str | None, profile: Profile) -> str | None:
    """Of a list ``a;b``, the most permissive value (allowed > restricted > refused)."""
    if value is None or ";" not in value:
        return value

    def rank(v: str) -> int:
        if v in profile.access_allowed:
            return 3
        if v in profile.access_restricted:
            return 2
        return 1 if v in profile.access_refused else 0

    parts = [p.strip() for p in value.split(";") if p.strip()]
    return max(parts, key=rank) if parts else value


def _blocked(tags: Mapping[str, str], profile: Profile) -> bool:
    """Ways never driven: excluded classes, areas, reversible, impassable, works."""
    highway = tags.get("highway")
    construction = tags.get("construction")
    return bool(
        highway in profile.excluded_highways
        or tags.get("area") == "yes"
        or tags.get("railway") == "construction"
        or (construction is not None and construction not in _CONSTRUCTION_OK)
        or ("proposed" in tags and highway in (None, "proposed"))
        or tags.get("oneway") == "reversible"
        or tags.get("impassable") == "yes"
        or tags.get("status") == "impassable"
        or tags.get("service") == "emergency_access"
    )


def _metres(text: str | None) -> float:
    """Read a size in metres (``2.5``, ``2,5 m``, ``6'6"``); NaN if unreadable."""
    if not text:
        return math.nan
    number = re.search(r"\d+(?:[.,]\d+)?", text)
    if not number:
        return math.nan
    value = float(number.group(0).replace(",", "."))
    feet = re.match(r"\s*(\d+)'\s*(\d+)?", text)
    if feet:
        value = (int(feet.group(1)) * 12 + int(feet.group(2) or 0)) * 0.0254
    return value


def _kilograms(text: str | None) -> float:
    """Read a weight in kg (tonnes unless ``kg`` or ``lbs``); NaN if unreadable."""
    if not text:
        return math.nan
    number = re.search(r"\d+(?:[.,]\d+)?", text)
    if not number:
        return math.nan
    value = float(number.group(0).replace(",", "."))
    if "lbs" in text:
        return value * 0.45359237
    return value if "kg" in text else value * 1000.0


def _too_small(tags: Mapping[str, str], profile: Profile) -> tuple[bool, bool]:
    """Whether the car exceeds the way's height, width, weight or length limits."""
    out = [False, False]
    checks = (
        (("maxheight:physical", "maxheight"), _metres, profile.vehicle_height_m, False),
        (
            ("maxwidth:physical", "maxwidth", "width", "est_width"),
            _metres,
            profile.vehicle_width_m,
            True,
        ),
        (
            ("maxweightrating", "maxweight"),
            _kilograms,
            profile.vehicle_weight_kg,
            False,
        ),
        (("maxlength",), _metres, profile.vehicle_length_m, False),
    )
    for keys, parse, size, inclusive in checks:
        for side, text in enumerate(_directional(tags, keys)):
            limit = parse(text)
            if not math.isnan(limit) and (limit <= size if inclusive else limit < size):
                out[side] = True
    return out[0], out[1]


def way_rule(tags: Mapping[str, str], profile: Profile = CAR) -> WayRule:  # noqa: C901, PLR0912
    """Apply ``profile``'s rules to one way's tags.

    Examples
    --------
    >>> way_rule({"highway": "residential"}).forward_kmh
    25.0
    >>> r = way_rule({"highway": "primary", "maxspeed": "90", "oneway": "yes"})
    >>> r.forward_kmh, r.backward_kmh
    (72.0, 0.0)
    >>> way_rule({"highway": "track"}).forward_kmh  # a track needs an access tag
    0.0
    >>> way_rule({"highway": "residential", "motor_vehicle": "destination"})
    WayRule(forward_kmh=0.0, backward_kmh=0.0, highway='residential', \
duration_s=nan, ferry=False, roundabout=False, restricted=True)
    """
    highway = tags.get("highway", "")
    route = tags.get("route", "")
    if (not highway and not route) or _blocked(tags, profile):
        return _NOT_DRIVEN
    forward_ok = backward_ok = True
    too_high = _too_small(tags, profile)
    forward_ok, backward_ok = not too_high[0], not too_high[1]
    fwd_access, bwd_access = (
        _access_value(v, profile) for v in _directional(tags, profile.access_hierarchy)
    )
    restricted = False
    for side, value in enumerate((fwd_access, bwd_access)):
        if value in profile.access_restricted or value in profile.access_refused:
            restricted = restricted or value in profile.access_restricted
            if side == 0:
                forward_ok = False
            else:
                backward_ok = False
    # oneway: the most specific form first
    oneway = next(
        (
            tags[f"oneway:{k}"]
            for k in ("motorcar", "motor_vehicle", "vehicle")
            if f"oneway:{k}" in tags
        ),
        tags.get("oneway"),
    )
    junction = tags.get("junction", "")
    roundabout = junction in ("roundabout", "circular")
    if oneway == "-1":
        forward_ok = False
    elif oneway in _ONEWAY_YES or (
        oneway != "no" and (highway == "motorway" or roundabout)
    ):
        backward_ok = False
    ferry = route == "ferry" and profile.ferry_kmh is not None
    if ferry:
        speed = float(profile.ferry_kmh or 0.0)
        forward, backward = speed, speed
        duration = parse_duration_s(tags.get("duration"))
        return WayRule(
            forward if forward_ok else 0.0,
            backward if backward_ok else 0.0,
            "ferry",
            max(duration, 1.0) if not math.isnan(duration) else math.nan,
            ferry=True,
        )
    if highway in profile.speeds_kmh:
        forward = backward = float(profile.speeds_kmh[highway])
    elif (fwd_access or bwd_access) and not restricted:
        forward = (
            profile.default_kmh
            if fwd_access and fwd_access not in profile.access_refused
            else 0.0
        )
        backward = (
            profile.default_kmh
            if bwd_access and bwd_access not in profile.access_refused
            else 0.0
        )
    else:
        return WayRule(0.0, 0.0, highway, restricted=restricted)
    limits = _directional(
        tags, ("maxspeed:advisory", "maxspeed", "source:maxspeed", "maxspeed:type")
    )
    speeds = [forward, backward]
    for side, text in enumerate(limits):
        limit = parse_maxspeed_kmh(text, profile)
        if not math.isnan(limit):
            speeds[side] = limit * profile.maxspeed_factor
    for key, table in (
        ("surface", profile.surface_kmh),
        ("tracktype", profile.tracktype_kmh),
        ("smoothness", profile.smoothness_kmh),
    ):
        cap = table.get(tags.get(key, ""))
        if cap is not None:
            speeds = [min(s, float(cap)) for s in speeds]
    return WayRule(
        speeds[0] if forward_ok else 0.0,
        speeds[1] if backward_ok else 0.0,
        highway,
        roundabout=roundabout,
        restricted=restricted,
    )


def node_rule(tags: Mapping[str, str], profile: Profile = CAR) -> tuple[bool, float]:
    """Whether a node blocks cars, and the seconds it costs to pass it.

    Access tags on the node (the hierarchy of the ways): a refused, unrestricted
    value blocks. Otherwise ``barrier=*``: passable values pass, gates cost
    ``barrier_delay_s``, rising bollards, lowered kerbs and audible fences pass,
    a height restrictor below the car blocks, anything else blocks. Then
    ``highway=traffic_signals`` / ``stop`` / ``give_way`` cost their delays.

    Examples
    --------
    >>> node_rule({"barrier": "bollard"}), node_rule({"barrier": "gate"})
    ((True, 0.0), (False, 60.0))
    >>> node_rule({"highway": "traffic_signals"})
    (False, 2.0)
    """
    access = _access_value(
        next((tags[k] for k in profile.access_hierarchy if k in tags), None), profile
    )
    blocked, delay = False, 0.0
    if access is not None:
        blocked = (
            access in profile.access_refused and access not in profile.access_restricted
        )
    elif "barrier" in tags:
        barrier = tags["barrier"]
        height = _metres(tags.get("maxheight"))
        delay = float(profile.barrier_delay_s.get(barrier, 0.0))
        exempt = (
            barrier in profile.barrier_passable
            or delay > 0
            or tags.get("bollard") == "rising"
            or tags.get("kerb") in ("lowered", "flush")
            or (barrier == "kerb" and tags.get("highway") == "crossing")
            or (barrier == "fence" and tags.get("sensory") in ("audible", "audio"))
        )
        too_low = barrier == "height_restrictor" and height < profile.vehicle_height_m
        blocked = not exempt or too_low
    highway = tags.get("highway")
    delay += {
        "traffic_signals": profile.signal_s,
        "stop": profile.stop_s,
        "give_way": profile.give_way_s,
    }.get(highway or "", 0.0)
    return blocked, delay
