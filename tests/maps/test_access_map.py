import re

import pytest

import geopandas as gpd
import shapely

from coordogeo import InputError, nearest
from coordogeo.maps import Page, access_map
from coordogeo.maps._style import label, text


@pytest.fixture
def result(sample, network):
    return nearest(network, sample.population, sample.structures, by="kind")


def test_french_by_default_with_legend_layers_and_escaped_names(sample, result):
    html = access_map(
        result, sample.structures, column="travel_time_min_MSP"
    )._parent.render()
    assert "Temps de trajet (min)" in html and "Non accessible" in html
    assert "Hors réseau routier" in html  # some cells are off the network
    assert "Maison de santé pluriprofessionnelle" in html  # a layer per kind
    assert "L.control.layers" in html
    assert "<Ombre>" not in html and "&lt;Ombre&gt;" in html
    # every feature keeps its geometry (a misaligned frame once blanked them all)
    assert '"geometry": null' not in html and html.count('"Polygon"') > 3


def test_english_labels(sample, result):
    html = access_map(
        result, sample.structures, column="travel_time_min_MSP", page=Page(lang="en")
    )
    text = html._parent.render()
    assert "Travel time (min)" in text and "Not reachable" in text
    assert "Temps de trajet" not in text


def test_script_in_a_name_is_shown_as_text(sample, result):
    evil = sample.structures.copy()
    evil.loc[evil.index[0], "name"] = "<script>alert(1)</script> {{ 7*7 }}"
    html = access_map(result, evil, column="travel_time_min_MSP")._parent.render()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "{{ 7*7 }}" not in html and "49" not in html.split("alert(1)")[1][:40]


def test_bad_arguments(sample, result):
    with pytest.raises(InputError, match="`lang` was 'de'"):
        access_map(
            result,
            sample.structures,
            column="travel_time_min_MSP",
            page=Page(lang="de"),
        )
    with pytest.raises(InputError, match=r"lacks the column\(s\) \['temps'\]"):
        access_map(result, sample.structures, column="temps")
    with pytest.raises(InputError, match="`result` has no CRS"):
        access_map(result.set_crs(None, allow_override=True), sample.structures,
                   column="travel_time_min_MSP")  # fmt: skip


def test_crow_fly_times_are_not_called_road_times(sample):
    from coordogeo.access import crowfly_matrix  # noqa: PLC0415

    matrix = crowfly_matrix(
        sample.population, sample.structures, speed_kmh=50, max_time_min=60
    )
    times = nearest(matrix, sample.population, sample.structures)
    assert times["time_model"].str.startswith("crow-fly").all()
    html = access_map(times, sample.structures)._parent.render()
    # the page's title and the layer's name (escaped both)
    assert html.count("Temps d&#x27;accès estimés à vol d&#x27;oiseau") >= 2
    assert "par la route" not in html


def test_a_structure_given_as_an_area_is_marked_inside_it(sample, result):
    sites = sample.structures.copy()
    area = sites.geometry.iloc[0].buffer(500)
    sites.loc[sites.index[0], "geometry"] = area
    html = access_map(result, sites, column="travel_time_min_MSP")._parent.render()
    rows = html[html.index("var kinds = [") :]
    rows = rows[: rows.index("];")]
    assert "NaN" not in rows and "null" not in rows  # every marker has a place
    br = re.escape("\\u003cbr\\u003e")  # <br>, as JSON writes it in a script
    first = re.search(
        rf'\[([-\d.]+), ([-\d.]+), "[^"]*", "[^"]*{br}{sites.index[0]}({br}|")', rows
    )
    assert first is not None
    lonlat = gpd.GeoSeries([area], crs=sites.crs).to_crs(4326).iloc[0]
    point = shapely.Point(float(first[2]), float(first[1]))
    assert lonlat.buffer(1e-5).contains(point)  # inside the area (rounded to 1 m)


def test_a_structure_s_capacity_reads_with_a_decimal_comma_in_french(sample, result):
    sites = sample.structures.assign(capacity=5.3)
    french = access_map(result, sites, column="travel_time_min_MSP")._parent.render()
    assert "(ETP) : 5,3" in french and "(ETP) : 5.3" not in french
    english = access_map(
        result, sites, column="travel_time_min_MSP", page=Page(lang="en")
    )._parent.render()
    assert f"{text(label('capacity', 'en'))}: 5.3" in english
