"""``soc2-ready report SESSION.json --format pdf|md|html|json|xlsx|oscal -o OUT``: a shell over renderers.

The session is read with the same ``load_session`` as the app's resume and ``interview --resume``.
The knowledge index (torch, Chroma) is opened only when official wording was imported; otherwise
the renderers use the corpus summaries, which are exactly what the index would return.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from assessment.cli.common import configured_llm, fail, text

if TYPE_CHECKING:
    from assessment.models import Report
    from knowledge.models import Hit

FORMAT_CHOICES = ("pdf", "md", "html", "json", "xlsx", "oscal")


def register(subparsers: Any) -> None:
    """Add the ``report`` sub-command."""
    parser = subparsers.add_parser("report", help=text("help_report"), description=text("report_description"))
    parser.add_argument("session", help=text("help_session"))
    parser.add_argument(
        "--format", "-f", dest="fmt", choices=FORMAT_CHOICES, default="pdf", help=text("help_format")
    )
    parser.add_argument("-o", "--output", default=None, help=text("help_output"))
    parser.add_argument("--no-index", action="store_true", help=text("help_no_index"))
    parser.add_argument("--offline", action="store_true", help=text("help_offline_report"))
    parser.set_defaults(handler=run)


def load_session_report(path: Path, llm: Any = None) -> Report:
    """The report of the interview saved in ``path``; ``SessionFileError`` (a ``ValueError``) if bad.

    With ``llm`` (a chat model or ``LLMAssist``) the report carries its executive-summary narrative;
    the figures are the same either way.
    """
    from assessment.interview.session_file import load_session

    return load_session(path, llm=llm).report()


def index_passages(report: Report, data_dir: str | None) -> dict[str, Hit]:
    """Criterion passages from the index when official wording was imported; else none (the corpus
    text the renderers fall back to is exactly what the index holds, so loading the model is skipped)."""
    from knowledge.official import official_path
    from knowledge.settings import load_settings

    directory = load_settings(data_dir=data_dir).data_dir
    if not official_path(directory).exists():
        return {}
    from assessment.report import collect_passages
    from knowledge.retriever import Retriever

    retriever = Retriever.load(directory, progress=False)
    return collect_passages(report, retriever)


def _write(data: bytes, output: str | None, session: Path, fmt: str) -> int:
    from assessment.report import FORMATS

    if output == "-":
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
        return 0
    out = Path(output) if output else session.with_name(session.stem + "-report" + FORMATS[fmt][0])
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_bytes(data)
    except OSError as exc:
        return fail(text("cannot_write", path=out, reason=exc.strerror or exc))
    print(text("report_written", path=out, size=f"{len(data):,}", fmt=fmt), file=sys.stderr)
    return 0


def run(args: argparse.Namespace) -> int:
    """Render the report; exit 2 with a clear message on a bad session file or output path."""
    from assessment.interview.session_file import SessionFileError
    from assessment.report import render

    session = Path(args.session)
    llm, problem = configured_llm(getattr(args, "offline", False))
    if problem:
        print(text("warning", reason=problem), file=sys.stderr)
    try:
        report = load_session_report(session, llm)
    except SessionFileError as exc:
        return fail(str(exc))
    if llm is not None:
        from assessment.llm import describe_mode

        key = "narrative_written" if report.summary_narrative else "narrative_skipped"
        print(text(key, mode=describe_mode(llm)), file=sys.stderr)
    passages = {} if args.no_index else index_passages(report, getattr(args, "data_dir", None))
    content = render(report, args.fmt, passages)
    data = content.encode("utf-8") if isinstance(content, str) else content
    return _write(data, args.output, session, args.fmt)
