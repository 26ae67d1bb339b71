"""``soc2-ready report``: real sessions render in every format; bad session files exit 2 with a message."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from assessment.cli.common import text
from assessment.cli.main import main
from assessment.interview.engine import Interview
from assessment.interview.session_file import SESSION_MESSAGES
from assessment.report import render
from assessment.templates import load_messages, render_message

ANSWERS = ("yes, enforced in Okta", "partly, contractors are not covered", "no", "not sure", "no we don't")


@pytest.fixture(scope="module")
def session_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A real interview over security and privacy, answered to the end and saved as SESSION.json."""
    interview = Interview(scope={"security", "privacy"})
    for turn in range(300):
        question = interview.next_question()
        if question is None:
            break
        reply = question.options[0] if question.kind != "scored" and question.options else ANSWERS[turn % 5]
        interview.answer(reply)
    path = tmp_path_factory.mktemp("sessions") / "acme.json"
    path.write_text(json.dumps(interview.to_dict()), encoding="utf-8")
    return path


def test_real_interview_report_renders_in_every_format(session_file: Path, tmp_path: Path) -> None:
    report = Interview.from_dict(json.loads(session_file.read_text(encoding="utf-8"))).report()
    assert report.gaps and report.answers
    for fmt in ("pdf", "md", "html", "json"):
        out = tmp_path / f"report.{fmt}"
        assert main(["report", str(session_file), "--format", fmt, "-o", str(out), "--no-index"]) == 0
        assert out.stat().st_size > 1000
    assert (tmp_path / "report.pdf").read_bytes().startswith(b"%PDF-")
    assert json.loads((tmp_path / "report.json").read_text(encoding="utf-8")) == json.loads(
        render(report, "json")
    )
    md = (tmp_path / "report.md").read_text(encoding="utf-8")
    # The appendix quotes what the founder typed (a skipped question has nothing to quote).
    typed = [a.typed for a in report.answers if a.label != "skipped" and "\n" not in a.typed]
    assert typed and all(text in md for text in typed)


def test_report_to_stdout_and_next_to_the_session(
    session_file: Path, tmp_path: Path, capsysbinary: pytest.CaptureFixture[bytes]
) -> None:
    assert main(["report", str(session_file), "--format", "md", "-o", "-"]) == 0
    assert capsysbinary.readouterr().out.decode("utf-8").lstrip().startswith("#")
    copy = tmp_path / "acme.json"
    copy.write_bytes(session_file.read_bytes())
    assert main(["report", str(copy), "--format", "json"]) == 0
    written = tmp_path / "acme-report.json"
    assert written.exists()
    expected = text("report_written", path=written, size=f"{written.stat().st_size:,}", fmt="json")
    assert expected in capsysbinary.readouterr().err.decode("utf-8")


def _template_start(key: str) -> str:
    """The fixed wording after the file name: what every message of ``key`` contains."""
    template = load_messages(SESSION_MESSAGES)[key]
    return template.split("{file}", 1)[1].split("{", 1)[0].strip()


@pytest.mark.parametrize(
    ("content", "key"),
    [
        ("not json at all", "session_not_json"),
        ("[1, 2, 3]", "session_not_object"),
        ('{"kind": "something else"}', "session_foreign"),
        ("", "session_empty"),
    ],
)
def test_malformed_session_is_a_clear_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], content: str, key: str
) -> None:
    path = tmp_path / "broken.json"
    path.write_text(content, encoding="utf-8")
    assert main(["report", str(path), "--format", "md", "-o", str(tmp_path / "out.md")]) == 2
    err = capsys.readouterr().err
    assert err.startswith(text("error", reason=str(path)))
    assert _template_start(key) in err and "Traceback" not in err
    assert not (tmp_path / "out.md").exists()


def test_missing_session_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    missing = tmp_path / "nope.json"
    assert main(["report", str(missing), "--format", "json"]) == 2
    reason = render_message("session_missing", filename=SESSION_MESSAGES, file=missing)
    assert text("error", reason=reason) in capsys.readouterr().err


def test_unwritable_output_is_a_clear_error(
    session_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x", encoding="utf-8")
    assert main(["report", str(session_file), "--format", "md", "-o", str(blocker / "r.md")]) == 2
    err = capsys.readouterr().err
    assert text("error", reason=text("cannot_write", path=blocker / "r.md", reason="")) in err
