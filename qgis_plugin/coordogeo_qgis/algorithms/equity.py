"""Accès selon le niveau de vie: the field's inequality indices, a table by decile."""

from __future__ import annotations

from qgis.core import (
    QgsProcessingOutputNumber,
    QgsProcessingParameterField,
    QgsProcessingParameterNumber,
)

from .base import CoordogeoAlgorithm
from .common import add_output, add_places, add_time_field, read_places


class Equity(CoordogeoAlgorithm):
    KEY = "acces_niveau_vie"
    GROUP = "g_equity"
    VERB = "coordogeo.equity.by_income"
    TEXT = {
        "fr": (
            "Accès selon le niveau de vie",
            (
                "Les plus modestes sont-ils les plus loin ? Par décile de niveau de "
                "vie pondéré par la population : population, temps moyen, parts "
                "au-delà de 10, 20 et 30 minutes (la table). Dans le journal : "
                "l'indice de concentration (négatif : les temps longs chez les plus "
                "modestes), le Gini des temps et le rapport de Palma."
            ),
        ),
        "en": (
            "Access by standard of living",
            (
                "Are the poorest the farthest? By population-weighted decile of "
                "standard of living: population, mean time, shares beyond 10, 20 and "
                "30 minutes (the table). In the log: the concentration index "
                "(negative: long times among the poorest), the Gini of the times and "
                "the Palma ratio."
            ),
        ),
    }

    def define(self, lang):
        fr = lang == "fr"
        add_places(self, lang)
        add_time_field(self, lang)
        self.addParameter(
            QgsProcessingParameterField(
                "INCOME",
                "Niveau de vie" if fr else "Standard of living",
                "niveau_vie_moyen",
                "PLACES",
                QgsProcessingParameterField.Numeric,
                optional=True,
            )
        )
        self.addParameter(
            QgsProcessingParameterNumber(
                "GROUPS",
                "Nombre de groupes (10 : déciles)"
                if fr
                else "Number of groups (10: deciles)",
                QgsProcessingParameterNumber.Integer,
                10,
                minValue=2,
            )
        )
        add_output(
            self,
            "Accès par décile de niveau de vie"
            if fr
            else "Access by decile of standard of living",
        )
        for key in ("CONCENTRATION_INDEX", "ERREYGERS_INDEX", "GINI", "PALMA_RATIO"):
            self.addOutput(
                QgsProcessingOutputNumber(key, key.replace("_", " ").title())
            )

    def compute(self, parameters, context, feedback):
        import numpy as np

        from coordogeo.equity import by_income, concentration_index, gini, palma_ratio

        places = read_places(self, parameters, context)
        time = self.parameterAsString(parameters, "TIME", context)
        income = self.parameterAsString(parameters, "INCOME", context)
        places = places.drop(columns=["travel_time_min"], errors="ignore")
        places = places.rename(columns={time: "travel_time_min"})  # its table's words
        time = "travel_time_min"
        self.step(0.4, self.displayName())
        found = by_income(
            places,
            time,
            income=income,
            groups=self.parameterAsInt(parameters, "GROUPS", context),
        )
        kept = places[[time, income, "population"]].dropna()
        values, weights = (kept[c].to_numpy(np.float64) for c in (time, "population"))
        ranks = kept[income].to_numpy(np.float64)
        indices = {
            "concentration_index": concentration_index(values, weights, ranks),
            "erreygers_index": concentration_index(
                values, weights, ranks, corrected=True
            ),
            "gini": gini(values, weights),
            "palma_ratio": palma_ratio(values, weights, ranks),
        }
        shown = "\n".join(f"{k}: {v:.4f}" for k, v in indices.items())
        self.feedback.pushInfo(shown)
        self.log_table(found.table, self.displayName())
        out = self.write(
            parameters,
            "OUTPUT",
            context,
            found.table.reset_index(),
            layer="acces_niveau_vie",
        )
        return {"OUTPUT": out, **{k.upper(): float(v) for k, v in indices.items()}}
