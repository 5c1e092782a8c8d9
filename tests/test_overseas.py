"""Every verb in every overseas territory, in that territory's own metric CRS."""

import re

import pytest

from pyproj import Transformer

from coordogeo.access import (
    apl,
    crowfly_matrix,
    fca,
    isochrones,
    nearest,
    opportunities_within,
    travel_time_matrix,
)
from coordogeo.coverage import (
    assign_to_communes,
    coverage_rates,
    cpts_territories,
    overlaps_and_gaps,
    within_reach,
)
from coordogeo.crs import TERRITORY_CRS
from coordogeo.datasets import PLACEHOLDER_AGE_WEIGHTS, sample_territory
from coordogeo.datasets.overseas import OVERSEAS
from coordogeo.equity import by_income
from coordogeo.maps import (
    MapLayers,
    access_map,
    coverage_map,
    index_map,
    overview_map,
    underserved_map,
)
from coordogeo.network import RoadNetwork
from coordogeo.pipeline import init_folder, load_config, run
from coordogeo.underserved import classify, suggest_sites, travel_time_above, zones


@pytest.fixture(scope="module", params=sorted(OVERSEAS))
def territory(request):
    name = request.param
    sample = sample_territory(territory=name)
    return name, TERRITORY_CRS[OVERSEAS[name][1]], sample


def test_the_sample_moves_whole(territory):
    name, crs, sample = territory
    dep = OVERSEAS[name][0]
    assert sample.communes.crs.equals(crs) and sample.population.crs.equals(crs)
    assert sample.communes.index.str.startswith(dep).all()
    assert len(sample.communes) == 72
    # every inhabitant moved too: same total as the metropolitan sample
    assert sample.population["population"].sum() == pytest.approx(
        sample.communes["population"].sum(), abs=1e-6
    )
    assert sample.population.index[0].startswith(f"CRS{crs.split(':')[1]}RES1000m")


def test_every_verb_runs_in_the_territory_crs(territory):
    name, crs, s = territory
    network = RoadNetwork.from_roads(s.roads)
    assert network.crs == crs
    msp = s.structures[s.structures["kind"] == "MSP"]
    cells = nearest(network, s.population, s.structures, by="kind")
    assert cells.crs.equals(crs) and cells["reachable_MSP"].mean() > 0.9
    matrix = travel_time_matrix(network, s.communes, msp, max_time_min=30)
    crow = crowfly_matrix(s.communes, msp, speed_kmh=50)
    assert matrix.n_pairs > 0 and crow.n_pairs > 0
    supply = msp[["capacity"]]
    assert fca(matrix, s.communes, supply, method="e2sfca").demand.shape[0] == 72
    assert opportunities_within(matrix, max_time_min=20).shape[0] == 72
    bands = list(PLACEHOLDER_AGE_WEIGHTS)
    communes = assign_to_communes(
        s.population, s.communes, columns=["population", *bands]
    )
    assert communes.crs.equals(crs)
    assert communes["population"].sum() == pytest.approx(
        s.population["population"].sum(), rel=1e-9
    )
    per = msp.groupby("insee")[["capacity"]].sum() * 5_400
    m = travel_time_matrix(network, communes, communes.loc[per.index], max_time_min=20)
    index = apl(communes, per, m, age_weights=PLACEHOLDER_AGE_WEIGHTS)
    rates = coverage_rates(s.communes, s.cpts_members)
    assert rates.index.tolist() == [OVERSEAS[name][0]]
    cpts = cpts_territories(s.communes, s.cpts_members)
    odd = overlaps_and_gaps(s.communes, s.cpts_members)
    assert cpts.crs.equals(crs)
    reach = within_reach(cells)
    assert reach.loc["MSP", "population"] == pytest.approx(
        s.population["population"].sum()
    )
    rule = travel_time_above(20, column="travel_time_min_MSP")
    found = zones(classify(cells, [rule]), time_column="travel_time_min_MSP")
    assert found.crs.equals(crs) and found["area_km2"].gt(0).all()
    sites = suggest_sites(
        network,
        s.population,
        msp,
        s.communes.representative_point()
        .to_frame("geometry")
        .set_geometry("geometry")
        .drop(msp["insee"].unique()),
        n_sites=2,
    )
    assert len(sites) == 2
    iso = isochrones(network, msp.head(2), thresholds_min=(10,))
    assert iso.crs.equals(crs)
    assert (
        len(by_income(cells, "travel_time_min_MSP", income="niveau_vie_moyen").table)
        == 10
    )
    pages = [
        access_map(cells, msp, column="travel_time_min_MSP"),
        coverage_map(cpts, odd),
        index_map(index),
        underserved_map(found),
        overview_map(
            MapLayers(
                territories=cpts,
                overlaps_gaps=odd,
                structures=s.structures,
                travel_times=cells,
                time_column="travel_time_min_MSP",
            )
        ),
    ]
    lon, lat = Transformer.from_crs(crs, 4326, always_xy=True).transform(
        *OVERSEAS[name][2]
    )
    for page in pages:  # every page is drawn in lon/lat, where the territory is
        html = page.get_root().render()
        first = re.search(r'"coordinates": \[+(-?[\d.]+), (-?[\d.]+)', html)
        assert first is not None
        assert abs(float(first[1]) - lon) < 1 and abs(float(first[2]) - lat) < 1


@pytest.mark.parametrize("name", ["reunion", "guyane"])
def test_the_batch_run_overseas(tmp_path, name):
    config = load_config(init_folder(tmp_path / name, sample=True, territory=name))
    result = run(config)
    crs = TERRITORY_CRS[OVERSEAS[name][1]]
    assert result.places.crs.equals(crs) and result.index.crs.equals(crs)
    assert result.coverage.rates.index.tolist() == [OVERSEAS[name][0]]
    total = result.places["population"].sum()
    row = result.ledger.conservation[0]
    assert row["within"] + row["beyond"] + row["off_network"] == pytest.approx(total)
    assert (config.folder / "carte_synthese.html").is_file()
