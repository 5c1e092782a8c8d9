"""The before / after map of a scenario: who gains, who loses, what opened or closed."""

from __future__ import annotations

from collections.abc import Sequence
from functools import partial
from typing import Any

import numpy as np
import pandas as pd

import folium
import geopandas as gpd
from branca.element import Element

from coordogeo._change import index_change_classes
from coordogeo._columns import TIME_AFTER, TIME_BEFORE, nearest_column
from coordogeo._numbers import decimals, thousands
from coordogeo.errors import InputError, check_columns
from coordogeo.maps._raster import add_polygons
from coordogeo.maps._sheet import Marks, sheet_of
from coordogeo.maps._style import (
    CHANGE_COLOURS,
    MAX_SHAPES,
    colon,
    displayed,
    drawn_of,
    label,
    page_of,
    styled_layer,
    text,
    to_display,
)
from coordogeo.maps.framing import new_map
from coordogeo.maps.legend import add_legend, layers_added, one_at_a_time
from coordogeo.maps.page import Page, page_or_default

__all__ = [
    "CHANGE_CLASSES",
    "INDEX_CLASSES",
    "add_change",
    "add_index_change",
    "change_labels",
    "scenario_map",
]

#: The change classes, in legend order, with the label key of each.
CHANGE_CLASSES: tuple[str, ...] = (
    "becomes_reachable", "gains_5", "gains", "same", "loses", "loses_5",
    "loses_access",
)  # fmt: skip
#: The index change classes, in legend order (see
#: :func:`coordogeo.scenarios.compare.index_change_classes`).
INDEX_CLASSES: tuple[str, ...] = (
    "index_up_10", "index_up", "index_same", "index_down", "index_down_10",
)  # fmt: skip
BIG_CHANGE_MIN = 5.0
#: A change below the minutes' shown decimal is no change.
SAME_TIME_MIN = 0.05


def scenario_map(
    comparison: gpd.GeoDataFrame,
    *,
    kind: str | Sequence[str] | None = None,
    changes: gpd.GeoDataFrame | None = None,
    summary: Sequence[Sequence[Any]] | None = None,
    page: Page | None = None,
    max_time_min: float | None = None,
    index: bool | None = None,
) -> folium.Map:
    """Map the places that gain or lose between two states, and what changed.

    Parameters
    ----------
    comparison
        Places (any CRS) with ``time_before_min_<kind>`` and ``time_after_min_<kind>``
        (NaN when out of reach), as :attr:`coordogeo.scenarios.Comparison.places`,
        and ``population`` / ``nom_commune`` for the tooltips when present.
    kind
        The kind whose change is drawn (None: the columns without a suffix), or
        several: one layer per kind, named by it, one shown at a time (a radio
        button each in the layer control), the first at opening; an empty list
        draws no time layer (a change of capacity only: see ``index``).
    changes
        The structures opened or closed (points, any CRS) with a ``change`` column
        (``opened`` / ``closed``; others are not drawn), marked and in the legend.
    summary
        Rows of the summary table shown beside the map: (indicator, before, after,
        change) as plain texts (escaped here).
    page
        Language, title, source line, commune base and shape budget
        (:class:`~coordogeo.maps.Page`); a French page with the map's usual
        title if None.
    max_time_min
        The bound of the two states' searches (NaN times are beyond it or off the
        roads): the classes say "now within 30 min" / "now beyond 30 min" rather
        than "becomes reachable" / "loses access".
    index
        Add a layer of each place's index change (``index_before`` /
        ``index_after``, as :attr:`~coordogeo.scenarios.Comparison.places` holds
        them with an index), after the time layers; None: when those columns are
        there.

    Returns
    -------
    folium.Map
        Places classed from "becomes reachable" to "loses access" (PuOr diverging
        palette, a change under 0,05 min counted as none), markers for opened and
        closed structures, legend, summary table and layer control.
    """
    page = page_or_default(page)
    lang, communes = page.lang, page.communes
    kinds = [kind] if kind is None or isinstance(kind, str) else list(kind)
    if index is None:
        index = {"index_before", "index_after"} <= set(comparison.columns)
    if index:
        check_columns(comparison, ["index_before", "index_after"], name="comparison")
    if not kinds and not index:
        raise InputError(
            "scenario_map: nothing to draw (no kind and no index); give `kind` or "
            "a comparison with `index_before` / `index_after`."
        )
    check_columns(
        comparison,
        [nearest_column(stem, k) for k in kinds for stem in (TIME_BEFORE, TIME_AFTER)],
        name="comparison",
    )  # fmt: skip
    if (
        communes is not None
        and "nom" in communes
        and "insee" in comparison
        and "nom_commune" not in comparison
    ):
        comparison = comparison.assign(
            nom_commune=comparison["insee"].map(communes["nom"])
        )
    cells = to_display(comparison, name="comparison", drawn=page.drawn)
    m = new_map(cells, page=page.titled(page.title_or("scenario_title")))
    layers = [
        layer
        for k in kinds
        for layer in layers_added(
            m,
            partial(add_change, m, cells, kind=k, lang=lang, max_shapes=page.max_shapes,
                    max_time_min=max_time_min),
        )
    ]  # fmt: skip
    if index:
        layers += layers_added(
            m,
            partial(add_index_change, m, cells, lang=lang, max_shapes=page.max_shapes),
        )
    one_at_a_time(m, layers, lang=lang)
    marks = []
    for key, colour in (("opened", CHANGE_COLOURS[0]), ("closed", CHANGE_COLOURS[-1])):
        frame = None if changes is None else changes[changes["change"] == key]
        if frame is not None and len(frame):
            _add_marks(
                m, frame, label(key, lang), colour, filled=key == "opened", lang=lang
            )
            marks.append((colour, label(key, lang)))
    if marks:
        add_legend(m, label("structures", lang), marks)
    if summary:
        _add_summary(m, summary, lang)
    folium.LayerControl(collapsed=True).add_to(m)
    return m


def add_change(
    m: folium.Map,
    cells: gpd.GeoDataFrame,
    *,
    kind: str | None,
    lang: str,
    max_shapes: int | None = MAX_SHAPES,
    max_time_min: float | None = None,
) -> folium.Map:
    """Add the classed change layer and its legend; ``cells`` in any CRS."""
    cells = displayed(cells, name="places", drawn=drawn_of(m))
    before = cells[nearest_column(TIME_BEFORE, kind)].to_numpy(dtype=np.float64)
    after = cells[nearest_column(TIME_AFTER, kind)].to_numpy(dtype=np.float64)
    cls = change_classes(before, after)
    fill = np.asarray(CHANGE_COLOURS, dtype=object)[cls]
    name = label("change_title", lang) + (f" — {label(kind, lang)}" if kind else "")
    words = change_labels(lang, max_time_min)
    items = list(zip(CHANGE_COLOURS, words, strict=True))
    layer = styled_layer(
        cells, fill,
        lambda: _tooltips(cells, before, after, cls, lang, words, max_time_min),
        max_shapes=max_shapes,
    )  # fmt: skip
    add_polygons(m, layer, name=name, weight=0.2,
                 max_shapes=max_shapes, lang=lang)  # fmt: skip
    add_legend(m, label("change_title", lang), items, layer=name, opacity=0.75)
    return m


def change_labels(lang: str, max_time_min: float | None = None) -> list[str]:
    """Return the seven change classes' names.

    With the states' bound, the first and last say it ("Passe à 30 min ou moins")
    rather than "becomes reachable".
    """
    if max_time_min is None:
        return [label(k, lang) for k in CHANGE_CLASSES]
    bound = f"{max_time_min:g}".replace(".", "," if lang == "fr" else ".")
    return [
        label("becomes_within", lang).format(bound=bound),
        *(label(k, lang) for k in CHANGE_CLASSES[1:-1]),
        label("goes_beyond", lang).format(bound=bound),
    ]


def add_index_change(
    m: folium.Map,
    cells: gpd.GeoDataFrame,
    *,
    lang: str,
    max_shapes: int | None = MAX_SHAPES,
) -> folium.Map:
    """Add the layer of each place's index change (``index_before`` / ``_after``)."""
    cells = displayed(cells, name="places", drawn=drawn_of(m))
    before = cells["index_before"].to_numpy(dtype=np.float64)
    after = cells["index_after"].to_numpy(dtype=np.float64)
    cls = index_change_classes(before, after)
    colours = np.asarray(CHANGE_COLOURS[1:-1], dtype=object)
    name = label("index_change_title", lang)
    items = [(c, label(k, lang)) for c, k in zip(colours, INDEX_CLASSES, strict=True)]

    def tips() -> list[str]:
        names = np.asarray([text(label(k, lang)) for k in INDEX_CLASSES], dtype=object)
        per_100k = pd.Series(before * 100_000, index=cells.index)
        after_100k = pd.Series(after * 100_000, index=cells.index)
        unit = text(label("per_100k", lang))
        tip = (
            f"{text(label('before', lang))}{colon(lang)}"
            + decimals(per_100k, 2, lang)
            + f"<br>{text(label('after', lang))}{colon(lang)}"
            + decimals(after_100k, 2, lang)
            + f" {unit}<br>" + pd.Series(names[cls], index=cells.index)
        )  # fmt: skip
        return list(_with_place(cells, tip, lang))

    layer = styled_layer(cells, colours[cls], tips, max_shapes=max_shapes)
    add_polygons(m, layer, name=name, weight=0.2, max_shapes=max_shapes, lang=lang)
    add_legend(m, name, items, layer=name, opacity=0.75)
    return m


def change_classes(before: np.ndarray, after: np.ndarray) -> np.ndarray:
    """Class of each place (position in :data:`CHANGE_CLASSES`); NaN is out of reach.

    Examples
    --------
    >>> nan = float("nan")
    >>> change_classes(np.array([nan, 20, 20, 20, 20, 20, 20, nan]),
    ...                np.array([9, 10, 18, 20, 22, 31, nan, nan])).tolist()
    [0, 1, 2, 3, 4, 5, 6, 3]
    """
    b_in, a_in = np.isfinite(before), np.isfinite(after)
    delta = np.where(b_in & a_in, after - before, 0.0)
    return np.select(
        [
            ~b_in & a_in,
            b_in & ~a_in,
            delta <= -BIG_CHANGE_MIN,
            delta < -SAME_TIME_MIN,
            delta >= BIG_CHANGE_MIN,
            delta > SAME_TIME_MIN,
        ],
        [0, 6, 1, 2, 5, 4],
        default=3,
    )


def _tooltips(
    cells: gpd.GeoDataFrame,
    before: np.ndarray,
    after: np.ndarray,
    cls: np.ndarray,
    lang: str,
    words: Sequence[str],
    max_time_min: float | None,
) -> list[str]:
    """One escaped tooltip per place: commune, population, before, after, class."""
    out_of_reach = text(
        label("unreachable", lang)
        if max_time_min is None
        else label("beyond_bound", lang).format(
            bound=f"{max_time_min:g}".replace(".", "," if lang == "fr" else ".")
        )
    )

    def shown(values: np.ndarray) -> pd.Series:
        series = pd.Series(values, index=cells.index)
        minutes: pd.Series = (
            decimals(series, 1, lang) + f" {text(label('minutes', lang))}"
        )
        return minutes.where(series.notna(), out_of_reach)

    names = np.asarray([text(w) for w in words], dtype=object)
    tip = (
        f"{text(label('before', lang))}{colon(lang)}" + shown(before)
        + f"<br>{text(label('after', lang))}{colon(lang)}" + shown(after)
        + "<br>" + pd.Series(names[cls], index=cells.index)
    )  # fmt: skip
    return list(_with_place(cells, tip, lang))


def _with_place(cells: gpd.GeoDataFrame, tip: pd.Series, lang: str) -> pd.Series:
    """Put the commune and the population before a tooltip."""
    if "population" in cells:
        tip = (
            f"{text(label('population', lang))}{colon(lang)}"
            + thousands(cells["population"], lang)
            + "<br>"
            + tip
        )
    if "nom_commune" in cells:
        tip = (
            f"{text(label('commune', lang))}{colon(lang)}"
            + cells["nom_commune"].map(text)
            + "<br>" + tip
        )  # fmt: skip
    return tip


def _add_marks(
    m: folium.Map,
    sites: gpd.GeoDataFrame,
    name: str,
    colour: str,
    *,
    filled: bool,
    lang: str,
) -> None:
    """Add a layer of ringed circles for opened (filled) or closed (hollow) sites."""
    shown = to_display(sites, name="structures", drawn=drawn_of(m))
    points = shown.geometry.representative_point()
    group = folium.FeatureGroup(name=text(name), show=True)
    names = shown["name"] if "name" in shown else pd.Series(shown.index, shown.index)
    for (site_id, point), site_name in zip(points.items(), names, strict=True):
        shown_name = site_name if pd.notna(site_name) else site_id
        folium.CircleMarker(
            location=[point.y, point.x],
            radius=9,
            color="#000000" if filled else colour,
            weight=3,
            fill=True,
            fill_color=colour if filled else "#ffffff",
            fill_opacity=0.95,
            tooltip=f"{text(name)}{colon(lang)}{text(shown_name)} ({text(site_id)})",
        ).add_to(group)
    group.add_to(m)
    sheet = sheet_of(m)
    if sheet is not None:
        sheet.marks.append(
            Marks(group, name, shown[["geometry"]], colour, "o", filled=filled)
        )


def _add_summary(m: folium.Map, rows: Sequence[Sequence[Any]], lang: str) -> None:
    """Add the collapsible summary table (plain texts, escaped here)."""
    head = "".join(
        f"<th style='text-align:left;padding:1px 6px'>{text(label(k, lang))}</th>"
        for k in ("indicator", "before", "after", "change")
    )
    body = "".join(
        "<tr>"
        + "".join(f"<td style='padding:1px 6px'>{text(cell)}</td>" for cell in row)
        + "</tr>"
        for row in rows
    )
    figure = page_of(m)
    figure.html.add_child(
        Element(
            '<div class="coordogeo-summary" style="position:fixed;top:172px;'
            "left:12px;z-index:9998;background:rgba(255,255,255,0.94);padding:4px 8px;"
            "border:1px solid #999;border-radius:4px;font:12px sans-serif;"
            'max-width:40vw;max-height:50vh;overflow:auto">'
            f"<details open><summary><b>{text(label('summary', lang))}</b></summary>"
            f"<table style='border-collapse:collapse'><tr>{head}</tr>{body}</table>"
            "</details></div>"
        )
    )
