"""The config's documentation, written from the schema: key table, page, template.

``coordogeo run --help`` prints :func:`schema_text`; ``docs/config.md`` is
:func:`schema_markdown`; ``coordogeo init`` writes :func:`config_template`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from coordogeo.pipeline.config import TYPE_WORDS
from coordogeo.pipeline.schema import (
    BY_SECTION,
    SCENARIO_KEYS,
    Key,
)

__all__ = ["config_template", "schema_markdown", "schema_text"]


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
    for section in BY_SECTION:
        lines.append(f"  [{section}]")
        for key in BY_SECTION[section].values():
            choices = f"; one of {', '.join(key.choices)}" if key.choices else ""
            lines.append(
                f"    {key.name} ({TYPE_WORDS[key.kind]}, default "
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
    for section, keys in BY_SECTION.items():
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
                f"| `{key.name}` | {TYPE_WORDS[key.kind]} | {default} | "
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
    for section, keys in BY_SECTION.items():
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
