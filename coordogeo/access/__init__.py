"""Access: travel times and matrices, floating-catchment indices, isochrones."""

from coordogeo.access import decay
from coordogeo.access.apl import apl, apl_by_zone
from coordogeo.access.cumulative import opportunities_within
from coordogeo.access.fca import METHODS, FcaResult, fca
from coordogeo.access.isochrones import isochrones
from coordogeo.access.matrix import TravelTimeMatrix, crowfly_matrix, travel_time_matrix
from coordogeo.access.nearest import nearest
from coordogeo.access.road_fca import road_fca
from coordogeo.access.summary import time_summary

__all__ = [
    "METHODS",
    "FcaResult",
    "TravelTimeMatrix",
    "apl",
    "apl_by_zone",
    "crowfly_matrix",
    "decay",
    "fca",
    "isochrones",
    "nearest",
    "opportunities_within",
    "road_fca",
    "time_summary",
    "travel_time_matrix",
]
