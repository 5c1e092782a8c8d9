"""Read official French files (FINESS, INSEE grid, communes, CPTS); write results."""

from coordogeo.io._tables import parse_numbers
from coordogeo.io.bpe import read_bpe
from coordogeo.io.communes import read_communes, update_insee_codes
from coordogeo.io.cpts import read_cpts_members
from coordogeo.io.filosofi import read_filosofi_communes
from coordogeo.io.finess import read_finess
from coordogeo.io.grid import read_insee_grid
from coordogeo.io.results import (
    GeoPackageAbout,
    neutralise_formulas,
    write_results,
)
from coordogeo.io.structures import open_by, read_structures

__all__ = [
    "GeoPackageAbout",
    "neutralise_formulas",
    "open_by",
    "parse_numbers",
    "read_bpe",
    "read_communes",
    "read_cpts_members",
    "read_filosofi_communes",
    "read_finess",
    "read_insee_grid",
    "read_structures",
    "update_insee_codes",
    "write_results",
]
