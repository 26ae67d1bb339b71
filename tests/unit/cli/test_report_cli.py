"""``soc2-ready report``: real sessions render in every format; bad session files exit 2 with a message."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from assessment.cli.main import main
from assessment.interview.engine import Interview
from assessment.report import render, report_schema

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
    data = json.loads(render(report, "json"))
    jsonschema.validate(data, report_schema())
    assert data["scores"]["categories"] == report.category_scores
    for fmt in ("pdf", "md", "html", "json"):
        out = tmp_path / f"report.{fmt}"
        assert main(["report", str(session_file), "--format", fmt, "-o", str(out), "--no-index"]) == 0
        assert out.stat().st_size > 1000
    assert (tmp_path / "report.pdf").read_bytes().startswith(b"%PDF-")
    md = (tmp_path / "report.md").read_text(encoding="utf-8")
    assert all(answer.answer in md for answer in report.answers if "\n" not in answer.answer)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("not json at all", "not valid JSON"),
        ("[1, 2, 3]", "holds a JSON object"),
        ('{"kind": "something else"}', "not a valid session"),
    ],
)
def test_malformed_session_is_a_clear_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], content: str, message: str
) -> None:
    path = tmp_path / "broken.json"
    path.write_text(content, encoding="utf-8")
    assert main(["report", str(path), "--format", "md", "-o", str(tmp_path / "out.md")]) == 2
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err
    assert not (tmp_path / "out.md").exists()


def test_missing_session_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["report", str(tmp_path / "nope.json"), "--format", "json"]) == 2
    assert "no such session file" in capsys.readouterr().err
