"""Readers of official French files: FINESS, INSEE grid, communes, CPTS lists."""

from coordogeo.io.finess import read_finess
from coordogeo.io.grid import read_insee_grid

__all__ = ["read_finess", "read_insee_grid"]
