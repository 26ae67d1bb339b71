"""``soc2-ready interview``: the interview as a terminal chat (rich), scriptable with --answers.

A thin shell: each line typed (or read from --answers) goes to ``Interview.answer`` as it is, and
what the engine returns is printed. Quick replies are shown numbered; the engine decides what a bare
number means (the second option, or 3 people for a head count). Ctrl-C or end of input saves the
session (to --save, else ``soc2-session.json``) before exiting; it is also saved atomically after
every answer, so a closed terminal, SIGTERM or even SIGKILL loses at most the answer in flight. With
``SOC2_READY_LLM`` set (and not ``--offline``) the optional LLM mode is used; the first line says
which mode is active.
"""

from __future__ import annotations

import argparse
import json
import signal
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from assessment.cli.common import configured_llm, text

if TYPE_CHECKING:
    from rich.console import Console

    from assessment.interview.engine import Interview
    from assessment.models import Question, Report

DEFAULT_SAVE = "soc2-session.json"


def register(subparsers: Any) -> None:
    """Add the ``interview`` sub-command."""
    parser = subparsers.add_parser("interview", help=text("help_interview"))
    parser.add_argument("--scope", default=None, help=text("help_scope"))
    parser.add_argument("--answers", type=Path, default=None, help=text("help_answers"))
    parser.add_argument("--save", type=Path, default=None, help=text("help_save"))
    parser.add_argument("--resume", type=Path, default=None, help=text("help_resume"))
    parser.add_argument("--offline", action="store_true", help=text("help_offline_interview"))
    parser.set_defaults(handler=run)


def read_answers(path: Path) -> list[str]:
    """Scripted answers: one JSON string or object with an "answer" field per line."""
    answers = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
        except json.JSONDecodeError as exc:
            raise ValueError(text("answers_not_json", file=path.name, line=number, reason=exc.msg)) from None
        if isinstance(item, dict) and isinstance(item.get("answer"), str):
            answers.append(item["answer"])
        elif isinstance(item, str):
            answers.append(item)
        else:
            raise ValueError(text("answers_bad_line", file=path.name, line=number))
    return answers


def _show_question(console: Console, question: Question) -> None:
    from rich.markup import escape

    console.print()
    console.print(text("question_line", text=escape(question.display_text)))
    if question.options:
        items = (
            text("option_item", number=i, option=escape(o)) for i, o in enumerate(question.options, start=1)
        )
        console.print(text("options_line", options="  ".join(items)))
    console.print(text("question_hint"))


def _inputs(scripted: list[str], console: Console, interactive: bool) -> Iterator[str]:
    from rich.markup import escape

    for said in scripted:
        console.print(text("answer_echo", text=escape(said)))
        yield said
    while interactive:
        yield console.input(text("answer_prompt"))


def _summary(console: Console, report: Report) -> None:
    from rich.markup import escape
    from rich.table import Table

    from knowledge.models import CATEGORY_TITLES

    table = Table(title=text("summary_title" if report.finished else "summary_title_partial"))
    table.add_column(text("summary_column_category"))
    table.add_column(text("summary_column_score"), justify="right")
    for category, score in report.category_scores.items():
        table.add_row(CATEGORY_TITLES.get(category, category), f"{score:.0f}")
    table.add_row(text("summary_overall"), text("summary_overall_score", score=f"{report.overall:.0f}"))
    console.print(table)
    console.print(
        text(
            "summary_readiness",
            type1=f"{report.type1_readiness:.0f}",
            type2=f"{report.type2_readiness:.0f}",
        )
    )
    for gap in report.gaps[:5]:
        console.print(
            text(
                "summary_gap",
                severity=gap.severity,
                criterion=gap.criterion_id,
                title=escape(gap.title),
                effort=gap.effort,
            )
        )
    if len(report.gaps) > 5:
        console.print(text("summary_more_gaps", count=len(report.gaps) - 5))


def _start(args: argparse.Namespace, llm: Any) -> Interview:
    if args.resume:
        from assessment.interview.session_file import load_session

        return load_session(args.resume, llm=llm)
    from assessment.interview.engine import Interview

    scope = [part for part in args.scope.split(",") if part.strip()] if args.scope else None
    return Interview(scope=scope, llm=llm)


def _chat(console: Console, interview: Interview, inputs: Iterator[str], save_path: Path) -> None:
    from rich.markup import escape

    from assessment.interview.session_file import save_session

    while (question := interview.present()) is not None:
        _show_question(console, question)
        try:
            said = next(inputs)
        except (StopIteration, EOFError):
            return
        reply = interview.answer(said)
        save_session(interview, save_path)  # every answer is on disk before its reply is shown
        console.print(text("reply_line", text=escape(reply.message)))
        if reply.notice:
            console.print(text("notice_line", text=escape(reply.notice)))
        if reply.citations:
            console.print(text("sources_line", ids=", ".join(reply.citations)))


class _Stopped(Exception):
    """SIGHUP or SIGTERM arrived while the chat ran."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum


def _stop_on_signal(signum: int, _frame: object) -> None:
    raise _Stopped(signum)


def run(args: argparse.Namespace) -> int:
    """Run the chat; returns the exit code (130 after Ctrl-C, once the session is saved)."""
    from rich.console import Console
    from rich.markup import escape

    from assessment.interview.session_file import save_session

    console = Console(highlight=False)
    llm, problem = configured_llm(getattr(args, "offline", False))
    scripted = read_answers(args.answers) if args.answers else []
    interview = _start(args, llm)
    if problem:
        console.print(text("problem_line", text=escape(problem)))
    console.print(text("mode_line", mode=escape(interview.llm_mode)))
    save_path: Path = args.save or args.resume or Path(DEFAULT_SAVE)
    interactive = args.answers is None or console.is_terminal
    code = 0
    # A closed terminal (SIGHUP) or SIGTERM ends the chat like Ctrl-C: saved, then a clean exit.
    previous = {sig: signal.signal(sig, _stop_on_signal) for sig in (signal.SIGHUP, signal.SIGTERM)}
    try:
        _chat(console, interview, _inputs(scripted, console, interactive), save_path)
    except KeyboardInterrupt:
        console.print(text("interrupted"))
        code = 130
    except _Stopped as stopped:
        console.print(text("interrupted"))
        code = 128 + stopped.signum
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        save_session(interview, save_path)
        console.print(text("session_saved", path=escape(str(save_path))))
    _summary(console, interview.report())
    return code
