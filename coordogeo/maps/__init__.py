"""Folium maps of coordogeo results; French labels by default."""

from coordogeo.maps.access import access_map
from coordogeo.maps.coverage import coverage_map
from coordogeo.maps.index import index_map
from coordogeo.maps.underserved import underserved_map

__all__ = ["access_map", "coverage_map", "index_map", "underserved_map"]
