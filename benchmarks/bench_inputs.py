"""National-size inputs: a Filosofi 200 m file read and its cells given to communes.

Writes once (seed 0, in ``--folder``) a CSV shaped like INSEE's national Filosofi
200 m file: ``--cells`` inhabited cells (2.3 M by default, as in metropolitan
France) with ``CRS3035RES200m…`` ids, the 28 summable counts, ``I_est_200`` and
``lcog_geo``, clustered in towns over metropolitan France's extent; and about 35,000
communes (Voronoi cells of seeds, denser where people live, their boundaries cut
every 100 m as real ones are). Then times each step in a process of its own and
prints its peak memory (``ru_maxrss``):

- ``pandas.read_csv`` of the file, the floor: parsing alone;
- ``io.read_insee_grid`` (ids parsed, squares built, counts checked, Lambert-93);
- ``coverage.assign_to_communes`` by area share and by centroid, and
  ``coverage.commune_of``, on the grid read back from GeoParquet;
- on a random subset (``--subset`` cells), ``assign_to_communes(how="area")``
  against the geopandas way (``gpd.overlay(..., how="intersection")``, areas, a
  ``groupby``) on the same cells in the same process, as a ratio.

Run: ``python benchmarks/bench_inputs.py`` (about 5 minutes on 2 cores the first
time, most of it writing the 380 MB CSV; ``--cells 300000`` for a région).
"""

from __future__ import annotations

import argparse
import json
import os
import time
from pathlib import Path

import numpy as np
import pandas as pd
from _common import step_in_child

import geopandas as gpd
import pyproj
import shapely

from coordogeo.coverage import assign_to_communes, commune_of
from coordogeo.io import read_insee_grid

COUNTS = (
    "Men", "Men_pauv", "Men_1ind", "Men_5ind", "Men_prop", "Men_fmp", "Ind_snv",
    "Men_surf", "Men_coll", "Men_mais", "Log_av45", "Log_45_70", "Log_70_90",
    "Log_ap90", "Log_inc", "Log_soc",
)  # fmt: skip
AGES = (
    "Ind_0_3", "Ind_4_5", "Ind_6_10", "Ind_11_17", "Ind_18_24", "Ind_25_39",
    "Ind_40_54", "Ind_55_64", "Ind_65_79", "Ind_80p", "Ind_inc",
)  # fmt: skip
#: Metropolitan France's extent in EPSG:3035 (south-west corner, metres).
EXTENT = (3_210_000.0, 2_040_000.0, 4_270_000.0, 3_120_000.0)


def write_inputs(folder: Path, n_cells: int, n_communes: int) -> None:
    """Write ``grid.csv`` and ``communes.parquet`` in ``folder``, seeded."""
    rng = np.random.default_rng(0)
    x0, y0, x1, y1 = EXTENT
    towns = np.column_stack([rng.uniform(x0, x1, 4000), rng.uniform(y0, y1, 4000)])
    weight = rng.lognormal(0, 1.3, len(towns))
    drawn = 2 * n_cells
    town = rng.choice(len(towns), drawn, p=weight / weight.sum())
    spread = 1500.0 * np.sqrt(weight[town] / weight.mean())[:, None]
    clustered = towns[town] + rng.normal(0, 1, (drawn, 2)) * spread
    scattered = np.column_stack(
        [rng.uniform(x0, x1, drawn), rng.uniform(y0, y1, drawn)]
    )
    xy = np.where(rng.uniform(size=(drawn, 1)) < 0.7, clustered, scattered)
    cell = np.floor(xy / 200.0).astype(np.int64)
    inside = (cell[:, 0] >= x0 / 200) & (cell[:, 0] < x1 / 200)
    inside &= (cell[:, 1] >= y0 / 200) & (cell[:, 1] < y1 / 200)
    key = np.unique(cell[inside, 0] * 100_000 + cell[inside, 1], return_index=True)[1]
    cell = cell[inside][np.sort(key)][:n_cells] * 200
    n = len(cell)
    east, north = cell[:, 0], cell[:, 1]
    ind = np.round(rng.lognormal(2.6, 1.2, n), 1) + 1.0
    table = pd.DataFrame(
        {
            "Idcar_200m": _ids(north, east, 200),
            "I_est_200": (ind < 25).astype(int),
            "Idcar_1km": _ids(north, east, 1000),
            "I_est_1km": 0,
            "Idcar_nat": _ids(north, east, 32000),
            "Ind": ind,
        }
    )
    men = np.round(ind / rng.uniform(1.8, 2.6, n), 1)
    for column in COUNTS:
        share = {"Men": 1.0, "Ind_snv": 22_000.0, "Men_surf": 90.0}.get(column)
        base = ind if column == "Ind_snv" else men
        table[column] = np.round(
            base * (share if share else rng.uniform(0.0, 0.4, n)), 1
        )
    ages = rng.dirichlet(np.ones(len(AGES)), n) * ind[:, None]
    for k, column in enumerate(AGES):
        table[column] = np.round(ages[:, k], 1)
    table["lcog_geo"] = (rng.integers(1000, 95000, n)).astype(str)
    table.to_csv(folder / "grid.csv", index=False)
    # communes: Voronoi cells of seeds, half where people live, in Lambert-93
    to_l93 = pyproj.Transformer.from_crs(3035, 2154, always_xy=True)
    half = n_communes // 2
    seeds = np.vstack(
        [
            cell[rng.choice(n, half, replace=False)] + 100.0,
            np.column_stack([rng.uniform(x0, x1, half), rng.uniform(y0, y1, half)]),
        ]
    )  # fmt: skip
    sx, sy = to_l93.transform(seeds[:, 0], seeds[:, 1])
    corners = to_l93.transform([x0, x1, x1, x0], [y0, y0, y1, y1])
    frame = shapely.segmentize(shapely.Polygon(np.column_stack(corners)), 1000.0)
    frame = shapely.buffer(frame, 2000.0)
    cells_of = shapely.voronoi_polygons(shapely.multipoints(np.column_stack([sx, sy])),
                                        extend_to=frame)  # fmt: skip
    polygons = shapely.intersection(shapely.get_parts(cells_of), frame)
    polygons = shapely.segmentize(polygons[~shapely.is_empty(polygons)], 100.0)
    communes = gpd.GeoDataFrame(
        {"insee": [f"{k:05d}" for k in range(len(polygons))]},
        geometry=polygons,
        crs=2154,
    )
    communes.to_parquet(folder / "communes.parquet")


def _ids(north: np.ndarray, east: np.ndarray, size: int) -> pd.Series:
    """INSEE ids of the cells of side ``size`` holding these south-west corners."""
    corner_n = pd.Series(north // size * size).astype(str)
    corner_e = pd.Series(east // size * size).astype(str)
    return f"CRS3035RES{size}mN" + corner_n + "E" + corner_e


def step(name: str, folder: Path, subset: int) -> dict[str, float]:
    """Run one step in this process; return its seconds."""
    t0 = time.perf_counter()
    if name == "read_csv":
        pd.read_csv(folder / "grid.csv", low_memory=False)
        return {"seconds": time.perf_counter() - t0}
    if name == "read_insee_grid":
        grid = read_insee_grid(folder / "grid.csv")
        seconds = time.perf_counter() - t0
        grid.to_parquet(folder / "grid.parquet")
        return {"seconds": seconds, "rows": len(grid), "people": grid.population.sum()}
    grid = gpd.read_parquet(folder / "grid.parquet")
    communes = gpd.read_parquet(folder / "communes.parquet")
    before = _rss_gb()
    t0 = time.perf_counter()
    if name == "area":
        out = assign_to_communes(grid, communes, how="area")
        people = float(out["population"].sum())
    elif name == "centroid":
        out = assign_to_communes(grid, communes, how="centroid")
        people = float(out["population"].sum())
    elif name == "commune_of":
        people = float(grid["population"][commune_of(grid, communes).notna()].sum())
    else:  # "overlay": the geopandas way, on a subset, against ours
        some = grid.iloc[np.sort(np.random.default_rng(1).choice(len(grid), subset))]
        some = some[~some.index.duplicated()]
        t0 = time.perf_counter()
        ours = assign_to_communes(some, communes, how="area")["population"]
        t_ours = time.perf_counter() - t0
        t0 = time.perf_counter()
        theirs = _overlay_way(some, communes)
        t_theirs = time.perf_counter() - t0
        gap = float((ours - theirs.reindex(ours.index, fill_value=0)).abs().max())
        return {"ours": t_ours, "theirs": t_theirs, "max_gap": gap, "rows": len(some)}
    return {"seconds": time.perf_counter() - t0, "rss_before_gb": before,
            "people": people, "total": float(grid["population"].sum())}  # fmt: skip


def _overlay_way(cells: gpd.GeoDataFrame, communes: gpd.GeoDataFrame) -> pd.Series:
    """Area-weighted allocation as a geopandas script does it."""
    cells = cells[["population", "geometry"]].reset_index(drop=True)
    cells["cell"] = np.arange(len(cells))
    pieces = gpd.overlay(cells, communes[["insee", "geometry"]], how="intersection")
    pieces["area"] = pieces.geometry.area
    inside = pieces.groupby("cell")["area"].transform("sum")
    pieces["share"] = pieces["population"] * pieces["area"] / inside
    by_insee = pieces.groupby("insee")["share"].sum()
    out = pd.Series(by_insee.reindex(communes["insee"], fill_value=0.0).to_numpy(),
                    index=communes.index)  # fmt: skip
    return out


def _rss_gb() -> float:
    """Resident memory of this process now, GB."""
    with open("/proc/self/statm") as handle:
        pages = int(handle.read().split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE") / 1e9


def run_step(name: str, args: argparse.Namespace) -> tuple[dict[str, float], float]:
    """Run a step in a child process; return its result and peak RSS (GB)."""
    return step_in_child(__file__, name, "--folder", str(args.folder),
                         "--subset", str(args.subset))  # fmt: skip


def main() -> None:
    """Write the inputs once, then time each step in its own process."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--cells", type=int, default=2_300_000)
    parser.add_argument("--communes", type=int, default=35_000)
    parser.add_argument("--subset", type=int, default=100_000)
    parser.add_argument("--folder", type=Path, default=Path("/tmp/coordogeo-inputs"))
    parser.add_argument("--step", default=None)
    args = parser.parse_args()
    if args.step:
        print(json.dumps(step(args.step, args.folder, args.subset)))
        return
    args.folder = args.folder / f"{args.cells}_{args.communes}"
    args.folder.mkdir(parents=True, exist_ok=True)
    if not (args.folder / "communes.parquet").exists():
        t0 = time.perf_counter()
        write_inputs(args.folder, args.cells, args.communes)
        print(f"inputs written in {time.perf_counter() - t0:.0f} s to {args.folder}")
    size = (args.folder / "grid.csv").stat().st_size / 1e6
    print(f"{args.cells:,} cells ({size:,.0f} MB of CSV), {args.communes:,} communes")
    floor, floor_rss = run_step("read_csv", args)
    print(f"  pandas.read_csv      {floor['seconds']:6.1f} s  peak {floor_rss:5.2f} GB")
    grid, rss = run_step("read_insee_grid", args)
    print(f"  read_insee_grid      {grid['seconds']:6.1f} s  peak {rss:5.2f} GB"
          f"  = {grid['seconds'] / floor['seconds']:.2f} x read_csv; "
          f"{grid['rows']:,} cells, {grid['people']:,.0f} people")  # fmt: skip
    for name in ("area", "centroid", "commune_of"):
        got, rss = run_step(name, args)
        print(f"  {name:20s} {got['seconds']:6.1f} s  peak {rss:5.2f} GB "
              f"({got['rss_before_gb']:.2f} GB with the inputs loaded); "
              f"{got['people']:,.1f} of {got['total']:,.1f} people placed")  # fmt: skip
    got, _ = run_step("overlay", args)
    print(f"  on {got['rows']:,} cells: assign_to_communes(how='area') "
          f"{got['ours']:.1f} s, gpd.overlay + groupby {got['theirs']:.1f} s "
          f"= {got['theirs'] / got['ours']:.1f} x; largest gap "
          f"{got['max_gap']:.2e} people")  # fmt: skip


if __name__ == "__main__":
    main()
