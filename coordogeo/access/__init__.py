"""Access: travel times to the nearest structures and who lives within reach."""

from coordogeo.access.nearest import nearest
from coordogeo.access.summary import time_summary

__all__ = ["nearest", "time_summary"]
