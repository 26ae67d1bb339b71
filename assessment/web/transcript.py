"""Chat turns as Markdown: one bubble's body, and earlier turns as one block (pure; no Streamlit import).

The latest turns are chat bubbles; older ones fold away. Drawn as bubbles, every old turn costs
the server a chat-message element on every rerun; as one block it is one element, built once per
page of turns (cached here) and, being large and unchanged, not sent to the browser again
(Streamlit's message cache). A turn whose answer was undone (``back``) stays in the record, struck
through and labelled, so the chat shows what was said and that it no longer counts.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence

from assessment.web.markup import markdown_literal, markdown_safe
from assessment.web.support import text

# A line's indent and list marker stay outside the strike, so a struck list is still a list.
_LINE = re.compile(r"^(\s*(?:(?:[-*+]|\d+[.)])\s+)?)(.*?)(\s*)$")


def struck(markdown: str) -> str:
    """``markdown`` struck through line by line (a strike cannot span a line or paragraph break)."""
    lines = []
    for line in markdown.split("\n"):
        match = _LINE.match(line)
        assert match is not None  # every part of the pattern is optional
        lead, core, trail = match.groups()
        lines.append(f"{lead}~~{core}~~{trail}" if core else line)
    return "\n".join(lines)


def bubble_markdown(role: str, said: str, withdrawn: bool = False) -> str:
    """A bubble's text made inert, struck through when its answer was withdrawn.

    What the founder typed is shown exactly as typed (``markdown_literal``); replies keep their own
    bold and lists but no link, image or HTML can come out of them (``markdown_safe``).
    """
    body = markdown_literal(said) if role == "user" else markdown_safe(said)
    return struck(body) if withdrawn else body


@functools.lru_cache(maxsize=32)
def history_markdown(bubbles: tuple[Sequence[object], ...]) -> str:
    """``(role, text[, withdrawn])`` bubbles as Markdown: a bold speaker line, then the text, made inert.

    A withdrawn bubble's speaker line carries the withdrawn label and its text is struck through.
    """
    you, assistant = text("history_speaker_user"), text("history_speaker_assistant")
    blocks = []
    for role, said, *mark in bubbles:
        withdrawn = bool(mark and mark[0])
        speaker = you if role == "user" else assistant
        label = f" · *{text('turn_withdrawn')}*" if withdrawn else ""
        blocks.append(f"**{speaker}**{label}  \n{bubble_markdown(str(role), str(said), withdrawn)}")
    return "\n\n".join(blocks)
