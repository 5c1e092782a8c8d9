"""Folium maps of coordogeo results; French labels by default, self-contained pages.

One function per map (``access_map``, ``coverage_map``, ``index_map``,
``underserved_map``), the composed ``overview_map``, and one ``add_*`` function per
layer to build other compositions on a map from :func:`new_map`. Each map takes
a :class:`Page`: its language, title, source line, commune base and shape
budget; pages drawn from one page share the shapes they draw (a national grid is
placed once) and let them go with it. :func:`label` gives the maps' words in
either language. :func:`figure` turns any of these pages into a print figure
(PNG at 300 dpi, vector PDF) with the same classes, colours and legend.
"""

from coordogeo._columns import Lang
from coordogeo.maps._style import (
    CATEGORY_COLOURS,
    NO_DATA_COLOUR,
    WARNING_COLOUR,
    colon,
    label,
)
from coordogeo.maps.access import access_map, add_travel_times
from coordogeo.maps.charts import equity_chart
from coordogeo.maps.coverage import add_territories, coverage_map
from coordogeo.maps.equity import add_bivariate, equity_map
from coordogeo.maps.figure import PAPERS, figure, save_figure
from coordogeo.maps.framing import new_map
from coordogeo.maps.index import add_index, add_zonage, index_map, zonage_map
from coordogeo.maps.overview import MapLayers, add_isochrones, links_to, overview_map
from coordogeo.maps.page import Page
from coordogeo.maps.scenario import add_change, scenario_map
from coordogeo.maps.structures import add_structures
from coordogeo.maps.underserved import (
    add_suggested_sites,
    add_zones,
    underserved_map,
)

__all__ = [
    "CATEGORY_COLOURS",
    "NO_DATA_COLOUR",
    "PAPERS",
    "WARNING_COLOUR",
    "Lang",
    "MapLayers",
    "Page",
    "access_map",
    "add_bivariate",
    "add_change",
    "add_index",
    "add_isochrones",
    "add_structures",
    "add_suggested_sites",
    "add_territories",
    "add_travel_times",
    "add_zonage",
    "add_zones",
    "colon",
    "coverage_map",
    "equity_chart",
    "equity_map",
    "figure",
    "index_map",
    "label",
    "links_to",
    "new_map",
    "overview_map",
    "save_figure",
    "scenario_map",
    "underserved_map",
    "zonage_map",
]
