"""``soc2-ready interview``: the interview as a terminal chat (rich), scriptable with --answers.

Quick replies are shown numbered; typing the number picks one. Ctrl-C or end of input saves the
session (to --save, else ``soc2-session.json``) before exiting, so nothing typed is lost. With
``SOC2_READY_LLM`` set (and not ``--offline``) the optional LLM mode is used; the first line says
which mode is active.
"""

from __future__ import annotations

import argparse
import json
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from assessment.interview.engine import Interview
from assessment.models import Question, Report
from knowledge.models import CATEGORY_TITLES
from knowledge.settings import load_settings

DEFAULT_SAVE = "soc2-session.json"


def register(subparsers: Any) -> None:
    """Add the ``interview`` sub-command."""
    parser = subparsers.add_parser("interview", help="run the readiness interview in the terminal")
    parser.add_argument("--scope", default=None, help="comma-separated categories, e.g. security,privacy")
    parser.add_argument("--answers", type=Path, default=None, help="JSONL file of scripted answers")
    parser.add_argument("--save", type=Path, default=None, help="where to save the session JSON")
    parser.add_argument("--resume", type=Path, default=None, help="continue a saved session JSON")
    parser.add_argument("--offline", action="store_true", help="ignore SOC2_READY_LLM and stay offline")
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
            raise ValueError(f"{path.name}: line {number}: not valid JSON ({exc.msg})") from None
        if isinstance(item, dict) and isinstance(item.get("answer"), str):
            answers.append(item["answer"])
        elif isinstance(item, str):
            answers.append(item)
        else:
            raise ValueError(f'{path.name}: line {number}: expected a string or {{"answer": "..."}}')
    return answers


def configured_llm(offline: bool = False) -> tuple[Any, str | None]:
    """The ``LLMAssist`` for ``SOC2_READY_LLM`` (None: offline) and, if it is unusable, why."""
    if offline:
        return None, None
    settings = load_settings()
    if not (settings.llm or "").strip():
        return None, None  # offline: LangChain is never imported
    from assessment.llm import LLMAssist, LLMConfigError

    try:
        return LLMAssist.from_settings(settings), None
    except LLMConfigError as exc:
        return None, f"{exc}; continuing in offline mode"


def save_session(interview: Interview, path: Path) -> None:
    """Write the session atomically (a partial file never replaces a good one)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    data = json.dumps(interview.to_dict(), ensure_ascii=False, indent=2)
    handle, tmp = tempfile.mkstemp(dir=path.parent, prefix=".session-", suffix=".json")
    with os.fdopen(handle, "w", encoding="utf-8") as fh:
        fh.write(data)
    os.replace(tmp, path)


def _show_question(console: Console, question: Question) -> None:
    console.print()
    console.print(f"[bold cyan]?[/] {escape(question.display_text)}")
    if question.options:
        choices = "  ".join(f"[dim]{i}.[/] {escape(o)}" for i, o in enumerate(question.options, start=1))
        console.print(f"   {choices}")
    console.print("   [dim](type your own words, a number, or: why, skip, back, how far am I?)[/]")


def _inputs(scripted: list[str], console: Console, interactive: bool) -> Iterator[str]:
    for text in scripted:
        console.print(f"[bold green]>[/] {escape(text)}")
        yield text
    while interactive:
        yield console.input("[bold green]> [/]")


def _resolve(text: str, question: Question) -> str:
    stripped = text.strip()
    if stripped.isdigit() and 1 <= int(stripped) <= len(question.options):
        return question.options[int(stripped) - 1]
    return text


def _summary(console: Console, report: Report) -> None:
    table = Table(title="Readiness so far" if not report.finished else "Readiness")
    table.add_column("Category")
    table.add_column("Score", justify="right")
    for category, score in report.category_scores.items():
        table.add_row(CATEGORY_TITLES.get(category, category), f"{score:.0f}")
    table.add_row("[bold]Overall[/]", f"[bold]{report.overall:.0f}[/]")
    console.print(table)
    console.print(
        f"Type I readiness {report.type1_readiness:.0f} · Type II readiness {report.type2_readiness:.0f}"
    )
    for gap in report.gaps[:5]:
        console.print(f"  [red]{gap.severity}[/] {gap.criterion_id} {escape(gap.title)} ({gap.effort})")
    if len(report.gaps) > 5:
        console.print(f"  … and {len(report.gaps) - 5} more gaps in the full report")


def run(args: argparse.Namespace) -> int:
    """Run the chat; returns the exit code (130 after Ctrl-C, once the session is saved)."""
    console = Console(highlight=False)
    scope = [part for part in args.scope.split(",") if part.strip()] if args.scope else None
    llm, problem = configured_llm(getattr(args, "offline", False))
    if args.resume:
        data = json.loads(args.resume.read_text(encoding="utf-8"))
        interview = Interview.from_dict(data, llm=llm)
    else:
        interview = Interview(scope=scope, llm=llm)
    if problem:
        console.print(f"[yellow]{escape(problem)}[/]")
    console.print(f"[dim]Mode: {escape(interview.llm_mode)}[/]")
    save_path: Path = args.save or args.resume or Path(DEFAULT_SAVE)
    scripted = read_answers(args.answers) if args.answers else []
    interactive = args.answers is None or console.is_terminal
    code = 0
    try:
        inputs = _inputs(scripted, console, interactive)
        while (question := interview.next_question()) is not None:
            _show_question(console, question)
            try:
                text = next(inputs)
            except (StopIteration, EOFError):
                break
            reply = interview.answer(_resolve(text, question))
            console.print(f"[magenta]{escape(reply.message)}[/]")
            if reply.notice:
                console.print(f"[yellow]{escape(reply.notice)}[/]")
            if reply.citations:
                console.print(f"[dim]Sources: {', '.join(reply.citations)}[/]")
    except KeyboardInterrupt:
        console.print("\n[yellow]Interrupted.[/]")
        code = 130
    finally:
        save_session(interview, save_path)
        console.print(f"[dim]Session saved to {save_path}[/]")
    _summary(console, interview.report())
    return code
