"""Text normalisation shared by the answer reader, the scoping readers, commands and retrieval.

One place for the ways free text is brought to a comparable form:

* :func:`one_line` folds every whitespace run (newlines, tabs, no-break spaces) into one space;
* :func:`lower_line` is that, lower-cased: the form commands, options and scoping answers compare in;
* :func:`fold_quotes` turns typographic apostrophes and backticks into ``'``;
* :func:`normalize_answer` is the answer reader's form (Unicode NFKC, folded quotes, lower case,
  no control or format characters, single spaces, no punctuation at the edges);
* :func:`words` and :func:`letters_only` keep only the words.
"""

from __future__ import annotations

import re
import unicodedata

_WORD = re.compile(r"[a-z0-9]+")
_NOT_LETTER = re.compile(r"[^a-z ]")
_SPACES = re.compile(r"\s+")
_QUOTES = str.maketrans({"\u2019": "'", "\u2018": "'", "`": "'"})
_EDGE_PUNCTUATION = " .,!;:-–—\"'()[]"


def one_line(text: str) -> str:
    """Every whitespace run (newlines and tabs too) as one space, trimmed."""
    return " ".join(text.split())


def lower_line(text: str) -> str:
    """Lower-cased, with single spaces and no surrounding whitespace ("  Yes,\\n WE do " -> "yes, we do")."""
    return " ".join(text.lower().split())


def fold_quotes(text: str) -> str:
    """Typographic apostrophes (’ ‘) and backticks as a plain ``'``, so "don’t" reads as "don't"."""
    return text.translate(_QUOTES)


def normalize_answer(text: str) -> str:
    """The answer reader's form of a reply: NFKC, folded quotes, lower case, control characters as
    spaces, format characters (zero-width joiners in emoji) dropped, single spaces, edge punctuation gone."""
    text = fold_quotes(unicodedata.normalize("NFKC", text)).lower()
    text = "".join(
        " " if unicodedata.category(ch) == "Cc" else ch for ch in text if unicodedata.category(ch) != "Cf"
    )
    return _SPACES.sub(" ", text).strip(_EDGE_PUNCTUATION)


def words(text: str) -> list[str]:
    """The lower-case runs of ASCII letters and digits in ``text``, in order."""
    return _WORD.findall(text.lower())


def letters_only(text: str) -> str:
    """Lower-case ASCII letters and single spaces only; apostrophes go ("That’s right!" -> "thats right")."""
    return " ".join(_NOT_LETTER.sub("", fold_quotes(text.lower()).replace("'", "")).split())
