"""The shells are thin: one answer script gives the same report in the engine, the CLI and the app.

The script starts with scoping (a bare "3" to the head-count question, which is 3 people, not the
third quick reply), then answers scored questions in free text, by number and with a command.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from fakes.apptest import assert_clean, interview, new_app, say, start

from assessment.cli.main import main
from assessment.interview.engine import Interview
from assessment.interview.session_file import load_session
from assessment.models import Report
from assessment.report import render

SCRIPT = (
    "3",
    "AWS",
    "no",
    "yes, customer emails and names",
    "no",
    "no",
    "yes",
    "2",
    "yes, enforced in Okta",
    "partly, contractors are not covered",
    "1",
    "skip",
    "no",
    "not sure",
    "we review access every quarter",
)


def _engine_report() -> Report:
    iv = Interview(scope=None)
    for said in SCRIPT:
        if iv.next_question() is None:
            break
        iv.answer(said)
    return iv.report()


def _cli_report(tmp_path: Path) -> Report:
    answers = tmp_path / "answers.jsonl"
    answers.write_text("\n".join(json.dumps(s) for s in SCRIPT) + "\n", encoding="utf-8")
    session = tmp_path / "S.json"
    assert main(["interview", "--answers", str(answers), "--save", str(session), "--offline"]) == 0
    return load_session(session).report()


def _app_report() -> Report:
    at = start(new_app())
    for said in SCRIPT:
        if interview(at).next_question() is None:
            break
        say(at, said)
        assert_clean(at)
    return interview(at).report()


@pytest.mark.slow  # the app builds the real index once per test session
def test_engine_cli_and_app_give_the_same_report(app_env: Path, tmp_path: Path) -> None:
    engine, cli, app = _engine_report(), _cli_report(tmp_path), _app_report()
    assert engine.answers and len(engine.answers) >= 8
    as_json = [json.loads(render(r, "json")) for r in (engine, cli, app)]
    assert as_json[1] == as_json[0]
    assert as_json[2] == as_json[0]
    assert [(a.question_id, a.answer, a.label) for a in cli.answers] == [
        (a.question_id, a.answer, a.label) for a in engine.answers
    ]
    assert engine.profile["company_size"] == 3  # "3" is a head count, not the third quick reply
