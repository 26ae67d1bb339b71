"""Pages of a long chat history: the latest bubbles stay on screen, older ones a page at a time."""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple, TypeVar

T = TypeVar("T")


class Bubble(NamedTuple):
    """One chat bubble: a speaker's consecutive turns; ``withdrawn`` when ``back`` undid its answer."""

    role: str
    text: str
    withdrawn: bool = False


@dataclass(frozen=True)
class HistoryPage:
    """One page of earlier chat bubbles: ``bubbles[start:stop]``, shown as 1-based ``first``-``last``."""

    start: int
    stop: int

    @property
    def first(self) -> int:
        """The 1-based number of the page's first bubble."""
        return self.start + 1

    @property
    def last(self) -> int:
        """The 1-based number of the page's last bubble."""
        return self.stop


def split_history(bubbles: list[T], recent: int) -> tuple[list[T], list[T]]:
    """``(earlier, latest)``: the last ``recent`` bubbles and everything before them."""
    cut = max(0, len(bubbles) - max(0, recent))
    return bubbles[:cut], bubbles[cut:]


def history_pages(count: int, size: int) -> list[HistoryPage]:
    """Pages of ``size`` bubbles over ``count`` earlier bubbles, oldest first (at least one page)."""
    size = max(1, size)
    return [HistoryPage(start, min(count, start + size)) for start in range(0, max(count, 1), size)]
