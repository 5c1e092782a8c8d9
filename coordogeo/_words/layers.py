"""The GeoPackage layers' titles and descriptions, in French and English.

QGIS shows a layer's title (``gpkg_contents.identifier``) in its browser and its
description (``gpkg_contents.description``) in the layer's properties; the
layer's table keeps its short name.
"""

from __future__ import annotations

from typing import Final

__all__ = ["GROUPS", "LAYER_TEXT", "STYLE_NOTE"]

#: The groups of the GeoPackage's QGIS project, by language.
GROUPS: Final = {
    "fr": {
        "sites": "Structures et sites proposés",
        "base": "Fond : communes",
        "underserved": "Zones mal desservies",
        "coverage": "Couverture par les CPTS",
        "access": "Temps d'accès",
        "index": "Indice d'accessibilité et zonage",
        "scenarios": "Scénarios",
        "change": "Évolution",  # a scenario layer, in its layout's legend
    },
    "en": {
        "sites": "Structures and suggested sites",
        "base": "Base: communes",
        "underserved": "Under-served zones",
        "coverage": "CPTS coverage",
        "access": "Travel times",
        "index": "Accessibility index and zonage",
        "scenarios": "Scenarios",
        "change": "Change",
    },
}

#: The description of every style coordogeo writes in a GeoPackage.
STYLE_NOTE: Final = {
    "fr": "coordogeo : les classes et les couleurs de la carte web",
    "en": "coordogeo: the classes and colours of the web map",
}

#: Layer name -> (title, description), by language; ``scenario_{n}`` layers take
#: ``scenario`` with the scenario's name (``{name}``) and number (``{n}``).
LAYER_TEXT: Final[dict[str, dict[str, tuple[str, str]]]] = {
    "fr": {
        "cpts": (
            "Territoires des CPTS",
            (
                "Un polygone par CPTS : l'union de ses communes membres, sa population "
                "et sa taille."
            ),
        ),
        "communes_hors_cpts_ou_partagees": (
            "Communes hors CPTS ou partagées",
            (
                "Les communes d'aucune CPTS et celles de plusieurs CPTS, avec leur "
                "population."
            ),
        ),
        "temps_acces": (
            "Temps d'accès à la structure la plus proche",
            (
                "Chaque lieu habité : son temps de trajet à la structure la plus "
                "proche "
                "de chaque type (minutes), la structure, le modèle de temps."
            ),
        ),
        "indice_communes": (
            "Indice d'accessibilité par commune",
            (
                "L'indice d'accessibilité calculé pour chaque commune (et le zonage "
                "quand il est demandé)."
            ),
        ),
        "zones_mal_desservies": (
            "Zones mal desservies",
            (
                "Les zones contiguës sous la règle choisie, classées par habitants "
                "concernés."
            ),
        ),
        "sites_proposes": (
            "Sites proposés",
            (
                "Les emplacements proposés pour une nouvelle structure, dans l'ordre "
                "du choix, avec les habitants gagnés."
            ),
        ),
        "structures": (
            "Structures",
            "Les structures lues, une par ligne, avec leur type et leur capacité.",
        ),
        "communes": (
            "Communes",
            "Les communes du territoire, avec leur population.",
        ),
        "project": (
            "Accès aux soins primaires coordonnés",
            "Le projet QGIS de coordogeo : les couches et une mise en page par carte.",
        ),
        "scenario": (
            "Scénario {n} : {name}",
            "Chaque lieu habité avant et après le scénario : temps, écart, statut.",
        ),
    },
    "en": {
        "cpts": (
            "CPTS territories",
            (
                "One polygon per CPTS: the union of its member communes, its "
                "population "
                "and its size."
            ),
        ),
        "communes_hors_cpts_ou_partagees": (
            "Communes outside any CPTS or shared",
            (
                "The communes of no CPTS and those of several CPTS, with their "
                "population."
            ),
        ),
        "temps_acces": (
            "Travel time to the nearest structure",
            (
                "Each inhabited place: its travel time to the nearest structure of "
                "each "
                "kind (minutes), the structure, the time model."
            ),
        ),
        "indice_communes": (
            "Accessibility index by commune",
            (
                "The accessibility index computed for each commune (and the zonage "
                "when "
                "asked for)."
            ),
        ),
        "zones_mal_desservies": (
            "Under-served zones",
            (
                "The contiguous zones below the chosen rule, ranked by the inhabitants "
                "concerned."
            ),
        ),
        "sites_proposes": (
            "Suggested sites",
            (
                "The places suggested for a new structure, in the order chosen, with "
                "the inhabitants gained."
            ),
        ),
        "structures": (
            "Structures",
            "The structures read, one per row, with their kind and capacity.",
        ),
        "communes": (
            "Communes",
            "The communes of the territory, with their population.",
        ),
        "project": (
            "Access to coordinated primary care",
            "coordogeo's QGIS project: the layers and a print layout per map.",
        ),
        "scenario": (
            "Scenario {n}: {name}",
            (
                "Each inhabited place before and after the scenario: times, change, "
                "status."
            ),
        ),
    },
}
