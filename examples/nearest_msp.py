"""Travel time to the nearest MSP for every inhabited cell of the sample territory.

Run: ``python examples/nearest_msp.py [output-folder]``.
"""

import sys
from pathlib import Path

from coordogeo import RoadNetwork, nearest, sample_territory
from coordogeo.access import time_summary
from coordogeo.maps import access_map


def main(out: Path) -> None:
    sample = sample_territory()
    network = RoadNetwork.from_roads(sample.roads)
    msp = sample.structures[sample.structures["kind"] == "MSP"]
    result = nearest(network, sample.population, msp, max_time_min=45, k=2)
    summary = time_summary(result, thresholds_min=(10, 20, 30))
    total = sample.population["population"].sum()
    # every inhabitant is accounted for
    assert abs(summary.loc["travel_time_min", "population"] - total) < 1e-6
    sys.stdout.write(summary.T.to_string() + "\n")
    out.mkdir(parents=True, exist_ok=True)
    access_map(result, msp).save(out / "msp.html")
    sys.stdout.write(f"carte : {out / 'msp.html'}\n")


if __name__ == "__main__":
    beside = Path(__file__).parent / "sorties" / Path(__file__).stem
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else beside)
