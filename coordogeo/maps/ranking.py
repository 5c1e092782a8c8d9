"""A side table of the places that fare worst; a click on a row zooms to it."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final

import numpy as np
import pandas as pd
from jinja2 import Template

import folium
import geopandas as gpd
from branca.element import MacroElement

from coordogeo._numbers import decimals, thousands
from coordogeo.maps._style import label, page_of, text

__all__ = ["add_ranking"]

#: Rows a ranking shows: enough to act on, few enough to read at a glance.
N_ROWS: Final = 10


def add_ranking(  # noqa: PLR0913 - a table: its rows, order, columns and words
    m: folium.Map,
    shapes: gpd.GeoDataFrame,
    *,
    column: str,
    title: str,
    header: Sequence[str],
    lang: str,
    ascending: bool = True,
    digits: int = 2,
    n: int = N_ROWS,
) -> folium.Map:
    """Add a folding table of the ``n`` worst ``shapes`` by ``column`` (top left).

    ``shapes`` in EPSG:4326; rows with no value are left out of the ranking (never
    ranked best or worst); ties go to the place with the most inhabitants. Each
    row gives the name (``nom``, ``nom_commune`` or ``name``, else the id), the
    value (decimal comma in French) and the inhabitants; a click zooms the map to
    the place. Every text is escaped.
    ``ascending``: the lowest values are the worst (an index); False for a rank or
    a travel time.
    """
    values = pd.to_numeric(shapes[column], errors="coerce")
    ranked = shapes.loc[values.notna()].assign(_value=values[values.notna()])
    if "population" in ranked:  # ties: the most inhabitants first
        ranked = ranked.assign(_people=ranked["population"].astype("float64"))
        ranked = ranked.sort_values(["_value", "_people"], ascending=[ascending, False],
                                    kind="stable").head(n)  # fmt: skip
    else:
        ranked = ranked.sort_values("_value", ascending=ascending, kind="stable")
        ranked = ranked.head(n)
    if len(ranked) == 0:
        return m
    # ties at the last value shown: say how many places share it, not only ten
    last = ranked["_value"].iloc[-1]
    tied, tied_shown = (
        int((values == last).sum()),
        int((ranked["_value"] == last).sum()),
    )
    ties = (
        "<div style='color:#555'>"
        + text(
            label("ties_note", lang).format(
                n=tied, k=tied_shown, value=decimals([last], digits, lang)[0]
            )
        )
        + "</div>"
        if tied > tied_shown
        else ""
    )
    names = _names(ranked)
    shown = decimals(ranked["_value"].to_numpy(), digits, lang).to_numpy()
    people = (
        thousands(ranked["population"], lang).to_numpy()
        if "population" in ranked
        else np.full(len(ranked), "")
    )
    bounds = ranked.geometry.bounds.to_numpy(dtype=np.float64)
    rows = "".join(
        f'<tr data-bounds="{",".join(f"{b:.6f}" for b in box)}" '
        'style="cursor:pointer">'
        f"<td>{k}</td><td>{text(name)}</td>"
        f'<td style="text-align:right">{text(value)}</td>'
        f'<td style="text-align:right">{text(who)}</td></tr>'
        for k, (name, value, who, box) in enumerate(
            zip(names, shown, people, bounds, strict=True), start=1
        )
    )
    head = "".join(f"<th>{text(h)}</th>" for h in ["", *header])
    box = (
        '<div class="coordogeo-ranking" style="position:fixed;top:172px;left:12px;'
        "z-index:9998;background:rgba(255,255,255,0.92);padding:6px 8px;"
        "border:1px solid #999;border-radius:4px;font:12px sans-serif;"
        'max-height:40vh;overflow-y:auto">'
        f"<details><summary><b>{text(title)}</b></summary>{ties}"
        f'<table style="border-collapse:collapse;margin-top:4px">'
        f"<tr>{head}</tr>{rows}</table>"
        f"<div style='color:#555'>{text(label('ranking_hint', lang))}</div>"
        "</details></div>"
    )
    page_of(m).html.add_child(folium.Element(box))
    _ZoomOnClick().add_to(m)
    return m


def _names(shapes: pd.DataFrame) -> list[str]:
    """Return each place's name: ``nom``, ``nom_commune``, ``name``, else its id."""
    for column in ("nom", "nom_commune", "name"):
        if column in shapes:
            named = shapes[column].where(shapes[column].notna(), None)
            return [
                str(v) if v is not None else str(i)
                for i, v in zip(shapes.index, named, strict=True)
            ]
    return [str(i) for i in shapes.index]


class _ZoomOnClick(MacroElement):
    """A click on a ranking row fits the map to the row's bounds."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        (function () {
            var map = {{ this._parent.get_name() }};
            document.querySelectorAll(".coordogeo-ranking tr[data-bounds]")
                .forEach(function (row) {
                    row.addEventListener("click", function () {
                        var b = row.dataset.bounds.split(",").map(Number);
                        map.fitBounds([[b[1], b[0]], [b[3], b[2]]],
                                      {maxZoom: 13, padding: [40, 40]});
                    });
                });
        })();
        {% endmacro %}
        """
    )

    def __init__(self) -> None:
        super().__init__()  # type: ignore[no-untyped-call]
        self._name = "ZoomOnClick"
