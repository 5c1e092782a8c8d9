"""Floating-catchment indices and an APL-style index for the communes of the sample.

Run: ``python examples/accessibility_indices.py [output-folder]``.
"""

import sys
from pathlib import Path

from coordogeo import RoadNetwork, sample_territory
from coordogeo.access import apl, fca, travel_time_matrix
from coordogeo.datasets import CONSULTATIONS_PER_FTE, PLACEHOLDER_AGE_WEIGHTS
from coordogeo.maps import index_map


def main(out: Path) -> None:
    sample = sample_territory()
    network = RoadNetwork.from_roads(sample.roads)
    bands = list(PLACEHOLDER_AGE_WEIGHTS)
    communes = sample.communes.join(sample.population.groupby("insee")[bands].sum())
    communes[bands] = communes[bands].fillna(0.0)
    fte = sample.structures.dropna(subset=["capacity"]).groupby("insee")[["capacity"]]
    supply = fte.sum()
    # commune to commune, from the chef-lieu area, 30 min bound
    matrix = travel_time_matrix(network, communes, communes.loc[supply.index])
    for method in ("2sfca", "e2sfca", "3sfca", "gravity", "bfca"):
        scores = fca(matrix, communes, supply, method=method).demand
        column = f"{method}_capacity_per_inhabitant"
        per_10k = scores[column].median() * 1e4
        sys.stdout.write(
            f"{method:>8} : médiane {per_10k:.2f} ETP pour 10 000 hab.\n".replace(
                ".", ",", 1
            )
        )
    consultations = supply * CONSULTATIONS_PER_FTE
    result = apl(communes, consultations, matrix, age_weights=PLACEHOLDER_AGE_WEIGHTS)
    index = result["apl_consultations_per_inhabitant"]
    # every consultation is offered to somebody: supply is conserved
    offered = (index * result["population_std"]).sum()
    assert abs(offered - consultations["capacity"].sum()) < 1e-6 * offered
    low = result.loc[index < 2.5, "population"].sum()
    sys.stdout.write(
        "population des communes sous 2,5 C./an/hab. : "
        + f"{low:,.0f}\n".replace(",", "\u202f")
    )
    out.mkdir(parents=True, exist_ok=True)
    index_map(result, structures=sample.structures).save(out / "apl.html")
    sys.stdout.write(f"carte : {out / 'apl.html'}\n")


if __name__ == "__main__":
    beside = Path(__file__).parent / "sorties" / Path(__file__).stem
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else beside)
