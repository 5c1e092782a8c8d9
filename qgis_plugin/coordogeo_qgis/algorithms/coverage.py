"""Couverture CPTS : territories, overlaps, communes in no CPTS, rates."""

from __future__ import annotations

from qgis.core import (
    QgsProcessing,
    QgsProcessingParameterFeatureSource,
    QgsProcessingParameterField,
    QgsProcessingParameterVectorDestination,
)

from .base import CoordogeoAlgorithm


class Coverage(CoordogeoAlgorithm):
    KEY = "couverture_cpts"
    GROUP = "g_coverage"
    VERB = "coordogeo.coverage.cpts_territories"
    TEXT = {
        "fr": (
            "Couverture CPTS",
            (
                "Le territoire de chaque CPTS (ses communes réunies, sa population, "
                "sa taille ACI), les communes dans plusieurs CPTS (hachurées) ou dans "
                "aucune (en rouge), et dans le journal les habitants couverts une "
                "fois, plusieurs fois ou pas du tout. La liste des membres est une "
                "table (cpts_id, cpts_name, insee), une couche sans géométrie."
            ),
        ),
        "en": (
            "CPTS coverage",
            (
                "Each CPTS's territory (its communes dissolved, its population, its "
                "ACI size band), the communes in several CPTS (hatched) or in none "
                "(red), and in the log the inhabitants covered once, several times or "
                "not at all. The member list is a table (cpts_id, cpts_name, insee), "
                "a layer without geometry."
            ),
        ),
    }

    def define(self, lang):
        fr = lang == "fr"
        self.addParameter(
            QgsProcessingParameterFeatureSource(
                "COMMUNES",
                "Communes",
                [QgsProcessing.TypeVectorPolygon],
            )
        )
        self.addParameter(
            QgsProcessingParameterField(
                "INSEE",
                "Code INSEE" if fr else "INSEE code",
                "insee",
                "COMMUNES",
                optional=True,
            )
        )
        self.addParameter(
            QgsProcessingParameterField(
                "POPULATION",
                "Population",
                "population",
                "COMMUNES",
                QgsProcessingParameterField.Numeric,
                optional=True,
            )
        )
        self.addParameter(
            QgsProcessingParameterFeatureSource(
                "MEMBERS",
                "Membres des CPTS (cpts_id, cpts_name, insee)"
                if fr
                else "CPTS members (cpts_id, cpts_name, insee)",
                [QgsProcessing.TypeVector],
            )
        )
        for key, default, fr_text, en_text in (
            ("MEMBER_ID", "cpts_id", "Identifiant de la CPTS", "CPTS identifier"),
            ("MEMBER_NAME", "cpts_name", "Nom de la CPTS", "CPTS name"),
            ("MEMBER_INSEE", "insee", "Code INSEE du membre", "Member's INSEE code"),
        ):
            self.addParameter(
                QgsProcessingParameterField(
                    key,
                    fr_text if fr else en_text,
                    default,
                    "MEMBERS",
                    optional=True,
                )
            )
        self.addParameter(
            QgsProcessingParameterVectorDestination(
                "TERRITORIES",
                "Territoires des CPTS" if fr else "CPTS territories",
            )
        )
        self.addParameter(
            QgsProcessingParameterVectorDestination(
                "GAPS",
                "Communes hors CPTS ou partagées"
                if fr
                else "Communes in no CPTS or shared",
            )
        )

    def compute(self, parameters, context, feedback):
        from coordogeo.coverage import (
            coverage_rates,
            cpts_territories,
            overlaps_and_gaps,
        )
        from coordogeo.io import read_cpts_members
        from coordogeo.pipeline.styles import cpts_style, gaps_style

        communes = self.frame(
            parameters,
            "COMMUNES",
            context,
            fields={"INSEE": "insee", "POPULATION": "population"},
        )
        communes["insee"] = communes["insee"].astype(str)
        table = self.frame(
            parameters,
            "MEMBERS",
            context,
            fields={
                "MEMBER_ID": "cpts_id",
                "MEMBER_NAME": "cpts_name",
                "MEMBER_INSEE": "insee",
            },
        )
        members = read_cpts_members(
            table.drop(columns="geometry", errors="ignore"), communes=communes
        )
        self.step(0.4, self.displayName())
        territories = cpts_territories(communes, members)
        odd = overlaps_and_gaps(communes, members)
        rates = coverage_rates(
            communes.assign(territoire="*"), members, by="territoire"
        )
        self.log_table(rates, self.displayName())
        out = {
            "TERRITORIES": self.write(
                parameters,
                "TERRITORIES",
                context,
                territories,
                layer="cpts",
                qml=cpts_style(territories),
            ),
            "GAPS": self.write(
                parameters,
                "GAPS",
                context,
                odd,
                layer="communes_hors_cpts_ou_partagees",
                qml=gaps_style(self.lang),
            ),
        }
        return out
