"""The run's ledger: what it read, set aside, filled, conserved and warned about.

The steps of :mod:`coordogeo.pipeline.run` fill it: every input read (rows,
inhabitants), every row set aside, filled or kept with a flag, the checks of the
inputs against each other, the conservation line of each kind (inhabitants in =
within reach + beyond the bound + off the road network), the warnings and the time
of each step. :mod:`coordogeo.pipeline.report` renders it.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

import numpy as np
import pandas as pd

from coordogeo._columns import REACHABLE, Lang, nearest_column
from coordogeo._numbers import whole
from coordogeo._words import say
from coordogeo.errors import CoordogeoError, format_labels

if TYPE_CHECKING:
    from coordogeo.access import TravelTimeMatrix
    from coordogeo.network import RoadNetwork

__all__ = ["Ledger"]

logger = logging.getLogger("coordogeo")

#: How many labels an entry of the ledger keeps as examples.
_EXAMPLES: Final = 10


@dataclass
class Ledger:
    """What a run read, set aside, filled, conserved and warned about."""

    lang: Lang = "fr"
    parameters: dict[str, Any] = field(default_factory=dict)
    inputs: list[dict[str, Any]] = field(default_factory=list)
    aside_rows: list[dict[str, Any]] = field(default_factory=list)
    filled_rows: list[dict[str, Any]] = field(default_factory=list)
    conservation: list[dict[str, Any]] = field(default_factory=list)
    underserved: dict[str, Any] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    steps: list[tuple[str, float]] = field(default_factory=list)
    checks: list[dict[str, Any]] = field(default_factory=list)

    def read(
        self,
        key: str,
        path: Path,
        frame: pd.DataFrame,
        *,
        population: bool = False,
        extra: int = 0,
        vintage: str | None = None,
    ) -> None:
        """Count an input: its rows and, for places, its inhabitants.

        ``extra``: rows of the file the reader left out (another territory's),
        counted in its rows and set aside by the caller. ``vintage``: what the file
        says of its date (the FINESS extraction, the Filosofi year).
        """
        people = float(frame["population"].sum()) if population else None
        self.inputs.append(
            {"key": key, "file": path.name, "rows": len(frame) + extra,
             "population": people, "vintage": vintage}
        )  # fmt: skip

    def date_inputs(self, given: dict[str, str]) -> None:
        """Set the vintage of the inputs the config dates (``key -> vintage``)."""
        for entry in self.inputs:
            if entry["key"] in given:
                entry["vintage"] = given[entry["key"]]

    def source_line(self, given: str | None) -> str | None:
        """Return the maps' source line: ``given``, then each vintage it omits."""
        parts = [given] if given else []
        parts += [v for v in self.vintages() if v not in (given or "")]
        return (" ; " if self.lang == "fr" else "; ").join(parts) or None

    def vintages(self) -> list[str]:
        """Return each dated input's vintage, in reading order, once each."""
        said = [e.get("vintage") for e in self.inputs]
        return list(dict.fromkeys(v for v in said if v))

    def read_network(
        self, path: Path, network: RoadNetwork, *, cached: Path | None = None
    ) -> None:
        """Count the road network: nodes, edges, roads left out by the build.

        ``cached``: the cache folder it was loaded from (not built this run).
        """
        report = network.report
        lang = self.lang
        where = "" if cached is None else say("from_cache", lang, folder=cached)
        self.inputs.append(
            {
                "key": "inputs.roads",
                "file": path.name,
                "rows": report.n_roads,
                "population": None,
                "detail": say(
                    "network_detail",
                    lang,
                    nodes=whole(network.n_nodes, lang),
                    edges=whole(network.n_edges, lang),
                    where=where,
                ),
            }
        )
        if report.dropped_roads:
            self.aside(
                say("no_segment_what", lang),
                list(report.dropped_roads),
                why=say("no_segment_why", lang),
            )

    def read_matrix(self, path: Path, matrix: TravelTimeMatrix) -> None:
        """Count an external matrix: the pairs kept within its bound."""
        self.inputs.append(
            {
                "key": "inputs.matrix",
                "file": path.name,
                "rows": matrix.n_pairs,
                "population": None,
                "detail": say(
                    "matrix_detail", self.lang, bound=f"{matrix.max_time_min:g}"
                ),
            }
        )

    def aside(
        self,
        what: str,
        labels: Sequence[Any] | pd.Index,
        *,
        why: str,
        population: float | None = None,
        dropped: bool = True,
        warn: bool = True,
    ) -> None:
        """Record rows left out of a step (``dropped``) or kept with a flag."""
        labels = list(labels)
        self.aside_rows.append(
            {
                "what": what,
                "rows": len(labels),
                "population": population,
                "why": why,
                "dropped": dropped,
                "examples": [str(x) for x in labels[:_EXAMPLES]],
            }
        )
        if warn:
            people = (
                ""
                if population is None
                else say("people", self.lang, n=whole(population, self.lang))
            )
            self.warn(
                say("rows", self.lang, what=what, n=len(labels), people=people,
                    why=why, labels=format_labels(labels))
            )  # fmt: skip

    def flag_places(
        self,
        key: str,
        places: pd.DataFrame,
        mask: Any,
        *,
        warn: bool = True,
        **values: Any,
    ) -> None:
        """Record places kept with a flag: the words ``<key>_what`` / ``<key>_why``.

        ``mask`` selects the places; their inhabitants are counted. ``values``
        fill the why's fields.
        """
        mask = np.asarray(mask, dtype=bool)
        self.aside(
            say(f"{key}_what", self.lang),
            places.index[mask],
            population=float(places.loc[mask, "population"].sum()),
            why=say(f"{key}_why", self.lang, **values),
            dropped=False,
            warn=warn,
        )

    def filled(
        self, what: str, labels: Sequence[Any] | pd.Index, *, value: float
    ) -> None:
        """Record rows whose missing value was filled, as the config said."""
        labels = list(labels)
        self.filled_rows.append(
            {
                "what": what,
                "rows": len(labels),
                "value": value,
                "examples": [str(x) for x in labels[:_EXAMPLES]],
            }
        )
        self.warn(
            say("filled", self.lang, what=what, n=len(labels), value=f"{value:g}",
                labels=format_labels(labels))
        )  # fmt: skip

    def check(self, what: str, figures: str, *, ok: bool) -> None:
        """Record a check of the inputs against each other, with its figures.

        A failed check is also a warning: the run goes on, loudly.
        """
        self.checks.append({"what": what, "figures": figures, "ok": ok})
        if not ok:
            self.warn(f"{what} : {figures}")

    def merge(self, other: Ledger, *, prefix: str) -> None:
        """Take in another ledger's inputs, rows set aside or filled and warnings.

        ``prefix`` says where they come from (``compare.before``).
        """
        self.inputs += [{**r, "key": f"{prefix} : {r['key']}"} for r in other.inputs]
        self.aside_rows += [
            {**r, "what": f"{prefix} : {r['what']}"} for r in other.aside_rows
        ]
        self.filled_rows += [
            {**r, "what": f"{prefix} : {r['what']}"} for r in other.filled_rows
        ]
        for message in other.warnings:
            self.warn(f"{prefix} : {message}")

    def warn(self, message: str) -> None:
        """Keep a warning for the report and show it now (logging WARNING)."""
        self.warnings.append(message)
        logger.warning(message)

    def conserve(
        self, places: pd.DataFrame, kinds: Sequence[str], *, max_time_min: float
    ) -> None:
        """Split the inhabitants of each kind: within reach, beyond, off network."""
        people = places["population"].to_numpy(dtype=np.float64)
        snapped = places["snapped"].to_numpy(dtype=bool)
        total = float(people.sum())
        for kind in kinds:
            reach = places[nearest_column(REACHABLE, kind)].to_numpy(dtype=bool)
            within = float(people[reach].sum())
            beyond = float(people[snapped & ~reach].sum())
            off = float(people[~snapped & ~reach].sum())
            if not np.isclose(within + beyond + off, total, rtol=1e-9, atol=1e-6):
                raise CoordogeoError(  # pragma: no cover - a bug, never an input
                    f"inhabitants not conserved for {kind}: "
                    f"{within} + {beyond} + {off} != {total}"
                )
            row = {"kind": kind, "population": total, "within": within,
                   "beyond": beyond, "off_network": off,
                   "max_time_min": max_time_min}  # fmt: skip
            self.conservation.append(row)

    def rule(self, flagged: pd.DataFrame, zones: pd.DataFrame, text: str) -> None:
        """Record the under-served split: flagged (in zones) and not flagged."""
        people = flagged["population"].to_numpy(dtype=np.float64)
        mask = flagged["underserved"].to_numpy(dtype=bool)
        self.underserved = {
            "rule": text,
            "population": float(people.sum()),
            "flagged": float(people[mask].sum()),
            "not_flagged": float(people[~mask].sum()),
            "zones": len(zones),
            "in_zones": float(zones["population"].sum()) if len(zones) else 0.0,
            "in_smaller_zones": float(
                zones.attrs.get("population_in_smaller_zones", 0.0)
            ),
        }
