"""Structures as markers in one cluster: a badge and a layer-control entry per kind."""

from __future__ import annotations

from typing import Any, Final

import numpy as np
import pandas as pd
from jinja2 import Template

import folium
import geopandas as gpd
import shapely
from branca.element import MacroElement
from folium.plugins import MarkerCluster

from coordogeo.maps._sheet import Marks, sheet_of
from coordogeo.maps._style import (
    KIND_COLOURS,
    colon,
    drawn_of,
    label,
    page_of,
    script_json,
    text,
    to_display,
)
from coordogeo.maps.legend import add_html_legend

__all__ = ["KIND_ICONS", "add_structures", "kind_icon"]

#: The letters and shape drawn for each kind (inline HTML, no icon font).
KIND_ICONS: Final = {
    "MSP": ("M", "50%"),
    "CDS": ("CS", "3px"),
    "ESP": ("E", "50%"),
    "CPTS": ("C", "3px"),
    "DAC": ("D", "3px"),
}
_OTHER_COLOUR: Final = "#000000"
#: Markers closer than this many pixels are grouped; co-located ones are grouped up
#: to the last zoom, where a click spreads them out (spiderfy): none hides another.
_CLUSTER_RADIUS_PX: Final = 40
#: Clusters drawn grey: MarkerCluster's default greens read as index classes.
_CLUSTER_CSS: Final = (
    "<style>.marker-cluster-small,.marker-cluster-medium,.marker-cluster-large"
    "{background-color:rgba(90,90,90,.35)!important}"
    ".marker-cluster-small div,.marker-cluster-medium div,.marker-cluster-large div"
    "{background-color:rgba(60,60,60,.85)!important;color:#fff!important;"
    "font-weight:bold}</style>"
)


def kind_icon(kind: str) -> str:
    """Return the inline HTML badge of a kind: its letters on its colour."""
    letters, radius = KIND_ICONS.get(kind, ("•", "50%"))
    colour = KIND_COLOURS.get(kind, _OTHER_COLOUR)
    return (
        f'<div style="background:{colour};color:#fff;border:2px solid #fff;'
        f"border-radius:{radius};width:22px;height:22px;box-sizing:border-box;"
        "font:bold 9px/18px sans-serif;text-align:center;"
        f'box-shadow:0 0 3px rgba(0,0,0,.6)">{text(letters)}</div>'
    )


def add_structures(
    m: folium.Map, sites: gpd.GeoDataFrame, *, lang: str, cluster: bool = True
) -> folium.Map:
    """Add the structures: one entry per kind in the layer control, one cluster.

    ``sites`` in any CRS (reprojected here). Each marker has its kind's badge
    (:func:`kind_icon`), the name as tooltip and a popup with the kind, the id and
    the capacity when known; every text is escaped. With ``cluster`` every kind
    shares one marker cluster (grey, so that it reads as no index class): nearby
    markers are counted at small zooms and co-located ones spread out on a click
    at the last zoom, so that none hides another; a kind's entry in the layer
    control adds or removes its markers from it. A legend shows the badges.
    """
    sites = to_display(sites, name="structures", drawn=drawn_of(m))
    kinds = sites["kind"] if "kind" in sites else pd.Series("other", index=sites.index)
    kinds = kinds.astype(str)
    names = (
        sites["name"] if "name" in sites else pd.Series(sites.index, index=sites.index)
    )
    shared: Any = None
    if cluster:
        shared = MarkerCluster(  # type: ignore[no-untyped-call]
            name="structures",
            control=False,
            options={
                "maxClusterRadius": _CLUSTER_RADIUS_PX,
                "spiderfyOnMaxZoom": True,
                "showCoverageOnHover": False,
            },
        )
        shared.add_to(m)
        page_of(m).header.add_child(
            folium.Element(_CLUSTER_CSS), name="coordogeo_cluster_css"
        )
    kinds_drawn: list[tuple[str, str, list[list[Any]]]] = []
    sheet = sheet_of(m)
    present = sorted(kinds.unique())
    capacity = sites.get("capacity")
    for kind in present:
        title = text(label(kind, lang))
        toggle = folium.FeatureGroup(name=title)
        toggle.add_to(m)
        rows = kinds.to_numpy() == kind
        if sheet is not None:
            letters, radius = KIND_ICONS.get(kind, ("•", "50%"))
            sheet.marks.append(Marks(
                toggle, label(kind, lang), sites.loc[rows, ["geometry"]],
                KIND_COLOURS.get(kind, _OTHER_COLOUR),
                "o" if radius == "50%" else "s", letters,
            ))  # fmt: skip
        kinds_drawn.append(
            (toggle.get_name(), kind_icon(kind),
             _marker_rows(sites[rows], names[rows],
                          None if capacity is None else capacity[rows],
                          title, lang))
        )  # fmt: skip
    _Markers(None if shared is None else shared.get_name(), kinds_drawn).add_to(m)
    _symbol_legend(m, present, clustered=cluster, lang=lang)
    return m


def _marker_rows(
    rows: gpd.GeoDataFrame,
    names: pd.Series,
    capacity: pd.Series | None,
    title: str,
    lang: str,
) -> list[list[Any]]:
    """One ``[lat, lon, tooltip, popup]`` per structure, every text escaped."""
    ids = rows.index.to_series().map(text).to_numpy()
    shown = names.map(text).to_numpy()
    popup = (
        "<b>" + shown + "</b><br>"
        + f"{text(label('kind', lang))}{colon(lang)}{title}<br>" + ids
    )  # fmt: skip
    if capacity is not None:
        known = capacity.notna().to_numpy()
        shown_capacity = capacity.map(lambda v: text(_number(v, lang))).to_numpy()
        extra = np.where(
            known,
            f"<br>{text(label('capacity', lang))}{colon(lang)}" + shown_capacity,
            "",
        )
        popup = popup + extra
    # a point stays itself; a structure drawn as an area is marked inside it
    anchor = shapely.point_on_surface(np.asarray(rows.geometry.array))
    lat, lon = shapely.get_y(anchor).tolist(), shapely.get_x(anchor).tolist()
    return [
        [y, x, str(tip), str(pop)]
        for y, x, tip, pop in zip(lat, lon, shown, popup, strict=True)
    ]


def _number(value: Any, lang: str) -> Any:
    """Write a number as read in ``lang`` (5,3 in French); other values as they are."""
    if isinstance(value, bool) or not isinstance(value, int | float | np.number):
        return value
    shown = f"{float(value):.15g}"  # every digit it has, no exponent below 1e15
    return shown.replace(".", ",") if lang == "fr" else shown


class _Markers(MacroElement):
    """Every structure's marker, made in the page from one array of rows.

    One element for all (not a folium Marker, DivIcon, Popup and Tooltip each: a
    region's 600 structures on a dozen pages made 30 000 page elements, compiled
    one by one). Rows travel as JSON; their texts are escaped HTML. With a
    cluster, a kind's (empty) layer in the control adds or removes its markers
    from it; without, the markers are the kind's layer.
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        (function () {
            var map = {{ this._parent.get_name() }};
            var cluster = {{ this.cluster }};
            var kinds = [
            {%- for toggle, icon, rows in this.kinds %}
                [{{ toggle }}, {{ icon }}, {{ rows }}],
            {%- endfor %}
            ];
            kinds.forEach(function (entry) {
                var icon = L.divIcon({html: entry[1], iconSize: [22, 22],
                                      iconAnchor: [11, 11],
                                      className: "coordogeo-site"});
                entry[2] = entry[2].map(function (row) {
                    return L.marker([row[0], row[1]], {icon: icon})
                        .bindTooltip(row[2], {sticky: true})
                        .bindPopup(row[3], {maxWidth: 300});
                });
                if (cluster === null) {
                    entry[2].forEach(function (marker) { entry[0].addLayer(marker); });
                } else if (map.hasLayer(entry[0])) {
                    cluster.addLayers(entry[2]);
                }
            });
            function sync(layer, on) {
                kinds.forEach(function (entry) {
                    if (cluster === null || entry[0] !== layer) { return; }
                    if (on) { cluster.addLayers(entry[2]); }
                    else { cluster.removeLayers(entry[2]); }
                });
            }
            map.on("overlayadd", function (e) { sync(e.layer, true); });
            map.on("overlayremove", function (e) { sync(e.layer, false); });
        })();
        {% endmacro %}
        """
    )

    def __init__(
        self, cluster: str | None, kinds: list[tuple[str, str, list[list[Any]]]]
    ) -> None:
        super().__init__()  # type: ignore[no-untyped-call]
        self._name = "StructureMarkers"
        self.cluster = cluster or "null"
        self.kinds = [
            (toggle, script_json(icon), script_json(rows))
            for toggle, icon, rows in kinds
        ]


def _symbol_legend(
    m: folium.Map, kinds: list[str], *, clustered: bool, lang: str
) -> None:
    """Add the legend of the badges (and of a cluster's count)."""
    rows = "".join(
        '<div style="display:flex;align-items:center;gap:6px;margin:2px 0">'
        f"{kind_icon(kind)}{text(label(kind, lang))}</div>"
        for kind in kinds
    )
    if clustered:
        rows += (
            '<div style="display:flex;align-items:center;gap:6px;margin:2px 0">'
            '<span style="display:inline-block;width:22px;height:22px;'
            "border-radius:50%;background:rgba(60,60,60,.85);color:#fff;"
            'font:bold 10px/22px sans-serif;text-align:center">3</span>'
            f"{text(label('cluster', lang))}<span class='coordogeo-hint'>"
            f"{text(label('cluster_hint', lang))}</span></div>"
        )
    add_html_legend(m, label("structures", lang), rows)
