"""The ``[[scenario]]`` tables of a config, checked: :class:`ScenarioSpec`.

:func:`parse_scenarios` is called by :func:`~coordogeo.pipeline.config.load_config`;
:mod:`coordogeo.pipeline.scenarios` runs the specs.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

import numpy as np

from coordogeo.errors import is_whole

__all__ = ["ScenarioSpec", "parse_scenarios"]

_KEYS: Final = ("name", "open", "close", "capacity", "suggest")
_OPEN_KEYS: Final = ("kind", "insee", "x", "y", "capacity", "name", "id")


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
    if not is_whole(suggest):
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
