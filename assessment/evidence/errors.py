"""The one exception an import raises: a user-facing message from ``prompts/evidence.yaml``."""

from __future__ import annotations

from assessment.templates import render_message

MESSAGES_FILE = "evidence.yaml"


def say(name: str, **values: object) -> str:
    """One evidence message with its placeholders filled (a missing one raises ``TemplateError``)."""
    return render_message(name, MESSAGES_FILE, **values)


class EvidenceError(ValueError):
    """A scan file that cannot be imported; ``str(error)`` is the message to show the founder.

    ``key`` names the template (``error_<key>`` in ``prompts/evidence.yaml``), so tests and callers can
    tell the reasons apart without matching text. Nothing in a session is changed when it is raised.
    """

    def __init__(self, key: str, **values: object) -> None:
        self.key = key
        self.values = values
        super().__init__(say(f"error_{key}", **values))
