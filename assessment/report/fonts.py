"""Fonts for the PDF report: DejaVu Sans from matplotlib, plus CJK and emoji fallbacks when present.

DejaVu Sans (shipped inside matplotlib, already a dependency) covers Latin, Greek, Cyrillic, Arabic,
Hebrew and many symbols. For Chinese, Japanese and Korean the first font found is used, in order:
``SOC2_READY_CJK_FONT``, the ``paperang-p2-fonts-cjk`` PyPI package (WenQuanYi Micro Hei), then the
Debian packages fonts-wqy-microhei, fonts-wqy-zenhei, fonts-noto-cjk or fonts-droid-fallback.
A monochrome emoji font is used when one is installed (``SOC2_READY_EMOJI_FONT``, the
``manimgx-fonts`` package's Noto Emoji, or Debian's fonts-symbola). Fallback fonts are loaded only
when the report holds characters DejaVu lacks, because parsing a CJK font costs about 0.3 s.
"""

from __future__ import annotations

import importlib.util
import os
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import matplotlib

_CJK_SYSTEM = (
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf",
)
_EMOJI_SYSTEM = (
    "/usr/share/fonts/truetype/noto/NotoEmoji-Regular.ttf",
    "/usr/share/fonts/truetype/ancient-scripts/Symbola_hint.ttf",
)


@dataclass(frozen=True)
class FontSet:
    """Paths of the fonts the PDF uses; fallbacks are None when not installed."""

    regular: Path
    bold: Path
    italic: Path
    cjk: Path | None
    emoji: Path | None


def _package_file(package: str, *names: str) -> Path | None:
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        return None
    base = Path(next(iter(spec.submodule_search_locations)))
    for name in names:
        matches = sorted(base.glob(name))
        if matches:
            return matches[0]
    return None


def _first(env: str, packaged: Path | None, system: tuple[str, ...]) -> Path | None:
    override = os.environ.get(env)
    if override and Path(override).is_file():
        return Path(override)
    if packaged is not None and packaged.is_file():
        return packaged
    return next((Path(p) for p in system if Path(p).is_file()), None)


@lru_cache(maxsize=1)
def find_fonts() -> FontSet:
    """The fonts available on this machine (looked up once per process)."""
    ttf = Path(matplotlib.get_data_path()) / "fonts" / "ttf"
    cjk = _first("SOC2_READY_CJK_FONT", _package_file("paperang_p2_fonts_cjk", "fonts/*.tt[cf]"), _CJK_SYSTEM)
    emoji = _first("SOC2_READY_EMOJI_FONT", _package_file("manimgx_fonts", "NotoEmoji*.ttf"), _EMOJI_SYSTEM)
    return FontSet(
        ttf / "DejaVuSans.ttf", ttf / "DejaVuSans-Bold.ttf", ttf / "DejaVuSans-Oblique.ttf", cjk, emoji
    )


@lru_cache(maxsize=1)
def base_coverage() -> frozenset[int]:
    """Code points DejaVu Sans can draw."""
    from fontTools.ttLib import TTFont  # fpdf2 depends on fontTools

    with TTFont(str(find_fonts().regular), lazy=True) as font:
        return frozenset(font.getBestCmap())


def needs_fallback(text: str) -> bool:
    """True when ``text`` has characters DejaVu Sans cannot draw."""
    covered = base_coverage()
    return any(ord(char) not in covered for char in set(text) if char not in "\n\t")
