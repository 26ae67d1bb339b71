"""User and file text made inert for Streamlit's Markdown: shown as typed, never as a link, image,
emoji, colour, icon, HTML or LaTeX. Every screen escapes through these two functions."""

from __future__ import annotations

import re

# Characters that start Markdown (or Streamlit's LaTeX and colour directives) wherever they appear.
_MARKDOWN_ANYWHERE = re.compile(r"([\\`*_\[\]<>#$~|&])")
# Characters that start a list, heading rule or setext heading only at the start of a line.
_MARKDOWN_LINE_START = re.compile(r"^([ \t]*)([-+=]|\d+[.)])", re.MULTILINE)


# In text we compose around user or file content (assistant replies, gap texts, file errors):
# brackets (links, images, colour directives), angle brackets, LaTeX and bare-URL autolinks.
_MARKDOWN_ACTIVE = re.compile(r"([\\\[\]<>$])")
# Streamlit's Markdown turns bare URLs, www. and e-mail addresses into links and :rocket:, :red[…]
# and :material/…: into emoji, colours and icons, after backslash escapes are read: a word joiner
# (U+2060, invisible) between ":" and a following letter, digit or "/", inside "a@b" and after
# "www" keeps them plain text. A ":" before a space ("Noted: yes") is left as it is.
_INERT = re.compile(r"(:)(?=[\w/])|(?<=\w)(@)(?=\w)|\b(www)(?=\.)", re.IGNORECASE)


def _inert(text: str) -> str:
    return _INERT.sub(lambda m: (m.group(1) or m.group(2) or m.group(3)) + "\u2060", text)


def markdown_literal(said: str) -> str:
    """``said`` escaped so Markdown shows it exactly as typed (no HTML, links, math or formatting).

    Streamlit never renders raw HTML here (no ``unsafe_allow_html``), but it would silently drop a
    typed ``<tag>`` and read ``$5 and $10`` as LaTeX; escaping keeps every character visible.
    """
    escaped = _MARKDOWN_ANYWHERE.sub(r"\\\1", said.replace("\r\n", "\n").replace("\r", "\n"))
    escaped = _MARKDOWN_LINE_START.sub(lambda m: m.group(1) + _escape_marker(m.group(2)), escaped)
    return _inert(escaped).replace("\n", "  \n")  # keep the founder's line breaks


def markdown_safe(said: str) -> str:
    """Text that mixes our own Markdown (bold, lists) with user or file content, made inert.

    Keeps ``**bold**`` and line structure, but no link, image, autolink, colour directive, HTML or
    LaTeX can come out of it: ``![x](http://host/p.png)`` shows as typed and fetches nothing. Text
    the founder typed, shown on its own, goes through the stricter ``markdown_literal``.
    """
    return _inert(_MARKDOWN_ACTIVE.sub(r"\\\1", said))


def _escape_marker(marker: str) -> str:
    return "\\" + marker if not marker[0].isdigit() else marker[:-1] + "\\" + marker[-1]
