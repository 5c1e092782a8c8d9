"""Read a small table (CSV with `,` or `;`, UTF-8 or Windows-1252, or XLSX)."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from coordogeo.errors import InputError, format_labels

__all__ = ["find_column", "read_table"]


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
