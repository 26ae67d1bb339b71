"""Bytes of an uploaded scan file -> text, whatever the encoding Prowler or a spreadsheet left.

UTF-8 (with or without BOM), UTF-16 and UTF-32 (with BOM, or UTF-16 without one), and Latin-1 /
Windows-1252 are read; anything that looks binary is refused with ``EvidenceError("binary")``.
"""

from __future__ import annotations

import codecs

from assessment.evidence.errors import EvidenceError

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_SAMPLE = 8192
_TEXT_CONTROLS = {9, 10, 12, 13}  # tab, newline, form feed, carriage return


def _utf16_without_bom(sample: bytes) -> str | None:
    """UTF-16 text of ASCII characters has a NUL in every other byte."""
    if len(sample) < 4:
        return None
    even, odd = sample[0::2], sample[1::2]
    if odd.count(0) > 0.9 * len(odd) and even.count(0) < 0.1 * len(even):
        return "utf-16-le"
    if even.count(0) > 0.9 * len(even) and odd.count(0) < 0.1 * len(odd):
        return "utf-16-be"
    return None


def _looks_binary(text: str) -> bool:
    sample = text[:_SAMPLE]
    if not sample:
        return False
    controls = sum(1 for ch in sample if ord(ch) < 32 and ord(ch) not in _TEXT_CONTROLS)
    controls += sample.count("\ufffd")
    return controls > 0.01 * len(sample) + 1


def decode(data: bytes, name: str) -> str:
    """The text of ``data``; ``EvidenceError`` if it is empty, binary or undecodable."""
    if not data.strip():
        raise EvidenceError("empty_file", file=name)
    encoding = next((enc for bom, enc in _BOMS if data.startswith(bom)), None)
    if encoding is None and b"\x00" in data[:_SAMPLE]:
        encoding = _utf16_without_bom(data[:_SAMPLE])
        if encoding is None:
            raise EvidenceError("binary", file=name)
    candidates = [encoding] if encoding else ["utf-8", "cp1252", "latin-1"]
    for candidate in candidates:
        try:
            text = data.decode(candidate)
        except UnicodeDecodeError:
            continue
        if _looks_binary(text):
            raise EvidenceError("binary", file=name)
        return text.lstrip("\ufeff")
    if encoding:
        raise EvidenceError("unreadable", file=name, reason=f"it is not valid {encoding} text")
    raise EvidenceError("binary", file=name)  # pragma: no cover - latin-1 decodes any bytes
