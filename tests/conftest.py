"""Shared fixtures: the sample territory and small road networks known by hand."""

from __future__ import annotations

import functools
from pathlib import Path

import pytest

import geopandas as gpd
from shapely import LineString, points

from coordogeo import RoadNetwork, SampleTerritory, sample_territory

#: Run by QGIS's own Python (tests/test_qgis.py), not imported by pytest.
collect_ignore = [
    "qgis/read_geopackage.py",
    "qgis/run_plugin.py",
    "qgis/plugin_without_library.py",
]

X0, Y0 = 600_000.0, 6_400_000.0  # Lambert-93, inside metropolitan France


@pytest.fixture(autouse=True, scope="session")
def _own_cache_folder(tmp_path_factory: pytest.TempPathFactory) -> None:
    """Keep the runs' network cache (compute.cache) out of the user's home."""
    import os  # noqa: PLC0415

    os.environ["XDG_CACHE_HOME"] = str(tmp_path_factory.mktemp("cache"))


@functools.cache
def cached_sample() -> SampleTerritory:
    """One sample per test session (hypothesis tests cannot take fixtures)."""
    return sample_territory()


@functools.cache
def cached_network() -> RoadNetwork:
    return RoadNetwork.from_roads(cached_sample().roads)


@pytest.fixture
def sample() -> SampleTerritory:
    return cached_sample()


@pytest.fixture
def network() -> RoadNetwork:
    return cached_network()


def at(*xy: tuple[float, float]) -> list[tuple[float, float]]:
    """Coordinates relative to (X0, Y0), in metres."""
    return [(X0 + x, Y0 + y) for x, y in xy]


@pytest.fixture
def triangle_roads() -> gpd.GeoDataFrame:
    """Build A (0,0) - B (1 km,0) - C (2 km,0) and a slow way back C - D - A.

    D is at (1 km, 1 km).

    A-B two-way at 60 km/h (60 s); B->C one-way at 60 km/h (60 s); C-D-A two-way
    at 30 km/h (2 x 1414.21 m = 339.41 s). So A->C takes 120 s, C->A 339.41 s.
    An island road E-F lies 10 km east, joined to nothing.
    """
    lines = [
        LineString(at((0, 0), (1_000, 0))),
        LineString(at((1_000, 0), (2_000, 0))),
        LineString(at((2_000, 0), (1_000, 1_000), (0, 0))),
        LineString(at((10_000, 0), (11_000, 0))),
    ]
    return gpd.GeoDataFrame(
        {"speed_kmh": [60.0, 60.0, 30.0, 50.0], "oneway": [False, True, False, False]},
        geometry=lines,
        crs=2154,
        index=["ab", "bc", "cda", "ef"],
    )


def places(labels: list[str], *xy: tuple[float, float]) -> gpd.GeoDataFrame:
    """Points at (X0 + x, Y0 + y) in Lambert-93 with the given index labels."""
    geoms = points(at(*xy)) if xy else []
    return gpd.GeoDataFrame(geometry=geoms, crs=2154, index=labels)


#: Real open data of the Lot (46), beside the project (see its SOURCES.md).
SHARED_DATA = Path(__file__).resolve().parents[1] / ".." / "shared" / "data"


@pytest.fixture
def shared_data() -> Path:
    """Return the real-data folder; skip the test, saying why, when it is absent."""
    if not (SHARED_DATA / "SOURCES.md").is_file():
        pytest.skip(
            f"real open data not found at {SHARED_DATA} (a fresh clone has none); "
            "these tests only run beside the project's shared data folder"
        )
    return SHARED_DATA
