"""Road networks: building, snapping points, shortest travel times."""

from coordogeo.network.roads import BuildReport, RoadNetwork

__all__ = ["BuildReport", "RoadNetwork"]
