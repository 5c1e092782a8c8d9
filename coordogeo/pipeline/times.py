"""The run's one time source: the road network, the external commune table or crow-fly.

A :class:`TimeSource` is made once per run, after the inputs are read; every step
and the scenarios ask it for their matrices. Road matrices are kept (the last
:data:`MATRICES_KEPT`) by a digest of the ids, coordinates and CRS of both sides and
the bound: the suggested sites and the scenario that suggests them ask the same one,
and it is searched once.
"""

from __future__ import annotations

from typing import Any, Final

import numpy as np
import pandas as pd

import geopandas as gpd

from coordogeo._digest import shapes_digest
from coordogeo.access import TravelTimeMatrix, crowfly_matrix, travel_time_matrix
from coordogeo.pipeline.config import RunConfig
from coordogeo.pipeline.results import Inputs

__all__ = ["MATRICES_KEPT", "TimeSource"]


class TimeSource:
    """Minutes between any places and sites of a run, from what the config gives.

    Call it with ``(origins, destinations, bound)``: the pairs within ``bound``
    minutes by road, by the external commune table (each place and site in its
    commune) or as the crow flies.
    """

    def __init__(self, config: RunConfig, inputs: Inputs) -> None:
        self.network = inputs.network
        self.table = inputs.table
        self.client: Any = inputs.client
        self.n_jobs = config.n_jobs
        self.crowfly_speed_kmh = config.crowfly_speed_kmh
        self._kept: dict[bytes, TravelTimeMatrix] = {}

    def __call__(
        self,
        origins: gpd.GeoDataFrame,
        destinations: gpd.GeoDataFrame,
        bound: float,
    ) -> TravelTimeMatrix:
        """Return the matrix from ``origins`` to ``destinations`` within ``bound``."""
        if self.network is not None:
            key = _matrix_key(origins, destinations, bound)
            if key not in self._kept:
                self._kept[key] = travel_time_matrix(
                    self.network,
                    origins,
                    destinations,
                    max_time_min=bound,
                    n_jobs=self.n_jobs,
                    client=self.client,
                )
                while len(self._kept) > MATRICES_KEPT:
                    self._kept.pop(next(iter(self._kept)))
            return self._kept[key]
        if self.table is not None:
            return _commune_table_to(self.table, origins, destinations, bound=bound)
        return crowfly_matrix(
            origins, destinations, speed_kmh=self.crowfly_speed_kmh, max_time_min=bound
        )

    @property
    def kept(self) -> int:
        """How many road matrices are kept for asking again."""
        return len(self._kept)

    def forget(self) -> None:
        """Let the kept matrices go (gigabytes nationally)."""
        self._kept.clear()


#: Road matrices a run keeps for asking again (each ~12 bytes per pair in reach).
MATRICES_KEPT: Final = 2


def _matrix_key(
    origins: gpd.GeoDataFrame, destinations: gpd.GeoDataFrame, bound: float
) -> bytes:
    """Digest of what a matrix joins: both sides' ids, shapes and CRS, bound."""
    parts: list[bytes | str] = [repr(float(bound))]
    for frame in (origins, destinations):
        ids = pd.util.hash_pandas_object(frame.index, index=False).to_numpy()
        parts += [ids.tobytes(), str(frame.crs)]
        parts.append(shapes_digest(np.asarray(frame.geometry.array)))
    return shapes_digest(np.empty(0, dtype=object), *parts)


def _commune_table_to(
    table: TravelTimeMatrix,
    origins: pd.DataFrame,
    destinations: pd.DataFrame,
    *,
    bound: float,
) -> TravelTimeMatrix:
    """Commune-to-commune minutes to origin-to-destination, each in its commune."""
    pairs = table.to_table()
    pairs = pairs[pairs["time_min"] <= bound]
    dest = pd.DataFrame(
        {"destination": destinations["insee"].to_numpy(), "site": destinations.index}
    ).dropna(subset=["destination"])
    orig = pd.DataFrame(
        {"origin": origins["insee"].to_numpy(), "place": origins.index}
    ).dropna(subset=["origin"])
    joined = pairs.merge(orig, on="origin").merge(dest, on="destination")
    return TravelTimeMatrix.from_table(
        joined[["place", "site", "time_min"]],
        origin="place",
        destination="site",
        max_time_min=bound,
        origins=origins.index,
        destinations=destinations.index,
    )
