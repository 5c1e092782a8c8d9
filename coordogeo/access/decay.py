"""Distance-decay weights of travel minutes: small pure functions and named presets."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Final

import numpy as np

from coordogeo.errors import InputError, check_choice, check_increasing, check_positive

__all__ = [
    "PRESETS",
    "PRESET_BOUNDS_MIN",
    "Decay",
    "exponential",
    "gaussian",
    "linear",
    "power",
    "resolve",
    "step",
]

#: A decay maps an array of travel minutes (>= 0) to weights (>= 0).
Decay = Callable[[np.ndarray], np.ndarray]


def step(weights: Mapping[float, float]) -> Decay:
    """Return a step decay: the weight of the first upper bound ``t`` is within.

    Upper bounds are **inclusive**: with ``{10: 1, 20: 0.68}``, 10 minutes weighs 1
    and 10.01 minutes 0.68; beyond the largest bound the weight is 0. This is the
    PySAL ``access.weights.step_fn`` convention (``x <= k``).

    Examples
    --------
    >>> f = step({10: 1, 20: 0.68, 30: 0.22})
    >>> f(np.array([0, 10, 10.01, 30, 30.01])).tolist()
    [1.0, 1.0, 0.68, 0.22, 0.0]
    """
    if not isinstance(weights, Mapping) or not weights:
        raise InputError(
            "`weights` must be a non-empty mapping {upper bound in minutes: weight}, "
            f"got {weights!r}."
        )
    bounds = check_increasing(sorted(weights), name="step bounds", unit="minutes")
    values = np.array([float(weights[b]) for b in sorted(weights)])
    if not (np.isfinite(values) & (values >= 0)).all():
        raise InputError(f"step weights must be finite and >= 0, got {dict(weights)}.")
    edges = np.array(bounds)
    table = np.append(values, 0.0)

    def decay(minutes: np.ndarray) -> np.ndarray:
        return table[np.searchsorted(edges, np.asarray(minutes), side="left")]

    return decay


def gaussian(*, sigma_min: float) -> Decay:
    """Return ``exp(-t² / (2 σ²))`` (1 at 0 min, not normalised; as PySAL ``gaussian``).

    Examples
    --------
    >>> gaussian(sigma_min=20)(np.array([0.0, 20.0])).round(4).tolist()
    [1.0, 0.6065]
    """
    sigma = check_positive(sigma_min, name="sigma_min", unit="minutes")
    return lambda minutes: np.exp(-np.square(minutes) / (2.0 * sigma**2))


def linear(*, max_time_min: float) -> Decay:
    """Return ``1 - t / max_time_min``, 0 beyond.

    Examples
    --------
    >>> linear(max_time_min=20)(np.array([0.0, 5.0, 25.0])).tolist()
    [1.0, 0.75, 0.0]
    """
    bound = check_positive(max_time_min, name="max_time_min", unit="minutes")
    return lambda minutes: np.clip(1.0 - np.asarray(minutes) / bound, 0.0, None)


def exponential(*, rate_per_min: float) -> Decay:
    """Return ``exp(-rate × t)``.

    Examples
    --------
    >>> exponential(rate_per_min=0.1)(np.array([0.0, 10.0])).round(4).tolist()
    [1.0, 0.3679]
    """
    rate = check_positive(rate_per_min, name="rate_per_min", unit="per minute")
    return lambda minutes: np.exp(-rate * np.asarray(minutes))


def power(*, beta: float, min_time_min: float = 1.0) -> Decay:
    """Return ``max(t, min_time_min) ** -beta``, the gravity (potential) model decay.

    ``min_time_min`` keeps a place at 0 minutes from weighing infinitely; it is an
    explicit parameter, not a hidden clamp.

    Examples
    --------
    >>> power(beta=1)(np.array([0.0, 1.0, 4.0])).tolist()
    [1.0, 1.0, 0.25]
    """
    b = check_positive(beta, name="beta", unit="")
    floor = check_positive(min_time_min, name="min_time_min", unit="minutes")
    return lambda minutes: (
        np.maximum(np.asarray(minutes, dtype=np.float64), floor) ** -b
    )


#: Named decays.
#:
#: - ``"drees_apl"``: weights 1 / 2/3 / 1/3 for 0–10 / 10–15 / 15–20 min, 0 beyond,
#:   as widely cited for the 2015+ DREES APL of general practitioners — the method
#:   the zonage médecins (arrêté of 13 November 2017 and its revisions) reads. The
#:   20 min bound is verified ("fonction décroissante entre 0 et 20 minutes", annex
#:   of the arrêté); **the weights are unverified** against a DREES table.
#: - ``"drees_apl_2012"``: the first APL (Barlet, Coldefy, Collin &
#:   Lucas-Gabrielli 2012, DREES document de travail n°124 / IRDES DT n°51; ETP,
#:   Odomatrix times): full weight up to 5 min, 0.3 from 5 to 10, 0.1 from 10 to
#:   15, 0 beyond (as summarised in secondary sources; a partial verification).
#: - ``"luo_qi_2009"``, ``"wan_2012"``: the E2SFCA and 3SFCA papers' weights.
#:
#: Override any of them with :func:`step` if your source differs.
PRESETS: Final[Mapping[str, Decay]] = {
    "luo_qi_2009": step({10: 1.0, 20: 0.68, 30: 0.22}),
    "drees_apl": step({10: 1.0, 15: 2 / 3, 20: 1 / 3}),
    "drees_apl_2012": step({5: 1.0, 10: 0.3, 15: 0.1}),
    "wan_2012": step({10: 0.962, 20: 0.704, 30: 0.377, 60: 0.042}),
}
#: The time beyond which each preset weighs 0: the bound a matrix for it needs.
PRESET_BOUNDS_MIN: Final[Mapping[str, float]] = {
    "luo_qi_2009": 30.0,
    "drees_apl": 20.0,
    "drees_apl_2012": 15.0,
    "wan_2012": 60.0,
}


def resolve(
    decay: str | Decay | None, *, default: str | None, bound_min: float
) -> Decay:
    """Turn a preset name, a callable or None into a decay function.

    None gives the ``default`` preset, or a binary catchment (1 up to ``bound_min``,
    inclusive) when ``default`` is None.
    """
    if decay is None:
        return step({bound_min: 1.0}) if default is None else PRESETS[default]
    if isinstance(decay, str):
        check_choice(decay, name="decay", choices=tuple(PRESETS))
        return PRESETS[decay]
    if not callable(decay):
        raise TypeError(
            f"`decay` must be a preset name {sorted(PRESETS)} or a function of "
            f"minutes, got {type(decay).__name__}."
        )
    return decay


def checked_weights(decay: Decay, minutes: np.ndarray) -> np.ndarray:
    """Apply ``decay`` and refuse weights that are not finite and >= 0."""
    weights = np.asarray(decay(minutes), dtype=np.float64)
    if weights.shape != minutes.shape:
        raise InputError(
            "`decay` must return one weight per travel time (a vectorised function of "
            f"a numpy array); got shape {weights.shape} for {minutes.shape}."
        )
    bad = ~(np.isfinite(weights) & (weights >= 0))
    if bad.any():
        first = float(minutes[bad][0])
        hint = " (a power decay needs `min_time_min` > 0)" if first == 0 else ""
        raise InputError(
            f"`decay` gave {int(bad.sum())} weight(s) that are negative, NaN or "
            f"infinite, e.g. at {first:g} min{hint}; weights must be finite and >= 0."
        )
    return weights
