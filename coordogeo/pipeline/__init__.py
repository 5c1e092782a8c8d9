"""The batch run behind ``coordogeo run`` and ``coordogeo demo``.

``load_config`` reads and checks a TOML config (:mod:`~coordogeo.pipeline.config`,
the one schema of every key), ``run`` runs it (:mod:`~coordogeo.pipeline.run`) and
writes maps, tables and the report (:mod:`~coordogeo.pipeline.report`);
``init_folder`` writes a config to start from.
"""

from coordogeo.pipeline.config import ConfigError, RunConfig, load_config
from coordogeo.pipeline.init import init_folder, write_sample_inputs
from coordogeo.pipeline.outputs import MANIFEST, OutputError
from coordogeo.pipeline.report import console_summary
from coordogeo.pipeline.run import RunResult, run

__all__ = [
    "MANIFEST",
    "ConfigError",
    "OutputError",
    "RunConfig",
    "RunResult",
    "console_summary",
    "init_folder",
    "load_config",
    "run",
    "write_sample_inputs",
]
