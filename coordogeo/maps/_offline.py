"""Self-contained Folium maps: Leaflet, plugins and CSS inlined, nothing from a CDN.

The JavaScript and CSS come from the XStatic packages we depend on (XStatic-Leaflet,
XStatic-Leaflet-MarkerCluster, XStatic-jQuery: the upstream files, packaged for
Python); the full-screen button is our own few lines over the browser's Fullscreen
API. A map saved by coordogeo therefore opens offline or behind a filtering proxy;
only the base tiles need the network, and the layers draw without them.
"""

from __future__ import annotations

import base64
import functools
import re
from pathlib import Path
from typing import Any, Final

import xstatic.pkg.jquery as xs_jquery
import xstatic.pkg.leaflet as xs_leaflet
import xstatic.pkg.leaflet_markercluster as xs_markercluster
from jinja2 import Template

import folium
from branca.element import Element, Figure, MacroElement

from coordogeo.errors import CoordogeoError

__all__ = ["FullScreen", "SelfContainedMap", "cdn_links"]

#: Folium resource names we inline, and the file each comes from.
_INLINE_JS: Final = {
    "leaflet": (xs_leaflet.BASE_DIR, "leaflet.js"),
    "jquery": (xs_jquery.BASE_DIR, "jquery.min.js"),  # folium's popups use it
    "markerclusterjs": (xs_markercluster.BASE_DIR, "leaflet.markercluster.js"),
}
_INLINE_CSS: Final = {
    "leaflet_css": (xs_leaflet.BASE_DIR, "leaflet.css"),
    "markerclustercss": (xs_markercluster.BASE_DIR, "MarkerCluster.css"),
    "markerclusterdefaultcss": (xs_markercluster.BASE_DIR, "MarkerCluster.Default.css"),
}
#: Folium defaults our maps never use (Bootstrap, Font Awesome and awesome-markers
#: serve ``folium.Icon``; coordogeo draws its markers in inline SVG).
_UNUSED: Final = frozenset(
    {
        "bootstrap",
        "awesome_markers",
        "bootstrap_css",
        "glyphicons_css",
        "awesome_markers_font_css",
        "awesome_markers_css",
        "awesome_rotate_css",
    }
)
_CDN = re.compile(r"""<(?:script|link)[^>]+(?:src|href)=["']?(https?:)?//""", re.I)


#: branca's page, with the ``lang`` of the map's labels on ``<html>``.
_PAGE: Final = Template(
    "<!DOCTYPE html>\n"
    '<html lang="{{ this.page_lang }}">\n'
    "<head>\n"
    '<meta charset="utf-8">\n'
    "{% if this.title %}<title>{{ this.title }}</title>{% endif %}"
    "    {{ this.header.render(**kwargs) }}\n"
    "</head>\n"
    "<body>\n"
    "    {{ this.html.render(**kwargs) }}\n"
    "</body>\n"
    "<script>\n"
    "    {{ this.script.render(**kwargs) }}\n"
    "</script>\n"
    "</html>\n"
)


class SelfContainedMap(folium.Map):
    """A ``folium.Map`` whose page carries Leaflet and its plugins inline.

    At render time every resource that a layer of the map would load from a CDN is
    replaced by the same library read from an installed package; a resource we do
    not carry raises :class:`~coordogeo.errors.CoordogeoError` rather than leaving a
    link to the network in the page.
    """

    #: What the pages of this map drew (a ``maps._style.Drawn``, set by ``new_map``).
    drawn: object = None
    #: What the page draws, for its print figure (a ``maps._sheet.Sheet``).
    sheet: object = None

    def render(self, **kwargs: Any) -> None:  # type: ignore[override]
        """Inline the resources of the map and its layers, then render."""
        figure = self.get_root()
        if not isinstance(figure, Figure):  # a Map always sits in a Figure
            raise TypeError("the map is not attached to a folium Figure")
        # the page says its language (screen readers, spell checkers, translators)
        setattr(figure, "page_lang", getattr(self, "page_lang", "fr"))  # noqa: B010
        figure._template = _PAGE
        for element in _descendants(self):
            if isinstance(element, folium.Icon):
                raise CoordogeoError(
                    "A folium.Icon needs Font Awesome and awesome-markers from a CDN; "
                    "draw the marker with folium.DivIcon (e.g. the HTML of "
                    "coordogeo.maps.structures.kind_icon) to keep the page "
                    "self-contained."
                )
            js = list(getattr(element, "default_js", []))
            css = list(getattr(element, "default_css", []))
            if not js and not css:
                continue
            for name, url in [*js, *css]:
                known = name in _INLINE_JS or name in _INLINE_CSS or name in _UNUSED
                if not known:
                    raise CoordogeoError(
                        f"The map uses {name!r} from {url}, which coordogeo does not "
                        "carry; it would need the network. Draw the layer with "
                        "coordogeo.maps, or save the map with folium itself."
                    )
            element.default_js = []  # instance attributes: the class keeps folium's
            element.default_css = []
            for name, _ in js:
                if name in _INLINE_JS:
                    figure.header.add_child(Element(_script(name)), name=name)
            for name, _ in css:
                if name in _INLINE_CSS:
                    figure.header.add_child(Element(_style(name)), name=name)
        super().render(**kwargs)  # type: ignore[no-untyped-call]


def _descendants(element: Any) -> list[Any]:
    """List the element and everything below it."""
    found = [element]
    for child in element._children.values():
        found.extend(_descendants(child))
    return found


@functools.cache
def _script(name: str) -> str:
    """Return an inline ``<script>`` holding the library ``name``."""
    folder, file = _INLINE_JS[name]
    code = (Path(folder) / file).read_text(encoding="utf-8")
    code = code.replace("</script", "<\\/script")  # cannot close the tag early
    return f"<script>{code}</script>"


@functools.cache
def _style(name: str) -> str:
    """Return an inline ``<style>`` of the stylesheet ``name``, images inlined."""
    folder, file = _INLINE_CSS[name]
    css = (Path(folder) / file).read_text(encoding="utf-8")

    def embed(match: re.Match[str]) -> str:
        path = Path(folder) / match.group(1)
        data = base64.b64encode(path.read_bytes()).decode("ascii")
        return f"url(data:image/png;base64,{data})"

    css = re.sub(r"url\((images/[\w.-]+\.png)\)", embed, css)
    return f"<style>{css}</style>"


def cdn_links(html: str) -> list[str]:
    """Return the ``<script>``/``<link>`` tags of a page that load from the network.

    Examples
    --------
    >>> cdn_links('<script src="https://cdn.example/leaflet.js"></script>')
    ['<script src="https://cdn.example/leaflet.js"']
    >>> cdn_links("<script>var a = 1;</script>")
    []
    """
    return [html[m.start() : html.find(">", m.start())] for m in _CDN.finditer(html)]


class FullScreen(MacroElement):
    """A full-screen button (our own control over the browser's Fullscreen API)."""

    _template = Template(
        """
        {% macro header(this, kwargs) %}
        <style>
        .coordogeo-fullscreen a{font:bold 16px/26px sans-serif;text-align:center;
        width:30px;height:30px;display:block;color:#333;background:#fff;
        text-decoration:none;cursor:pointer}
        .coordogeo-fullscreen a:hover{background:#f4f4f4}
        </style>
        {% endmacro %}
        {% macro script(this, kwargs) %}
        (function () {
            var map = {{ this._parent.get_name() }};
            var Control = L.Control.extend({
                options: {position: "topleft"},
                onAdd: function () {
                    var box = L.DomUtil.create(
                        "div", "leaflet-bar leaflet-control coordogeo-fullscreen");
                    var link = L.DomUtil.create("a", "", box);
                    link.href = "#";
                    link.title = {{ this.title|tojson }};
                    link.setAttribute("role", "button");
                    // four corner marks in inline SVG: no glyph a font may lack
                    link.innerHTML = '<svg width="16" height="16" viewBox="0 0 16 16"'
                        + ' style="margin:7px" aria-hidden="true"><path d="M1 6V1h5M10'
                        + ' 1h5v5M15 10v5h-5M6 15H1v-5" fill="none" stroke="#333"'
                        + ' stroke-width="2"/></svg>';
                    L.DomEvent.on(link, "click", function (event) {
                        L.DomEvent.preventDefault(event);
                        var page = document.documentElement;
                        if (document.fullscreenElement) {
                            document.exitFullscreen();
                        } else if (page.requestFullscreen) {
                            page.requestFullscreen();
                        }
                    });
                    return box;
                }
            });
            map.addControl(new Control());
            document.addEventListener("fullscreenchange", function () {
                map.invalidateSize();
            });
        })();
        {% endmacro %}
        """
    )

    def __init__(self, title: str) -> None:
        super().__init__()  # type: ignore[no-untyped-call]
        self._name = "FullScreen"
        self.title = title
