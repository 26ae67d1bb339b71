"""``soc2-ready index | search | import-criteria``: a thin shell over the knowledge package.

Retrieval (torch, Chroma, LangChain) and rich load inside the handlers that need them, so
``soc2-ready --help`` and the other commands start fast.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
from pathlib import Path
from typing import Any

from assessment.cli.common import fail, text
from knowledge.models import CATEGORIES


def _data_dir(args: argparse.Namespace) -> Path:
    from knowledge.settings import load_settings

    return load_settings(data_dir=getattr(args, "data_dir", None)).data_dir


def _run_index(args: argparse.Namespace) -> int:
    from knowledge.retriever import Retriever

    retriever = Retriever.load(_data_dir(args), rebuild=args.rebuild)
    if retriever.index_notice:  # a read-only index folder: served from a private copy
        print(retriever.index_notice, file=sys.stderr)
    official = text("index_with_official") if retriever.has_official else ""
    print(
        text(
            "index_ready", criteria=len(retriever.corpus.ids), official=official, directory=retriever.data_dir
        )
    )
    return 0


def _categories(value: str | None) -> list[str] | None:
    if value is None:
        return None
    chosen = [part.strip() for part in value.split(",") if part.strip()]
    unknown = [c for c in chosen if c not in CATEGORIES]
    if unknown or not chosen:
        raise ValueError(text("search_bad_category", names=", ".join(CATEGORIES)))
    return chosen


def _run_search(args: argparse.Namespace) -> int:
    if not args.query.strip():
        return fail(text("search_empty_query"))
    if args.k < 1:
        return fail(text("search_bad_k"))
    categories = _categories(args.category)
    from knowledge.retriever import Retriever

    retriever = Retriever.load(_data_dir(args))
    hits = retriever.search(args.query, k=args.k, categories=categories)
    if args.json:
        for hit in hits:
            print(json.dumps(dataclasses.asdict(hit), ensure_ascii=False))
        return 0
    from rich.console import Console
    from rich.markup import escape
    from rich.table import Table

    console = Console()
    if not hits:
        console.print(text("search_no_hits"))
        return 0
    table = Table(title=text("search_title", query=escape(repr(args.query))), show_lines=True)
    for key, style in (("rank", "dim"), ("id", "bold"), ("title", ""), ("score", ""), ("passage", "")):
        table.add_column(text(f"search_column_{key}"), style=style or None)
    for rank, hit in enumerate(hits, start=1):
        passage = hit.text if len(hit.text) <= 300 else hit.text[:297] + "..."
        label = f"{escape(hit.title)}\n[dim]{hit.category} · {hit.source}[/dim]"
        table.add_row(str(rank), hit.criterion_id, label, f"{hit.score:.3f}", escape(passage))
    console.print(table)
    return 0


def _run_import(args: argparse.Namespace) -> int:
    from knowledge.importer import CriteriaImportError, import_official
    from knowledge.retriever import Retriever

    data_dir = _data_dir(args)
    try:
        official = import_official(Path(args.file), data_dir)
    except CriteriaImportError as exc:
        return fail(str(exc))
    points = sum(1 for e in official.entries if e.id.count(".") == 2)
    Retriever.load(data_dir)  # rebuilds the index with the new wording
    criteria = len(official.entries) - points
    print(text("imported", criteria=criteria, points=points, source=official.source_name))
    return 0


def register(subparsers: Any) -> None:
    """Add the ``index``, ``search`` and ``import-criteria`` sub-commands."""
    index = subparsers.add_parser("index", help=text("help_index"))
    index.add_argument("--rebuild", action="store_true", help=text("help_rebuild"))
    index.set_defaults(handler=_run_index)

    search = subparsers.add_parser("search", help=text("help_search"))
    search.add_argument("query", help=text("help_query"))
    search.add_argument("--k", type=int, default=5, help=text("help_k"))
    search.add_argument("--json", action="store_true", help=text("help_json"))
    search.add_argument("--category", default=None, help=text("help_category"))
    search.set_defaults(handler=_run_search)

    importer = subparsers.add_parser("import-criteria", help=text("help_import"))
    importer.add_argument("file", help=text("help_import_file"))
    importer.set_defaults(handler=_run_import)
