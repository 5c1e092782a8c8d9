"""coordogeo's road times against OSRM's car profile and Valhalla's ``auto``.

OSRM (the engine of INSEE's distancier Metric-OSRM and of IGN's route service)
and Valhalla run in a Python ≥ 3.12 of their own (their wheels need it), given by
``--peers``: a venv made once with

    python3.12 -m venv .venv-peers
    .venv-peers/bin/pip install osrm-bindings pyvalhalla

That child extracts and contracts the ``.osm.pbf`` with OSRM's own ``car.lua``
(``osrm-extract`` / ``osrm-contract`` from the wheel, then ``Table`` on the CH
graph) and builds Valhalla's tiles (``valhalla_build_tiles``, then
``Actor.matrix`` with ``auto``). coordogeo builds the same file with each of its
profiles and computes ``travel_time_matrix`` between the same points: road nodes
of the car network (so that no engine adds an approach leg), drawn at random
(``--seed``). Printed: each engine's time, and for every pair two engines both
reach, the ratio of their times (p10 / median / p90, mean minutes, correlation),
and the pairs one reaches and the other does not.

Run: ``python benchmarks/bench_osrm.py`` (the Saint-Barthélemy extract of
``../shared/data``), or ``--pbf FILE`` for another extract; ``--generated`` adds a
generated extract carrying the tags the car profile reads (access, oneway forms,
barriers, signals, maxspeed, surfaces, a ferry, restrictions), written with
pyosmium.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import osmium
import pandas as pd

import geopandas as gpd
import pyproj
import shapely

from coordogeo import RoadNetwork
from coordogeo.access import travel_time_matrix

HERE = Path(__file__).resolve().parent
DEFAULT_PBF = (
    HERE.parent.parent / "shared" / "data" / "roads" / "saint_barthelemy_2015.osm.pbf"
)

#: Run by the peers' Python: OSRM and Valhalla durations between the points.
PEERS = r"""
import json, os, subprocess, sys, time
from pathlib import Path
import numpy as np
pbf, work = Path(sys.argv[1]), Path(sys.argv[2])
lonlat = np.load(work / "points.npy")
n_o = int(sys.argv[3])
out = {}
import osrm
root = Path(osrm.__file__).parent
local = work / "osrm" / "x.osm.pbf"
local.parent.mkdir(exist_ok=True)
local.write_bytes(pbf.read_bytes())
t = time.perf_counter()
car = str(root / "share" / "profiles" / "car.lua")
graph = str(local.with_suffix("").with_suffix(".osrm"))
steps = (("osrm-extract", ["-p", car, str(local)]), ("osrm-contract", [graph]))
for tool, arg in steps:
    subprocess.run([str(root / "bin" / tool), *arg], check=True, capture_output=True)
out["osrm_build_s"] = time.perf_counter() - t
engine = osrm.OSRM(str(local.with_suffix("").with_suffix(".osrm")))
coords = [tuple(map(float, p)) for p in lonlat]
params = osrm.TableParameters(coordinates=coords, sources=list(range(n_o)),
                              destinations=list(range(n_o, len(coords))),
                              annotations=["duration"])
t = time.perf_counter()
result = engine.Table(params)
out["osrm_table_s"] = time.perf_counter() - t
table = np.array([[np.nan if v is None else float(v) for v in row]
                  for row in result["durations"]])
np.save(work / "osrm.npy", table)
try:
    from valhalla import Actor, get_config
    tiles = work / "valhalla"
    tiles.mkdir(exist_ok=True)
    dummy = work / "dummy.tar"
    dummy.touch()
    config = get_config(tile_extract=str(dummy), tile_dir=str(tiles))
    dummy.unlink()
    config["mjolnir"]["tile_extract"] = str(work / "none.tar")
    (work / "valhalla.json").write_text(json.dumps(config))
    t = time.perf_counter()
    import valhalla
    build = Path(valhalla.__file__).parent / "bin" / "valhalla_build_tiles"
    subprocess.run([str(build), "-c",
                    str(work / "valhalla.json"), str(local)], check=True,
                   capture_output=True)
    out["valhalla_build_s"] = time.perf_counter() - t
    actor = Actor(str(work / "valhalla.json"))
    loc = [{"lon": float(x), "lat": float(y)} for x, y in lonlat]
    targets = loc[n_o:]
    table = np.full((n_o, len(targets)), np.nan)
    step = max(1, 2400 // len(targets))  # Valhalla answers 2,500 pairs a call
    t = time.perf_counter()
    for first in range(0, n_o, step):
        answer = json.loads(actor.matrix(json.dumps(
            {"sources": loc[first:min(first + step, n_o)], "targets": targets,
             "costing": "auto"})))
        rows = answer["sources_to_targets"]
        if isinstance(rows, dict):  # newer Valhalla: columns of arrays
            block = np.array(rows["durations"], dtype=float)
            table[first:first + len(block)] = block
        else:
            for i, row in enumerate(rows):
                for j, cell in enumerate(row):
                    if cell.get("time") is not None:
                        table[first + i, j] = float(cell["time"])
    out["valhalla_matrix_s"] = time.perf_counter() - t
    np.save(work / "valhalla.npy", table)
except Exception as err:  # Valhalla is optional: say why it is missing
    out["valhalla_error"] = f"{type(err).__name__}: {err}"[:300]
(work / "peers.json").write_text(json.dumps(out))
"""


def pick_points(net: RoadNetwork, n: int, rng: np.random.Generator) -> np.ndarray:
    """Road nodes of the largest weakly connected piece, drawn without repeats."""
    from scipy.sparse.csgraph import connected_components  # noqa: PLC0415

    _, comp = connected_components(net.graph, directed=True, connection="weak")
    big = np.flatnonzero(comp == np.bincount(comp).argmax())
    return net.node_xy[rng.choice(big, size=min(n, len(big)), replace=False)]


def coordogeo_table(
    net: RoadNetwork, xy: np.ndarray, n_o: int, bound_min: float
) -> tuple[np.ndarray, float]:
    """Seconds between the points (NaN beyond the bound), and the time it took."""
    places = gpd.GeoDataFrame(geometry=shapely.points(xy), crs=net.crs)
    t = time.perf_counter()
    m = travel_time_matrix(
        net, places.iloc[:n_o], places.iloc[n_o:], max_time_min=bound_min
    )
    took = time.perf_counter() - t
    table = np.full((n_o, len(xy) - n_o), np.nan)
    pairs = m.to_table()
    table[pairs["origin"].to_numpy(), pairs["destination"].to_numpy() - n_o] = (
        pairs["time_min"].to_numpy(dtype=np.float64) * 60.0
    )
    return table, took


def compare(name: str, ours: np.ndarray, theirs: np.ndarray) -> dict[str, object]:
    """Ratio of two engines' times on the pairs both reach (same place excluded)."""
    both = np.isfinite(ours) & np.isfinite(theirs) & (theirs > 0) & (ours > 0)
    ratio = ours[both] / theirs[both]
    return {
        "pair": name,
        "pairs": int(both.sum()),
        "p10": float(np.percentile(ratio, 10)) if both.any() else np.nan,
        "median": float(np.median(ratio)) if both.any() else np.nan,
        "p90": float(np.percentile(ratio, 90)) if both.any() else np.nan,
        "corr": float(np.corrcoef(ours[both], theirs[both])[0, 1])
        if both.sum() > 2
        else np.nan,
        "mean_min": f"{ours[both].mean() / 60:.2f} / {theirs[both].mean() / 60:.2f}",
        "only_first": int((np.isfinite(ours) & ~np.isfinite(theirs)).sum()),
        "only_second": int((~np.isfinite(ours) & np.isfinite(theirs)).sum()),
    }


def run(pbf: Path, peers: str, n: int, seed: int, bound_min: float) -> None:
    """Compare the engines on one extract and print the tables."""
    rng = np.random.default_rng(seed)
    nets, build = {}, {}
    for profile in ("car", "free_flow"):
        t = time.perf_counter()
        nets[profile] = RoadNetwork.from_osm(pbf, profile=profile)
        build[profile] = time.perf_counter() - t
    xy = pick_points(nets["car"], 2 * n, rng)
    n_o = len(xy) // 2
    lon, lat = pyproj.Transformer.from_crs(
        nets["car"].crs, 4326, always_xy=True
    ).transform(xy[:, 0], xy[:, 1])
    with tempfile.TemporaryDirectory(prefix="coordogeo-osrm-") as tmp:
        work = Path(tmp)
        np.save(work / "points.npy", np.column_stack([lon, lat]))
        subprocess.run([peers, "-c", PEERS, str(pbf), str(work), str(n_o)], check=True)
        info = json.loads((work / "peers.json").read_text())
        tables = {"OSRM car": np.load(work / "osrm.npy")}
        if (work / "valhalla.npy").exists():
            tables["Valhalla auto"] = np.load(work / "valhalla.npy")
    timing = {}
    for profile, net in nets.items():
        tables[f"coordogeo {profile}"], timing[profile] = coordogeo_table(
            net, xy, n_o, bound_min
        )
        _, timing[f"{profile} unbounded"] = coordogeo_table(net, xy, n_o, 1e6)
    print(f"\n## {pbf.name}: {n_o} x {len(xy) - n_o} road nodes (seed {seed})\n")
    print(
        "build / prepare (s):",
        {k: round(v, 2) for k, v in build.items()},
        {k: round(v, 2) for k, v in info.items() if k.endswith("_s")},
    )
    print(
        f"matrix (s): coordogeo bounded at {bound_min:g} min and unbounded",
        {k: round(v, 3) for k, v in timing.items()},
        {k: round(v, 3) for k, v in info.items() if "table" in k or "matrix" in k},
    )
    if "valhalla_error" in info:
        print("Valhalla not compared:", info["valhalla_error"])
    rows = [
        compare(f"{a} ÷ {b}", tables[a], tables[b])
        for a, b in (
            ("coordogeo car", "OSRM car"),
            ("coordogeo free_flow", "OSRM car"),
            ("OSRM car", "Valhalla auto"),
            ("coordogeo car", "Valhalla auto"),
            ("coordogeo free_flow", "Valhalla auto"),
        )
        if a in tables and b in tables
    ]
    with pd.option_context("display.width", 200, "display.precision", 3):
        print(pd.DataFrame(rows).to_string(index=False))


_CLASSES = [
    "residential",
    "residential",
    "residential",
    "tertiary",
    "secondary",
    "unclassified",
    "service",
    "primary",
    "living_street",
    "track",
]
_EXTRA = [
    {},
    {},
    {},
    {"oneway": "yes"},
    {"oneway": "-1"},
    {"maxspeed": "FR:urban"},
    {"maxspeed": "70"},
    {"maxspeed": "30 mph"},
    {"surface": "gravel"},
    {"access": "destination"},
    {"motor_vehicle": "no"},
    {"motor_vehicle:forward": "no"},
    {"junction": "roundabout"},
    {"oneway:motorcar": "yes"},
    {"smoothness": "bad"},
    {"maxspeed": "50;30"},
]
_NODE_TAGS = [
    {"highway": "traffic_signals"},
    {"barrier": "gate"},
    {"barrier": "bollard"},
    {"highway": "stop"},
    {"barrier": "lift_gate"},
]


def write_tagged_pbf(  # noqa: C901, PLR0912
    path: Path,
    side: int = 40,
    *,
    classes: list[str] = _CLASSES,
    extra: list[dict[str, str]] = _EXTRA,
    node_tags: list[dict[str, str]] = _NODE_TAGS,
    restrictions: bool = True,
) -> None:
    """Write a generated town carrying the tags the car profile reads (.osm.pbf).

    A grid of 100 m blocks near Cahors (seed 0) whose streets draw their tags
    from the forms OSM uses: classes from motorway to service and track, access
    (``motor_vehicle=no``, ``access=destination`` …, ``:forward``), oneway forms,
    ``maxspeed`` (numbers, ``FR:urban``, ``30 mph``), surfaces and track grades;
    barriers, gates and traffic signals on crossings; a few turn restrictions; a
    ferry across a gap.
    """
    rng = np.random.default_rng(0)
    to_lonlat = pyproj.Transformer.from_crs(2154, 4326, always_xy=True)
    i, j = np.indices((side, side)).reshape(2, -1)
    x, y = 575_000.0 + 100.0 * i, 6_370_000.0 + 100.0 * j
    x, y = x + rng.normal(0, 8, x.shape), y + rng.normal(0, 8, y.shape)
    lon, lat = to_lonlat.transform(x, y)
    node = lambda a, b: a * side + b + 1  # noqa: E731
    ways = []
    for a in range(side):
        for b in range(side):
            for da, db in ((1, 0), (0, 1)):
                if a + da < side and b + db < side and rng.uniform() < 0.8:
                    tags = {"highway": classes[rng.integers(len(classes))]}
                    tags |= extra[rng.integers(len(extra))]
                    if tags["highway"] == "track" and rng.uniform() < 0.5:
                        tags["motor_vehicle"] = "yes"
                        tags["tracktype"] = "grade2"
                    ways.append(([node(a, b), node(a + da, b + db)], tags))
    tagged = {}
    for k in rng.choice(side * side, side * 2, replace=False):
        if node_tags:
            tagged[int(k) + 1] = node_tags[rng.integers(len(node_tags))]
    with osmium.SimpleWriter(str(path)) as writer:
        for k, (lo, la) in enumerate(zip(lon.tolist(), lat.tolist(), strict=True)):
            writer.add_node(
                osmium.osm.mutable.Node(
                    id=k + 1, location=(lo, la), tags=tagged.get(k + 1, {})
                )
            )
        for w, (refs, tags) in enumerate(ways):
            writer.add_way(osmium.osm.mutable.Way(id=w + 1, nodes=refs, tags=tags))
        # restrictions at crossings where two ways meet
        by_node: dict[int, list[int]] = {}
        for w, (refs, _) in enumerate(ways):
            for r in refs:
                by_node.setdefault(r, []).append(w + 1)
        rel = 1
        for via, at in by_node.items():
            if restrictions and len(at) >= 3 and rng.uniform() < 0.15:
                kind = ["no_left_turn", "no_straight_on", "only_right_turn"][rel % 3]
                members = [("w", at[0], "from"), ("n", via, "via"), ("w", at[1], "to")]
                writer.add_relation(
                    osmium.osm.mutable.Relation(
                        id=rel,
                        members=members,
                        tags={"type": "restriction", "restriction": kind},
                    )
                )
                rel += 1


def main() -> None:
    """Parse the options and run the comparisons."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--pbf", type=Path, default=DEFAULT_PBF)
    parser.add_argument(
        "--peers", default=str(HERE.parent / ".venv-peers" / "bin" / "python")
    )
    parser.add_argument("--points", type=int, default=160)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--bound-min", type=float, default=120.0)
    parser.add_argument("--generated", action="store_true")
    args = parser.parse_args()
    if not Path(args.peers).exists():
        sys.exit(f"no Python with OSRM at {args.peers}: see this script's docstring.")
    if args.pbf.exists():
        run(args.pbf, args.peers, args.points, args.seed, args.bound_min)
    else:
        print(f"{args.pbf} is absent: the real extract is not compared.")
    if args.generated:
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "generated_town.osm.pbf"
            write_tagged_pbf(path)
            run(path, args.peers, args.points, args.seed, args.bound_min)


if __name__ == "__main__":
    main()
