"""The ``coordogeo`` command; ``coordogeo demo`` runs the main job on the sample."""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import NamedTuple

import pandas as pd

import geopandas as gpd

from coordogeo._version import __version__
from coordogeo.access import apl, fca, nearest, time_summary, travel_time_matrix
from coordogeo.access.apl import DEFAULT_CATEGORIES
from coordogeo.coverage import (
    coverage_rates,
    cpts_territories,
    overlaps_and_gaps,
    within_reach,
)
from coordogeo.datasets import (
    CONSULTATIONS_PER_FTE,
    PLACEHOLDER_AGE_WEIGHTS,
    SampleTerritory,
    sample_territory,
)
from coordogeo.errors import CoordogeoError
from coordogeo.io import write_results
from coordogeo.maps import (
    MapLayers,
    access_map,
    coverage_map,
    index_map,
    links_to,
    overview_map,
    underserved_map,
)
from coordogeo.network import RoadNetwork
from coordogeo.runner import load_config
from coordogeo.runner import run as run_config
from coordogeo.underserved import (
    apl_below,
    classify,
    suggest_sites,
    travel_time_above,
    zonage,
    zones,
)

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
        description="CPTS coverage (territories, overlaps, gaps) and the nearest MSP "
        "and centre de santé (CDS) by road for every inhabited 1 km cell of the "
        "sample territory, then an APL-style index and E2SFCA per commune, the "
        "under-served zones and three suggested MSP sites; prints "
        "summary tables and writes carte_couverture.html, carte_acces.html, "
        "carte_apl.html, carte_zones.html and resultats.gpkg.",
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
    run = sub.add_parser(
        "run",
        help="run a TOML config: your communes, population, structures, roads",
        description="Read the inputs named by a TOML config (communes, INSEE grid or "
        "communes, structures, roads from OSM or lines or an external matrix, CPTS "
        "members), compute travel times, the FCA index, CPTS coverage, under-served "
        "zones and suggested sites, and write the maps, a GeoPackage and CSV tables "
        "into the output folder, which is replaced only when every step succeeded. "
        "Progress goes to stderr. Example: examples/val_d_ombre.toml.",
    )
    run.add_argument("config", type=Path, help="the TOML config file")
    run.set_defaults(run=_run)
    sample = sub.add_parser(
        "sample",
        help="write the sample territory's input files (to try `coordogeo run`)",
        description="Write the fictional sample territory as the files a config "
        "reads: communes.gpkg, carreaux.csv (INSEE grid layout), structures.csv "
        "(x/y in EPSG:2154), routes.gpkg (lines with speed_kmh, oneway) and "
        "cpts.csv.",
    )
    sample.add_argument("--out", type=Path, required=True, help="folder to write")
    sample.add_argument("--seed", type=int, default=0, help="sample seed (default: 0)")
    sample.set_defaults(run=_sample)
    return parser


def _run(args: argparse.Namespace) -> int:
    """Run a config file; the written files are printed."""
    written = run_config(load_config(args.config))
    lines = "\n".join(f"  {name} : {path}" for name, path in written.items())
    sys.stdout.write(f"Résultats écrits :\n{lines}\n")
    return 0


def _sample(args: argparse.Namespace) -> int:
    """Write the sample territory as input files."""
    sample = sample_territory(seed=args.seed)
    out: Path = args.out
    out.mkdir(parents=True, exist_ok=True)
    communes = sample.communes[["insee", "nom", "population", "geometry"]]
    communes.to_file(out / "communes.gpkg", driver="GPKG", engine="pyogrio")
    grid = pd.DataFrame(
        {
            "Idcar_1km": sample.population.index,
            "Ind": sample.population["population"].round(2).to_numpy(),
        }
    )
    grid.to_csv(out / "carreaux.csv", index=False)
    sites = sample.structures
    table = pd.DataFrame(
        {
            "id": sites.index,
            "kind": sites["kind"].to_numpy(),
            "name": sites["name"].to_numpy(),
            "capacity": sites["capacity"].to_numpy(),
            "x": sites.geometry.x.round(1).to_numpy(),
            "y": sites.geometry.y.round(1).to_numpy(),
        }
    )
    table.to_csv(out / "structures.csv", index=False)
    sample.roads.to_file(out / "routes.gpkg", driver="GPKG", engine="pyogrio")
    sample.cpts_members.to_csv(out / "cpts.csv", index=False)
    sys.stdout.write(f"Fichiers d'entrée du territoire d'exemple : {out}\n")
    return 0


def _demo(args: argparse.Namespace) -> int:
    """Coverage, nearest MSP / CDS per cell, summaries, maps and a GeoPackage."""
    sample = sample_territory(seed=args.seed)
    network = RoadNetwork.from_roads(sample.roads)
    sites = sample.structures[sample.structures["kind"].isin(DEMO_KINDS)]
    result = nearest(network, sample.population, sites, by="kind", max_time_min=60)
    territories = cpts_territories(sample.communes, sample.cpts_members)
    odd = overlaps_and_gaps(sample.communes, sample.cpts_members)
    indices = _commune_indices(sample, network)
    underserved = _underserved(sample, network, result, indices)
    out: Path = args.out
    maps = {
        "carte_couverture.html": coverage_map(
            territories, odd, structures=sample.structures, lang=args.lang
        ),
        "carte_acces.html": access_map(
            result, sites, column="travel_time_min_MSP", lang=args.lang
        ),
        "carte_apl.html": index_map(
            indices, structures=sample.structures, lang=args.lang
        ),
        "carte_zones.html": underserved_map(
            underserved.zones,
            sites=underserved.sites,
            structures=sites,
            lang=args.lang,
        ),
    }
    overview = overview_map(
        MapLayers(
            territories=territories,
            overlaps_gaps=odd,
            structures=sample.structures,
            travel_times=result,
            time_column="travel_time_min_MSP",
            index=indices,
            zones=underserved.zones,
            sites=underserved.sites,
        ),
        links=links_to(maps, lang=args.lang),
        lang=args.lang,
    )
    summary = time_summary(result)
    gpkg_path = out / "resultats.gpkg"
    written = write_results(
        gpkg_path,
        cpts=territories,
        communes_hors_cpts_ou_partagees=odd,
        acces_carreaux=result,
        apl_communes=underserved.zonage,
        zones_mal_desservies=underserved.zones,
        sites_proposes=underserved.sites,
        structures=sample.structures,
        communes=sample.communes.drop(columns=["bourg_x", "bourg_y", "rank"]),
        temps_par_type=summary.rename_axis("colonne"),
        zones=pd.DataFrame(underserved.zones.drop(columns="geometry")),
    )
    out.mkdir(parents=True, exist_ok=True)
    for name, folium_map in {"carte_synthese.html": overview, **maps}.items():
        folium_map.save(out / name)
    total = sample.population["population"].sum()
    sys.stdout.write(_header(total, network))
    sys.stdout.write(_coverage_report(sample, territories, odd, result))
    sys.stdout.write(_report(summary))
    sys.stdout.write(_apl_report(indices))
    sys.stdout.write(_underserved_report(underserved))
    pages = "\n".join(f"  {out / name}" for name in maps)
    tables = "\n".join(f"  {path}" for path in written[1:])
    sys.stdout.write(
        f"\nCarte de synthèse (liens vers les autres) : {out / 'carte_synthese.html'}\n"
        f"Cartes :\n{pages}\nRésultats (GeoPackage, 8 couches) : {gpkg_path}\n"
        f"Tableaux (CSV) :\n{tables}\n"
    )
    return 0


def _commune_indices(sample: SampleTerritory, network: RoadNetwork) -> pd.DataFrame:
    """APL-style index and E2SFCA per commune, from the GP FTE of the structures."""
    bands = list(PLACEHOLDER_AGE_WEIGHTS)
    communes = sample.communes.drop(columns=["bourg_x", "bourg_y", "rank"]).join(
        sample.population.groupby("insee")[bands].sum()
    )
    communes[bands] = communes[bands].fillna(0.0)
    gps = sample.structures.dropna(subset=["capacity"]).groupby("insee")[["capacity"]]
    fte = gps.sum()
    consultations = fte * CONSULTATIONS_PER_FTE
    matrix = travel_time_matrix(
        network, communes, communes.loc[fte.index], max_time_min=30
    )
    out = apl(communes, consultations, matrix, age_weights=PLACEHOLDER_AGE_WEIGHTS)
    e2sfca = fca(matrix, communes, fte, method="e2sfca").demand
    out["e2sfca_fte_per_10k"] = e2sfca["e2sfca_capacity_per_inhabitant"] * 1e4
    return out


class _Underserved(NamedTuple):
    """The demo's under-served zones, zonage of the communes and suggested sites."""

    zones: gpd.GeoDataFrame
    zonage: gpd.GeoDataFrame
    sites: gpd.GeoDataFrame
    rules: str


#: The demo's rule: far from an MSP *and* in a commune with a low APL.
DEMO_MAX_TIME_MIN = 20
DEMO_APL_BELOW = 2.5


def _underserved(
    sample: SampleTerritory,
    network: RoadNetwork,
    result: gpd.GeoDataFrame,
    indices: gpd.GeoDataFrame,
) -> _Underserved:
    """Cells far from an MSP in low-APL communes, their zones, three new MSP sites."""
    apl_name = "apl_consultations_per_inhabitant"
    cells = result.assign(apl=result["insee"].map(indices[apl_name]))
    rules = [
        travel_time_above(
            DEMO_MAX_TIME_MIN,
            column="travel_time_min_MSP",
            label=f"MSP à plus de {DEMO_MAX_TIME_MIN} min",
        ),
        apl_below(DEMO_APL_BELOW, column="apl", label="APL < 2,5"),
    ]
    flagged = classify(cells, rules, combine="all")
    found = zones(flagged, time_column="travel_time_min_MSP")
    msp = sample.structures[sample.structures["kind"] == "MSP"]
    bourgs = gpd.GeoDataFrame(
        sample.communes[["insee", "nom", "population"]],
        geometry=gpd.points_from_xy(
            sample.communes["bourg_x"], sample.communes["bourg_y"]
        ),
        crs=sample.communes.crs,
    )
    candidates = bourgs[~bourgs["insee"].isin(msp["insee"])]
    candidates = candidates.set_axis("bourg-" + candidates.index.astype(str))
    chosen = suggest_sites(
        network,
        sample.population,
        msp,
        candidates,
        n_sites=3,
        max_time_min=DEMO_MAX_TIME_MIN,
    )
    text = " et ".join(rule.text for rule in rules)
    return _Underserved(found, zonage(indices), chosen, text)


def _underserved_report(found: _Underserved) -> str:
    """Format the under-served section: top 10 zones, zonage, suggested sites."""
    top = found.zones.head(10)
    table = pd.DataFrame(
        {
            "population": top["population"].map(_int),
            "km²": top["area_km2"].map("{:.0f}".format),
            "communes": top["n_communes"],
            "temps moyen MSP": top["mean_travel_time_min"].map(_minutes),
            "non accessible": top["population_unreachable"].map(_int),
        }
    )
    flagged = found.zones.attrs["population_flagged"]
    total = found.zonage["population"].sum()
    counts = found.zonage.groupby("zonage", observed=False)["population"].agg(
        ["size", "sum"]
    )
    zonage_line = " ; ".join(
        f"{name} {int(row['size'])} communes ({_int(row['sum'])} hab.)"
        for name, row in counts.iterrows()
    )
    sites = found.sites
    site_lines = [
        f"  {step}. {name} ({insee}) : +{_int(gain)} hab., "
        f"{_pct(share)} de la population à moins de {DEMO_MAX_TIME_MIN} min d'une MSP"
        for step, name, insee, gain, share in zip(
            sites["step"],
            sites["nom"],
            sites["insee"],
            sites["population_gain"],
            sites["share_covered"],
            strict=True,
        )
    ]
    before = float(
        sites["population_covered"].iloc[0] - sites["population_gain"].iloc[0]
    )
    lines = [
        "",
        (
            f"Zones mal desservies ({found.rules}) : {len(found.zones)} zones, "
            f"{_int(flagged)} hab. ({_pct(flagged / total)})"
        ),
        "",
        table.to_string() if len(table) else "(aucune)",
        "",
        (
            "Zonage de type ZIP / ZAC à la commune (seuils APL 2,5 et 4, sans "
            "plafond régional ; l'arrêté zone des territoires de vie-santé) :"
        ),
        zonage_line,
        "",
        (
            "Trois nouvelles MSP qui couvriraient le plus d'habitants à moins de "
            f"{DEMO_MAX_TIME_MIN} min (choix glouton ; {_pct(before / total)} "
            "couverts aujourd'hui) :"
        ),
        *site_lines,
        "",
    ]
    return "\n".join(lines)


def _minutes(value: float) -> str:
    """Format minutes, or the unreachable mark."""
    return "—" if pd.isna(value) else f"{value:.0f} min"


def _apl_report(indices: pd.DataFrame) -> str:
    """Format the APL section: weighted mean, population below 2.5 C./an/hab."""
    value = indices["apl_consultations_per_inhabitant"]
    people = indices["population"]
    low = value < DEFAULT_CATEGORIES["sous-dense"]
    mean = float((value * people).sum() / people.sum())
    lines = [
        "",
        (
            "Accessibilité potentielle localisée (APL, méthode de type DREES ; "
            "poids d'âge fictifs, 1 ETP = 5 400 consultations)"
        ),
        f"APL moyenne pondérée par la population : {_dec(mean)} C./an/hab.",
        (
            f"Communes sous-denses (APL < 2,5) : {int(low.sum())} communes, "
            f"{_int(people[low].sum())} hab. ({_pct(people[low].sum() / people.sum())})"
        ),
        (
            "E2SFCA (Luo et Qi 2009, 30 min) : "
            f"{_dec(float(indices['e2sfca_fte_per_10k'].median()))} ETP pour "
            "10 000 hab. (médiane des communes)"
        ),
        "",
    ]
    return "\n".join(lines)


def _dec(value: float) -> str:
    """Format a number with two decimals and a French comma."""
    return f"{value:.2f}".replace(".", ",")


def _header(total: float, network: RoadNetwork) -> str:
    """Name the territory and its size."""
    return (
        "Territoire d'exemple (fictif) : Val-d'Ombre\n"
        f"Population : {_int(total)} habitants ; réseau routier : "
        f"{_int(network.n_nodes)} nœuds, {_int(network.n_edges)} arcs orientés\n\n"
    )


def _coverage_report(
    sample: SampleTerritory,
    territories: pd.DataFrame,
    odd: pd.DataFrame,
    result: pd.DataFrame,
) -> str:
    """Format the coverage section: CPTS, overlaps, gaps, population near an MSP."""
    rates = coverage_rates(sample.communes, sample.cpts_members).sum()
    near_msp = (
        within_reach(result)
        .loc[["MSP"], [f"share_within_{t}_min" for t in (10, 20, 30)]]
        .to_numpy()[0]
    )
    table = territories[["cpts_name", "n_communes", "population", "taille"]].copy()
    table["population"] = table["population"].map(_int)
    table.columns = ["nom", "communes", "population", "taille"]
    gaps, shared = odd[odd["status"] == "gap"], odd[odd["status"] == "overlap"]
    people = rates["population"]
    covered = rates["population_covered_once"] + rates["population_covered_multiple"]
    lines = [
        "Couverture par les CPTS",
        "",
        table.to_string(),
        "",
        (
            f"Population dans au moins une CPTS : {_int(covered)} "
            f"({_pct(covered / people)})"
        ),
        (
            f"Communes dans plusieurs CPTS : {len(shared)} "
            f"({_int(shared['population'].sum())} hab.) — "
            + ", ".join(
                f"{n} ({c})"
                for n, c in zip(shared["nom"], shared["cpts_ids"], strict=True)
            )
        ),
        (
            f"Communes hors CPTS : {len(gaps)} ({_int(gaps['population'].sum())} hab., "
            f"{_pct(rates['population_not_covered'] / people)})"
        ),
        "",
        "Population à moins de 10 / 20 / 30 min d'une MSP : "
        + " / ".join(_pct(v) for v in near_msp),
        "",
        "",
    ]
    return "\n".join(lines)


def _report(summary: pd.DataFrame) -> str:
    """Format the demo's travel-time table, in French."""
    table = pd.DataFrame(
        {
            "population": summary["population"].round(0).astype(int),
            "> 10 min": summary["share_beyond_10_min"].map(_pct),
            "> 20 min": summary["share_beyond_20_min"].map(_pct),
            "> 30 min": summary["share_beyond_30_min"].map(_pct),
            "non accessible": summary["population_unreachable"].round(0).astype(int),
        }
    )
    table.index = [c.replace("travel_time_min_", "") for c in table.index]
    lines = [
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


def _pct(share: float) -> str:
    """Format a share as a French percentage: 0.875 -> '87,5 %'."""
    return f"{100 * share:.1f}".replace(".", ",") + "\u202f%"


def _int(value: float) -> str:
    """Format a whole number with French (narrow no-break space) separators."""
    return f"{value:,.0f}".replace(",", "\u202f")


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
