"""The batch run: read, time, cover, index, zone, map, write — small explicit steps.

:func:`run` is what ``coordogeo run`` and ``coordogeo demo`` call. It reads the
inputs (:mod:`~coordogeo.pipeline.inputs`), runs the steps in order
(:mod:`~coordogeo.pipeline.steps`, :mod:`~coordogeo.pipeline.equity`,
:mod:`~coordogeo.pipeline.scenarios`) on one :class:`~coordogeo.pipeline.times.
TimeSource`, then draws and writes (:mod:`~coordogeo.pipeline.write`). Every row a
step sets aside, fills or leaves unreached goes into the
:class:`~coordogeo.pipeline.ledger.Ledger`, which becomes ``rapport.md`` /
``rapport.json`` beside the outputs.
"""

from __future__ import annotations

import time
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from typing import Any, Final, TextIO

from coordogeo._memory import release_freed_memory
from coordogeo._words import say
from coordogeo.access import time_summary
from coordogeo.coverage import within_reach
from coordogeo.errors import CoordogeoError
from coordogeo.pipeline.config import ConfigError, RunConfig
from coordogeo.pipeline.equity import access_by_income
from coordogeo.pipeline.inputs import read_inputs
from coordogeo.pipeline.ledger import Ledger
from coordogeo.pipeline.outputs import check_output_folder, staged_outputs
from coordogeo.pipeline.results import Inputs, RunResult, ScenarioOutcome
from coordogeo.pipeline.scenarios import run_scenarios
from coordogeo.pipeline.steps import (
    access_index,
    cpts_coverage,
    nearest_times,
    suggested_sites,
    underserved,
)
from coordogeo.pipeline.times import TimeSource
from coordogeo.pipeline.write import write_everything, write_maps

__all__ = ["RunResult", "run"]


class _Steps:
    """Numbered steps: their time goes into the ledger, their name to ``stream``."""

    def __init__(self, ledger: Ledger, stream: TextIO | None, n_steps: int) -> None:
        self.ledger, self.stream, self.n_steps, self.done = ledger, stream, n_steps, 0

    @contextmanager
    def step(self, name: str) -> Iterator[None]:
        self.done += 1
        if self.stream is not None:
            self.stream.write(f"[{self.done}/{self.n_steps}] {name}…")
            self.stream.flush()
        start = time.perf_counter()
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            try:
                yield
            except BaseException:
                if self.stream is not None:
                    self.stream.write(f" {say('failed', self.ledger.lang)}\n")
                raise
        seconds = time.perf_counter() - start
        release_freed_memory()  # a step's temporaries, back to the system
        self.ledger.steps.append((name, seconds))
        if self.stream is not None:
            self.stream.write(f" {seconds:.1f} s\n")
            self.stream.flush()
        for warning in caught:
            self.ledger.warn(f"{name} : {warning.message}")


_N_STEPS: Final = 9


def run(config: RunConfig, *, progress: TextIO | None = None) -> RunResult:
    """Run a checked config end to end; write the maps, tables and report.

    The output folder is checked first (:func:`check_output_folder`): nothing is
    computed for a folder the run may not write into. Outputs are staged and moved
    in only when every step succeeded.

    Parameters
    ----------
    config
        From :func:`coordogeo.pipeline.load_config`.
    progress
        Where to write one line per step (the CLI passes stderr); silent if None.

    Returns
    -------
    RunResult
        The frames computed, the ledger and the files written.

    Raises
    ------
    ConfigError
        An input that cannot be used, named by its config key; an output folder
        that would lose files; roads that do not cover the territory.
    """
    target = check_output_folder(
        config.folder, inputs={**config.inputs, "config": config.source}
    )
    ledger = Ledger(lang=config.lang, parameters=config.parameters())
    extra = bool(config.scenarios or config.compares)
    steps = _Steps(ledger, progress, _N_STEPS + extra)
    with steps.step(say("step_read", config.lang)):
        inputs = read_inputs(config, ledger)
    try:
        return _computed(config, inputs, ledger, steps, target)
    finally:
        if inputs.client is not None:  # compute.scheduler
            inputs.client.close()


def _computed(
    config: RunConfig, inputs: Inputs, ledger: Ledger, steps: _Steps, target: Any
) -> RunResult:
    """Run the steps after reading, then write the outputs (staged)."""
    extra = bool(config.scenarios or config.compares)
    lang = config.lang
    times_of = TimeSource(config, inputs)
    with steps.step(say("step_times", lang)):
        places = nearest_times(config, inputs, times_of, ledger)
        reach = within_reach(places)
        times = time_summary(places)
    with steps.step(say("step_coverage", lang)):
        coverage = cpts_coverage(inputs)
    with steps.step(say("step_index", lang, method=config.method)):
        index, column = access_index(config, inputs, times_of, ledger)
    with steps.step(say("step_zones", lang)):
        found = underserved(config, inputs, places, index, column, ledger)
    with steps.step(say("step_sites", lang)):
        found = suggested_sites(config, inputs, times_of, found, ledger)
    with steps.step(say("step_equity", lang)):
        fair = access_by_income(config, found.places, index, column, ledger)
        if fair is not None:
            found = replace(found, places=found.places.assign(income_third=fair.thirds))
    outcomes: tuple[ScenarioOutcome, ...] = ()
    if extra:
        with steps.step(
            say("step_scenarios" if config.scenarios else "step_evolution", lang)
        ):
            try:
                outcomes = run_scenarios(config, inputs, times_of, found, ledger)
            except ConfigError:
                raise
            except CoordogeoError as err:  # named: [compare] or the scenario
                text = str(err)
                head = "" if text.startswith("[compare]") else "[[scenario]] "
                raise ConfigError(head + text) from err
    times_of.forget()  # kept for the scenarios only: gigabytes nationally
    result = RunResult(
        config, inputs, found.places, reach, times, coverage, index, column, found,
        fair, ledger, {}, outcomes,
    )  # fmt: skip
    with staged_outputs(target) as staging:
        with steps.step(say("step_maps", lang)):
            pages = write_maps(result, staging)
        try:
            with steps.step(say("step_write", lang)):
                written = write_everything(result, staging, pages=pages)
        except BaseException:  # the figures' writer stopped: the folder goes
            pages.figures.cancel()
            raise
    final = {name: target.folder / path.name for name, path in written.items()}
    return RunResult(**{**result.__dict__, "written": final})
