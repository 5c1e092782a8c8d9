"""Write results: a multi-layer GeoPackage or GeoParquet files, tables as CSV."""

from __future__ import annotations

import datetime as dt
import io
import json
import os
import re
import sqlite3
import tempfile
import zipfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final, Literal

import numpy as np
import pandas as pd

import geopandas as gpd

from coordogeo._words.layers import STYLE_NOTE
from coordogeo.errors import InputError, check_choice, format_labels
from coordogeo.files import check_replaceable, record_owned

__all__ = [
    "GeoPackageAbout",
    "neutralise_formulas",
    "write_results",
    "write_workbook",
]

#: The two CSV dialects: French spreadsheets, and plain.
_CSV: Final[dict[str, dict[str, str]]] = {
    "excel": {"sep": ";", "decimal": ",", "encoding": "utf-8-sig"},
    "plain": {"sep": ",", "decimal": ".", "encoding": "utf-8"},
}

#: What a spreadsheet reads as the start of a formula (OWASP's list for CSV).
_FORMULA_START: Final = ("=", "+", "-", "@", "\t", "\r")

#: Layer names: what QGIS shows; kept to letters, digits and underscores.
_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_]{0,62}")


#: A layer: a frame, or a function that makes it when it is written.
Layer = pd.DataFrame | Callable[[], pd.DataFrame]


def write_results(
    path: str | Path,
    *,
    csv: Literal["excel", "plain"] = "excel",
    styles: Mapping[str, str] | None = None,
    about: GeoPackageAbout | None = None,
    xlsx: bool = False,
    meanings: Callable[[str], str] | None = None,
    lang: Literal["fr", "en"] = "fr",
    **layers: Layer,
) -> list[Path]:
    """Write result frames for QGIS and spreadsheets, all or nothing.

    Parameters
    ----------
    path
        A ``.gpkg`` file: every GeoDataFrame becomes one layer of it, named by its
        keyword. A folder (no suffix): one GeoParquet file per GeoDataFrame,
        ``<folder>/<name>.parquet``. A file of the same name is replaced only if
        coordogeo wrote it (the folder's ``coordogeo-manifest.json`` lists what it
        wrote, see :mod:`coordogeo.files`); any other is never overwritten.
    **layers
        ``name=frame``. GeoDataFrames (with a CRS) are written as layers; plain
        DataFrames (summary tables) as CSV beside them, ``<stem>_<name>.csv`` next
        to a GeoPackage or ``<folder>/<name>.csv``, in UTF-8 with a BOM, ``;``
        separators and decimal commas so that a French spreadsheet opens them
        as numbers; texts are quoted (INSEE codes stay ``"01001"`` for the tools
        that honour quotes; a spreadsheet should open the workbook), whole
        numbers have no decimals. A text cell that a spreadsheet would run as a formula
        (starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return) is
        written with a leading ``'`` (:func:`neutralise_formulas`); numbers are
        unchanged. A layer may be a function that returns its frame: it is
        called when that layer is written and the frame dropped after, so that
        large layers (a national grid, once per scenario) are not all held at
        once.
    csv
        ``"excel"`` (default): ``;``, decimal comma, UTF-8 with a BOM, what French
        Excel opens as numbers with accents; ``"plain"``: ``,``, decimal point,
        UTF-8 without BOM, for scripts.
    styles
        Layer name -> QGIS style (QML text), written to the GeoPackage's
        ``layer_styles`` table as each layer's default style, which QGIS applies
        when it opens the layer (:mod:`coordogeo.maps.qgis` makes them), dated
        the day of writing (QGIS lists one style per layer by its date). A name
        ``<layer>:<style name>`` adds another style of the layer, not the default,
        which QGIS offers in the layer's style list (a second reading of the same
        rows: the zonage of the index's communes).
    about
        What the GeoPackage says of itself (:class:`GeoPackageAbout`): its
        layers' titles, its metadata, its QGIS project.
    xlsx
        Also write every table in one workbook, ``<stem>.xlsx`` (see
        :func:`write_workbook`): texts as text (codes keep their zeros, nothing
        runs as a formula), whole numbers as integers, decimals as written.
    meanings
        Column name -> what it means, for the workbook's ``colonnes`` sheet.
    lang
        The language of the workbook's own words (``colonnes`` / ``columns``) and
        of the styles' description.

    Returns
    -------
    list of Path
        The files written, in the order given (the GeoPackage once).

    Raises
    ------
    InputError
        No layer, a name QGIS would mangle (not letters, digits, ``_``, starting
        with a letter, at most 63), a GeoDataFrame without CRS, a suffix other than
        ``.gpkg`` or none, a file to replace that coordogeo did not write. Nothing
        is left half-written: every file is written under a temporary name and
        moved into place at the end.

    Notes
    -----
    The index is written as a column (``zone_id``, ``insee`` …) unless it is a
    plain 0..n-1 range; categorical columns are written as text.

    Examples
    --------
    >>> import tempfile, pyogrio
    >>> from pathlib import Path
    >>> from coordogeo.datasets import sample_territory
    >>> sample = sample_territory()
    >>> folder = Path(tempfile.mkdtemp())
    >>> table = sample.communes.drop(columns="geometry").head(3)
    >>> written = write_results(
    ...     folder / "resultats.gpkg", communes=sample.communes, resume=table
    ... )
    >>> [p.name for p in written]
    ['resultats.gpkg', 'resultats_resume.csv']
    >>> [name for name, _ in pyogrio.list_layers(folder / "resultats.gpkg")]
    ['communes']
    """
    target = Path(path)
    check_choice(csv, name="csv", choices=tuple(_CSV))
    _check(target, layers)
    gpkg = target.suffix.lower() == ".gpkg"
    folder = target.parent if gpkg else target
    folder.mkdir(parents=True, exist_ok=True)
    staged: list[tuple[Path, Path]] = []
    tables: dict[str, pd.DataFrame] = {}
    try:
        with tempfile.TemporaryDirectory(dir=folder, prefix=".coordogeo-") as tmp:
            work = Path(tmp)
            if gpkg:
                staged.append((work / target.name, target))
            drawn: set[str] = set()  # layers of the GeoPackage with rows
            for name, layer in layers.items():
                frame = _made(name, layer)
                out: Any = _plain(frame)
                if isinstance(frame, gpd.GeoDataFrame):
                    if gpkg:
                        out = _as_dates(out)  # GeoPackage DATE, not a midnight
                        out.to_file(
                            work / target.name,
                            layer=name,
                            driver="GPKG",
                            engine="pyogrio",
                            use_arrow=True,  # 2-3x faster than row by row
                            # GeoPackage 1.2: what QGIS 3.22 (its GDAL) reads
                            # without a warning, as every later one
                            VERSION="1.2",
                            dataset_metadata=dict(about.metadata) if about else None,
                        )
                        if len(frame):
                            drawn.add(name)
                        continue
                    final = folder / f"{name}.parquet"
                    out.to_parquet(work / final.name)
                else:
                    stem = f"{target.stem}_{name}" if gpkg else name
                    final = folder / f"{stem}.csv"
                    inert: Any = neutralise_formulas(out)
                    _write_csv(inert, work / final.name, csv)
                    if xlsx:
                        tables[name] = inert
                staged.append((work / final.name, final))
                del frame, out  # a layer made on demand goes before the next
            if tables:
                book = folder / f"{target.stem}.xlsx"
                write_workbook(work / book.name, tables, meanings=meanings, lang=lang)
                staged.append((work / book.name, book))
            if gpkg and not (work / target.name).exists():
                staged.pop(0)  # only tables were given
            elif gpkg:
                _finish(work / target.name, styles or {}, about, drawn, lang)
            names = [final.name for _, final in staged]
            check_replaceable(folder, names, key="path")
            record_owned(folder, names)  # before the files: a crash leaves them ours
            for temporary, final in staged:
                os.replace(temporary, final)
    except OSError as err:
        raise InputError(
            f"Could not write the results to {str(target)!r}: {err}"
        ) from err
    return [final for _, final in staged]


def _write_csv(frame: pd.DataFrame, path: Path, dialect: str) -> None:
    """Write a table: texts quoted, numbers bare (whole ones without decimals).

    pandas quotes either every field or none that needs no quoting; here a text
    (an INSEE code, a name) is always quoted and a number never is, so that a
    tool that reads quotes as "text" keeps ``"01001"`` whole.
    """
    options = _CSV[dialect]
    sep, decimal = options["sep"], options["decimal"]
    columns = []
    for name in frame.columns:
        values = frame[name]
        missing = values.isna().to_numpy()
        if pd.api.types.is_bool_dtype(values.dtype):
            words = ("VRAI", "FAUX") if decimal == "," else ("TRUE", "FALSE")
            shown = values.map(dict(zip((True, False), words, strict=True)))
        elif pd.api.types.is_integer_dtype(values.dtype):
            shown = values.astype("string")
        elif pd.api.types.is_float_dtype(values.dtype):
            shown = pd.Series(
                _plain_numbers(values.to_numpy(np.float64)), index=values.index
            )
            if decimal != ".":
                shown = shown.str.replace(".", decimal, regex=False)
        elif pd.api.types.is_datetime64_any_dtype(values.dtype):
            shown = values.dt.strftime("%Y-%m-%d")
        else:
            shown = '"' + values.astype(str).str.replace('"', '""', regex=False) + '"'
        columns.append(shown.astype(object).where(~missing, ""))
    head = sep.join('"' + str(c).replace('"', '""') + '"' for c in frame.columns)
    body: list[str] = []
    if len(frame) and columns:  # column by column (vectorised), not row by row
        lines = columns[0].astype(str)
        for column in columns[1:]:
            lines = lines + sep + column.astype(str)
        body = lines.tolist()
    text = "\r\n".join([head, *body]) + "\r\n"
    path.write_text(text, encoding=options["encoding"], newline="")


def _plain_numbers(values: np.ndarray) -> np.ndarray:
    """Numbers as short texts: 32896.0 -> '32896', 0.000988 -> '0.000988'."""
    out = np.empty(len(values), dtype=object)
    finite = np.isfinite(values)
    out[~finite] = ""
    out[finite] = [
        np.format_float_positional(v, precision=15, unique=True, trim="-")
        for v in values[finite]
    ]
    return out


def write_workbook(
    path: Path,
    tables: Mapping[str, pd.DataFrame],
    *,
    meanings: Callable[[str], str] | None = None,
    lang: str = "fr",
) -> None:
    """Write tables as one ``.xlsx`` workbook: one sheet each, and ``colonnes``.

    Texts are written as text cells (an INSEE code keeps its zeros, ``=…`` never
    runs), whole numbers as integers, decimals with the number of decimals they
    were rounded to; the header is frozen and the columns sized. The
    ``colonnes`` sheet lists every sheet's columns and, with ``meanings``, what
    each means.
    """
    from openpyxl import Workbook  # noqa: PLC0415 - only when a workbook is asked
    from openpyxl.cell import WriteOnlyCell  # noqa: PLC0415
    from openpyxl.styles import Font  # noqa: PLC0415

    book = Workbook(write_only=True)
    bold = Font(bold=True)

    def header(sheet: Any, names: list[str]) -> None:
        cells = []
        for name in names:
            cell = WriteOnlyCell(sheet, value=name)
            cell.data_type = "s"
            cell.font = bold
            cells.append(cell)
        sheet.append(cells)

    listed: list[tuple[str, str]] = []
    for name, frame in tables.items():
        sheet = book.create_sheet(title=name[:31])
        sheet.freeze_panes = "A2"
        names = [str(c) for c in frame.columns]
        for k, column in enumerate(names):
            width = max([len(column), *frame.iloc[:200, k].astype(str).str.len()])
            letter = _column_letter(k)
            sheet.column_dimensions[letter].width = min(60, width + 2)
        header(sheet, names)
        writers = [_cell_writer(sheet, frame[c]) for c in frame.columns]
        for row in frame.itertuples(index=False, name=None):
            sheet.append([w(v) for w, v in zip(writers, row, strict=True)])
        listed += [(name, c) for c in names]
    words = _BOOK_WORDS.get(lang, _BOOK_WORDS["en"])
    sheet = book.create_sheet(title=words[0])
    sheet.column_dimensions["A"].width = 28
    sheet.column_dimensions["B"].width = 32
    sheet.column_dimensions["C"].width = 80
    header(sheet, list(words[1:]))
    for table, column in listed:
        cells = []
        for value in (table, column, meanings(column) if meanings else ""):
            cell = WriteOnlyCell(sheet, value=value)
            cell.data_type = "s"
            cells.append(cell)
        sheet.append(cells)
    book.save(path)


#: The workbook's own words: the sheet of columns and its header.
_BOOK_WORDS: Final = {
    "fr": ("colonnes", "feuille", "colonne", "signification"),
    "en": ("columns", "sheet", "column", "meaning"),
}


def _column_letter(k: int) -> str:
    """Spreadsheet column letters of the ``k``-th column (0 -> A, 26 -> AA)."""
    letters = ""
    k += 1
    while k:
        k, rest = divmod(k - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _cell_writer(sheet: Any, values: pd.Series) -> Callable[[Any], Any]:
    """Return how one column's values become cells: text, integer or decimal."""
    from openpyxl.cell import WriteOnlyCell  # noqa: PLC0415

    dtype = values.dtype
    if pd.api.types.is_bool_dtype(dtype):
        return lambda v: None if pd.isna(v) else bool(v)
    if pd.api.types.is_integer_dtype(dtype):
        return lambda v: None if pd.isna(v) else int(v)
    if pd.api.types.is_float_dtype(dtype):
        finite = values.to_numpy(np.float64)
        finite = finite[np.isfinite(finite)]
        digits = next(
            (d for d in range(7) if np.allclose(finite, np.round(finite, d), rtol=0,
                                                 atol=1e-9)),
            None,
        )  # fmt: skip
        style = "0" if digits == 0 else ("0." + "0" * digits if digits else "General")

        def decimal(v: Any) -> Any:
            if pd.isna(v):
                return None
            cell = WriteOnlyCell(sheet, value=float(v))
            cell.number_format = style
            return cell

        return decimal
    if pd.api.types.is_datetime64_any_dtype(dtype):
        return lambda v: None if pd.isna(v) else v.to_pydatetime().date()

    def text(v: Any) -> Any:
        if v is None or (not isinstance(v, str) and pd.isna(v)):
            return None
        cell = WriteOnlyCell(sheet, value=str(v))
        cell.data_type = "s"  # a text, never a formula nor a number
        return cell

    return text


@dataclass(frozen=True)
class GeoPackageAbout:
    """What a GeoPackage says of itself, beyond its layers.

    ``titles``: layer name -> (title, description), what QGIS shows in its
    browser and the layer's properties (``gpkg_contents.identifier`` and
    ``description``; the table keeps its short name). ``metadata``: name ->
    text, the GeoPackage's own metadata (GDAL's dataset metadata: the source line
    and each input's vintage, as ``gdalinfo`` and QGIS show it). ``project``:
    ``(name, qgs)``, a QGIS project (the ``.qgs`` text, layers with paths
    relative to the GeoPackage) stored in its ``qgis_projects`` table, where QGIS
    opens it (« Projet > Ouvrir depuis > GeoPackage »).
    """

    titles: Mapping[str, tuple[str, str]] = field(default_factory=dict)
    metadata: Mapping[str, str] = field(default_factory=dict)
    project: tuple[str, str] | None = None


def _finish(
    gpkg: Path,
    styles: Mapping[str, str],
    about: GeoPackageAbout | None,
    drawn: set[str],
    lang: str,
) -> None:
    """Add the layers' titles, their QGIS styles and the QGIS project."""
    if about is not None:
        _describe(gpkg, about.titles)
    _write_styles(gpkg, styles, drawn, lang)
    if about is not None and about.project is not None:
        _write_project(gpkg, *about.project)


def _describe(gpkg: Path, titles: Mapping[str, tuple[str, str]]) -> None:
    """Give each layer of ``titles`` its title and description in ``gpkg_contents``."""
    with sqlite3.connect(gpkg) as db:
        written = {r[0] for r in db.execute("SELECT table_name FROM gpkg_contents")}
        unknown = sorted(set(titles) - written)
        if unknown:
            raise InputError(
                f"`titles` names {format_labels(unknown)}, which are not layers "
                "written."
            )
        db.executemany(
            "UPDATE gpkg_contents SET identifier = ?, description = ? "
            "WHERE table_name = ?",
            [(title, about, name) for name, (title, about) in titles.items()],
        )
    db.close()


def _write_project(gpkg: Path, name: str, qgs: str) -> None:
    """Store a QGIS project in ``qgis_projects``, as QGIS itself does.

    QGIS keeps a ``.qgz`` (a zip holding the ``.qgs``), hex-encoded, with a JSON
    of its last change; the date is the day of writing, so that two runs of a
    day write the same row.
    """
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        entry = zipfile.ZipInfo("projet.qgs", date_time=(2000, 1, 1, 0, 0, 0))
        archive.writestr(entry, qgs.encode("utf-8"), zipfile.ZIP_DEFLATED)
    day = dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT00:00:00")
    changed = json.dumps({"last_modified_time": day, "last_modified_user": "coordogeo"})
    with sqlite3.connect(gpkg) as db:
        db.execute(
            "CREATE TABLE qgis_projects(name TEXT PRIMARY KEY, metadata BLOB, "
            "content BLOB)"
        )
        db.execute(
            "INSERT INTO qgis_projects VALUES (?, ?, ?)",
            (name, changed, buffer.getvalue().hex()),
        )
    db.close()


def _as_dates(frame: pd.DataFrame) -> pd.DataFrame:
    """Write a column of dates at midnight as dates (GeoPackage ``DATE``).

    A ``datetime64`` column whose every value is a day (an opening date) would
    be written as ``2009-02-01T00:00:00``, which GDAL reads as a non-conformant
    date-time; a column with hours keeps them.
    """
    out = frame
    for column in frame.columns:
        values = frame[column]
        if not pd.api.types.is_datetime64_any_dtype(values) or isinstance(
            values.dtype, pd.DatetimeTZDtype
        ):
            continue
        known = values.dropna()
        if (known == known.dt.normalize()).all():
            if out is frame:
                out = frame.copy()
            out[column] = values.dt.date.astype(object).where(values.notna(), None)
    return out


def _write_styles(
    gpkg: Path, styles: Mapping[str, str], drawn: set[str], lang: str
) -> None:
    """Add QGIS's ``layer_styles`` table: one default style per written layer.

    The table has the columns QGIS creates itself and is registered in
    ``gpkg_contents`` as attributes, so that QGIS and GDAL list it.
    """
    if not styles:
        return
    unknown = sorted({name.split(":")[0] for name in styles} - drawn)
    if unknown:
        raise InputError(
            f"`styles` names {format_labels(unknown)}, which are not layers written."
        )
    with sqlite3.connect(gpkg) as db:
        geometry = dict(
            db.execute("SELECT table_name, column_name FROM gpkg_geometry_columns")
        )
        db.execute(_STYLES_TABLE)
        rows = _layer_style_rows(styles, geometry, lang)
        db.executemany(
            f"INSERT INTO layer_styles ({', '.join(rows[0])}) "
            f"VALUES ({', '.join('?' * len(rows[0]))})",
            [tuple(r.values()) for r in rows],
        )
        db.execute(
            "INSERT INTO gpkg_contents (table_name, data_type, identifier, "
            "description, last_change) VALUES ('layer_styles', 'attributes', "
            "'layer_styles', 'QGIS styles (coordogeo)', "
            "strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))"
        )
    db.close()


#: QGIS's own ``layer_styles`` schema (what QGIS writes when saving a style);
#: ``update_time`` is the day of writing, not the second, so that two runs of a day
#: on the same data write the same rows.
_STYLES_TABLE: Final = """
CREATE TABLE layer_styles (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    f_table_catalog TEXT(256),
    f_table_schema TEXT(256),
    f_table_name TEXT(256),
    f_geometry_column TEXT(256),
    styleName TEXT(30),
    styleQML TEXT,
    styleSLD TEXT,
    useAsDefault BOOLEAN,
    description TEXT,
    owner TEXT(30),
    ui TEXT(30),
    update_time DATETIME
)
"""


def _check(target: Path, layers: Mapping[str, Layer]) -> None:
    """Raise InputError, before anything is written, for any layer or path problem."""
    if not layers:
        raise InputError("`write_results` got no layer; pass them as name=frame.")
    bad = [name for name in layers if not _NAME.fullmatch(name)]
    if bad:
        raise InputError(
            f"Layer names {format_labels(bad)} would not read well in QGIS; use "
            "letters, digits and '_', starting with a letter (at most 63)."
        )
    _check_frames({n: f for n, f in layers.items() if not callable(f)})
    if target.suffix.lower() not in (".gpkg", ""):
        raise InputError(
            f"`path` must end with .gpkg (one GeoPackage) or be a folder (GeoParquet "
            f"files), got {str(target)!r}."
        )


def _check_frames(frames: Mapping[str, object]) -> None:
    """Raise InputError for layers that are not frames, or frames without a CRS."""
    not_frames = [n for n, f in frames.items() if not isinstance(f, pd.DataFrame)]
    if not_frames:
        raise InputError(
            f"Layers {format_labels(not_frames)} are not DataFrames or GeoDataFrames."
        )
    no_crs = [
        n
        for n, f in frames.items()
        if isinstance(f, gpd.GeoDataFrame) and f.crs is None
    ]
    if no_crs:
        raise InputError(
            f"Layers {format_labels(no_crs)} have no CRS; set it with "
            "`.set_crs(...)` (coordogeo outputs carry theirs)."
        )


def _made(name: str, layer: Layer) -> pd.DataFrame:
    """Return the frame of a layer (made now if given as a function), checked.

    A made frame is checked as a given one is (:func:`_check_frames`); nothing
    written so far is moved into place if it fails.
    """
    if not callable(layer):
        return layer
    frame = layer()
    _check_frames({name: frame})
    return frame


def neutralise_formulas(frame: pd.DataFrame) -> pd.DataFrame:
    """Return ``frame`` with every text cell a spreadsheet would run made inert.

    A text starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return
    (a commune named ``=HYPERLINK(…)``) gets a leading ``'``, which Excel and
    LibreOffice read as "this is text" (OWASP's rule for CSV injection). Column
    names follow the same rule; numbers, and texts that start otherwise, are
    unchanged.

    Examples
    --------
    >>> frame = pd.DataFrame({"nom": ["=1+1", "Cahors", "-2"], "n": [-1, 2, 3]})
    >>> neutralise_formulas(frame).to_dict("list")
    {'nom': ["'=1+1", 'Cahors', "'-2"], 'n': [-1, 2, 3]}
    """
    out = frame.copy()
    out.columns = [_inert(c) if isinstance(c, str) else c for c in out.columns]
    for column in out.columns:
        values = out[column]
        if not pd.api.types.is_string_dtype(values.dtype) or not values.size:
            continue  # numbers, dates, booleans: nothing a spreadsheet would run
        try:
            starts = values.str.startswith(_FORMULA_START, na=False).to_numpy(bool)
        except AttributeError:  # an object column with no text at all
            continue
        if starts.any():
            out[column] = values.mask(starts, "'" + values[starts].astype(str))
    return out


def _inert(text: str) -> str:
    """``text`` with a leading ``'`` if a spreadsheet would read it as a formula."""
    return "'" + text if text.startswith(_FORMULA_START) else text


def _plain(frame: pd.DataFrame) -> pd.DataFrame:
    """Return a copy with the index as a column and categoricals as text."""
    out = frame.copy()
    index = out.index
    name = index.name or "id"
    same = name in out.columns and (out[name].astype(str) == index.astype(str)).all()
    plain = isinstance(index, pd.RangeIndex) and index.start == 0 and index.step == 1
    if not plain and not same:  # an index the columns already hold is not repeated
        out = out.reset_index(
            names=name if name not in out.columns else f"{name}_index"
        )
    elif same:
        out = out.reset_index(drop=True)
    for column in out.columns:
        if isinstance(out[column].dtype, pd.CategoricalDtype):
            out[column] = out[column].astype(str)
    return out


def _layer_style_rows(
    styles: Mapping[str, str], geometry_columns: Mapping[str, str], lang: str
) -> list[dict[str, object]]:
    """Rows of the ``layer_styles`` table (QGIS's schema), one default per layer."""
    # GeoPackage's DATETIME form, milliseconds included (GDAL warns without)
    day = dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT00:00:00.000Z")
    rows: list[dict[str, object]] = []
    for key, text in styles.items():
        name, _, other = key.partition(":")
        rows.append(
            {
                "f_table_catalog": "",
                "f_table_schema": "",
                "f_table_name": name,
                "f_geometry_column": geometry_columns.get(name, "geom"),
                "styleName": other or name,
                "styleQML": text,
                "styleSLD": "",
                "useAsDefault": 0 if other else 1,
                "description": STYLE_NOTE[lang],
                "owner": "",
                "ui": None,
                "update_time": day,
            }
        )
    return rows
