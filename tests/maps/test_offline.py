import pytest

import folium
from folium.plugins import MiniMap

from coordogeo.coverage import cpts_territories, overlaps_and_gaps
from coordogeo.errors import CoordogeoError
from coordogeo.maps import coverage_map, new_map
from coordogeo.maps._offline import cdn_links


def test_maps_carry_leaflet_inline_and_link_nothing(sample):
    m = coverage_map(
        cpts_territories(sample.communes, sample.cpts_members),
        overlaps_and_gaps(sample.communes, sample.cpts_members),
        structures=sample.structures,
    )
    html = m.get_root().render()
    assert cdn_links(html) == []
    assert "Leaflet 1.9" in html and "jQuery v3" in html
    assert "markerClusterGroup" in html  # clustered structures
    assert "data:image/png;base64" in html  # the layer-control icon inlined
    assert "coordogeo-fullscreen" in html and "Plein \\u00e9cran" in html
    assert "L.control.scale" in html


def test_what_would_need_the_network_is_an_error_not_a_link(sample):
    m = new_map(sample.communes.to_crs(4326))
    MiniMap().add_to(m)
    with pytest.raises(CoordogeoError, match="does not carry"):
        m.get_root().render()
    m = new_map(sample.communes.to_crs(4326))
    folium.Marker([44.5, 1.5], icon=folium.Icon(icon="home")).add_to(m)
    with pytest.raises(CoordogeoError, match=r"folium.Icon.*kind_icon"):
        m.get_root().render()
