"""The scenarios' words: the rows of their tables, their indicators and statuses."""

from __future__ import annotations

from typing import Final

__all__ = ["INDICATORS_FR", "ROW_LABELS", "STATUSES_FR"]

#: Indicator and status names of the written tables, in French.
INDICATORS_FR: Final = {
    "population_within": "habitants_a_portee",
    "population_out_of_reach": "habitants_hors_portee",
    "mean_time_min": "temps_moyen_min",
    "index_mean": "indice_moyen_pour_100k_hab",
    "population_below_index": "habitants_sous_seuil_indice",
    "population_index_up": "habitants_indice_en_hausse",
    "population_index_down": "habitants_indice_en_baisse",
    "n_zones": "nb_zones",
    "population_in_zones": "habitants_en_zones",
}
STATUSES_FR: Final = {
    "gained": "gagne",
    "lost": "perd",
    "unchanged": "inchange",
    "only_before": "avant_seulement",
    "only_after": "apres_seulement",
    "mixed": "mixte",
}
ROW_LABELS: Final = {
    "fr": {
        "population_within": "Habitants à {t} min ou moins",
        "population_out_of_reach": "Habitants au-delà de {bound} min ou hors réseau",
        "mean_time_min": "Temps moyen des habitants à {bound} min ou moins (min)",
        "index_mean": "Capacité totale pour 100 000 hab.",
        "population_index_up": "Habitants dont l'indice augmente",
        "population_index_down": "Habitants dont l'indice baisse",
        "population_below_index": "Habitants sous {t} (indice)",
    },
    "en": {
        "population_within": "Inhabitants within {t} min",
        "population_out_of_reach": "Inhabitants beyond {bound} min or off the roads",
        "mean_time_min": "Mean time of the inhabitants within {bound} min (min)",
        "index_mean": "Total capacity per 100,000 inhabitants",
        "population_index_up": "Inhabitants whose index rises",
        "population_index_down": "Inhabitants whose index falls",
        "population_below_index": "Inhabitants below {t} (index)",
    },
}
