"""The Streamlit app (AppTest flows over the real engine and index) and its pure helpers."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from fakes.apptest import assert_clean, interview, new_app, say, start
from streamlit.testing.v1 import AppTest

from assessment.interview.engine import Interview
from assessment.interview.storage import SessionStore, is_valid_session_id, new_session_id
from assessment.templates import render_message
from assessment.web import support
from assessment.web.history import Bubble

MAX_TURNS = 150


def turns(at: AppTest) -> list[tuple[str, str]]:
    return [(m.name, m.markdown[0].value) for m in at.chat_message]


def quick_replies(at: AppTest) -> list[Any]:
    return [b for b in at.button if b.key and b.key.startswith("qr-")]


def labels(at: AppTest, kind: str) -> list[str]:
    return [str(getattr(w, "label", "")) for w in at.get(kind)]


# -- flows ------------------------------------------------------------------------------------------


def test_welcome_page(app_env: Path) -> None:
    at = new_app()
    assert_clean(at)
    assert at.title[0].value == support.text("app_title")
    body = " ".join(m.value for m in at.markdown)
    assert "SOC 2" in body and "20–40 minutes" in body and "stays on this machine" in body
    assert is_valid_session_id(at.query_params["sid"])
    assert at.button(key="start").label == "Start the interview"
    assert not at.chat_message


def test_two_tabs_get_independent_sessions(app_env: Path) -> None:
    first, second = new_app(), new_app()
    assert first.query_params["sid"] != second.query_params["sid"]
    start(first, ["confidentiality"])
    second.run()
    assert not second.chat_message  # the other tab is still on its welcome page


def test_scope_selection_skips_scoping_and_shows_scope(app_env: Path) -> None:
    at = start(new_app(), ["confidentiality"])
    iv = interview(at)
    assert iv.scope is not None and "confidentiality" in iv.scope
    question = iv.next_question()
    assert question is not None and question.category in (*iv.scope, "scoping")
    assert turns(at)[-1][0] == "assistant" and turns(at)[-1][1].endswith(question.text)
    assert [b.label for b in quick_replies(at)] == list(question.options)
    sidebar = " ".join(m.value for m in at.sidebar.markdown)
    assert ", ".join(support.category_label(c) for c in iv.scope) in sidebar
    progress = [p.proto.text for p in at.sidebar.get("progress")]
    assert len(progress) == len(iv.scope)
    assert any(line.startswith("Confidentiality: 0/") for line in progress)
    why = [e for e in at.expander if e.label == "Why we ask"]
    assert why and question.why.split()[0] in " ".join(m.value for m in why[0].markdown)


def test_answer_by_button_and_by_text_persist_after_each_turn(app_env: Path) -> None:
    at = start(new_app(), ["confidentiality"])
    sid = at.query_params["sid"]
    first = interview(at).next_question()
    assert first is not None
    quick_replies(at)[0].click().run()
    assert_clean(at)
    user_turns = [text for role, text in turns(at) if role == "user"]
    assert user_turns == [first.options[0]]
    store = SessionStore(url=f"sqlite:///{app_env}")
    assert store.load(sid) == interview(at).to_dict()

    say(at, "No, we have nothing like that yet")
    assert_clean(at)
    assert ("user", "No, we have nothing like that yet") in turns(at)
    assert store.load(sid) == interview(at).to_dict()
    answered = interview(at).report().answers
    assert [a.answer for a in answered][-2:] == [first.options[0], "No, we have nothing like that yet"]
    store.close()


def test_side_question_answers_and_keeps_the_question(app_env: Path) -> None:
    at = start(new_app(), ["confidentiality"])
    before = interview(at).next_question()
    answered = len(interview(at).report().answers)
    say(at, "what does CC6.1 mean?")
    assert_clean(at)
    reply = turns(at)[-1]
    assert reply[0] == "assistant" and "CC6.1" in reply[1]
    assert interview(at).next_question() == before
    assert len(interview(at).report().answers) == answered


def test_back_button_asks_the_previous_question_again(app_env: Path) -> None:
    at = start(new_app(), ["confidentiality"])
    first = interview(at).next_question()
    assert first is not None
    quick_replies(at)[0].click().run()
    assert interview(at).next_question() != first
    at.button(key="back").click().run()
    assert_clean(at)
    assert interview(at).next_question() == first
    assert turns(at)[-1][0] == "assistant" and turns(at)[-1][1].endswith(first.text)
    assert not interview(at).report().answers


def test_typed_commands_skip_and_back(app_env: Path) -> None:
    at = start(new_app(), ["confidentiality"])
    first = interview(at).next_question()
    say(at, "skip")
    assert_clean(at)
    assert interview(at).next_question() != first
    say(at, "back")
    assert interview(at).next_question() == first


def test_scoping_interview_starts_with_company_questions(app_env: Path) -> None:
    at = start(new_app())
    question = interview(at).next_question()
    assert question is not None and question.category == "scoping"
    assert interview(at).scope is None
    assert support.text("sidebar_scope_pending") in " ".join(m.value for m in at.sidebar.markdown)
    if question.options:
        quick_replies(at)[0].click().run()
    else:
        say(at, "12")
    assert_clean(at)
    assert interview(at).next_question() != question


def test_session_survives_reload_and_server_restart(app_env: Path) -> None:
    at = start(new_app(), ["confidentiality"])
    quick_replies(at)[0].click().run()
    sid = at.query_params["sid"]
    reloaded = new_app(sid)  # a fresh browser session (refresh, or a new server process) with the same URL
    assert_clean(reloaded)
    assert turns(reloaded) == turns(at)
    assert interview(reloaded).to_dict() == interview(at).to_dict()


def test_welcome_page_names_every_report_format(app_env: Path) -> None:
    body = " ".join(m.value for m in new_app().markdown)
    for fmt in support.REPORT_FORMATS:
        assert support.text(f"report_format_{fmt}") in body, fmt


def test_scores_and_downloads_wait_for_the_first_answer(app_env: Path) -> None:
    at = start(new_app(), ["confidentiality"])
    assert support.text("sidebar_scores_pending") in [c.value for c in at.sidebar.caption]
    assert support.text("sidebar_scores_heading") not in [h.value for h in at.sidebar.subheader]
    assert labels(at, "download_button") == [support.text("save_button")]  # the session, no report
    quick_replies(at)[0].click().run()
    assert_clean(at)
    assert support.text("sidebar_scores_pending") not in [c.value for c in at.sidebar.caption]
    assert support.text("sidebar_scores_heading") in [h.value for h in at.sidebar.subheader]
    assert support.text("download_pdf") in labels(at, "download_button")


def test_downloads_available_mid_interview(app_env: Path) -> None:
    at = start(new_app(), ["confidentiality"])
    quick_replies(at)[0].click().run()  # a first answer: before it there is nothing to report
    names = labels(at, "download_button")
    for label in (
        "Save session (SESSION.json)",
        "Download PDF",
        "Download Markdown",
        "Download HTML",
        "Download JSON",
    ):
        assert label in names
    assert support.text("downloads_partial") in [c.value for c in at.sidebar.caption]


def test_resume_from_valid_upload_and_reject_malformed(app_env: Path) -> None:
    source = start(new_app(), ["confidentiality"])
    quick_replies(source)[0].click().run()
    saved = json.dumps(interview(source).to_dict()).encode()

    at = new_app()
    old_sid = at.query_params["sid"]
    at.file_uploader(key="resume_file").set_value(("SESSION.json", b"{not json", "application/json")).run()
    at.button(key="resume_button").click().run()
    assert [e.value for e in at.error] and "not valid JSON" in at.error[0].value
    assert at.session_state["iv"] is None and at.query_params["sid"] == old_sid

    at.file_uploader(key="resume_file").set_value(
        ("other.json", b'{"hello": "world"}', "application/json")
    ).run()
    at.button(key="resume_button").click().run()
    assert "not a session saved by soc2-ready" in at.error[0].value
    assert at.session_state["iv"] is None

    at.file_uploader(key="resume_file").set_value(("SESSION.json", saved, "application/json")).run()
    at.button(key="resume_button").click().run()
    assert_clean(at)
    assert interview(at).to_dict() == interview(source).to_dict()
    assert turns(at) == turns(source)
    assert at.query_params["sid"] != old_sid


def test_resume_without_a_file_says_to_choose_one(app_env: Path) -> None:
    at = new_app()
    at.button(key="resume_button").click().run()
    assert_clean(at)
    assert [i.value for i in at.info] == [support.text("resume_no_file")]
    assert at.session_state["iv"] is None


def test_bad_upload_mid_interview_leaves_session_untouched(app_env: Path) -> None:
    at = start(new_app(), ["confidentiality"])
    quick_replies(at)[0].click().run()
    before = interview(at).to_dict()
    at.sidebar.file_uploader(key="resume_file").set_value(("x.json", b"[1, 2]", "application/json")).run()
    at.sidebar.button(key="resume_button").click().run()
    assert "not a saved session" in at.error[0].value
    assert interview(at).to_dict() == before


def test_restart_asks_for_confirmation(app_env: Path) -> None:
    at = start(new_app(), ["confidentiality"])
    sid = at.query_params["sid"]
    at.button(key="restart").click().run()
    assert interview(at) is not None
    assert at.warning and support.text("restart_confirm") == at.warning[0].value
    at.button(key="restart_no").click().run()
    assert at.session_state["iv"] is not None and at.query_params["sid"] == sid
    at.button(key="restart").click().run()
    at.button(key="restart_yes").click().run()
    assert_clean(at)
    assert at.session_state["iv"] is None and at.query_params["sid"] != sid
    assert at.button(key="start")


def test_unrestorable_stored_session_gives_friendly_message(app_env: Path) -> None:
    sid = new_session_id()
    store = SessionStore(url=f"sqlite:///{app_env}")
    store.save(sid, {"kind": "something-else", "schema_version": 99})
    at = new_app(sid)
    assert not at.exception
    assert at.error and "could not be restored" in at.error[0].value
    assert at.query_params["sid"] != sid
    assert store.load(sid) == {"kind": "something-else", "schema_version": 99}  # kept, not deleted
    store.close()


def test_complete_interview_shows_results(app_env: Path) -> None:
    at = start(new_app(), ["confidentiality"])
    for _ in range(MAX_TURNS):
        if interview(at).finished:
            break
        buttons = quick_replies(at)
        choice = next((b for b in buttons if b.label == "No"), buttons[0])
        choice.click().run()
        assert_clean(at)
    report = interview(at).report()
    assert report.finished
    assert support.text("results_heading") in [h.value for h in at.header]
    metrics = {m.label: m.value for m in at.metric}
    assert metrics[support.text("metric_overall")] == f"{report.overall:.0f}%"
    assert metrics[support.text("metric_gaps")] == str(len(report.gaps))
    assert report.gaps  # answering "No" leaves gaps, which the page lists
    body = " ".join(m.value for m in at.markdown)
    assert report.gaps[0].criterion_id in body
    assert support.text("download_pdf") in labels(at, "download_button")
    assert not quick_replies(at)


# -- pure helpers -----------------------------------------------------------------------------------


def test_read_session_upload_rejects_bad_files() -> None:
    with pytest.raises(support.UploadError, match="at most"):
        support.read_session_upload(b"{" + b" " * 3000 + b"}", max_bytes=2000)
    with pytest.raises(support.UploadError, match="empty"):
        support.read_session_upload(b"  \n", max_bytes=2000)
    with pytest.raises(support.UploadError, match="UTF-8"):
        support.read_session_upload(b"\xff\xfe{}", max_bytes=2000)
    with pytest.raises(support.UploadError, match="not valid JSON"):
        support.read_session_upload(b'{"a": ', max_bytes=2000)
    with pytest.raises(support.UploadError, match="found a list"):
        support.read_session_upload(b"[]", max_bytes=2000)
    assert support.read_session_upload('\ufeff{"a": 1}'.encode(), max_bytes=2000) == {"a": 1}


def test_load_session_upload_round_trip_and_foreign() -> None:
    iv = Interview(scope={"confidentiality"})
    question = iv.next_question()
    assert question is not None
    iv.answer(question.options[0])
    raw = json.dumps(iv.to_dict()).encode()
    restored = support.load_session_upload(raw, max_bytes=len(raw))
    assert restored.to_dict() == iv.to_dict()
    with pytest.raises(support.UploadError, match="at most"):
        support.load_session_upload(raw, max_bytes=len(raw) - 1)
    with pytest.raises(support.UploadError, match="not a session saved by soc2-ready"):
        support.load_session_upload(b'{"kind": "report", "overall": 50}', max_bytes=10_000)
    broken = iv.to_dict()
    broken["events"] = "nope"
    with pytest.raises(support.UploadError, match="not a session saved by soc2-ready"):
        support.load_session_upload(json.dumps(broken).encode(), max_bytes=10_000)


def test_progress_rows_and_transcript_turns() -> None:
    iv = Interview(scope={"security", "privacy"})
    first = question = iv.next_question()
    assert first is not None
    rows = support.progress_rows(iv.progress(), iv.scope or ())
    assert [r.category for r in rows] == list(iv.scope or ())
    assert sum(r.answered for r in rows) == 0
    while question is not None and question.category == "scoping":
        iv.answer(question.options[0])
        question = iv.next_question()
    assert question is not None
    iv.answer(question.options[0])
    rows = support.progress_rows(iv.progress(), iv.scope or ())
    assert sum(r.answered for r in rows) >= 1
    assert all(0 <= r.fraction <= 1 and r.total > 0 for r in rows)
    assert support.progress_rows({"security": (2, 4)}, ["security", "privacy"])[0].fraction == 0.5
    pairs = support.transcript_turns(iv.transcript)
    assert pairs[0] == Bubble("assistant", first.text)
    assert pairs[1] == Bubble("user", first.options[0])
    assert support.transcript_turns([{"role": "user", "text": "hi"}, ("system", "x"), ("user", "")]) == [
        Bubble("user", "hi"),
        Bubble("assistant", "x"),
    ]


def test_results_helpers_order_gaps_and_group_roadmap() -> None:
    iv = Interview(scope={"confidentiality"})
    while (question := iv.next_question()) is not None:
        iv.answer("No" if "No" in question.options else question.options[0])
    report = iv.report()
    top = support.top_gaps(report, limit=3)
    assert 0 < len(top) <= 3 and {g.criterion_id for g in top} <= {g.criterion_id for g in report.gaps}
    phases = support.roadmap(report)
    assert sum(len(g) for g in phases.values()) == len(report.gaps)
    assert set(phases) <= {"30", "60", "90", "later"}


def test_render_report_all_formats(retriever: Any) -> None:
    iv = Interview(scope={"confidentiality"}, retriever=retriever)
    question = iv.next_question()
    assert question is not None
    iv.answer("No")
    report = iv.report()
    pdf = support.report_renderer(report, "pdf", retriever)()
    assert isinstance(pdf, bytes) and pdf.startswith(b"%PDF")
    data = json.loads(support.render_report(report, "json", retriever))
    assert isinstance(data, dict)
    assert "<html" in str(support.render_report(report, "html")).lower()
    assert "SOC 2" in str(support.render_report(report, "md"))
    with pytest.raises(ValueError, match="unknown report format"):
        support.render_report(report, "docx")


def test_lazy_value_forwards_and_reraises() -> None:
    lazy = support.LazyValue(lambda: {"a": 1})
    assert lazy.get(timeout=10) == {"a": 1}
    assert lazy.ready
    assert lazy.keys is not None and list(lazy.keys()) == ["a"]

    def fail() -> None:
        raise RuntimeError("index missing")

    broken = support.LazyValue(fail)
    with pytest.raises(RuntimeError, match="index missing"):
        broken.get(timeout=10)


def test_mode_text_and_category_labels() -> None:
    offline = render_message("mode_offline", "llm/notices.yaml")
    assert support.describe_mode(None) == offline
    assert support.category_label("processing_integrity") == support.text("category_processing_integrity")
    assert support.category_label("custom_thing") == "Custom thing"
    assert offline in support.text("sidebar_mode", mode=offline)
