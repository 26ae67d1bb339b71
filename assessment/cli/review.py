"""``soc2-ready review``: what was understood from each answer, and changing any answer.

    soc2-ready review SESSION.json                          # every answer, its reading, its criteria
    soc2-ready review SESSION.json --change QID "answer"    # change one answer; the file is saved

The engine reads a changed answer with the same reader as in the interview; the session keeps the
change in its audit trail (shown in the report's appendix).
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from assessment.cli.common import fail, text
from knowledge.text import one_line


def register(commands: Any) -> None:
    """Add the ``review`` sub-command."""
    parser = commands.add_parser("review", help=text("review_help"), description=text("review_help"))
    parser.add_argument("session", type=Path, help=text("review_session_help"))
    parser.add_argument(
        "--change", nargs=2, metavar=("QUESTION_ID", "ANSWER"), default=None, help=text("review_change_help")
    )
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    """List the answers, or change one and save the session back."""
    from assessment.interview.session_file import SessionFileError, load_session, save_session

    try:
        interview = load_session(args.session)
    except SessionFileError as exc:
        return fail(str(exc))
    if args.change is None:
        print(render_review(interview))
        return 0
    question_id, answer = args.change
    reply = interview.revise(question_id, answer)
    if reply.kind != "answer":
        return fail(reply.message)
    save_session(interview, args.session)
    print(reply.message)
    return 0


def render_review(interview: Any) -> str:
    """The review as plain text, grouped by category in the order asked."""
    from knowledge.corpus import default_corpus
    from knowledge.models import CATEGORY_TITLES

    corpus = default_corpus()
    lines: list[str] = []
    current = None
    for record in interview.answers():
        category = corpus.get(record.criteria[0]).category if record.criteria else "scoping"
        if category != current:
            current = category
            title = CATEGORY_TITLES.get(category, text("review_scoping_title"))
            lines.append(f"\n{title}")
        criteria = ", ".join(record.criteria) or "-"
        lines.append(
            text(
                "review_line",
                question_id=record.question_id,
                question=record.question_text,
                answer=one_line(record.answer),
                label=record.label,
                criteria=criteria,
            )
        )
    if not lines:
        return text("review_empty")
    return "\n".join(lines).lstrip("\n")
