"""The batch run's config, read and checked: :func:`load_config`.

Every key is declared once, in :mod:`coordogeo.pipeline.schema` (the fields of
:class:`RunConfig`); this module checks a TOML file against it, each value by its
kind, then the keys against each other, and names every problem's key and fix.
"""

from __future__ import annotations

import difflib
import math
import re
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Final

import pandas as pd

from coordogeo.errors import InputError, is_whole
from coordogeo.files import existing_path
from coordogeo.pipeline.schema import (
    BY_SECTION,
    INDEX_METHODS,
    REQUIRED,
    SCHEMA,
    Key,
    RunConfig,
    key_named,
)
from coordogeo.pipeline.specs import parse_scenarios

__all__ = [
    "INDEX_METHODS",
    "SCHEMA",
    "TYPE_WORDS",
    "ConfigError",
    "Key",
    "RunConfig",
    "first_sentence",
    "load_config",
]


TYPE_WORDS: Final[dict[str, str]] = {
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


def first_sentence(text: str) -> str:
    """Return the first sentence of a key's help, without its final stop.

    >>> first_sentence("CRS of `x`/`y`, e.g. 'EPSG:3035' (never guessed). Else.")
    "CRS of `x`/`y`, e.g. 'EPSG:3035' (never guessed)"
    """
    return re.split(r"\.(?=\s+[A-Z`\[]|\s*$)", text, maxsplit=1)[0]


class ConfigError(InputError):
    """A config that cannot be run; the message names the key and the fix."""


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
        if section not in BY_SECTION:
            problems.append(
                f"unknown section [{section}]{_close(section, BY_SECTION)}; the "
                f"sections are {', '.join(f'[{s}]' for s in BY_SECTION)} and "
                "[[scenario]]"
            )
            continue
        if not isinstance(content, dict):
            problems.append(f"`{section}` must be a section [{section}], not a value")
            continue
        for name, value in content.items():
            key = BY_SECTION[section].get(name)
            if key is None:
                known = ", ".join(BY_SECTION[section])
                problems.append(
                    f"unknown key `{section}.{name}`"
                    f"{_close(name, BY_SECTION[section])}; [{section}] takes {known}"
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
        f"`{key.dotted}` must be a {TYPE_WORDS[key.kind]} "
        f"({first_sentence(key.help)}), got {value!r}"
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


def vintages_by_key(vintages: tuple[str, ...]) -> dict[str, str]:
    """Return ``outputs.vintages`` as ``inputs.<key> -> vintage``.

    >>> vintages_by_key(("communes: INSEE RP 2021", "roads : OSM 2026-04"))
    {'inputs.communes': 'INSEE RP 2021', 'inputs.roads': 'OSM 2026-04'}
    """
    pairs = (v.split(":", 1) for v in vintages if ":" in v)
    return {f"inputs.{k.strip()}": v.strip() for k, v in pairs}


def _vintage_problems(vintages: tuple[str, ...], given: set[str]) -> list[str]:
    """Say each vintage not written 'key: vintage' for an input given."""
    problems = []
    for text in vintages:
        name, _, said = text.partition(":")
        if not said.strip():
            problems.append(
                f"`outputs.vintages`: {text!r} is not 'key: vintage' (e.g. "
                "'communes: INSEE RP 2021')"
            )
        elif (
            name.strip() not in given or BY_SECTION["inputs"].get(name.strip()) is None
        ):
            files = {n for n, k in BY_SECTION["inputs"].items() if k.kind == "path"}
            inputs = ", ".join(sorted(given & files))
            problems.append(
                f"`outputs.vintages`: {name.strip()!r} is not an input of the "
                f"config; date one of {inputs}"
            )
    return problems


def _cross_checks(values: dict[str, Any], given: set[str]) -> list[str]:
    """Check required keys, exclusive inputs and keys that only work together.

    ``values`` holds the keys that passed their own check, ``given`` every key
    written; a key given with a bad value has its own problem already, so it is
    never also reported as missing.
    """
    problems = [
        f"`{dotted}` is required ({first_sentence(key_named(dotted).help)})"
        for dotted in REQUIRED
        if key_named(dotted).name not in given
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
    problems += _vintage_problems(values.get("vintages", ()), given)
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
