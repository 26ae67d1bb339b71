"""What every ``soc2-ready`` command shares: its texts (``prompts/cli.yaml``) and the optional LLM.

Kept free of heavy imports: ``--help`` loads only this, argparse and the prompts file.
"""

from __future__ import annotations

import sys
from typing import Any

from assessment.templates import render_message

CLI_MESSAGES = "cli.yaml"


def text(name: str, **values: object) -> str:
    """A CLI text from ``prompts/cli.yaml``, filled with ``values``."""
    return render_message(name, filename=CLI_MESSAGES, **values)


def fail(reason: str) -> int:
    """Print ``error: REASON`` on stderr and return exit code 2."""
    print(text("error", reason=reason), file=sys.stderr)
    return 2


def configured_llm(offline: bool = False) -> tuple[Any, str | None]:
    """The ``LLMAssist`` for ``SOC2_READY_LLM`` (None: offline) and, if it is unusable, why."""
    if offline:
        return None, None
    from knowledge.settings import load_settings

    settings = load_settings()
    if not (settings.llm or "").strip():
        return None, None  # offline: LangChain is never imported
    from assessment.llm import LLMAssist, LLMConfigError

    try:
        return LLMAssist.from_settings(settings), None
    except LLMConfigError as exc:
        return None, text("llm_unusable", reason=str(exc))
