"""coordogeo: access to coordinated primary care in France.

The public verbs live in their capability packages (``coordogeo.access``,
``coordogeo.network``, ``coordogeo.maps``, ``coordogeo.datasets``); the most used are
re-exported here. Importing coordogeo does no I/O.
"""

import logging

from coordogeo._version import __version__
from coordogeo.access import nearest
from coordogeo.datasets import SampleTerritory, sample_territory
from coordogeo.errors import CoordogeoError, InputError
from coordogeo.network import RoadNetwork

__all__ = [
    "CoordogeoError",
    "InputError",
    "RoadNetwork",
    "SampleTerritory",
    "__version__",
    "nearest",
    "sample_territory",
]

logging.getLogger(__name__).addHandler(logging.NullHandler())
