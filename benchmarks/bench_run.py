"""The whole ``coordogeo run`` on a region-size territory: wall time and peak memory.

Writes once (seed 0, in ``--folder``) a region in the sample's file layout
(``coordogeo init --sample``'s config, its files replaced): the generated grid of
``_common.py`` as ``routes.gpkg`` (``--side 1730`` ≈ 3 M road nodes, 4.5 M lines),
about 1,500 Voronoi communes, ``--origins`` inhabited 200 m cells in
``carreaux.csv`` (INSEE layout, age bands, incomes), ``--destinations`` structures
(MSP, CDS, ESP with FTE and opening dates), 30 CPTS, the communes' bourgs as
candidate sites, and the sample's five scenarios retargeted to these ids (one of
them ``suggest = 3``), with ``parameters.n_jobs = -1`` (every core, as
``docs/scale.md`` advises for a region). Then runs ``coordogeo run config.toml``
in a child process, twice: the first builds the road network and caches it, the
second reads it from the cache (``--runs 1``: the first only). Prints each run's
wall time and peak RSS (``ru_maxrss`` of the child); the report's own table of step
times (``rapport.md``, "Durée des étapes") splits it.

Run: ``python benchmarks/bench_run.py`` (a few minutes; ``--side 550 --origins
60000 --destinations 150`` for a département).
"""

from __future__ import annotations

import os
import re
import shutil
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
from _common import ORIGIN, grid_roads, in_child, parse_args

import geopandas as gpd
import shapely

from coordogeo.datasets import PLACEHOLDER_AGE_WEIGHTS
from coordogeo.pipeline.init import init_folder

KINDS = ("MSP", "CDS", "ESP")


def write_region(folder: Path, side: int, n_cells: int, n_sites: int) -> Path:
    """Write the config and the region's files; return the config's path."""
    config = init_folder(folder, sample=True)
    data = folder / "donnees"
    rng = np.random.default_rng(0)
    extent = (side - 1) * 100.0
    roads = grid_roads(side, rng).assign(highway="local")
    roads.to_file(data / "routes.gpkg", driver="GPKG", engine="pyogrio", use_arrow=True)
    del roads
    # communes: Voronoi cells of seeds, about 20 km² each
    n_communes = max(50, int(extent**2 / 20e6))
    seeds = rng.uniform(0, extent, (n_communes, 2)) + ORIGIN
    box = shapely.box(*ORIGIN, *(ORIGIN + extent))
    cells = shapely.get_parts(shapely.voronoi_polygons(shapely.multipoints(seeds)))
    polygons = shapely.intersection(cells, box)
    polygons = polygons[~shapely.is_empty(polygons)]
    insee = [f"{k + 1:05d}" for k in range(len(polygons))]
    # inhabited 200 m cells, clustered around a tenth of the seeds (bourgs)
    centre = seeds[rng.choice(len(seeds), n_cells * 2)]
    xy = centre + rng.normal(0, 1500, (len(centre), 2))
    corner = np.floor((xy - ORIGIN) / 200.0)
    inside = ((corner >= 0) & (corner < extent / 200.0)).all(axis=1)
    corner = np.unique(corner[inside], axis=0)
    corner = corner[rng.permutation(len(corner))[:n_cells]] * 200.0 + ORIGIN
    people = rng.lognormal(2.6, 1.0, len(corner)) + 1.0
    bands = list(PLACEHOLDER_AGE_WEIGHTS)
    shares = rng.dirichlet(np.ones(len(bands)), len(corner))
    men = people / rng.uniform(1.8, 2.6, len(corner))
    grid = pd.DataFrame(
        {
            "Idcar_200m": [f"CRS2154RES200mN{int(y)}E{int(x)}" for x, y in corner],
            "Ind": people,
            **{b.capitalize(): shares[:, k] * people for k, b in enumerate(bands)},
            "Ind_snv": people * rng.lognormal(np.log(21_000), 0.25, len(corner)),
            "Men": men,
            "Men_pauv": men * rng.uniform(0.0, 0.3, len(corner)),
        }
    )
    grid.to_csv(data / "carreaux.csv", index=False)
    centres = shapely.points(corner + 100.0)
    tree = shapely.STRtree(polygons)
    at, where = tree.query(centres, predicate="within")
    population = np.bincount(where, weights=people[at], minlength=len(polygons))
    communes = gpd.GeoDataFrame(
        {"insee": insee, "nom": [f"Commune {c}" for c in insee],
         "population": np.round(population).astype(int)},
        geometry=polygons, crs=2154,
    )  # fmt: skip
    communes.to_file(data / "communes.gpkg", driver="GPKG", engine="pyogrio")
    # structures near inhabited cells; FTE; opening dates 2005-2024
    pick = rng.choice(len(corner), n_sites, replace=False)
    kind = rng.choice(KINDS, n_sites, p=[0.6, 0.2, 0.2])
    number = pd.Series(kind).groupby(kind).cumcount().to_numpy() + 1
    ids = [f"{k}-{n:03d}" for k, n in zip(kind, number, strict=True)]
    opened = pd.to_datetime("2005-01-01") + pd.to_timedelta(
        rng.integers(0, 20 * 365, n_sites), unit="D"
    )
    pd.DataFrame(
        {
            "id": ids,
            "kind": kind,
            "name": [f"Structure {i}" for i in ids],
            "capacity": np.round(rng.uniform(1, 8, n_sites), 1),
            "date_opened": opened.strftime("%Y-%m-%d"),
            "x": corner[pick, 0] + 100.0,
            "y": corner[pick, 1] + 100.0,
        }
    ).to_csv(data / "structures.csv", index=False)
    members = pd.DataFrame({"insee": insee})
    members["cpts_id"] = [f"CPTS-{1 + k % 30}" for k in range(len(insee))]
    members["cpts_name"] = "CPTS " + members["cpts_id"]
    members.iloc[: len(insee) * 9 // 10][["cpts_id", "cpts_name", "insee"]].to_csv(
        data / "cpts.csv", index=False
    )
    bourg = shapely.get_coordinates(shapely.point_on_surface(polygons))
    pd.DataFrame(
        {"id": [f"bourg-{c}" for c in insee], "name": communes["nom"],
         "x": bourg[:, 0], "y": bourg[:, 1]}
    ).to_csv(data / "candidats.csv", index=False)  # fmt: skip
    _retarget(config, insee, ids)
    return config


def _retarget(config: Path, insee: list[str], ids: list[str]) -> None:
    """Point the sample's five scenarios at communes and structures of the region."""
    msp = [i for i in ids if i.startswith("MSP")]
    cds = [i for i in ids if i.startswith("CDS")]
    text = config.read_text(encoding="utf-8")
    text = re.sub(r'insee = "00212"', f'insee = "{insee[len(insee) // 3]}"', text)
    text = re.sub(r'insee = "00051"', f'insee = "{insee[len(insee) // 2]}"', text)
    text = text.replace('"CDS-02"', f'"{cds[1]}"').replace('"MSP-14"', f'"{msp[13]}"')
    text = text.replace('"MSP-05"', f'"{msp[4]}"')
    config.write_text(text, encoding="utf-8")


def _every_core(config: Path) -> None:
    """Set ``parameters.n_jobs = -1``, as the docs advise for a region."""
    text = config.read_text(encoding="utf-8")
    config.write_text(text.replace("# n_jobs = 1\n", "n_jobs = -1\n"), encoding="utf-8")


def run_once(config: Path, cache: Path) -> tuple[float, float, int]:
    """Run ``coordogeo run`` in a child; return wall seconds, peak RSS (GB), status."""
    env = {**os.environ, "XDG_CACHE_HOME": str(cache)}
    command = [str(Path(sys.executable).with_name("coordogeo")), "run", str(config)]
    t0 = time.perf_counter()
    _, peak, status = in_child(command, env=env)
    return time.perf_counter() - t0, peak, status


def main() -> None:
    """Write the region once, then run the pipeline twice on it."""
    args = parse_args(__doc__, extra={"--runs": 2})
    folder = Path(f"/tmp/coordogeo-run/{args.side}_{args.origins}_{args.destinations}")
    config = folder / "config.toml"
    if not config.exists():
        t0 = time.perf_counter()
        write_region(folder, args.side, args.origins, args.destinations)
        print(f"region written in {time.perf_counter() - t0:.0f} s to {folder}")
    communes = gpd.read_file(folder / "donnees" / "communes.gpkg", engine="pyogrio")
    with (folder / "donnees" / "carreaux.csv").open() as handle:
        n_cells = sum(1 for _ in handle) - 1
    print(f"side {args.side}: {n_cells:,} inhabited cells (of {args.origins:,} asked: "
          f"the distinct ones), {args.destinations} structures, {len(communes):,} "
          "communes")  # fmt: skip
    _every_core(config)
    cache = folder / "cache"
    shutil.rmtree(cache, ignore_errors=True)  # the first run builds, whatever ran
    # before it
    labels = ("first run (builds the network)", "second run (network cached)")
    for label in labels[: args.runs]:
        seconds, peak, status = run_once(config, cache)
        print(f"  {label:32s} {seconds:6.1f} s  peak {peak:5.2f} GB  exit {status}")


if __name__ == "__main__":
    main()
