"""Structures as clustered markers: one layer, icon and colour per kind."""

from __future__ import annotations

from typing import Any, Final

import pandas as pd

import folium
import geopandas as gpd
from folium.plugins import MarkerCluster

from coordogeo.maps._style import KIND_COLOURS, label, text, to_display

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
#: Beyond this zoom level markers are never clustered (a town is readable).
_UNCLUSTER_ZOOM: Final = 12


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
    """Add one layer per kind of structure; markers clustered when zoomed out.

    ``sites`` in any CRS (reprojected here). Each marker has its kind's badge
    (:func:`kind_icon`), the name as tooltip and a popup with the kind, the id and
    the capacity when known; every text is escaped.
    """
    sites = to_display(sites, name="structures")
    kinds = sites["kind"] if "kind" in sites else pd.Series("other", index=sites.index)
    kinds = kinds.astype(str)
    names = (
        sites["name"] if "name" in sites else pd.Series(sites.index, index=sites.index)
    )
    for kind in sorted(kinds.unique()):
        title = text(label(kind, lang))
        group: Any
        if cluster:
            group = MarkerCluster(  # type: ignore[no-untyped-call]
                name=title, options={"disableClusteringAtZoom": _UNCLUSTER_ZOOM}
            )
        else:
            group = folium.FeatureGroup(name=title)
        rows = sites[kinds == kind]
        icon_html = kind_icon(kind)
        for id_, point in zip(rows.index, rows.geometry, strict=True):  # few sites
            popup = (
                f"<b>{text(names.loc[id_])}</b><br>"
                f"{text(label('kind', lang))} : {title}<br>{text(id_)}"
            )
            if "capacity" in rows and pd.notna(rows.at[id_, "capacity"]):
                capacity = text(rows.at[id_, "capacity"])
                popup += f"<br>{text(label('capacity', lang))} : {capacity}"
            folium.Marker(
                location=[point.y, point.x],
                icon=folium.DivIcon(
                    html=icon_html,
                    icon_size=(22, 22),
                    icon_anchor=(11, 11),
                    class_name="coordogeo-site",
                ),
                popup=folium.Popup(popup, max_width=300),
                tooltip=text(names.loc[id_]),
            ).add_to(group)
        group.add_to(m)
    return m
