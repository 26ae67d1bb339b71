"""The ``soc2-ready interview`` command: scripted answers, saving and resuming."""

from __future__ import annotations

import json
from pathlib import Path

from assessment import Interview
from assessment.cli.main import main


def write_answers(path: Path, answers: list[object]) -> Path:
    path.write_text("\n".join(json.dumps(a) for a in answers) + "\n", encoding="utf-8")
    return path


def test_scripted_interview_saves_a_resumable_session(tmp_path: Path, capsys: object) -> None:
    answers = write_answers(
        tmp_path / "a.jsonl", ["No, we run our own servers", {"answer": "1"}, "how far am I?", "No"]
    )
    session = tmp_path / "session.json"
    code = main(["interview", "--scope", "security", "--answers", str(answers), "--save", str(session)])
    assert code == 0
    data = json.loads(session.read_text(encoding="utf-8"))
    iv = Interview.from_dict(data)
    labels = [a.label for a in iv.report().answers]
    assert labels[1:] == ["yes", "no"]  # "1" picked the first quick reply
    out = capsys.readouterr().out  # type: ignore[attr-defined]
    assert "Session saved" in out and "Security" in out


def test_resume_continues_where_it_stopped(tmp_path: Path) -> None:
    session = tmp_path / "s.json"
    first = write_answers(tmp_path / "1.jsonl", ["No, we run our own servers", "Yes"])
    assert main(["interview", "--scope", "security", "--answers", str(first), "--save", str(session)]) == 0
    second = write_answers(tmp_path / "2.jsonl", ["No"])
    assert main(["interview", "--resume", str(session), "--answers", str(second)]) == 0
    labels = [a.label for a in Interview.from_dict(json.loads(session.read_text())).report().answers]
    assert labels[1:] == ["yes", "no"]


def test_bad_scope_and_bad_answers_file_give_clear_errors(tmp_path: Path, capsys: object) -> None:
    assert main(["interview", "--scope", "security,secrecy", "--save", str(tmp_path / "x.json")]) == 2
    assert "unknown category secrecy" in capsys.readouterr().err  # type: ignore[attr-defined]
    bad = tmp_path / "bad.jsonl"
    bad.write_text("{not json\n", encoding="utf-8")
    assert (
        main(["interview", "--scope", "security", "--answers", str(bad), "--save", str(tmp_path / "y.json")])
        == 2
    )
    assert "line 1" in capsys.readouterr().err  # type: ignore[attr-defined]
