"""RoadNetwork.from_osm on a region-size .osm.pbf, node locations in memory or on disk.

Writes once (with pyosmium, in ``--folder``) the generated grid of ``_common.py``
(seed 0; ``--side 1730`` ≈ 3 M nodes, a region) as an ``.osm.pbf``: one node per
crossing, in lon/lat, one way per street with ``highway`` (30 / 50 / 90 km/h:
residential / tertiary / primary), ``maxspeed`` and ``oneway=yes``. Then, each in a
process of its own with its peak memory (``ru_maxrss``):

- ``osm_roads`` (libosmium reads the file, joins node locations to the ways,
  coordogeo keeps the car roads), with ``node_locations="memory"`` and ``"disk"``;
- ``RoadNetwork.from_osm`` with each, and the same network's ``from_roads`` on the
  lines ``osm_roads`` gives (the build's share).

Run: ``python benchmarks/bench_osm.py`` (a few minutes the first time, most of it
writing the file; ``--side 550`` for a département).
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import numpy as np
import osmium
from _common import ORIGIN, grid_roads, parse_args, step_in_child

import pyproj
import shapely

from coordogeo import RoadNetwork
from coordogeo.network.osm import osm_roads

CLASS_OF = {30.0: "residential", 50.0: "tertiary", 90.0: "primary"}


def write_pbf(path: Path, side: int) -> None:
    """Write the generated grid as an OSM PBF file (node ids 1.., way ids 1..)."""
    roads = grid_roads(side, np.random.default_rng(0))
    ends = shapely.get_coordinates(roads.geometry.to_numpy()).reshape(-1, 2, 2)
    cell = np.rint((ends - ORIGIN) / 100.0).astype(np.int64)
    node_id = cell[..., 0] * side + cell[..., 1] + 1
    used, first = np.unique(node_id.ravel(), return_index=True)
    xy = ends.reshape(-1, 2)[first]
    lon, lat = pyproj.Transformer.from_crs(2154, 4326, always_xy=True).transform(
        xy[:, 0], xy[:, 1]
    )
    speed, oneway = roads["speed_kmh"].to_numpy(), roads["oneway"].to_numpy()
    # pyosmium writes one object per call: this loop is its writer's own API
    with osmium.SimpleWriter(str(path)) as writer:
        for k, x, y in zip(used.tolist(), lon.tolist(), lat.tolist(), strict=True):
            writer.add_node(osmium.osm.mutable.Node(id=k, location=(x, y)))
        for k in range(len(roads)):
            tags = {"highway": CLASS_OF[speed[k]], "maxspeed": f"{speed[k]:g}"}
            if oneway[k]:
                tags["oneway"] = "yes"
            writer.add_way(
                osmium.osm.mutable.Way(id=k + 1, nodes=node_id[k].tolist(), tags=tags)
            )


def step(name: str, path: Path) -> dict[str, float]:
    """Run one step in this process; return its figures."""
    t0 = time.perf_counter()
    if name.startswith("osm_roads"):
        roads = osm_roads(path, node_locations=name.split(":")[1])  # type: ignore[arg-type]
        return {"seconds": time.perf_counter() - t0, "roads": len(roads)}
    if name.startswith("from_osm"):
        net = RoadNetwork.from_osm(path, node_locations=name.split(":")[1])  # type: ignore[arg-type]
        return {"seconds": time.perf_counter() - t0, "nodes": net.n_nodes}
    roads = osm_roads(path)
    t0 = time.perf_counter()
    net = RoadNetwork.from_roads(roads)
    return {"seconds": time.perf_counter() - t0, "nodes": net.n_nodes}


def run_step(name: str, path: Path) -> tuple[dict[str, float], float]:
    """Run a step in a child process; return its figures and peak RSS (GB)."""
    return step_in_child(__file__, name, "--path", str(path))


def main() -> None:
    """Write the file once, then time each step in its own process."""
    if "--step" in sys.argv:
        name, path = sys.argv[sys.argv.index("--step") + 1], Path(sys.argv[-1])
        print(json.dumps(step(name, path)))
        return
    args = parse_args(__doc__)
    folder = Path("/tmp/coordogeo-osm")
    folder.mkdir(exist_ok=True)
    path = folder / f"grid_{args.side}.osm.pbf"
    if not path.exists():
        t0 = time.perf_counter()
        write_pbf(path, args.side)
        print(f"written in {time.perf_counter() - t0:.0f} s: {path}")
    print(f"side {args.side}: {path.stat().st_size / 1e6:.0f} MB of PBF")
    for name in ("osm_roads:memory", "osm_roads:disk", "from_osm:memory",
                 "from_osm:disk", "from_roads"):  # fmt: skip
        got, rss = run_step(name, path)
        what = (
            f"{got['roads']:,.0f} roads"
            if "roads" in got
            else f"{got['nodes']:,.0f} nodes"
        )
        print(f"  {name:18s} {got['seconds']:7.1f} s  peak {rss:5.2f} GB  ({what})")


if __name__ == "__main__":
    main()
