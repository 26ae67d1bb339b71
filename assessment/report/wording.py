"""The report's wording: every label and message comes from ``prompts/report/strings.yaml``."""

from __future__ import annotations

from assessment.templates import load_messages, render_message
from knowledge.text import one_line

STRINGS_FILE = "report/strings.yaml"


def strings() -> dict[str, str]:
    """Every label of the report (validated to be text)."""
    return load_messages(STRINGS_FILE)


def say(name: str, **values: object) -> str:
    """One report message with its placeholders filled; a missing one raises ``TemplateError``."""
    return one_line(render_message(name, STRINGS_FILE, **values))
