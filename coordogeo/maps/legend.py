"""A fixed legend box for Folium maps, every text escaped."""

from __future__ import annotations

import re
from collections.abc import Sequence

import folium
from branca.element import Element, Figure

from coordogeo.maps._style import text

__all__ = ["HATCH", "add_grid_legend", "add_legend"]

_BOX = "coordogeo_legends"
_BOX_TEMPLATE = (
    # above Leaflet's scale bar (bottom left), which it would otherwise hide
    '<div class="coordogeo-legends" style="position:fixed;bottom:56px;left:12px;'
    "z-index:9999;display:flex;flex-wrap:wrap-reverse;gap:6px;align-items:flex-end;"
    'max-width:70vw">'
    "{% for name, element in this._children.items() %}"
    "{{ element.render(**kwargs) }}"
    "{% endfor %}</div>"
)
#: Legend swatch of hatched areas (see :func:`coordogeo.maps._style.add_hatch`).
HATCH = "hatch"
_HATCH_CSS = (
    "repeating-linear-gradient(45deg,#333 0,#333 2px,rgba(255,255,255,0.6) 2px,"
    "rgba(255,255,255,0.6) 6px)"
)


def add_legend(
    m: folium.Map, title: str, items: Sequence[tuple[str, str]], *, unit: str = ""
) -> folium.Map:
    """Add a legend (title, then one coloured square and label per class) to ``m``.

    ``title``, ``unit`` and the labels are plain text; they are escaped here. The
    colours must be ``#rrggbb`` strings, or :data:`HATCH` for a hatched swatch.
    """
    rows = "".join(
        f'<div><span style="background:{_colour(colour)};width:14px;height:14px;'
        f'display:inline-block;margin-right:6px;border:1px solid #777"></span>'
        f"{text(name)}</div>"
        for colour, name in items
    )
    unit_html = (
        f" <span style='font-weight:normal'>({text(unit)})</span>" if unit else ""
    )
    body = (
        '<div class="coordogeo-legend" style="background:rgba(255,255,255,0.92);'
        "padding:8px 10px;border:1px solid #999;border-radius:4px;"
        'font:12px sans-serif;max-height:45vh;overflow-y:auto">'
        "<div style='font-weight:bold;margin-bottom:4px'>"
        f"{text(title)}{unit_html}</div>"
        f"{rows}</div>"
    )
    _legend_box(m).add_child(folium.Element(body))
    return m


def _legend_box(m: folium.Map) -> Element:
    """Return the page's legend container (bottom left), made on first use.

    Legends of several layers sit side by side in it instead of on top of each
    other.
    """
    figure = m.get_root()
    if not isinstance(figure, Figure):  # a Map always sits in a Figure
        raise TypeError("the map is not attached to a folium Figure")
    box = figure.html._children.get(_BOX)
    if box is None:
        box = Element(_BOX_TEMPLATE)
        figure.html.add_child(box, name=_BOX)
    return box


def _colour(value: str) -> str:
    """Accept only #rrggbb colours (they go into a style attribute unescaped)."""
    if value == HATCH:
        return _HATCH_CSS
    ok = re.fullmatch(r"#[0-9a-fA-F]{6}", value) is not None
    if not ok:
        raise ValueError(f"legend colour must look like '#1b7837', got {value!r}")
    return value


def add_grid_legend(
    m: folium.Map,
    title: str,
    colours: Sequence[Sequence[str]],
    *,
    rows: Sequence[str],
    columns: Sequence[str],
    row_title: str,
    column_title: str,
) -> folium.Map:
    """Add a bivariate legend: a grid of swatches, ``colours[row][column]``.

    Every text is escaped; colours must be ``#rrggbb``.
    """
    head = "".join(
        "<th style='font-weight:normal;padding:0 3px;white-space:nowrap'>"
        f"{text(c)}</th>"
        for c in columns
    )
    body = "".join(
        f"<tr><th style='font-weight:normal;text-align:right;padding-right:4px'>"
        f"{text(name)}</th>"
        + "".join(
            f"<td style='background:{_colour(colour)};width:22px;height:18px;"
            "border:1px solid #fff'></td>"
            for colour in line
        )
        + "</tr>"
        for name, line in zip(rows, colours, strict=True)
    )
    html = (
        '<div class="coordogeo-legend" style="background:rgba(255,255,255,0.92);'
        "padding:8px 10px;border:1px solid #999;border-radius:4px;"
        'font:12px sans-serif">'
        f"<div style='font-weight:bold;margin-bottom:4px'>{text(title)}</div>"
        f"<div>↓ {text(row_title)} · → {text(column_title)}</div>"
        f"<table style='border-collapse:collapse;margin-top:4px'><tr><th></th>{head}"
        f"</tr>{body}</table></div>"
    )
    _legend_box(m).add_child(folium.Element(html))
    return m
