"""Réseau routier : build a road network once, save it, reuse it in every algorithm."""

from __future__ import annotations

from qgis.core import (
    QgsProcessing,
    QgsProcessingException,
    QgsProcessingParameterEnum,
    QgsProcessingParameterFeatureSource,
    QgsProcessingParameterField,
    QgsProcessingParameterFile,
    QgsProcessingParameterFolderDestination,
)

from .base import CoordogeoAlgorithm

PROFILES = ("car", "free_flow")


class BuildNetwork(CoordogeoAlgorithm):
    KEY = "reseau_routier"
    GROUP = "g_network"
    VERB = "coordogeo.network.RoadNetwork.from_osm"
    TEXT = {
        "fr": (
            "Réseau routier : construire",
            (
                "Construit le réseau routier d'un fichier OSM (.osm.pbf, .osm, GraphML "
                "d'OSMnx) avec le profil voiture d'OSRM (celui du Metric-OSRM de "
                "l'INSEE : vitesses par classe de route, 80 % de maxspeed, accès, "
                "barrières, bacs, interdictions et coûts de virage) ou le profil « "
                "free_flow » ; ou d'une couche de lignes avec une vitesse en km/h (et "
                "un sens unique), les coûts de virage du profil voiture tirés de leur "
                "géométrie. Le réseau est enregistré dans un dossier : donnez ce "
                "dossier aux autres algorithmes, il n'est construit qu'une fois."
            ),
        ),
        "en": (
            "Road network: build",
            (
                "Builds the road network of an OSM file (.osm.pbf, .osm, OSMnx "
                "GraphML) with OSRM's car profile (the one of INSEE's Metric-OSRM: "
                "class speeds, 80 % of maxspeed, access, barriers, ferries, turn "
                "restrictions and turn "
                'costs) or the "free_flow" profile; or of a layer of lines with a '
                "speed "
                "in km/h (and a one-way flag), with the car profile's turn costs from "
                "their geometry. The network is saved to a folder: give that folder to "
                "the other algorithms, it is built once."
            ),
        ),
    }

    def define(self, lang):
        fr = lang == "fr"
        self.addParameter(
            QgsProcessingParameterFile(
                "ROADS_FILE",
                "Fichier OSM (.osm.pbf, .osm, .graphml)"
                if fr
                else "OSM file (.osm.pbf, .osm, .graphml)",
                optional=True,
                fileFilter="OSM (*.osm.pbf *.pbf *.osm *.graphml)",
            )
        )
        self.addParameter(
            QgsProcessingParameterFeatureSource(
                "ROADS",
                "ou couche de lignes" if fr else "or a layer of lines",
                [QgsProcessing.TypeVectorLine],
                optional=True,
            )
        )
        self.addParameter(
            QgsProcessingParameterField(
                "SPEED",
                "Vitesse (km/h) des lignes" if fr else "Speed (km/h) of the lines",
                "speed_kmh",
                "ROADS",
                QgsProcessingParameterField.Numeric,
                optional=True,
            )
        )
        self.addParameter(
            QgsProcessingParameterField(
                "ONEWAY",
                "Sens unique des lignes" if fr else "One-way flag of the lines",
                "oneway",
                "ROADS",
                QgsProcessingParameterField.Any,
                optional=True,
            )
        )
        self.addParameter(
            QgsProcessingParameterEnum(
                "PROFILE",
                "Profil" if fr else "Profile",
                list(PROFILES),
                defaultValue=0,
            )
        )
        self.addParameter(
            QgsProcessingParameterFolderDestination(
                "OUTPUT",
                "Réseau enregistré (dossier)" if fr else "Saved network (folder)",
            )
        )

    def compute(self, parameters, context, feedback):
        from pathlib import Path

        from coordogeo.network import RoadNetwork
        from coordogeo.network.osm import profile_of

        profile = PROFILES[self.parameterAsEnum(parameters, "PROFILE", context)]
        path = self.parameterAsFile(parameters, "ROADS_FILE", context)
        has_lines = parameters.get("ROADS") not in (None, "")
        if bool(path) == has_lines:
            raise QgsProcessingException(
                "Donnez un fichier OSM ou une couche de lignes (l'un des deux)."
                if self.lang == "fr"
                else "Give an OSM file or a layer of lines (one of the two)."
            )
        self.step(0.05)
        if path:
            network = RoadNetwork.from_osm(path, profile=profile)
        else:
            lines = self.frame(parameters, "ROADS", context)
            speed = self.parameterAsString(parameters, "SPEED", context) or "speed_kmh"
            oneway = self.parameterAsString(parameters, "ONEWAY", context) or None
            self.step(0.3)
            network = RoadNetwork.from_roads(
                lines,
                speed_kmh=speed,
                oneway=oneway if oneway in lines else None,
                turn_costs=profile_of(profile).turns,
            )
        self.step(0.9, network.description)
        folder = Path(self.parameterAsFileOutput(parameters, "OUTPUT", context))
        saved = network.save(folder)
        return {"OUTPUT": str(saved)}
