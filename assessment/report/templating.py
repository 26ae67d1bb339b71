"""Jinja2 environments for the report templates under ``prompts/report/``."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined, TemplateNotFound

from assessment.report import evidence_section
from assessment.report.text import md_after, md_block, md_cell, md_inline
from assessment.templates import TemplateError, prompts_dir


def _bar(score: int, width: int = 20) -> str:
    filled = max(0, min(width, round(score * width / 100)))
    return "█" * filled + "░" * (width - filled)


@lru_cache(maxsize=4)
def _environment(directory: Path, html: bool) -> Environment:
    env = Environment(
        loader=FileSystemLoader(str(directory)),
        undefined=StrictUndefined,  # a missing variable is an error, not a blank in the report
        autoescape=html,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters.update(md=md_inline, md_after=md_after, cell=md_cell, quote=md_block, bar=_bar)
    env.filters.update(
        scan_evidence_md=evidence_section.markdown, scan_evidence_html=evidence_section.html_markup
    )
    return env


def render_template(name: str, **values: object) -> str:
    """Render ``prompts/report/NAME``; HTML templates (``.html.j2``) are autoescaped."""
    directory = prompts_dir() / "report"
    env = _environment(directory, name.endswith(".html.j2"))
    try:
        template = env.get_template(name)
    except TemplateNotFound as exc:
        raise TemplateError(f"report template {name!r} not found in {directory}") from exc
    return template.render(**values)
