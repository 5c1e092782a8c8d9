"""Indices d'accessibilité : 2SFCA, E2SFCA, 3SFCA, BFCA, gravity, APL."""

from __future__ import annotations

from qgis.core import (
    QgsProcessingOutputString,
    QgsProcessingParameterEnum,
    QgsProcessingParameterField,
    QgsProcessingParameterString,
)

from .base import CoordogeoAlgorithm
from .common import (
    add_minutes,
    add_network,
    add_output,
    add_places,
    add_structures,
    read_places,
)

METHODS = ("2sfca", "e2sfca", "3sfca", "bfca", "gravity", "apl")
DECAYS = ("", "drees_apl", "drees_apl_2012", "luo_qi_2009", "wan_2012")


class Indices(CoordogeoAlgorithm):
    KEY = "indice_accessibilite"
    GROUP = "g_indices"
    VERB = "coordogeo.access.road_fca"
    TEXT = {
        "fr": (
            "Indice d'accessibilité (2SFCA, E2SFCA, 3SFCA, BFCA, APL)",
            (
                "Rapporte l'offre (capacité des structures) à la demande (population) "
                "autour d'elle par la route : 2SFCA, E2SFCA (avec une décroissance), "
                "3SFCA, BFCA, gravitaire ; ou l'APL de la DREES sur des communes avec "
                "leurs tranches d'âge (poids à donner : « ind_0_3: 0.5, … », ceux de "
                "la DREES pour un APL publiable). L'indice est dans une colonne par "
                "méthode ; la couche est stylée comme la carte de l'indice (seuils de "
                "la DREES pour l'APL, quintiles pour 100 000 habitants sinon)."
            ),
        ),
        "en": (
            "Accessibility index (2SFCA, E2SFCA, 3SFCA, BFCA, APL)",
            (
                "Weighs supply (the structures' capacity) against the demand "
                "(population) around it by road: 2SFCA, E2SFCA (with a decay), 3SFCA, "
                "BFCA, gravity; or DREES's APL on communes with their age bands "
                '(weights to give: "ind_0_3: 0.5, …", DREES\'s for a publishable APL). '
                "The index is in one column per method; the layer is styled as the "
                "index map (DREES's bounds for the APL, quintiles per 100,000 "
                "inhabitants otherwise)."
            ),
        ),
    }

    def define(self, lang):
        fr = lang == "fr"
        add_places(self, lang)
        add_structures(self, lang, kind=False)
        self.addParameter(
            QgsProcessingParameterField(
                "CAPACITY",
                "Capacité des structures" if fr else "Capacity of the structures",
                "capacity",
                "STRUCTURES",
                QgsProcessingParameterField.Numeric,
                optional=True,
            )
        )
        add_network(self, lang)
        self.addParameter(
            QgsProcessingParameterEnum(
                "METHOD",
                "Méthode" if fr else "Method",
                list(METHODS),
                defaultValue=1,
            )
        )
        self.addParameter(
            QgsProcessingParameterEnum(
                "DECAY",
                "Décroissance (E2SFCA, APL)" if fr else "Decay (E2SFCA, APL)",
                list(DECAYS),
                defaultValue=1,
            )
        )
        add_minutes(self, lang, 30)
        self.addParameter(
            QgsProcessingParameterString(
                "AGE_WEIGHTS",
                "Poids des tranches d'âge (APL)" if fr else "Age band weights (APL)",
                "",
                optional=True,
            )
        )
        add_output(self, "Indice d'accessibilité" if fr else "Accessibility index")
        self.addOutput(
            QgsProcessingOutputString(
                "COLUMN", "Colonne de l'indice" if fr else "Index column"
            )
        )

    def compute(self, parameters, context, feedback):
        from coordogeo.access import apl, road_fca, travel_time_matrix
        from coordogeo.pipeline.styles import index_style

        method = METHODS[self.parameterAsEnum(parameters, "METHOD", context)]
        decay = DECAYS[self.parameterAsEnum(parameters, "DECAY", context)] or None
        places = read_places(self, parameters, context)
        supply = self.frame(
            parameters, "STRUCTURES", context, fields={"CAPACITY": "capacity"}
        )
        network = self.network(parameters, "NETWORK", context)
        bound = self.parameterAsDouble(parameters, "MAX_TIME", context)
        self.step(0.3, self.displayName())
        if method == "apl":
            weights = _weights(
                self.parameterAsString(parameters, "AGE_WEIGHTS", context)
            )
            matrix = travel_time_matrix(network, places, supply, max_time_min=bound)
            self.step(0.7, "APL")
            result = apl(
                places, supply, matrix, age_weights=weights, decay=decay or "drees_apl"
            )
            column = "apl_consultations_per_inhabitant"
        else:
            result = road_fca(
                network, places, supply, max_time_min=bound, method=method, decay=decay
            ).demand
            column = next(c for c in result if c.startswith(f"{method}_"))
        labels = "nom" if "nom" in result else None
        qml = index_style(result[column], column, lang=self.lang, labels=labels)
        self.feedback.pushInfo(
            f"{column}: moyenne pondérée {_weighted_mean(result, column):.6g}"
            if self.lang == "fr"
            else f"{column}: weighted mean {_weighted_mean(result, column):.6g}"
        )
        out = self.write(
            parameters,
            "OUTPUT",
            context,
            result,
            layer="indice",
            title=self.displayName().split(" (")[0],
            qml=qml,
        )
        return {"OUTPUT": out, "COLUMN": column}


def _weighted_mean(frame, column: str) -> float:
    import numpy as np

    values = frame[column].to_numpy(float)
    weights = frame["population"].to_numpy(float)
    kept = np.isfinite(values) & np.isfinite(weights)
    return (
        float(np.average(values[kept], weights=weights[kept]))
        if kept.any()
        else float("nan")
    )


def _weights(text: str) -> dict[str, float]:
    """Read "ind_0_3: 0.5, ind_4_5: 0.6" as the APL's age weights."""
    from coordogeo.errors import InputError

    pairs = [p for p in text.replace(";", ",").split(",") if p.strip()]
    try:
        weights = {k.strip(): float(v) for k, v in (p.split(":") for p in pairs)}
    except ValueError:
        weights = {}
    if not weights:
        raise InputError(
            "AGE_WEIGHTS: the APL needs the weight of each age band, written "
            '"ind_0_3: 0.5, ind_4_5: 0.6, …" (DREES\'s for a publishable APL); '
            f"got {text!r}."
        )
    return weights
