"""Interview flows on the real question bank: scoping, scope changes, carve-out, follow-ups, finish."""

from __future__ import annotations

import json
import threading

import pytest

from assessment import Interview, Question, Reply
from assessment.bank.loader import default_bank
from assessment.interview.flow import budget_for
from assessment.models import LABELS
from assessment.templates import render_message
from assessment.understanding.reader import interpret, needs_clarification
from knowledge.corpus import default_corpus
from knowledge.models import CATEGORIES

PROFILE_ANSWERS = {
    "company_size": "about 12 people",
    "hosting": "Everything runs on AWS",
    "has_office": "no, we're fully remote",
    "personal_data": "yes",
    "uptime_commitment": "yes, 99.9% SLA",
    "processes_for_customers": "no",
    "confidential_data": "no",
    "report_type": "Type I",
    "audit_deadline": "no date yet",
    "company_name": "Acme Analytics",
}


class NoSearch:
    """Stands in for the Retriever in flows that never ask a side question."""

    def search(self, query: str, k: int = 5, categories: object = None) -> list[object]:
        raise AssertionError("no side question expected in this flow")


def scoping_reply(question: Question, overrides: dict[str, str] | None = None) -> str:
    field = next(q.field for q in default_bank().scoping if q.id == question.id)
    return {**PROFILE_ANSWERS, **(overrides or {})}[field]


def run_scoping(iv: Interview, overrides: dict[str, str] | None = None) -> Question:
    """Answer scoping questions until the scope confirmation; returns that question."""
    question = iv.next_question()
    while question is not None and question.kind == "scoping":
        iv.answer(scoping_reply(question, overrides))
        question = iv.next_question()
    assert question is not None
    return question


def finish(iv: Interview, answer: str = "Yes", limit: int = 200) -> int:
    """Answer every remaining question with the same quick reply; returns questions asked."""
    asked = 0
    while (question := iv.next_question()) is not None and asked < limit:
        asked += 1
        if question.kind == "carve_out":
            iv.answer("Yes")
        else:
            iv.answer(answer if answer in question.options else question.options[0])
    return asked


def test_scoping_recommends_scope_with_reasons_and_accept_applies_it() -> None:
    iv = Interview(retriever=NoSearch())
    first = iv.next_question()
    assert (
        first is not None and first.kind == "scoping" and first.category == "scoping" and first.criteria == ()
    )
    assert iv.next_question() == first  # idempotent until answered
    confirm = run_scoping(iv)
    assert confirm.kind == "scope_confirm"
    assert "Availability" in confirm.text and "Privacy" in confirm.text
    assert "SLA" in confirm.text or "uptime" in confirm.text  # a one-line reason per category
    reply = iv.answer("accept")
    assert reply.kind == "scope" and iv.scope == ("security", "availability", "privacy")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("add confidentiality", ("security", "availability", "confidentiality", "privacy")),
        ("drop availability", ("security", "privacy")),
        ("security, confidentiality", ("security", "confidentiality")),
        ("ok", ("security", "availability", "privacy")),
        ("all five please", CATEGORIES),
    ],
)
def test_scope_change(text: str, expected: tuple[str, ...]) -> None:
    iv = Interview(retriever=NoSearch())
    run_scoping(iv)
    iv.answer(text)
    assert iv.scope == expected


def test_given_scope_skips_scoping_and_rejects_unknown_names() -> None:
    iv = Interview(scope={"security", "privacy"}, retriever=NoSearch())
    first = iv.next_question()
    assert first is not None and first.kind == "carve_out"  # hosting unknown: asked directly, once
    assert iv.scope == ("security", "privacy")
    with pytest.raises(ValueError, match="unknown category"):
        Interview(scope={"security", "secrecy"})


def test_carve_out_confirmed_marks_physical_criteria_and_subservice() -> None:
    iv = Interview(retriever=NoSearch())
    run_scoping(iv)
    iv.answer("accept")
    carve = iv.next_question()
    assert carve is not None and carve.kind == "carve_out" and "AWS" in carve.text
    iv.answer("yes")
    carved = [q for q in default_bank().scored if q.carve_out == "physical"]
    finish(iv)
    report = iv.report()
    for question in carved:
        criterion = next(iter(question.criteria))
        assert report.criterion_status[criterion] == "not_applicable"
        result = next(r for r in report.criteria if r.criterion_id == criterion)
        assert result.reason == "carved out to AWS"
    assert report.subservices[0].name == "AWS"
    assert report.subservices[0].complementary_controls
    asked_ids = {a.question_id for a in report.answers}
    assert not asked_ids & {q.id for q in carved}


def test_carve_out_not_offered_when_self_hosted() -> None:
    iv = Interview(retriever=NoSearch())
    run_scoping(iv, {"hosting": "our own data center", "has_office": "yes, we rent an office"})
    iv.answer("accept")
    question = iv.next_question()
    assert question is not None and question.kind == "scored"


def test_direct_carve_out_question_with_given_scope() -> None:
    iv = Interview(scope={"security"}, retriever=NoSearch())
    iv.answer("Yes, all on Google Cloud, fully remote")
    report = iv.report()
    assert any(r.reason == "carved out to Google Cloud" for r in report.criteria)
    iv2 = Interview(scope={"security"}, retriever=NoSearch())
    iv2.answer("No, we run our own servers")
    assert all(r.status != "not_applicable" for r in iv2.report().criteria)


def test_type2_followups_asked_and_no_parent_settles_them() -> None:
    bank = default_bank()
    parent = next(q for q in bank.scored if any(f.only_for_type2 for f in q.followups))
    iv = Interview(scope={parent.category}, report_type="type2", retriever=NoSearch())
    iv.answer("No, we run our own servers")
    while (question := iv.next_question()) is not None and question.id != parent.id:
        iv.answer("No")  # "no" parents settle their follow-ups without asking
    assert question is not None
    iv.answer("Yes")
    followup = iv.next_question()
    assert followup is not None and followup.kind == "followup"
    assert followup.id in {f.id for f in parent.followups}
    assert followup.criteria == question.criteria
    # Type I: only_for_type2 follow-ups are never asked
    iv1 = Interview(scope={parent.category}, report_type="type1", retriever=NoSearch())
    iv1.answer("No, we run our own servers")
    while (question := iv1.next_question()) is not None and question.id != parent.id:
        iv1.answer("No")
    iv1.answer("Yes")
    nxt = iv1.next_question()
    assert nxt is None or nxt.kind == "scored"


def test_low_confidence_answer_gets_one_clarification() -> None:
    iv = Interview(scope={"security"}, retriever=NoSearch())
    iv.answer("No, we run our own servers")
    question = iv.next_question()
    assert question is not None
    candidates = ["purple elephants on tuesday", "it varies", "in a way", "we are working on it", "banana"]
    unclear = [
        t
        for t in candidates
        if needs_clarification(interpret(t, question=question, options=question.options))
    ]
    assert unclear, "no vague answer left unclear by interpret()"
    vague = unclear[0]
    reply = iv.answer(vague)
    assert reply.kind == "clarify" and reply.label is None
    clarify = iv.next_question()
    assert clarify is not None and clarify.kind == "clarify"
    # The quick replies are the reader's two or three likeliest readings, in plain words.
    plain = {render_message(f"label_{label}") for label in LABELS}
    assert 2 <= len(clarify.options) <= 3 and set(clarify.options) <= plain
    assert clarify.criteria == question.criteria
    second = iv.answer(unclear[-1])  # still unclear: best guess or unknown, shown to the user
    assert second.kind in ("answer", "finished") and second.label is not None
    assert second.notice  # the guess is visible, never silent
    after = iv.next_question()
    assert after is not None and after.id != question.id and after.kind != "clarify"
    record = next(a for a in iv.report().answers if a.question_id == question.id)
    assert vague in record.answer and unclear[-1] in record.answer


def test_commands_never_count_as_answers() -> None:
    iv = Interview(scope={"security"}, retriever=NoSearch())
    back = iv.answer("back")
    assert back.kind == "command" and back.label is None and "first question" in back.message
    iv.answer("No, we run our own servers")
    question = iv.next_question()
    assert question is not None
    why = iv.answer("why do you ask?")
    assert why.kind == "command" and why.label is None
    assert " ".join(question.why.split())[:40] in why.message
    progress = iv.answer("how far am I?")
    assert progress.kind == "progress" and "Security" in progress.message
    assert iv.next_question() == question
    skipped = iv.answer("skip")
    assert skipped.kind == "command" and skipped.label is None
    assert iv.next_question() != question
    undo = iv.answer("back")
    assert undo.kind == "command" and iv.next_question() == question
    assert iv.report().questions_asked == 1  # only the carve-out answer


def test_progress_reports_per_category_counts_and_scores() -> None:
    iv = Interview(scope={"security", "availability"}, retriever=NoSearch())
    iv.answer("No, we run our own servers")
    for _ in range(3):
        iv.answer("Yes")
    progress = iv.progress()
    assert set(progress.categories) == {"security", "availability"}
    security = progress.categories["security"]
    assert security.answered == 3 and security.total >= 30
    assert security.score == iv.report().category_scores["security"]
    assert 0 < progress.percent < 100 and not progress.finished


def test_side_question_is_answered_from_retriever_with_citations(retriever: object) -> None:
    iv = Interview(scope={"security"}, retriever=retriever)
    iv.answer("No, we run our own servers")
    question = iv.next_question()
    reply = iv.answer("What does CC6.1 mean?")
    assert reply.kind == "side_question" and reply.label is None
    assert "CC6.1" in reply.citations and "CC6.1" in reply.message
    free = iv.answer("how should we handle offboarding of employees?")
    assert free.kind == "side_question" and free.citations
    assert iv.next_question() == question
    assert iv.report().questions_asked == 1


def test_long_answer_is_truncated_for_understanding_but_stored_whole() -> None:
    iv = Interview(scope={"security"}, retriever=NoSearch())
    iv.answer("No, we run our own servers")
    question = iv.next_question()
    assert question is not None
    text = "Yes. " + "We also document everything in Notion. " * 200
    reply = iv.answer(text)
    assert reply.notice and "characters" in reply.notice
    record = next(a for a in iv.report().answers if a.question_id == question.id)
    assert record.answer == text


def test_full_run_finishes_within_budget_and_reports_all_categories() -> None:
    iv = Interview(retriever=NoSearch())
    run_scoping(iv)
    iv.answer("all five")
    finish(iv, "Yes")
    assert iv.next_question() is None and iv.finished
    report = iv.report()
    assert report.finished and report.scope == CATEGORIES
    assert report.questions_asked <= budget_for(CATEGORIES, default_corpus()) == 80
    assert set(report.category_scores) == set(CATEGORIES)
    assert report.overall == 100.0 and report.gaps == [] and report.not_assessed == ()
    done = iv.answer("yes")
    assert done.kind == "finished"


def test_security_only_with_no_answers_stays_within_budget() -> None:
    iv = Interview(retriever=NoSearch())
    run_scoping(iv)
    iv.answer("just security")
    asked = finish(iv, "No")
    assert iv.report().questions_asked <= 45
    assert asked == iv.report().questions_asked - len(default_bank().scoping) - 1  # scoping, confirmation


@pytest.mark.slow  # two full interviews through the trained reader
def test_same_answers_give_the_same_report() -> None:
    def play() -> dict[str, object]:
        iv = Interview(scope={"security", "privacy"}, retriever=NoSearch())
        iv.answer("Yes, all on AWS, fully remote")
        for i, text in enumerate(["yes", "partly, only prod", "no", "not sure", "we do, via Okta"] * 20):
            if iv.next_question() is None:
                break
            iv.answer(text if i % 7 else "Yes")
        return iv.report().to_dict()

    assert json.dumps(play(), sort_keys=True) == json.dumps(play(), sort_keys=True)


def test_interviews_run_concurrently_over_one_retriever() -> None:
    shared = NoSearch()
    results: dict[int, float] = {}

    def worker(n: int) -> None:
        iv = Interview(scope={"security"}, retriever=shared)
        iv.answer("No, we run our own servers")
        while iv.next_question() is not None:
            iv.answer("Yes" if n % 2 else "No")
        results[n] = iv.report().overall

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results == {0: 0.0, 1: 100.0, 2: 0.0, 3: 100.0}


def test_transcript_replays_questions_and_answers() -> None:
    iv = Interview(scope={"security"}, retriever=NoSearch())
    question = iv.next_question()
    reply: Reply = iv.answer("No, we run our own servers")
    assert question is not None
    assert iv.transcript[:3] == (
        ("assistant", question.text),
        ("user", "No, we run our own servers"),
        ("assistant", reply.message),
    )


@pytest.mark.parametrize(
    ("overrides", "field", "expected"),
    [
        ({"company_size": "just the three of us"}, "company_size", 3),
        ({"company_size": "two hundred people"}, "company_size", 200),
        ({"hosting": "everything runs on GCP"}, "hosting", "gcp"),
        ({"hosting": "Amazon Web Services"}, "hosting", "aws"),
        ({"hosting": "mostly AWS, but we also run some servers in a colo"}, "hosting", "hybrid"),
        ({"has_office": "we have a little office downtown"}, "has_office", True),
        ({"has_office": "remote"}, "has_office", False),
        ({"personal_data": "we store customer PII"}, "personal_data", True),
        ({"uptime_commitment": "no, best effort only"}, "uptime_commitment", False),
        (
            {"processes_for_customers": "not really, we don't process transactions"},
            "processes_for_customers",
            False,
        ),
        ({"report_type": "Type 1, then Type 2 next year"}, "report_type", "type1"),
        ({"audit_deadline": "June 30, 2027"}, "audit_deadline", "2027-06-30"),
        ({"audit_deadline": "end of Q2 2027"}, "audit_deadline", "2027-06-30"),
    ],
)
def test_free_text_scoping_answers(overrides: dict[str, str], field: str, expected: object) -> None:
    iv = Interview(retriever=NoSearch())
    run_scoping(iv, overrides)
    assert iv.profile[field] == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("sounds good", ("security", "availability", "privacy")),
        ("That looks right to me, please proceed.", ("security", "availability", "privacy")),
        ("yes but add confidentiality", ("security", "availability", "confidentiality", "privacy")),
        ("go with your recommendation but drop availability", ("security", "privacy")),
        ("1", ("security", "availability", "privacy")),  # the first quick reply, "Accept"
    ],
)
def test_scope_confirm_phrasings(text: str, expected: tuple[str, ...]) -> None:
    iv = Interview(retriever=NoSearch())
    run_scoping(iv)
    assert iv.answer(text).kind == "scope"
    assert iv.scope == expected


def test_numbered_quick_replies_pick_options_but_not_head_counts() -> None:
    iv = Interview(retriever=NoSearch())
    iv.answer("3")  # company size: three people, not the third option
    assert iv.profile["company_size"] == 3
    iv2 = Interview(scope={"security"}, retriever=NoSearch())
    iv2.answer("No, we run our own servers")
    assert iv2.answer("2").label == "partial"
    assert iv2.answer("3").label == "no"
    assert iv2.report().answers[-1].answer == "No"  # the option is recorded, not the digit


def test_answers_opening_like_questions_are_answers() -> None:
    iv = Interview(scope={"security"}, retriever=NoSearch())
    iv.answer("No, we run our own servers")
    reply = iv.answer("When someone leaves we don't have a process yet, no")
    assert reply.kind in ("answer", "clarify")


def test_carve_out_confirmation_phrasings() -> None:
    for text, carved in (
        ("sounds right, go ahead", True),
        ("We're on AWS and fully remote", True),
        ("no", False),
    ):
        iv = Interview(retriever=NoSearch())
        run_scoping(iv)
        iv.answer("accept")
        iv.answer(text)
        finish(iv)
        status = iv.report().criterion_status["CC6.4"]
        assert (status == "not_applicable") is carved, text


def test_scoping_clarifications_keep_room_for_security_alone() -> None:
    iv = Interview(retriever=NoSearch())
    while (question := iv.next_question()) is not None and question.kind in ("scoping", "clarify"):
        iv.answer("hmm")  # every scoping answer unclear
    iv.answer("just security")
    finish(iv)
    assert iv.report().questions_asked <= budget_for(("security",), default_corpus())
