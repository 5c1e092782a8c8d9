"""What frames every map: backgrounds, French controls, title and source, communes.

- **Backgrounds.** The IGN Géoplateforme "Plan IGN" WMTS (public, no key) is the
  default; OpenStreetMap and CARTO are alternatives, asked with a
  ``referrerPolicy`` since their servers refuse requests that carry no referrer.
  A page opened from disk (``file://``) sends no referrer at all, which is why
  OpenStreetMap is not the default.
- **Offline base.** With ``communes``, their outlines, the outer limit of the
  territory and the commune names (on hover, and written at closer zooms) are drawn
  from the user's own data, so a map stays readable with no network.
- **Controls in the page's language.** Zoom buttons, a metric-only scale.
- **Framing.** A title and subtitle at the top, a source line at the bottom
  (data sources, "traitement coordogeo x.y", the production date), a method note
  that unfolds, and the page's ``<title>`` and ``lang``.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Final

import numpy as np
from jinja2 import Template

import folium
import geopandas as gpd
from branca.element import Element, MacroElement

from coordogeo._columns import french_time_model
from coordogeo._version import __version__
from coordogeo.errors import InputError
from coordogeo.maps._offline import FullScreen, SelfContainedMap
from coordogeo.maps._sheet import Sheet, sheet_of
from coordogeo.maps._style import (
    colon,
    drawn_of,
    label,
    page_of,
    territory_limit,
    text,
    to_display,
)
from coordogeo.maps.page import Page, page_or_default

__all__ = [
    "BACKGROUNDS",
    "add_backgrounds",
    "add_communes_base",
    "add_downloads",
    "add_framing",
    "new_map",
]

#: name (label key) -> (tile URL, attribution, extra Leaflet options).
BACKGROUNDS: Final[dict[str, tuple[str, str, dict[str, Any]]]] = {
    "plan_ign": (
        ("https://data.geopf.fr/wmts?SERVICE=WMTS&REQUEST=GetTile&VERSION=1.0.0"
        "&LAYER=GEOGRAPHICALGRIDSYSTEMS.PLANIGNV2&STYLE=normal&TILEMATRIXSET=PM"
        "&FORMAT=image/png&TILEMATRIX={z}&TILEROW={y}&TILECOL={x}"),
        '© <a href="https://www.ign.fr/">IGN</a> – Plan IGN',
        {"maxZoom": 19},
    ),
    "osm": (
        "https://tile.openstreetmap.org/{z}/{x}/{y}.png",
        '© <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a>',
        {"maxZoom": 19, "referrerPolicy": "strict-origin-when-cross-origin"},
    ),
    "carto": (
        "https://{s}.basemaps.cartocdn.com/light_all/{z}/{x}/{y}.png",
        ('© <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> '
        '© <a href="https://carto.com/attributions">CARTO</a>'),
        {"maxZoom": 19, "subdomains": "abcd",
         "referrerPolicy": "strict-origin-when-cross-origin"},
    ),
}  # fmt: skip
#: Printed, a page is an A4 landscape sheet: title, map, legends, source; no
#: control, no link box, no "a click shows" hint, no folding marker.
_PRINT_CSS: Final = (
    "<style>@media print{@page{size:A4 landscape;margin:8mm}"
    ".leaflet-control-zoom,.leaflet-control-layers,.coordogeo-fullscreen,"
    ".coordogeo-links,.coordogeo-figures,.coordogeo-downloads,.coordogeo-ranking,"
    ".coordogeo-search,.coordogeo-legend-panel>summary,"
    ".coordogeo-hint{display:none!important}"
    "summary{list-style:none}summary::-webkit-details-marker{display:none}"
    ".coordogeo-title,.coordogeo-source,.coordogeo-legend-panel{position:fixed}}"
    "</style>"
)
#: Zoom from which the commune names are written on the map, where they fit.
LABEL_ZOOM: Final = 8


def add_backgrounds(m: folium.Map, *, lang: str) -> folium.Map:
    """Add the background choices (Plan IGN shown), French zoom and a metric scale."""
    for index, (key, (url, attribution, options)) in enumerate(BACKGROUNDS.items()):
        folium.TileLayer(
            tiles=url,
            attr=attribution,
            name=label(key, lang),
            overlay=False,
            control=True,
            show=index == 0,
            **options,
        ).add_to(m)
    _Controls(zoom_in=label("zoom_in", lang), zoom_out=label("zoom_out", lang)).add_to(
        m
    )
    return m


class _Controls(MacroElement):
    """Zoom buttons with titles in the page's language; a metric-only scale."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        L.control.zoom({zoomInTitle: {{ this.zoom_in|tojson }},
                        zoomOutTitle: {{ this.zoom_out|tojson }}})
            .addTo({{ this._parent.get_name() }});
        L.control.scale({metric: true, imperial: false})
            .addTo({{ this._parent.get_name() }});
        {% endmacro %}
        """
    )

    def __init__(self, *, zoom_in: str, zoom_out: str) -> None:
        super().__init__()  # type: ignore[no-untyped-call]
        self._name = "Controls"
        self.zoom_in, self.zoom_out = zoom_in, zoom_out


def add_communes_base(
    m: folium.Map, communes: gpd.GeoDataFrame, *, lang: str
) -> folium.Map:
    """Draw the communes' outlines, the territory's limit and the commune names.

    From the user's own data: readable offline. Names show on hover and, from zoom
    :data:`LABEL_ZOOM`, written at each commune's centre.
    """
    shown = to_display(communes, name="communes", simplify_m=25.0, drawn=drawn_of(m))
    names = shown["nom"].map(text) if "nom" in shown else shown.index.map(text)
    outlines = gpd.GeoDataFrame(
        {"_tip": names.to_numpy()}, geometry=shown.geometry.to_numpy(), crs=4326
    )
    folium.GeoJson(
        outlines.to_json(drop_id=True),
        name=text(label("communes_layer", lang)),
        style_function=lambda _: {"color": "#666666", "weight": 0.6, "fill": False},
        tooltip=folium.GeoJsonTooltip(fields=["_tip"], labels=False),
        control=False,
    ).add_to(m)
    drawn = drawn_of(m)
    outline = territory_limit(shown) if drawn is None else drawn.limit(shown)
    limit = gpd.GeoDataFrame(geometry=[outline], crs=4326)
    sheet = sheet_of(m)
    if sheet is not None:
        sheet.base = outlines[["geometry"]]
    folium.GeoJson(
        limit.boundary.to_json(drop_id=True),
        name=text(label("territory_limit", lang)),
        style_function=lambda _: {"color": "#222222", "weight": 2.2},
        control=False,
        interactive=False,
    ).add_to(m)
    centres = shown.geometry.representative_point()
    weight = (
        shown["population"].to_numpy(dtype=np.float64)
        if "population" in shown
        else shown.geometry.area.to_numpy()
    )
    plain = shown["nom"].astype(str) if "nom" in shown else shown.index.astype(str)
    first = np.argsort(-np.nan_to_num(weight, nan=0.0), kind="stable")
    rows = list(zip(centres, names, plain.str.len(), strict=True))
    _Labels(
        [[float(rows[k][0].y), float(rows[k][0].x), rows[k][1], int(rows[k][2])]
         for k in first]
    ).add_to(m)  # fmt: skip
    plain = shown["nom"].astype(str) if "nom" in shown else shown.index.astype(str)
    bounds = shown.geometry.bounds.to_numpy()
    _Search(
        [
            [name, [[b[1], b[0]], [b[3], b[2]]]]
            for name, b in zip(plain, bounds.round(5).tolist(), strict=True)
        ],
        placeholder=label("find_commune", lang),
    ).add_to(m)
    return m


class _Search(MacroElement):
    """Find a commune by name, offline: a box with suggestions that zooms to it.

    Names travel as JSON data and are set as text (``option.value``), never as
    HTML, so a hostile name cannot run.
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        (function () {
            var map = {{ this._parent.get_name() }};
            var rows = {{ this.rows|tojson }};
            var Control = L.Control.extend({
                options: {position: "topleft"},
                onAdd: function () {
                    var box = L.DomUtil.create("div", "leaflet-bar coordogeo-search");
                    box.style.background = "#fff";
                    var input = L.DomUtil.create("input", "", box);
                    input.setAttribute("list", "coordogeo-communes");
                    input.setAttribute("aria-label", {{ this.placeholder|tojson }});
                    input.placeholder = {{ this.placeholder|tojson }};
                    input.style.cssText =
                        "width:14em;padding:4px;border:0;font:12px sans-serif";
                    var list = L.DomUtil.create("datalist", "", box);
                    list.id = "coordogeo-communes";
                    rows.forEach(function (row) {
                        var option = document.createElement("option");
                        option.value = row[0];
                        list.appendChild(option);
                    });
                    function go() {
                        var wanted = input.value.trim().toLowerCase();
                        for (var i = 0; i < rows.length; i++) {
                            if (rows[i][0].toLowerCase() === wanted) {
                                map.fitBounds(rows[i][1]);
                                return;
                            }
                        }
                    }
                    L.DomEvent.on(input, "change", go);
                    L.DomEvent.on(input, "keydown", function (e) {
                        if (e.key === "Enter") { go(); }
                    });
                    L.DomEvent.disableClickPropagation(box);
                    return box;
                }
            });
            map.addControl(new Control());
        })();
        {% endmacro %}
        """
    )

    def __init__(self, rows: list[list[Any]], *, placeholder: str) -> None:
        super().__init__()  # type: ignore[no-untyped-call]
        self._name = "CommuneSearch"
        self.rows = rows
        self.placeholder = placeholder


class _FitClear(MacroElement):
    """Fit the map to the territory in the room the page's boxes leave it.

    Once the page is laid out (and before and after printing), the boxes at the
    map's edges (title, legends, tables, links, source) are measured and the
    territory is fitted inside what they leave, at quarter zoom steps: no box
    covers it. The layer control's button is named in the page's language.
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        (function () {
            var map = {{ this._parent.get_name() }};
            var bounds = {{ this.bounds|tojson }}, sides = {{ this.sides|tojson }};
            map.options.zoomSnap = 0.25;
            function edges() {
                var box = map.getContainer().getBoundingClientRect();
                var room = {left: 0, top: 0, right: 0, bottom: 0};
                ["left", "top", "right", "bottom"].forEach(function (side) {
                    document.querySelectorAll(sides[side]).forEach(function (el) {
                        var r = el.getBoundingClientRect();
                        if (!r.width || !r.height) { return; }
                        var d = {left: r.right - box.left, top: r.bottom - box.top,
                                 right: box.right - r.left,
                                 bottom: box.bottom - r.top};
                        room[side] = Math.max(room[side], d[side]);
                    });
                });
                return room;
            }
            function stack() {  // the legends end below the boxes above them
                var top = 0;
                document.querySelectorAll(sides.above).forEach(function (el) {
                    var r = el.getBoundingClientRect();
                    if (r.width && r.height) { top = Math.max(top, r.bottom); }
                });
                document.querySelectorAll(".coordogeo-legend-panel").forEach(
                    function (el) {
                        var bottom = el.getBoundingClientRect().bottom;
                        el.style.maxHeight = Math.max(80, bottom - top - 8) + "px";
                    });
            }
            function fit() {
                stack();
                var room = edges(), size = map.getSize();
                if (room.left + room.right > 0.7 * size.x) {
                    room.left = room.right = 0;
                }
                if (room.top + room.bottom > 0.7 * size.y) {
                    room.top = room.bottom = 0;
                }
                map.fitBounds(bounds, {
                    paddingTopLeft: [room.left + 8, room.top + 8],
                    paddingBottomRight: [room.right + 8, room.bottom + 8],
                    animate: false});
            }
            function named() {
                var name = {{ this.layers|tojson }};
                var toggles = ".leaflet-control-layers-toggle";
                document.querySelectorAll(toggles).forEach(function (a) {
                    a.title = name;
                    a.setAttribute("aria-label", name);
                });
            }
            window.addEventListener("load", function () { named(); fit(); });
            window.addEventListener("beforeprint", fit);
            window.addEventListener("afterprint", fit);
        })();
        {% endmacro %}
        """
    )

    #: The boxes measured on each side of the map.
    SIDES: Final = {
        "top": ".coordogeo-title",
        "left": ".coordogeo-legend-panel, .coordogeo-ranking, .coordogeo-summary, "
        ".leaflet-top.leaflet-left .leaflet-control",
        "right": ".leaflet-top.leaflet-right .leaflet-control",
        "bottom": ".coordogeo-source, .coordogeo-downloads, .coordogeo-links, "
        ".leaflet-bottom .leaflet-control",
        # the boxes above the legends, on the left
        "above": ".coordogeo-ranking, .coordogeo-summary, "
        ".leaflet-top.leaflet-left .leaflet-control",
    }

    def __init__(self, bounds: list[list[float]], *, layers: str = "Couches") -> None:
        super().__init__()  # type: ignore[no-untyped-call]
        self._name = "FitClear"
        self.bounds = [[float(v) for v in corner] for corner in bounds]
        self.layers = layers
        self.sides = self.SIDES


class _Labels(MacroElement):
    """Commune names where they fit, the most populated first; escaped texts.

    From zoom :data:`LABEL_ZOOM`, after each move the names are placed in order
    (most populated communes first) and one that would overlap a name already
    written is left out: a département opens with its towns named, and more
    names come as one zooms in.
    """

    _template = Template(
        """
        {% macro header(this, kwargs) %}
        <style>.coordogeo-label{font:11px sans-serif;color:#333;white-space:nowrap;
        text-shadow:0 0 3px #fff,0 0 3px #fff;pointer-events:none}</style>
        {% endmacro %}
        {% macro script(this, kwargs) %}
        (function () {
            var map = {{ this._parent.get_name() }};
            var layer = L.layerGroup().addTo(map);
            var rows = {{ this.labels|tojson }};
            function place() {
                layer.clearLayers();
                if (map.getZoom() < {{ this.zoom }}) { return; }
                var size = map.getSize(), placed = [];
                for (var i = 0; i < rows.length && placed.length < 400; i++) {
                    var p = map.latLngToContainerPoint([rows[i][0], rows[i][1]]);
                    var box = [p.x - 2, p.y - 2, p.x + 6.2 * rows[i][3] + 4,
                               p.y + 15];
                    if (box[0] < 0 || box[1] < 0 || box[2] > size.x
                        || box[3] > size.y) { continue; }
                    var free = placed.every(function (b) {
                        return box[2] < b[0] || box[0] > b[2]
                            || box[3] < b[1] || box[1] > b[3];
                    });
                    if (!free) { continue; }
                    placed.push(box);
                    L.marker([rows[i][0], rows[i][1]], {
                        interactive: false, keyboard: false,
                        icon: L.divIcon({className: "coordogeo-label",
                                         html: rows[i][2], iconSize: null})
                    }).addTo(layer);
                }
            }
            map.on("zoomend moveend", place);
            place();
        })();
        {% endmacro %}
        """
    )

    def __init__(self, labels: list[list[Any]]) -> None:
        super().__init__()  # type: ignore[no-untyped-call]
        self._name = "CommuneLabels"
        self.labels = labels
        self.zoom = LABEL_ZOOM


def add_framing(
    m: folium.Map,
    *,
    title: str,
    subtitle: str | None = None,
    source: str | None = None,
    note: str | None = None,
    lang: str = "fr",
) -> folium.Map:
    """Add the title box, the source line and the page's ``<title>`` and ``lang``.

    Every text is plain and escaped here. The source line ends with "traitement
    coordogeo <version>" and today's date.
    """
    figure = page_of(m)
    figure.title = text(title)
    setattr(m, "page_lang", lang)  # noqa: B010 - read by SelfContainedMap.render
    today = dt.date.today()
    date = f"{today.day} {label('month_' + str(today.month), lang)} {today.year}"
    made = label("processing", lang).format(version=__version__, date=date)
    sources = (
        f"{text(label('sources', lang))}{colon(lang)}{text(source)} — "
        if source
        else ""
    )
    method = (
        f"<details><summary>{text(label('method', lang))}</summary>"
        f"<div style='max-width:46em;margin-top:4px'>{text(note)}</div></details>"
        if note
        else ""
    )
    sheet = sheet_of(m)
    if sheet is not None:
        sheet.lang, sheet.title, sheet.subtitle = lang, title, subtitle or ""
        sheet.source = (
            f"{label('sources', lang)}{colon(lang)}{source}" if source else ""
        )
        sheet.made, sheet.note = made, note or ""
    figure.header.add_child(Element(_PRINT_CSS), name="coordogeo_print")
    figure.html.add_child(
        Element(
            # beside the zoom buttons, clear of the layer control on the right
            '<div class="coordogeo-title" style="position:fixed;top:10px;left:56px;'
            "z-index:9999;background:rgba(255,255,255,0.94);padding:6px 14px;"
            "border:1px solid #999;border-radius:4px;font:13px sans-serif;"
            'max-width:45vw">'
            f"<div style='font-weight:bold;font-size:16px'>{text(title)}</div>"
            + (f"<div>{text(subtitle)}</div>" if subtitle else "")
            + f"{method}</div>"
            '<div class="coordogeo-source" style="position:fixed;bottom:18px;'
            "right:12px;z-index:9999;background:rgba(255,255,255,0.85);"
            'padding:2px 6px;font:11px sans-serif;color:#333">'
            f"{sources}{text(made)}</div>"
        )
    )
    return m


def time_note(frame: gpd.GeoDataFrame, lang: str) -> str | None:
    """Say how the frame's travel times were made (its ``time_model``), or None.

    Every page that draws times says in its method note which road model made
    them (the profile, the network, the approach legs), in the page's language.
    """
    if "time_model" not in frame or not len(frame):
        return None
    models = frame["time_model"].dropna().astype(str).unique()[:2]
    if not len(models):
        return None
    said = [french_time_model(m) if lang == "fr" else m for m in models]
    return label("time_note", lang).format(model=" ; ".join(said))


def new_map(
    frame: gpd.GeoDataFrame,
    *,
    page: Page | None = None,
    subtitle: str | None = None,
    note: str | None = None,
) -> folium.Map:
    """Return an empty self-contained map fitted to ``frame``, framed by ``page``.

    ``frame`` may be in any CRS (it is reprojected for the extent). Backgrounds
    (:data:`BACKGROUNDS`, Plan IGN shown), zoom buttons in the page's language and
    a metric scale, a full-screen button; with the page's title, the title box and
    source line (:func:`add_framing`); with its communes, the offline base
    (:func:`add_communes_base`). The layers added later keep their drawn shapes
    in the page (:class:`Page`). Leaflet and its plugins are inlined when the
    map is saved.
    """
    page = page_or_default(page)
    m = SelfContainedMap(tiles=None, control_scale=False, zoom_control=False)
    m.drawn = page.drawn
    m.sheet = Sheet(lang=page.lang)
    # only the extent is read here: repeated labels (stacked layers) do not matter
    shown = (
        to_display(frame.reset_index(drop=True), name="frame", drawn=page.drawn)
        if len(frame)
        else frame
    )
    add_backgrounds(m, lang=page.lang)
    if page.communes is not None and len(page.communes):
        add_communes_base(m, page.communes, lang=page.lang)
    if len(shown):
        xmin, ymin, xmax, ymax = shown.total_bounds
        if np.isfinite([xmin, ymin, xmax, ymax]).all():
            m.fit_bounds([[ymin, xmin], [ymax, xmax]])  # before the page is laid out
            _FitClear(
                [[ymin, xmin], [ymax, xmax]], layers=label("layers_control", page.lang)
            ).add_to(m)
    FullScreen(label("fullscreen", page.lang)).add_to(m)
    note = note if note is not None else time_note(frame, page.lang)
    if page.title:
        add_framing(
            m,
            title=page.title,
            subtitle=subtitle,
            source=page.source,
            note=note,
            lang=page.lang,
        )
    else:
        setattr(m, "page_lang", page.lang)  # noqa: B010 - read by SelfContainedMap.render
    return m


def add_downloads(m: folium.Map, files: dict[str, str], *, lang: str) -> folium.Map:
    """Link the data files written beside the page (GeoPackage, CSV tables).

    ``files`` is ``{label: relative path}``; addresses are checked and escaped.
    """
    links = " · ".join(
        f'<a href="{text(_relative(href))}">{text(name)}</a>'
        for name, href in files.items()
    )
    figure = page_of(m)
    figure.html.add_child(
        Element(
            '<div class="coordogeo-downloads" style="position:fixed;bottom:38px;'
            "right:12px;z-index:9999;background:rgba(255,255,255,0.85);"
            'padding:2px 6px;font:11px sans-serif">'
            f"{text(label('data', lang))}{colon(lang)}"
            f"{links}</div>"
        )
    )
    return m


def _relative(href: str) -> str:
    """Refuse anything but a relative path (a data file beside the page)."""
    if ":" in href or href.startswith(("/", "\\")):
        raise InputError(
            f"`files` has the address {href!r}; give paths relative to the page."
        )
    return href
