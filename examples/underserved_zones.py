"""Under-served zones: rules, contiguous zones, zonage categories, three new MSP.

Run: ``python examples/underserved_zones.py [output-folder]``.
"""

import sys
from pathlib import Path

import geopandas as gpd

from coordogeo import RoadNetwork, nearest, sample_territory
from coordogeo.access import apl, travel_time_matrix
from coordogeo.datasets import CONSULTATIONS_PER_FTE, PLACEHOLDER_AGE_WEIGHTS
from coordogeo.maps import underserved_map
from coordogeo.underserved import (
    apl_below,
    classify,
    in_no_cpts,
    suggest_sites,
    travel_time_above,
    zonage,
    zones,
)


def main(out: Path) -> None:
    sample = sample_territory()
    network = RoadNetwork.from_roads(sample.roads)
    msp = sample.structures[sample.structures["kind"] == "MSP"]

    # 1. what each place needs: time to the nearest MSP, APL of its commune, CPTS
    cells = nearest(network, sample.population, msp, max_time_min=60)
    bands = list(PLACEHOLDER_AGE_WEIGHTS)
    communes = sample.communes.join(sample.population.groupby("insee")[bands].sum())
    communes[bands] = communes[bands].fillna(0.0)
    fte = sample.structures.dropna(subset=["capacity"]).groupby("insee")[["capacity"]]
    supply = fte.sum() * CONSULTATIONS_PER_FTE
    matrix = travel_time_matrix(network, communes, communes.loc[supply.index])
    index = apl(communes, supply, matrix, age_weights=PLACEHOLDER_AGE_WEIGHTS)
    n_cpts = sample.cpts_members.groupby("insee").size()
    cells["apl"] = cells["insee"].map(index["apl_consultations_per_inhabitant"])
    cells["n_cpts"] = cells["insee"].map(n_cpts).fillna(0).astype(int)

    # 2. the rules, then the zones: far from an MSP, a low APL, in no CPTS
    rules = [
        travel_time_above(20, label="MSP > 20 min"),
        apl_below(2.5, column="apl", label="APL < 2,5"),
        in_no_cpts(label="hors CPTS"),
    ]
    flagged = classify(cells, rules, combine="all")
    found = zones(flagged, min_population=50)
    people = flagged.loc[flagged["underserved"], "population"].sum()
    kept = found["population"].sum() + found.attrs["population_in_smaller_zones"]
    assert abs(kept - people) < 1e-6  # nobody lost between cells and zones
    columns = [
        "population",
        "area_km2",
        "n_communes",
        "mean_travel_time_min",
        "reasons",
    ]
    sys.stdout.write(found[columns].head(10).round(1).to_string() + "\n\n")

    # 3. zonage-style categories of the communes, capped at 35 % / 5 %
    caps = {"ZIP": 0.35, "ZAC": 0.05}
    zoned = zonage(index, max_population_share=caps)
    by_category = zoned.groupby("zonage", observed=False)["population"].sum()
    sys.stdout.write(by_category.to_string() + "\n")

    # 4. three new MSP among the bourgs of communes that have none
    bourgs = gpd.GeoDataFrame(
        sample.communes[["insee", "nom"]],
        geometry=gpd.points_from_xy(
            sample.communes["bourg_x"], sample.communes["bourg_y"]
        ),
        crs=sample.communes.crs,
    )
    candidates = bourgs[~bourgs["insee"].isin(msp["insee"])]
    candidates.index = "bourg-" + candidates.index
    sites = suggest_sites(network, sample.population, msp, candidates, n_sites=3)
    table = sites[["nom", "population_gain", "share_covered"]].round(3).to_string()
    sys.stdout.write("\n\n" + table + "\n")

    out.mkdir(parents=True, exist_ok=True)
    underserved_map(found, sites=sites, structures=msp).save(out / "zones.html")
    sys.stdout.write(f"carte : {out / 'zones.html'}\n")


if __name__ == "__main__":
    beside = Path(__file__).parent / "sorties" / Path(__file__).stem
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else beside)
