"""Who lives in a CPTS territory: sizes, overlaps, gaps, a map.

Run: ``python examples/cpts_coverage.py [output-folder]``.
"""

import sys
from pathlib import Path

from coordogeo import sample_territory
from coordogeo.coverage import coverage_rates, cpts_territories, overlaps_and_gaps
from coordogeo.maps import coverage_map


def main(out: Path) -> None:
    sample = sample_territory()
    territories = cpts_territories(sample.communes, sample.cpts_members)
    odd = overlaps_and_gaps(sample.communes, sample.cpts_members)
    rates = coverage_rates(sample.communes, sample.cpts_members)
    # covered once + several times + not covered = everyone, per département
    parts = rates[
        [
            "population_covered_once",
            "population_covered_multiple",
            "population_not_covered",
        ]
    ].sum(axis=1)
    assert (abs(parts - rates["population"]) < 1e-6).all()
    columns = ["cpts_name", "population", "taille", "overlaps_with"]
    sys.stdout.write(territories[columns].to_string() + "\n\n")
    sys.stdout.write(rates.T.to_string() + "\n\n")
    gaps = odd[odd["status"] == "gap"]
    sys.stdout.write(f"{len(gaps)} communes hors CPTS\n")
    out.mkdir(parents=True, exist_ok=True)
    coverage_map(territories, odd, structures=sample.structures).save(out / "cpts.html")
    sys.stdout.write(f"carte : {out / 'cpts.html'}\n")


if __name__ == "__main__":
    beside = Path(__file__).parent / "sorties" / Path(__file__).stem
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else beside)
