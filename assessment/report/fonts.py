"""Fonts for the PDF report: DejaVu Sans, with Noto CJK and an emoji face as fallbacks when installed.

DejaVu Sans covers Latin, Greek, Cyrillic, Arabic, Hebrew and many symbols. It comes from Debian's
``fonts-dejavu-core`` (or the same files where other systems install them); without it, Noto Sans
(``fonts-noto-core``) or Liberation Sans is used, and with none of them ``FontsMissingError`` says
which package to install. Chinese, Japanese and Korean use Debian's ``fonts-noto-cjk`` (Noto Sans CJK;
WenQuanYi or Droid Sans Fallback are also found); emoji use ``fonts-symbola``; other symbols
``fonts-noto-core``'s Noto Sans Symbols 2. ``make install`` and ``.ci/run`` install them. A font
given in the settings (``SOC2_READY_CJK_FONT``, ``SOC2_READY_EMOJI_FONT``) comes first.

Fallbacks are loaded only when the report holds characters DejaVu lacks, because parsing a CJK font
costs about 0.3 s. When such characters have no installed font, ``missing_font_notice`` says which
package to install (the characters are drawn as empty boxes meanwhile) and the PDF still renders.

Each font file is parsed once per process (``_parsed``); every new document gets a copy of the
parsed font with its own glyph subset and its own fontTools object, because fpdf2 subsets that
object in place when it writes the PDF.
"""

from __future__ import annotations

import copy
import logging
import threading
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from assessment.templates import render_message

if TYPE_CHECKING:
    from fpdf import FPDF
    from fpdf.fonts import TTFFont

log = logging.getLogger(__name__)
FONT_MESSAGES = "fonts.yaml"

_DEJAVU_DIRS = (
    "/usr/share/fonts/truetype/dejavu",  # Debian, Ubuntu: fonts-dejavu-core
    "/usr/share/fonts/dejavu-sans-fonts",  # Fedora
    "/usr/share/fonts/TTF",  # Arch
    "/usr/share/fonts/dejavu",
    "/usr/local/share/fonts",
    "/opt/homebrew/share/fonts",
    "/Library/Fonts",
)
# Body fonts with the same three styles, tried when DejaVu Sans is not installed.
_BODY_FALLBACKS = (
    ("/usr/share/fonts/truetype/noto", ("NotoSans-Regular.ttf", "NotoSans-Bold.ttf", "NotoSans-Italic.ttf")),
    (
        "/usr/share/fonts/truetype/liberation",
        ("LiberationSans-Regular.ttf", "LiberationSans-Bold.ttf", "LiberationSans-Italic.ttf"),
    ),
)
_CJK_SYSTEM = (
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",  # fonts-noto-cjk
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf",
)
_EMOJI_SYSTEM = (
    "/usr/share/fonts/truetype/ancient-scripts/Symbola_hint.ttf",  # fonts-symbola
    "/usr/share/fonts/truetype/noto/NotoEmoji-Regular.ttf",
)
_SYMBOLS_SYSTEM = ("/usr/share/fonts/truetype/noto/NotoSansSymbols2-Regular.ttf",)  # fonts-noto-core

# Code-point ranges used to tell the founder which font package is missing.
_CJK_RANGES = (
    (0x1100, 0x11FF),  # Hangul Jamo
    (0x2E80, 0x9FFF),  # CJK radicals, kana, CJK unified ideographs
    (0xAC00, 0xD7AF),  # Hangul syllables
    (0xF900, 0xFAFF),  # CJK compatibility ideographs
    (0xFF00, 0xFFEF),  # half- and full-width forms
    (0x20000, 0x2FA1F),  # CJK extensions
)
_EMOJI_RANGES = ((0x1F000, 0x1FAFF), (0x2600, 0x27BF))


@dataclass(frozen=True)
class FontSet:
    """Paths of the fonts the PDF uses; fallbacks are None when not installed."""

    regular: Path
    bold: Path
    italic: Path
    cjk: Path | None
    emoji: Path | None
    symbols: Path | None = None


def _setting(name: str) -> Path | None:
    from knowledge.settings import load_settings

    value: Path | None = getattr(load_settings(), name)
    return value if value is not None and value.is_file() else None


def _first(setting: str, system: tuple[str, ...]) -> Path | None:
    return _setting(setting) or next((Path(p) for p in system if Path(p).is_file()), None)


class FontsMissingError(ValueError):
    """No body font for the PDF is installed; the message says which package to install."""


def _dejavu() -> tuple[Path, Path, Path]:
    names = ("DejaVuSans.ttf", "DejaVuSans-Bold.ttf", "DejaVuSans-Oblique.ttf")
    candidates = [(d, names) for d in _DEJAVU_DIRS] + list(_BODY_FALLBACKS)
    for directory, files in candidates:
        paths = tuple(Path(directory) / name for name in files)
        if all(p.is_file() for p in paths):
            return paths  # type: ignore[return-value]
    raise FontsMissingError(render_message("missing_body_font", filename=FONT_MESSAGES))


@lru_cache(maxsize=1)
def find_fonts() -> FontSet:
    """The fonts available on this machine (looked up once per process)."""
    regular, bold, italic = _dejavu()
    return FontSet(
        regular,
        bold,
        italic,
        cjk=_first("cjk_font", _CJK_SYSTEM),
        emoji=_first("emoji_font", _EMOJI_SYSTEM),
        symbols=next((Path(p) for p in _SYMBOLS_SYSTEM if Path(p).is_file()), None),
    )


@lru_cache(maxsize=1)
def base_coverage() -> frozenset[int]:
    """Code points DejaVu Sans can draw."""
    from fontTools.ttLib import TTFont  # fpdf2 depends on fontTools

    with TTFont(str(find_fonts().regular), lazy=True) as font:
        return frozenset(font.getBestCmap())


def uncovered(text: str) -> frozenset[int]:
    """Code points of ``text`` that DejaVu Sans cannot draw (line breaks and tabs aside)."""
    covered = base_coverage()
    return frozenset(ord(c) for c in set(text) if c not in "\n\t" and ord(c) not in covered)


def needs_fallback(text: str) -> bool:
    """True when ``text`` has characters DejaVu Sans cannot draw."""
    return bool(uncovered(text))


def _in(code: int, ranges: tuple[tuple[int, int], ...]) -> bool:
    return any(low <= code <= high for low, high in ranges)


def missing_font_notice(text: str, fonts: FontSet | None = None) -> str | None:
    """Why some characters of ``text`` will show as boxes and which package to install, or None."""
    fonts = fonts or find_fonts()
    missing = uncovered(text)
    if fonts.cjk is None and any(_in(c, _CJK_RANGES) for c in missing):
        return render_message("missing_cjk_font", filename=FONT_MESSAGES)
    if fonts.emoji is None and any(_in(c, _EMOJI_RANGES) for c in missing):
        return render_message("missing_emoji_font", filename=FONT_MESSAGES)
    return None


def warn_if_missing(text: str) -> None:
    """Log (once per message) that characters of ``text`` have no installed font."""
    notice = missing_font_notice(text)
    if notice is not None:
        _warn_once(notice)


@lru_cache(maxsize=8)
def _warn_once(notice: str) -> None:
    log.warning("%s", notice)


_PARSE_LOCK = threading.Lock()


@lru_cache(maxsize=16)
def _parsed(path: str, style: str) -> TTFFont:
    """The font file parsed by fpdf2 once per process (metrics, character map, glyph ids)."""
    from fpdf import FPDF

    scratch = FPDF()
    scratch.add_font("parsed", style, path)
    return next(iter(scratch.fonts.values()))  # type: ignore[return-value]


def _add_font(pdf: FPDF, family: str, style: str, path: Path) -> None:
    """``pdf.add_font(family, style, path)`` from the cached parse, with this document's own state."""
    from fontTools.ttLib import TTFont
    from fpdf.enums import TextEmphasis
    from fpdf.font_type_3 import get_color_font_object
    from fpdf.fonts import SubsetMap

    with _PARSE_LOCK:  # two threads rendering at once parse each file only once
        parsed = _parsed(str(path), style)
    font = copy.copy(parsed)  # shares the read-only tables: widths, character map, glyph ids
    font.i = len(pdf.fonts) + 1
    font.fontkey = f"{family}{style}"
    font.emphasis = TextEmphasis.coerce(style)
    # fpdf2 subsets this object in place when writing the PDF, so each document opens its own.
    font.ttfont = TTFont(
        str(path), recalcTimestamp=False, fontNumber=parsed.collection_font_number, lazy=True
    )
    font.missing_glyphs = []
    font.biggest_size_pt = 0
    font._hbfont = None  # HarfBuzz face, made on first shaped line of this document
    font.subset = SubsetMap(font)
    font.color_font = get_color_font_object(pdf, font, font.palette_index) if pdf.render_color_fonts else None
    pdf.fonts[font.fontkey] = font


def add_report_fonts(pdf: FPDF, text: str) -> None:
    """Register the ``body`` family on ``pdf`` and, when ``text`` needs them, the fallback fonts.

    Fonts that ``text`` needs but that are not installed are reported by ``warn_if_missing``.
    """
    fonts = find_fonts()
    _add_font(pdf, "body", "", fonts.regular)
    _add_font(pdf, "body", "B", fonts.bold)
    _add_font(pdf, "body", "I", fonts.italic)
    if not needs_fallback(text):
        return
    fallbacks = []
    for family, path in (("cjk", fonts.cjk), ("emoji", fonts.emoji), ("symbols", fonts.symbols)):
        if path is not None:
            _add_font(pdf, family, "", path)
            fallbacks.append(family)
    if fallbacks:
        pdf.set_fallback_fonts(fallbacks, exact_match=False)
    warn_if_missing(text)
