"""Zones mal desservies, zonage, sites proposés."""

from __future__ import annotations

from qgis.core import (
    QgsProcessing,
    QgsProcessingParameterEnum,
    QgsProcessingParameterFeatureSource,
    QgsProcessingParameterField,
    QgsProcessingParameterNumber,
    QgsProcessingParameterVectorDestination,
)

from .base import CoordogeoAlgorithm
from .common import (
    POINTS_OR_AREAS,
    add_minutes,
    add_network,
    add_output,
    add_places,
    add_structures,
    add_time_field,
    read_places,
)


class Zones(CoordogeoAlgorithm):
    KEY = "zones_mal_desservies"
    GROUP = "g_underserved"
    VERB = "coordogeo.underserved.zones"
    TEXT = {
        "fr": (
            "Zones mal desservies",
            (
                "Les lieux dont le temps d'accès dépasse le seuil (ou hors d'atteinte) "
                "sont réunis en zones contiguës (reine : un coin commun suffit), "
                "mesurées (population, surface, temps moyen et maximal, communes) et "
                "classées par population. Donnez la couche de « Temps d'accès à la "
                "structure la plus proche » et sa colonne de temps."
            ),
        ),
        "en": (
            "Under-served zones",
            (
                "The places whose travel time is above the threshold (or out of reach) "
                "are merged into contiguous zones (queen: a shared corner is enough), "
                "measured (population, area, mean and maximum time, communes) and "
                "ranked "
                'by population. Give the layer of "Travel time to the nearest '
                'structure" and its time column.'
            ),
        ),
    }

    def define(self, lang):
        fr = lang == "fr"
        add_places(self, lang)
        add_time_field(self, lang)
        add_minutes(self, lang, 20, name="THRESHOLD")
        self.addParameter(
            QgsProcessingParameterNumber(
                "MIN_POPULATION",
                "Population minimale d'une zone"
                if fr
                else "Minimum population of a zone",
                QgsProcessingParameterNumber.Double,
                0,
                minValue=0,
            )
        )
        add_output(self, "Zones mal desservies" if fr else "Under-served zones")

    def compute(self, parameters, context, feedback):
        from coordogeo.pipeline.styles import zones_style
        from coordogeo.underserved import classify, travel_time_above, zones

        places = read_places(self, parameters, context)
        time = self.parameterAsString(parameters, "TIME", context)
        minutes = self.parameterAsDouble(parameters, "THRESHOLD", context)
        self.step(0.4, self.displayName())
        flagged = classify(
            places, [travel_time_above(minutes, column=time)], lang=self.lang
        )
        found = zones(
            flagged,
            time_column=time,
            min_population=self.parameterAsDouble(
                parameters, "MIN_POPULATION", context
            ),
        )
        self.feedback.pushInfo(
            f"{len(found)} zones, {found['population'].sum():.0f} hab."
            if self.lang == "fr"
            else f"{len(found)} zones, {found['population'].sum():.0f} inhabitants"
        )
        out = self.write(
            parameters,
            "OUTPUT",
            context,
            found,
            layer="zones_mal_desservies",
            qml=zones_style(self.lang),
        )
        return {"OUTPUT": out}


class Zonage(CoordogeoAlgorithm):
    KEY = "zonage"
    GROUP = "g_underserved"
    VERB = "coordogeo.underserved.zonage"
    TEXT = {
        "fr": (
            "Zonage",
            (
                "Classe les communes (ou zones) dans les catégories du zonage selon "
                "leur APL : seuils de la DREES par défaut. Donnez la couche de "
                "l'indice APL et sa colonne."
            ),
        ),
        "en": (
            "Zonage",
            (
                "Sorts the communes (or zones) into zonage categories from their APL: "
                "DREES's thresholds by default. Give the APL index layer and its "
                "column."
            ),
        ),
    }

    def define(self, lang):
        fr = lang == "fr"
        self.addParameter(
            QgsProcessingParameterFeatureSource(
                "AREAS",
                "Communes avec leur APL" if fr else "Communes with their APL",
                POINTS_OR_AREAS,
            )
        )
        self.addParameter(
            QgsProcessingParameterField(
                "APL",
                "APL",
                "apl_consultations_par_hab",
                "AREAS",
                QgsProcessingParameterField.Numeric,
                optional=True,
            )
        )
        self.addParameter(QgsProcessingParameterVectorDestination("OUTPUT", "Zonage"))

    def compute(self, parameters, context, feedback):
        from coordogeo.pipeline.styles import zonage_style
        from coordogeo.underserved import zonage

        areas = self.frame(parameters, "AREAS", context)
        column = self.parameterAsString(parameters, "APL", context)
        self.step(0.5, self.displayName())
        result = zonage(areas, apl=column, lang=self.lang)
        self.log_table(result["zonage"].value_counts().rename("n").to_frame(), "Zonage")
        labels = "nom" if "nom" in result else None
        out = self.write(
            parameters,
            "OUTPUT",
            context,
            result,
            layer="zonage",
            qml=zonage_style(self.lang, labels=labels),
        )
        return {"OUTPUT": out}


class Sites(CoordogeoAlgorithm):
    KEY = "sites_proposes"
    GROUP = "g_underserved"
    VERB = "coordogeo.underserved.suggest_sites"
    TEXT = {
        "fr": (
            "Sites proposés (glouton / exact)",
            (
                "Choisit parmi les sites candidats ceux qui mettent le plus "
                "d'habitants à moins du temps donné d'une structure (couverture "
                "maximale) : glouton (au moins 63 % du meilleur gain, souvent 97–100 "
                "%) ou exact (programme en nombres entiers, HiGHS). Les sites sont "
                "dans l'ordre de leur gain, avec la population couverte cumulée."
            ),
        ),
        "en": (
            "Suggested sites (greedy / exact)",
            (
                "Picks among the candidate sites those that bring the most inhabitants "
                "within the given time of a structure (maximal covering): greedy (at "
                "least 63 % of the best gain, often 97–100 %) or exact (integer "
                "program, HiGHS). The sites come in order of their gain, with the "
                "cumulative population covered."
            ),
        ),
    }

    def define(self, lang):
        fr = lang == "fr"
        add_places(self, lang)
        add_structures(self, lang, kind=False)
        self.addParameter(
            QgsProcessingParameterFeatureSource(
                "CANDIDATES",
                "Sites candidats (points)" if fr else "Candidate sites (points)",
                [QgsProcessing.TypeVectorPoint],
            )
        )
        add_network(self, lang)
        self.addParameter(
            QgsProcessingParameterNumber(
                "N_SITES",
                "Nombre de sites" if fr else "Number of sites",
                QgsProcessingParameterNumber.Integer,
                3,
                minValue=1,
            )
        )
        add_minutes(self, lang, 20)
        self.addParameter(
            QgsProcessingParameterEnum(
                "METHOD",
                "Méthode" if fr else "Method",
                ["glouton", "exact"] if fr else ["greedy", "exact"],
                defaultValue=0,
            )
        )
        add_output(self, "Sites proposés" if fr else "Suggested sites")

    def compute(self, parameters, context, feedback):
        from coordogeo.pipeline.styles import sites_style
        from coordogeo.underserved import suggest_sites

        places = read_places(self, parameters, context)
        existing = self.frame(parameters, "STRUCTURES", context)
        candidates = self.frame(parameters, "CANDIDATES", context)
        candidates.index = [f"candidat_{n}" for n in range(len(candidates))]
        network = self.network(parameters, "NETWORK", context)
        self.step(0.3, self.displayName())
        chosen = suggest_sites(
            network,
            places,
            existing,
            candidates,
            n_sites=self.parameterAsInt(parameters, "N_SITES", context),
            max_time_min=self.parameterAsDouble(parameters, "MAX_TIME", context),
            method=("greedy", "exact")[
                self.parameterAsEnum(parameters, "METHOD", context)
            ],
        )
        self.log_table(
            chosen[["step", "population_gain", "population_covered", "share_covered"]],
            self.displayName(),
        )
        out = self.write(
            parameters,
            "OUTPUT",
            context,
            chosen,
            layer="sites_proposes",
            qml=sites_style(self.lang),
        )
        return {"OUTPUT": out}
