"""What a page draws, recorded for its print figure (:func:`coordogeo.maps.figure`).

Every ``add_*`` of the maps records here the areas it fills, the legends it
writes, the marks it places and the page's framing, with the colours and labels
the page uses. The print figure draws these records: the web page and the figure
read one definition of each class, colour and label.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import folium
import geopandas as gpd

__all__ = ["Area", "Key", "Marks", "Sheet", "sheet_of"]


@dataclass(frozen=True)
class Area:
    """Filled shapes: each row's ``_fill`` colour (or the hatch) at ``opacity``."""

    layer: Any  # the page's layer: shown at opening unless its ``show`` is False
    name: str
    shapes: gpd.GeoDataFrame  # EPSG:4326, ``_fill`` and geometry
    opacity: float
    weight: float


@dataclass(frozen=True)
class Key:
    """A legend: its title, ``(colour, label)`` items, unit and layer.

    A bivariate legend has ``grid``: ``(colours[row][column], rows, columns,
    row_title, column_title)``.
    """

    title: str
    items: tuple[tuple[str, str], ...]
    unit: str = ""
    layer: str | None = None
    opacity: float = 1.0
    grid: tuple[Any, ...] | None = None
    outlined: bool = False  # drawn as outlines (under a coloured theme)


@dataclass(frozen=True)
class Marks:
    """Points drawn as one symbol: a kind's badge, a suggested site's star."""

    layer: Any
    name: str
    points: gpd.GeoDataFrame  # EPSG:4326
    colour: str
    shape: str  # matplotlib marker: "o", "s", "*"
    letters: str = ""
    filled: bool = True


@dataclass
class Sheet:
    """The records of one page, in drawing order."""

    lang: str = "fr"
    title: str = ""
    subtitle: str = ""
    source: str = ""
    made: str = ""  # « traitement coordogeo x.y, date »
    note: str = ""  # how the times were made (the page's « Méthode »)
    base: gpd.GeoDataFrame | None = None  # the communes' outlines, EPSG:4326
    areas: list[Area] = field(default_factory=list)
    keys: list[Key] = field(default_factory=list)
    marks: list[Marks] = field(default_factory=list)
    #: Names of the coloured themes, and of the areas outlined while one shows.
    themes: set[str] = field(default_factory=set)
    outlined: set[str] = field(default_factory=set)


def sheet_of(m: folium.Map) -> Sheet | None:
    """Return the records of ``m`` (a map from ``new_map``), else None."""
    sheet = getattr(m, "sheet", None)
    return sheet if isinstance(sheet, Sheet) else None
