"""Accès : nearest structure, isochrones, a travel-time matrix."""

from __future__ import annotations

from qgis.core import (
    QgsProcessingParameterBoolean,
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
    minutes_list,
    read_places,
)


def shown_kind(kinds) -> str:
    """Return the kind a layer of several is styled by: MSP where there is one."""
    kinds = sorted(str(k) for k in kinds)
    return "MSP" if "MSP" in kinds else kinds[0]


class Nearest(CoordogeoAlgorithm):
    KEY = "temps_acces"
    GROUP = "g_access"
    VERB = "coordogeo.nearest"
    TEXT = {
        "fr": (
            "Temps d'accès à la structure la plus proche",
            (
                "Temps de trajet routier (minutes) de chaque lieu habité à la "
                "structure la plus proche, de chaque type si un champ de type est "
                "donné (une colonne temps_min_<type> par type). Les lieux au-delà du "
                "temps maximal sont comptés hors d'atteinte. Le journal donne la "
                "population à moins de 10, 20 et 30 minutes. La couche est stylée "
                "comme la carte d'accès (classes 10 / 20 / 30 min, lieux hors réseau "
                "en gris)."
            ),
        ),
        "en": (
            "Travel time to the nearest structure",
            (
                "Road travel time (minutes) from each inhabited place to the nearest "
                "structure, of each kind when a kind field is given (one column "
                "temps_min_<kind> per kind). Places beyond the maximum time are "
                "counted out of reach. The log gives the population within 10, 20 and "
                "30 minutes. The layer is styled as the access map (classes 10 / 20 / "
                "30 min, off-network places in grey)."
            ),
        ),
    }

    def define(self, lang):
        add_places(self, lang)
        add_structures(self, lang)
        add_network(self, lang)
        add_minutes(self, lang, 60)
        add_output(self, "Temps d'accès" if lang == "fr" else "Travel times")

    def compute(self, parameters, context, feedback):
        import coordogeo
        from coordogeo._columns import french_name, nearest_column
        from coordogeo.access import time_summary
        from coordogeo.pipeline.styles import time_style

        places = read_places(self, parameters, context)
        structures = self.frame(
            parameters, "STRUCTURES", context, fields={"STRUCTURES_KIND": "kind"}
        )
        by = (
            "kind"
            if self.parameterAsString(parameters, "STRUCTURES_KIND", context)
            else None
        )
        network = self.network(parameters, "NETWORK", context)
        self.step(0.3, self.TEXT[self.lang][0])
        result = coordogeo.nearest(
            network,
            places,
            structures,
            by=by,
            max_time_min=self.parameterAsDouble(parameters, "MAX_TIME", context),
        )
        self.step(0.8)
        times = [c for c in result if c.startswith("travel_time_min")]
        self.log_table(time_summary(result, columns=times), self.displayName())
        kind = shown_kind(structures["kind"].unique()) if by else None
        qml = time_style(
            french_name(nearest_column(kind=kind)),
            lang=self.lang,
            off_network="snapped" in result,
        )
        out = self.write(
            parameters,
            "OUTPUT",
            context,
            result,
            layer="temps_acces",
            title=self.displayName(),
            qml=qml,
        )
        return {"OUTPUT": out}


class Isochrones(CoordogeoAlgorithm):
    KEY = "isochrones"
    GROUP = "g_access"
    VERB = "coordogeo.access.isochrones"
    TEXT = {
        "fr": (
            "Isochrones",
            (
                "Polygones des lieux d'où un site est atteint en moins de chaque seuil "
                "(minutes de route), pour l'ensemble des sites ou pour chacun. Stylés "
                "comme les classes de temps de la carte d'accès."
            ),
        ),
        "en": (
            "Isochrones",
            (
                "Polygons of the places from which a site is reached within each "
                "threshold (road minutes), for all the sites together or for each. "
                "Styled as the access map's time classes."
            ),
        ),
    }

    def define(self, lang):
        fr = lang == "fr"
        add_structures(self, lang, name="SITES", kind=False)
        add_network(self, lang)
        self.addParameter(
            QgsProcessingParameterString(
                "THRESHOLDS",
                "Seuils (min)" if fr else "Thresholds (min)",
                "10, 20, 30",
            )
        )
        self.addParameter(
            QgsProcessingParameterBoolean(
                "PER_SITE",
                "Une isochrone par site" if fr else "One isochrone per site",
                False,
            )
        )
        add_output(self, "Isochrones")

    def compute(self, parameters, context, feedback):
        from coordogeo._columns import french_name
        from coordogeo.access import isochrones
        from coordogeo.pipeline.styles import time_style

        sites = self.frame(parameters, "SITES", context)
        network = self.network(parameters, "NETWORK", context)
        self.step(0.3, self.displayName())
        result = isochrones(
            network,
            sites,
            thresholds_min=minutes_list(
                self.parameterAsString(parameters, "THRESHOLDS", context)
            ),
            per_site=self.parameterAsBoolean(parameters, "PER_SITE", context),
        )
        qml = time_style(french_name("max_time_min"), lang=self.lang, off_network=False)
        out = self.write(
            parameters,
            "OUTPUT",
            context,
            result,
            layer="isochrones",
            title=self.displayName(),
            qml=qml,
        )
        return {"OUTPUT": out}


class Matrix(CoordogeoAlgorithm):
    KEY = "matrice_temps"
    GROUP = "g_access"
    VERB = "coordogeo.access.travel_time_matrix"
    TEXT = {
        "fr": (
            "Matrice de temps (bornée)",
            (
                "Minutes de route de chaque origine à chaque destination à moins du "
                "temps maximal, en table longue (origine, destination, minutes) : les "
                "paires plus lointaines ne sont pas écrites. Les identifiants sont les "
                "champs choisis (sinon le numéro de l'entité, à partir de 0)."
            ),
        ),
        "en": (
            "Travel-time matrix (bounded)",
            (
                "Road minutes from every origin to every destination within the "
                "maximum time, as a long table (origin, destination, minutes): "
                "farther pairs are not written. Identifiers are the chosen fields "
                "(else the feature's number, from 0)."
            ),
        ),
    }

    def define(self, lang):
        fr = lang == "fr"
        add_places(self, lang, name="ORIGINS", population=False)
        self.addParameter(
            QgsProcessingParameterField(
                "ORIGIN_ID",
                "Identifiant des origines" if fr else "Origin identifier",
                None,
                "ORIGINS",
                optional=True,
            )
        )
        add_structures(self, lang, name="DESTINATIONS", kind=False)
        self.addParameter(
            QgsProcessingParameterField(
                "DESTINATION_ID",
                "Identifiant des destinations" if fr else "Destination identifier",
                None,
                "DESTINATIONS",
                optional=True,
            )
        )
        add_network(self, lang)
        add_minutes(self, lang, 30)
        add_output(self, "Matrice de temps" if fr else "Travel-time matrix")

    def compute(self, parameters, context, feedback):
        from coordogeo.access import travel_time_matrix

        sides = []
        for name in ("ORIGINS", "DESTINATIONS"):
            frame = self.frame(parameters, name, context)
            key = self.parameterAsString(
                parameters,
                "ORIGIN_ID" if name == "ORIGINS" else "DESTINATION_ID",
                context,
            )
            sides.append(frame.set_index(key) if key else frame)
        network = self.network(parameters, "NETWORK", context)
        self.step(0.3, self.displayName())
        matrix = travel_time_matrix(
            network,
            *sides,
            max_time_min=self.parameterAsDouble(parameters, "MAX_TIME", context),
        )
        table = matrix.to_table()
        self.feedback.pushInfo(f"{len(table)} / {matrix.shape[0] * matrix.shape[1]}")
        out = self.write(
            parameters,
            "OUTPUT",
            context,
            table,
            layer="matrice_temps",
            title=self.displayName(),
        )
        return {"OUTPUT": out}
