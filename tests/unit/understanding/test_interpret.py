"""The exact front and the hand-written rules reader (the fallback when the trained reader cannot load).

The trained reader is tested in test_reader_model.py and measured by bench/interpret.py on the
frozen sets; these tests pin the earlier rules so the fallback keeps working.
"""

from __future__ import annotations

import importlib
import json
from pathlib import Path

import pytest
import yaml

from assessment.models import LABELS, Interpretation, Question
from assessment.understanding import reader
from assessment.understanding.lexicon import InterpretDataError, load_data, parse
from assessment.understanding.reader import CLARIFY_THRESHOLD, interpret_with, needs_clarification

DEV_SET = Path(__file__).resolve().parents[2] / "data" / "answers_dev.jsonl"
# Written independently of the rules (before reading them); the rules were fixed afterwards, so it is
# no longer blind, but it guards the general patterns it covers.
BLIND_SET = Path(__file__).resolve().parents[2] / "data" / "answers_blind.jsonl"
# Written before the rules for owners, gaps, scope limits, work underway, informal practice and
# statements of fact were fixed: the error patterns a simulated interview found, plus neighbours.
BLIND2_SET = Path(__file__).resolve().parents[2] / "data" / "answers_blind2.jsonl"
MFA = "Do you require MFA for all employees?"


def interpret(
    answer: str, question: str | Question | None = None, options: tuple[str, ...] | None = None
) -> Interpretation:
    """The rules reader (what ``interpret`` falls back to without the trained artifact)."""
    return interpret_with(answer, question, options, "combined")


@pytest.fixture(autouse=True)
def _trust_rules(monkeypatch: pytest.MonkeyPatch) -> None:
    """As in a checkout without the artifact: rule readings above the threshold are recorded."""
    monkeypatch.setattr(reader, "_rules_trusted", lambda: True)


@pytest.mark.parametrize(
    ("answer", "label"),
    [
        ("Yes", "yes"),
        ("  yes ", "yes"),
        ("Partly", "partial"),
        ("PARTIALLY", "partial"),
        ("No", "no"),
        ("Not sure", "unknown"),
        ("I don't know", "unknown"),
        ("Not applicable", "not_applicable"),
        ("N/A", "not_applicable"),
        ("n/a", "not_applicable"),
    ],
)
def test_quick_replies_map_exactly(answer: str, label: str) -> None:
    got = interpret(answer, MFA)
    assert (got.label, got.confidence, got.source) == (label, 1.0, "quick_reply")


def test_option_text_maps_to_its_meaning() -> None:
    options = ("We have an office", "Fully remote, no office", "Not sure")
    assert interpret("fully remote, no office", options=options).label == "not_applicable"
    assert interpret("Not sure", options=options).confidence == 1.0


def test_question_object_is_accepted() -> None:
    q = Question(id="q1", text="Do you encrypt data at rest?", category="security", criteria=("CC6.1",))
    assert interpret("yes, AWS KMS everywhere", q).label == "yes"


@pytest.mark.parametrize(
    ("answer", "label"),
    [
        ("we don't not do it", "yes"),
        ("not that I know of", "no"),
        ("never", "no"),
        ("mostly, except contractors", "partial"),
        ("only for admins", "partial"),
        ("some of our repos", "partial"),
        ("in progress", "partial"),
        ("planned for Q3", "no"),
        ("we will", "no"),
        ("on the roadmap", "no"),
        ("next quarter", "no"),
        ("my cofounder handles that", "unknown"),
        ("ask our CTO", "unknown"),
        ("Okta with enforced 2FA", "yes"),
        ("GitHub branch protection with required reviews", "yes"),
        ("we use Vanta", "yes"),
        ("CloudTrail + GuardDuty alerts to Slack", "yes"),
        ("yep", "yes"),
        ("nope", "no"),
        ("ya", "yes"),
        ("kinda", "partial"),
        ("sorta", "partial"),
        ("👍", "yes"),
        ("👎", "no"),
        ("✅", "yes"),
        ("❌", "no"),
        ("yess", "yes"),
        ("partialy", "partial"),
        ("defintely", "yes"),
        ("We looked at it when a customer asked and compared a few tools, so no, not yet", "no"),
    ],
)
def test_free_text_phenomena(answer: str, label: str) -> None:
    assert interpret(answer, MFA).label == label


@pytest.mark.parametrize(
    ("answer", "label"),
    [
        ("AWS handles that", "not_applicable"),
        ("our cloud provider does", "not_applicable"),
        ("we have no office", "not_applicable"),
    ],
)
def test_carve_outs(answer: str, label: str) -> None:
    assert interpret(answer, "Do you control physical access to your office and data center?").label == label


def test_irrelevant_card_data_is_not_applicable() -> None:
    cards = "Do you store payment card data securely?"
    assert interpret("we don't store card data", cards).label == "not_applicable"


@pytest.mark.parametrize(
    ("answer", "label"),
    [
        ("sí", "yes"),
        ("oui", "yes"),
        ("ja", "yes"),
        ("nein", "no"),
        ("はい", "yes"),
        ("いいえ", "no"),
        ("是", "yes"),
        ("否", "no"),
        ("да", "yes"),
        ("нет", "no"),
        ("نعم", "yes"),
        ("لا", "no"),
    ],
)
def test_other_languages(answer: str, label: str) -> None:
    assert interpret(answer, MFA).label == label


def test_question_back_is_unknown_with_low_confidence() -> None:
    got = interpret("what do you mean?", MFA)
    assert got.label == "unknown"
    assert needs_clarification(got)


@pytest.mark.parametrize(
    "answer",
    [
        "",
        " ",
        "\x00\x01\x02",
        "a" * 1_000_000,
        "yes " * 250_000,
        "🙃🙃🙃",
        "<script>alert('x')</script>",
        "<b>yes</b>",
        "\ud800broken surrogate",
        "Ωμέγα λέξη",
        "\u202e\u200bzero width",
        "?!?!",
        "%s {0} ${x}",
    ],
)
def test_never_raises_and_stays_in_range(answer: str) -> None:
    got = interpret(answer, MFA)
    assert got.label in LABELS
    assert 0.0 <= got.confidence <= 1.0


def test_non_string_input_does_not_raise() -> None:
    got = interpret(None, None)  # type: ignore[arg-type]
    assert got.label in LABELS


def test_empty_and_gibberish_ask_for_clarification() -> None:
    assert needs_clarification(interpret("", MFA))
    assert needs_clarification(interpret("asdfgh qwerty", MFA))


def test_conflicting_cues_lower_confidence() -> None:
    clear = interpret("yes, enforced for everyone", MFA)
    mixed = interpret("yes but no, not really, maybe next year, I'm not sure", MFA)
    assert clear.confidence > mixed.confidence


def test_needs_clarification_uses_the_named_threshold() -> None:
    assert needs_clarification(Interpretation("yes", CLARIFY_THRESHOLD - 0.01))
    assert not needs_clarification(Interpretation("yes", CLARIFY_THRESHOLD))


def test_deterministic() -> None:
    answers = ["we have a plan, never tested", "mostly", "Supabase handles backups, not sure how"]
    assert [interpret(a, MFA) for a in answers] == [interpret(a, MFA) for a in answers]


def test_model_failure_falls_back_to_rules(monkeypatch: pytest.MonkeyPatch) -> None:
    semantic = importlib.import_module("assessment.understanding.semantic")

    def broken(text: str) -> dict[str, float]:
        raise RuntimeError("model missing")

    monkeypatch.setattr(semantic, "label_similarities", broken)
    got = interpret("we have a runbook somewhere in the wiki", MFA)
    assert got.label in LABELS
    assert got.source == "rules"


def test_data_file_errors_name_file_and_field(tmp_path: Path) -> None:
    raw = yaml.safe_load(
        Path(importlib.import_module("assessment.understanding.lexicon").DATA_FILE).read_text()
    )
    raw["cues"]["future"] = ["(unclosed"]
    with pytest.raises(InterpretDataError, match=r"x\.yaml: field 'cues\.future'.*does not compile"):
        parse(raw, "x.yaml")
    raw = yaml.safe_load(
        Path(importlib.import_module("assessment.understanding.lexicon").DATA_FILE).read_text()
    )
    raw["surprise"] = 1
    with pytest.raises(InterpretDataError, match="surprise"):
        parse(raw, "x.yaml")


def test_packaged_data_loads() -> None:
    data = load_data()
    assert {label for label, _ in data.prototypes} == set(LABELS)


def _dev_rows(path: Path = DEV_SET) -> list[dict[str, str]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def test_dev_set_is_broad() -> None:
    rows = _dev_rows()
    assert len(rows) >= 250
    assert {r["label"] for r in rows} == set(LABELS)
    assert len({r["question"] for r in rows}) >= 20


@pytest.mark.usefixtures("interpret_model")
def test_dev_set_accuracy() -> None:
    rows = _dev_rows()
    right = sum(interpret(r["answer"], r["question"]).label == r["label"] for r in rows)
    assert right / len(rows) >= 0.85


@pytest.mark.usefixtures("interpret_model")
def test_embedding_layer_runs_on_its_own() -> None:
    got = interpret_with("we don't have anything like that at all", MFA, mode="embeddings")
    assert got.source == "embedding"
    assert got.label in LABELS


def test_blind_set_is_broad() -> None:
    rows = _dev_rows(BLIND_SET)
    assert len(rows) >= 200
    assert {r["label"] for r in rows} == set(LABELS)
    assert len({r["question"] for r in rows}) >= 40


@pytest.mark.usefixtures("interpret_model")
@pytest.mark.parametrize("path", [BLIND_SET, BLIND2_SET], ids=["blind", "blind2"])
def test_blind_set_accuracy(path: Path) -> None:
    rows = _dev_rows(path)
    right = sum(interpret(r["answer"], r["question"]).label == r["label"] for r in rows)
    assert right / len(rows) >= 0.85


def test_blind2_set_is_broad() -> None:
    rows = _dev_rows(BLIND2_SET)
    assert len(rows) >= 60
    assert {r["label"] for r in rows} == set(LABELS)


BACKUPS = "Are production databases backed up automatically, encrypted, with an alert if a backup fails?"


@pytest.mark.parametrize(
    ("answer", "label"),
    [
        ("Pretty sure we do, yes.", "yes"),
        ("I believe so, we set it up last year", "yes"),
        ("Yes, but not for contractors.", "partial"),
        ("yes for the main database, the analytics one isn't backed up", "partial"),
        ("Daily backups, but they're in the same AWS account and region.", "partial"),
        ("About 80% of our databases", "partial"),
        ("3 out of 40 databases aren't covered yet", "partial"),
        ("100% of them", "yes"),
        ("We had one but it lapsed last year", "no"),
        ("we used to run them but stopped after the migration", "no"),
        ("we used to have none, now every database has nightly encrypted backups", "yes"),
        ("We tested a restore in 2019", "partial"),
        ("Absolutely not.", "no"),
        ("No automated backups and no alerts", "no"),
        ("There isn't a single database without a backup", "yes"),
        ("We keep everything on one server forever", "no"),
        ("N/A here, we don't store any customer data at all", "not_applicable"),
    ],
)
def test_general_answer_patterns(answer: str, label: str) -> None:
    assert interpret(answer, BACKUPS).label == label


@pytest.mark.parametrize("answer", ["Pretty sure we do, yes.", "I think so", "Not that I'm aware of"])
def test_hedged_answers_keep_a_moderate_confidence(answer: str) -> None:
    got = interpret(answer, BACKUPS)
    assert not needs_clarification(got)
    assert got.confidence < interpret("yes, enforced for everyone", BACKUPS).confidence


@pytest.mark.parametrize(
    "answer", ["purple elephants on tuesday", "The weather is nice today.", "lol", "asdf"]
)
def test_off_topic_answers_are_unknown_and_clarified(answer: str) -> None:
    got = interpret(answer, BACKUPS)
    assert got.label == "unknown"
    assert needs_clarification(got)


PRIVACY = "Does your product collect or store personal data about end users (names, emails, payments)?"
RETENTION = "Do you keep personal data only as long as needed, with retention periods that are enforced?"
VENDORS = "Do you review each critical vendor's security before signing and every year?"
LEAST = "Does each person get only the access their role needs?"


@pytest.mark.parametrize(
    ("answer", "question", "label"),
    [
        ("Yes, it's been in place for years. Our CTO owns it.", MFA, "yes"),
        ("should be yes, our CTO set it up for everyone", MFA, "yes"),
        ("My cofounder owns vendor reviews and does them before every contract.", VENDORS, "yes"),
        ("our CTO owns it", MFA, "unknown"),
        ("Ask Sarah, she handles that.", MFA, "unknown"),
        ("our ops lead would know", MFA, "unknown"),
        ("We do not currently have this control.", VENDORS, "no"),
        ("Logs aren't centralized and we have no alerting.", VENDORS, "no"),
        ("honestly that's a gap for us", VENDORS, "no"),
        ("we are missing that", VENDORS, "no"),
        ("Yes, but there is a gap for contractors", MFA, "partial"),
        ("We have no gaps in vendor reviews.", VENDORS, "yes"),
        ("we get alerted whenever a backup is missing", BACKUPS, "yes"),
        ("we do it for prod only", BACKUPS, "partial"),
        ("just the critical ones", VENDORS, "partial"),
        ("prod access is for the two founders only", LEAST, "yes"),
        ("We have begun implementing this; completion is planned for next quarter.", VENDORS, "partial"),
        ("rolling it out now", MFA, "partial"),
        ("planned for next quarter", MFA, "no"),
        ("no, best effort only", VENDORS, "no"),
        ("no - only when someone remembers", VENDORS, "no"),
        ("Not yet — we don't keep personal data only as long as needed.", RETENTION, "no"),
        ("we store customer PII", PRIVACY, "yes"),
        ("yes — names, emails and some payment info", PRIVACY, "yes"),
        ("we don't collect any personal data", PRIVACY, "not_applicable"),
        ("sounds right, go ahead", None, "yes"),
        ("yep looks good", None, "yes"),
    ],
)
def test_owner_gap_scope_progress_and_fact_patterns(answer: str, question: str | None, label: str) -> None:
    got = interpret(answer, question)
    assert got.label == label
    if label == "unknown":
        assert got.confidence >= CLARIFY_THRESHOLD  # delegation is a clear "I can't say", recorded as such


@pytest.mark.parametrize("answer", ["\ud800", "yes \udfff", "\ud83d\ude00 we do", "no\ud800 we don't"])
def test_lone_surrogates_never_reach_the_result(answer: str) -> None:
    got = interpret(answer, MFA, options=("Yes\udc00", "No"))
    got.reason.encode("utf-8")  # raises on a lone surrogate
    assert got.label in LABELS


def test_words_around_a_lone_surrogate_are_still_read() -> None:
    assert interpret("\ud800yes\ud800", MFA).label == "yes"
