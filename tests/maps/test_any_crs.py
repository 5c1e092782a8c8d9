"""Every public add_* reprojects what it is given: no Lambert-93 metre in a page."""

import re

import pytest

from coordogeo.errors import InputError
from coordogeo.maps import (
    add_change,
    add_index,
    add_isochrones,
    add_suggested_sites,
    add_travel_times,
    add_zones,
    new_map,
)

#: A pair of coordinates in metres (Lambert-93 x, y) as folium would write it.
_METRES = re.compile(r"\[\d{6,7}\.\d+, \d{6,7}\.\d+\]")


def _calls(sample):
    communes = sample.communes.assign(
        apl_consultations_per_inhabitant=3.0, rank=1, zone_id="Z", max_time_min=10.0
    )
    cells = sample.population.head(200)
    return {
        "add_index": lambda m, f: add_index(
            m, f, column="apl_consultations_per_inhabitant", lang="fr"
        ),
        "add_zones": lambda m, f: add_zones(m, f, lang="fr"),
        "add_isochrones": lambda m, f: add_isochrones(m, f, lang="fr"),
        "add_travel_times": lambda m, f: add_travel_times(
            m, f, column="travel_time_min", lang="fr"
        ),
        "add_change": lambda m, f: add_change(m, f, kind=None, lang="fr"),
        "add_suggested_sites": lambda m, f: add_suggested_sites(m, f, lang="fr"),
    }, {
        "add_index": communes,
        "add_zones": communes,
        "add_isochrones": communes,
        "add_travel_times": cells.assign(travel_time_min=5.0),
        "add_change": cells.assign(time_before_min=5.0, time_after_min=4.0),
        "add_suggested_sites": sample.structures.assign(step=1, population_gain=3.0),
    }


@pytest.mark.parametrize(
    "name",
    ["add_index", "add_zones", "add_isochrones", "add_travel_times", "add_change",
     "add_suggested_sites"],
)  # fmt: skip
def test_add_functions_take_any_crs(sample, name):
    calls, frames = _calls(sample)
    frame = frames[name]
    assert frame.crs.to_epsg() == 2154
    projected, lonlat = new_map(sample.communes), new_map(sample.communes)
    calls[name](projected, frame)
    calls[name](lonlat, frame.to_crs(4326))
    page = projected.get_root().render()
    assert not _METRES.search(page)  # reprojected, never drawn in metres
    assert len(page) > len(new_map(sample.communes).get_root().render())
    with pytest.raises(InputError, match="CRS"):
        calls[name](new_map(sample.communes), frame.set_crs(None, allow_override=True))
