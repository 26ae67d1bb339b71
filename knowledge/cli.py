"""``soc2-ready index | search | import-criteria``: a thin shell over the knowledge package."""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

from knowledge.importer import CriteriaImportError, import_official
from knowledge.models import CATEGORIES
from knowledge.retriever import Retriever
from knowledge.settings import load_settings


def _data_dir(args: argparse.Namespace) -> Path:
    return load_settings(data_dir=getattr(args, "data_dir", None)).data_dir


def _run_index(args: argparse.Namespace) -> int:
    retriever = Retriever.load(_data_dir(args), rebuild=args.rebuild)
    official = " including imported official wording" if retriever.has_official else ""
    print(f"Index ready: {len(retriever.corpus.ids)} criteria{official}, in {retriever.data_dir}")
    return 0


def _categories(value: str | None) -> list[str] | None:
    if value is None:
        return None
    chosen = [part.strip() for part in value.split(",") if part.strip()]
    unknown = [c for c in chosen if c not in CATEGORIES]
    if unknown or not chosen:
        raise ValueError(f"--category takes names from: {', '.join(CATEGORIES)}")
    return chosen


def _run_search(args: argparse.Namespace) -> int:
    if not args.query.strip():
        print(
            "error: the search query is empty; type a few words or a criterion ID such as CC6.1",
            file=sys.stderr,
        )
        return 2
    if args.k < 1:
        print("error: --k must be at least 1", file=sys.stderr)
        return 2
    retriever = Retriever.load(_data_dir(args))
    hits = retriever.search(args.query, k=args.k, categories=_categories(args.category))
    if args.json:
        for hit in hits:
            print(json.dumps(dataclasses.asdict(hit), ensure_ascii=False))
        return 0
    console = Console()
    if not hits:
        console.print("No matching criteria.")
        return 0
    table = Table(title=f"Criteria matching {args.query!r}", show_lines=True)
    for column, style in (("#", "dim"), ("ID", "bold"), ("Title", ""), ("Score", ""), ("Passage", "")):
        table.add_column(column, style=style or None)
    for rank, hit in enumerate(hits, start=1):
        passage = hit.text if len(hit.text) <= 300 else hit.text[:297] + "..."
        label = f"{hit.title}\n[dim]{hit.category} · {hit.source}[/dim]"
        table.add_row(str(rank), hit.criterion_id, label, f"{hit.score:.3f}", passage)
    console.print(table)
    return 0


def _run_import(args: argparse.Namespace) -> int:
    data_dir = _data_dir(args)
    try:
        official = import_official(Path(args.file), data_dir)
    except CriteriaImportError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    points = sum(1 for e in official.entries if e.id.count(".") == 2)
    Retriever.load(data_dir)  # rebuilds the index with the new wording
    criteria = len(official.entries) - points
    print(
        f"Imported official wording of {criteria} criteria and {points} points of focus "
        f"from {official.source_name}; the index now includes it."
    )
    return 0


def register(subparsers: Any) -> None:
    """Add the ``index``, ``search`` and ``import-criteria`` sub-commands."""
    index = subparsers.add_parser("index", help="build (or check) the knowledge index")
    index.add_argument("--rebuild", action="store_true", help="rebuild even if the index is current")
    index.set_defaults(handler=_run_index)

    search = subparsers.add_parser("search", help="search the Trust Services Criteria")
    search.add_argument("query", help='free text or a criterion ID, e.g. "sso offboarding" or CC6.1')
    search.add_argument("--k", type=int, default=5, help="how many criteria to show (default 5)")
    search.add_argument("--json", action="store_true", help="print one JSON object per hit")
    search.add_argument("--category", default=None, help="comma-separated categories to search in")
    search.set_defaults(handler=_run_search)

    importer = subparsers.add_parser(
        "import-criteria", help="import the official wording (CISO Assistant YAML or AICPA TSC PDF)"
    )
    importer.add_argument("file", help="path to the YAML library or the PDF")
    importer.set_defaults(handler=_run_import)
