"""Parameters several algorithms share, and how their values reach the library."""

from __future__ import annotations

from qgis.core import (
    QgsProcessing,
    QgsProcessingParameterFeatureSource,
    QgsProcessingParameterField,
    QgsProcessingParameterFile,
    QgsProcessingParameterNumber,
    QgsProcessingParameterVectorDestination,
)

POINTS_OR_AREAS = [QgsProcessing.TypeVectorPoint, QgsProcessing.TypeVectorPolygon]


def add_places(
    alg, lang: str, *, name: str = "PLACES", population: bool = True
) -> None:
    """Add places (grid cells or communes, polygons or points), their population."""
    fr = lang == "fr"
    alg.addParameter(
        QgsProcessingParameterFeatureSource(
            name,
            "Lieux habités (carreaux ou communes)"
            if fr
            else "Inhabited places (grid cells or communes)",
            POINTS_OR_AREAS,
        )
    )
    if population:
        alg.addParameter(
            QgsProcessingParameterField(
                f"{name}_POPULATION",
                "Population",
                "population",
                name,
                QgsProcessingParameterField.Numeric,
                optional=True,
            )
        )


def add_structures(
    alg, lang: str, *, name: str = "STRUCTURES", kind: bool = True
) -> None:
    """Add structures (points) and their kind (MSP, CDS, ESP, CPTS, DAC)."""
    fr = lang == "fr"
    alg.addParameter(
        QgsProcessingParameterFeatureSource(
            name,
            "Structures (points)",
            [QgsProcessing.TypeVectorPoint],
        )
    )
    if kind:
        alg.addParameter(
            QgsProcessingParameterField(
                f"{name}_KIND",
                "Type (MSP, CDS…) : un calcul par type"
                if fr
                else "Kind (MSP, CDS…): one result per kind",
                "kind",
                name,
                optional=True,
            )
        )


def add_network(alg, lang: str) -> None:
    """Add the folder of a network saved by « Réseau routier : construire »."""
    alg.addParameter(
        QgsProcessingParameterFile(
            "NETWORK",
            "Réseau routier enregistré (dossier de « Réseau routier : construire »)"
            if lang == "fr"
            else 'Saved road network (folder from "Road network: build")',
            behavior=QgsProcessingParameterFile.Folder,
        )
    )


def add_minutes(alg, lang: str, default: float, *, name: str = "MAX_TIME") -> None:
    """Add a number of minutes (``default``), named ``name``."""
    alg.addParameter(
        QgsProcessingParameterNumber(
            name,
            "Temps maximal (min)" if lang == "fr" else "Maximum time (min)",
            QgsProcessingParameterNumber.Double,
            default,
            minValue=0.1,
        )
    )


def minutes_list(text: str) -> tuple[float, ...]:
    """Read "10, 20, 30" as minutes (the library checks them)."""
    from coordogeo.errors import InputError

    try:
        return tuple(float(v) for v in text.replace(";", ",").split(",") if v.strip())
    except ValueError:
        raise InputError(
            "thresholds: write minutes separated by commas, e.g. 10, 20, 30; "
            f"got {text!r}."
        ) from None


def add_time_field(alg, lang: str) -> None:
    """Add the places' field of minutes (``TIME``, default ``temps_min_MSP``)."""
    alg.addParameter(
        QgsProcessingParameterField(
            "TIME",
            "Temps d'accès (min)" if lang == "fr" else "Travel time (min)",
            "temps_min_MSP",
            "PLACES",
            QgsProcessingParameterField.Numeric,
            optional=True,
        )
    )


def add_output(alg, description: str, name: str = "OUTPUT") -> None:
    """Add a layer output (a GeoPackage that carries its style)."""
    alg.addParameter(QgsProcessingParameterVectorDestination(name, description))


def read_places(alg, parameters, context, name: str = "PLACES"):
    """Read the places, their chosen population field as ``population``."""
    return alg.frame(
        parameters, name, context, fields={f"{name}_POPULATION": "population"}
    )
