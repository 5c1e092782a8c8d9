"""A département's overview page stays under 5 MB (real data of the Lot)."""

import numpy as np
import pandas as pd

import geopandas as gpd

from coordogeo.coverage import cpts_territories, overlaps_and_gaps
from coordogeo.io import read_insee_grid, read_structures
from coordogeo.maps import MapLayers, overview_map
from coordogeo.maps._offline import cdn_links

MAX_BYTES = 5_000_000


def test_the_lot_overview_is_light_and_self_contained(shared_data, tmp_path):
    communes = gpd.read_file(shared_data / "lot46_communes.geojson").rename(
        columns={"code_insee": "insee", "population_municipale": "population"}
    )
    members = pd.read_csv(shared_data / "lot46_epci_membres.csv", dtype=str).rename(
        columns={
            "epci_siren": "cpts_id",
            "epci_nom": "cpts_name",
            "code_insee": "insee",
        }
    )
    cells = read_insee_grid(
        shared_data / "lot46_filosofi2015_carreaux_1km.csv",
        crs="EPSG:3035",
        cell_m=1000,
    )
    vertices = communes.geometry.count_coordinates().sum()
    rng = np.random.default_rng(0)
    cells["travel_time_min"] = rng.uniform(0, 50, len(cells))
    hospitals = read_structures(
        shared_data / "lot46_voisins_hopitaux_eurostat.geojson", kind="CDS"
    )
    page = overview_map(
        MapLayers(
            territories=cpts_territories(communes, members),
            overlaps_gaps=overlaps_and_gaps(communes, members),
            structures=hospitals,
            travel_times=cells,
        )
    )
    page.save(tmp_path / "lot.html")
    html = (tmp_path / "lot.html").read_text(encoding="utf-8")
    size = len(html.encode("utf-8"))
    assert size < MAX_BYTES, f"{size / 1e6:.1f} MB"
    assert cdn_links(html) == []
    # only the drawn copy was simplified: the communes keep every vertex
    assert communes.geometry.count_coordinates().sum() == vertices
    print(f"Lot overview: {size / 1e6:.2f} MB, {len(cells)} cells")
