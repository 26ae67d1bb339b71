"""Tests of the question bank: the packaged data validates, and broken copies fail with clear errors."""

from __future__ import annotations

import re
import shutil
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from assessment.bank.loader import QUESTIONS_DIR, BankError, QuestionBank, load_bank
from knowledge.corpus import Corpus
from knowledge.ids import CRITERION_ID
from knowledge.models import Category, Criterion

IDS_FILE = Path(__file__).resolve().parents[2] / "data" / "expected_ids.txt"
PREFIX_CATEGORY: dict[str, Category] = {
    "CC": "security",
    "A": "availability",
    "PI": "processing_integrity",
    "C": "confidentiality",
    "P": "privacy",
}
FILE_CATEGORY: dict[str, Category] = {
    "security_governance": "security",
    "security_access": "security",
    "security_operations": "security",
    "availability": "availability",
    "processing_integrity": "processing_integrity",
    "confidentiality": "confidentiality",
    "privacy": "privacy",
}
SCOPING_FIELDS = (
    "company_size",
    "hosting",
    "has_office",
    "personal_data",
    "uptime_commitment",
    "processes_for_customers",
    "confidential_data",
    "report_type",
    "audit_deadline",
    "company_name",  # optional: skipping it leaves the report's name to the session
)
SECURITY_BUDGET = 45  # scored questions plus follow-ups a Security-only interview may ask
TOTAL_BUDGET = 80  # the same for all five categories


def _criterion_ids() -> list[str]:
    lines = IDS_FILE.read_text(encoding="utf-8").splitlines()
    return [line.strip() for line in lines if CRITERION_ID.match(line.strip())]


def _category_of(criterion_id: str) -> Category:
    prefix = re.match(r"[A-Z]+", criterion_id)
    assert prefix is not None
    return PREFIX_CATEGORY[prefix.group()]


def _primary(criteria: dict[str, float]) -> str:
    return next(iter(criteria))


@pytest.fixture(scope="module")
def criterion_ids() -> list[str]:
    """The 61 official criterion IDs."""
    return _criterion_ids()


@pytest.fixture(scope="module")
def bank() -> QuestionBank:
    """The packaged bank, validated against the packaged corpus."""
    return load_bank()


@pytest.fixture(scope="module")
def invented_corpus(criterion_ids: list[str]) -> Corpus:
    """A corpus with every real ID and invented text, so broken-bank tests do not hang on corpus wording."""
    criteria = tuple(
        Criterion(
            id=cid,
            title=f"Invented title {cid}",
            in_practice="Invented explanation used only by tests.",
            auditor_evidence=("Invented evidence",),
            pitfalls=("Invented pitfall",),
            category=_category_of(cid),
        )
        for cid in criterion_ids
    )
    return Corpus(criteria, {}, {}, "test")


# --- The packaged bank --------------------------------------------------------------------


def test_ids_file_lists_61_criteria(criterion_ids: list[str]) -> None:
    assert len(criterion_ids) == 61
    assert len(set(criterion_ids)) == 61


def test_real_bank_covers_every_category(bank: QuestionBank) -> None:
    assert {q.category for q in bank.scored} == set(PREFIX_CATEGORY.values())


def test_every_criterion_is_informed(bank: QuestionBank, criterion_ids: list[str]) -> None:
    for cid in criterion_ids:
        assert bank.questions_for(cid), f"{cid} has no question"


def test_exactly_one_primary_question_per_criterion(bank: QuestionBank, criterion_ids: list[str]) -> None:
    primaries = Counter(_primary(q.criteria) for q in bank.scored)
    assert set(primaries) == set(criterion_ids)
    assert [cid for cid, count in primaries.items() if count != 1] == []


def test_weights_primary_first_and_secondary_small(bank: QuestionBank) -> None:
    for question in bank.scored:
        weights = list(question.criteria.values())
        assert weights[0] == 1.0, question.id
        assert len(weights) <= 2, question.id
        assert all(w <= 0.3 for w in weights[1:]), question.id


def test_files_hold_their_category(bank: QuestionBank) -> None:
    on_disk = {p.stem for p in QUESTIONS_DIR.glob("*.yaml")} - {"scoping"}
    assert on_disk == set(FILE_CATEGORY)
    for stem, category in FILE_CATEGORY.items():
        raw = yaml.safe_load((QUESTIONS_DIR / f"{stem}.yaml").read_text(encoding="utf-8"))
        for item in raw["questions"]:
            assert bank.get(item["id"]).category == category, f"{stem}: {item['id']}"


def test_followups_are_unique_and_attached(bank: QuestionBank) -> None:
    ids = [f.id for q in bank.scored for f in q.followups]
    assert len(ids) == len(set(ids))
    assert not set(ids) & {q.id for q in bank.scored}
    for followup_id in ids:
        parent, item = bank.followup(followup_id)
        assert item in parent.followups
        assert set(item.ask_when) <= {"yes", "partial"}
        assert item.only_for_type2 == (item.kind == "operating"), followup_id


def test_question_budget(bank: QuestionBank) -> None:
    def cost(category: str | None) -> int:
        questions = [q for q in bank.scored if category is None or q.category == category]
        return len(questions) + sum(len(q.followups) for q in questions)

    assert cost("security") <= SECURITY_BUDGET
    assert cost(None) <= TOTAL_BUDGET


def test_question_content_is_complete(bank: QuestionBank) -> None:
    for question in bank.scored:
        assert question.text.strip().endswith("?"), question.id
        assert question.why.strip(), question.id
        assert 2 <= len(question.evidence) <= 5, question.id
        assert 3 <= len(question.remediation.steps) <= 5, question.id


def test_only_physical_access_is_carved_out(bank: QuestionBank) -> None:
    carved = [(q.id, q.carve_out, _primary(q.criteria)) for q in bank.scored if q.carve_out]
    assert [(c, p) for _, c, p in carved] == [("physical", "CC6.4")]


def test_security_is_asked_before_other_categories(bank: QuestionBank) -> None:
    security = [q.priority for q in bank.scored if q.category == "security"]
    others = [q.priority for q in bank.scored if q.category != "security"]
    assert max(security) < min(others)


def test_scoping_order_and_quick_replies(bank: QuestionBank) -> None:
    assert tuple(q.field for q in bank.scoping) == SCOPING_FIELDS
    for question in bank.scoping:
        assert question.why.strip() and question.options, question.id
        assert all(option.label.strip() for option in question.options), question.id
        values = [option.value for option in question.options if option.value is not None]
        if question.value_type == "int":
            assert all(isinstance(v, int) and not isinstance(v, bool) for v in values), question.id
        if question.value_type == "bool":
            assert set(values) == {True, False}, question.id


def test_scoping_report_type_and_deadline(bank: QuestionBank) -> None:
    by_field = {q.field: q for q in bank.scoping}
    assert {o.value for o in by_field["report_type"].options} == {"type1", "type2"}
    assert "Type I" in by_field["report_type"].help and "Type II" in by_field["report_type"].help
    deadline = by_field["audit_deadline"]
    assert deadline.value_type == "date"
    assert None in {o.value for o in deadline.options}


# --- Broken copies ------------------------------------------------------------------------


def _copy_bank(tmp_path: Path) -> Path:
    target = tmp_path / "questions"
    target.mkdir()
    for path in QUESTIONS_DIR.glob("*.yaml"):
        shutil.copy(path, target / path.name)
    return target


def _edit(directory: Path, file_name: str, change: Callable[[Any], None]) -> None:
    path = directory / file_name
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(raw)
    path.write_text(yaml.safe_dump(raw, allow_unicode=True, sort_keys=False), encoding="utf-8")


def _question(raw: dict[str, Any], question_id: str) -> dict[str, Any]:
    return next(q for q in raw["questions"] if q["id"] == question_id)


def _unknown_criterion(directory: Path) -> None:
    _edit(
        directory,
        "security_access.yaml",
        lambda raw: _question(raw, "cc6_1_mfa_sso")["criteria"].update({"CC6.99": 0.2}),
    )


def _bad_weight(directory: Path) -> None:
    _edit(
        directory,
        "security_access.yaml",
        lambda raw: _question(raw, "cc6_1_mfa_sso")["criteria"].update({"CC6.1": 1.5}),
    )


def _missing_remediation(directory: Path) -> None:
    _edit(directory, "privacy.yaml", lambda raw: _question(raw, "p8_1_privacy_complaints").pop("remediation"))


def _duplicate_id(directory: Path) -> None:
    source = yaml.safe_load((directory / "availability.yaml").read_text(encoding="utf-8"))
    _edit(directory, "privacy.yaml", lambda raw: raw["questions"].append(_question(source, "a1_1_capacity")))


def _uncovered_criterion(directory: Path) -> None:
    def drop(raw: dict[str, Any]) -> None:
        raw["questions"] = [q for q in raw["questions"] if q["id"] != "cc6_4_physical_access"]

    _edit(directory, "security_access.yaml", drop)


def _invalid_yaml(directory: Path) -> None:
    (directory / "confidentiality.yaml").write_text("questions: [\n  - id: broken\n", encoding="utf-8")


def _bad_followup_kind(directory: Path) -> None:
    def change(raw: dict[str, Any]) -> None:
        _question(raw, "cc8_1_change_management")["followups"][0]["kind"] = "sometimes"

    _edit(directory, "security_operations.yaml", change)


def _scoping_without_why(directory: Path) -> None:
    _edit(directory, "scoping.yaml", lambda raw: raw[0].pop("why"))


BROKEN: dict[str, tuple[Callable[[Path], None], tuple[str, ...]]] = {
    "unknown criterion": (_unknown_criterion, ("security_access.yaml", "cc6_1_mfa_sso.criteria", "CC6.99")),
    "bad weight": (
        _bad_weight,
        ("security_access.yaml", "questions[cc6_1_mfa_sso].criteria", "weight of CC6.1", "(0, 1]"),
    ),
    "missing remediation": (
        _missing_remediation,
        ("privacy.yaml", "questions[p8_1_privacy_complaints].remediation", "Field required"),
    ),
    "duplicate id": (_duplicate_id, ("privacy.yaml", "field id", "a1_1_capacity", "availability.yaml")),
    "uncovered criterion": (
        _uncovered_criterion,
        ("questions/*.yaml", "field criteria", "CC6.4", "no scored question"),
    ),
    "invalid yaml": (_invalid_yaml, ("confidentiality.yaml", "not valid YAML")),
    "bad follow-up kind": (
        _bad_followup_kind,
        ("security_operations.yaml", "questions[cc8_1_change_management].followups.0.kind"),
    ),
    "scoping without why": (_scoping_without_why, ("scoping.yaml", "field [0].why", "Field required")),
}


def test_unchanged_copy_loads(tmp_path: Path, invented_corpus: Corpus) -> None:
    copied = load_bank(_copy_bank(tmp_path), corpus=invented_corpus)
    assert len(copied.scored) == len(_criterion_ids())


@pytest.mark.parametrize("case", sorted(BROKEN))
def test_broken_bank_names_file_and_field(case: str, tmp_path: Path, invented_corpus: Corpus) -> None:
    breaker, expected = BROKEN[case]
    directory = _copy_bank(tmp_path)
    breaker(directory)
    with pytest.raises(BankError) as caught:
        load_bank(directory, corpus=invented_corpus)
    message = str(caught.value)
    for part in expected:
        assert part in message, f"{case}: {part!r} not in {message!r}"


def test_missing_scoping_file_is_reported(tmp_path: Path, invented_corpus: Corpus) -> None:
    directory = _copy_bank(tmp_path)
    (directory / "scoping.yaml").unlink()
    with pytest.raises(BankError, match=r"scoping\.yaml: expected a list"):
        load_bank(directory, corpus=invented_corpus)
