import re

import numpy as np
import pytest

from coordogeo import InputError
from coordogeo.maps import Page, index_map


@pytest.fixture
def toy(sample):
    rng = np.random.default_rng(0)
    values = rng.uniform(0, 7, len(sample.communes))
    values[:3] = np.nan
    return sample.communes.assign(apl_consultations_per_inhabitant=values)


def test_apl_classes_unit_and_french_labels(toy, sample):
    html = index_map(toy, structures=sample.structures)._parent.render()
    assert "Accessibilité potentielle localisée" in html and "C./an/hab." in html
    assert "1,5 – 2,5" in html and "2,5 – 4" in html  # anchored at 2.5 and 4
    assert "Sans donnée" in html  # NaN values get the grey class
    assert "#e66101" in html and "#5e3c99" in html  # colour-blind-safe PuOr
    # every feature keeps its geometry (a misaligned frame once blanked them all)
    assert '"geometry": null' not in html and html.count('"Polygon"') > 3


def test_other_index_in_quintiles_and_english(toy):
    scored = toy.drop(columns="apl_consultations_per_inhabitant").assign(
        e2sfca_capacity_per_inhabitant=np.linspace(0, 1, len(toy))
    )
    html = index_map(
        scored, column="e2sfca_capacity_per_inhabitant", page=Page(lang="en")
    )
    text = html._parent.render()
    assert "No data" in text and "<title>E2SFCA index</title>" in text
    assert "capacity per 100,000 inhabitants" in text  # per inhabitant, scaled
    assert "e2sfca_capacity_per_inhabitant" not in text  # never the raw column


def test_tiny_indices_are_readable_and_ties_are_said(toy):
    # GP counts as capacity: ~0.001 per inhabitant, 60 communes tied at 0
    rng = np.random.default_rng(3)
    values = rng.uniform(0.0002, 0.002, len(toy))
    values[:60] = 0.0
    scored = toy.drop(columns="apl_consultations_per_inhabitant").assign(
        **{"2sfca_capacity_per_inhabitant": values}
    )
    html = index_map(scored, column="2sfca_capacity_per_inhabitant")._parent.render()
    assert "<title>Indice 2SFCA</title>" in html
    assert "Accessibilité potentielle localisée" not in html  # not the APL
    assert "capacité pour 100 000 hab." in html
    legend = html.split("(capacité pour 100 000 hab.)</span>")[1]
    classes = re.findall(r"</span></span>([^<]+)</div>", legend.split("Sans")[0])
    assert classes[0] == "≤ 0"  # the 60 zeros share the lowest class
    assert len(set(classes)) == len(classes) > 2  # classes differ from each other
    assert "0,00 – 0,00" not in html
    said = r"60 lieux ex æquo à 0(,0+)? ; la table en montre 10, les plus peuplés\."
    assert re.search(said, html)


def test_escaped_names_and_bad_input(toy):
    evil = toy.copy()
    evil.loc[evil.index[5], "nom"] = "<img src=x onerror=alert(1)>"
    html = index_map(evil)._parent.render()
    assert "<img src=x" not in html and "\\u0026lt;img src=x" in html
    with pytest.raises(InputError, match="has 0 `apl_\\*` column"):
        index_map(toy.drop(columns="apl_consultations_per_inhabitant"))


def test_rounding_a_bound_moves_no_place_to_another_class():
    from coordogeo.maps.index import quantile_bounds  # noqa: PLC0415

    # ties at 17.35: rounding their bound to 17 would empty their class
    values = np.array([0.0] * 20 + [17.35] * 12 + [17.9, 18.2, 21.0, 30.5])
    bounds, _ = quantile_bounds(values)
    classes = np.searchsorted(bounds, values, side="left")
    assert set(classes) == set(range(len(bounds) + 1))  # every class has places
