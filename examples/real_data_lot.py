"""Read real official files (the Lot, 46) when they are beside the project.

Run: ``python examples/real_data_lot.py [data-folder]`` (default ``../shared/data``).
Without the folder, the same steps run on the embedded sample territory.
"""

import sys
from pathlib import Path

import pandas as pd

from coordogeo import sample_territory
from coordogeo.access import crowfly_matrix
from coordogeo.coverage import assign_to_communes, coverage_rates
from coordogeo.io import (
    read_communes,
    read_cpts_members,
    read_insee_grid,
    read_structures,
)


def lot(data: Path) -> tuple:
    """Return the communes, 1 km grid, EPCI (as CPTS) and hospitals of the Lot."""
    communes = read_communes(data / "lot46_communes.geojson")
    grid = read_insee_grid(
        data / "lot46_filosofi2015_carreaux_1km.csv", crs="EPSG:3035", cell_m=1_000
    )
    epci = pd.read_csv(data / "lot46_epci_membres.csv", dtype=str).rename(
        columns={"epci_siren": "cpts_id", "epci_nom": "cpts_name"}
    )
    members = read_cpts_members(epci, communes=communes)
    sites = read_structures(
        data / "lot46_voisins_hopitaux_eurostat.geojson", kind="hospital"
    )
    return communes, grid, members, sites


def sample() -> tuple:
    """Return the same four layers from the fictional sample territory."""
    s = sample_territory()
    return s.communes, s.population, s.cpts_members, s.structures


def main(data: Path) -> None:
    found = (data / "SOURCES.md").is_file()
    communes, grid, members, sites = lot(data) if found else sample()
    if found:
        sys.stdout.write(f"data: the Lot, from {data}\n")
    else:  # said where it cannot be missed: these are not the Lot's figures
        sys.stderr.write(
            f"{data / 'SOURCES.md'} not found: the figures below are the fictional "
            "sample territory's, NOT the Lot's. Pass the folder of the real files: "
            "python examples/real_data_lot.py PATH\n"
        )
        sys.stdout.write("data: the fictional sample territory (not the Lot)\n")
    allocated = assign_to_communes(grid, communes)
    # the grid population that comes in is the population that goes out
    assert abs(allocated["population"].sum() - grid["population"].sum()) < 1e-6
    sys.stdout.write(coverage_rates(communes, members).T.to_string() + "\n")
    matrix = crowfly_matrix(communes, sites, speed_kmh=60, max_time_min=60)
    best = matrix.to_table().groupby("origin")["time_min"].min()
    sys.stdout.write(
        f"{matrix.description}: median time to the nearest site "
        f"{best.median():.1f} min over {len(best)} of {len(communes)} communes\n"
    )


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path("../shared/data"))
