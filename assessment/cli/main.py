"""The ``soc2-ready`` command: a thin shell over ``knowledge`` and ``assessment``.

Each command group lives in its own module and adds its sub-commands through ``register``.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from knowledge.settings import enforce_offline_env

COMMAND_MODULES = (
    "knowledge.cli",  # index, search, import-criteria
    "assessment.cli.interview",  # interview
    "assessment.cli.report",  # report
)


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with every available sub-command."""
    parser = argparse.ArgumentParser(
        prog="soc2-ready",
        description="Offline SOC 2 readiness assistant: interview, score, and report gaps.",
    )
    parser.add_argument("--data-dir", default=None, help="where the index and sessions live")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    for module_name in COMMAND_MODULES:
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as exc:
            if exc.name != module_name:
                raise
            continue
        module.register(commands)
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
        print(f"error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
