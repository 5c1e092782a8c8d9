"""The bivariate map: standard of living × travel time, colour-blind safe."""

from __future__ import annotations

from typing import Any, Final

import numpy as np

import folium
import geopandas as gpd

from coordogeo._columns import INCOME_THIRD
from coordogeo._numbers import decimals, thousands
from coordogeo.errors import check_columns
from coordogeo.maps._raster import add_polygons
from coordogeo.maps._style import (
    MAX_SHAPES,
    NO_DATA_COLOUR,
    colon,
    displayed,
    drawn_of,
    label,
    styled_layer,
    text,
    to_display,
)
from coordogeo.maps.framing import new_map
from coordogeo.maps.legend import add_grid_legend
from coordogeo.maps.page import Page, page_or_default
from coordogeo.maps.structures import add_structures

__all__ = ["BIVARIATE_COLOURS", "add_bivariate", "bivariate_classes", "equity_map"]

#: 3 × 3 classes: a blue ramp for the time (columns, shortest to longest) multiplied
#: by an orange ramp for the income (rows, richest third to poorest): darkest is
#: poor and far. Adjacent classes stay at least ΔE 18 apart (CIE76) with normal
#: vision and under simulated deuteranopia and protanopia (Machado et al. 2009);
#: ``tests/maps/test_equity_map.py`` checks it.
BIVARIATE_COLOURS: Final = (
    ("#ebebeb", "#8bbcd4", "#1f61a4"),
    ("#f5b260", "#918e56", "#214a43"),
    ("#df5e01", "#844b01", "#1e2701"),
)
#: Time classes: ≤ 10 min, 10–20 min, beyond 20 min or unreachable.
TIME_CUTS_MIN: Final = (10.0, 20.0)

_TEXT: Final[dict[str, dict[str, Any]]] = {
    "fr": {
        "layer": "Niveau de vie × temps d'accès",
        "rows": ("tiers le plus aisé", "tiers médian", "tiers le plus modeste"),
        "row_title": "niveau de vie",
        "column_title": "temps",
        "columns": ("≤ 10 min", "10–20 min", "> 20 min"),
        "income": "Niveau de vie moyen (€/an)",
        "no_income": "Sans niveau de vie (secret statistique)",
    },
    "en": {
        "layer": "Standard of living × travel time",
        "rows": ("richest third", "middle third", "poorest third"),
        "row_title": "standard of living",
        "column_title": "time",
        "columns": ("≤ 10 min", "10–20 min", "> 20 min"),
        "income": "Mean standard of living (€/year)",
        "no_income": "No standard of living (statistical secrecy)",
    },
}


def bivariate_classes(lang: str) -> tuple[str, list[tuple[int, int, str, str]]]:
    """Return the layer's name and its nine classes, as the web legend says them.

    Each class is ``(income third, time column, colour, label)``: third 1 is the
    poorest (the bottom row), column 0 the shortest times (:data:`TIME_CUTS_MIN`);
    an unreachable place is in the last column.
    """
    words = _TEXT[lang]
    classes = [
        (third, column, BIVARIATE_COLOURS[3 - third][column],
         f"{words['rows'][3 - third]} · {words['columns'][column]}")
        for third in (3, 2, 1)
        for column in range(3)
    ]  # fmt: skip
    return words["layer"], classes


def add_bivariate(
    m: folium.Map,
    cells: gpd.GeoDataFrame,
    *,
    income: str,
    group: str,
    time_column: str,
    lang: str,
    max_shapes: int | None = MAX_SHAPES,
) -> folium.Map:
    """Add the bivariate layer and its 3 × 3 legend; ``cells`` in any CRS.

    ``group`` holds each place's income third, 1 (poorest) to 3, as
    :func:`coordogeo.equity.income_groups` gives (missing: grey); ``income`` is
    shown in the tooltips. An unreachable place (NaN time) is in the longest class.
    """
    check_columns(cells, [income, group, time_column, "population"], name="places")
    cells = displayed(cells, name="places", drawn=drawn_of(m))
    words = _TEXT[lang]
    thirds = cells[group].to_numpy(dtype=np.float64)
    minutes = cells[time_column].to_numpy(dtype=np.float64)
    known = np.isin(thirds, (1.0, 2.0, 3.0))
    third = np.where(known, 3 - np.nan_to_num(thirds, nan=3.0), 0).astype(int)
    finite = np.isfinite(minutes)
    column = np.full(len(cells), 2)
    column[finite] = np.searchsorted(TIME_CUTS_MIN, minutes[finite], side="left")
    palette = np.asarray(BIVARIATE_COLOURS, dtype=object)
    fill = np.where(known, palette[third, column], NO_DATA_COLOUR)

    def tips() -> list[str]:
        shown = thousands(cells[income], lang).where(
            cells[income].notna().to_numpy(), "—"
        )
        minutes = cells[time_column]
        time_text = decimals(minutes, 1, lang).where(minutes.notna().to_numpy(), "—")
        sep = colon(lang)
        return list(
            f"{text(label('population', lang))}{sep}"
            + thousands(cells["population"], lang)
            + f"<br>{text(words['income'])}{sep}" + shown.to_numpy()
            + f"<br>{text(label('travel_time', lang))}{sep}" + time_text.to_numpy()
        )  # fmt: skip

    layer = styled_layer(cells, fill, tips, max_shapes=max_shapes)
    add_polygons(m, layer, name=words["layer"], weight=0.2, max_shapes=max_shapes,
                 lang=lang)  # fmt: skip
    add_grid_legend(
        m,
        words["layer"],
        BIVARIATE_COLOURS,
        rows=words["rows"],
        columns=words["columns"],
        row_title=words["row_title"],
        column_title=words["column_title"],
        layer=words["layer"],
    )
    return m


def equity_map(
    places: gpd.GeoDataFrame,
    *,
    income: str = "niveau_vie_moyen",
    time_column: str = "travel_time_min",
    structures: gpd.GeoDataFrame | None = None,
    page: Page | None = None,
) -> folium.Map:
    """Map places by standard of living × travel time (3 × 3 classes).

    Parameters
    ----------
    places
        An :func:`coordogeo.access.nearest` result with ``population``, an income
        column (``niveau_vie_moyen`` from the Filosofi grid) and its thirds, any
        CRS.
    income, time_column
        The income (shown in tooltips) and the travel time; the thirds drawn are
        the ``income_third`` column (1–3, from :func:`coordogeo.equity.income_groups`).
    structures
        Sites to mark, if given (any CRS).
    page
        Language, title, source line, commune base and shape budget
        (:class:`~coordogeo.maps.Page`); a French page with the map's usual
        title if None.

    Examples
    --------
    >>> from coordogeo.datasets import sample_territory
    >>> from coordogeo.network import RoadNetwork
    >>> from coordogeo.access import nearest
    >>> from coordogeo.equity import income_groups
    >>> sample = sample_territory()
    >>> msp = sample.structures[sample.structures["kind"] == "MSP"]
    >>> cells = nearest(RoadNetwork.from_roads(sample.roads), sample.population, msp)
    >>> cells["income_third"] = income_groups(
    ...     cells["niveau_vie_moyen"], cells["population"], 3)
    >>> html = equity_map(cells)._parent.render()
    >>> "Niveau de vie × temps d&#x27;accès" in html and "#1e2701" in html
    True
    """
    page = page_or_default(page)
    lang = page.lang
    cells = to_display(places, name="places", drawn=page.drawn)
    m = new_map(cells, page=page.titled(page.title_or("equity_title")))
    add_bivariate(
        m, cells, income=income, group=INCOME_THIRD, time_column=time_column,
        lang=lang, max_shapes=page.max_shapes,
    )  # fmt: skip
    if structures is not None:
        add_structures(m, structures, lang=lang)
    folium.LayerControl(collapsed=True).add_to(m)
    return m
