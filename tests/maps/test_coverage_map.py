import itertools

import numpy as np
import pytest

from coordogeo import InputError
from coordogeo.coverage import cpts_territories, overlaps_and_gaps
from coordogeo.maps import CATEGORY_COLOURS, WARNING_COLOUR, Page, coverage_map
from coordogeo.maps.coverage import CPTS_OPACITY, GAP_OPACITY, cpts_colours
from tests.colour import DEUTERANOPIA, PROTANOPIA, lab


@pytest.fixture
def layers(sample):
    return (
        cpts_territories(sample.communes, sample.cpts_members),
        overlaps_and_gaps(sample.communes, sample.cpts_members),
    )


def test_french_legend_hatched_overlaps_and_red_gaps(sample, layers):
    cpts, odd = layers
    html = coverage_map(cpts, odd, structures=sample.structures)._parent.render()
    assert "Couverture par les CPTS" in html
    assert "Commune dans plusieurs CPTS" in html and "Commune hors CPTS" in html
    assert 'id="coordogeo-hatch"' in html and "url(#coordogeo-hatch)" in html
    assert html.count('id="coordogeo-hatch"') == 1
    assert "#d7191c" in html  # gaps in warning red
    for name in cpts["cpts_name"]:
        assert name in html  # in the legend and the tooltips
    assert "Taille (ACI)" in html and "L.control.layers" in html
    assert "&lt;Ombre&gt;" in html and "<Ombre>" not in html
    # every feature keeps its geometry (a misaligned frame once blanked them all)
    assert '"geometry": null' not in html and html.count('"Polygon"') > 3


def test_english_and_escaped_cpts_names(layers):
    cpts, odd = layers
    cpts = cpts.assign(cpts_name=["<script>alert(1)</script>", "b", "c", "d"])
    html = coverage_map(cpts, odd, page=Page(lang="en"))._parent.render()
    assert "CPTS coverage" in html and "Commune in no CPTS" in html
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_bad_input(layers):
    cpts, odd = layers
    with pytest.raises(InputError, match=r"`territories` lacks the column\(s\)"):
        coverage_map(cpts.drop(columns="taille"), odd)
    with pytest.raises(InputError, match="`overlaps_gaps` has no CRS"):
        coverage_map(cpts, odd.set_crs(None, allow_override=True))


def _blend(colour, opacity):
    """Return the colour a fill shows at ``opacity`` over the white map."""
    rgb = np.array([int(colour[k : k + 2], 16) for k in (1, 3, 5)])
    mixed = np.round(opacity * rgb + (1 - opacity) * 255).astype(int)
    return "#" + "".join(f"{v:02x}" for v in mixed)


@pytest.mark.parametrize("matrix", [None, DEUTERANOPIA, PROTANOPIA],
                         ids=["normal", "deuteranopia", "protanopia"])  # fmt: skip
def test_cpts_colours_stay_apart_for_every_colour_vision(matrix):
    shown = [_blend(c, CPTS_OPACITY) for c in CATEGORY_COLOURS]
    seen = lab(shown, matrix)
    apart = [np.linalg.norm(a - b) for a, b in itertools.combinations(seen, 2)]
    assert min(apart) >= 9
    warning = lab([_blend(WARNING_COLOUR, GAP_OPACITY)], matrix)[0]
    assert min(np.linalg.norm(seen - warning, axis=1)) >= 9


def test_neighbouring_cpts_never_share_a_colour(sample):
    cpts = cpts_territories(sample.communes, sample.cpts_members)
    chosen = cpts_colours(cpts)
    shapes = cpts.set_index(cpts["cpts_name"].astype(str)).geometry
    for a, b in itertools.combinations(shapes.index, 2):
        if shapes[a].distance(shapes[b]) < 100:
            assert chosen[a] != chosen[b], (a, b)
    # the web map and the same frame in lon/lat choose the same colours
    assert cpts_colours(cpts.to_crs(4326)) == chosen
