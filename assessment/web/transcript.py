"""Earlier chat turns as one Markdown block (pure; no Streamlit import).

The latest turns are chat bubbles; older ones fold away. Drawn as bubbles, every old turn costs
the server a chat-message element on every rerun; as one block it is one element, built once per
page of turns (cached here) and, being large and unchanged, not sent to the browser again
(Streamlit's message cache).
"""

from __future__ import annotations

import functools

from assessment.web.support import markdown_literal, markdown_safe, text


@functools.lru_cache(maxsize=32)
def history_markdown(bubbles: tuple[tuple[str, str], ...]) -> str:
    """``(role, text)`` bubbles as Markdown: a bold speaker line, then the text, made inert.

    What the founder typed is shown exactly as typed (``markdown_literal``); replies keep their own
    bold and lists but no link, image or HTML can come out of them (``markdown_safe``).
    """
    you, assistant = text("history_speaker_user"), text("history_speaker_assistant")
    blocks = []
    for role, said in bubbles:
        if role == "user":
            blocks.append(f"**{you}**  \n{markdown_literal(said)}")
        else:
            blocks.append(f"**{assistant}**  \n{markdown_safe(said)}")
    return "\n\n".join(blocks)
