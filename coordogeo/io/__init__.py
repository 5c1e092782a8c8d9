"""Readers of official French files: FINESS, INSEE grid, communes, CPTS lists."""

from coordogeo.io.finess import read_finess

__all__ = ["read_finess"]
