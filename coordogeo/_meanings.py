"""What each column of the written tables means, for the workbook's "colonnes" sheet.

The tables are written with French column names (:func:`coordogeo._columns.
french_name`); each name is described here by pattern, in French and English, with
its unit. A column no pattern knows (an input's own column) is said to come from
the input as it was given.
"""

from __future__ import annotations

import re
from typing import Final

__all__ = ["meaning"]

_KIND = r"(?:_(?P<kind>[A-Za-z0-9]+))?"

#: (pattern on the French name, French meaning, English meaning); ``{kind}`` and
#: ``{t}`` are filled from the pattern's groups.
_MEANINGS: Final[tuple[tuple[str, str, str], ...]] = (
    (
        r"^insee$",
        "code INSEE de la commune (texte, 5 caractères)",
        "INSEE commune code (text, 5 characters)",
    ),
    (r"^(nom|nom_commune)$", "nom", "name"),
    (r"^idcar", "identifiant INSEE du carreau", "INSEE grid cell id"),
    (r"^departement$", "code du département (texte)", "département code (text)"),
    (
        r"^population$",
        "habitants (nombre ; somme exacte dans le GeoPackage)",
        "inhabitants (count; exact sum in the GeoPackage)",
    ),
    (
        r"^population_standardisee$",
        "habitants pondérés par la consommation de soins de leur âge (APL)",
        "inhabitants weighted by their age's use of care (APL)",
    ),
    (
        r"^population_moins_(?P<t>\d+)_min$",
        "habitants à {t} min ou moins de la structure la plus proche",
        "inhabitants within {t} min of the nearest structure",
    ),
    (
        r"^population_plus_(?P<t>\d+)_min$",
        "habitants au-delà de {t} min, les non accessibles compris",
        "inhabitants beyond {t} min, the unreachable included",
    ),
    (
        r"^population_accessible_plus_(?P<t>\d+)_min$",
        "habitants sur le réseau au-delà de {t} min (sans les non accessibles)",
        "inhabitants on the roads beyond {t} min (the unreachable excluded)",
    ),
    (
        r"^population_non_accessible$",
        "habitants hors réseau routier ou au-delà de la borne de recherche",
        "inhabitants off the roads or beyond the search's bound",
    ),
    (
        r"^part_moins_(?P<t>\d+)_min_pct$",
        "part des habitants à {t} min ou moins (%)",
        "share of the inhabitants within {t} min (%)",
    ),
    (
        r"^part_plus_(?P<t>\d+)_min_pct$",
        "part des habitants au-delà de {t} min, non accessibles compris (%)",
        "share of the inhabitants beyond {t} min, unreachable included (%)",
    ),
    (
        r"^part_non_accessible_pct$",
        "part des habitants non accessibles (%)",
        "share of the inhabitants unreachable (%)",
    ),
    (
        r"^part_apl_sous_(?P<t>[\d_]+)_pct$",
        "part des habitants dont l'APL est sous le seuil (%)",
        "share of the inhabitants whose APL is below the threshold (%)",
    ),
    (
        r"^population_une_cpts$",
        "habitants des communes d'une seule CPTS",
        "inhabitants of communes in one CPTS",
    ),
    (
        r"^population_plusieurs_cpts$",
        "habitants des communes de plusieurs CPTS",
        "inhabitants of communes in several CPTS",
    ),
    (
        r"^population_hors_cpts$",
        "habitants des communes hors CPTS",
        "inhabitants of communes in no CPTS",
    ),
    (
        r"^part_couverte_pct$",
        "part des habitants couverts (%)",
        "share of the inhabitants covered (%)",
    ),
    (
        r"^nb_communes_hors_cpts$",
        "communes hors CPTS (nombre)",
        "communes in no CPTS (count)",
    ),
    (r"^nb_communes$", "communes (nombre)", "communes (count)"),
    (
        r"^nb_lieux$",
        "lieux habités (carreaux ou communes, nombre)",
        "inhabited places (cells or communes, count)",
    ),
    (
        rf"^temps_min{_KIND}$",
        "minutes jusqu'à la structure la plus proche{of}",
        "minutes to the nearest structure{of}",
    ),
    (
        rf"^temps_moyen_min{_KIND}$",
        "temps moyen pondéré par les habitants (min){of}",
        "population-weighted mean time (min){of}",
    ),
    (r"^temps_max_min$", "temps le plus long (min)", "longest time (min)"),
    (
        rf"^structure_proche{_KIND}$",
        "identifiant de la structure la plus proche{of}",
        "id of the nearest structure{of}",
    ),
    (
        r"^apl_consultations_par_hab$",
        "APL : consultations accessibles par an et par habitant standardisé",
        "APL: consultations reachable a year per standardised inhabitant",
    ),
    (
        r"^apl_etp_pour_100k_hab$",
        "APL : ETP pour 100 000 habitants standardisés",
        "APL: FTE per 100,000 standardised inhabitants",
    ),
    (
        r"^apl_moyenne$",
        "APL moyen pondéré par les habitants",
        "population-weighted mean APL",
    ),
    (
        r"^indice_(?P<m>[a-z0-9]+)_pour_100k_hab$",
        "indice {m} : capacité accessible pour 100 000 habitants",
        "{m} index: capacity reachable per 100,000 inhabitants",
    ),
    (
        r"^indice_avant_pour_100k_hab$",
        "indice du lieu avant (pour 100 000 hab.)",
        "the place's index before (per 100,000 inhabitants)",
    ),
    (
        r"^indice_apres_pour_100k_hab$",
        "indice du lieu après (pour 100 000 hab.)",
        "the place's index after (per 100,000 inhabitants)",
    ),
    (
        r"^nb_structures_a_portee$",
        "structures à portée (nombre)",
        "structures within reach (count)",
    ),
    (
        r"^ind_",
        "habitants de la tranche d'âge (Filosofi), répartis par surface",
        "inhabitants of the age band (Filosofi), shared by area",
    ),
    (
        r"^modele_temps$",
        "comment les temps ont été calculés",
        "how the times were computed",
    ),
    (
        r"^zonage$",
        "catégorie de zonage de type ZIP / ZAC",
        "ZIP / ZAC-style zonage category",
    ),
    (
        r"^motif_zonage$|^motifs$",
        "règle(s) qui ont classé le lieu",
        "rule(s) that classed the place",
    ),
    (r"^zone_id$", "identifiant de la zone mal desservie", "under-served zone id"),
    (r"^rang$", "rang (1 : la plus peuplée)", "rank (1: most populated)"),
    (r"^surface_km2$", "surface (km²)", "area (km²)"),
    (
        r"^communes$",
        "codes INSEE des communes, séparés par des virgules",
        "INSEE codes of the communes, comma-separated",
    ),
    (r"^(structure|type)$", "type de structure", "kind of structure"),
    (
        r"^groupe$",
        "groupe de niveau de vie (1 : les plus modestes)",
        "standard-of-living group (1: the least well-off)",
    ),
    (
        r"^niveau_vie_(min|max)$",
        "niveau de vie moyen du lieu, bornes du groupe (€/an)",
        "the place's mean standard of living, the group's bounds (€/year)",
    ),
    (r"^indice$", "indice d'inégalité", "inequality index"),
    (r"^valeur$", "valeur de l'indice", "value of the index"),
    (r"^lecture$", "comment lire la valeur", "how to read the value"),
    (r"^scenario$", "nom du scénario", "scenario's name"),
    (
        r"^indicateur$",
        "indicateur (habitants à portée, temps moyen…)",
        "indicator (inhabitants within reach, mean time…)",
    ),
    (r"^seuil_min$", "seuil de l'indicateur (min)", "the indicator's threshold (min)"),
    (
        r"^avant$",
        "valeur avant le scénario (habitants, min ou pour 100 000 hab.)",
        "value before the scenario (inhabitants, min or per 100,000)",
    ),
    (r"^apres$", "valeur après le scénario", "value after the scenario"),
    (r"^evolution$", "après moins avant", "after minus before"),
    (r"^cpts_id$", "identifiant de la CPTS", "CPTS id"),
    (r"^nom_cpts$", "nom de la CPTS", "CPTS name"),
)
_COMPILED: Final = tuple((re.compile(p), fr, en) for p, fr, en in _MEANINGS)


def meaning(column: str, lang: str = "fr") -> str:
    """Return what a written (French-named) column means, with its unit.

    Examples
    --------
    >>> meaning("part_moins_20_min_pct")
    'part des habitants à 20 min ou moins (%)'
    >>> meaning("temps_min_MSP", "en")
    'minutes to the nearest structure (MSP)'
    >>> meaning("ma_colonne")
    'colonne des données fournies, telle quelle'
    """
    for pattern, fr, en in _COMPILED:
        match = pattern.match(column)
        if match is None:
            continue
        groups = {k: v for k, v in match.groupdict().items() if v is not None}
        kind = groups.pop("kind", None)
        text = fr if lang == "fr" else en
        return text.format(of=f" ({kind})" if kind else "", **groups)
    return (
        "colonne des données fournies, telle quelle"
        if lang == "fr"
        else "a column of the data given, as it was"
    )
