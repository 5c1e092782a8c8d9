"""Hand-made communes and CPTS lists whose answers are known by hand."""

from __future__ import annotations

import pandas as pd
import pytest

import geopandas as gpd
from shapely import box

X0, Y0 = 600_000.0, 6_400_000.0  # Lambert-93


def squares() -> gpd.GeoDataFrame:
    """Six 1 km square communes in a 3 x 2 block, codes 46001..46006.

    Row 0 (south): 46001 46002 46003; row 1 (north): 46004 46005 46006.
    Populations 100, 200, …, 600 (total 2,100). Index labels are not 0..n.
    """
    cells = [
        box(X0 + i * 1e3, Y0 + j * 1e3, X0 + (i + 1) * 1e3, Y0 + (j + 1) * 1e3)
        for j in range(2)
        for i in range(3)
    ]
    return gpd.GeoDataFrame(
        {
            "insee": [f"4600{k}" for k in range(1, 7)],
            "nom": ["Albas", "Bélaye", "Cahors", "Douelle", "Espère", "Fargues"],
            "population": [100.0, 200, 300, 400, 500, 600],
        },
        geometry=cells,
        crs=2154,
        index=[f"c{k}" for k in range(1, 7)],
    )


def two_cpts() -> pd.DataFrame:
    """CPTS A = 46001, 46002, 46004; B = 46002, 46003 → 46002 shared, 46005/6 gaps."""
    return pd.DataFrame(
        {
            "cpts_id": ["A", "A", "A", "B", "B"],
            "cpts_name": [
                "CPTS du Causse",
                *["CPTS du Causse"] * 2,
                "CPTS B",
                "CPTS B",
            ],
            "insee": ["46001", "46002", "46004", "46002", "46003"],
        },
        index=[10, 11, 12, 13, 14],
    )


@pytest.fixture
def communes() -> gpd.GeoDataFrame:
    return squares()


@pytest.fixture
def members() -> pd.DataFrame:
    return two_cpts()
