"""``soc2-ready report SESSION.json --format pdf|md|html|json -o OUT``: a thin shell over the renderers."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from assessment.models import Report
from knowledge.models import Hit


def register(subparsers: Any) -> None:
    """Add the ``report`` sub-command."""
    parser = subparsers.add_parser(
        "report",
        help="write the gap report of a saved interview session",
        description="Render the gap report of a session saved with `interview --save` or the app's download.",
    )
    parser.add_argument("session", help="SESSION.json written by `soc2-ready interview --save` or the app")
    parser.add_argument("--format", "-f", dest="fmt", choices=("pdf", "md", "html", "json"), default="pdf")
    parser.add_argument(
        "-o", "--output", default=None, help="output file ('-' for stdout; default: next to SESSION)"
    )
    parser.add_argument(
        "--no-index",
        action="store_true",
        help="do not open the knowledge index for imported official wording (use our own summaries)",
    )
    parser.add_argument(
        "--offline",
        action="store_true",
        help="ignore SOC2_READY_LLM: no language-model narrative in the executive summary",
    )
    parser.set_defaults(handler=run)


def load_session_report(path: Path, llm: Any = None) -> Report:
    """The report of the interview saved in ``path``; ``ValueError`` with a clear message if it is bad.

    With ``llm`` (a chat model or ``LLMAssist``) the report carries its executive-summary narrative;
    the figures are the same either way.
    """
    try:
        raw = path.read_text(encoding="utf-8")
    except FileNotFoundError as exc:
        raise ValueError(f"{path}: no such session file") from exc
    except UnicodeDecodeError as exc:
        raise ValueError(f"{path}: not a session file (not UTF-8 text)") from exc
    try:
        data = json.loads(raw)
    except json.JSONDecodeError as exc:
        raise ValueError(
            f"{path}: not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})"
        ) from exc
    if not isinstance(data, dict):
        raise ValueError(f"{path}: a session file holds a JSON object, found {type(data).__name__}")
    try:
        from assessment.interview.engine import Interview
    except ImportError as exc:  # pragma: no cover - only while the engine is being written
        raise ValueError(f"cannot load sessions: the interview engine is unavailable ({exc})") from exc
    try:
        interview = Interview.from_dict(data, llm=llm)
    except ValueError as exc:
        raise ValueError(f"{path}: not a valid session: {exc}") from exc
    except (KeyError, TypeError, AttributeError) as exc:
        raise ValueError(f"{path}: not a valid session ({type(exc).__name__}: {exc})") from exc
    return interview.report()


def index_passages(report: Report, data_dir: str | None) -> dict[str, Hit]:
    """Criterion passages from the index when official wording was imported; else none (the corpus
    text the renderers fall back to is exactly what the index holds, so loading the model is skipped)."""
    from knowledge.official import official_path
    from knowledge.settings import Settings

    directory = Path(data_dir) if data_dir else Settings().data_dir
    if not official_path(directory).exists():
        return {}
    from assessment.report import collect_passages
    from knowledge.retriever import Retriever

    retriever = Retriever.load(directory, progress=False)
    return collect_passages(report, retriever)


def run(args: argparse.Namespace) -> int:
    """Render the report; exit 2 with a clear message on a bad session file or output path."""
    from assessment.cli.interview import configured_llm
    from assessment.report import FORMATS, render

    session = Path(args.session)
    llm, problem = configured_llm(getattr(args, "offline", False))
    if problem:
        print(f"warning: {problem}", file=sys.stderr)
    try:
        report = load_session_report(session, llm)
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if llm is not None:
        from assessment.llm import describe_mode

        state = "written" if report.summary_narrative else "not written (offline summary only)"
        print(f"{describe_mode(llm)}: executive-summary narrative {state}", file=sys.stderr)
    passages = {} if args.no_index else index_passages(report, getattr(args, "data_dir", None))
    content = render(report, args.fmt, passages)
    data = content.encode("utf-8") if isinstance(content, str) else content
    if args.output == "-":
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
        return 0
    out = (
        Path(args.output)
        if args.output
        else session.with_name(session.stem + "-report" + FORMATS[args.fmt][0])
    )
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_bytes(data)
    except OSError as exc:
        print(f"error: cannot write {out}: {exc.strerror or exc}", file=sys.stderr)
        return 2
    print(f"wrote {out} ({len(data):,} bytes, {args.fmt})", file=sys.stderr)
    return 0
