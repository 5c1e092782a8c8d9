"""Read the INSEE Filosofi commune file: median standard of living, poverty rate."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Final

import pandas as pd

from coordogeo.codes import normalise_insee
from coordogeo.errors import InputError, format_labels
from coordogeo.io._tables import find_column, parse_numbers, read_table
from coordogeo.io.communes import CODE_COLUMNS

__all__ = ["read_filosofi_communes"]

_MEDIAN: Final = re.compile(r"^med(\d{2})$", re.I)
_POVERTY: Final = re.compile(r"^tp60(\d{2})$", re.I)
#: What INSEE writes where a value is under statistical secrecy or not available.
_BLANKS: Final = {"", "s", "nd", "na", "n/a", "secret", "-"}


def read_filosofi_communes(path: str | Path | pd.DataFrame) -> pd.DataFrame:
    """Read a Filosofi commune file (``base-cc-filosofi-YYYY``), CSV or XLSX.

    The vintage is read from the column names (``MED21``, ``TP6021`` for 2021); the
    file may be ``;`` or ``,`` separated, UTF-8 or Windows-1252, with decimal
    commas. Values under **statistical secrecy** (blank, ``s``, ``nd``) stay
    missing, never 0, and are counted in ``attrs["secret"]``.

    Returns
    -------
    DataFrame
        Indexed by ``insee``: ``niveau_vie_median`` (€ per person and year),
        ``taux_pauvrete_pct`` (poverty rate at 60 % of the median, in %), and
        ``attrs["vintage"]`` (e.g. 2021).

    Raises
    ------
    InputError
        No code column, no ``MEDyy`` column, two vintages in one file, repeated
        codes, values that are neither numbers nor a secrecy mark.

    Examples
    --------
    >>> t = pd.DataFrame({"CODGEO": ["46042", "46102", "46001"],
    ...                   "MED21": ["21 450", "20980,5", "s"],
    ...                   "TP6021": ["14,2", "", "s"]})
    >>> out = read_filosofi_communes(t)
    >>> out.to_dict("index")["46042"], out.attrs["vintage"], out.attrs["secret"]
    ({'niveau_vie_median': 21450.0, 'taux_pauvrete_pct': 14.2}, 2021, 3)
    """
    table = read_table(path, name="filosofi")
    code = find_column(table, CODE_COLUMNS, name="filosofi", what="INSEE code")
    medians = [c for c in table.columns if _MEDIAN.match(str(c))]
    rates = [c for c in table.columns if _POVERTY.match(str(c))]
    if len(medians) != 1:
        raise InputError(
            f"`filosofi` must have one median column `MEDyy` (e.g. MED21), found "
            f"{format_labels(medians)} among {format_labels(table.columns)}."
        )
    year = _MEDIAN.match(str(medians[0]))
    rate_year = _POVERTY.match(str(rates[0])) if rates else None
    assert year is not None  # matched above
    vintage = 2000 + int(year.group(1))
    if rate_year is not None and rate_year.group(1) != year.group(1):
        raise InputError(
            f"`filosofi` mixes vintages: {medians[0]} and {rates[0]}; read one file "
            "per vintage."
        )
    insee = normalise_insee(table[code], name="filosofi")
    if insee.duplicated().any():
        raise InputError(
            "`filosofi` repeats INSEE codes "
            f"{format_labels(insee[insee.duplicated()])}."
        )
    out = pd.DataFrame(index=pd.Index(insee, name="insee"))
    secret = 0
    wanted = {medians[0]: "niveau_vie_median"}
    if rates:
        wanted[rates[0]] = "taux_pauvrete_pct"
    for column, name in wanted.items():
        values = parse_numbers(
            table[column], name=str(column), blanks=_BLANKS,
            what="a number nor a secrecy mark",
        )  # fmt: skip
        out[name] = values.to_numpy()
        secret += int(values.isna().sum())
    out.attrs["vintage"] = vintage
    out.attrs["secret"] = secret
    return out
