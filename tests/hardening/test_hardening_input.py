"""Hostile input through the whole engine and every report format: nothing raises, nothing leaks.

Each hostile text is typed at every kind of question (scoping, scope confirmation, carve-out,
scored, clarification) and after the end; then the state must survive a JSON round trip with the
same report, and the report must render in all four formats with the text escaped.
"""

from __future__ import annotations

import html
import json
import re

import pytest

from assessment import Interview, Reply
from assessment.models import Report
from assessment.report import render
from assessment.report.text import md_inline
from assessment.templates import render_message

ONE_MB = ("yes we do that, " * 65_536)[:1_000_000]
HOSTILE: dict[str, str] = {
    "empty": "",
    "whitespace": " \t\n\r\n  \u3000",
    "one_mb": ONE_MB,
    "nul_and_controls": "yes\x00\x01\x07\x08\x1b[31mred\x1b[0m\x7f\x85\x9f done",
    "unicode_separators": "no\u2028we\u2029don't\u200b\u200d\ufeff",
    "bidi_override": "\u202eyes\u202c \u2066sure\u2069",
    "emoji_only": "🔐🔥👍🏽👨‍👩‍👧‍👦🏳️‍🌈",
    "arabic": "نعم، نستخدم المصادقة متعددة العوامل لجميع الموظفين",
    "cjk": "是的，我们对所有员工启用多因素认证。はい、そうです。네, 그렇습니다.",
    "cyrillic": "Да, у нас есть многофакторная аутентификация",
    "html_script": '<script>alert("x")</script><img src=x onerror=alert(1)>',
    "html_breakout": "</td></tr></table></div><h1>owned</h1><!--",
    "jinja": "{{7*7}} {% for x in range(9) %}x{% endfor %} {{ config.items() }}",
    "shell_template": "${7*7} $(id) `id`",
    "format_string": "{0.__class__} {label} {} %s%n%x",
    "sql": "'; DROP TABLE sessions; --",
    "sql_or": "1' OR '1'='1",
    "markdown": "| a | b |\n|---|---|\n# heading\n- [x](javascript:alert(1))\n> quote",
    "long_word": "a" * 50_000,
    "lone_surrogate": "yes \ud800 ok",
}
# Live markup the hostile texts try to inject (the report's own markup never uses these).
SCRIPT_TAG = re.compile(r"<\s*(script|img|iframe)\b|<h1>owned|href\s*=\s*[\"']?javascript:", re.I)
INTERNAL_ERROR = render_message("internal_error", error="\x00").split("\x00")[0]


def check_reply(reply: Reply) -> None:
    """Every turn gets a real reply: never empty, never the internal-error fallback."""
    assert isinstance(reply, Reply)
    assert reply.message.strip()
    assert not reply.message.startswith(INTERNAL_ERROR), reply.message


def round_trip(iv: Interview) -> Interview:
    """Save and resume through JSON text, as the app and the CLI do."""
    saved = json.dumps(iv.to_dict(), ensure_ascii=False)
    saved.encode("utf-8")  # the session store and the CLI write UTF-8
    restored = Interview.from_dict(json.loads(saved), retriever=iv.retriever)
    assert restored.to_dict() == iv.to_dict()
    return restored


def check_state(iv: Interview) -> Report:
    """The state is valid JSON and resumes to exactly the same report."""
    report = iv.report()
    assert round_trip(iv).report() == report
    return report


def table_blocks(markdown: str) -> list[list[str]]:
    """Consecutive table lines of a Markdown document."""
    blocks: list[list[str]] = []
    current: list[str] = []
    for line in markdown.splitlines():
        if line.startswith("|"):
            current.append(line)
        elif current:
            blocks.append(current)
            current = []
    if current:
        blocks.append(current)
    return blocks


def unescaped_pipes(line: str) -> int:
    return len(re.findall(r"(?<!\\)\|", line))


def check_renders(report: Report, hostile: str) -> None:
    """All four formats render; HTML has no live tag from the user, Markdown tables keep their shape."""
    page = render(report, "html")
    assert isinstance(page, str)
    assert not SCRIPT_TAG.search(page)
    assert "\x00" not in page and "\x1b" not in page
    markdown = render(report, "md")
    assert isinstance(markdown, str)
    assert not SCRIPT_TAG.search(markdown.replace("\\<", "&lt;"))  # \\< is literal text
    blocks = table_blocks(markdown)
    assert blocks
    for block in blocks:
        assert len({unescaped_pipes(line) for line in block}) == 1, block
        assert block[1].replace("|", "").replace("-", "").replace(":", "").strip() == ""
    data = json.loads(render(report, "json"))
    visible = (
        hostile.replace("\r\n", "\n").replace("\r", "\n").replace("\u2028", "\n").replace("\u2029", "\n")
    )
    visible = re.sub(r"[\ud800-\udfff]", "\ufffd", visible)  # the engine stores U+FFFD for them
    visible = re.sub(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]", "", visible)
    if visible.strip():
        assert any(visible in a["answer"] for a in data["answers"])
    pdf = render(report, "pdf")
    assert isinstance(pdf, bytes) and pdf.startswith(b"%PDF")


def drive(iv: Interview, hostile: str, limit: int = 120) -> list[str]:
    """Type ``hostile`` at the first question of each kind and at its clarification, a quick reply
    elsewhere, then once more after the end. Returns the question kinds that got the hostile text."""
    hit: list[str] = []
    clarified = False
    turns = 0
    while (question := iv.next_question()) is not None and turns < limit:
        turns += 1
        kind = question.kind
        options = question.options or ("yes",)
        text = options[turns % len(options)]
        if kind not in hit and kind != "clarify":
            hit.append(kind)
            text, clarified = hostile, False
        elif kind == "clarify" and not clarified:
            text, clarified = hostile, True
        check_reply(iv.answer(text))
    assert iv.next_question() is None, "interview did not finish"
    check_reply(iv.answer(hostile))
    return hit


@pytest.mark.parametrize("name", list(HOSTILE))
def test_hostile_text_at_every_kind_of_question(name: str, retriever: object) -> None:
    hostile = HOSTILE[name]
    iv = Interview(retriever=retriever, session_name=hostile[:200] or None)
    kinds = drive(iv, hostile)
    assert {"scoping", "scope_confirm", "scored"} <= set(kinds)
    report = check_state(iv)
    assert report.finished
    check_renders(report, hostile)


@pytest.mark.parametrize("name", ["html_script", "jinja", "format_string", "markdown", "cjk"])
def test_hostile_text_as_every_answer_with_given_scope(name: str, retriever: object) -> None:
    hostile = HOSTILE[name]
    iv = Interview(scope={"security", "privacy"}, retriever=retriever)
    turns = 0
    while iv.next_question() is not None and turns < 200:
        turns += 1
        check_reply(iv.answer(hostile))
    assert iv.finished
    report = check_state(iv)
    assert report.answers and all(hostile in a.answer for a in report.answers)
    check_renders(report, hostile)


def test_template_strings_are_never_evaluated(retriever: object) -> None:
    iv = Interview(scope={"security"}, retriever=retriever)
    iv.next_question()
    iv.answer("No, we run our own servers")  # the carve-out question
    typed = ("{{7*7}}", "${7*7}", "{0.__class__}", "%s%n")
    for text in typed:
        iv.next_question()
        reply = iv.answer(text)
        check_reply(reply)
        if reply.kind == "clarify":  # the reader asks about such answers: settle it, keep the text
            check_reply(iv.answer("Not sure"))
    report = check_state(iv)
    markdown = str(render(report, "md"))
    outputs = {
        "html": (str(render(report, "html")), [html.escape(t, quote=True) for t in typed]),
        "md": (markdown, [md_inline(t) for t in typed]),
        "json": (
            json.dumps(json.loads(render(report, "json"))["answers"]),
            [json.dumps(t)[1:-1] for t in typed],
        ),
        "transcript": (" ".join(text for _, text in iv.transcript), list(typed)),
    }
    for name, (output, expected) in outputs.items():
        assert "<class" not in output, name
        for text in expected:
            assert text in output, (name, text)  # shown literally, never expanded


def test_non_string_answers_do_not_raise(retriever: object) -> None:
    iv = Interview(scope={"security"}, retriever=retriever)
    for value in (None, 42, 3.5, ["yes"], {"a": 1}, b"yes"):
        iv.next_question()
        check_reply(iv.answer(value))  # type: ignore[arg-type]
    check_state(iv)


# ---- commands at odd moments --------------------------------------------------------------------


def test_back_at_the_first_question_and_at_start() -> None:
    iv = Interview()
    first = iv.next_question()
    for _ in range(3):
        reply = iv.answer("back")
        check_reply(reply)
        assert reply.kind == "command"
    assert iv.next_question() == first
    assert iv.to_dict()["events"] == []
    check_state(iv)


def test_skip_why_progress_back_at_the_end(retriever: object) -> None:
    iv = Interview(scope={"security"}, retriever=retriever)
    while iv.next_question() is not None:
        iv.answer("skip")
    report = check_state(iv)
    assert report.finished and set(report.criterion_status.values()) <= {"unknown", "not_applicable"}
    events = len(iv.to_dict()["events"])
    for command in ("skip", "why", "progress", "skip"):
        check_reply(iv.answer(command))
        assert len(iv.to_dict()["events"]) == events
    check_reply(iv.answer("back"))
    assert len(iv.to_dict()["events"]) == events - 1
    question = iv.next_question()
    assert question is not None and question.kind == "revisit"  # the skipped questions, offered once
    check_reply(iv.answer("back"))  # and the last skipped question itself
    check_reply(iv.answer("Yes"))
    check_reply(iv.answer("Leave open"))
    assert iv.finished
    check_renders(check_state(iv), "Yes")


def test_restart_twice_then_the_same_answers_give_the_same_report() -> None:
    answers = ["No, we run our own servers", "Yes", "partly", "No", "not sure", "Yes"]

    def play(iv: Interview) -> None:
        for text in answers:
            iv.next_question()
            check_reply(iv.answer(text))

    plain = Interview(scope={"security"})
    play(plain)
    restarted = Interview(scope={"security"})
    play(restarted)
    check_reply(restarted.answer("restart"))
    check_reply(restarted.answer("restart"))
    assert restarted.to_dict()["events"] == []
    play(restarted)
    assert restarted.report() == plain.report()
    check_state(restarted)


def test_restart_and_back_during_a_clarification() -> None:
    iv = Interview(scope={"security"})
    iv.next_question()
    iv.answer("No, we run our own servers")
    iv.next_question()
    reply = iv.answer("hmm, it depends on the team and the day")
    check_reply(reply)
    if reply.kind == "clarify":
        check_reply(iv.answer("back"))
        assert iv.to_dict()["pending"] is None
        iv.answer("hmm, it depends on the team and the day")
    check_reply(iv.answer("restart"))
    assert iv.to_dict()["pending"] is None and iv.to_dict()["events"] == []
    check_state(iv)


def test_answers_after_finished_change_nothing(retriever: object) -> None:
    iv = Interview(scope={"security"}, retriever=retriever)
    while iv.next_question() is not None:
        iv.answer("Yes")
    before = iv.report()
    for text in ("yes", "no", "", "<script>x</script>", "'; DROP TABLE sessions; --", "what is CC6.1?"):
        check_reply(iv.answer(text))
    assert iv.report() == before
    check_state(iv)
