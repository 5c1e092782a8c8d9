"""coordogeo: access to coordinated primary care in France.

The public verbs live in their capability packages (``coordogeo.access``,
``coordogeo.coverage``, ``coordogeo.underserved``, ``coordogeo.network``,
``coordogeo.io``, ``coordogeo.maps``, ``coordogeo.pipeline``…), loaded on first use:
``import coordogeo as cg`` then ``cg.io.read_finess(...)`` works, and importing
coordogeo itself loads none of them and does no I/O. The most used verbs are
re-exported here, also lazily.
"""

import importlib
import logging
from typing import TYPE_CHECKING, Any

from coordogeo._version import __version__
from coordogeo.errors import CoordogeoError, InputError

if TYPE_CHECKING:
    from coordogeo import (
        access,
        codes,
        coverage,
        crs,
        datasets,
        equity,
        errors,
        files,
        io,
        maps,
        network,
        pipeline,
        scenarios,
        underserved,
    )
    from coordogeo.access import nearest
    from coordogeo.datasets import SampleTerritory, sample_territory
    from coordogeo.network import RoadNetwork

__all__ = [
    "CoordogeoError",
    "InputError",
    "RoadNetwork",
    "SampleTerritory",
    "__version__",
    "access",
    "codes",
    "coverage",
    "crs",
    "datasets",
    "equity",
    "errors",
    "files",
    "io",
    "maps",
    "nearest",
    "network",
    "pipeline",
    "sample_territory",
    "scenarios",
    "underserved",
]

_SUBMODULES = frozenset(
    {"access", "codes", "coverage", "crs", "datasets", "equity", "errors", "files",
     "io", "maps", "network", "pipeline", "scenarios", "underserved"}
)  # fmt: skip
_VERBS = {
    "RoadNetwork": "coordogeo.network",
    "SampleTerritory": "coordogeo.datasets",
    "nearest": "coordogeo.access",
    "sample_territory": "coordogeo.datasets",
}


def __getattr__(name: str) -> Any:
    """Load a capability package, or a re-exported verb, on first use."""
    if name in _SUBMODULES:
        return importlib.import_module(f"coordogeo.{name}")
    if name in _VERBS:
        return getattr(importlib.import_module(_VERBS[name]), name)
    raise AttributeError(f"module 'coordogeo' has no attribute {name!r}")


def __dir__() -> list[str]:
    """List the public names, loaded or not."""
    return sorted(__all__)


logging.getLogger(__name__).addHandler(logging.NullHandler())
