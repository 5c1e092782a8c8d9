"""Scénario : open, close or move a structure; every place before and after."""

from __future__ import annotations

from qgis.core import (
    QgsProcessing,
    QgsProcessingParameterFeatureSource,
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


class Scenario(CoordogeoAlgorithm):
    KEY = "scenario"
    GROUP = "g_scenarios"
    VERB = "coordogeo.scenarios.compare"
    TEXT = {
        "fr": (
            "Scénario : ouvrir, fermer, déplacer une structure",
            (
                "Compare l'accès avant et après : les structures à ouvrir (une couche "
                "de points avec leur type), celles à fermer (leurs identifiants "
                "séparés par des virgules) ; déplacer une structure, c'est la fermer "
                "et l'ouvrir ailleurs. Chaque lieu garde ses habitants ; la couche "
                "donne les temps avant et après et la classe du changement (stylée "
                "comme la carte du scénario), le journal le bilan par type et par "
                "seuil."
            ),
        ),
        "en": (
            "Scenario: open, close, move a structure",
            (
                "Compares access before and after: the structures to open (a point "
                "layer with their kind), those to close (their identifiers separated "
                "by commas); moving a structure is closing it and opening it "
                "elsewhere. Every place keeps its inhabitants; the layer gives the "
                "times before and after and the class of the change (styled as the "
                "scenario map), the log the summary by kind and threshold."
            ),
        ),
    }

    def define(self, lang):
        fr = lang == "fr"
        add_places(self, lang)
        add_structures(self, lang)
        self.addParameter(
            QgsProcessingParameterField(
                "STRUCTURES_ID",
                "Identifiant des structures" if fr else "Structure identifier",
                None,
                "STRUCTURES",
                optional=True,
            )
        )
        add_network(self, lang)
        self.addParameter(
            QgsProcessingParameterFeatureSource(
                "OPEN",
                "Structures à ouvrir (points, même champ de type)"
                if fr
                else "Structures to open (points, same kind field)",
                [QgsProcessing.TypeVectorPoint],
                optional=True,
            )
        )
        self.addParameter(
            QgsProcessingParameterString(
                "CLOSE",
                "Structures à fermer (identifiants)"
                if fr
                else "Structures to close (identifiers)",
                "",
                optional=True,
            )
        )
        add_minutes(self, lang, 30)
        add_output(
            self, "Scénario : avant / après" if fr else "Scenario: before / after"
        )

    def compute(self, parameters, context, feedback):
        from coordogeo._columns import (
            TIME_AFTER,
            TIME_BEFORE,
            french_name,
            nearest_column,
        )
        from coordogeo.pipeline.styles import change_style
        from coordogeo.scenarios import apply, baseline, compare

        from .access import shown_kind

        fields = {"STRUCTURES_KIND": "kind"}
        places = read_places(self, parameters, context)
        structures = self.frame(parameters, "STRUCTURES", context, fields=fields)
        key = self.parameterAsString(parameters, "STRUCTURES_ID", context)
        if key:
            structures = structures.set_index(structures[key].astype(str))
        opened = self.frame(parameters, "OPEN", context, fields=fields, optional=True)
        if opened is not None:
            opened.index = [f"nouvelle_{n + 1}" for n in range(len(opened))]
            opened = opened.to_crs(structures.crs)
        text = self.parameterAsString(parameters, "CLOSE", context)
        closed = [c.strip() for c in text.split(",") if c.strip()]
        network = self.network(parameters, "NETWORK", context)
        bound = self.parameterAsDouble(parameters, "MAX_TIME", context)
        self.step(0.2, self.displayName())
        before = baseline(network, places, structures, max_time_min=bound)
        self.step(0.6, self.displayName())
        after = apply(before, open=opened, close=closed or None, name="après")
        found = compare(before, after)
        self.log_table(found.summary, self.displayName())
        changed = [  # the kind the layer is styled by: one opened or closed
            *(() if opened is None else opened["kind"]),
            *structures.loc[structures.index.isin(closed), "kind"],
        ]
        kind = shown_kind(changed or structures["kind"].unique())
        qml = change_style(
            french_name(nearest_column(TIME_BEFORE, kind)),
            french_name(nearest_column(TIME_AFTER, kind)),
            lang=self.lang,
            max_time_min=bound,
        )
        out = self.write(
            parameters,
            "OUTPUT",
            context,
            found.places,
            layer="scenario_avant_apres",
            title=self.displayName(),
            qml=qml,
        )
        return {"OUTPUT": out}
