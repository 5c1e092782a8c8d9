"""What a run computes, as frozen values: the inputs read, each step's result, all.

Every module of :mod:`coordogeo.pipeline` may read these types; they import only
the config and the ledger (the run's modules import one way: config, ledger,
results, then the steps, then the renderers, then :mod:`~coordogeo.pipeline.run`).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

import geopandas as gpd

from coordogeo.access import TravelTimeMatrix
from coordogeo.network import RoadNetwork
from coordogeo.pipeline.config import RunConfig
from coordogeo.pipeline.ledger import Ledger
from coordogeo.pipeline.specs import ScenarioSpec
from coordogeo.scenarios import Comparison, IndexOptions

__all__ = [
    "Compared",
    "Coverage",
    "EquityResult",
    "Inputs",
    "RunResult",
    "ScenarioOutcome",
    "Underserved",
]


@dataclass(frozen=True)
class Inputs:
    """What the run read: communes, places (cells or communes), structures."""

    communes: gpd.GeoDataFrame
    places: gpd.GeoDataFrame
    structures: gpd.GeoDataFrame
    members: pd.DataFrame | None
    candidates: gpd.GeoDataFrame | None
    network: RoadNetwork | None
    table: TravelTimeMatrix | None
    #: A ``dask.distributed.Client`` when ``compute.scheduler`` is set.
    client: Any = None


@dataclass(frozen=True)
class Coverage:
    """CPTS territories, the communes in none or several, rates, people in reach."""

    territories: gpd.GeoDataFrame
    overlaps_gaps: gpd.GeoDataFrame
    rates: pd.DataFrame


@dataclass(frozen=True)
class Underserved:
    """Flagged places, their zones, the zonage of the communes, suggested sites."""

    places: gpd.GeoDataFrame
    zones: gpd.GeoDataFrame
    rule: str
    zonage: pd.DataFrame | None
    sites: gpd.GeoDataFrame
    covered_before: float


@dataclass(frozen=True)
class RunResult:
    """Everything a run computed and wrote; ``ledger`` accounts for every row."""

    config: RunConfig
    inputs: Inputs
    places: gpd.GeoDataFrame
    reach: pd.DataFrame
    times: pd.DataFrame
    coverage: Coverage | None
    index: gpd.GeoDataFrame
    index_column: str
    underserved: Underserved
    equity: EquityResult | None
    ledger: Ledger
    written: dict[str, Path]
    scenarios: tuple[ScenarioOutcome, ...] = ()


@dataclass(frozen=True)
class EquityResult:
    """Inequality indices of the travel time (and APL) by income, and deciles.

    ``indices`` has one row per index: ``value`` and ``reading`` (how to read it,
    in French). ``table`` and ``curve`` come from :func:`coordogeo.equity.by_income`.
    """

    time_column: str
    income: str
    indices: pd.DataFrame
    table: pd.DataFrame
    curve: pd.DataFrame
    population_unreachable: float
    population_without_income: float
    thirds: pd.Series


@dataclass(frozen=True)
class Compared:
    """What a run keeps of a :class:`~coordogeo.scenarios.Comparison`: its tables.

    The two states and their searches are let go once compared (gigabytes for a
    national grid); the outputs read these four tables only.
    """

    places: gpd.GeoDataFrame
    summary: pd.DataFrame
    structures: pd.DataFrame
    ledger: pd.DataFrame

    @classmethod
    def of(cls, comparison: Comparison) -> Compared:
        """Keep the tables of ``comparison``."""
        return cls(
            comparison.places, comparison.summary, comparison.structures,
            comparison.ledger,
        )  # fmt: skip


@dataclass(frozen=True)
class ScenarioOutcome:
    """A scenario run: what it changed and its comparison with the situation.

    For the ``[compare]`` section (``evolution``), the comparison goes from the
    older side to the situation.

    Attributes
    ----------
    structures, structures_before
        The open structures after and before.
    max_time_min, index_options
        The states' bound and index (None without one).
    changes
        The opened and closed structures, with ``change`` and their geometry.
    """

    spec: ScenarioSpec
    comparison: Compared
    structures: gpd.GeoDataFrame
    structures_before: gpd.GeoDataFrame
    max_time_min: float
    index_options: IndexOptions | None
    changes: gpd.GeoDataFrame
    notes: tuple[str, ...] = ()
    evolution: bool = False

    @classmethod
    def of(
        cls,
        spec: ScenarioSpec,
        comparison: Comparison,
        changes: gpd.GeoDataFrame,
        notes: tuple[str, ...] = (),
        *,
        evolution: bool = False,
    ) -> ScenarioOutcome:
        """Keep what the outputs read of a comparison, not its states."""
        after = comparison.after
        return cls(
            spec, Compared.of(comparison), after.structures,
            comparison.before.structures, after.max_time_min, after.index_options,
            changes, notes, evolution,
        )  # fmt: skip
