"""A gallery of hostile inputs: each gets a named error, never a dependency's traceback.

One row per case: ``(id, make, error, match)``. ``make(tmp)`` writes any input file
it needs into ``tmp`` and returns the call to try; the test checks the error class,
that the message names the culprit (``match``), and that no file in ``tmp`` changed.
A new case is one row.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

import geopandas as gpd
from shapely import Point, Polygon

from coordogeo import InputError
from coordogeo.access import (
    TravelTimeMatrix,
    apl,
    crowfly_matrix,
    fca,
    isochrones,
    nearest,
    opportunities_within,
    time_summary,
    travel_time_matrix,
)
from coordogeo.access.decay import step
from coordogeo.codes import normalise_insee
from coordogeo.coverage import (
    assign_to_communes,
    coverage_rates,
    cpts_territories,
    within_reach,
)
from coordogeo.crs import territory_of_insee, to_metric_crs
from coordogeo.datasets import PLACEHOLDER_AGE_WEIGHTS, sample_territory
from coordogeo.equity import (
    by_income,
    concentration_index,
    fgt,
    gini,
    palma_ratio,
    weighted_quantile,
)
from coordogeo.io import (
    open_by,
    read_communes,
    read_cpts_members,
    read_filosofi_communes,
    read_finess,
    read_insee_grid,
    read_structures,
    write_results,
)
from coordogeo.maps import MapLayers, Page, access_map, overview_map
from coordogeo.maps.legend import add_legend
from coordogeo.network import RoadNetwork
from coordogeo.network.profile import CAR, TurnCosts
from coordogeo.pipeline import ConfigError, init_folder, load_config
from coordogeo.pipeline.outputs import OutputError, check_output_folder
from coordogeo.underserved import Rule, classify, suggest_sites, zonage, zones
from tests.io.finess_fixture import write_finess

S = sample_territory()
NET = RoadNetwork.from_roads(S.roads)
MSP = S.structures[S.structures["kind"] == "MSP"]
CELLS = S.population.head(50)
TIMES = nearest(NET, CELLS, MSP)
TABLE = pd.DataFrame(
    {"origin": ["a", "b"], "destination": ["x", "x"], "time_min": [5.0, 12.0]}
)
MATRIX = TravelTimeMatrix.from_table(TABLE, max_time_min=30)
DEMAND = pd.DataFrame({"population": [10.0, 20.0]}, index=["a", "b"])
SUPPLY = pd.DataFrame({"capacity": [2.0]}, index=["x"])
ID_1KM = "CRS3035RES1000mN2400000E3650000"


def no_crs(frame: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    return frame.set_crs(None, allow_override=True)


def with_geometry(frame: gpd.GeoDataFrame, row: int, geometry: Any) -> Any:
    out = frame.copy()
    out.loc[out.index[row], "geometry"] = geometry
    return out


def with_value(frame: pd.DataFrame, column: str, value: Any, row: int = 0) -> Any:
    out = frame.copy()
    if value is not None and isinstance(value, str):
        out[column] = out[column].astype(object)
    out.loc[out.index[row], column] = value
    return out


def repeated(frame: pd.DataFrame) -> Any:
    return pd.concat([frame, frame.iloc[:1]])


#: Every input file a case wrote, with the hash it had then: none may change.
_INPUTS: dict[Path, str] = {}


def _kept(*paths: Path) -> Path:
    """Record input files as written, so that the test can check them after."""
    for path in paths:
        for file in [path] if path.is_file() else sorted(path.rglob("*")):
            if file.is_file():
                _INPUTS[file] = hashlib.sha256(file.read_bytes()).hexdigest()
    return paths[0]


def write(tmp: Path, name: str, content: bytes | str) -> Path:
    path = tmp / name
    path.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
    return _kept(path)


def swapped(frame: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Points written lat, lon instead of lon, lat."""
    ll = frame.to_crs(4326)
    return ll.set_geometry(gpd.points_from_xy(ll.geometry.y, ll.geometry.x), crs=4326)


def the_sample_config(tmp: Path, edit: tuple[str, str] = ("", "")) -> Path:
    config = init_folder(tmp / "cfg", sample=True)
    config.write_text(config.read_text("utf-8").replace(*edit), encoding="utf-8")
    _kept(config.parent)
    return config


def finess_lines(tmp: Path) -> list[str]:
    return write_finess(tmp / "ok.csv").read_text("utf-8").splitlines()


def finess_with(tmp: Path, change: Callable[[list[str]], list[str]], name: str) -> Path:
    lines = change(finess_lines(tmp))
    (tmp / "ok.csv").unlink()
    return write(tmp, name, "\n".join(lines) + "\n")


Make = Callable[[Path], Callable[[], Any]]
CASES: list[tuple[str, Make, type[BaseException], str]] = [
    # --- CRS: missing, wrong, swapped, elsewhere -------------------------------
    ("nearest origins without CRS", lambda t: lambda: nearest(NET, no_crs(CELLS), MSP),
     InputError, r"`origins` has no CRS"),
    ("nearest sites without CRS", lambda t: lambda: nearest(NET, CELLS, no_crs(MSP)),
     InputError, r"`destinations` has no CRS"),
    ("roads without CRS", lambda t: lambda: RoadNetwork.from_roads(no_crs(S.roads)),
     InputError, r"`roads` has no CRS"),
    ("crow-fly without CRS", lambda t: lambda: crowfly_matrix(no_crs(CELLS), MSP, speed_kmh=50),
     InputError, r"`origins` has no CRS"),
    ("grid cells without CRS", lambda t: lambda: assign_to_communes(no_crs(CELLS), S.communes),
     InputError, r"`cells` has no CRS"),
    ("communes without CRS", lambda t: lambda: cpts_territories(no_crs(S.communes), S.cpts_members),
     InputError, r"`communes` has no CRS"),
    ("zones without CRS", lambda t: lambda: zones(no_crs(classify(TIMES, [Rule("travel_time_min", ">", 20)]))),
     InputError, r"has no CRS"),
    ("map of a frame without CRS", lambda t: lambda: access_map(no_crs(TIMES), MSP),
     InputError, r"`result` has no CRS"),
    ("Lambert-93 numbers declared as lon/lat", lambda t: lambda: nearest(NET, CELLS.set_crs(4326, allow_override=True), MSP),
     InputError, r"`origins` is declared in 'EPSG:4326' \(degrees\).*look projected"),
    ("lat/lon swapped", lambda t: lambda: nearest(NET, CELLS, swapped(MSP)),
     InputError, r"`destinations` spans lon 4[34]\..*outside the area"),
    ("sites in Norway", lambda t: lambda: to_metric_crs(gpd.GeoDataFrame(geometry=[Point(10.7, 59.9)], crs=4326), name="sites"),
     InputError, r"`sites` lies at lon 10\.70.*in no French territory"),
    ("Réunion sites on a metropolitan network", lambda t: lambda: nearest(NET, CELLS, gpd.GeoDataFrame(geometry=[Point(55.45, -20.88)], crs=4326)),
     InputError, r"`destinations` spans lon 55\.45.*give inputs of one territory"),
    ("geographic target CRS", lambda t: lambda: to_metric_crs(MSP, name="sites", crs="EPSG:4326"),
     InputError, r"`crs` must be a projected"),
    ("unknown target CRS", lambda t: lambda: to_metric_crs(MSP, name="sites", crs="EPSG:99999"),
     InputError, r"`crs` 'EPSG:99999' is not a CRS pyproj knows"),
    # --- empty and not frames --------------------------------------------------
    ("no road at all", lambda t: lambda: RoadNetwork.from_roads(S.roads.iloc[:0]),
     InputError, r"`roads` has no row"),
    ("a plain DataFrame as places", lambda t: lambda: nearest(NET, pd.DataFrame(CELLS.drop(columns="geometry")), MSP),
     TypeError, r"`origins` must be a GeoDataFrame"),
    ("fca with a list as demand", lambda t: lambda: fca(MATRIX, [10, 20], SUPPLY),
     TypeError, r"`demand` must be a pandas DataFrame"),
    ("overview with nothing", lambda t: lambda: overview_map(MapLayers()),
     InputError, r"`layers` has nothing to draw"),
    ("write no layer", lambda t: lambda: write_results(t / "r.gpkg"),
     InputError, r"got no layer"),
    # --- numbers: NaN, negative, text, zero ------------------------------------
    ("population NaN", lambda t: lambda: within_reach(with_value(TIMES, "population", np.nan)),
     InputError, r"population"),
    ("population negative", lambda t: lambda: time_summary(with_value(TIMES, "population", -5.0)),
     InputError, r"population"),
    ("population as text", lambda t: lambda: within_reach(with_value(TIMES, "population", "beaucoup")),
     InputError, r"population"),
    ("capacity negative", lambda t: lambda: fca(MATRIX, DEMAND, SUPPLY.assign(capacity=-1.0)),
     InputError, r"capacity"),
    ("capacity NaN", lambda t: lambda: fca(MATRIX, DEMAND, SUPPLY.assign(capacity=np.nan)),
     InputError, r"capacity"),
    ("speed 0", lambda t: lambda: RoadNetwork.from_roads(with_value(S.roads, "speed_kmh", 0.0)),
     InputError, r"speed_kmh"),
    ("speed negative", lambda t: lambda: RoadNetwork.from_roads(with_value(S.roads, "speed_kmh", -30.0)),
     InputError, r"speed_kmh"),
    ("speed NaN", lambda t: lambda: RoadNetwork.from_roads(with_value(S.roads, "speed_kmh", np.nan)),
     InputError, r"speed_kmh"),
    ("oneway as text", lambda t: lambda: RoadNetwork.from_roads(with_value(S.roads, "oneway", "peut-être")),
     InputError, r"oneway"),
    ("max_time_min 0", lambda t: lambda: nearest(NET, CELLS, MSP, max_time_min=0),
     InputError, r"`max_time_min` must be a number > 0 minutes, got"),
    ("max_time_min negative", lambda t: lambda: travel_time_matrix(NET, CELLS, MSP, max_time_min=-3),
     InputError, r"`max_time_min` must be a number > 0 minutes, got"),
    ("max_time_min NaN", lambda t: lambda: crowfly_matrix(CELLS, MSP, speed_kmh=50, max_time_min=float("nan")),
     InputError, r"`max_time_min` must be a number > 0 minutes, got"),
    ("max_time_min infinite", lambda t: lambda: nearest(NET, CELLS, MSP, max_time_min=float("inf")),
     InputError, r"`max_time_min` must be a number > 0 minutes, got"),
    ("max_time_min as text", lambda t: lambda: nearest(NET, CELLS, MSP, max_time_min="20"),
     InputError, r"`max_time_min`"),
    ("k = 0", lambda t: lambda: nearest(NET, CELLS, MSP, k=0),
     InputError, r"`k` must be a whole number >= 1"),
    ("k = 1.5", lambda t: lambda: nearest(NET, CELLS, MSP, k=1.5),
     InputError, r"`k` must be a whole number"),
    ("n_jobs = 0", lambda t: lambda: travel_time_matrix(NET, CELLS, MSP, n_jobs=0),
     InputError, r"`n_jobs` must be an integer"),
    ("n_jobs = True", lambda t: lambda: travel_time_matrix(NET, CELLS, MSP, n_jobs=True),
     InputError, r"`n_jobs` must be an integer"),
    ("crow-fly speed 0", lambda t: lambda: crowfly_matrix(CELLS, MSP, speed_kmh=0),
     InputError, r"`speed_kmh` must be a number > 0 km/h, got 0"),
    ("detour below 1", lambda t: lambda: crowfly_matrix(CELLS, MSP, speed_kmh=50, detour_factor=0.5),
     InputError, r"`detour_factor` must be >= 1"),
    ("thresholds decreasing", lambda t: lambda: within_reach(TIMES, thresholds_min=(20, 10)),
     InputError, r"thresholds"),
    ("isochrone thresholds with 0", lambda t: lambda: isochrones(NET, MSP.head(1), thresholds_min=(0, 10)),
     InputError, r"thresholds"),
    ("matrix times negative", lambda t: lambda: TravelTimeMatrix.from_table(TABLE.assign(time_min=[-1.0, 2.0])),
     InputError, r"time_min"),
    ("matrix times NaN", lambda t: lambda: TravelTimeMatrix.from_table(TABLE.assign(time_min=[np.nan, 2.0])),
     InputError, r"time_min"),
    ("matrix times as text", lambda t: lambda: TravelTimeMatrix.from_table(TABLE.assign(time_min=["5", "x"])),
     InputError, r"time_min"),
    ("step decay negative weight", lambda t: lambda: step({10: -1.0}),
     InputError, r"weights|>= 0|negative"),
    ("step decay empty", lambda t: lambda: step({}),
     InputError, r"`weights` must be a non-empty mapping"),
    ("age weights negative", lambda t: lambda: apl(DEMAND.assign(ind_0_3=1.0), SUPPLY, MATRIX, age_weights={"ind_0_3": -1.0}),
     InputError, r"`age_weights` must be finite and >= 0"),
    ("age band missing", lambda t: lambda: apl(DEMAND, SUPPLY, MATRIX, age_weights=PLACEHOLDER_AGE_WEIGHTS),
     InputError, r"ind_0_3"),
    ("Gini with NaN", lambda t: lambda: gini([1.0, np.nan], [1, 1]),
     InputError, r"`values` has 1 missing"),
    ("Gini weights negative", lambda t: lambda: gini([1.0, 2.0], [1, -1]),
     InputError, r"`weights` are negative at \[1\]"),
    ("concentration index, no income", lambda t: lambda: concentration_index([1, 2], [1, 1], [np.nan, 1]),
     InputError, r"`rank_by` has 1 missing"),
    ("Palma with nobody rich", lambda t: lambda: palma_ratio([1, 2], [1, 1], [1, 2], reference=(np.arange(1, 11) * 10.0, np.ones(10))),
     InputError, r"Nobody lives in the richest 10 %|poorest"),
    ("FGT threshold 0", lambda t: lambda: fgt([1, 2], [1, 1], 0),
     InputError, r"`threshold` must be a number > 0"),
    ("by_income with 1 group", lambda t: lambda: by_income(TIMES, "travel_time_min", income="niveau_vie_moyen", groups=1),
     InputError, r"`groups` must be a whole number >= 2"),
    ("by_income unknown column", lambda t: lambda: by_income(TIMES, "temps", income="niveau_vie_moyen"),
     InputError, r"lacks the column\(s\) \['temps'\]"),
    # --- duplicates -------------------------------------------------------------
    ("places repeat a label", lambda t: lambda: nearest(NET, repeated(CELLS), MSP),
     InputError, r"`origins` repeats index labels"),
    ("sites repeat a label", lambda t: lambda: nearest(NET, CELLS, repeated(MSP)),
     InputError, r"`destinations` repeats index labels \['MSP-01'\]"),
    ("roads repeat a label", lambda t: lambda: RoadNetwork.from_roads(repeated(S.roads)),
     InputError, r"`roads` repeats index labels"),
    ("matrix pair twice", lambda t: lambda: TravelTimeMatrix.from_table(repeated(TABLE)),
     InputError, r"the same \(origin, destination\) pair twice"),
    ("demand repeats a place", lambda t: lambda: fca(MATRIX, repeated(DEMAND), SUPPLY),
     InputError, r"`demand` repeats index labels \['a'\]"),
    ("a CPTS lists a commune twice", lambda t: lambda: cpts_territories(S.communes, repeated(S.cpts_members)),
     InputError, r"twice|repeat|more than once"),
    ("commune layer repeats a code", lambda t: lambda: read_communes(_gpkg(t, repeated(S.communes[["insee", "nom", "population", "geometry"]]).reset_index(drop=True))),
     InputError, r"repeats INSEE codes \['00001'\]"),
    ("existing and candidate share an id", lambda t: lambda: suggest_sites(MATRIX, DEMAND, ["x"], ["x"], n_sites=1),
     InputError, r"share the id\(s\) \['x'\]"),
    ("FINESS number twice", lambda t: lambda: read_finess(finess_with(t, lambda ls: [*ls[:2], ls[1], *ls[2:]], "f.csv")),
     InputError, r"establishment number\(s\) on several `structureet` records: \['460000011'\]"),
    ("population table repeats a commune", lambda t: lambda: read_communes(_gpkg(t, S.communes[["insee", "geometry"]]), population=pd.DataFrame({"insee": ["00001", "00001", *S.communes.index[1:]], "population": 1})),
     InputError, r"lists 1 commune\(s\) on several rows: \['00001'\]"),
    ("Filosofi file repeats a commune", lambda t: lambda: read_filosofi_communes(pd.DataFrame({"CODGEO": ["46042", "46042"], "MED21": ["1", "2"]})),
     InputError, r"repeats INSEE codes \['46042'\]"),
    # --- geometries ---------------------------------------------------------------
    ("a missing geometry", lambda t: lambda: nearest(NET, CELLS, with_geometry(MSP, 0, None)),
     InputError, r"`destinations` has 1 row\(s\) with a missing or empty geometry.*'MSP-01'"),
    ("an empty geometry", lambda t: lambda: nearest(NET, with_geometry(CELLS, 2, Point()), MSP),
     InputError, r"`origins` has 1 row\(s\) with a missing or empty geometry"),
    ("an invalid polygon (bow tie)", lambda t: lambda: assign_to_communes(CELLS, with_geometry(S.communes, 0, Polygon([(590e3, 6.39e6), (591e3, 6.391e6), (591e3, 6.39e6), (590e3, 6.391e6)]))),
     InputError, r"`communes` has 1 invalid geometr"),
    ("points as roads", lambda t: lambda: RoadNetwork.from_roads(S.roads.assign(geometry=S.roads.geometry.centroid)),
     InputError, r"LineString"),
    ("polygons as roads", lambda t: lambda: RoadNetwork.from_roads(S.roads.assign(geometry=S.roads.geometry.buffer(5))),
     InputError, r"LineString"),
    ("point cells with area allocation", lambda t: lambda: assign_to_communes(CELLS.assign(geometry=CELLS.centroid), S.communes),
     InputError, r"point|squares"),
    # --- INSEE codes ------------------------------------------------------------------
    ("a 3-digit code", lambda t: lambda: normalise_insee(pd.Series(["460"]), name="members['insee']"),
     InputError, r"`members\['insee'\]` holds 1 value\(s\) that are not INSEE commune codes.*'460'"),
    ("letters in a code", lambda t: lambda: normalise_insee(pd.Series(["ABCDE"]), name="c"),
     InputError, r"'ABCDE'"),
    ("a code of before 1976 in Corsica", lambda t: lambda: normalise_insee(pd.Series(["20004"]), name="c"),
     InputError, r"Corsican code\(s\) of before 1976.*'20004'"),
    ("a Pacific code", lambda t: lambda: territory_of_insee(pd.Series(["98714"])),
     InputError, r"98714"),
    ("a member code absent from the communes", lambda t: lambda: cpts_territories(S.communes, with_value(S.cpts_members, "insee", "46042")),
     InputError, r"46042"),
    ("a missing code", lambda t: lambda: normalise_insee(pd.Series([None, "46042"]), name="c"),
     InputError, r"\[None\]"),
    # --- files: fake, truncated, empty, wrong kind ---------------------------------
    ("fake .osm.pbf", lambda t: lambda: RoadNetwork.from_osm(write(t, "r.osm.pbf", b"not a pbf")),
     InputError, r"`r.osm.pbf` is not a readable OSM PBF file"),
    ("empty .osm.pbf", lambda t: lambda: RoadNetwork.from_osm(write(t, "e.osm.pbf", b"")),
     InputError, r"`e.osm.pbf`"),
    ("truncated .osm XML", lambda t: lambda: RoadNetwork.from_osm(write(t, "r.osm", "<?xml version='1.0'?><osm><node id='1' lat='1' lon='1'")),
     InputError, r"`r.osm` is not a readable OSM XML file"),
    ("truncated GraphML", lambda t: lambda: RoadNetwork.from_osm(write(t, "g.graphml", "<?xml version='1.0'?><graphml><graph><node id='1'>")),
     InputError, r"`g.graphml` is not a complete GraphML file"),
    ("GraphML without coordinates", lambda t: lambda: RoadNetwork.from_osm(write(t, "n.graphml", _graphml(with_xy=False))),
     InputError, r"`n.graphml` has nodes without `x`/`y`"),
    ("projected GraphML", lambda t: lambda: RoadNetwork.from_osm(write(t, "p.graphml", _graphml(crs="epsg:2154", x=650000.0))),
     InputError, r"`p.graphml` is a projected OSMnx graph"),
    ("unknown road file type", lambda t: lambda: RoadNetwork.from_osm(write(t, "roads.txt", "x")),
     InputError, r"not an OSM file coordogeo reads"),
    ("road file absent", lambda t: lambda: RoadNetwork.from_osm(t / "absent.osm.pbf"),
     InputError, r"no file at"),
    ("fake GeoPackage", lambda t: lambda: read_communes(write(t, "c.gpkg", b"PK\x03\x04 rubbish")),
     InputError, r"`communes` \(.*c.gpkg\) cannot be read as a vector"),
    ("empty GeoJSON", lambda t: lambda: read_communes(write(t, "c.geojson", "")),
     InputError, r"`communes` \(.*c.geojson\) cannot be read"),
    ("truncated GeoJSON", lambda t: lambda: read_structures(write(t, "s.geojson", '{"type": "FeatureCollection", "features": [{"type":')),
     InputError, r"`structures` \(.*s.geojson\) cannot be read"),
    ("a CSV table as communes", lambda t: lambda: read_communes(write(t, "c.csv", "insee,population\n46042,3\n")),
     InputError, r"is a table without geometry"),
    ("a commune layer without code", lambda t: lambda: read_communes(_gpkg(t, S.communes[["nom", "geometry"]])),
     InputError, r"`communes` has no INSEE code column"),
    ("structures table without coordinates", lambda t: lambda: read_structures(write(t, "s.csv", "id,kind\n1,MSP\n"), crs="EPSG:2154"),
     InputError, r"`structures` has no longitude / x column"),
    ("structures table without CRS", lambda t: lambda: read_structures(write(t, "s.csv", "id,kind,x,y\n1,MSP,600000,6390000\n")),
     InputError, r"`crs`|CRS"),
    ("structures table with a CRS pyproj does not know", lambda t: lambda: read_structures(write(t, "s.csv", "id,kind,x,y\n1,MSP,600000,6390000\n"), crs="lambert93"),
     InputError, r"`crs` 'lambert93' is not a CRS pyproj knows"),
    ("structures table with a blank coordinate", lambda t: lambda: read_structures(write(t, "s.csv", "id,kind,x,y\n1,MSP,600000,\n"), crs="EPSG:2154"),
     InputError, r"coordinates"),
    ("fake XLSX member list", lambda t: lambda: read_cpts_members(write(t, "m.xlsx", b"PK\x03\x04 not excel")),
     InputError, r"`members` \(m.xlsx\) is not a readable spreadsheet"),
    ("member list without id", lambda t: lambda: read_cpts_members(write(t, "m.csv", "foo,insee\n1,46042\n")),
     InputError, r"no CPTS id column"),
    ("not a FINESS file", lambda t: lambda: read_finess(write(t, "f.csv", "a;b;c\n1;2;3\n")),
     InputError, r"does not start with the FINESS header"),
    ("empty FINESS file", lambda t: lambda: read_finess(write(t, "f.csv", "")),
     InputError, r"FINESS header"),
    ("FINESS record of 31 fields", lambda t: lambda: read_finess(finess_with(t, lambda ls: [ls[0], ls[1].rsplit(";", 1)[0], *ls[2:]], "f.csv")),
     InputError, r"`structureet` record\(s\) do not have 32 fields, at line\(s\) \[2\]"),
    ("FINESS truncated mid-record", lambda t: lambda: read_finess(finess_with(t, lambda ls: [*ls[:-1], ls[-1][:20]], "f.csv")),
     InputError, r"do not have 6 fields"),
    ("FINESS header alone, in UTF-16", lambda t: lambda: read_finess(write(t, "f.csv", "finess;etalab;98;2026\n".encode("utf-16"))),
     InputError, r"f.csv` has no `structureet` record"),
    ("FINESS unknown category code", lambda t: lambda: read_finess(_kept(write_finess(t / "f.csv")), categories=["6O3"]),
     InputError, r"category|6O3"),
    ("FINESS unknown territory", lambda t: lambda: read_finess(_kept(write_finess(t / "f.csv")), territory="atlantide"),
     InputError, r"`territory`"),
    ("grid without population", lambda t: lambda: read_insee_grid(write(t, "g.csv", f"Idcar_1km,Men\n{ID_1KM},3\n")),
     InputError, r"no population column"),
    ("grid with bad ids", lambda t: lambda: read_insee_grid(write(t, "g.csv", "Idcar_1km,Ind\nCRS3035RES1000mXXX,3\n")),
     InputError, r"do not parse as 'CRS<epsg>RES<m>mN<y>E<x>'"),
    ("grid mixing resolutions", lambda t: lambda: read_insee_grid(write(t, "g.csv", f"Idcar_200m,Ind\n{ID_1KM},3\nCRS3035RES200mN2400000E3650000,1\n")),
     InputError, r"mix resolutions"),
    ("grid mixing territories", lambda t: lambda: read_insee_grid(write(t, "g.csv", f"Idcar_1km,Ind\n{ID_1KM},3\nCRS2975RES1000mN7660000E345000,1\n")),
     InputError, r"several CRS"),
    ("grid population negative", lambda t: lambda: read_insee_grid(write(t, "g.csv", f"Idcar_1km,Ind\n{ID_1KM},-3\n")),
     InputError, r"`ind` is missing or negative"),
    ("grid population as text", lambda t: lambda: read_insee_grid(write(t, "g.csv", f"Idcar_1km,Ind\n{ID_1KM},beaucoup\n")),
     InputError, r"`ind` holds 1 value\(s\) that are not a number.*'beaucoup'"),
    ("grid point table without CRS", lambda t: lambda: read_insee_grid(write(t, "g.csv", "x,y,Ind\n3650500,2400500,3\n"), cell_m=1000),
     InputError, r"`crs=` and `cell_m=`"),
    ("Filosofi file without median", lambda t: lambda: read_filosofi_communes(pd.DataFrame({"CODGEO": ["46042"], "TP6021": ["1"]})),
     InputError, r"one median column `MEDyy`"),
    ("Filosofi text in a number", lambda t: lambda: read_filosofi_communes(pd.DataFrame({"CODGEO": ["46042"], "MED21": ["vingt"]})),
     InputError, r"not a number nor a secrecy mark.*'vingt'"),
    ("results as .shp", lambda t: lambda: write_results(t / "r.shp", a=MSP),
     InputError, r"`path` must end with .gpkg"),
    ("a layer name QGIS would mangle", lambda t: lambda: write_results(t / "r.gpkg", **{"1 couche": MSP}),
     InputError, r"would not read well in QGIS"),
    # --- matrices and ids ---------------------------------------------------------------
    ("fca demand absent from the matrix", lambda t: lambda: fca(MATRIX, DEMAND.rename(index={"b": "zz"}), SUPPLY),
     InputError, r"`demand` has 1 id\(s\) absent from the matrix origins: \['zz'\]"),
    ("fca matrix origins absent from the demand", lambda t: lambda: fca(MATRIX, DEMAND.loc[["a"]], SUPPLY),
     InputError, r"origin\(s\) absent from `demand`: \['b'\]"),
    ("nearest on a matrix, unknown place", lambda t: lambda: nearest(MATRIX, DEMAND.rename(index={"a": "q"}), SUPPLY, max_time_min=30),
     InputError, r"`origins` has 1 id\(s\) absent from the matrix's origins: \['q'\]"),
    ("nearest on a matrix bounded lower", lambda t: lambda: nearest(MATRIX, DEMAND, SUPPLY, max_time_min=45),
     InputError, r"the matrix stops at 30 min"),
    ("opportunities beyond the bound", lambda t: lambda: opportunities_within(MATRIX, max_time_min=60),
     InputError, r"the matrix stops at 30 min"),
    ("suggest more sites than candidates", lambda t: lambda: suggest_sites(MATRIX, DEMAND, [], ["x"], n_sites=3),
     InputError, r"n_sites"),
    ("suggest with no candidate", lambda t: lambda: suggest_sites(MATRIX, DEMAND, [], []),
     InputError, r"`candidates` is empty"),
    ("a network as a matrix", lambda t: lambda: suggest_sites("network", DEMAND, [], ["x"], n_sites=1),
     InputError, r"`network_or_matrix` must be a RoadNetwork or a TravelTimeMatrix"),
    # --- rules, zonage, choices ---------------------------------------------------------
    ("rule on a missing column", lambda t: lambda: classify(TIMES, [Rule("apl", "<", 2.5)]),
     InputError, r"apl"),
    ("rule threshold as text", lambda t: lambda: classify(TIMES, [Rule("travel_time_min", ">", "20")]),
     InputError, r"'20'|text"),
    ("rule comparison unknown", lambda t: lambda: Rule("travel_time_min", "=>", 20),
     InputError, r"comparison|=>"),
    ("zones contiguity unknown", lambda t: lambda: zones(classify(TIMES, [Rule("travel_time_min", ">", 20)]), contiguity="bishop"),
     InputError, r"`contiguity`"),
    ("zonage with an unknown APL column", lambda t: lambda: zonage(S.communes, apl="apl_x"),
     InputError, r"apl_x"),
    ("fca method unknown", lambda t: lambda: fca(MATRIX, DEMAND, SUPPLY, method="4sfca"),
     InputError, r"`method`"),
    ("decay preset unknown", lambda t: lambda: fca(MATRIX, DEMAND, SUPPLY, decay="lineaire"),
     InputError, r"`decay`"),
    ("coverage by an absent column", lambda t: lambda: coverage_rates(S.communes, S.cpts_members, by="region"),
     InputError, r"region"),
    ("map language unknown", lambda t: lambda: access_map(TIMES, MSP, page=Page(lang="de")),
     InputError, r"`lang`"),
    ("map column absent", lambda t: lambda: access_map(TIMES, MSP, column="travel_time_min_XYZ"),
     InputError, r"travel_time_min_XYZ"),
    # --- hostile text that would reach a page --------------------------------------------
    ("a javascript: link", lambda t: lambda: overview_map(MapLayers(structures=MSP), links={"x": "javascript:alert(1)"}),
     InputError, r"only relative paths and http\(s\) addresses"),
    ("a data: link", lambda t: lambda: overview_map(MapLayers(structures=MSP), links={"x": "data:text/html,<script>"}),
     InputError, r"only relative paths"),
    ("a colour that is CSS", lambda t: lambda: add_legend(access_map(TIMES, MSP), "t", [("red;background:url(x)", "a")]),
     ValueError, r"legend colour must look like"),
    # --- third round: files deleted, processes killed, silent or raw answers ------------------
    ("save over a folder of the user's holding network.json", lambda t: lambda: NET.save(_user_folder(t)),
     InputError, r"holds files coordogeo did not write \(\['network.json', 'photos'\]\)"),
    ("save over the user's results file name", lambda t: lambda: write_results(write(t, "resultats.gpkg", b"mine"), a=MSP),
     InputError, r"holds \['resultats.gpkg'\], which coordogeo did not write"),
    ("a saved network with a node past the end", lambda t: lambda: RoadNetwork.load(_tampered(t, "graph_indices", _past_end)),
     InputError, r"an edge to a node outside 0\.\.12965"),
    ("a saved network with negative weights", lambda t: lambda: RoadNetwork.load(_tampered(t, "graph_data", np.negative)),
     InputError, r"26588 edge\(s\) with a negative time"),
    ("a saved network with shuffled weights", lambda t: lambda: RoadNetwork.load(_tampered(t, "graph_data", _shuffled, fix_sum=False)),
     InputError, r"\['graph_data'\] are not the ones saved.*Build the network again"),
    ("OSM class speeds negative and NaN", lambda t: lambda: RoadNetwork.from_osm(write(t, "r.osm", _TINY_OSM), speeds_kmh={"residential": -20, "secondary": np.nan}),
     InputError, r"`speeds_kmh` must give each class a finite speed > 0 km/h; got \{'residential': -20, 'secondary': nan\}"),
    ("OSM class speed 0", lambda t: lambda: RoadNetwork.from_osm(write(t, "r.osm", _TINY_OSM), speeds_kmh={"residential": 0}),
     InputError, r"`speeds_kmh` must give each class a finite speed > 0"),
    ("a 200 m point table read as 1 km cells", lambda t: lambda: read_insee_grid(write(t, "g.csv", _points_200m()), crs="EPSG:3035", cell_m=1000),
     InputError, r"points are 200 m apart along x, but `cell_m` is 1000 m"),
    ("a 200 m point table read as 300 m cells", lambda t: lambda: read_insee_grid(write(t, "g.csv", _points_200m()), crs="EPSG:3035", cell_m=300),
     InputError, r"points are 200 m apart along x, but `cell_m` is 300 m"),
    ("a concentration index of negative times", lambda t: lambda: concentration_index([-5, 10], [1, 1], [1, 2]),
     InputError, r"`values` must be >= 0 for a concentration index; 1 are negative"),
    ("a Palma ratio of negative times", lambda t: lambda: palma_ratio([-1.0] * 10, [1] * 10, list(range(10))),
     InputError, r"`values` must be >= 0 for a Palma ratio"),
    ("a quantile at 150 %", lambda t: lambda: weighted_quantile([1, 2], [1, 1], [1.5]),
     InputError, r"`probs` must be shares between 0 and 1, got \[1\.5\]"),
    ("incomes equal but for rounding", lambda t: lambda: concentration_index([5, 10, 20], [1, 1, 1], [17316.9, 17316.9 + 4e-12, 17316.9 - 4e-12]),
     InputError, r"Every place has the same `rank_by`"),
    ("deciles of one income", lambda t: lambda: by_income(TIMES.assign(niveau_vie_moyen=20_000.0), "travel_time_min", income="niveau_vie_moyen"),
     InputError, r"Every place has the same `income`"),
    ("deciles without any income", lambda t: lambda: by_income(TIMES.assign(niveau_vie_moyen=np.nan), "travel_time_min", income="niveau_vie_moyen"),
     InputError, r"`places\['niveau_vie_moyen'\]` is missing on every row"),
    ("an opening date 'bientôt'", lambda t: lambda: open_by(MSP.assign(date_opened="bientôt"), "2020-01-01"),
     InputError, r"`structures` has opening dates that are not dates on 14 row\(s\), at \['MSP-01'"),
    ("a scheduler address as client", lambda t: lambda: travel_time_matrix(NET, CELLS, MSP, client="tcp://127.0.0.1:8786"),
     InputError, r"`client` must be a dask.distributed Client.*pass distributed.Client\('tcp://127.0.0.1:8786'\)"),
    ("an object as client", lambda t: lambda: travel_time_matrix(NET, CELLS, MSP, client=object()),
     InputError, r"`client` must be a dask.distributed Client \(or None to run here\), got object"),
    ("a closed client", lambda t: lambda: travel_time_matrix(NET, CELLS, MSP, client=_closed_client()),
     InputError, r"`client` is closed: open a new distributed.Client"),
    ("init under a file", lambda t: lambda: init_folder(write(t, "f.txt", "x") / "sub", sample=True),
     ConfigError, r"f.txt is a file; give a folder"),
    ("init where nothing can be created", lambda t: lambda: init_folder(Path("/proc/coordogeo-init"), sample=True),
     ConfigError, r"cannot write the config in '/proc/coordogeo-init'"),
    ("a member list with a header only", lambda t: lambda: read_cpts_members(write(t, "m.csv", "cpts,insee\n")),
     InputError, r"`members` \(.*m.csv\) lists no commune: 0 row\(s\) under its header"),
    ("a matrix whose codes lost their zeros", lambda t: lambda: TravelTimeMatrix.from_table(pd.DataFrame({"origin": ["1001"], "destination": ["01002"], "time_min": [5.0]}), origins=pd.Index(["01001"]), destinations=pd.Index(["01002"])),
     InputError, r"INSEE codes that lost their leading zero \(1001 for 01001\)"),
    ("an empty commune layer", lambda t: lambda: read_communes(_gpkg(t, S.communes[["insee", "geometry"]].iloc[:0])),
     InputError, r"`communes` \(communes.gpkg\) has no commune: its layer is empty"),
    ("outputs into an input file", lambda t: lambda: check_output_folder(write(t, "cpts.csv", "x"), inputs={"inputs.cpts_members": t / "cpts.csv"}),
     OutputError, r"is the file the run reads as inputs.cpts_members.*'.*/resultats'"),
    ("FINESS not UTF-8 nor Windows-1252", lambda t: lambda: read_finess(write(t, "f.csv", b"finess;etalab\n\x81\x8d\n")),
     InputError, r"neither UTF-8 nor Windows-1252 text \(line 2\)"),
    ("a profile with a negative class speed", lambda t: lambda: replace(CAR, speeds_kmh={"residential": -20, "primary": np.nan}),
     InputError, r"profile 'car': speeds must be finite and > 0 km/h.*'residential': -20"),
    ("turn costs below 0", lambda t: lambda: TurnCosts(u_turn_s=-5),
     InputError, r"`TurnCosts` must be finite numbers >= 0"),
    ("an unknown road profile", lambda t: lambda: RoadNetwork.from_osm(write(t, "r.osm", _TINY_OSM), profile="velo"),
     InputError, r"`profile` was 'velo' but is expected to be one of 'car', 'free_flow'"),
    ("APL on communes with a column twice", lambda t: lambda: apl(pd.concat([DEMAND, DEMAND[["population"]]], axis=1), SUPPLY, MATRIX, age_weights={"population": 1.0}),
     InputError, r"`communes` has the column\(s\) \['population'\] more than once"),
    ("structures in a file type coordogeo does not read", lambda t: lambda: read_structures(write(t, "s.dbf", b"x")),
     InputError, r"`structures` \(s.dbf\): coordogeo reads points from a vector file"),
    ("a member list that is a binary file", lambda t: lambda: read_cpts_members(write(t, "m.csv", b"PAR1\x15\x04\x00\x00")),
     InputError, r"`members` \(m.csv\) is a binary file, not a text table"),
    # --- the batch run's config ------------------------------------------------------------
    ("config: unknown key", lambda t: lambda: load_config(the_sample_config(t, ("[outputs]", "[outputs]\ncoleur = 1"))),
     ConfigError, r"unknown key `outputs.coleur`"),
    ("config: capacity column as text", lambda t: lambda: load_config(the_sample_config(t, ("# n_sites = 3", "n_sites = 'trois'"))),
     ConfigError, r"`underserved.n_sites` must be a whole number"),
    ("config: path to nothing", lambda t: lambda: load_config(the_sample_config(t, ("donnees/cpts.csv", "donnees/rien.csv"))),
     ConfigError, r"`inputs.cpts_members`: no file at .*rien.csv"),
    ("config: roads and matrix", lambda t: lambda: load_config(the_sample_config(t, ('# matrix = "distancier.csv"', 'matrix = "donnees/cpts.csv"'))),
     ConfigError, r"give `inputs.roads` or `inputs.matrix`, not both"),
    ("config: apl without weights", lambda t: lambda: load_config(the_sample_config(t, ("age_weights =", "# age_weights ="))),
     ConfigError, r"needs `index.age_weights`"),
    ("config: not TOML", lambda t: lambda: load_config(write(t, "c.toml", "[inputs\n")),
     ConfigError, r"not valid TOML"),
]  # fmt: skip


_TINY_OSM = (
    "<?xml version='1.0'?><osm version='0.6'>"
    "<node id='1' version='1' lat='44.45' lon='1.44'/>"
    "<node id='2' version='1' lat='44.45' lon='1.45'/>"
    "<way id='1' version='1'><nd ref='1'/><nd ref='2'/>"
    "<tag k='highway' v='residential'/></way></osm>"
)


def _user_folder(tmp: Path) -> Path:
    """Make a user's folder holding a GeoJSON named network.json and photos."""
    folder = tmp / "mes_donnees"
    (folder / "photos").mkdir(parents=True)
    (folder / "photos" / "p.jpg").write_bytes(b"jpeg")
    (folder / "network.json").write_text('{"type": "FeatureCollection"}')
    return _kept(folder)


def _tampered(
    tmp: Path, name: str, change: Callable[[np.ndarray], np.ndarray], *, fix_sum=True
) -> Path:
    """Save the network with one array changed (and its recorded sum redone)."""
    folder = NET.save(tmp / "reseau")
    array = change(np.load(folder / f"{name}.npy").copy())
    np.save(folder / f"{name}.npy", array)
    if fix_sum:
        meta = json.loads((folder / "network.json").read_text())
        meta["sha256"][name] = hashlib.sha256(array.data).hexdigest()
        (folder / "network.json").write_text(json.dumps(meta))
    return _kept(folder)


def _past_end(array: np.ndarray) -> np.ndarray:
    array[7] = 10**8
    return array


def _shuffled(array: np.ndarray) -> np.ndarray:
    return np.random.default_rng(0).permutation(array)


def _points_200m() -> str:
    """Write a 10 x 10 point table of 200 m cell centres (EPSG:3035)."""
    xy = np.arange(10) * 200 + 100
    rows = [f"{3650000 + x},{2400000 + y},1" for x in xy for y in xy]
    return "x,y,Ind\n" + "\n".join(rows) + "\n"


def _closed_client() -> Any:
    distributed = pytest.importorskip("distributed")
    client = distributed.Client(
        processes=False, n_workers=1, threads_per_worker=1, dashboard_address=None
    )
    client.close()
    return client


def _gpkg(tmp: Path, frame: gpd.GeoDataFrame) -> Path:
    path = tmp / "communes.gpkg"
    frame.to_file(path, engine="pyogrio")
    return _kept(path)


def _graphml(*, with_xy: bool = True, crs: str = "epsg:4326", x: float = 2.15) -> str:
    """Write a two-node OSMnx-like GraphML file."""
    keys = (
        '<key id="crs" for="graph" attr.name="crs" attr.type="string"/>'
        '<key id="x" for="node" attr.name="x" attr.type="double"/>'
        '<key id="y" for="node" attr.name="y" attr.type="double"/>'
        '<key id="hw" for="edge" attr.name="highway" attr.type="string"/>'
    )
    data = (
        (lambda v: f'<data key="x">{v}</data><data key="y">48.94</data>')
        if with_xy
        else (lambda v: "")
    )
    return (
        '<?xml version="1.0"?><graphml xmlns="http://graphml.graphdrawing.org/xmlns">'
        f'{keys}<graph edgedefault="directed"><data key="crs">{crs}</data>'
        f'<node id="1">{data(x)}</node><node id="2">{data(x + 0.01)}</node>'
        '<edge source="1" target="2"><data key="hw">residential</data></edge>'
        "</graph></graphml>"
    )


def test_the_gallery_is_large_and_unique():
    ids = [case[0] for case in CASES]
    assert len(ids) >= 100 and len(set(ids)) == len(ids)


@pytest.mark.parametrize(("make", "error", "match"), [c[1:] for c in CASES],
                         ids=[c[0] for c in CASES])  # fmt: skip
def test_hostile_input_gets_a_named_error(tmp_path, make, error, match):
    _INPUTS.clear()
    call = make(tmp_path)
    with pytest.raises(error, match=match) as raised:
        call()
    assert raised.type.__module__.startswith(("coordogeo", "builtins")), raised.type
    changed = [
        str(path)
        for path, digest in _INPUTS.items()
        if not path.is_file() or hashlib.sha256(path.read_bytes()).hexdigest() != digest
    ]
    assert changed == []  # no input file was changed or removed
