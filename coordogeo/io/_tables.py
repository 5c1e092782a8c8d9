"""Read a small table (CSV with `,` or `;`, UTF-8 or Windows-1252, or XLSX)."""

from __future__ import annotations

import io
import warnings
import zipfile
from collections.abc import Collection, Sequence
from pathlib import Path
from typing import Final

import numpy as np
import pandas as pd
from pandas.api.types import is_bool_dtype, is_numeric_dtype

from coordogeo.errors import InputError, format_labels
from coordogeo.files import existing_path

__all__ = [
    "TABLE_SUFFIXES",
    "decode_text",
    "find_column",
    "parse_numbers",
    "read_table",
]

#: The suffixes of the tables coordogeo reads (CSV in its forms, spreadsheets).
TABLE_SUFFIXES: Final = (".csv", ".txt", ".tsv", ".xlsx", ".xlsm", ".xls")

_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")


def decode_text(raw: bytes, *, name: str, stacklevel: int = 3) -> str:
    r"""Return a file's text, whatever encoding a French user's tools saved it in.

    UTF-8 (with or without BOM) first; UTF-16 with its BOM (Excel's "texte
    Unicode"); else Windows-1252 (Excel's "CSV (séparateur : point-virgule)"). A
    file whose lines mix UTF-8 and Windows-1252 (a line pasted from another file)
    is read line by line, each in its own encoding, and a warning counts them:
    never "Ã‰mile Zola".

    Raises
    ------
    InputError
        Text in none of these encodings (``name`` names the file).

    Examples
    --------
    >>> import warnings
    >>> raw = "Émile;1\n".encode() + "Émile;2\n".encode("cp1252")
    >>> with warnings.catch_warnings(record=True) as said:
    ...     warnings.simplefilter("always")
    ...     decode_text(raw, name="f")
    'Émile;1\nÉmile;2\n'
    >>> print(str(said[0].message)[:44])
    `f` mixes encodings: 1 line(s) in UTF-8 (lin
    """
    if raw.startswith(_UTF16_BOMS):
        try:
            return raw.decode("utf-16")
        except UnicodeDecodeError as err:
            raise InputError(
                f"`{name}` starts as UTF-16 text but does not decode as UTF-16 "
                f"({err.reason}); save it again as CSV UTF-8."
            ) from None
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    lines = raw.splitlines(keepends=True)
    utf8 = np.zeros(len(lines), dtype=bool)  # non-ASCII lines that are UTF-8
    out = []
    try:
        for i, line in enumerate(lines):
            try:
                text = line.decode("utf-8-sig" if i == 0 else "utf-8")
                utf8[i] = not line.isascii()
            except UnicodeDecodeError:
                text = line.decode("cp1252")
            out.append(text)
    except UnicodeDecodeError:
        raise InputError(
            f"`{name}` is neither UTF-8 nor Windows-1252 text (line {i + 1}); save "
            "it again as CSV UTF-8."
        ) from None
    if utf8.any():
        warnings.warn(
            f"`{name}` mixes encodings: {int(utf8.sum())} line(s) in UTF-8 (line(s) "
            f"{format_labels(np.flatnonzero(utf8) + 1)}), the other non-ASCII lines "
            "in Windows-1252; each line was read in its own encoding. Save the file "
            "again as CSV UTF-8 to make it one.",
            UserWarning,
            stacklevel=stacklevel,
        )
    return "".join(out)


def read_table(source: str | Path | pd.DataFrame, *, name: str) -> pd.DataFrame:
    """Return ``source`` as a DataFrame of text columns (codes keep leading zeros).

    A DataFrame is copied; a ``.xlsx``/``.xls`` is read with openpyxl; anything else
    as CSV, UTF-8 or Windows-1252, ``;`` or ``,`` (whichever the header has more of).
    """
    if isinstance(source, pd.DataFrame):
        return source.copy()
    path = existing_path(source)
    if not path.is_file():
        raise InputError(f"`{name}`: no file at {str(path)!r}.")
    if path.suffix.lower() in TABLE_SUFFIXES[3:]:
        try:
            return pd.read_excel(path, dtype=str)
        except (ValueError, OSError, zipfile.BadZipFile, KeyError) as err:
            raise InputError(
                f"`{name}` ({path.name}) is not a readable spreadsheet ({err}); "
                "save it again as .xlsx, or as CSV."
            ) from err
    raw = path.read_bytes()
    if b"\x00" in raw[:4096] and not raw.startswith(_UTF16_BOMS):
        raise InputError(
            f"`{name}` ({path.name}) is a binary file, not a text table: save it as "
            "CSV (UTF-8) or XLSX."
        )
    text = decode_text(raw, name=path.name, stacklevel=4)
    header = text.split("\n", 1)[0]
    sep = ";" if header.count(";") > header.count(",") else ","
    return pd.read_csv(io.StringIO(text), sep=sep, dtype=str, keep_default_na=False)


def find_column(
    table: pd.DataFrame, candidates: Sequence[str], *, name: str, what: str
) -> str:
    """Return the first column of ``table`` matching a candidate, case-insensitively."""
    lower = {str(c).strip().lower(): c for c in table.columns}
    for candidate in candidates:
        if candidate in lower:
            return str(lower[candidate])
    raise InputError(
        f"`{name}` has no {what} column: looked for {format_labels(candidates)} (any "
        f"case) among {format_labels(table.columns)}. Rename the column."
    )


def parse_numbers(
    values: pd.Series,
    *,
    name: str,
    blanks: Collection[str] = ("",),
    what: str = "a number",
) -> pd.Series:
    """Read a column of numbers as floats, French writing included.

    Numbers stay numbers; texts may use a decimal comma (``12,5``) and spaces or
    (narrow) no-break spaces between thousands (``21 450``). Missing values and the
    texts of ``blanks`` (any case) become NaN: the caller counts or refuses them.
    Any other text is an error naming the rows.

    Examples
    --------
    >>> parse_numbers(pd.Series(["12,5", "21 450", "", 3]), name="x").tolist()
    [12.5, 21450.0, nan, 3.0]
    >>> parse_numbers(pd.Series(["12", "douze"]), name="capacity")
    Traceback (most recent call last):
    ...
    coordogeo.errors.InputError: `capacity` holds 1 value(s) that are not a number, \
at row(s) [1]: ['douze'].
    """
    if is_bool_dtype(values):  # True/False are not counts: the text rules refuse them
        rows = np.arange(len(values))
        _parse_texts(values, rows=rows, name=name, blanks=blanks, what=what)
    if is_numeric_dtype(values):
        numbers = values.to_numpy(dtype=np.float64, na_value=np.nan)
        return pd.Series(numbers, index=values.index, name=name)
    # Plain numbers parse at C speed; only the rest (decimal commas, spaces, marks,
    # errors) goes through the text rules below, with the same result.
    parsed = pd.to_numeric(values, errors="coerce")
    numbers = parsed.to_numpy(dtype=np.float64, copy=True)
    # to_numeric reads True as 1: a True/False among texts goes to the text rules,
    # which refuse it, as they refuse a column of them
    flag = values.map(lambda v: isinstance(v, bool | np.bool_)).to_numpy(dtype=bool)
    rest = np.flatnonzero((np.isnan(numbers) & values.notna().to_numpy()) | flag)
    if len(rest):
        numbers[rest] = _parse_texts(
            values.iloc[rest], rows=rest, name=name, blanks=blanks, what=what
        )
    return pd.Series(numbers, index=values.index, name=name)


def _parse_texts(
    values: pd.Series,
    *,
    rows: np.ndarray,
    name: str,
    blanks: Collection[str],
    what: str,
) -> np.ndarray:
    """Parse texts in French writing; ``rows`` are their positions in the column."""
    text = values.astype("string").str.strip()
    blank = text.str.lower().isin([b.lower() for b in blanks]).fillna(True).to_numpy()
    cleaned = text.str.replace("[\u202f\u00a0 ]", "", regex=True).str.replace(",", ".")
    parsed = pd.to_numeric(cleaned.where(~blank), errors="coerce")
    bad = ~blank & parsed.isna().to_numpy()
    if bad.any():
        raise InputError(
            f"`{name}` holds {int(bad.sum())} value(s) that are not {what}, at "
            f"row(s) {format_labels(rows[bad])}: "
            f"{format_labels(text[bad].unique())}."
        )
    return parsed.to_numpy(dtype=np.float64)
