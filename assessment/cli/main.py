"""The ``soc2-ready`` command: a thin shell over ``knowledge`` and ``assessment``.

Each command group lives in its own module and adds its sub-commands through ``register``.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from assessment.cli.common import fail, text
from knowledge.settings import enforce_offline_env

# Each module's ``register`` only declares arguments; what a command needs loads in its handler.
COMMAND_MODULES = (
    "assessment.cli.knowledge",  # index, search, import-criteria
    "assessment.cli.interview",  # interview
    "assessment.cli.report",  # report
    "assessment.cli.evidence",  # import-evidence
    "assessment.cli.review",  # review
    "assessment.cli.sessions",  # sessions backups, restore-backup, set-owner
)


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with every available sub-command."""
    parser = argparse.ArgumentParser(prog="soc2-ready", description=text("prog_description"))
    parser.add_argument("--data-dir", default=None, help=text("help_data_dir"))
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    for module_name in COMMAND_MODULES:
        importlib.import_module(module_name).register(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the CLI; returns the process exit code."""
    enforce_offline_env()
    parser = build_parser()
    args = parser.parse_args(argv)
    handler = getattr(args, "handler", None)
    if handler is None:
        parser.print_help()
        return 0
    try:
        return int(handler(args) or 0)
    except KeyboardInterrupt:
        return 130
    except (ValueError, OSError) as exc:
        return fail(str(exc))


if __name__ == "__main__":
    sys.exit(main())
