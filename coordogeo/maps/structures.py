"""Structures as markers in one cluster: a badge and a layer-control entry per kind."""

from __future__ import annotations

from typing import Any, Final

import pandas as pd
from jinja2 import Template

import folium
import geopandas as gpd
from branca.element import MacroElement
from folium.plugins import MarkerCluster

from coordogeo.maps._style import KIND_COLOURS, label, page_of, text, to_display
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
    sites = to_display(sites, name="structures")
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
    members: dict[str, list[str]] = {}
    present = sorted(kinds.unique())
    for kind in present:
        title = text(label(kind, lang))
        toggle = folium.FeatureGroup(name=title)
        rows = sites[kinds == kind]
        icon_html = kind_icon(kind)
        markers = []
        for id_, point in zip(rows.index, rows.geometry, strict=True):  # few sites
            popup = (
                f"<b>{text(names.loc[id_])}</b><br>"
                f"{text(label('kind', lang))} : {title}<br>{text(id_)}"
            )
            if "capacity" in rows and pd.notna(rows.at[id_, "capacity"]):
                capacity = text(rows.at[id_, "capacity"])
                popup += f"<br>{text(label('capacity', lang))} : {capacity}"
            marker = folium.Marker(
                location=[point.y, point.x],
                icon=folium.DivIcon(
                    html=icon_html,
                    icon_size=(22, 22),
                    icon_anchor=(11, 11),
                    class_name="coordogeo-site",
                ),
                popup=folium.Popup(popup, max_width=300),
                tooltip=text(names.loc[id_]),
            )
            marker.add_to(shared if cluster else toggle)
            markers.append(marker.get_name())
        toggle.add_to(m)
        members[toggle.get_name()] = markers
    if cluster:
        _KindToggles(shared.get_name(), members).add_to(m)
    _symbol_legend(m, present, clustered=cluster, lang=lang)
    return m


class _KindToggles(MacroElement):
    """A kind's (empty) layer in the control adds or removes its markers."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        (function () {
            var map = {{ this._parent.get_name() }};
            var cluster = {{ this.cluster }};
            var kinds = [
            {%- for toggle, markers in this.members.items() %}
                [{{ toggle }}, [{{ markers | join(", ") }}]],
            {%- endfor %}
            ];
            function sync(layer, on) {
                kinds.forEach(function (entry) {
                    if (entry[0] !== layer) { return; }
                    if (on) { cluster.addLayers(entry[1]); }
                    else { cluster.removeLayers(entry[1]); }
                });
            }
            map.on("overlayadd", function (e) { sync(e.layer, true); });
            map.on("overlayremove", function (e) { sync(e.layer, false); });
            kinds.forEach(function (entry) {  // a kind hidden at opening
                if (!map.hasLayer(entry[0])) { sync(entry[0], false); }
            });
        })();
        {% endmacro %}
        """
    )

    def __init__(self, cluster: str, members: dict[str, list[str]]) -> None:
        super().__init__()  # type: ignore[no-untyped-call]
        self._name = "KindToggles"
        self.cluster = cluster
        self.members = members


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
            f"{text(label('cluster', lang))}</div>"
        )
    add_html_legend(m, label("structures", lang), rows)
