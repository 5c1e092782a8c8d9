import re

import numpy as np
import pandas as pd
import pytest

import geopandas as gpd

from coordogeo import InputError
from coordogeo.maps import Page, underserved_map
from coordogeo.underserved import classify, travel_time_above, zones


@pytest.fixture
def found(sample):
    cells = sample.population.assign(
        travel_time_min=np.where(
            sample.population["insee"].isin(["00001", "00003"]), 25.0, 5.0
        )
    )
    cells.loc[cells.index[:2], "travel_time_min"] = np.nan
    flagged = classify(cells, [travel_time_above(20, label="MSP > 20 min")])
    return zones(flagged)


@pytest.fixture
def sites(sample):
    bourgs = sample.communes.iloc[:2]
    return gpd.GeoDataFrame(
        {
            "nom": ["<script>alert(1)</script>", "Bélaye"],
            "step": [1, 2],
            "population_gain": [1234.0, 56.0],
            "share_covered": [0.8, 0.81],
        },
        geometry=gpd.points_from_xy(bourgs["bourg_x"], bourgs["bourg_y"]),
        crs=bourgs.crs,
        index=pd.Index(["bourg-1", "bourg-2"]),
    )


def test_zones_by_rank_sites_as_stars(found, sites, sample):
    html = underserved_map(
        found, sites=sites, structures=sample.structures
    )._parent.render()
    assert "Zones mal desservies" in html and "Sites propos" in html
    assert "Rang 1–3" in html and "#54278f" in html
    assert "Motifs : MSP \\u0026gt; 20 min" in html  # the reasons, escaped
    assert "+1\u202f234" in html  # the gain of site 1
    assert "81,0\u202f%" in html or "81,0\\u202f%" in html
    assert html.count('\\u003csvg width=\\"26') == 2  # two inline stars
    assert '"geometry": null' not in html and html.count('"Polygon"') >= len(found)
    assert "<script>alert(1)</script>" not in html


def test_english_labels_and_empty_zones(found, sites):
    html = underserved_map(
        found.iloc[:0], sites=sites, page=Page(lang="en")
    )._parent.render()
    assert "Under-served zones" in html and "Suggested site" in html


def test_bad_input(found):
    with pytest.raises(InputError, match="lacks the column"):
        underserved_map(found.drop(columns="rank"))
    with pytest.raises(InputError, match="no CRS"):
        underserved_map(found.set_crs(None, allow_override=True))


def test_no_zone_is_said_on_a_map_of_the_territory(found, sample):
    none = found.iloc[:0]
    html = underserved_map(
        none, structures=sample.structures, page=Page(communes=sample.communes)
    )._parent.render()
    assert "Aucune zone : aucun lieu habité ne remplit la règle" in html
    # fitted to the communes (the sample lies near 44-45°N), not to the world
    bounds = re.search(r"fitBounds\(\s*\[\[([-\d.]+), ([-\d.]+)\]", html)
    assert bounds is not None and 43 < float(bounds[1]) < 46
