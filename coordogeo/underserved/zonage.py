"""Zonage-style categories (ZIP, ZAC, vivier, hors vivier) from an APL-style index."""

from __future__ import annotations

import warnings
from collections.abc import Mapping
from typing import Final

import numpy as np
import pandas as pd

from coordogeo._columns import LANGS, apl_column
from coordogeo._words.underserved import ZONAGE_REASONS
from coordogeo.errors import InputError, check_choice, check_counts, format_labels

__all__ = ["DEFAULT_THRESHOLDS", "ZONAGE_CATEGORIES", "zonage"]

#: APL bounds in consultations per year and inhabitant, both overridable: below
#: "ZIP" an area must be selected as ZIP (arrêté of 13 Nov 2017: APL < 2.5, verified);
#: from "ZIP" to below "ZAC" it is in the vivier the ARS chooses ZIP and ZAC from
#: (the band 2.5 ≤ APL < 4 is the commonly cited one, not verified on the text).
DEFAULT_THRESHOLDS: Final[Mapping[str, float]] = {"ZIP": 2.5, "ZAC": 4.0}
#: The categories, from the most to the least in tension.
ZONAGE_CATEGORIES: Final = ("ZIP", "ZAC", "vivier", "hors vivier")


def zonage(
    zones_or_communes: pd.DataFrame,
    *,
    apl: str | None = None,
    thresholds: Mapping[str, float] | None = None,
    max_population_share: Mapping[str, float] | None = None,
    lang: str = "fr",
) -> pd.DataFrame:
    """Sort areas into zonage-style categories from their APL-style index.

    An area (commune, TVS, zone) with APL below ``thresholds["ZIP"]`` is **ZIP**
    (mandatory). Areas from ``thresholds["ZIP"]`` to below ``thresholds["ZAC"]`` form
    the *vivier*. Without ``max_population_share`` the whole vivier is **ZAC**.
    With it, the ARS choice is simulated by APL, lowest first: vivier areas join ZIP
    while the ZIP population share stays within ``max_population_share["ZIP"]``,
    then ZAC within ``max_population_share["ZAC"]`` (a category given no share: ZIP
    keeps only its mandatory areas, ZAC takes the rest of the vivier); vivier areas
    left over stay **vivier**. Areas at or above ``thresholds["ZAC"]`` are
    **hors vivier**. The legal zonage is made on *territoires de vie-santé* and the
    ARS chooses within the vivier on more than the APL: this is a reading aid, not
    the official zoning, and every bound is a parameter.

    Parameters
    ----------
    zones_or_communes
        Areas with an APL column and ``population``; the shares are taken over all
        the rows given (the region).
    apl
        The APL column; the one ``apl_*`` column (:func:`coordogeo.access.apl`) if
        None.
    thresholds
        ``{"ZIP": …, "ZAC": …}`` in the unit of the APL column (C./an/hab. by
        default), ``ZIP < ZAC``; default :data:`DEFAULT_THRESHOLDS`.
    max_population_share
        Regional caps on the share of the population, between 0 and 1, for ``"ZIP"``
        and/or ``"ZAC"`` (the ``maxZIP``/``maxZAC`` of the arrêté's annex for the
        region). Mandatory ZIP areas stay ZIP even beyond the cap, with a warning.
    lang
        Language of ``zonage_reason``: ``"fr"`` or ``"en"``. The categories keep
        the arrêté's names (ZIP, ZAC, vivier, hors vivier) in both.

    Returns
    -------
    DataFrame
        A copy with ``zonage`` (ordered categorical :data:`ZONAGE_CATEGORIES`) and
        ``zonage_reason`` (the rule that placed the area, in ``lang``).

    Raises
    ------
    InputError
        A missing APL or population column, missing APL values, thresholds with other
        keys, non-numbers or ``ZIP >= ZAC``, a share outside [0, 1] or for another
        category.

    Warns
    -----
    UserWarning
        Mandatory ZIP areas hold more than ``max_population_share["ZIP"]``.

    Examples
    --------
    >>> import pandas as pd
    >>> areas = pd.DataFrame(
    ...     {"apl": [1.8, 2.6, 3.0, 3.5, 4.2], "population": [100, 100, 100, 100, 100]},
    ...     index=list("abcde"),
    ... )
    >>> zonage(areas, apl="apl")["zonage"].tolist()
    ['ZIP', 'ZAC', 'ZAC', 'ZAC', 'hors vivier']
    >>> capped = zonage(areas, apl="apl", max_population_share={"ZIP": 0.4, "ZAC": 0.2})
    >>> capped["zonage"].tolist()
    ['ZIP', 'ZIP', 'ZAC', 'vivier', 'hors vivier']
    """
    column = apl_column(zones_or_communes, apl) if apl is None else apl
    bounds = _thresholds(thresholds)
    caps = _caps(max_population_share)
    people = check_counts(zones_or_communes, "population", name="zones_or_communes")
    if column not in zones_or_communes.columns:
        raise InputError(
            f"`zones_or_communes` has no APL column {column!r}; its columns are "
            f"{format_labels(zones_or_communes.columns)}. Name it with `apl=`."
        )
    value = pd.to_numeric(zones_or_communes[column], errors="coerce").to_numpy(
        dtype=np.float64
    )
    missing = ~np.isfinite(value)
    if missing.any():
        raise InputError(
            f"`zones_or_communes[{column!r}]` is missing or not a number on "
            f"{int(missing.sum())} row(s), at index "
            f"{format_labels(zones_or_communes.index[missing])}; compute the index "
            "for every area (`coordogeo.access.apl`)."
        )
    check_choice(lang, name="lang", choices=LANGS)
    words = ZONAGE_REASONS[lang]
    zip_, zac = (_number(bounds[k], lang) for k in ("ZIP", "ZAC"))
    low, high = bounds["ZIP"], bounds["ZAC"]
    total = float(people.sum())
    mandatory = value < low
    vivier = (value >= low) & (value < high)
    category = np.where(mandatory, "ZIP", np.where(vivier, "vivier", "hors vivier"))
    reason = np.where(
        mandatory,
        words["mandatory"].format(zip=zip_),
        np.where(
            vivier,
            words["left"].format(zip=zip_, zac=zac),
            words["above"].format(zac=zac),
        ),
    ).astype(object)
    if caps is None:
        category = np.where(vivier, "ZAC", category)
        reason = np.where(vivier, words["zac"].format(zip=zip_, zac=zac), reason)
    else:
        share_zip = float(people[mandatory].sum()) / total if total else 0.0
        if "ZIP" in caps and share_zip > caps["ZIP"]:
            warnings.warn(
                f"Areas with APL < {zip_} hold {share_zip:.1%} of the population, "
                f"above max_population_share['ZIP'] = {caps['ZIP']:.1%}; they stay ZIP "
                "(the selection below the threshold is mandatory).",
                UserWarning,
                stacklevel=2,
            )
        left = vivier.copy()
        for name, used in (("ZIP", share_zip), ("ZAC", 0.0)):
            cap = caps.get(name)
            if name == "ZIP" and cap is None:
                continue  # no ZIP share given: ZIP keeps its mandatory areas only
            chosen = _lowest_within(value, people, left, total, used, cap)
            category = np.where(chosen, name, category)
            reason = np.where(chosen, _chosen_reason(name, cap, lang), reason)
            left &= ~chosen
    out = zones_or_communes.copy()
    out["zonage"] = pd.Categorical(category, categories=ZONAGE_CATEGORIES, ordered=True)
    out["zonage_reason"] = reason
    return out


def _lowest_within(
    value: np.ndarray,
    people: np.ndarray,
    eligible: np.ndarray,
    total: float,
    used: float,
    cap: float | None,
) -> np.ndarray:
    """Pick the eligible areas, lowest APL first, while the share fits ``cap``.

    A prefix in APL order: an area is never passed over for a better-off one that
    happens to fit. ``used`` is the share already in the category.
    """
    chosen = np.zeros(len(value), dtype=bool)
    candidates = np.flatnonzero(eligible)
    if cap is None:
        chosen[candidates] = True
        return chosen
    order = candidates[np.argsort(value[candidates], kind="stable")]
    shares = used + np.cumsum(people[order]) / total if total else np.zeros(len(order))
    fits = shares <= cap + 1e-12
    n_fit = int(np.argmin(fits)) if not fits.all() else len(order)
    chosen[order[:n_fit]] = True
    return chosen


def _chosen_reason(name: str, cap: float | None, lang: str) -> str:
    """Why a vivier area was placed in ``name``, in ``lang``."""
    words = ZONAGE_REASONS[lang]
    if cap is None:
        return words["no_cap"]
    return words["chosen"].format(name=name, cap=_number(100 * cap, lang))


def _thresholds(given: Mapping[str, float] | None) -> dict[str, float]:
    """Check ``thresholds``: the keys ZIP and ZAC, numbers, ZIP < ZAC."""
    bounds = dict(DEFAULT_THRESHOLDS if given is None else given)
    if set(bounds) != {"ZIP", "ZAC"}:
        raise InputError(
            f"`thresholds` must have the keys 'ZIP' and 'ZAC', got "
            f"{format_labels(bounds)}; e.g. {{'ZIP': 2.5, 'ZAC': 4.0}}."
        )
    for key, bound in bounds.items():
        if isinstance(bound, bool) or not isinstance(bound, int | float):
            raise InputError(
                f"`thresholds[{key!r}]` must be a number (APL), got {bound!r}."
            )
        if not np.isfinite(bound):
            raise InputError(f"`thresholds[{key!r}]` must be finite, got {bound!r}.")
    if not bounds["ZIP"] < bounds["ZAC"]:
        raise InputError(
            f"`thresholds` must have ZIP < ZAC, got ZIP={bounds['ZIP']}, "
            f"ZAC={bounds['ZAC']}."
        )
    return {k: float(v) for k, v in bounds.items()}


def _caps(given: Mapping[str, float] | None) -> dict[str, float] | None:
    """Check ``max_population_share``: ZIP and/or ZAC, shares in [0, 1]."""
    if given is None:
        return None
    caps = dict(given)
    unknown = set(caps) - {"ZIP", "ZAC"}
    if unknown or not caps:
        raise InputError(
            f"`max_population_share` takes the keys 'ZIP' and/or 'ZAC', got "
            f"{format_labels(caps)}."
        )
    for key, share in caps.items():
        ok = isinstance(share, int | float) and not isinstance(share, bool)
        if not ok or not 0 <= share <= 1:
            raise InputError(
                f"`max_population_share[{key!r}]` must be a share between 0 and 1 "
                f"(0.3 for 30 %), got {share!r}."
            )
    return {k: float(v) for k, v in caps.items()}


def _number(value: float, lang: str) -> str:
    """Write a bound as the reasons do: 2.5 -> '2,5' in French."""
    text = f"{value:g}"
    return text.replace(".", ",") if lang == "fr" else text
