"""The travel-time map: classed cells, structures as markers, a legend."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

import folium
import geopandas as gpd

from coordogeo._columns import CROWFLY_MODEL
from coordogeo._numbers import decimals, thousands
from coordogeo.errors import check_columns
from coordogeo.maps._raster import add_polygons
from coordogeo.maps._style import (
    MAX_SHAPES,
    NO_DATA_COLOUR,
    TIME_BREAKS_MIN,
    TIME_COLOURS,
    anchored_classes,
    colon,
    displayed,
    drawn_of,
    label,
    styled_layer,
    text,
    to_display,
)
from coordogeo.maps.framing import new_map
from coordogeo.maps.legend import add_legend
from coordogeo.maps.page import Page, page_or_default
from coordogeo.maps.structures import add_structures

__all__ = ["access_map", "add_travel_times"]

OFF_NETWORK_COLOUR = "#d9d9d9"


def access_title(places: pd.DataFrame) -> str:
    """Label key of the title of these times: by road, or a crow-fly estimate.

    Times with no road network nor external table (``time_model`` a crow-fly
    estimate for every place) are not called road times.
    """
    if "time_model" not in places or len(places) == 0:
        return "access_title"
    model = places["time_model"].astype(str)
    crowfly = model.str.startswith(CROWFLY_MODEL).all()
    return "access_title_crowfly" if crowfly else "access_title"


def access_map(
    result: gpd.GeoDataFrame,
    structures: gpd.GeoDataFrame,
    *,
    column: str = "travel_time_min",
    page: Page | None = None,
    m: folium.Map | None = None,
) -> folium.Map:
    """Map a :func:`coordogeo.access.nearest` result: classed travel times and sites.

    Parameters
    ----------
    result
        Places with a travel-time column, any CRS (one is required).
    structures
        The sites, with ``kind`` and ``name`` columns if they have them.
    column
        The travel-time column to draw, in minutes (e.g. ``travel_time_min_MSP``).
    page
        Language, title, source line, commune base and shape budget
        (:class:`~coordogeo.maps.Page`); a French page titled « Temps d'accès »
        if None.
    m
        A map to add the layers to; a new one fitted to ``result`` if None.

    Returns
    -------
    folium.Map
        Cells classed at 5/10/15/20/30/45/60 min, unreachable and off-network places
        in greys, one marker layer per kind of structure, a legend, a layer control.
        Every text from the data is escaped.

    Examples
    --------
    >>> from coordogeo.datasets import sample_territory
    >>> from coordogeo.network import RoadNetwork
    >>> from coordogeo.access import nearest
    >>> sample = sample_territory()
    >>> net = RoadNetwork.from_roads(sample.roads)
    >>> msp = sample.structures[sample.structures["kind"] == "MSP"]
    >>> result = nearest(net, sample.population, msp)
    >>> html = access_map(result, msp)._parent.render()
    >>> "Temps de trajet (min)" in html and "Non accessible" in html
    True
    """
    page = page_or_default(page)
    lang, communes = page.lang, page.communes
    check_columns(result, [column], name="result")
    if (
        communes is not None
        and "nom" in communes
        and "insee" in result
        and "nom_commune" not in result
    ):  # the commune of each cell, in its tooltip
        result = result.assign(nom_commune=result["insee"].map(communes["nom"]))
    id_col = column.replace("travel_time_min", "nearest_id")
    if id_col != column and id_col in result and "name" in structures:
        # the nearest structure by its name (its id after it), not its id alone
        names = structures["name"].astype(object)
        names = names[names.notna() & (names.astype(str) != "")]
        ids = result[id_col].astype(object)
        named = ids.map(names)
        both = named.astype(str) + " (" + ids.astype(str) + ")"
        result = result.assign(nearest_name=both.where(named.notna(), ids))
    cells = to_display(result, name="result", drawn=page.drawn)
    if m is None:
        m = new_map(cells, page=page.titled(page.title_or(access_title(result))))
    add_travel_times(m, cells, column=column, lang=lang, max_shapes=page.max_shapes)
    add_structures(m, structures, lang=lang)
    folium.LayerControl(collapsed=True).add_to(m)
    return m


def add_travel_times(
    m: folium.Map,
    cells: gpd.GeoDataFrame,
    *,
    column: str,
    lang: str,
    max_shapes: int | None = MAX_SHAPES,
) -> folium.Map:
    """Add the classed travel-time layer and its legend; ``cells`` in any CRS."""
    check_columns(cells, [column], name="result")
    cells = displayed(cells, name="result", drawn=drawn_of(m))
    minutes = cells[column].to_numpy(dtype=np.float64)
    colour, items = _time_classes(minutes, lang)
    fill = np.where(np.isfinite(minutes), colour, NO_DATA_COLOUR)
    if "snapped" in cells:
        fill = np.where(cells["snapped"].to_numpy(dtype=bool), fill, OFF_NETWORK_COLOUR)
    layer = styled_layer(
        cells, fill, lambda: _tooltips(cells, column, lang), max_shapes=max_shapes
    )
    kind = column.removeprefix("travel_time_min").lstrip("_")
    name = label(access_title(cells), lang) + (
        f" — {label(kind, lang)}" if kind else ""
    )
    legend = [*items, (NO_DATA_COLOUR, label("unreachable", lang))]
    if "snapped" in cells:
        legend.append((OFF_NETWORK_COLOUR, label("off_network", lang)))
    add_polygons(m, layer, name=name, weight=0.2, max_shapes=max_shapes, lang=lang)
    add_legend(m, label("travel_time", lang), legend, layer=name, opacity=0.75)
    return m


def _time_classes(values: np.ndarray, lang: str) -> tuple[np.ndarray, list[Any]]:
    """Class travel times at 10 / 20 / 30 min, open beyond (TIME_BREAKS_MIN)."""
    return anchored_classes(
        values, TIME_BREAKS_MIN, TIME_COLOURS, unit=label("minutes", lang),
        lang=lang, upper_included=True,
    )  # fmt: skip


def _tooltips(cells: gpd.GeoDataFrame, column: str, lang: str) -> list[str]:
    """Build one escaped HTML tooltip per place."""
    time = cells[column].astype("float64")
    shown = decimals(time, 1, lang).where(
        time.notna(), text(label("unreachable", lang))
    )
    tip = f"{text(label('travel_time', lang))}{colon(lang)}" + shown
    if "population" in cells:
        pop = thousands(cells["population"], lang)
        tip = f"{text(label('population', lang))}{colon(lang)}" + pop + "<br>" + tip
    if "nom_commune" in cells:
        names = cells["nom_commune"].map(text)
        tip = f"{text(label('commune', lang))}{colon(lang)}" + names + "<br>" + tip
    id_col = column.replace("travel_time_min", "nearest_id")
    shown_col = "nearest_name" if "nearest_name" in cells else id_col
    if id_col in cells and id_col != column:
        nearest = cells[shown_col].map(lambda v: "—" if pd.isna(v) else text(v))
        tip = tip + f"<br>{text(label('nearest', lang))}{colon(lang)}" + nearest
    return list(tip)
