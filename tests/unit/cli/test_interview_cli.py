"""The ``soc2-ready interview`` command: scripted answers, saving and resuming, wording by template key."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from rich.text import Text

from assessment import Interview
from assessment.cli.common import text
from assessment.cli.main import main
from assessment.interview.session_file import SessionFileError, load_session


def write_answers(path: Path, answers: list[object]) -> Path:
    path.write_text("\n".join(json.dumps(a) for a in answers) + "\n", encoding="utf-8")
    return path


def shown(name: str, **values: object) -> str:
    """A CLI template as the terminal shows it (markup removed, whitespace collapsed)."""
    return " ".join(Text.from_markup(text(name, **values)).plain.split())


def flat(output: str) -> str:
    return " ".join(output.split())


def test_scripted_interview_saves_a_resumable_session(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    answers = write_answers(
        tmp_path / "a.jsonl", ["No, we run our own servers", {"answer": "1"}, "how far am I?", "No"]
    )
    session = tmp_path / "session.json"
    code = main(["interview", "--scope", "security", "--answers", str(answers), "--save", str(session)])
    assert code == 0
    iv = load_session(session)
    labels = [a.label for a in iv.report().answers]
    assert labels[1:] == ["yes", "no"]  # the engine read "1" as the first quick reply
    out = flat(capsys.readouterr().out)
    assert shown("session_saved", path=session) in out
    assert shown("mode_line", mode=iv.llm_mode) in out
    assert shown("summary_title_partial") in out and "Security" in out


def test_a_bare_number_means_what_the_engine_says(tmp_path: Path) -> None:
    """ "3" to the head-count question is 3 people, as in the engine and the app, not option 3."""
    engine = Interview(scope=None)
    question = engine.next_question()
    assert question is not None and question.id == "scope_company_size" and len(question.options) >= 3
    engine.answer("3")
    session = tmp_path / "s.json"
    answers = write_answers(tmp_path / "a.jsonl", ["3"])
    assert main(["interview", "--answers", str(answers), "--save", str(session)]) == 0
    assert load_session(session).profile["company_size"] == engine.profile["company_size"] == 3


def test_resume_continues_where_it_stopped(tmp_path: Path) -> None:
    session = tmp_path / "s.json"
    first = write_answers(tmp_path / "1.jsonl", ["No, we run our own servers", "Yes"])
    assert main(["interview", "--scope", "security", "--answers", str(first), "--save", str(session)]) == 0
    second = write_answers(tmp_path / "2.jsonl", ["No"])
    assert main(["interview", "--resume", str(session), "--answers", str(second)]) == 0
    labels = [a.label for a in load_session(session).report().answers]
    assert labels[1:] == ["yes", "no"]


def test_resume_of_a_bad_file_is_the_loader_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    broken = tmp_path / "broken.json"
    broken.write_text("[1, 2]", encoding="utf-8")
    with pytest.raises(SessionFileError) as caught:
        load_session(broken)
    assert main(["interview", "--resume", str(broken), "--save", str(tmp_path / "x.json")]) == 2
    err = capsys.readouterr().err
    assert text("error", reason=str(caught.value)) in err and "Traceback" not in err
    assert not (tmp_path / "x.json").exists()


def test_bad_scope_and_bad_answers_file_give_clear_errors(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["interview", "--scope", "security,secrecy", "--save", str(tmp_path / "x.json")]) == 2
    assert "secrecy" in capsys.readouterr().err
    bad = tmp_path / "bad.jsonl"
    bad.write_text("{not json\n", encoding="utf-8")
    argv = ["interview", "--scope", "security", "--answers", str(bad), "--save", str(tmp_path / "y.json")]
    assert main(argv) == 2
    expected = text("answers_not_json", file="bad.jsonl", line=1, reason="")
    assert expected.split("(")[0] in capsys.readouterr().err
    wrong = write_answers(tmp_path / "wrong.jsonl", [42])
    assert main(["interview", "--answers", str(wrong), "--save", str(tmp_path / "z.json")]) == 2
    assert text("answers_bad_line", file="wrong.jsonl", line=1) in capsys.readouterr().err
