"""A QGIS project for the run's GeoPackage: styled layers in groups, a layout a page.

QGIS (3.22 and later) opens a project stored in a GeoPackage's ``qgis_projects``
table (« Projet > Ouvrir depuis > GeoPackage »). :func:`project_xml` writes that
project's ``.qgs`` text: each layer from the GeoPackage (a path relative to it)
with the rule-based style of :mod:`coordogeo.maps.qgis`, in groups, in the
overview's order (points above areas); a layer drawn two ways on the web (the
times and the income × time classes, the index and the zonage) appears twice. Each
:class:`Layout` is a print layout of the page's figure: title, subtitle, the map
of its layers fitted to the territory, the legend of what the map shows, a scale
bar, a north arrow and the source line, on A4 landscape by default. Written with
the standard library's XML: no QGIS is needed to write it.
"""

from __future__ import annotations

import itertools
import uuid
import xml.etree.ElementTree as ET
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Final

__all__ = ["Layout", "ProjectLayer", "project_xml"]

#: QGIS's layout item types (``QgsLayoutItemRegistry``).
_PAGE, _MAP, _PICTURE, _LABEL, _LEGEND, _SCALEBAR = (
    65638, 65639, 65640, 65641, 65642, 65646,
)  # fmt: skip
_QGIS_VERSION: Final = "3.22.0-Białowieża"
_NORTH_ARROW: Final = ":/images/north_arrows/layout_default_north_arrow.svg"
#: The namespace of the layout items' ids (uuid5 of the layout's name and rank).
_NAMESPACE: Final = uuid.UUID("5b0e3f4e-6f8a-4c1e-9a57-c0a1d0e00000")


@dataclass(frozen=True)
class ProjectLayer:
    """One layer of the project: a GeoPackage table drawn with one style."""

    id: str
    table: str
    title: str
    geometry: str  # "Point" or "Polygon"
    style: str  # the QML of its style (maps.qgis.qml)
    group: str
    legend: str = ""  # its name in a layout's legend (its title if empty)


@dataclass(frozen=True)
class Layout:
    """One print layout: a page's figure, from the layers it shows."""

    name: str
    title: str
    subtitle: str
    source: str
    layers: tuple[str, ...]  # ProjectLayer ids, top first
    extent: tuple[float, float, float, float]  # in the project's CRS
    paper_mm: tuple[float, float] = (297.0, 210.0)


def project_xml(
    *,
    title: str,
    gpkg_name: str,
    crs_wkt: str,
    layers: Sequence[ProjectLayer],
    layouts: Sequence[Layout],
) -> str:
    """Return the ``.qgs`` text of the project of ``layers`` and ``layouts``.

    ``layers`` come top first (the overview's order); ``gpkg_name`` is the
    GeoPackage's file name, the layers' paths are relative to it.
    """
    root = ET.Element("qgis", projectname=title, version=_QGIS_VERSION)
    ET.SubElement(root, "homePath", path="")
    ET.SubElement(root, "title").text = title
    _crs(ET.SubElement(root, "projectCrs"), crs_wkt)
    tree = ET.SubElement(root, "layer-tree-group")
    groups: dict[str, ET.Element] = {}
    for layer in layers:
        if layer.group not in groups:
            groups[layer.group] = ET.SubElement(
                tree, "layer-tree-group", name=layer.group, checked="Qt::Checked",
                expanded="1",
            )  # fmt: skip
        ET.SubElement(
            groups[layer.group], "layer-tree-layer", id=layer.id, name=layer.title,
            source=_source(gpkg_name, layer.table), providerKey="ogr",
            checked="Qt::Checked", expanded="0",
        )  # fmt: skip
    mapped = ET.SubElement(root, "projectlayers")
    for layer in layers:
        mapped.append(_map_layer(layer, gpkg_name, crs_wkt))
    properties = ET.SubElement(root, "properties")
    paths = ET.SubElement(properties, "Paths")
    ET.SubElement(paths, "Absolute", type="bool").text = "false"
    printed = ET.SubElement(root, "Layouts")
    by_id = {layer.id: layer for layer in layers}
    for layout in layouts:
        printed.append(_layout(layout, by_id, gpkg_name))
    body = ET.tostring(root, encoding="unicode")
    return "<!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYSTEM'>\n" + body


def _source(gpkg_name: str, table: str) -> str:
    return f"./{gpkg_name}|layername={table}"


def _crs(parent: ET.Element, wkt: str) -> None:
    system = ET.SubElement(parent, "spatialrefsys")
    ET.SubElement(system, "wkt").text = wkt


def _map_layer(layer: ProjectLayer, gpkg_name: str, crs_wkt: str) -> ET.Element:
    """Return a ``<maplayer>`` with the renderer and labels of its QML."""
    element = ET.Element(
        "maplayer", type="vector", geometry=layer.geometry, wkbType=layer.geometry,
        styleCategories="AllStyleCategories", labelsEnabled="1",
    )  # fmt: skip
    ET.SubElement(element, "id").text = layer.id
    ET.SubElement(element, "datasource").text = _source(gpkg_name, layer.table)
    ET.SubElement(element, "layername").text = layer.title
    _crs(ET.SubElement(element, "srs"), crs_wkt)
    ET.SubElement(element, "provider", encoding="UTF-8").text = "ogr"
    style = ET.fromstring(layer.style.split("\n", 1)[1])  # after the DOCTYPE
    for child in style:
        element.append(child)
    return element


def _layout(
    layout: Layout, by_id: dict[str, ProjectLayer], gpkg_name: str
) -> ET.Element:
    """Return a print layout: title, subtitle, map, legend, scale, north, source."""
    width, height = layout.paper_mm
    element = ET.Element(
        "Layout", name=layout.name, units="mm", printResolution="300",
        worldFileMap="",
    )  # fmt: skip
    # the items' ids follow from the layout's name: a run rewrites the same project
    ids = (
        "{" + str(uuid.uuid5(_NAMESPACE, f"{layout.name}/{k}")) + "}"
        for k in itertools.count()
    )
    pages = ET.SubElement(element, "PageCollection")
    _item(pages, ids, _PAGE, (0, 0), (width, height), background="true")
    margin, top, legend_w = 8.0, 24.0, min(80.0, max(58.0, 0.27 * width))
    map_w, map_h = width - legend_w - 3 * margin / 2, height - top - 20.0
    wide = width - 2 * margin
    title = _item(element, ids, _LABEL, (margin, margin - 3), (wide, 11),
                  labelText=layout.title, halign="1", valign="128")  # fmt: skip
    _font(title, 13 if len(layout.title) < 90 else 10, bold=True)  # noqa: PLR2004
    subtitle = _item(element, ids, _LABEL, (margin, margin + 8), (wide, 7),
                     labelText=layout.subtitle, halign="1", valign="128")  # fmt: skip
    _font(subtitle, 9)
    map_uuid = next(ids)
    chart = _item(element, ids, _MAP, (margin, top), (map_w, map_h), uuid=map_uuid,
                  keepLayerSet="true", drawCanvasItems="true", frame="true",
                  id="carte")  # fmt: skip
    xmin, ymin, xmax, ymax = _fitted(layout.extent, map_w / map_h)
    ET.SubElement(chart, "Extent", xmin=repr(xmin), ymin=repr(ymin),
                  xmax=repr(xmax), ymax=repr(ymax))  # fmt: skip
    layer_set = ET.SubElement(chart, "LayerSet")
    for layer_id in layout.layers:
        layer = by_id[layer_id]
        ET.SubElement(
            layer_set, "Layer", source=_source(gpkg_name, layer.table),
            provider="ogr", name=layer.title,
        ).text = layer_id  # fmt: skip
    legend = _item(element, ids, _LEGEND, (margin + map_w + margin / 2, top),
                   (legend_w, map_h), map_uuid=map_uuid, legendFilterByMap="1",
                   resizeToContents="0", title="", symbolWidth="7",
                   symbolHeight="4", wrapChar="")  # fmt: skip
    _legend_styles(legend)
    _legend_layers(legend, layout.layers, by_id, gpkg_name)
    scale = _item(element, ids, _SCALEBAR, (margin + 3, top + map_h - 12), (50, 10),
          mapUuid=map_uuid, style="Single Box", unitType="km",
          numUnitsPerSegment="0", segmentSizeMode="1", minBarWidth="20",
          maxBarWidth="50", numSegments="2", numSegmentsLeft="0",
          numMapUnitsPerScaleBarUnit="1000", unitLabel="km", height="2")  # fmt: skip
    ET.SubElement(scale, "scaleBarFont", description=_qfont(7, 50), style="")
    _item(element, ids, _PICTURE, (margin + map_w - 14, top + 3), (10, 14),
          file=_NORTH_ARROW, mapUuid=map_uuid, northMode="0",
          pictureWidth="10", pictureHeight="14", mode="2", anchorPoint="0")  # fmt: skip
    source = _item(element, ids, _LABEL, (margin, height - 14), (wide, 10),
                   labelText=layout.source, halign="1", valign="64")  # fmt: skip
    _font(source, 7)
    return element


def _fitted(
    extent: tuple[float, float, float, float], ratio: float
) -> tuple[float, float, float, float]:
    """Return ``extent`` with 3 % around it, widened to the map's ``ratio`` (w/h).

    QGIS keeps a map item's shape and scales its extent into it; an extent of
    another shape would stretch the item past its page.

    >>> _fitted((0.0, 0.0, 100.0, 100.0), 2.0)
    (-56.0, -3.0, 156.0, 103.0)
    """
    xmin, ymin, xmax, ymax = (float(v) for v in extent)
    pad = 0.03 * max(xmax - xmin, ymax - ymin, 1.0)
    xmin, ymin, xmax, ymax = xmin - pad, ymin - pad, xmax + pad, ymax + pad
    width, height = xmax - xmin, ymax - ymin
    if width / height < ratio:
        grow = (ratio * height - width) / 2
        xmin, xmax = xmin - grow, xmax + grow
    else:
        grow = (width / ratio - height) / 2
        ymin, ymax = ymin - grow, ymax + grow
    return (round(xmin, 3), round(ymin, 3), round(xmax, 3), round(ymax, 3))


def _legend_styles(legend: ET.Element) -> None:
    """Small legend text (a printed page's), titles of layers in bold."""
    styles = ET.SubElement(legend, "styles")
    for name, points, weight, margin in (
        ("title", 10, 75, "2"), ("group", 8, 75, "2"), ("subgroup", 8, 75, "2"),
        ("symbol", 7, 50, "1.2"), ("symbolLabel", 7, 50, "1.2"),
    ):  # fmt: skip
        style = ET.SubElement(
            styles, "style", name=name, alignment="1", indent="0",
            marginTop=margin, marginLeft="1.5",
        )  # fmt: skip
        ET.SubElement(style, "styleFont", style="", description=_qfont(points, weight))


def _item(
    parent: ET.Element,
    ids: Iterator[str],
    kind: int,
    position: tuple[float, float],
    size: tuple[float, float],
    **attributes: str,
) -> ET.Element:
    """Add a layout item of ``kind`` at ``position`` (mm) of ``size`` (mm)."""
    item_uuid = attributes.pop("uuid", "") or next(ids)
    where = f"{position[0]:g},{position[1]:g},mm"
    own = {
        "type": str(kind), "uuid": item_uuid, "templateUuid": item_uuid,
        "position": where, "positionOnPage": where,
        "size": f"{size[0]:g},{size[1]:g},mm", "visibility": "1", "zValue": "1",
        "frame": "false", "background": "false",
    }  # fmt: skip
    return ET.SubElement(parent, "LayoutItem", {**own, **attributes})


def _font(label: ET.Element, points: float, *, bold: bool = False) -> None:
    """Give a label its font (QGIS 3.22 reads the ``LabelFont`` description)."""
    weight = 75 if bold else 50
    ET.SubElement(label, "LabelFont", description=_qfont(points, weight))


def _qfont(points: float, weight: int) -> str:
    """Return a Qt font description: Sans Serif at ``points``, ``weight`` 50 or 75."""
    return f"Sans Serif,{points:g},-1,5,{weight},0,0,0,0,0"


def _legend_layers(
    legend: ET.Element,
    layer_ids: Sequence[str],
    by_id: dict[str, ProjectLayer],
    gpkg_name: str,
) -> None:
    """Give the legend its own tree: the map's layers, each under its short name."""
    tree = ET.SubElement(legend, "layer-tree-group")
    for layer_id in layer_ids:
        layer = by_id[layer_id]
        node = ET.SubElement(
            tree, "layer-tree-layer", id=layer_id, name=layer.title,
            source=_source(gpkg_name, layer.table), providerKey="ogr",
            checked="Qt::Checked", expanded="1",
        )  # fmt: skip
        if layer.legend:  # QGIS's own property of a legend node's title
            properties = ET.SubElement(node, "customproperties")
            options = ET.SubElement(properties, "Option", type="Map")
            ET.SubElement(options, "Option", name="legend/title-label",
                          type="QString", value=layer.legend)  # fmt: skip
