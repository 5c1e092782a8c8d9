"""What every coordogeo algorithm shares: names, help, reading, writing, errors.

Layers are handed to the library as the files they are (or as a GeoPackage
Processing writes when they are not files: a selection, a memory layer), read by
the library's own readers; results are written with the library's writer, each
layer with the style the run's GeoPackage gives it, and loaded styled.
"""

from __future__ import annotations

import inspect
import traceback
from pathlib import Path
from typing import Any

from qgis.core import (
    Qgis,
    QgsMessageLog,
    QgsProcessingAlgorithm,
    QgsProcessingException,
    QgsProcessingLayerPostProcessorInterface,
)
from qgis.PyQt.QtGui import QIcon
from qgis.PyQt.QtXml import QDomDocument

from ..words import qgis_lang, say

LOG_TAB = "coordogeo"
ICON = Path(__file__).parent.parent / "icon.svg"


class Cancelled(Exception):  # noqa: N818 - not an error: the user's choice
    """The user pressed Cancel: the algorithm stops between two steps."""


class _Styled(QgsProcessingLayerPostProcessorInterface):
    """Give a loaded output its style and its title (kept alive while loading)."""

    kept: list[Any] = []

    def __init__(self, qml: str | None, title: str) -> None:
        super().__init__()
        self.qml, self.title = qml, title

    def postProcessLayer(self, layer, context, feedback):
        if self.qml:
            doc = QDomDocument()
            doc.setContent(self.qml)
            layer.importNamedStyle(doc)
        layer.setName(self.title)
        layer.triggerRepaint()

    @classmethod
    def make(cls, qml: str | None, title: str) -> _Styled:
        made = cls(qml, title)
        cls.kept.append(made)
        return made


class CoordogeoAlgorithm(QgsProcessingAlgorithm):
    """One library verb as a Processing algorithm.

    Subclasses give ``KEY`` (the id after ``coordogeo:``), ``GROUP`` (a group
    word), ``VERB`` (the library function, whose help is shown), ``TEXT`` (per
    language: title and help), and ``define`` / ``compute``.
    """

    KEY = ""
    GROUP = ""
    VERB = ""
    TEXT: dict[str, tuple[str, str]] = {}

    # --- what QGIS asks ---------------------------------------------------
    def name(self):
        return self.KEY

    def displayName(self):
        return self.TEXT[qgis_lang()][0]

    def group(self):
        return say(self.GROUP)

    def groupId(self):
        return self.GROUP

    def icon(self):
        return QIcon(str(ICON))

    def shortHelpString(self):
        lang = qgis_lang()
        text = self.TEXT[lang][1] + "\n\n" + say("verb", verb=self.VERB)
        summary = _summary(self.VERB) if lang == "en" else ""  # the verb's English
        return text + (f"\n\n{summary}" if summary else "")

    def createInstance(self):
        return type(self)()

    def initAlgorithm(self, config=None):
        self.define(qgis_lang())

    def processAlgorithm(self, parameters, context, feedback):
        from coordogeo.errors import CoordogeoError

        self.lang = qgis_lang()
        self.feedback = feedback
        try:
            return self.compute(parameters, context, feedback)
        except Cancelled:
            raise QgsProcessingException(say("cancelled")) from None
        except QgsProcessingException:
            raise
        except CoordogeoError as err:  # the library's own message, no traceback
            raise QgsProcessingException(str(err)) from None
        except (OSError, MemoryError) as err:  # a disk, a file, the memory
            raise QgsProcessingException(f"{type(err).__name__}: {err}") from None
        except Exception as err:
            QgsMessageLog.logMessage(traceback.format_exc(), LOG_TAB, Qgis.Critical)
            raise QgsProcessingException(
                say("internal", kind=type(err).__name__, error=err)
            ) from None

    # --- to subclass --------------------------------------------------------
    def define(self, lang: str) -> None:
        raise NotImplementedError

    def compute(self, parameters, context, feedback) -> dict[str, Any]:
        raise NotImplementedError

    # --- helpers ------------------------------------------------------------
    def step(self, share: float, text: str = "") -> None:
        """Say ``text``, move the progress bar to ``share`` (0–1); stop if cancelled."""
        if self.feedback.isCanceled():
            raise Cancelled
        self.feedback.setProgress(100.0 * share)
        if text:
            self.feedback.pushInfo(text)

    def frame(
        self,
        parameters,
        name: str,
        context,
        *,
        fields: dict[str, str] | None = None,
        optional: bool = False,
    ):
        """Return the layer ``name`` as a (Geo)DataFrame read from its file.

        ``fields``: parameter name -> the library's column (``population``,
        ``kind``…): the field chosen in that parameter is renamed to it (a
        parameter left empty leaves the layer as it is; a field the layer does not
        have is refused, named).
        """
        import geopandas as gpd

        if optional and parameters.get(name) in (None, ""):
            return None
        self.step(self.feedback.progress() / 100.0, say("reading", name=name))
        path, layer = self.parameterAsCompatibleSourceLayerPathAndLayerName(
            parameters, name, context, ["gpkg", "shp", "geojson"], "gpkg", self.feedback
        )
        if not path:
            if optional:
                return None
            raise QgsProcessingException(f"{name}: ?")
        frame = gpd.read_file(path, layer=layer or None, engine="pyogrio")
        # a "fid" field (a GeoJSON exported from a GeoPackage) would clash with
        # the output GeoPackage's own feature ids
        frame = frame.drop(columns=[c for c in ("fid",) if c in frame])
        return self._renamed(parameters, context, frame, fields or {})

    def _renamed(self, parameters, context, frame, fields: dict[str, str]):
        """Return ``frame`` with the chosen fields under the library's names."""
        from coordogeo.errors import InputError, format_labels

        names = {}
        for parameter, column in fields.items():
            chosen = self.parameterAsString(parameters, parameter, context)
            if chosen and chosen not in frame:
                raise InputError(
                    f"{parameter}: the layer has no field {chosen!r}; its fields are "
                    f"{format_labels([c for c in frame.columns if c != 'geometry'])}."
                )
            if chosen and chosen != column:
                names[chosen] = column
        if not names:
            return frame
        kept = frame.drop(columns=[c for c in names.values() if c in frame])
        return kept.rename(columns=names)

    def network(self, parameters, name: str, context):
        """Return the road network saved in the folder ``name``, or None."""
        from coordogeo._columns import french_time_model
        from coordogeo.network import RoadNetwork

        folder = self.parameterAsFile(parameters, name, context)
        if not folder:
            return None
        network = RoadNetwork.load(folder)
        model = network.description
        shown = french_time_model(model) if self.lang == "fr" else model
        self.feedback.pushInfo(say("log_model", model=shown))
        return network

    def write(
        self,
        parameters,
        name: str,
        context,
        frame,
        *,
        layer: str,
        title: str | None = None,
        qml: str | None = None,
    ) -> str:
        """Write ``frame`` as the output ``name``, styled; return its QGIS source.

        The layer is titled as in the run's GeoPackage when it is one of its
        layers (``layer``), else ``title`` (default: the algorithm's name).
        """
        import pandas as pd

        import geopandas as gpd

        from coordogeo._words.layers import LAYER_TEXT
        from coordogeo.io import GeoPackageAbout, write_results
        from coordogeo.pipeline.tables import french_table

        title, about = LAYER_TEXT[self.lang].get(
            layer, (title or self.displayName(), self.displayName())
        )

        path = Path(self.parameterAsOutputLayer(parameters, name, context))
        if path.suffix.lower() != ".gpkg":
            path = path.with_suffix(".gpkg")
        self.step(self.feedback.progress() / 100.0, say("writing", name=title))
        if frame.index.name is None:  # a row number (the input feature's): not kept
            plain = frame.index.equals(pd.RangeIndex(len(frame)))
            frame = frame.reset_index(drop=True) if plain else frame.rename_axis("id")
        shown = french_table(frame, rounded=False, lang=self.lang)
        if len(frame) == 0:  # nothing found (no commune in no CPTS): an empty layer
            self.feedback.pushInfo(say("empty", name=title))
            _write_table(path, layer, shown, key=name)
        elif isinstance(frame, gpd.GeoDataFrame):
            write_results(
                path,
                styles={layer: qml} if qml else None,
                about=GeoPackageAbout(titles={layer: (title, about)}),
                lang=self.lang,
                **{layer: shown},
            )
        else:  # a table: a GeoPackage table without geometry
            _write_table(path, layer, shown, key=name)
        source = f"{path}|layername={layer}"
        if context.willLoadLayerOnCompletion(str(path)):
            details = context.layerToLoadOnCompletionDetails(str(path))
            details.name = title
            details.setPostProcessor(_Styled.make(qml, title))
        return source

    def log_table(self, table, title: str) -> None:
        """Write a small table (the report's figures) in the algorithm's log."""
        from coordogeo._columns import french_name
        from coordogeo.pipeline.tables import french_table

        shown = french_table(table, rounded=True, lang=self.lang)
        shown.index = [french_name(v) if isinstance(v, str) else v for v in shown.index]
        self.feedback.pushInfo(f"\n{title}\n{shown.to_string()}\n")


def _write_table(path: Path, layer: str, table, *, key: str) -> None:
    """Write a table without geometry to a GeoPackage coordogeo may replace.

    As the library's writer: a file coordogeo did not write is never replaced.
    """
    import pyogrio

    from coordogeo.files import check_replaceable, record_owned

    check_replaceable(path.parent, [path.name], key=key)
    if path.exists():
        path.unlink()
    table = table.reset_index(drop=True)
    if hasattr(table, "crs"):  # an empty layer keeps its columns and its CRS
        pyogrio.write_dataframe(
            table, path, layer=layer, driver="GPKG", geometry_type="Unknown"
        )
    else:
        pyogrio.write_dataframe(table, path, layer=layer, driver="GPKG")
    record_owned(path.parent, [path.name])


def _summary(verb: str) -> str:
    """Return the first paragraph of the library verb's docstring."""
    import importlib

    module, _, name = verb.rpartition(".")
    try:
        found = getattr(importlib.import_module(module), name)
    except (ImportError, AttributeError):
        return ""
    return (inspect.getdoc(found) or "").split("\n\n")[0]
