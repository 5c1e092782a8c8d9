"""The report's words: headings, sentences and column names, in French and English."""

from __future__ import annotations

from typing import Final

__all__ = ["INDEX_NAMES", "REPORT_TEXT"]


#: The report's headings, sentences and column names, by language.
REPORT_TEXT: Final[dict[str, dict[str, str]]] = {
    "fr": {
        "title": "Rapport coordogeo",
        "inputs": "Données lues",
        "key": "clé",
        "file": "fichier",
        "rows": "lignes",
        "people": "habitants",
        "vintage": "millésime",
        "source_line": "Ligne de sources des cartes",
        "cpts_name": "nom",
        "report_link": "rapport",
        "cpts_size": "taille",
        "aside": "Lignes écartées, signalées ou complétées",
        "none_aside": "Aucune ligne écartée, signalée ni complétée.",
        "what": "quoi",
        "why": "pourquoi",
        "kept": "gardées (signalées)",
        "dropped": "écartées",
        "filled": "complétées",
        "examples": "exemples",
        "ledger": "Bilan des habitants",
        "ledger_text": "habitants en entrée = à portée + au-delà de la borne + hors "
        "réseau routier",
        "kind": "type",
        "within": "à moins de {t} min",
        "beyond": "au-delà",
        "off": "hors réseau",
        "results": "Résultats",
        "warnings": "Avertissements",
        "parameters": "Paramètres",
        "steps": "Durée des étapes",
        "coverage": "Couverture par les CPTS",
        "in_cpts": "Population dans au moins une CPTS",
        "shared": "Communes dans plusieurs CPTS",
        "gaps": "Communes hors CPTS",
        "times": "Temps de trajet jusqu'à la structure la plus proche",
        "times_note": "part de la population au-delà de chaque seuil ; « non "
        "accessible » : hors réseau routier ou au-delà de {t} min",
        "unreachable": "non accessible",
        "index": "Indice d'accessibilité par commune",
        "mean": "moyenne pondérée par la population",
        "low": "Communes sous le seuil",
        "zones": "Zones mal desservies",
        "zonage": "Zonage de type ZIP / ZAC à la commune (sans plafond régional)",
        "sites": "Nouvelles structures qui couvriraient le plus d'habitants",
        "best_set": "meilleur ensemble de {n} sites (programme linéaire en nombres "
        "entiers, {proved}), listés par gain",
        "proved": "optimum prouvé",
        "gap": "écart à l'optimum ≤ {gap}",
        "scenarios": "Scénarios",
        "evolution": "Évolution dans le temps",
        "opened": "ouvertes",
        "closed": "fermées",
        "resized": "capacité changée",
        "conserved": "Conservation ({kind}) : {total} habitants = {gained} gagnent + "
        "{lost} perdent + {same} inchangés + {gone} absents après",
        "conserved_after": "puis, après : {total} habitants = {total_before} - "
        "{gone} absents après + {new} nouveaux lieux + {moved} d'évolution sur place",
        "measure": "indicateur",
        "checks": "Contrôles des données entre elles",
        "index_block": "indice ({method}), toutes les structures de l'indice ({kinds})",
        "before": "avant",
        "after": "après",
        "change": "évolution",
        "no_site": "(aucun site demandé)",
        "no_gain": (
            "aucun des {n} sites demandés n'amène d'habitant de plus à moins de "
            "{bound} min de {kind} : chaque candidat est déjà à portée d'une "
            "structure existante ou n'atteint personne de plus"
        ),
        "now": "couverts aujourd'hui",
        "model": "Modèle de temps",
        "communes": "communes",
        "mean_min": "temps moyen (min)",
        "hab": "hab.",
        "written": "Fichiers écrits",
        "equity": "Accès selon le niveau de vie",
        "equity_note": "Temps jusqu'à la structure la plus proche selon le niveau "
        "de vie moyen de chaque lieu ({income}) ; mesure écologique, à l'échelle "
        "des carreaux, jamais des ménages. Hors indices : {off} hab. non "
        "accessibles, {none} hab. sans niveau de vie (secret statistique).",
        "indicator": "indice",
        "value": "valeur",
        "reading": "lecture",
        "group": "groupe (1 = plus modestes)",
        "income": "niveau de vie (€/an)",
    },
    "en": {
        "title": "coordogeo report",
        "inputs": "Inputs read",
        "key": "key",
        "file": "file",
        "rows": "rows",
        "people": "inhabitants",
        "vintage": "vintage",
        "source_line": "Source line of the maps",
        "cpts_name": "name",
        "report_link": "report",
        "cpts_size": "size",
        "aside": "Rows set aside, flagged or filled",
        "none_aside": "No row was set aside, flagged or filled.",
        "what": "what",
        "why": "why",
        "kept": "kept (flagged)",
        "dropped": "set aside",
        "filled": "filled",
        "examples": "examples",
        "ledger": "Inhabitants accounted for",
        "ledger_text": "inhabitants in = within reach + beyond the bound + off the "
        "road network",
        "kind": "kind",
        "within": "within {t} min",
        "beyond": "beyond",
        "off": "off network",
        "results": "Results",
        "warnings": "Warnings",
        "parameters": "Parameters",
        "steps": "Time per step",
        "coverage": "CPTS coverage",
        "in_cpts": "Population in at least one CPTS",
        "shared": "Communes in several CPTS",
        "gaps": "Communes in no CPTS",
        "times": "Travel time to the nearest structure",
        "times_note": "share of the population beyond each threshold; "
        "'unreachable': off the road network or beyond {t} min",
        "unreachable": "unreachable",
        "index": "Accessibility index per commune",
        "mean": "population-weighted mean",
        "low": "Communes below the threshold",
        "zones": "Under-served zones",
        "zonage": "ZIP / ZAC-style zonage of the communes (no regional cap)",
        "sites": "New structures that would cover the most inhabitants",
        "best_set": "best set of {n} sites (integer program, {proved}), listed by gain",
        "proved": "proved optimal",
        "gap": "gap to the optimum ≤ {gap}",
        "scenarios": "Scenarios",
        "evolution": "Change over time",
        "opened": "opened",
        "closed": "closed",
        "resized": "capacity changed",
        "conserved": "Conservation ({kind}): {total} inhabitants = {gained} gain + "
        "{lost} lose + {same} unchanged + {gone} absent after",
        "conserved_after": "then, after: {total} inhabitants = {total_before} - "
        "{gone} absent after + {new} new places + {moved} change in place",
        "measure": "indicator",
        "checks": "Checks of the inputs against each other",
        "index_block": "index ({method}), every structure of the index ({kinds})",
        "before": "before",
        "after": "after",
        "change": "change",
        "no_site": "(no site asked for)",
        "no_gain": (
            "none of the {n} sites asked for brings anyone more within {bound} min "
            "of a {kind}: every candidate reaches only people an existing structure "
            "already reaches"
        ),
        "now": "covered today",
        "model": "Time model",
        "communes": "communes",
        "mean_min": "mean time (min)",
        "hab": "inhab.",
        "written": "Files written",
        "equity": "Access by standard of living",
        "equity_note": "Time to the nearest structure by the mean standard of "
        "living of each place ({income}); an ecological measure at cell level, "
        "never about a household. Left out of the indices: {off} inhabitants "
        "unreachable, {none} without a standard of living (statistical secrecy).",
        "indicator": "index",
        "value": "value",
        "reading": "how to read it",
        "group": "group (1 = poorest)",
        "income": "standard of living (€/year)",
    },
}


#: What the index columns are, for people.
INDEX_NAMES: Final[dict[str, dict[str, str]]] = {
    "fr": {
        "apl_consultations_per_inhabitant": "APL (consultations par an et par "
        "habitant standardisé)",
        "apl_fte_per_100k": "APL (ETP pour 100 000 habitants standardisés)",
    },
    "en": {
        "apl_consultations_per_inhabitant": "APL (consultations per year per "
        "standardised inhabitant)",
        "apl_fte_per_100k": "APL (FTE per 100,000 standardised inhabitants)",
    },
}
