"""The run's words: progress lines, ledger entries, rule names, scenario notes."""

from __future__ import annotations

from typing import Final

__all__ = ["WORDS"]

#: Every text, by language then key (the same keys in both).
WORDS: Final[dict[str, dict[str, str]]] = {
    "fr": {
        "step_read": "lecture des données",
        "step_times": "temps jusqu'à la structure la plus proche",
        "step_coverage": "couverture par les CPTS",
        "step_index": "indice d'accessibilité ({method})",
        "step_zones": "zones mal desservies",
        "step_sites": "sites proposés",
        "step_equity": "accès selon le niveau de vie",
        "step_scenarios": "scénarios",
        "step_evolution": "évolution",
        "step_maps": "cartes",
        "step_write": "GeoPackage, tableaux et rapport",
        "failed": "échec",
        "and": " et ",
        "or": " ou ",
        "rule_time": "{kind} à plus de {minutes} min",
        "rows": "{what} : {n} ligne(s){people} ({why}) — {labels}",
        "people": ", {n} hab.",
        "filled": (
            "{what} : {n} ligne(s) complétée(s) par {value} (index.fill_capacity) —"
            " {labels}"
        ),
        "network_detail": "{nodes} nœuds, {edges} arcs{where}",
        "finess_vintage": "FINESS, extraction du {date}",
        "filosofi_vintage": "Filosofi {year}",
        "from_cache": ", lu depuis le cache {folder}",
        "matrix_detail": "paires ≤ {bound} min",
        "no_segment_what": "routes sans segment de longueur non nulle",
        "no_segment_why": "aucun tronçon à parcourir",
        "attached_what": "carreaux hors des contours des communes",
        "attached_why": (
            "rattachés à la commune la plus proche (à moins de 1 km), dans les "
            "temps comme dans l'indice communal"
        ),
        "lost_what": "carreaux hors de toute commune",
        "lost_why": (
            "plus de 1 km de toute commune : gardés dans les temps, hors indice "
            "communal"
        ),
        "grid_check": "habitants du carroyage et des communes",
        "grid_figures": (
            "{grid} hab. dans les carreaux, {total} dans les communes ({gap})"
        ),
        "communes_check": (
            "communes dont les carreaux comptent moins de la moitié ou plus du "
            "double de leurs habitants"
        ),
        "communes_figures": "{n} sur {total}",
        "communes_examples": ", dont {shown} (carreaux / commune)",
        "no_median_what": "lieux sans niveau de vie médian communal",
        "no_median_why": (
            "secret statistique ou commune absente du fichier Filosofi {vintage} : "
            "gardés, hors des indices d'équité"
        ),
        "outside_check": "structures hors des communes",
        "outside_figures": "{n} sur {total}",
        "outside_kept": (
            " ({labels}), gardées dans les temps (elles servent les habitants "
            "proches de la limite), hors de l'indice communal"
        ),
        "placed_what": "structures sans coordonnées, placées dans leur commune",
        "placed_why": (
            "au point représentatif de la commune (inputs.structures donne un code "
            "INSEE, pas de coordonnées)"
        ),
        "finess_elsewhere_what": "établissements FINESS d'un autre territoire",
        "finess_elsewhere_why": (
            "hors du territoire des communes (par département : {counts})"
        ),
        "finess_unlocated_what": "établissements FINESS sans coordonnées utilisables",
        "finess_unlocated_why": (
            "pas de géolocalisation dans le fichier (ou hors du territoire)"
        ),
        "finess_outside_what": "établissements FINESS hors des communes",
        "finess_outside_why": (
            "leur commune n'est pas dans `inputs.communes` (par département : {counts})"
        ),
        "crowfly": (
            "ni routes ni distancier : temps estimés à vol d'oiseau (× 1,3 à "
            "{speed} km/h), dit dans chaque sortie"
        ),
        "no_worker": (
            "la grappe dask {scheduler} n'a encore aucun travailleur : les "
            "recherches attendent qu'un travailleur la rejoigne"
        ),
        "bad_cache": "cache du réseau illisible, reconstruit : {error}",
        "not_cached": "réseau non mis en cache ({folder}) : {error}",
        "matrix_outside_what": (
            "structures hors des communes (distancier commune à commune)"
        ),
        "matrix_outside_why": "le distancier ne les atteint pas",
        "missing_capacity": "capacités manquantes",
        "index_outside_what": "structures hors des communes (indice communal)",
        "index_outside_why": "l'indice se calcule de commune à commune",
        "no_index_what": "lieux sans indice communal",
        "no_index_why": "hors de toute commune : la règle d'APL ne s'y applique pas",
        "sites_crowfly": (
            "sites proposés : le distancier ne va pas jusqu'aux candidats, leurs "
            "temps sont estimés à vol d'oiseau (colonne time_model)"
        ),
        "sites_fewer": (
            "sites proposés : {n} des {asked} demandés amènent des habitants de "
            "plus à moins de {bound} min ; les autres candidats n'en amènent aucun"
        ),
        "equity_skipped": "indices d'équité non calculés : {why}",
        "income_empty": "la colonne de niveau de vie {column!r} est vide partout",
        "income_equal": (
            "tous les lieux ont le même niveau de vie ({low} à {high}), aucun "
            "classement par revenu n'a de sens"
        ),
        "no_income_what": "lieux sans niveau de vie (indices d'équité)",
        "no_income_why": "cellule vide ou sous secret statistique : hors des déciles",
        "scenario_no_capacity": (
            "scénarios : capacités manquantes, pas d'indice d'accessibilité dans "
            "les bilans (les temps seuls sont comparés)"
        ),
        "undated_what": "structures sans date d'ouverture",
        "undated_why": "comptées ouvertes au {as_of} (compare.as_of)",
        "undated_note": (
            "{n} structure(s) sans date d'ouverture, comptées ouvertes au {as_of}"
        ),
        "index_gini": "Gini du temps d'accès",
        "index_gini_reading": (
            "0 : tous à la même distance ; plus il est grand, plus les temps sont "
            "inégaux"
        ),
        "index_concentration": "Indice de concentration du temps (par niveau de vie)",
        "index_concentration_reading": (
            "négatif : les plus modestes ont les trajets les plus longs ; positif :"
            " les plus aisés"
        ),
        "index_erreygers": "Indice de concentration corrigé (Erreygers)",
        "index_erreygers_reading": "même lecture, borné entre -1 et 1",
        "index_palma": (
            "Ratio de Palma du temps (10 % les plus aisés / 40 % les plus modestes)"
        ),
        "index_palma_reading": (
            "< 1 : les plus modestes ont des trajets plus longs que les plus aisés"
        ),
        "index_theil": "Theil T du temps",
        "index_theil_reading": (
            "0 : égalité ; se décompose entre groupes de niveau de vie et en leur sein"
        ),
        "index_theil_between": "  dont entre groupes de niveau de vie",
        "index_theil_between_reading": (
            "part de l'inégalité due aux écarts de niveau de vie"
        ),
        "index_fgt0": "FGT0 : part au-delà de {bound} min",
        "index_fgt0_reading": "part de la population au-delà du seuil",
        "index_fgt1": "FGT1 : écart moyen au-delà de {bound} min",
        "index_fgt1_reading": "dépassement moyen du seuil, rapporté au seuil",
        "index_fgt2": "FGT2 : sévérité au-delà de {bound} min",
        "index_fgt2_reading": "comme FGT1, les grands dépassements pesant plus",
        "index_concentration_apl": (
            "Indice de concentration de l'APL (par niveau de vie)"
        ),
        "index_concentration_apl_reading": (
            "négatif : l'offre accessible se concentre chez les plus modestes"
        ),
        "opened_later": (
            "{n} structure(s) de {kinds} ouverte(s) après le {as_of} : absentes de "
            "l'état du {as_of}"
        ),
        "openings_only": (
            "seules les ouvertures sont datées : une structure fermée depuis n'est "
            "plus dans la liste actuelle (FINESS comme un tableau à jour), l'état "
            "du {as_of} l'ignore et sous-estime donc l'offre d'alors"
        ),
        "before_unknown": (
            "compare.before : {n} code(s) commune absents de `inputs.communes` "
            "({labels}), listés « avant seulement » ; donnez `compare.cog_history` "
            "(table mvtcommune de l'INSEE) pour les ramener au COG actuel"
        ),
        "cog_note": (
            "communes de l'état antérieur ramenées au COG actuel ({file}) : {n} "
            "code(s) changé(s), {merged} fusion(s)"
        ),
        "new_at": "{kind} nouvelle à {commune}",
        "new_n": "{kind} nouvelle n° {k}",
        "median_capacity": (
            "capacité des structures ouvertes sans capacité : la médiane de leur "
            "type ({ids})"
        ),
        "proved": "optimum prouvé",
        "gap": "écart à l'optimum ≤ {gap}",
        "suggest_note": (
            "{n} site(s) {kind} choisis parmi {pool} candidats pour couvrir le plus"
            " d'habitants à {bound} min (programme linéaire en nombres entiers, "
            "{proved})"
        ),
        "suggest_fewer": (
            " ; {asked} demandés, les autres candidats n'amènent personne de plus à"
            " portée"
        ),
    },
    "en": {
        "step_read": "reading the inputs",
        "step_times": "time to the nearest structure",
        "step_coverage": "CPTS coverage",
        "step_index": "accessibility index ({method})",
        "step_zones": "under-served zones",
        "step_sites": "suggested sites",
        "step_equity": "access by standard of living",
        "step_scenarios": "scenarios",
        "step_evolution": "change over time",
        "step_maps": "maps",
        "step_write": "GeoPackage, tables and report",
        "failed": "failed",
        "and": " and ",
        "or": " or ",
        "rule_time": "{kind} beyond {minutes} min",
        "rows": "{what}: {n} row(s){people} ({why}) — {labels}",
        "people": ", {n} inhabitants",
        "filled": (
            "{what}: {n} row(s) filled with {value} (index.fill_capacity) — {labels}"
        ),
        "network_detail": "{nodes} nodes, {edges} edges{where}",
        "finess_vintage": "FINESS, extracted {date}",
        "filosofi_vintage": "Filosofi {year}",
        "from_cache": ", read from the cache {folder}",
        "matrix_detail": "pairs ≤ {bound} min",
        "no_segment_what": "roads without a segment of non-zero length",
        "no_segment_why": "nothing to drive along",
        "attached_what": "cells outside the communes' outlines",
        "attached_why": (
            "given to the nearest commune (within 1 km), in the times as in the "
            "commune index"
        ),
        "lost_what": "cells in no commune",
        "lost_why": (
            "more than 1 km from every commune: kept in the times, out of the "
            "commune index"
        ),
        "grid_check": "inhabitants of the grid and of the communes",
        "grid_figures": (
            "{grid} inhabitants in the cells, {total} in the communes ({gap})"
        ),
        "communes_check": (
            "communes whose cells hold less than half or more than twice their "
            "inhabitants"
        ),
        "communes_figures": "{n} of {total}",
        "communes_examples": ", e.g. {shown} (cells / commune)",
        "no_median_what": "places without a commune median standard of living",
        "no_median_why": (
            "statistical secrecy or a commune absent from the Filosofi {vintage} "
            "file: kept, out of the equity indices"
        ),
        "outside_check": "structures outside the communes",
        "outside_figures": "{n} of {total}",
        "outside_kept": (
            " ({labels}), kept in the times (they serve the inhabitants near the "
            "limit), out of the commune index"
        ),
        "placed_what": "structures without coordinates, placed in their commune",
        "placed_why": (
            "at the commune's representative point (inputs.structures gives an "
            "INSEE code, no coordinates)"
        ),
        "finess_elsewhere_what": "FINESS establishments of another territory",
        "finess_elsewhere_why": (
            "outside the communes' territory (by département: {counts})"
        ),
        "finess_unlocated_what": "FINESS establishments without usable coordinates",
        "finess_unlocated_why": "no geolocation in the file (or outside the territory)",
        "finess_outside_what": "FINESS establishments outside the communes",
        "finess_outside_why": (
            "their commune is not in `inputs.communes` (by département: {counts})"
        ),
        "crowfly": (
            "neither roads nor a matrix: times are a crow-fly estimate (× 1.3 at "
            "{speed} km/h), said in every output"
        ),
        "no_worker": (
            "the dask cluster {scheduler} has no worker yet: the searches wait for "
            "one to join"
        ),
        "bad_cache": "the network cache could not be read, rebuilt: {error}",
        "not_cached": "network not cached ({folder}): {error}",
        "matrix_outside_what": (
            "structures outside the communes (commune-to-commune matrix)"
        ),
        "matrix_outside_why": "the matrix does not reach them",
        "missing_capacity": "missing capacities",
        "index_outside_what": "structures outside the communes (commune index)",
        "index_outside_why": "the index is computed from commune to commune",
        "no_index_what": "places without a commune index",
        "no_index_why": "in no commune: the APL rule does not apply there",
        "sites_crowfly": (
            "suggested sites: the matrix does not reach the candidates, their times"
            " are a crow-fly estimate (column time_model)"
        ),
        "sites_fewer": (
            "suggested sites: {n} of the {asked} asked for bring more inhabitants "
            "within {bound} min; the other candidates bring none"
        ),
        "equity_skipped": "equity indices not computed: {why}",
        "income_empty": "the standard-of-living column {column!r} is empty everywhere",
        "income_equal": (
            "every place has the same standard of living ({low} to {high}), no "
            "ranking by income makes sense"
        ),
        "no_income_what": "places without a standard of living (equity indices)",
        "no_income_why": "empty cell or statistical secrecy: out of the deciles",
        "scenario_no_capacity": (
            "scenarios: missing capacities, no accessibility index in the summaries"
            " (the times alone are compared)"
        ),
        "undated_what": "structures without an opening date",
        "undated_why": "counted open on {as_of} (compare.as_of)",
        "undated_note": (
            "{n} structure(s) without an opening date, counted open on {as_of}"
        ),
        "index_gini": "Gini of the travel time",
        "index_gini_reading": (
            "0: everyone at the same distance; the larger, the more unequal the times"
        ),
        "index_concentration": (
            "Concentration index of the time (by standard of living)"
        ),
        "index_concentration_reading": (
            "negative: the least well-off have the longest trips; positive: the "
            "best-off"
        ),
        "index_erreygers": "Corrected concentration index (Erreygers)",
        "index_erreygers_reading": "same reading, bounded by -1 and 1",
        "index_palma": "Palma ratio of the time (10 % best-off / 40 % least well-off)",
        "index_palma_reading": (
            "< 1: the least well-off have longer trips than the best-off"
        ),
        "index_theil": "Theil T of the time",
        "index_theil_reading": (
            "0: equality; splits between standard-of-living groups and within them"
        ),
        "index_theil_between": "  of which between standard-of-living groups",
        "index_theil_between_reading": (
            "share of the inequality due to standard-of-living gaps"
        ),
        "index_fgt0": "FGT0: share beyond {bound} min",
        "index_fgt0_reading": "share of the population beyond the threshold",
        "index_fgt1": "FGT1: mean gap beyond {bound} min",
        "index_fgt1_reading": "mean excess over the threshold, relative to it",
        "index_fgt2": "FGT2: severity beyond {bound} min",
        "index_fgt2_reading": "as FGT1, large excesses weighing more",
        "index_concentration_apl": (
            "Concentration index of the APL (by standard of living)"
        ),
        "index_concentration_apl_reading": (
            "negative: the reachable supply is concentrated among the least well-off"
        ),
        "opened_later": (
            "{n} structure(s) of {kinds} opened after {as_of}: absent from the "
            "state of {as_of}"
        ),
        "openings_only": (
            "only openings are dated: a structure closed since is no longer in the "
            "current list (FINESS as an up-to-date table), the state of {as_of} "
            "misses it and so underestimates the supply then"
        ),
        "before_unknown": (
            "compare.before: {n} commune code(s) absent from `inputs.communes` "
            "({labels}), listed 'before only'; give `compare.cog_history` (INSEE's "
            "mvtcommune table) to bring them to the current COG"
        ),
        "cog_note": (
            "communes of the older state brought to the current COG ({file}): {n} "
            "code(s) changed, {merged} merger(s)"
        ),
        "new_at": "new {kind} at {commune}",
        "new_n": "new {kind} no. {k}",
        "median_capacity": (
            "capacity of the structures opened without one: the median of their "
            "kind ({ids})"
        ),
        "proved": "proved optimal",
        "gap": "gap to the optimum ≤ {gap}",
        "suggest_note": (
            "{n} {kind} site(s) chosen among {pool} candidates to cover the most "
            "inhabitants within {bound} min (integer program, {proved})"
        ),
        "suggest_fewer": (
            "; {asked} asked for, the other candidates bring nobody more within reach"
        ),
    },
}
