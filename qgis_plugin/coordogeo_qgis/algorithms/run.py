"""Exécuter une configuration: the whole ``coordogeo run``, its outputs in QGIS."""

from __future__ import annotations

import re

from qgis.core import (
    QgsProcessingContext,
    QgsProcessingOutputFile,
    QgsProcessingParameterFile,
    QgsProcessingParameterFolderDestination,
    QgsProject,
)

from .base import Cancelled, CoordogeoAlgorithm

STEP = re.compile(r"\[(\d+)/(\d+)\]")


class _Progress:
    """The run's step lines to QGIS's log and progress bar; cancel between steps."""

    def __init__(self, feedback) -> None:
        self.feedback, self.line = feedback, ""

    def write(self, text: str) -> int:
        if self.feedback.isCanceled():
            raise Cancelled
        self.line += text
        while "\n" in self.line:
            done, self.line = self.line.split("\n", 1)
            self.feedback.pushInfo(done)
        found = STEP.search(text)
        if found:
            k, n = (int(v) for v in found.groups())
            self.feedback.setProgress(100.0 * (k - 1) / n)
        return len(text)

    def flush(self) -> None:
        pass


class RunConfig(CoordogeoAlgorithm):
    KEY = "executer_configuration"
    GROUP = "g_run"
    VERB = "coordogeo.pipeline.run"
    TEXT = {
        "fr": (
            "Exécuter une configuration coordogeo",
            (
                "Fait tout le travail de « coordogeo run » sur un fichier de "
                "configuration TOML (« coordogeo init » en écrit un, commenté) : "
                "temps, couverture, indice, zones, sites, équité, scénarios, cartes "
                "web et figures, GeoPackage et rapport. Les couches du GeoPackage "
                "sont ajoutées au projet avec leurs styles ; le rapport (rapport.md) "
                "est dans le dossier de sortie. Sans dossier de sortie, celui de la "
                "configuration."
            ),
        ),
        "en": (
            "Run a coordogeo configuration",
            (
                'Does the whole work of "coordogeo run" on a TOML configuration file '
                '("coordogeo init" writes one, commented): times, coverage, index, '
                "zones, sites, equity, scenarios, web maps and figures, GeoPackage and "
                "report. The GeoPackage's layers are added to the project with their "
                "styles; the report (rapport.md) is in the output folder. Without an "
                "output folder, the configuration's."
            ),
        ),
    }

    def define(self, lang):
        fr = lang == "fr"
        self.addParameter(
            QgsProcessingParameterFile(
                "CONFIG",
                "Configuration (TOML)",
                fileFilter="TOML (*.toml)",
            )
        )
        self.addParameter(
            QgsProcessingParameterFolderDestination(
                "OUTPUT_FOLDER",
                "Dossier de sortie" if fr else "Output folder",
                optional=True,
                createByDefault=False,
            )
        )
        self.addOutput(
            QgsProcessingOutputFile(
                "GEOPACKAGE",
                "GeoPackage des résultats" if fr else "Results GeoPackage",
            )
        )

    def compute(self, parameters, context, feedback):
        import sqlite3

        from coordogeo.pipeline import console_summary, load_config, run

        config = load_config(self.parameterAsFile(parameters, "CONFIG", context))
        folder = self.parameterAsString(parameters, "OUTPUT_FOLDER", context)
        if folder and folder != "TEMPORARY_OUTPUT":
            config = config.with_folder(folder)
        elif folder == "TEMPORARY_OUTPUT":
            config = config.with_folder(
                self.parameterAsFileOutput(parameters, "OUTPUT_FOLDER", context)
            )
        result = run(config, progress=_Progress(feedback))
        feedback.pushInfo(console_summary(result))
        gpkg = result.written.get("resultats.gpkg")
        if gpkg is None:
            return {"OUTPUT_FOLDER": str(config.folder), "GEOPACKAGE": None}
        with sqlite3.connect(gpkg) as db:
            layers = db.execute(
                "SELECT table_name, identifier FROM gpkg_contents "
                "WHERE data_type = 'features' ORDER BY rowid DESC"
            ).fetchall()
        project = context.project() or QgsProject.instance()
        for table, title in layers:  # the overview's order: its first drawn last
            details = QgsProcessingContext.LayerDetails(title or table, project, table)
            context.addLayerToLoadOnCompletion(f"{gpkg}|layername={table}", details)
        return {"OUTPUT_FOLDER": str(config.folder), "GEOPACKAGE": str(gpkg)}
