"""Find Trust Services criterion and point-of-focus IDs written in free text, in any common form.

Founders type "CC6.1", "cc 6.1", "CC-6.1", "pi 1.3", "cc6.1.3" or "what does CC6.1 mean?";
all of them name the same canonical ID (``CC6.1``, ``PI1.3``, ``CC6.1.3``). The reference library
labels processing integrity ``PP1.x``; that spelling is accepted too.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# Longer family names first so "cc" wins over "c" and "pi"/"pp" over "p". Single-letter families
# must touch their number ("A1.2", "p-1.1"): "a 1.5 hour outage" is not criterion A1.5.
_ID_IN_TEXT = re.compile(
    r"(?<![a-z0-9])(cc(?=\s*[-_]?\s*\d)|pi(?=\s*[-_]?\s*\d)|pp(?=\s*[-_]?\s*\d)|a(?=[-_]?\d)|c(?=[-_]?\d)|p(?=[-_]?\d))"
    r"\s*[-_]?\s*([1-9])\s*\.\s*(\d{1,2})(?:\s*\.\s*(\d{1,2}))?(?![0-9]|\.\d)",
    re.IGNORECASE,
)
_FAMILY_RANGE = {"CC": range(1, 10), "A": range(1, 2), "PI": range(1, 2), "C": range(1, 2), "P": range(1, 9)}
# The families with their group numbers, canonical spelling only: "CC[1-9]|A1|PI1|C1|P[1-8]".
_FAMILY = "|".join(
    f"{name}[{groups.start}-{groups.stop - 1}]" if len(groups) > 1 else f"{name}{groups.start}"
    for name, groups in _FAMILY_RANGE.items()
)
CRITERION_ID = re.compile(rf"^({_FAMILY})\.[0-9]{{1,2}}$")
"""A canonical criterion ID ("CC6.1", "PI1.3"): for validating data files and stored sessions."""
POINT_ID = re.compile(rf"^({_FAMILY})\.[0-9]{{1,2}}\.[0-9]{{1,2}}$")
"""A canonical point-of-focus ID ("CC6.1.3")."""
CRITERION_MENTION = re.compile(rf"\b({_FAMILY})\.[0-9]{{1,2}}(?:\.[0-9]{{1,2}})?\b", re.IGNORECASE)
"""A criterion or point-of-focus ID written without spaces inside running text ("what is cc6.1?");
:func:`find_ids` also reads the spaced and hyphenated spellings ("cc 6.1", "CC-6.1")."""
OFFICIAL_CRITERIA: tuple[str, ...] = tuple(
    f"{family}{group}.{number}"
    for family, group, count in (
        *(("CC", g, n) for g, n in zip(range(1, 10), (5, 3, 4, 2, 3, 8, 5, 1, 2), strict=True)),
        ("A", 1, 3),
        ("PI", 1, 5),
        ("C", 1, 2),
        *(("P", g, n) for g, n in zip(range(1, 9), (1, 1, 2, 3, 2, 7, 1, 1), strict=True)),
    )
    for number in range(1, count + 1)
)
"""The 61 official Trust Services Criteria IDs, in official order (CC1.1 ... P8.1)."""
_OFFICIAL = frozenset(OFFICIAL_CRITERIA)


def is_official(criterion_id: str) -> bool:
    """True for one of the 61 official criterion IDs written canonically ("CC6.1"; not "CC6.9")."""
    return criterion_id in _OFFICIAL


@dataclass(frozen=True)
class IdMention:
    """One ID found in text: the criterion it belongs to and, if given, the point of focus."""

    criterion_id: str
    point_id: str | None = None

    @property
    def id(self) -> str:
        """The most specific ID mentioned (the point of focus if there is one)."""
        return self.point_id or self.criterion_id


def find_ids(text: str) -> list[IdMention]:
    """All well-formed criterion or point-of-focus IDs in ``text``, in order, without repeats.

    Only the shape is checked here (family and group number); whether the ID exists is the
    caller's business, since that depends on the corpus.
    """
    found: list[IdMention] = []
    seen: set[str] = set()
    for match in _ID_IN_TEXT.finditer(text):
        family = match.group(1).upper()
        family = "PI" if family == "PP" else family
        group = int(match.group(2))
        if group not in _FAMILY_RANGE[family]:
            continue
        number = int(match.group(3))
        if number == 0:  # "P1.0" is a heading in the reference library, not a criterion
            continue
        criterion_id = f"{family}{group}.{number}"
        point_id = f"{criterion_id}.{int(match.group(4))}" if match.group(4) else None
        mention = IdMention(criterion_id, point_id)
        if mention.id not in seen:
            seen.add(mention.id)
            found.append(mention)
    return found


def normalize_id(text: str) -> str | None:
    """The canonical ID if ``text`` is exactly one ID in some spelling ("cc 6.1" -> "CC6.1"), else None."""
    stripped = text.strip()
    match = _ID_IN_TEXT.fullmatch(stripped)
    if match is None:
        return None
    mentions = find_ids(stripped)
    return mentions[0].id if mentions else None
