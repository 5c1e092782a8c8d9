"""The run's report: the console summary, rapport.md and rapport.json.

They render what the run computed (:class:`~coordogeo.pipeline.results.RunResult`)
and its :class:`~coordogeo.pipeline.ledger.Ledger`.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Final

import numpy as np
import pandas as pd

from coordogeo._columns import french_time_model, kind_of
from coordogeo._numbers import decimal, percent, signed, whole, whole_parts
from coordogeo._version import __version__
from coordogeo._words.report import INDEX_NAMES, REPORT_TEXT
from coordogeo.maps.index import PER_100K, index_title, index_unit, per_100k
from coordogeo.pipeline.ledger import Ledger
from coordogeo.pipeline.results import RunResult
from coordogeo.pipeline.scenario_tables import changed_kinds, summary_rows

__all__ = ["console_summary", "report_json", "report_markdown"]

logger = logging.getLogger("coordogeo")

# --- formatting ------------------------------------------------------------------

#: Characters that Markdown reads as formatting, written escaped in user text.
_MD_SPECIAL: Final = re.compile(r"([\\`*_\[\]<>#|!&~])")


class _Code(str):
    """A table cell written as a code span (parameters), not escaped."""

    __slots__ = ()


def md_escape(text: object) -> str:
    r"""Return ``text`` for Markdown: formatting characters escaped, one line.

    Names come from users' files (a structure called ``<script>`` or ``*_x_*``):
    they must read as written, never as markup.

    >>> print(md_escape("Centre « L'Étoile » & Cie <Ombre> *1*"))
    Centre « L'Étoile » \& Cie \<Ombre\> \*1\*
    """
    return _MD_SPECIAL.sub(r"\\\1", str(text).replace("\r", " ").replace("\n", " "))


def _md_table(header: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    """Format a Markdown table; cells are escaped (code spans kept as such)."""

    def cell(v: Any) -> str:
        if isinstance(v, _Code):
            fence = "``" if "`" in v else "`"
            return f"{fence} {v} {fence}".replace("|", "\\|").replace("\n", " ")
        return md_escape(v)

    lines = [
        "| " + " | ".join(cell(h) for h in header) + " |",
        "|" + "---|" * len(header),
    ]
    lines += ["| " + " | ".join(cell(v) for v in row) + " |" for row in rows]
    return "\n".join(lines)


def _results(result: RunResult, *, markdown: bool) -> list[str]:
    """Format the result sections: coverage, times, index, zones, sites."""
    lang = result.config.lang
    t = REPORT_TEXT[lang]
    head = (lambda s: f"### {s}") if markdown else (lambda s: s)
    table = _md_table if markdown else _plain_table
    model = str(result.places["time_model"].iloc[0])
    if lang == "fr":
        model = french_time_model(model)
    out: list[str] = [f"{t['model']} : {model}"]
    if result.coverage is not None:
        out += ["", head(t["coverage"]), "", *_coverage_lines(result, table)]
    note = t["times_note"].format(t=f"{result.config.max_time_min:g}")
    out += ["", head(t["times"]), "", note, ""]
    rows = [
        [
            kind_of(str(column)),
            whole(r["population"], lang),
            *(percent(r[f"share_beyond_{s}_min"], lang) for s in (10, 20, 30)),
            whole(r["population_unreachable"], lang),
        ]
        for column, r in result.times.iterrows()
    ]
    out.append(
        table(
            [t["kind"], t["people"], "> 10 min", "> 20 min", "> 30 min",
             t["unreachable"]],
            rows,
        )
    )  # fmt: skip
    out += ["", head(t["index"]), "", *_index_lines(result)]
    out += ["", head(t["zones"]), "", *_zone_lines(result, table)]
    out += ["", head(t["sites"]), "", *_site_lines(result, markdown=markdown)]
    if result.equity is not None:
        out += ["", head(t["equity"]), "", *_equity_lines(result, table)]
    for key, evolution in (("scenarios", False), ("evolution", True)):
        shown = [o for o in result.scenarios if o.evolution == evolution]
        if shown:
            out += ["", head(t[key])]
        for outcome in shown:
            out += ["", *_scenario_lines(result, outcome, table, markdown=markdown)]
    return out


def _scenario_lines(
    result: RunResult, outcome: Any, table: Any, *, markdown: bool
) -> list[str]:
    """One scenario: what changed, its table for the under-served kind, the ledger."""
    lang = result.config.lang
    t = REPORT_TEXT[lang]
    esc = md_escape if markdown else str
    name = f"**{esc(outcome.spec.name)}**" if markdown else outcome.spec.name
    changes = outcome.comparison.structures
    names = pd.concat([outcome.structures, outcome.structures_before])
    names = names[~names.index.duplicated()]

    def shown(site: object) -> str:
        label = names["name"].get(site) if "name" in names else None
        return esc(f"{label} ({site})" if isinstance(label, str) else site)

    ids = {c: changes.index[changes["change"] == c] for c in set(changes["change"])}
    parts = [
        f"{t[key]} : {', '.join(shown(i) for i in ids[change])}"
        for change, key in (("opened", "opened"), ("closed", "closed"),
                            ("capacity", "resized"))
        if change in ids
    ]  # fmt: skip
    lines = [f"{name} — " + " ; ".join(parts), ""]
    lines += [f"- {esc(note)}" for note in outcome.notes]
    if outcome.notes:
        lines.append("")
    for kind in changed_kinds(outcome, result.config.timed_kind):
        lines += [
            f"{t['kind']} {kind}",
            "",
            table(
                [t["measure"], t["before"], t["after"], t["change"]],
                summary_rows(outcome, kind, lang),
            ),
        ]
        row = outcome.comparison.ledger.loc[kind]
        lines += [
            "",
            t["conserved"].format(
                kind=kind,
                **dict(zip(
                    ("total", "gained", "lost", "same", "gone"),
                    whole_parts(row["total_before"], [row["gained"], row["lost"],
                                 row["unchanged"], row["only_before"]], lang),
                    strict=True,
                )),
            ),
            *([] if row["only_after"] == 0 and row["change_in_place"] == 0 else [
                "",
                t["conserved_after"].format(
                    total=whole(row["total_after"], lang),
                    total_before=whole(row["total_before"], lang),
                    gone=whole(row["only_before"], lang),
                    new=whole(row["only_after"], lang),
                    moved=signed(row["change_in_place"], lang),
                ),
            ]),
            "",
        ]  # fmt: skip
    index_rows = summary_rows(outcome, None, lang)
    if index_rows:
        options = outcome.index_options
        kinds = result.config.index_kinds or result.config.kinds
        lines += [
            t["index_block"].format(
                method=options.method.upper() if options else "", kinds=", ".join(kinds)
            ),
            "",
            table([t["measure"], t["before"], t["after"], t["change"]], index_rows),
            "",
        ]
    return lines[:-1]


def _equity_lines(result: RunResult, table: Any) -> list[str]:
    """Format the indices with how to read them, and the table by income group."""
    lang = result.config.lang
    t = REPORT_TEXT[lang]
    fair = result.equity
    assert fair is not None
    rows = [
        [name, decimal(r["value"], lang, 3), r["reading"]]
        for name, r in fair.indices.iterrows()
    ]
    lines = [
        t["equity_note"].format(
            income=fair.income,
            off=whole(fair.population_unreachable, lang),
            none=whole(fair.population_without_income, lang),
        ),
        "",
        table([t["indicator"], t["value"], t["reading"]], rows),
        "",
    ]
    mean = next(c for c in fair.table.columns if c.startswith("mean_travel"))
    groups = [
        [
            group,
            whole(r["population"], lang),
            f"{whole(r['income_min'], lang)} – {whole(r['income_max'], lang)}",
            decimal(r[mean], lang, 1),
            *(percent(r[f"share_beyond_{s}_min"], lang) for s in (10, 20, 30)),
            *([decimal(r["mean_apl"], lang)] if "mean_apl" in fair.table else []),
        ]
        for group, r in fair.table.iterrows()
    ]
    header = [t["group"], t["people"], t["income"], t["mean_min"], "> 10 min",
              "> 20 min", "> 30 min"]  # fmt: skip
    header += ["APL"] if "mean_apl" in fair.table else []
    lines.append(table(header, groups))
    return lines


def _plain_table(header: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    """Format a table aligned for a terminal."""
    frame = pd.DataFrame([list(r) for r in rows], columns=list(header))
    return frame.to_string(index=False) if len(frame) else "(—)"


def _coverage_lines(result: RunResult, table: Any) -> list[str]:
    lang = result.config.lang
    t = REPORT_TEXT[lang]
    assert result.coverage is not None
    cov = result.coverage
    rows = [
        [i, r["cpts_name"], r["n_communes"], whole(r["population"], lang), r["taille"]]
        for i, r in cov.territories.iterrows()
    ]
    rates = cov.rates.sum(numeric_only=True)
    people = float(rates["population"])
    covered = float(
        rates["population_covered_once"] + rates["population_covered_multiple"]
    )
    odd = cov.overlaps_gaps
    shared, gaps = odd[odd["status"] == "overlap"], odd[odd["status"] == "gap"]
    return [
        table(
            ["cpts_id", t["cpts_name"], t["communes"], t["people"], t["cpts_size"]],
            rows,
        ),
        "",
        f"{t['in_cpts']} : {whole(covered, lang)} ({percent(covered / people, lang)})",
        (
            f"{t['shared']} : {len(shared)} "
            f"({whole(shared['population'].sum(), lang)} {t['hab']})"
        ),
        (
            f"{t['gaps']} : {len(gaps)} ({whole(gaps['population'].sum(), lang)} "
            f"{t['hab']}, "
            f"{percent(float(rates['population_not_covered']) / people, lang)})"
        ),
    ]


def _index_lines(result: RunResult) -> list[str]:
    lang = result.config.lang
    t = REPORT_TEXT[lang]
    index, column = result.index, result.index_column
    value, people = index[column], index["population"]
    mean = float((value * people).sum() / people.sum()) if people.sum() else np.nan
    name = INDEX_NAMES[lang].get(column, column)
    scaled = per_100k(column)
    if scaled is not None:  # a score per inhabitant: per 100,000, as maps show it
        mean *= PER_100K
        name = f"{index_title(scaled, lang)} ({index_unit(scaled, lang)})"
    shown = (
        decimal(mean, lang)
        if not np.isfinite(mean) or abs(mean) >= 0.1  # noqa: PLR2004
        else f"{mean:.3g}".replace(".", "," if lang == "fr" else ".")
    )
    lines = [f"{name} — {t['mean']} : {shown}"]
    below = result.config.apl_below
    if below is not None:
        low = value < below
        lines.append(
            f"{t['low']} (APL < {decimal(below, lang, 1)}) : {int(low.sum())} "
            f"{t['communes']}, {whole(people[low].sum(), lang)} {t['hab']} "
            f"({percent(people[low].sum() / people.sum(), lang)})"
        )
    return lines


def _zone_lines(result: RunResult, table: Any) -> list[str]:
    lang = result.config.lang
    t = REPORT_TEXT[lang]
    found = result.underserved
    total = float(found.places["population"].sum())
    flagged = result.ledger.underserved["flagged"]
    lines = [
        (
            f"{found.rule} : {len(found.zones)} zones, {whole(flagged, lang)} "
            f"{t['hab']} ({percent(flagged / total if total else np.nan, lang)})"
        ),
        "",
    ]
    top = found.zones.head(10)
    rows = [
        [
            zone_id,
            whole(r["population"], lang),
            decimal(r["area_km2"], lang, 0),
            r["n_communes"],
            decimal(r["mean_travel_time_min"], lang, 0),
            whole(r["population_unreachable"], lang),
        ]
        for zone_id, r in top.iterrows()
    ]
    if rows:  # no zone: the line above says 0, no empty table under it
        lines.append(
            table(["zone", t["people"], "km²", t["communes"], t["mean_min"],
                   t["unreachable"]],
                  rows)
        )  # fmt: skip
    else:
        lines.pop()
    if found.zonage is not None:
        counts = found.zonage.groupby("zonage", observed=False)["population"].agg(
            ["size", "sum"]
        )
        lines += ["", t["zonage"] + " :", " ; ".join(
            f"{name} {int(r['size'])} {t['communes']} ({whole(r['sum'], lang)} "
            f"{t['hab']})"
            for name, r in counts.iterrows()
        )]  # fmt: skip
    return lines


def _site_lines(result: RunResult, *, markdown: bool) -> list[str]:
    lang = result.config.lang
    t = REPORT_TEXT[lang]
    sites = result.underserved.sites
    bound = result.config.underserved_time_min
    if len(sites) == 0:
        if result.config.n_sites == 0:
            return [t["no_site"]]
        return [
            t["no_gain"].format(
                n=result.config.n_sites,
                bound=f"{bound:g}",
                kind=result.config.timed_kind,
            )
        ]
    gap = sites.attrs.get("mip_gap", np.nan)
    proved = (
        t["proved"]
        if sites.attrs.get("optimal")
        else t["gap"].format(gap=percent(gap, lang) if np.isfinite(gap) else "?")
    )
    lines = [
        (
            f"{result.config.timed_kind}, {bound:g} min ; "
            f"{percent(result.underserved.covered_before, lang)} {t['now']}"
        ),
        t["best_set"].format(n=len(sites), proved=proved),
    ]
    for site_id, r in sites.iterrows():
        name = next(
            (r[c] for c in ("nom", "name") if c in sites and pd.notna(r[c])), site_id
        )
        shown = md_escape(name) if markdown else name
        lines.append(
            f"  {r['step']}. {shown} : +{whole(r['population_gain'], lang)} "
            f"{t['hab']}, {percent(r['share_covered'], lang)}"
        )
    return lines


def console_summary(result: RunResult) -> str:
    """Format the summary a run prints: results, then where they are."""
    t = REPORT_TEXT[result.config.lang]
    lines = _results(result, markdown=False)
    lines += ["", t["written"] + " :"]
    lines += [f"  {path}" for path in result.written.values()]
    return _punctuated("\n".join(lines) + "\n", result.config.lang)


def _punctuated(text: str, lang: str) -> str:
    """Put an English text's colons as English writes them ("a: b", not "a : b").

    The lines are built once for both languages, with the French space before
    the colon.
    """
    return text.replace(" : ", ": ") if lang == "en" else text


def report_markdown(result: RunResult, *, files: Sequence[str]) -> str:
    """Return the text of ``rapport.md``: inputs, rows set aside, ledger, results."""
    lang = result.config.lang
    t = REPORT_TEXT[lang]
    ledger = result.ledger
    out = [f"# {t['title']} {__version__}", "", f"## {t['inputs']}", ""]
    out.append(
        _md_table(
            [t["key"], t["file"], t["vintage"], t["rows"], t["people"]],
            [
                [r["key"], r["file"], r.get("vintage") or "—", whole(r["rows"], lang)
                 + (f" ({r['detail']})" if r.get("detail") else ""),
                 whole(r["population"], lang)]
                for r in ledger.inputs
            ],
        )
    )  # fmt: skip
    line = ledger.source_line(result.config.source_line)
    if line:  # what every map and figure says of its data
        out += ["", f"{t['source_line']} : {md_escape(line)}"]
    if ledger.checks:
        out += ["", f"### {t['checks']}", ""]
        out += [
            f"- {'✓' if c['ok'] else '⚠'} {md_escape(c['what'])} : "
            f"{md_escape(c['figures'])}"
            for c in ledger.checks
        ]
    out += ["", f"## {t['aside']}", ""]
    rows = [
        [r["what"], t["dropped"] if r["dropped"] else t["kept"], r["rows"],
         whole(r["population"], lang), r["why"], ", ".join(r["examples"])]
        for r in ledger.aside_rows
    ] + [
        [r["what"], t["filled"], r["rows"], "—", f"= {r['value']:g}",
         ", ".join(r["examples"])]
        for r in ledger.filled_rows
    ]  # fmt: skip
    out.append(
        _md_table([t["what"], "", t["rows"], t["people"], t["why"], t["examples"]],
                  rows)
        if rows else t["none_aside"]
    )  # fmt: skip
    out += ["", f"## {t['ledger']}", "", t["ledger_text"] + ".", ""]
    out.append(_ledger_table(ledger, lang))
    u = ledger.underserved
    if u:
        total, flagged, not_flagged = whole_parts(
            u["population"], [u["flagged"], u["not_flagged"]], lang
        )
        out += ["", f"{u['rule']} : {total} = {flagged} + {not_flagged}"]
    out += ["", f"## {t['results']}", "", *_results(result, markdown=True)]
    if ledger.warnings:
        out += ["", f"## {t['warnings']}", ""]
        out += [f"- {w}" for w in ledger.warnings]
    out += ["", f"## {t['parameters']}", ""]
    out.append(
        _md_table(
            [t["key"], ""], [[k, _param(v)] for k, v in ledger.parameters.items()]
        )
    )
    out += ["", f"## {t['steps']}", ""]
    out.append(_md_table(["", "s"], [[n, f"{s:.1f}"] for n, s in ledger.steps]))
    out += ["", f"## {t['written']}", "", *[f"- `{f}`" for f in files], ""]
    return _punctuated("\n".join(out), lang)


def _ledger_table(ledger: Ledger, lang: str) -> str:
    t = REPORT_TEXT[lang]
    rows = []
    for r in ledger.conservation:
        parts = [r["within"], r["beyond"], r["off_network"]]
        rows.append([r["kind"], *whole_parts(r["population"], parts, lang)])
    bound = ledger.conservation[0]["max_time_min"] if ledger.conservation else 0
    return _md_table(
        [t["kind"], t["people"], t["within"].format(t=f"{bound:g}"), t["beyond"],
         t["off"]],
        rows,
    )  # fmt: skip


def _param(value: Any) -> str:
    """Format a parameter value as the report shows it (paths by their file name)."""
    if value is None:
        return "—"
    if isinstance(value, str) and "/" in value:
        return Path(value).name
    return _Code(value)


def report_json(result: RunResult, *, files: Sequence[str]) -> dict[str, Any]:
    """Return the content of ``rapport.json``: as ``rapport.md``, exact figures."""
    ledger = result.ledger
    return {
        "coordogeo": __version__,
        "inputs": ledger.inputs,
        "source_line": ledger.source_line(result.config.source_line),
        "checks": ledger.checks,
        "set_aside": ledger.aside_rows,
        "filled": ledger.filled_rows,
        "conservation": ledger.conservation,
        "underserved": ledger.underserved,
        "warnings": ledger.warnings,
        "parameters": {
            k: (Path(v).name if isinstance(v, str) and "/" in v else v)
            for k, v in ledger.parameters.items()
        },
        "equity": None
        if result.equity is None
        else {
            "indices": result.equity.indices["value"].to_dict(),
            "by_income": result.equity.table.reset_index().to_dict("records"),
            "population_unreachable": result.equity.population_unreachable,
            "population_without_income": result.equity.population_without_income,
        },
        "scenarios": [
            {
                "name": o.spec.name,
                "evolution": o.evolution,
                "structures": o.comparison.structures.reset_index(names="id")
                .astype(object)
                .where(o.comparison.structures.reset_index(names="id").notna(), None)
                .to_dict("records"),
                "summary": o.comparison.summary.astype(object)
                .where(o.comparison.summary.notna(), None)
                .to_dict("records"),
                "conservation": o.comparison.ledger.reset_index().to_dict("records"),
                "notes": list(o.notes),
            }
            for o in result.scenarios
        ],
        "steps_s": {name: round(s, 3) for name, s in ledger.steps},
        "files": list(files),
    }
