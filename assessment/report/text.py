"""Text hygiene shared by every renderer: control characters, truncation and per-format escaping."""

from __future__ import annotations

import re
import unicodedata

from knowledge.text import one_line as one_line  # re-exported: the renderers' one-line form

_NEWLINES = str.maketrans({"\r": "\n", "\u2028": "\n", "\u2029": "\n"})
# C0 and C1 control characters except tab and newline; also lone surrogates, which cannot be encoded.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff]")
# Characters that start Markdown syntax anywhere in a line; escaping them keeps user text literal.
# Parentheses, "!" and "#" only matter next to characters escaped here or at a line start, so they
# are left alone to keep the raw Markdown readable.
# An underscore between two letters or digits ("cc2_3_vendor") can neither open nor close emphasis,
# so it stays as typed; every other one is escaped.
_MD_SPECIAL = re.compile(r"([\\`*\[\]<>|~]|(?<![^\W_])_|_(?![^\W_]))")
_MD_LINE_START = re.compile(r"^(\s*)(?:([-+=#])|(\d+)([.)]))", re.MULTILINE)
_MD_LATER_LINE_START = re.compile(r"(?<=\n)(\s*)(?:([-+=#])|(\d+)([.)]))")


def _escape_line_start(match: re.Match[str]) -> str:
    indent, mark, number, dot = match.groups()
    return f"{indent}\\{mark}" if mark else f"{indent}{number}\\{dot}"


def clean(text: object) -> str:
    """Text safe for any format: CR/CRLF and the Unicode line/paragraph separators become newlines
    (editors and browsers break lines there, which would split a Markdown table row), and C0/C1
    controls (except tab and newline) go."""
    value = "" if text is None else str(text)
    value = value.replace("\r\n", "\n").translate(_NEWLINES)
    return _CONTROL.sub("", value)


def truncate(text: str, limit: int, marker: str = "…") -> str:
    """``text`` cut to about ``limit`` characters at a word boundary, then ``marker`` ("…" unless given;
    ``{hidden}`` in it is replaced by the number of characters cut)."""
    if len(text) <= limit:
        return text
    cut = text.rfind(" ", int(limit * 0.8), limit)
    cut = cut if cut > 0 else limit
    return text[:cut].rstrip() + marker.format(hidden=len(text) - cut)


def md_inline(text: object, line_start: bool = True) -> str:
    """User text made literal inside a Markdown paragraph, list item or table cell.

    Newlines become ``<br>`` only inside table cells, so callers who need a table cell use
    ``md_cell``; here they are kept as Markdown line breaks (two trailing spaces). With
    ``line_start=False`` the text follows other text on its line ("**Label:** 6.2 ..."), where a
    leading "6." or "-" starts no list, so only its later lines are guarded.
    """
    value = _MD_SPECIAL.sub(r"\\\1", clean(text))
    pattern = _MD_LINE_START if line_start else _MD_LATER_LINE_START
    value = pattern.sub(_escape_line_start, value)
    return "  \n".join(line.strip() for line in value.split("\n"))


def md_after(text: object) -> str:
    """User text placed after other text on a Markdown line (``md_inline`` without the first line start)."""
    return md_inline(text, line_start=False)


def md_cell(text: object) -> str:
    """User text for one Markdown table cell: no raw pipes, no newlines that would break the row."""
    value = _MD_SPECIAL.sub(r"\\\1", clean(text))
    value = value.replace("\t", " ")
    return "<br>".join(part.strip() for part in value.split("\n") if part.strip()) or " "


def md_block(text: object) -> str:
    """User text kept whole as a Markdown block quote, each line quoted and escaped."""
    lines = md_inline(text).split("  \n")
    return "\n".join("> " + line if line else ">" for line in lines)


def is_rtl_or_complex(text: str) -> bool:
    """True when text holds scripts that need shaping (Arabic, Hebrew, Indic, Thai ...)."""
    for char in text:
        code = ord(char)
        if 0x0590 <= code <= 0x08FF or 0x0900 <= code <= 0x0DFF or 0x0E00 <= code <= 0x0EFF:
            return True
        if 0xFB1D <= code <= 0xFDFF or 0xFE70 <= code <= 0xFEFF:
            return True
    return False


def normalize(text: str) -> str:
    """NFC form, so accents typed as combining marks render with precomposed glyphs."""
    return unicodedata.normalize("NFC", text)
