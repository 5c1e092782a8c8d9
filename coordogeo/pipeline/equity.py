"""The run's equity step: are the poorest farther from care? Indices and deciles."""

from __future__ import annotations

import numpy as np
import pandas as pd

from coordogeo._columns import nearest_column
from coordogeo._words import say
from coordogeo.equity import (
    by_income,
    check_incomes_differ,
    concentration_index,
    fgt,
    gini,
    income_groups,
    palma_ratio,
    theil_t,
)
from coordogeo.errors import InputError
from coordogeo.pipeline.config import ConfigError, RunConfig
from coordogeo.pipeline.ledger import Ledger
from coordogeo.pipeline.results import EquityResult

__all__ = ["access_by_income"]


def access_by_income(
    config: RunConfig,
    places: pd.DataFrame,
    index: pd.DataFrame,
    index_column: str,
    ledger: Ledger,
) -> EquityResult | None:
    """Compute the equity section, or None when it is off or there is no income."""
    if config.equity is False:
        return None
    if config.income not in places:
        if config.equity:
            raise ConfigError(
                f"`equity.enabled = true` but the places have no {config.income!r} "
                "column: give the Filosofi grid (its Ind_snv column) as "
                "`inputs.population`, or name the income column in `equity.income`."
            )
        return None
    time_column = nearest_column(kind=config.timed_kind)
    incomes = places[config.income].dropna().to_numpy(dtype=np.float64)
    if not _incomes_differ(incomes):
        lang = ledger.lang
        why = (
            say("income_empty", lang, column=config.income)
            if len(incomes) == 0
            else say("income_equal", lang, low=f"{incomes.min():.10g}",
                     high=f"{incomes.max():.10g}")
        )  # fmt: skip
        ledger.warn(say("equity_skipped", lang, why=why))
        return None
    apl = places["insee"].map(index[index_column]) if "insee" in places else None
    frame = places.assign(_apl=apl) if apl is not None else places
    decile = by_income(
        frame,
        time_column,
        income=config.income,
        groups=config.groups,
        apl="_apl" if apl is not None else None,
        apl_below=config.apl_below or 2.5,
    )
    known = frame[config.income].notna() & frame[time_column].notna()
    if apl is not None:
        known &= frame["_apl"].notna()
    lost_income = float(frame.loc[frame[config.income].isna(), "population"].sum())
    unreachable = float(
        frame.loc[frame[config.income].notna() & frame[time_column].isna(),
                  "population"].sum()
    )  # fmt: skip
    if lost_income:
        ledger.aside(
            say("no_income_what", ledger.lang),
            frame.index[frame[config.income].isna()],
            population=lost_income,
            why=say("no_income_why", ledger.lang),
            dropped=False,
            warn=False,
        )
    rows = frame[known]
    indices = _indices(config, rows, time_column)
    has = frame[config.income].notna()
    thirds = pd.Series(pd.NA, index=frame.index, dtype="Int64", name="income_third")
    thirds[has] = income_groups(
        frame.loc[has, config.income], frame.loc[has, "population"], 3
    )
    return EquityResult(
        time_column, config.income, indices, decile.table, decile.curve,
        unreachable, lost_income, thirds,
    )  # fmt: skip


def _incomes_differ(incomes: np.ndarray) -> bool:
    """Whether there are incomes, differing (beyond rounding) from place to place."""
    try:
        check_incomes_differ(incomes)
    except InputError:
        return False
    return len(incomes) > 0


def _indices(config: RunConfig, rows: pd.DataFrame, time_column: str) -> pd.DataFrame:
    """Every index with one line saying how to read it."""
    w = rows["population"].to_numpy(dtype=np.float64)
    t = rows[time_column].to_numpy(dtype=np.float64)
    inc = rows[config.income].to_numpy(dtype=np.float64)
    bound = config.underserved_time_min
    theil = theil_t(t, w, groups=income_groups(inc, w, config.groups))
    beyond = fgt(t, w, bound, worse="above")
    values = {
        "gini": gini(t, w),
        "concentration": concentration_index(t, w, inc),
        "erreygers": concentration_index(t, w, inc, corrected=True),
        "palma": palma_ratio(t, w, inc),
        "theil": theil.total,
        "theil_between": theil.between,
        "fgt0": beyond["FGT0"],
        "fgt1": beyond["FGT1"],
        "fgt2": beyond["FGT2"],
    }
    if "_apl" in rows:
        a = rows["_apl"].to_numpy(dtype=np.float64)
        if float(np.average(a, weights=w)) > 0:
            values["concentration_apl"] = concentration_index(a, w, inc)
    out = [
        (
            say(f"index_{key}", config.lang, bound=f"{bound:g}"),
            value,
            say(f"index_{key}_reading", config.lang),
        )
        for key, value in values.items()
    ]
    return pd.DataFrame(out, columns=["indice", "value", "reading"]).set_index("indice")
