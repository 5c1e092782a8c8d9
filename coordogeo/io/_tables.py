"""Read a small table (CSV with `,` or `;`, UTF-8 or Windows-1252, or XLSX)."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Collection, Sequence
from pathlib import Path

import numpy as np
import pandas as pd
from pandas.api.types import is_bool_dtype, is_numeric_dtype

from coordogeo.errors import InputError, format_labels

__all__ = ["find_column", "parse_numbers", "read_table"]


def read_table(source: str | Path | pd.DataFrame, *, name: str) -> pd.DataFrame:
    """Return ``source`` as a DataFrame of text columns (codes keep leading zeros).

    A DataFrame is copied; a ``.xlsx``/``.xls`` is read with openpyxl; anything else
    as CSV, UTF-8 or Windows-1252, ``;`` or ``,`` (whichever the header has more of).
    """
    if isinstance(source, pd.DataFrame):
        return source.copy()
    path = Path(source)
    if not path.is_file():
        raise InputError(f"`{name}`: no file at {str(path)!r}.")
    if path.suffix.lower() in {".xlsx", ".xlsm", ".xls"}:
        try:
            return pd.read_excel(path, dtype=str)
        except (ValueError, OSError, zipfile.BadZipFile, KeyError) as err:
            raise InputError(
                f"`{name}` ({path.name}) is not a readable spreadsheet ({err}); "
                "save it again as .xlsx, or as CSV."
            ) from err
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = raw.decode("cp1252")
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
