"""INSEE commune codes: one textual form, and the département each belongs to."""

from __future__ import annotations

import numpy as np
import pandas as pd

from coordogeo.errors import InputError, format_labels

__all__ = ["departement_of", "normalise_insee"]

_CODE_PATTERN = r"(?:\d{5}|2[AB]\d{3})"


def normalise_insee(codes: pd.Series, *, name: str) -> pd.Series:
    """Return INSEE commune codes as 5-character strings, or raise naming bad ones.

    Spreadsheets and CSV readers often turn ``01053`` into the number ``1053``;
    whole numbers, and 4-digit texts, are therefore padded back to 5 digits. Text
    is stripped and upper-cased (``2a004`` → ``2A004``). Anything else — missing,
    6 digits, letters other than Corsica's ``2A``/``2B`` — is an error that lists
    the rows.

    Examples
    --------
    >>> import pandas as pd
    >>> normalise_insee(pd.Series([1053, " 2a004", "97101", "1001"]), name="c").tolist()
    ['01053', '2A004', '97101', '01001']
    >>> normalise_insee(pd.Series(["46042", "460", None]), name="members['insee']")
    Traceback (most recent call last):
    ...
    coordogeo.errors.InputError: `members['insee']` holds 2 value(s) that are not
    INSEE commune codes ...: ['460', None] at index [1, 2]; fix them, or read ...
    """
    values = codes
    if pd.api.types.is_float_dtype(values):
        whole = values.notna() & (values == np.floor(values))
        values = values.astype(object).where(~whole, values[whole].astype("int64"))
    text = values.map(
        lambda v: f"{v:05d}" if isinstance(v, int | np.integer) else v
    ).astype("string")
    text = text.str.strip().str.upper()
    text = text.where(~text.str.fullmatch(r"\d{4}").fillna(False), "0" + text)
    ok = text.str.fullmatch(_CODE_PATTERN).fillna(False).to_numpy(dtype=bool)
    corsica = text.str.fullmatch(r"20\d{3}").fillna(False).to_numpy(dtype=bool)
    if corsica.any():
        old = codes[corsica]
        raise InputError(
            f"`{name}` holds {len(old)} Corsican code(s) of before 1976 (département "
            f"20, split into 2A and 2B): {format_labels(old)} at index "
            f"{format_labels(old.index)}; use today's codes (2A… or 2B…), e.g. with "
            "`coordogeo.io.update_insee_codes` and INSEE's table of commune changes."
        )
    if not ok.all():
        bad = codes[~ok]
        raise InputError(
            f"`{name}` holds {len(bad)} value(s) that are not INSEE commune codes "
            "(5 characters, e.g. '46042' or '2A004'): "
            f"{format_labels(v if pd.notna(v) else None for v in bad)} at index "
            f"{format_labels(bad.index)}; fix them, or read the file with `dtype=str` "
            "so leading zeros are kept."
        )
    return text.astype(object)


def departement_of(codes: pd.Series) -> pd.Series:
    """Return the département code of each (normalised) INSEE commune code.

    Two characters in metropolitan France (``46``, ``2A``, ``2B``), three overseas
    (``971`` … ``976``), where the commune code starts with ``97``.

    Examples
    --------
    >>> import pandas as pd
    >>> departement_of(pd.Series(["46042", "2B033", "97411", "01053"])).tolist()
    ['46', '2B', '974', '01']
    """
    text = codes.astype("string")
    overseas = text.str.startswith("97").fillna(False)
    return text.str[:2].where(~overseas, text.str[:3]).astype(object)
