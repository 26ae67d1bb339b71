"""Issue 15 through the app (AppTest): session links, Markdown injection, big and hostile files, damage."""

from __future__ import annotations

import json
import re
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from fakes.apptest import assert_clean, displayed, interview, new_app, say, start
from streamlit.testing.v1 import AppTest

from assessment.interview.engine import Interview
from assessment.interview.storage import SessionStore, new_session_id
from assessment.web import markup, support
from knowledge.settings import Settings

INJECTION = "no ![x](http://host.invalid/p.png) [click](https://evil.invalid) www.evil.invalid <img src=x>"
# An image or link that Markdown would render: "![" or "](" not preceded by a backslash escape.
LIVE_MARKUP = re.compile(r"(?<!\\)!\[|(?<!\\)\]\(|(?<!\\)<img|https?://|(?<!\\)www\.")


def all_markdown(at: AppTest) -> list[str]:
    """Every Markdown text the page renders: main area, sidebar, chat bubbles, captions, messages."""
    texts = [m.value for m in at.markdown] + [c.value for c in at.caption]
    texts += [m.value for m in at.sidebar.markdown] + [c.value for c in at.sidebar.caption]
    texts += [e.value for kind in ("error", "warning", "info", "success") for e in at.get(kind)]
    for message in at.chat_message:
        texts += [m.value for m in message.markdown]
    return texts


def test_a_chosen_session_id_in_a_link_is_never_adopted(app_env: Path) -> None:
    for chosen in ("attacker-chosen-0001", "A" * 22, "bad id!", "x" * 80):
        at = new_app(chosen)
        assert not at.exception
        assert at.query_params["sid"] != chosen
        assert support.text("unknown_session_link") in [i.value for i in at.info]
        start(at, ["confidentiality"])
        say(at, "yes, every laptop is encrypted")
        store = SessionStore(url=f"sqlite:///{app_env}")
        assert store.load(chosen) is None  # what the victim typed is not under the attacker's id
        assert store.load(at.query_params["sid"]) is not None
        store.close()


def test_a_saved_sessions_link_still_resumes_it(app_env: Path) -> None:
    at = start(new_app(), ["confidentiality"])
    say(at, "yes, every laptop is encrypted")
    sid = at.query_params["sid"]
    again = new_app(sid)
    assert_clean(again)
    assert again.query_params["sid"] == sid and not again.info
    assert interview(again).to_dict() == interview(at).to_dict()


def test_injected_markdown_never_renders_as_image_or_link(app_env: Path) -> None:
    at = start(new_app(), ["confidentiality"])
    say(at, INJECTION)
    assert_clean(at)
    assert any(INJECTION.split()[0] in t for t in all_markdown(at))
    assert [t for t in all_markdown(at) if LIVE_MARKUP.search(t)] == []
    # The results page too, with the injection in every answer (and in an uploaded file's name).
    iv = Interview(scope={"confidentiality"}, session_name=INJECTION)
    while iv.next_question() is not None:
        iv.answer(INJECTION)
    store = SessionStore(url=f"sqlite:///{app_env}")
    sid = new_session_id()
    store.save(sid, iv.to_dict(), expected_version=0)
    store.close()
    done = new_app(sid)
    assert_clean(done)
    assert done.header and any("readiness" in h.value for h in done.header)
    assert [t for t in all_markdown(done) if LIVE_MARKUP.search(t)] == []


J = "\u2060"  # the word joiner that keeps Streamlit's Markdown from linking or decorating text


def test_markdown_safe_escapes_links_images_autolinks_and_math() -> None:
    assert markup.markdown_safe("**a** ![x](http://h/p.png)") == rf"**a** !\[x\](http:{J}//h/p.png)"
    assert markup.markdown_safe("see www.x.io, $5 <b>") == rf"see www{J}.x.io, \$5 \<b\>"


@pytest.mark.parametrize("escape", [markup.markdown_safe, markup.markdown_literal])
def test_no_autolink_emoji_colour_or_icon_survives_escaping(escape: Any) -> None:
    # Streamlit links bare URLs, www. and e-mails and draws :rocket:, :red[..] and :material/..:
    # after backslash escapes are read; each of these must reach the page as plain text.
    said = "a@b.io https://x.io www.x.io :rocket: :red[hi] :material/bolt: color:red"
    shown = escape(said)
    assert not re.search(r":(?=[\w/])|\w@\w|www\.", shown)  # each ":x", "a@b" and "www." is disarmed
    assert escape("Noted: yes") == "Noted: yes"  # our own "label: text" stays exactly as written
    assert shown.replace(J, "").replace("\\[", "[").replace("\\]", "]") == said


def test_a_one_megabyte_answer_saves_a_file_the_app_resumes(app_env: Path) -> None:
    limit = Settings().max_upload_bytes
    at = start(new_app(), ["confidentiality"])
    big = "we encrypt everything. " * (1_000_000 // 23)
    say(at, big)
    assert_clean(at)
    saved = json.dumps(interview(at).to_dict(), ensure_ascii=False, indent=2).encode()  # the download
    assert len(saved) < limit  # the long answer is stored once, not in transcript and event both
    assert saved.count(b"we encrypt everything.") < 1.01 * (1_000_000 // 23)  # once (plus a quoted bit)
    fresh = new_app()
    fresh.file_uploader(key="resume_file").set_value(("SESSION.json", saved, "application/json")).run()
    fresh.button(key="resume_button").click().run()
    assert_clean(fresh)
    assert [t for r, t in interview(fresh).transcript if r == "user"] == [big.strip()]


def test_uploads_with_surrogates_are_cleaned_and_deep_json_is_refused(app_env: Path) -> None:
    iv = Interview(scope={"confidentiality"})
    iv.answer("yes")
    raw = (
        json.dumps(iv.to_dict())
        .replace('"yes"', '"yes \\ud800"', 1)
        .replace('"session_name": "', '"session_name": "\\udfff', 1)
    )
    at = new_app()
    at.file_uploader(key="resume_file").set_value(("S.json", raw.encode(), "application/json")).run()
    at.button(key="resume_button").click().run()
    assert_clean(at)
    resumed = interview(at).to_dict()
    json.dumps(resumed, ensure_ascii=False).encode("utf-8")  # saveable and downloadable again
    assert "\ufffd" in resumed["session_name"]
    deep = ("[" * 100_000 + "]" * 100_000).encode()
    at.file_uploader(key="resume_file").set_value(("deep.json", deep, "application/json")).run()
    at.button(key="resume_button").click().run()
    assert not at.exception
    assert at.error and "nested" in at.error[0].value


def test_a_damaged_row_is_moved_aside_naming_the_session_and_others_keep_working(app_env: Path) -> None:
    good = start(new_app(), ["confidentiality"])
    say(good, "yes")
    good_sid = good.query_params["sid"]
    bad = start(new_app(), ["confidentiality"])
    bad_sid = bad.query_params["sid"]
    with sqlite3.connect(app_env) as conn:  # invalid UTF-8 passes quick_check but not decoding
        conn.execute(
            "UPDATE sessions SET data = CAST(x'7b22ff22fe7d' AS TEXT) WHERE session_id = ?", (bad_sid,)
        )
    conn.close()
    opened = new_app(bad_sid)
    assert not opened.exception
    shown = displayed(opened.error[0].value) if opened.error else ""
    assert bad_sid in shown and "damaged_sessions" in shown
    assert opened.query_params["sid"] != bad_sid
    other = new_app(good_sid)
    assert_clean(other)
    assert interview(other).to_dict() == interview(good).to_dict()
    store = SessionStore(url=f"sqlite:///{app_env}")
    assert [sid for sid, _ in store.damaged()] == [bad_sid]
    store.close()
