"""The ``coordogeo`` command: parse, call the pipeline, turn errors into exit codes."""

from __future__ import annotations

import argparse
import logging
import sys
import tempfile
import traceback
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from coordogeo._version import __version__
from coordogeo.errors import CoordogeoError

__all__ = ["main"]

#: Exit statuses: 2 for a problem with the inputs or the config (the message says
#: what to change), 1 for anything else (a bug: `--debug` shows the traceback).
INPUT_PROBLEM, INTERNAL_ERROR = 2, 1


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit status."""
    args = _parser().parse_args(argv)
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(levelname)s: %(message)s"))
    package = logging.getLogger("coordogeo")
    level = package.level
    package.addHandler(handler)
    package.setLevel(logging.DEBUG if args.debug else logging.WARNING)
    try:
        return _call(args)
    finally:
        package.removeHandler(handler)
        package.setLevel(level)


def _call(args: argparse.Namespace) -> int:
    """Run the chosen command; map its errors to exit statuses and one line."""
    try:
        status: int = args.run(args)
    except CoordogeoError as err:
        if args.debug:
            traceback.print_exc()
        sys.stderr.write(f"coordogeo: {err}\n")
        return INPUT_PROBLEM
    except Exception as err:
        if args.debug:
            traceback.print_exc()
        sys.stderr.write(
            f"coordogeo: internal error {type(err).__name__}: {err} (run again with "
            "--debug for the traceback, and report it)\n"
        )
        return INTERNAL_ERROR
    return status


class _Parser(argparse.ArgumentParser):
    """A parser whose epilog is made only when its help is shown.

    ``coordogeo --version`` and ``--help`` import nothing heavy: the config's
    schema (and the whole pipeline behind it) is read for ``run --help`` only.
    """

    def __init__(
        self, *args: Any, epilog_from: Callable[[], str] | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.epilog_from = epilog_from

    def format_help(self) -> str:
        """Write the help, with the epilog made now."""
        if self.epilog_from is not None:
            self.epilog = self.epilog_from()
        return super().format_help()


def _schema_text() -> str:
    from coordogeo.pipeline.schema_docs import schema_text  # noqa: PLC0415 - heavy

    return schema_text()


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="coordogeo",
        description="Access to coordinated primary care in France: coverage, road "
        "travel times, accessibility indices, under-served zones, maps.",
    )
    parser.add_argument(
        "--version", action="version", version=f"coordogeo {__version__}"
    )
    parser.add_argument(
        "--debug", action="store_true", help="show tracebacks and debug messages"
    )
    sub = parser.add_subparsers(title="commands", required=True, parser_class=_Parser)
    demo = sub.add_parser(
        "demo",
        help="run the main job on the embedded (fictional) sample territory",
        description="The same run as `coordogeo init DIR --sample` then `coordogeo "
        "run DIR/config.toml`: CPTS coverage, the nearest MSP and centre de santé by "
        "road for every inhabited 1 km cell, an APL-style index per commune, the "
        "under-served zones and three suggested MSP sites; prints the summary and "
        "writes maps, resultats.gpkg, CSV tables and rapport.md / rapport.json.",
    )
    demo.add_argument("--out", type=Path, default=Path("coordogeo-demo"),
                      help="output folder (default: %(default)s)")  # fmt: skip
    demo.set_defaults(run=_demo)
    run_cmd = sub.add_parser(
        "run",
        help="run a TOML config on your files",
        description="Read the inputs a TOML config names, compute, and write maps, "
        "a GeoPackage, CSV tables and rapport.md / rapport.json into its output "
        "folder (new, empty, or written by coordogeo before). Progress goes to "
        "stderr. Start from `coordogeo init DIR`.",
        epilog_from=_schema_text,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    run_cmd.add_argument("config", type=Path, help="the TOML config file")
    run_cmd.add_argument(
        "--out", type=Path, help="output folder instead of the config's"
    )
    run_cmd.set_defaults(run=_run)
    init = sub.add_parser(
        "init",
        help="write a commented config to start from (--sample: with the sample)",
        description="Write DIR/config.toml listing every key with its meaning. With "
        "--sample, also the fictional sample territory's files in DIR/donnees, and "
        "the config runs as is: `coordogeo run DIR/config.toml`.",
    )
    init.add_argument("folder", type=Path, help="folder to write the config in")
    init.add_argument("--sample", action="store_true",
                      help="add the sample territory's input files")  # fmt: skip
    init.add_argument("--territory", default="metropole",
                      help="with --sample: metropole, guadeloupe, martinique, "
                      "guyane, reunion or mayotte")  # fmt: skip
    init.set_defaults(run=_init)
    return parser


def _run(args: argparse.Namespace) -> int:
    """Run a config file and print its summary."""
    from coordogeo.pipeline import console_summary, load_config, run  # noqa: PLC0415

    config = load_config(args.config)
    if args.out is not None:
        config = config.with_folder(args.out)
    result = run(config, progress=sys.stderr)
    sys.stdout.write(console_summary(result))
    return 0


def _demo(args: argparse.Namespace) -> int:
    """Run the sample's config from a temporary folder, into ``--out``."""
    from coordogeo.pipeline import (  # noqa: PLC0415 - heavy: imported when used
        console_summary,
        init_folder,
        load_config,
        run,
    )

    with tempfile.TemporaryDirectory(prefix="coordogeo-demo-") as tmp:
        config = load_config(init_folder(Path(tmp), sample=True))
        result = run(config.with_folder(args.out), progress=sys.stderr)
    sys.stdout.write(
        "Territoire d'exemple (fictif) : Val-d'Ombre — le même calcul que "
        "`coordogeo init DIR --sample` puis `coordogeo run DIR/config.toml`.\n\n"
    )
    sys.stdout.write(console_summary(result))
    return 0


def _init(args: argparse.Namespace) -> int:
    """Write a config (and the sample's files) into a folder."""
    from coordogeo.pipeline import init_folder  # noqa: PLC0415 - heavy

    config = init_folder(args.folder, sample=args.sample, territory=args.territory)
    todo = "" if args.sample else "Remplacez-y les chemins par vos fichiers. "
    sys.stdout.write(
        f"Config écrite : {config}\n{todo}Lancez : coordogeo run {config}\n"
    )
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
