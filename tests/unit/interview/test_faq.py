"""General SOC 2 questions get a plain answer from prompts/faq.yaml; the file is validated."""

from __future__ import annotations

from pathlib import Path

import pytest

from assessment.interview.faq import FaqError, load_faq, match_faq
from assessment.interview.intents import answer_side_question
from knowledge.corpus import default_corpus


@pytest.mark.parametrize(
    ("question", "entry"),
    [
        ("what is a carve-out?", "carve_out"),
        ("Type 1 or Type 2, which do we need?", "type1_vs_type2"),
        ("how much does an audit cost", "cost"),
        ("how long does this take?", "timeline"),
        ("Is this a SOC 2 certification?", "readiness_vs_audit"),
        ("what's the observation window?", "observation_window"),
    ],
)
def test_general_questions_match_their_entry(question: str, entry: str) -> None:
    found = match_faq(question)
    assert found is not None and found.id == entry


@pytest.mark.parametrize("question", ["what does CC6.1 mean?", "how long must we keep logs?", "what is MFA?"])
def test_criteria_questions_are_left_to_the_index(question: str) -> None:
    assert match_faq(question) is None


def test_faq_answer_cites_related_criteria() -> None:
    answer = answer_side_question("what is a carve-out?", None, default_corpus())
    assert "CC6.4" in answer.citations
    assert "carve-out" in answer.message.lower()


def test_every_entry_is_valid_and_unique() -> None:
    entries = load_faq()
    ids = [e.id for e in entries]
    assert len(ids) == len(set(ids)) and len(entries) >= 10


def test_malformed_faq_names_file_entry_and_field(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "faq.yaml").write_text("- id: broken\n  ask: [x]\n  answer: short\n  related: [ZZ9]\n")
    monkeypatch.setenv("SOC2_READY_PROMPTS_DIR", str(tmp_path))
    load_faq.cache_clear()
    try:
        with pytest.raises(FaqError, match=r"faq\.yaml: entry broken: field"):
            load_faq()
    finally:
        monkeypatch.undo()
        load_faq.cache_clear()
