"""Charts written beside the maps, as SVG: access by standard of living.

Drawn with matplotlib (the plotting library every Python user has met; its SVG
backend writes a standalone, vector file that opens in a browser, in Inkscape and
in a report, with no JavaScript), headless (Agg) and deterministic: the same
input gives the same bytes.
"""

from __future__ import annotations

import io
from typing import Final

import pandas as pd

from coordogeo._columns import Lang
from coordogeo.errors import check_choice, check_columns

__all__ = ["equity_chart"]

#: Colour-blind-safe pair (Okabe-Ito blue and vermilion).
_BLUE: Final = "#0072B2"
_VERMILION: Final = "#D55E00"

_TEXT: Final = {
    "fr": {
        "curve": "Courbe de concentration du temps d'accès",
        "x": "Part cumulée de la population, des plus modestes aux plus aisés",
        "y": "Part cumulée du temps de trajet",
        "equality": "égalité",
        "bars": "Temps moyen par groupe de niveau de vie",
        "group": "Groupe (1 = plus modestes)",
        "minutes": "Temps moyen (min)",
    },
    "en": {
        "curve": "Concentration curve of the travel time",
        "x": "Cumulative share of the population, poorest to richest",
        "y": "Cumulative share of the travel time",
        "equality": "equality",
        "bars": "Mean travel time by standard-of-living group",
        "group": "Group (1 = poorest)",
        "minutes": "Mean time (min)",
    },
}


def equity_chart(
    table: pd.DataFrame,
    curve: pd.DataFrame,
    *,
    column: str,
    lang: Lang = "fr",
    title: str | None = None,
) -> str:
    """Draw the concentration curve and the mean time by income group, as SVG.

    Parameters
    ----------
    table, curve
        :func:`coordogeo.equity.by_income` output (``table`` indexed by group,
        ``curve`` with ``population_share`` and ``value_share``).
    column
        The ``mean_<column>`` of ``table`` drawn as bars.
    lang
        ``"fr"`` (default) or ``"en"``.
    title
        A line above both panels (territory, kind, vintage).

    Returns
    -------
    str
        The SVG document.

    Examples
    --------
    >>> t = pd.DataFrame({"mean_t": [30.0, 10.0]}, index=pd.Index([1, 2], name="group"))
    >>> c = pd.DataFrame({"population_share": [0, 0.5, 1], "value_share": [0, 0.75, 1]})
    >>> svg = equity_chart(t, c, column="t")
    >>> svg.startswith("<?xml") and "Courbe de concentration" in svg
    True
    """
    check_choice(lang, name="lang", choices=("fr", "en"))
    check_columns(table, [f"mean_{column}"], name="table")
    check_columns(curve, ["population_share", "value_share"], name="curve")
    # the object API draws without pyplot, so no global backend is touched
    import matplotlib  # noqa: PLC0415 - only when a chart is drawn
    import matplotlib.ticker  # noqa: PLC0415
    from matplotlib.figure import Figure  # noqa: PLC0415

    words = _TEXT[lang]
    figure = Figure(figsize=(10, 4.2), layout="constrained")
    left, right = figure.subplots(1, 2)
    left.plot([0, 1], [0, 1], color="#777777", linestyle="--", label=words["equality"])
    left.plot(curve["population_share"], curve["value_share"], color=_VERMILION,
              linewidth=2)  # fmt: skip
    left.set(xlim=(0, 1), ylim=(0, 1), xlabel=words["x"], ylabel=words["y"],
             title=words["curve"])  # fmt: skip
    left.legend(loc="upper left", frameon=False)
    groups = [str(g) for g in table.index]
    right.bar(groups, table[f"mean_{column}"], color=_BLUE)
    right.set(xlabel=words["group"], ylabel=words["minutes"], title=words["bars"])
    if lang == "fr":
        for axis in (left.xaxis, left.yaxis, right.yaxis):
            axis.set_major_formatter(
                matplotlib.ticker.FuncFormatter(lambda v, _: f"{v:g}".replace(".", ","))
            )
    if title:
        figure.suptitle(title)
    buffer = io.StringIO()
    with matplotlib.rc_context({"svg.hashsalt": "coordogeo", "svg.fonttype": "none"}):
        figure.savefig(buffer, format="svg", metadata={"Date": None})
    return buffer.getvalue()
