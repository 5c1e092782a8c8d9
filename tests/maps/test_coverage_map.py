import pytest

from coordogeo import InputError
from coordogeo.coverage import cpts_territories, overlaps_and_gaps
from coordogeo.maps import Page, coverage_map


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
