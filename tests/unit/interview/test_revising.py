"""See and change what was understood: the echo line, answers(), revise() and "that's not right"."""

from __future__ import annotations

import io
import json

import jsonschema
from pypdf import PdfReader

from assessment import Interview
from assessment.report import render, report_schema
from assessment.report.wording import say, strings
from assessment.templates import render_message


def _started() -> tuple[Interview, str, str]:
    iv = Interview(scope=["security"])
    first = iv.next_question()
    if first is not None and first.kind == "carve_out":
        iv.answer(first.options[0])
    question = iv.next_question()
    assert question is not None and question.kind == "scored"
    return iv, question.id, question.criteria[0]


def test_a_recorded_answer_is_echoed_in_plain_words() -> None:
    iv, _, _ = _started()
    reply = iv.answer("Yes")
    assert reply.understood == render_message("ack_yes")
    assert reply.message.startswith(reply.understood)


def test_answers_lists_what_was_recorded() -> None:
    iv, qid, criterion = _started()
    iv.answer("Partly")
    records = iv.answers()
    assert [(r.question_id, r.label, r.source) for r in records][-1] == (qid, "partial", "quick_reply")
    assert criterion in records[-1].criteria


def test_revise_changes_the_report_and_keeps_an_audit_trail() -> None:
    iv, qid, criterion = _started()
    iv.answer("Yes")
    assert iv.report().criterion_status[criterion] == "met"
    reply = iv.revise(qid, "No", by="dana@example.com")
    assert reply.label == "no"
    assert reply.understood == render_message("ack_no")
    assert iv.report().criterion_status[criterion] == "missing"
    data = iv.to_dict()
    (revision,) = data["revisions"]
    assert (revision["qid"], revision["old_label"], revision["new_label"], revision["by"]) == (
        qid,
        "yes",
        "no",
        "dana@example.com",
    )
    again = Interview.from_dict(json.loads(json.dumps(data)))
    assert again.to_dict() == data
    assert again.report().criterion_status[criterion] == "missing"


def test_revise_after_the_end_and_of_unknown_questions() -> None:
    iv, qid, _ = _started()
    iv.answer("Yes")
    assert iv.revise("no_such_question", "yes").kind == "error"
    unclear = iv.revise(qid, "")
    assert unclear.kind == "clarify"
    assert iv.answers()[-1].label == "yes"  # nothing changed


def test_a_scoping_answer_is_not_revised_and_the_reply_says_why() -> None:
    iv = Interview()
    first = iv.next_question()
    assert first is not None and not first.criteria
    iv.answer(first.options[0] if first.options else "yes")
    before = iv.to_dict()
    reply = iv.revise(first.id, "no")
    assert reply.kind == "error"
    assert reply.message == render_message("revise_scoping", question_id=first.id)
    assert iv.to_dict() == before


def test_sessions_without_revisions_keep_their_exact_form() -> None:
    iv, _, _ = _started()
    iv.answer("Yes")
    assert "revisions" not in iv.to_dict()


def test_thats_not_right_offers_the_other_readings() -> None:
    iv, qid, _ = _started()
    iv.answer("Yes")
    reply = iv.answer("that's not right")
    assert reply.kind == "clarify"
    question = iv.next_question()
    assert question is not None and question.id == f"{qid}:clarify"
    assert question.options == tuple(render_message(f"label_{x}") for x in ("partial", "no", "unknown"))
    iv.answer("Partly")
    assert iv.answers()[-1].label == "partial"
    assert Interview.from_dict(iv.to_dict()).to_dict() == iv.to_dict()


def test_nothing_to_correct_at_the_start() -> None:
    iv = Interview(scope=["security"])
    assert iv.answer("that's not right").message == render_message("correct_nothing")


def test_the_audit_trail_is_in_the_appendix_of_every_format() -> None:
    iv, qid, _ = _started()
    iv.answer("Yes")
    iv.revise(qid, "only for admins, not for contractors", by="dana@example.com")
    report = iv.report()
    (revision,) = report.revisions
    assert (revision.question_id, revision.old_label, revision.new_label) == (qid, "yes", "partial")
    heading = strings()["section_revisions"]
    before = say("revision_answer", label="yes", answer="Yes")
    markdown = str(render(report, "md"))
    assert f"## {heading}" in markdown and "dana@example.com" in markdown and before in markdown
    html = str(render(report, "html"))
    assert f'<tr data-question="{qid}">' in html and "dana@example.com" in html
    exported = json.loads(str(render(report, "json")))
    assert exported["revisions"][0]["changed_by"] == "dana@example.com"
    assert exported["revisions"][0]["new_answer"] == "only for admins, not for contractors"
    jsonschema.validate(exported, report_schema())
    data = render(report, "pdf")
    assert isinstance(data, bytes)
    text = " ".join((page.extract_text() or "") for page in PdfReader(io.BytesIO(data)).pages)
    assert heading in " ".join(text.split())
    assert "dana@example.com" in "".join(text.split())  # a narrow column may wrap it


def test_no_audit_trail_section_without_changes() -> None:
    iv, _, _ = _started()
    iv.answer("Yes")
    report = iv.report()
    assert report.revisions == ()
    assert strings()["section_revisions"] not in str(render(report, "md"))
    assert json.loads(str(render(report, "json")))["revisions"] == []
