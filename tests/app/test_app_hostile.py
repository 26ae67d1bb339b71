"""The Streamlit app under hostile input (AppTest over the real engine, index and SQLite store).

Every typed input must give no exception, a non-empty assistant reply (or, for blank input, the
question kept on screen with a hint), the session saved exactly as the engine holds it, and the
founder's text kept whole and shown literally (never as HTML, Markdown or LaTeX). Bad uploads are
refused with a message and leave the session untouched; a damaged or locked session database gives
a notice instead of a traceback.
"""

from __future__ import annotations

import ast
import json
import os
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from fakes.apptest import APP, assert_clean, displayed, interview, new_app, say, start
from streamlit.string_util import clean_text
from streamlit.testing.v1 import AppTest

from assessment.interview.engine import Interview
from assessment.interview.storage import DB_FILENAME, SessionStore
from assessment.templates import render_message
from assessment.web import markup, support
from knowledge.settings import Settings

MAX_TURNS = 150
ONE_MB = 1_000_000

HOSTILE_ANSWERS: dict[str, str] = {
    "control_bytes": "yes\x00 we\x01 do\x07 that\x1b[31m in red\x7f\x1b[0m",
    "emoji_only": "👍✅🔐",
    "arabic": "نعم، نستخدم المصادقة متعددة العوامل لجميع الموظفين",
    "cjk": "是的，所有员工都使用多因素认证。はい、全員です。",
    "rtl_override": "yes \u202eopposite\u202c and zero\u200bwidth",
    "script_tag": "<script>alert('x')</script><img src=x onerror=alert(1)><b>bold</b>",
    "jinja": "{{7*7}} {% for x in y %}{{ x }}{% endfor %}",
    "shell_template": "${7*7} $(rm -rf /) `id`",
    "format_fields": "{answer} {0} {question!r} %(name)s %s",
    "sql": "'; DROP TABLE sessions; -- \" OR 1=1; SELECT * FROM sessions WHERE '1'='1",
    "markdown": "# Heading\n- list\n[click](javascript:alert(1)) ![img](http://x.invalid/p.png) **b**",
    "dollars": "We pay $50 per user and $1,200 a year; :red[alert] :material/home:",
    "multiline": "Partly.\r\nProduction: yes\nStaging: no\n\n\n1. laptops\n2) phones",
    "lone_punctuation": "?!…—",
    "very_long_word": "x" * 20_000,
}


def bubbles(at: AppTest) -> list[tuple[str, str]]:
    return [(m.name, m.markdown[0].value) for m in at.chat_message]


def stored(db: Path, sid: str) -> dict[str, Any] | None:
    store = SessionStore(url=f"sqlite:///{db}")
    try:
        return store.load(sid)
    finally:
        store.close()


def assert_persisted(at: AppTest, db: Path) -> dict[str, Any]:
    """The store holds exactly the session the page shows."""
    data = stored(db, at.query_params["sid"])
    assert data is not None and data == interview(at).to_dict()
    return data


def user_texts(data: dict[str, Any]) -> list[str]:
    # A long answer is stored once, in its event; the transcript turn points at it ("ref").
    return [said for role, said in Interview.from_dict(data).transcript if role == "user"]


def type_answer(at: AppTest, said: str) -> AppTest:
    say(at, said)
    return at


def finish(at: AppTest) -> None:
    for _ in range(MAX_TURNS):
        if interview(at).finished:
            return
        buttons = [b for b in at.button if b.key and b.key.startswith("qr-")]
        next((b for b in buttons if b.label == "No"), buttons[0]).click().run()
        assert_clean(at)
    raise AssertionError("the interview did not finish")


# -- typed hostile answers ------------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(HOSTILE_ANSWERS))
def test_hostile_answer_is_kept_whole_shown_literally_and_saved(app_env: Path, name: str) -> None:
    said = HOSTILE_ANSWERS[name]
    at = start(new_app(), ["security"])
    type_answer(at, said)
    assert_clean(at)
    shown = bubbles(at)
    kept = said.strip()
    assert ("user", clean_text(markup.markdown_literal(kept))) in shown  # as st.markdown stores it
    role, reply = shown[-1]
    assert role == "assistant" and reply.strip()
    for message in at.chat_message:  # no bubble may render HTML
        assert not message.markdown[0].proto.allow_html
    data = assert_persisted(at, app_env)
    assert user_texts(data)[-1] == kept


def test_one_megabyte_answer_shows_the_truncation_notice_and_is_saved_whole(app_env: Path) -> None:
    sentence = "We use Okta single sign-on with MFA for all staff, and contractors get separate accounts. "
    said = (sentence * (ONE_MB // len(sentence) + 1))[:ONE_MB]
    at = start(new_app(), ["security"])
    type_answer(at, said)
    assert_clean(at)
    notice = render_message("answer_truncated", limit=Settings().max_answer_chars)
    assistant = [text for role, text in bubbles(at) if role == "assistant"]
    assert notice in assistant[-1]
    data = assert_persisted(at, app_env)
    assert user_texts(data)[-1] == said
    assert said in [event["text"] for event in data["events"]] or (data["pending"] or {}).get("text") == said
    # Reloading the page (a new browser session on the same link) restores it whole.
    reloaded = new_app(at.query_params["sid"])
    assert_clean(reloaded)
    assert user_texts(interview(reloaded).to_dict())[-1] == said


@pytest.mark.parametrize("blank", ["", "   ", " \n\t \r\n "])
def test_blank_answer_keeps_the_question_and_changes_nothing(app_env: Path, blank: str) -> None:
    at = start(new_app(), ["security"])
    question = interview(at).next_question()
    before = interview(at).to_dict()
    type_answer(at, blank)
    assert_clean(at)
    assert interview(at).to_dict() == before
    assert interview(at).next_question() == question
    role, last = bubbles(at)[-1]
    assert role == "assistant" and question is not None and last.endswith(question.text)
    if blank:  # a submitted blank gets a hint (an empty box cannot be submitted at all)
        assert [toast.value for toast in at.toast] == [support.text("empty_answer")]
    assert assert_persisted(at, app_env) == before


# -- commands at odd moments -----------------------------------------------------------------------


def test_back_at_the_first_question_typed_and_clicked(app_env: Path) -> None:
    at = start(new_app(), ["security"])
    first = interview(at).next_question()
    type_answer(at, "back")
    assert_clean(at)
    assert bubbles(at)[-1] == ("assistant", render_message("back_at_start"))
    assert interview(at).next_question() == first
    assert_persisted(at, app_env)
    at.button(key="back").click().run()
    assert_clean(at)
    assert [toast.value for toast in at.toast] == [render_message("back_at_start")]
    assert interview(at).next_question() == first
    assert_persisted(at, app_env)


def test_skip_and_typed_answers_after_the_end(app_env: Path) -> None:
    at = start(new_app(), ["confidentiality"])
    finish(at)
    results_heading = support.text("results_heading")
    for said, expected in (
        ("skip", render_message("nothing_to_skip")),
        ("yes", render_message("already_finished")),
        ("skip", render_message("nothing_to_skip")),
    ):
        type_answer(at, said)
        assert_clean(at)
        assert bubbles(at)[-1] == ("assistant", expected)
        assert results_heading in [h.value for h in at.header]
        assert_persisted(at, app_env)
    answers = len(interview(at).report().answers)
    type_answer(at, "back")  # undoing the last answer from the results page reopens that question
    assert_clean(at)
    assert not interview(at).finished and len(interview(at).report().answers) == answers - 1
    assert_persisted(at, app_env)


def test_restart_typed_twice_then_with_the_button_twice(app_env: Path) -> None:
    at = start(new_app(), ["security"])
    first = interview(at).next_question()
    type_answer(at, "yes")
    for _ in range(2):
        type_answer(at, "restart")
        assert_clean(at)
        assert render_message("restarted") in bubbles(at)[-1][1]
        assert interview(at).next_question() == first and not interview(at).report().answers
        assert_persisted(at, app_env)
    assert user_texts(interview(at).to_dict()) == ["yes", "restart", "restart"]  # what was typed stays

    sids = [at.query_params["sid"]]
    for _ in range(2):
        at.button(key="restart").click().run()
        at.button(key="restart_yes").click().run()
        assert_clean(at)
        assert at.session_state["iv"] is None and at.query_params["sid"] not in sids
        sids.append(at.query_params["sid"])
        start(at, ["security"])
        assert_persisted(at, app_env)
    for old in sids:  # restarting never deletes a session
        assert stored(app_env, old) is not None


# -- HTML is never enabled --------------------------------------------------------------------------


def test_app_never_renders_raw_html() -> None:
    tree = ast.parse(Path(APP).read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.keyword):
            assert node.arg != "unsafe_allow_html", f"line {node.value.lineno}: unsafe_allow_html"
        if isinstance(node, ast.Attribute):
            assert node.attr not in ("html", "components"), f"line {node.lineno}: st.{node.attr}"


def test_markdown_literal_escapes_everything_markdown_would_interpret() -> None:
    assert markup.markdown_literal("No, we have nothing like that yet") == "No, we have nothing like that yet"
    assert markup.markdown_literal("<b>x</b>") == r"\<b\>x\</b\>"
    assert markup.markdown_literal("$5 and $10") == r"\$5 and \$10"
    assert markup.markdown_literal("[a](b) *c* _d_ `e` ~f~ | #g &amp;") == (
        r"\[a\](b) \*c\* \_d\_ \`e\` \~f\~ \| \#g \&amp;"
    )
    assert (
        markup.markdown_literal("- a\n+ b\n1. c\n2) d\n===") == "\\- a  \n\\+ b  \n1\\. c  \n2\\) d  \n\\==="
    )
    assert markup.markdown_literal("a\\b\r\nc") == "a\\\\b  \nc"


# -- uploads ----------------------------------------------------------------------------------------


def _foreign_uploads(session: dict[str, Any], report_json: bytes, limit: int) -> dict[str, tuple[bytes, str]]:
    """Rejected uploads: file bytes and a phrase the error message must contain."""
    future = {**session, "schema_version": session["schema_version"] + 98}
    raw = json.dumps(session).encode()
    return {
        "oversized": (raw + b" " * (limit + 1 - len(raw)), "at most"),
        "binary": (b"\x89PNG\r\n\x1a\n" + os.urandom(512), "not a text file"),
        "not_json": (b"kind: soc2-ready-session\nschema_version: 1\n", "not valid JSON"),
        "truncated_json": (raw[: len(raw) // 2], "not valid JSON"),
        "json_list": (b"[1, 2, 3]", "expected an object"),
        "other_app": (
            json.dumps({"name": "my-app", "version": "1.0.0", "dependencies": {}}).encode(),
            "not a session",
        ),
        "our_report": (report_json, "not a session"),
        "future_version": (json.dumps(future).encode(), "newer than this version"),
        "empty": (b"", "empty"),
    }


def test_bad_uploads_are_refused_and_leave_the_session_untouched(app_env: Path) -> None:
    at = start(new_app(), ["confidentiality"])
    type_answer(at, "yes, every laptop is encrypted")
    sid = at.query_params["sid"]
    before = interview(at).to_dict()
    report_json = support.render_report(interview(at).report(), "json")
    assert isinstance(report_json, str)
    limit = Settings().max_upload_bytes
    cases = _foreign_uploads(before, report_json.encode(), limit)
    for name, (raw, phrase) in cases.items():
        at.sidebar.file_uploader(key="resume_file").set_value((f"{name}.json", raw, "application/json")).run()
        at.sidebar.button(key="resume_button").click().run()
        assert not at.exception, (name, [e.value for e in at.exception])
        messages = [e.value for e in at.error]
        assert len(messages) == 1 and phrase in messages[0], (name, messages)
        assert "Nothing was changed" in messages[0]
        assert at.query_params["sid"] == sid and interview(at).to_dict() == before, name
        assert stored(app_env, sid) == before, name
    # After all that, the session still takes answers.
    type_answer(at, "no")
    assert_clean(at)
    assert user_texts(assert_persisted(at, app_env))[-2:] == ["yes, every laptop is encrypted", "no"]


# -- damaged or locked session database ---------------------------------------------------------------


def _break_database(db: Path, kind: str) -> None:
    if kind == "garbage":
        db.write_bytes(b"\x00\xff garbage, not SQLite " * 500)
    elif kind == "truncated":
        store = SessionStore(url=f"sqlite:///{db}")
        for i in range(40):
            store.save(f"session-{i:04d}", {"i": i, "text": "answer " * 400})
        store.close()
        with sqlite3.connect(db) as conn:
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        conn.close()
        raw = db.read_bytes()
        for suffix in ("-wal", "-shm"):
            Path(f"{db}{suffix}").unlink(missing_ok=True)
        db.write_bytes(raw[: len(raw) // 3])
    else:
        db.mkdir()


@pytest.mark.parametrize("kind", ["garbage", "truncated", "folder"])
def test_damaged_database_shows_a_notice_and_starts_fresh(app_env: Path, kind: str) -> None:
    _break_database(app_env, kind)
    at = new_app()
    assert not at.exception and not at.error
    notices = [displayed(w.value) for w in at.warning]
    assert len(notices) == 1 and "damaged" in notices[0] and "moved to" in notices[0]
    moved = [p for p in app_env.parent.iterdir() if p.name.startswith(f"{DB_FILENAME}.damaged-")]
    assert len(moved) == 1 and str(moved[0]) in notices[0]
    start(at, ["confidentiality"])
    assert not at.warning  # shown once, not on every rerun
    type_answer(at, "yes")
    assert_clean(at)
    assert_persisted(at, app_env)


def test_locked_database_shows_a_message_not_a_traceback(app_env: Path) -> None:
    holder = sqlite3.connect(app_env, isolation_level=None)
    holder.execute("CREATE TABLE other (x)")
    holder.execute("BEGIN EXCLUSIVE")
    try:
        at = new_app()
        assert not at.exception
        assert (
            len(at.error) == 1
            and "locked" in at.error[0].value
            and "Nothing was deleted" in at.error[0].value
        )
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert not [p for p in app_env.parent.iterdir() if ".damaged-" in p.name]
    at.run()  # once the lock is gone the app works, on the same file
    assert_clean(at)
    start(at, ["confidentiality"])
    assert_persisted(at, app_env)
