"""A fixed legend box for Folium maps, every text escaped."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Sequence
from typing import Any

from jinja2 import Template

import folium
from branca.element import Element, MacroElement

from coordogeo.maps._sheet import Key, sheet_of
from coordogeo.maps._style import label, page_of, text

__all__ = [
    "HATCH",
    "add_grid_legend",
    "add_html_legend",
    "add_legend",
    "layers_added",
    "one_at_a_time",
]

_BOX = "coordogeo_legends"
_BOX_TEMPLATE = (
    # above Leaflet's scale bar (bottom left), which it would otherwise hide; a
    # panel that folds, so that on a laptop screen nothing stays hidden under it
    '<details open class="coordogeo-legend-panel" style="position:fixed;bottom:56px;'
    "left:12px;z-index:9999;max-width:min(70vw,340px);"
    'max-height:calc(100vh - 190px);overflow-y:auto;font:12px sans-serif">'
    '<summary style="cursor:pointer;background:rgba(255,255,255,0.92);'
    "border:1px solid #999;border-radius:4px;padding:2px 8px;width:max-content;"
    'font-weight:bold">{{ this.heading }}</summary>'
    '<div class="coordogeo-legends" style="display:flex;flex-wrap:wrap-reverse;'
    'gap:6px;align-items:flex-end;margin-top:4px">'
    "{% for name, element in this._children.items() %}"
    "{{ element.render(**kwargs) }}"
    "{% endfor %}</div></details>"
)
#: Legend swatch of hatched areas (see :func:`coordogeo.maps._style.add_hatch`).
HATCH = "hatch"
_HATCH_CSS = (
    "repeating-linear-gradient(45deg,#333 0,#333 2px,rgba(255,255,255,0.6) 2px,"
    "rgba(255,255,255,0.6) 6px)"
)


def add_legend(
    m: folium.Map,
    title: str,
    items: Sequence[tuple[str, str]],
    *,
    unit: str = "",
    layer: str | None = None,
    opacity: float = 1.0,
) -> folium.Map:
    """Add a legend (title, then one coloured square and label per class) to ``m``.

    ``title``, ``unit`` and the labels are plain text; they are escaped here. The
    colours must be ``#rrggbb`` strings, or :data:`HATCH` for a hatched swatch.
    With ``layer`` (the layer's name in the layer control) the legend shows only
    while that layer is on; swatches are drawn at the layer's ``opacity``, over
    white as the map is, so that they look like what is drawn.
    """
    rows = "".join(
        f'<div><span style="display:inline-block;margin-right:6px;'
        f'border:1px solid #777;background:#fff;width:14px;height:14px">'
        f'<span style="display:block;width:14px;height:14px;opacity:{opacity:g};'
        f'background:{_colour(colour)}"></span></span>{text(name)}</div>'
        for colour, name in items
    )
    unit_html = (
        f" <span style='font-weight:normal'>({text(unit)})</span>" if unit else ""
    )
    sheet = sheet_of(m)
    if sheet is not None:
        sheet.keys.append(Key(title, tuple(items), unit, layer, opacity))
    return add_html_legend(m, title, rows, unit_html=unit_html, layer=layer)


def add_html_legend(
    m: folium.Map,
    title: str,
    rows: str,
    *,
    unit_html: str = "",
    layer: str | None = None,
) -> folium.Map:
    """Add a legend whose rows are HTML built (and escaped) by the caller.

    ``title`` is plain text, escaped here; the legend sits in the page's folding
    legend panel, shown only while ``layer`` is on when one is named.
    """
    tied = f' data-layer="{text(layer)}"' if layer else ""
    body = (
        f'<div class="coordogeo-legend"{tied} style="background:rgba(255,255,255,0.92);'
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
    figure = page_of(m)
    box = figure.html._children.get(_BOX)
    if box is None:
        box = Element(_BOX_TEMPLATE)
        lang = getattr(m, "page_lang", "fr")
        box.heading = text(label("legend", lang if lang in ("fr", "en") else "fr"))  # type: ignore[attr-defined]
        figure.html.add_child(box, name=_BOX)
        _LegendSync().add_to(m)
    return box


class _LegendSync(MacroElement):
    """Show a legend only while its layer is on (layer control, and at opening)."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        (function () {
            var map = {{ this._parent.get_name() }};
            function plain(html) {
                var box = document.createElement("textarea");
                box.innerHTML = html;
                return box.value;
            }
            function show(name, on) {
                document.querySelectorAll(".coordogeo-legend[data-layer]")
                    .forEach(function (legend) {
                        if (legend.dataset.layer === name) {
                            legend.style.display = on ? "" : "none";
                        }
                    });
            }
            window.addEventListener("beforeprint", function () {  // printed open
                document.querySelectorAll(".coordogeo-legend-panel")
                    .forEach(function (panel) { panel.open = true; });
            });
            map.on("overlayadd", function (e) { show(plain(e.name), true); });
            map.on("overlayremove", function (e) { show(plain(e.name), false); });
            setTimeout(function () {  // once the layer control is built
                document.querySelectorAll(".leaflet-control-layers-overlays label")
                    .forEach(function (row) {
                        var input = row.querySelector("input");
                        if (input) { show(row.textContent.trim(), input.checked); }
                    });
            }, 0);
        })();
        {% endmacro %}
        """
    )

    def __init__(self) -> None:
        super().__init__()  # type: ignore[no-untyped-call]
        self._name = "LegendSync"


class _OneAtATime(MacroElement):
    """Turning on one of ``layers`` turns the others off; their rows are radios."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        (function () {
            var map = {{ this._parent.get_name() }};
            var themes = [{{ this.names | join(", ") }}];
            var ids = themes.map(function (layer) { return L.stamp(layer); });
            function inputs() {
                return document.querySelectorAll(
                    ".leaflet-control-layers-overlays input");
            }
            function mark() {  // Leaflet rebuilds its list at every change
                inputs().forEach(function (input) {
                    if (ids.indexOf(input.layerId) >= 0) {
                        input.type = "radio";
                        input.title = {{ this.note }};
                    }
                });
            }
            map.on("overlayadd", function (e) {
                if (themes.indexOf(e.layer) >= 0) {
                    themes.forEach(function (layer) {
                        if (layer !== e.layer && map.hasLayer(layer)) {
                            map.removeLayer(layer);
                        }
                    });
                }
                setTimeout(mark, 0);
            });
            map.on("overlayremove", function () { setTimeout(mark, 0); });
            function chosen(e) {  // before Leaflet reads the boxes of its list
                var input = e.target;
                if (input.tagName !== "INPUT" || ids.indexOf(input.layerId) < 0 ||
                        !input.checked) { return; }
                inputs().forEach(function (other) {
                    if (other !== input && ids.indexOf(other.layerId) >= 0) {
                        other.checked = false;
                    }
                });
            }
            setTimeout(function () {
                mark();
                document.querySelectorAll(".leaflet-control-layers")
                    .forEach(function (control) {
                        control.addEventListener("click", chosen, true);
                    });
            }, 0);
        })();
        {% endmacro %}
        """
    )

    def __init__(self, names: list[str], note: str) -> None:
        super().__init__()  # type: ignore[no-untyped-call]
        self._name = "OneAtATime"
        self.names = names
        self.note = note


def layers_added(m: folium.Map, draw: Callable[[], object]) -> list[Any]:
    """Run ``draw`` and return the layers it added to ``m`` (those with ``show``)."""
    before = set(m._children)
    draw()
    return [
        layer
        for key, layer in m._children.items()
        if key not in before and hasattr(layer, "show")
    ]


def one_at_a_time(m: folium.Map, layers: Sequence[object], *, lang: str) -> None:
    """Make ``layers`` (of the layer control) exclusive: one shown at a time.

    Two choropleths drawn together blend into colours no legend explains; their
    rows in the layer control become radio buttons. At most the first layer given
    as shown stays on at opening.
    """
    if len(layers) < 2:  # noqa: PLR2004 - nothing to exclude
        return
    shown = [layer for layer in layers if getattr(layer, "show", True)]
    for layer in shown[1:]:
        layer.show = False  # type: ignore[attr-defined]
    names = [layer.get_name() for layer in layers]  # type: ignore[attr-defined]
    note = json.dumps(label("one_theme", lang)).replace("<", "\\u003c")
    _OneAtATime(names, note).add_to(m)


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
    layer: str | None = None,
) -> folium.Map:
    """Add a bivariate legend: a grid of swatches, ``colours[row][column]``.

    Every text is escaped; colours must be ``#rrggbb``. With ``layer`` it shows only
    while that layer is on, as :func:`add_legend`.
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
    tied = f' data-layer="{text(layer)}"' if layer else ""
    html = (
        f'<div class="coordogeo-legend"{tied} style="background:rgba(255,255,255,0.92);'
        "padding:8px 10px;border:1px solid #999;border-radius:4px;"
        'font:12px sans-serif">'
        f"<div style='font-weight:bold;margin-bottom:4px'>{text(title)}</div>"
        f"<div>↓ {text(row_title)} · → {text(column_title)}</div>"
        f"<table style='border-collapse:collapse;margin-top:4px'><tr><th></th>{head}"
        f"</tr>{body}</table></div>"
    )
    _legend_box(m).add_child(folium.Element(html))
    sheet = sheet_of(m)
    if sheet is not None:
        grid = (colours, tuple(rows), tuple(columns), row_title, column_title)
        sheet.keys.append(Key(title, (), "", layer, 1.0, grid))
    return m
