"""Assert user-facing text by template key: does a text hold a rendering of a template?

Tests that check wording go through the template (``prompts/*.yaml``), never a copied sentence, so
rewording a message changes no test. When the values are known, compare with ``render_message``;
when they are not (counts, dates), :func:`shows` matches any values.
"""

from __future__ import annotations

import re
import string

from assessment.templates import load_messages


def message_pattern(name: str, filename: str = "messages.yaml") -> re.Pattern[str]:
    """A pattern matching template ``name`` rendered with any values."""
    template = load_messages(filename)[name]
    parts = []
    for literal, field, _, _ in string.Formatter().parse(template):
        parts.append(re.escape(literal))
        if field is not None:
            parts.append(r".+?")
    return re.compile("".join(parts), re.DOTALL)


def shows(text: str, name: str, filename: str = "messages.yaml") -> bool:
    """True when ``text`` holds template ``name`` of ``filename``, whatever its values."""
    return message_pattern(name, filename).search(text) is not None
