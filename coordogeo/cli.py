"""The ``coordogeo`` command; ``coordogeo demo`` runs the main job on the sample."""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from coordogeo._version import __version__
from coordogeo.access import nearest, time_summary
from coordogeo.datasets import sample_territory
from coordogeo.errors import CoordogeoError
from coordogeo.maps import access_map
from coordogeo.network import RoadNetwork

__all__ = ["main"]

logger = logging.getLogger(__name__)

DEMO_KINDS = ("MSP", "CDS")


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit status."""
    parser = _parser()
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s"
    )
    try:
        status: int = args.run(args)
    except CoordogeoError as err:
        sys.stderr.write(f"coordogeo: {err}\n")
        return 2
    return status


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="coordogeo",
        description="Access to coordinated primary care in France: coverage, road "
        "travel times, accessibility indices, under-served zones, maps.",
    )
    parser.add_argument(
        "--version", action="version", version=f"coordogeo {__version__}"
    )
    sub = parser.add_subparsers(title="commands", required=True)
    demo = sub.add_parser(
        "demo",
        help="run the main job on the embedded (fictional) sample territory",
        description="Nearest MSP and centre de santé (CDS) by road for every inhabited "
        "1 km cell of the sample territory; prints a summary table and writes "
        "carte_acces.html and resultats.gpkg.",
    )
    demo.add_argument(
        "--out",
        type=Path,
        default=Path("coordogeo-demo"),
        help="output folder (created if needed; default: %(default)s)",
    )
    demo.add_argument("--seed", type=int, default=0, help="sample seed (default: 0)")
    demo.add_argument(
        "--lang",
        choices=("fr", "en"),
        default="fr",
        help="language of the map labels (default: fr)",
    )
    demo.set_defaults(run=_demo)
    return parser


def _demo(args: argparse.Namespace) -> int:
    """Nearest MSP / CDS for every populated cell, a summary, a map and a GeoPackage."""
    sample = sample_territory(seed=args.seed)
    network = RoadNetwork.from_roads(sample.roads)
    sites = sample.structures[sample.structures["kind"].isin(DEMO_KINDS)]
    result = nearest(network, sample.population, sites, by="kind", max_time_min=60)
    summary = time_summary(result)
    out: Path = args.out
    out.mkdir(parents=True, exist_ok=True)
    html_path = out / "carte_acces.html"
    access_map(result, sites, column="travel_time_min_MSP", lang=args.lang).save(
        html_path
    )
    gpkg_path = out / "resultats.gpkg"
    if gpkg_path.exists():
        gpkg_path.unlink()  # a fresh file, never layers left from an older run
    result.to_file(gpkg_path, layer="acces_carreaux", driver="GPKG", engine="pyogrio")
    sample.structures.to_file(
        gpkg_path, layer="structures", driver="GPKG", engine="pyogrio"
    )
    sample.communes.drop(columns=["bourg_x", "bourg_y", "rank"]).to_file(
        gpkg_path, layer="communes", driver="GPKG", engine="pyogrio"
    )
    sys.stdout.write(_report(sample.population["population"].sum(), network, summary))
    sys.stdout.write(f"\nCarte : {html_path}\nRésultats (GeoPackage) : {gpkg_path}\n")
    return 0


def _report(total: float, network: RoadNetwork, summary: pd.DataFrame) -> str:
    """Format the demo's summary table, in French."""
    table = pd.DataFrame(
        {
            "population": summary["population"].round(0).astype(int),
            "> 10 min": summary["share_beyond_10_min"].map("{:.1%}".format),
            "> 20 min": summary["share_beyond_20_min"].map("{:.1%}".format),
            "> 30 min": summary["share_beyond_30_min"].map("{:.1%}".format),
            "non accessible": summary["population_unreachable"].round(0).astype(int),
        }
    )
    table.index = [c.replace("travel_time_min_", "") for c in table.index]
    lines = [
        "Territoire d'exemple (fictif) : Val-d'Ombre",
        (
            f"Population : {_int(total)} habitants ; réseau routier : "
            f"{_int(network.n_nodes)} nœuds, {_int(network.n_edges)} arcs orientés"
        ),
        "",
        "Temps de trajet par la route jusqu'à la structure la plus proche",
        (
            "(part de la population au-delà de chaque seuil ; « non accessible » : "
            "hors réseau routier ou au-delà de 60 min)"
        ),
        "",
        table.to_string(),
        "",
    ]
    return "\n".join(lines)


def _int(value: float) -> str:
    """Format a whole number with French (narrow no-break space) separators."""
    return f"{value:,.0f}".replace(",", "\u202f")


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
