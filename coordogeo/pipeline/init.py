"""``coordogeo init``: a commented config that runs as is, and the sample's files."""

from __future__ import annotations

from pathlib import Path
from typing import Final

import pandas as pd

import geopandas as gpd

from coordogeo.datasets import (
    CONSULTATIONS_PER_FTE,
    PLACEHOLDER_AGE_WEIGHTS,
    sample_territory,
)
from coordogeo.pipeline.config import ConfigError
from coordogeo.pipeline.schema_docs import config_template

__all__ = ["CONFIG_NAME", "SAMPLE_FILES", "init_folder", "write_sample_inputs"]

CONFIG_NAME: Final = "config.toml"
#: The sample's input files, in the folder ``donnees/`` beside the config.
SAMPLE_FILES: Final = (
    "communes.gpkg",
    "carreaux.csv",
    "structures.csv",
    "routes.gpkg",
    "cpts.csv",
    "candidats.csv",
)
_DATA: Final = "donnees"


def write_sample_inputs(
    folder: Path, *, seed: int = 0, territory: str = "metropole"
) -> list[Path]:
    """Write the sample territory as the input files a config reads.

    ``communes.gpkg`` (insee, nom, population), ``carreaux.csv`` (INSEE 1 km grid
    layout: ``Idcar_1km``, ``Ind``, the age bands and the synthetic ``Ind_snv``,
    ``Men``, ``Men_pauv``), ``structures.csv`` (x/y in
    EPSG:2154), ``routes.gpkg`` (lines with ``speed_kmh`` and ``oneway``),
    ``cpts.csv`` and ``candidats.csv`` (the bourgs of the communes without an MSP).
    Numbers are written in full, so the files read back to the same values.
    """
    sample = sample_territory(seed=seed, territory=territory)
    folder.mkdir(parents=True, exist_ok=True)
    paths = [folder / name for name in SAMPLE_FILES]
    communes = sample.communes[["insee", "nom", "population", "geometry"]]
    communes.to_file(paths[0], driver="GPKG", engine="pyogrio")
    bands = list(PLACEHOLDER_AGE_WEIGHTS)
    grid = pd.DataFrame(
        {
            "Idcar_1km": sample.population.index,
            "Ind": sample.population["population"].to_numpy(),
            **{
                column.capitalize(): sample.population[column].to_numpy()
                for column in [*bands, "ind_snv", "men", "men_pauv"]
            },
        }
    )
    grid.to_csv(paths[1], index=False)
    sites = sample.structures
    pd.DataFrame(
        {
            "id": sites.index,
            "kind": sites["kind"].to_numpy(),
            "name": sites["name"].to_numpy(),
            "capacity": sites["capacity"].to_numpy(),
            "date_opened": sites["date_opened"].dt.strftime("%Y-%m-%d").to_numpy(),
            "x": sites.geometry.x.to_numpy(),
            "y": sites.geometry.y.to_numpy(),
        }
    ).to_csv(paths[2], index=False)
    sample.roads.to_file(paths[3], driver="GPKG", engine="pyogrio")
    sample.cpts_members.to_csv(paths[4], index=False)
    with_msp = set(sites.loc[sites["kind"] == "MSP", "insee"])
    bourgs = sample.communes[~sample.communes.index.isin(with_msp)]
    pd.DataFrame(
        {
            "id": "bourg-" + bourgs.index.astype(str),
            "name": bourgs["nom"].to_numpy(),
            "x": bourgs["bourg_x"].to_numpy(),
            "y": bourgs["bourg_y"].to_numpy(),
        }
    ).to_csv(paths[5], index=False)
    return paths


def _sample_values(crs: str) -> dict[str, str]:
    """Return the config values that run the sample (TOML text by ``section.key``)."""
    weights = ", ".join(f"{k} = {v:g}" for k, v in PLACEHOLDER_AGE_WEIGHTS.items())
    return {
        "inputs.communes": f'"{_DATA}/communes.gpkg"',
        "inputs.population": f'"{_DATA}/carreaux.csv"',
        "inputs.structures": f'"{_DATA}/structures.csv"',
        "inputs.structures_crs": f'"{crs}"',
        "inputs.roads": f'"{_DATA}/routes.gpkg"',
        "inputs.cpts_members": f'"{_DATA}/cpts.csv"',
        "inputs.candidates": f'"{_DATA}/candidats.csv"',
        "parameters.kinds": '["MSP", "CDS"]',
        "index.method": '"apl"',
        "index.kinds": '["MSP", "CDS", "ESP"]',
        "index.consultations_per_fte": f"{CONSULTATIONS_PER_FTE:g}",
        "index.age_weights": f"{{ {weights} }}",
        "underserved.apl_below": "2.5",
        "outputs.folder": '"resultats"',
        "outputs.title": '"Val-d\'Ombre (territoire fictif)"',
        "outputs.source": '"données fictives générées par coordogeo '
        "(territoire d'exemple, sans valeur réelle)\"",
        "compare.as_of": '"2019-01-01"',
    }


def _sample_scenarios(territory: str) -> str:
    """Return ``[[scenario]]`` tables showing one scenario of each kind."""
    sample = sample_territory(territory=territory)
    communes, sites = sample.communes, sample.structures
    free = communes[~communes.index.isin(sites["insee"])]
    first, second = free.sort_values("population", ascending=False).index[:2]
    names = communes["nom"]
    return f"""
# What-if scenarios, each compared with the current situation (scenarios.csv, one
# map and one report section each). Keys: name, open (a list or a file), close,
# capacity, suggest.

[[scenario]]
name = "Ouverture d'une MSP à {names[first]}"
open = [{{ kind = "MSP", insee = "{first}", capacity = 4.0 }}]

[[scenario]]
name = "Fermeture du centre de santé CDS-02"
close = ["CDS-02"]

[[scenario]]
name = "Déménagement de la MSP-14 à {names[second]}"
close = ["MSP-14"]
open = [{{ kind = "MSP", insee = "{second}", capacity = 2.3 }}]

[[scenario]]
name = "Renfort de la MSP-05"
capacity = {{ "MSP-05" = 5.0 }}

[[scenario]]
name = "Trois MSP aux meilleurs emplacements"
suggest = 3
"""


def init_folder(
    folder: Path, *, sample: bool = False, territory: str = "metropole"
) -> Path:
    """Write ``folder/config.toml`` (and with ``sample`` the sample's files).

    Without ``sample`` the config names placeholder files to replace with yours;
    with it, the config runs as is on the fictional sample territory (moved to an
    overseas ``territory`` if asked: see :func:`coordogeo.datasets.sample_territory`).
    An existing config is never overwritten.

    Raises
    ------
    ConfigError
        ``folder/config.toml`` exists already, ``folder`` is a file, or it cannot
        be created or written (a read-only disk, a path through a file).
    """
    try:
        return _init(folder, sample=sample, territory=territory)
    except OSError as err:
        raise ConfigError(
            f"cannot write the config in {str(folder)!r}: {err.strerror or err}. "
            "Choose a folder you can write to (e.g. in your home folder)."
        ) from err


def _init(folder: Path, *, sample: bool, territory: str) -> Path:
    """Write the config (and the sample's files); see :func:`init_folder`."""
    config = folder / CONFIG_NAME
    if config.exists():
        raise ConfigError(
            f"{config} exists already; coordogeo never overwrites it: choose another "
            "folder or remove it yourself."
        )
    above = next((p for p in (folder, *folder.parents) if p.exists()), None)
    if above is not None and not above.is_dir():
        raise ConfigError(f"{above} is a file; give a folder to write the config in.")
    if sample and (folder / _DATA).exists():
        raise ConfigError(
            f"{folder / _DATA} exists already; coordogeo never overwrites it: choose "
            "another folder."
        )
    folder.mkdir(parents=True, exist_ok=True)
    if sample:
        paths = write_sample_inputs(folder / _DATA, territory=territory)
        comments = [
            "coordogeo run config.toml — the fictional sample territory Val-d'Ombre.",
            "Its files are in donnees/ (generated by coordogeo, nothing real).",
            "The age weights below are PLACEHOLDERS made up for the sample: take the",
            "DREES weights for any real APL. 1 FTE = 5,400 consultations is the ARS",
            "BFC conversion. Relative paths are read from this file's folder.",
        ]
        crs = gpd.read_file(paths[0], rows=1, engine="pyogrio").crs.to_string()
        text = config_template(_sample_values(crs), comments=comments)
        text += _sample_scenarios(territory)
    else:
        comments = [
            "coordogeo run config.toml — replace the paths with your files.",
            "Every key is listed with its meaning; `coordogeo run --help` too.",
            "Relative paths are read from this file's folder.",
        ]
        text = config_template(
            {
                "inputs.communes": '"communes.gpkg"',
                "inputs.structures": '"structures.csv"',
                "inputs.structures_crs": '"EPSG:2154"',
                "outputs.folder": '"resultats"',
            },
            comments=comments,
        )
    config.write_text(text, encoding="utf-8")
    return config
