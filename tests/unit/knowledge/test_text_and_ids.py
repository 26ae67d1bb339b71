"""The shared text normalisation (knowledge.text) and criterion-ID patterns (knowledge.ids)."""

from __future__ import annotations

import threading

import pytest

from knowledge import default_corpus
from knowledge.ids import CRITERION_ID, CRITERION_MENTION, OFFICIAL_CRITERIA, POINT_ID, is_official
from knowledge.lexical import LexicalIndex, _within_one_edit, default_synonyms, stem
from knowledge.text import fold_quotes, letters_only, lower_line, normalize_answer, one_line, words


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("  Yes,\n  WE\tdo ", "yes, we do"),
        ("No\u00a0idea", "no idea"),  # a no-break space is whitespace too
        ("", ""),
    ],
)
def test_lower_line_folds_case_and_whitespace(text: str, expected: str) -> None:
    assert lower_line(text) == expected
    assert one_line(text).lower() == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("We DON’T — really!", "we don't — really"),  # curly apostrophe folded, edge punctuation gone
        ("`yes`", "yes"),
        ("ﬁne\x00\x07 by me", "fine by me"),  # NFKC ligature; control characters become spaces
        ("👍\u200d", "👍"),  # a zero-width joiner is dropped
        ('"(partly)"', "partly"),
    ],
)
def test_normalize_answer_is_the_readers_form(text: str, expected: str) -> None:
    assert normalize_answer(text) == expected


def test_quotes_words_and_letters() -> None:
    assert fold_quotes("don’t ‘x’ `y`") == "don't 'x' 'y'"
    assert words("CC6.1: SSO-only, MFA!") == ["cc6", "1", "sso", "only", "mfa"]
    assert letters_only("That’s right, 100%!") == "thats right"


def test_official_criteria_are_the_corpus_criteria() -> None:
    assert tuple(default_corpus().ids) == OFFICIAL_CRITERIA
    assert len(OFFICIAL_CRITERIA) == 61
    assert all(is_official(cid) and CRITERION_ID.match(cid) for cid in OFFICIAL_CRITERIA)


@pytest.mark.parametrize("cid", ["CC6.9", "CC10.1", "P9.1", "cc6.1", "CC6.1.3", "A1.4", " CC6.1"])
def test_is_official_rejects_other_strings(cid: str) -> None:
    assert not is_official(cid)


def test_id_shapes() -> None:
    assert CRITERION_ID.match("PI1.5") and not CRITERION_ID.match("PP1.5") and not CRITERION_ID.match("CC0.1")
    assert POINT_ID.match("CC6.1.3") and not POINT_ID.match("CC6.1")
    found = [m.group(0) for m in CRITERION_MENTION.finditer("what is cc6.1, CC6.1.3 or X1.1? and a1.2")]
    assert found == ["cc6.1", "CC6.1.3", "a1.2"]


def test_snowball_stems_meet() -> None:
    assert stem("encrypted") == stem("encryption") == stem("encrypt")
    assert stem("provisioning") == stem("provision")
    assert stem("logging") == stem("logs")
    assert LexicalIndex.tokenize("Encrypting the backups") == [stem("encrypting"), stem("backups")]


def test_stemming_is_safe_across_threads() -> None:
    index = LexicalIndex(["Backups are encrypted and restored"], default_synonyms())
    results: list[list[str]] = []

    def work() -> None:
        for _ in range(200):
            results.append(index.tokenize("restoring encrypted backups quarterly"))

    threads = [threading.Thread(target=work) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len({tuple(r) for r in results}) == 1


@pytest.mark.parametrize(
    ("a", "b", "close"),
    [
        ("encryption", "encryption", True),
        ("encrpytion", "encryption", True),  # one swap
        ("encrytion", "encryption", True),  # one deletion
        ("encryptiion", "encryption", True),  # one insertion
        ("encryptien", "encryption", True),  # one substitution
        ("encrpytoin", "encryption", False),  # two swaps
    ],
)
def test_one_edit_apart(a: str, b: str, close: bool) -> None:
    assert _within_one_edit(a, b) is close
