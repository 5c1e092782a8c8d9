"""QGIS styles (QML) of the GeoPackage layers: the web maps' classes and colours.

Each style is a rule-based renderer whose rules are the classes of the web legend,
with the same bounds, colours and labels (the labels in the page's language), so
that a layer opened in QGIS reads as its map. :func:`coordogeo.io.write_results`
writes them in the GeoPackage's ``layer_styles`` table, which QGIS reads when it
opens a layer (``useAsDefault``).
"""

from __future__ import annotations

import itertools
import xml.etree.ElementTree as ET
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Final, Literal

import numpy as np

from coordogeo._change import BIG_INDEX, SAME_INDEX
from coordogeo.maps._style import (
    CHANGE_COLOURS,
    KIND_COLOURS,
    NO_DATA_COLOUR,
    TIME_BREAKS_MIN,
    TIME_COLOURS,
    anchored_classes,
    darker,
    label,
)
from coordogeo.maps.scenario import (
    BIG_CHANGE_MIN,
    INDEX_CLASSES,
    SAME_TIME_MIN,
    change_labels,
)
from coordogeo.maps.structures import KIND_ICONS

__all__ = [
    "Rule",
    "change_rules",
    "class_rules",
    "field",
    "kind_rules",
    "literal",
    "outline_qml",
    "qml",
    "time_rules",
]

Geometry = Literal["polygon", "point"]
#: QGIS version the styles are written for (read by QGIS 3.16 and later).
_QGIS_VERSION: Final = "3.28.0-Firenze"


@dataclass(frozen=True)
class Rule:
    """One class: its legend label, a QGIS filter expression and a fill colour."""

    label: str
    expression: str
    colour: str
    hatched: bool = False  # diagonal lines of the colour, as the web's hatch
    badge: str = ""  # letters written on a point, as the web's badge (M, CS …)
    square: bool = False  # a square point rather than a round one
    outlined: bool = False  # no fill, a darker outline of the colour (under a theme)


def field(name: str) -> str:
    """Quote a field name for a QGIS expression (``"temps_min_MSP"``)."""
    return '"' + name.replace('"', '""') + '"'


def literal(value: str) -> str:
    """Quote a text for a QGIS expression (``'MSP'``)."""
    return "'" + value.replace("'", "''") + "'"


def class_rules(
    column: str,
    bounds: Sequence[float],
    colours: Sequence[str],
    *,
    unit: str,
    lang: str,
    upper_included: bool,
    missing: str,
) -> list[Rule]:
    """Rules of classes at fixed bounds, open at both ends, and one for no value.

    The labels are those of :func:`coordogeo.maps._style.anchored_classes` (the
    web legend); a value on a bound falls below it with ``upper_included``.
    """
    _, items = anchored_classes(
        np.empty(0), tuple(bounds), tuple(colours), unit=unit, lang=lang,
        upper_included=upper_included,
    )  # fmt: skip
    f = field(column)
    low, high = ("<=", ">") if upper_included else ("<", ">=")
    edges = [float(b) for b in bounds]  # a numpy float would write np.float64(…)
    tests = [f"{f} {low} {edges[0]!r}"]
    tests += [
        f"{f} {high} {lo!r} AND {f} {low} {hi!r}"
        for lo, hi in itertools.pairwise(edges)
    ]
    tests.append(f"{f} {high} {edges[-1]!r}")
    rules = [
        Rule(name, test, colour)
        for (colour, name), test in zip(items, tests, strict=True)
    ]
    return [*rules, Rule(missing, f"{f} IS NULL", NO_DATA_COLOUR)]


def time_rules(column: str, *, lang: str) -> list[Rule]:
    """Return the travel-time classes of the access map (10 / 20 / 30 min, open)."""
    return class_rules(
        column, TIME_BREAKS_MIN, TIME_COLOURS, unit=label("minutes", lang),
        lang=lang, upper_included=True, missing=label("unreachable", lang),
    )  # fmt: skip


def kind_rules(column: str, kinds: Iterable[str], *, lang: str) -> list[Rule]:
    """One rule per kind of structure: its badge (colour, shape, letters)."""
    rules = []
    for kind in kinds:
        letters, radius = KIND_ICONS.get(kind, ("", "50%"))
        rules.append(Rule(
            label(kind, lang), f"{field(column)} = {literal(kind)}",
            KIND_COLOURS.get(kind, "#000000"), badge=letters, square=radius != "50%",
        ))  # fmt: skip
    return rules


def change_rules(
    before: str, after: str, *, lang: str, max_time_min: float | None = None
) -> list[Rule]:
    """Return the seven change classes of a scenario map, on its two times.

    From "devient accessible" to "perd l'accès" (with the states' bound: "passe à
    30 min ou moins" to "passe au-delà de 30 min"), as
    :func:`coordogeo.maps.scenario.change_classes` classes them.
    """
    big_min, same_min = BIG_CHANGE_MIN, SAME_TIME_MIN
    b, a = field(before), field(after)
    both = f"{b} IS NOT NULL AND {a} IS NOT NULL"
    delta = f"({a} - {b})"
    tests = [
        f"{b} IS NULL AND {a} IS NOT NULL",
        f"{both} AND {delta} <= -{big_min!r}",
        f"{both} AND {delta} > -{big_min!r} AND {delta} < -{same_min!r}",
        (
            f"({b} IS NULL AND {a} IS NULL) OR ({both} AND {delta} >= -{same_min!r} "
            f"AND {delta} <= {same_min!r})"
        ),
        f"{both} AND {delta} > {same_min!r} AND {delta} < {big_min!r}",
        f"{both} AND {delta} >= {big_min!r}",
        f"{b} IS NOT NULL AND {a} IS NULL",
    ]
    return [
        Rule(name, test, colour)
        for name, test, colour in zip(
            change_labels(lang, max_time_min), tests, CHANGE_COLOURS, strict=True
        )
    ]


def index_change_rules(before: str, after: str, *, lang: str) -> list[Rule]:
    """Return the five index change classes of a scenario map, on its two indices.

    As :func:`coordogeo._change.index_change_classes` classes them (a missing
    index is 0).
    """
    b, a = (f"coalesce({field(c)}, 0)" for c in (before, after))
    rel = f"(({a} - {b}) / {b})"
    up, down = f"{b} = 0 AND {a} > 0", f"{b} > 0 AND {rel}"
    big, same = repr(BIG_INDEX), repr(SAME_INDEX)
    tests = [
        f"({up}) OR ({down} >= {big})",
        f"{b} > 0 AND {rel} > {same} AND {rel} < {big}",
        f"({b} = 0 AND {a} = 0) OR ({down} >= -{same} AND {rel} <= {same})",
        f"{b} > 0 AND {rel} < -{same} AND {rel} > -{big}",
        f"{b} > 0 AND {rel} <= -{big}",
    ]
    return [
        Rule(label(key, lang), test, colour)
        for key, test, colour in zip(
            INDEX_CLASSES, tests, CHANGE_COLOURS[1:-1], strict=True
        )
    ]


def qml(
    rules: Sequence[Rule],
    *,
    geometry: Geometry,
    opacity: float = 0.75,
    labels: str | None = None,
    star: bool = False,
) -> str:
    """Return the QML text of a rule-based style (and labels from a field).

    Polygons are filled at ``opacity`` with a thin grey outline, points drawn as
    circles (stars with ``star``) with a white outline, as on the web maps.
    """
    root, renderer = _root("RuleRenderer")
    tree = ET.SubElement(renderer, "rules", key="root")
    symbols = ET.SubElement(renderer, "symbols")
    for n, rule in enumerate(rules):
        ET.SubElement(
            tree, "rule", key=f"rule{n}", label=rule.label, filter=rule.expression,
            symbol=str(n),
        )  # fmt: skip
        _symbol(symbols, str(n), rule, geometry, opacity, star=star)
    return _text(root, labels)


def outline_qml(*, labels: str | None = None) -> str:
    """Return the QML of outlines only (the communes), labelled by a field."""
    root, renderer = _root("singleSymbol")
    symbols = ET.SubElement(renderer, "symbols")
    _symbol(symbols, "0", Rule("", "", "#555555"), "polygon", 1.0, hollow=True)
    return _text(root, labels)


def _root(renderer: str) -> tuple[ET.Element, ET.Element]:
    """Return a style's ``<qgis>`` element and its renderer of the given type."""
    root = ET.Element(
        "qgis", version=_QGIS_VERSION, styleCategories="Symbology|Labeling"
    )
    element = ET.SubElement(
        root, "renderer-v2", type=renderer, symbollevels="0", enableorderby="0",
        forceraster="0",
    )  # fmt: skip
    return root, element


def _text(root: ET.Element, labels: str | None) -> str:
    """Add the labels, opacity and blending; return the QML document."""
    if labels is not None:
        _labels(root, labels)
    ET.SubElement(root, "blendMode").text = "0"
    ET.SubElement(root, "layerOpacity").text = "1"
    body = ET.tostring(root, encoding="unicode")
    return "<!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYSTEM'>\n" + body


def _rgba(colour: str, alpha: float = 1.0) -> str:
    """``#rrggbb`` as QGIS's ``r,g,b,a``."""
    r, g, b = (int(colour[k : k + 2], 16) for k in (1, 3, 5))
    return f"{r},{g},{b},{round(alpha * 255)}"


def _symbol(
    parent: ET.Element,
    name: str,
    rule: Rule,
    geometry: Geometry,
    opacity: float,
    *,
    star: bool = False,
    hollow: bool = False,
) -> None:
    """Add one rule's symbol: a fill (hatched, hollow, outlined) or a badge.

    A point is round or square, with its badge's letters on it.
    """
    colour, hatched, badge = rule.colour, rule.hatched, rule.badge
    square, outlined = rule.square, rule.outlined
    kind = "fill" if geometry == "polygon" else "marker"
    symbol = ET.SubElement(
        parent, "symbol", type=kind, name=name, alpha=f"{opacity:g}",
        clip_to_extent="1", force_rhr="0",
    )  # fmt: skip
    if geometry == "polygon" and outlined:
        props = {
            "color": _rgba(colour, 0.0), "style": "no",
            "outline_color": _rgba(darker(colour)), "outline_style": "solid",
            "outline_width": "0.7", "outline_width_unit": "MM",
        }  # fmt: skip
        layer_class = "SimpleFill"
    elif geometry == "polygon":
        props = {
            "color": _rgba(colour),
            "style": "no" if hollow else "b_diagonal" if hatched else "solid",
            "outline_color": _rgba("#555555" if hollow else "#777777"),
            "outline_style": "solid",
            "outline_width": "0.4" if hollow else "0.1",
            "outline_width_unit": "MM",
        }
        layer_class = "SimpleFill"
    else:
        props = {
            "color": _rgba(colour),
            "name": "star" if star else "square" if square else "circle",
            "size": "5" if star else "4",
            "size_unit": "MM",
            "outline_color": _rgba("#ffffff"),
            "outline_width": "0.4",
            "outline_style": "solid",
        }
        layer_class = "SimpleMarker"
    _symbol_layer(symbol, layer_class, props)
    if badge:  # the letters on the point, white, as the web's badge
        _symbol_layer(symbol, "FontMarker", {
            "chr": badge, "font": "Sans Serif", "font_style": "Bold",
            "size": "2.2" if len(badge) == 1 else "1.8", "size_unit": "MM",
            "color": _rgba("#ffffff"), "outline_width": "0",
            "outline_color": _rgba("#ffffff", 0.0), "vertical_anchor_point": "1",
            "horizontal_anchor_point": "1",
        })  # fmt: skip


def _symbol_layer(symbol: ET.Element, layer_class: str, props: dict[str, str]) -> None:
    """Add a symbol layer of ``layer_class`` with ``props``, as QGIS writes them."""
    layer = ET.SubElement(
        symbol, "layer", {"class": layer_class, "enabled": "1", "locked": "0",
                          "pass": "0"},
    )  # fmt: skip
    options = ET.SubElement(layer, "Option", type="Map")
    for key, value in props.items():  # QGIS >= 3.26 reads these,
        ET.SubElement(options, "Option", name=key, type="QString", value=value)
    for key, value in props.items():  # older ones these
        ET.SubElement(layer, "prop", k=key, v=value)


def _labels(root: ET.Element, column: str) -> None:
    """Label features with a field (commune names: small, grey, white halo)."""
    labeling = ET.SubElement(root, "labeling", type="simple")
    settings = ET.SubElement(labeling, "settings", calloutType="simple")
    style = ET.SubElement(
        settings, "text-style", fieldName=column, isExpression="0", fontSize="8",
        fontSizeUnit="Point", textColor="60,60,60,255", fontFamily="Sans Serif",
        textOpacity="1",
    )  # fmt: skip
    ET.SubElement(style, "text-buffer", bufferDraw="1", bufferSize="0.8",
                  bufferSizeUnits="MM", bufferColor="255,255,255,255")  # fmt: skip
    ET.SubElement(settings, "placement", placement="0")  # around / over the point
    ET.SubElement(settings, "rendering", scaleVisibility="1", scaleMin="1",
                  scaleMax="250000", obstacle="1")  # fmt: skip
    ET.SubElement(root, "customproperties")
