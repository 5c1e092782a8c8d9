"""QGIS styles: the rules are the web classes, and they partition every value.

QGIS expressions of these rules are also SQL, so SQLite evaluates them here: each
value must fall in exactly one rule, the rule of its web-map colour.
"""

import sqlite3
import xml.etree.ElementTree as ET

import numpy as np
import pandas as pd
import pytest

from coordogeo.maps._style import NO_DATA_COLOUR, TIME_COLOURS, anchored_classes
from coordogeo.maps.index import APL_BREAKS, INDEX_COLOURS
from coordogeo.maps.qgis import change_rules, class_rules, kind_rules, qml, time_rules
from coordogeo.maps.scenario import change_classes


def _matches(frame: pd.DataFrame, rules) -> np.ndarray:
    """Return, per row, the index of the one rule it matches (-1 if none)."""
    db = sqlite3.connect(":memory:")
    frame.to_sql("t", db, index=False)
    hits = np.zeros((len(rules), len(frame)), dtype=bool)
    for k, rule in enumerate(rules):
        rows = db.execute(f"SELECT rowid - 1 FROM t WHERE {rule.expression}")
        hits[k, [r[0] for r in rows]] = True
    counts = hits.sum(axis=0)
    assert (counts == 1).all(), frame[counts != 1]
    return hits.argmax(axis=0)


def test_time_rules_are_the_access_map_classes():
    minutes = np.array([np.nan, 0, 9.9, 10, 10.01, 20, 25, 30, 30.2, 120])
    rules = time_rules("temps_min_MSP", lang="fr")
    got = _matches(pd.DataFrame({"temps_min_MSP": minutes}), rules)
    colour, items = anchored_classes(
        minutes, (10.0, 20.0, 30.0), TIME_COLOURS, unit="min", lang="fr",
        upper_included=True,
    )  # fmt: skip
    assert [rules[k].colour for k in got] == list(colour)
    assert [r.label for r in rules[:-1]] == [name for _, name in items]
    assert rules[-1].colour == NO_DATA_COLOUR and rules[-1].label == "Non accessible"


def test_apl_rules_put_a_bound_in_the_class_above():
    values = np.array([0, 1.49, 1.5, 2.49, 2.5, 3.99, 4, 5, 12, np.nan])
    rules = class_rules("apl", APL_BREAKS, INDEX_COLOURS, unit="", lang="fr",
                        upper_included=False, missing="Sans donnée")  # fmt: skip
    got = _matches(pd.DataFrame({"apl": values}), rules)
    colour, _ = anchored_classes(values, APL_BREAKS, INDEX_COLOURS, unit="",
                                 lang="fr", upper_included=False)  # fmt: skip
    assert [rules[k].colour for k in got] == list(colour)
    assert rules[1].label == "1,5 – 2,5"  # the legend's decimal comma


def test_change_rules_are_the_scenario_map_classes():
    rng = np.random.default_rng(7)
    before = rng.uniform(0, 40, 400)
    after = before + rng.choice([-12, -3, -0.04, 0, 0.03, 2, 9], 400)
    before[rng.random(400) < 0.1] = np.nan
    after[rng.random(400) < 0.1] = np.nan
    frame = pd.DataFrame({"avant": before, "apres": after})
    got = _matches(frame, change_rules("avant", "apres", lang="fr"))
    assert got.tolist() == change_classes(before, after).tolist()


def test_a_style_is_valid_qml_with_one_symbol_per_rule():
    rules = kind_rules("type", ["CDS", "MSP"], lang="fr")
    text = qml(rules, geometry="point", labels="nom")
    assert text.startswith("<!DOCTYPE qgis")
    root = ET.fromstring(text.split("\n", 1)[1])
    assert root.find("renderer-v2").get("type") == "RuleRenderer"
    rules_xml = root.findall("renderer-v2/rules/rule")
    assert [r.get("label") for r in rules_xml] == [
        "Centre de santé", "Maison de santé pluriprofessionnelle"
    ]  # fmt: skip
    assert rules_xml[0].get("filter") == "\"type\" = 'CDS'"
    symbols = root.findall("renderer-v2/symbols/symbol")
    assert [s.get("type") for s in symbols] == ["marker", "marker"]
    assert root.find("labeling/settings/text-style").get("fieldName") == "nom"
    quoted = kind_rules("type", ["l'autre"], lang="fr")[0].expression
    assert quoted == "\"type\" = 'l''autre'"  # a quote in data stays data


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_labels_follow_the_language(lang):
    word = {"fr": "Non accessible", "en": "Not reachable"}[lang]
    assert time_rules("t", lang=lang)[-1].label == word
