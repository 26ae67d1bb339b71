"""Import the official criteria wording from a file the user owns.

Two formats are understood:

* a CISO Assistant library YAML of the SOC 2 framework (``objects.framework.requirement_nodes``
  with ``ref_id``, ``description`` and ``depth``; processing integrity appears as ``PP1.x`` and the
  privacy series uses ``P1.0`` group nodes, ``P1.1`` criteria and depth-4 points of focus);
* the AICPA Trust Services Criteria PDF, whose text is split at criterion and point-of-focus
  headings ("CC6.1", "CC6.1.3") and, inside a criterion, at its bullet list of points of focus.

The file is the user's, but a hostile one must end in a refusal, not a hang: what is read is capped
by settings (``max_criteria_*``: bytes, PDF pages, text, seconds), YAML is built straight from the
parser's events with bounded nesting, values and alias expansion, and pypdf runs with tighter
decompression and parsing limits. Every refusal is a ``CriteriaImportError`` whose ``key`` names its
template in ``prompts/messages.yaml``.
"""

from __future__ import annotations

import io
import os
import re
import time
from pathlib import Path
from typing import Any

import yaml
from pypdf import PdfReader, apply_configuration, get_configuration
from pypdf.errors import LimitReachedError

from knowledge.ids import CRITERION_ID, POINT_ID, normalize_id
from knowledge.official import OfficialCriteria, OfficialEntry, save_official
from knowledge.settings import Settings, load_settings
from knowledge.yaml_files import MAX_DEPTH, YamlLimitError, load_yaml_bounded

# pypdf's own limits, tightened: a real criteria PDF's streams decode to well under a megabyte and
# a page's content stream has thousands of tokens, not millions (pypdf's defaults: 75 MB, 2 M).
_PDF_LIMITS: dict[str, int] = {
    "zlib_maximum_output_length": 20_000_000,
    "lzw_maximum_output_length": 20_000_000,
    "run_length_maximum_output_length": 20_000_000,
    "brotli_maximum_output_length": 20_000_000,
    "jbig2_maximum_output_length": 20_000_000,
    "array_based_stream_maximum_output_length": 20_000_000,
    "stream_decoding_work_maximum_length": 100_000_000,
    "stream_parsing_work_maximum_count": 500_000,
}
_CHECK_EVERY = 256  # text operators between two looks at the clock
_MAX_CHUNK_CHARS = 4000
# A heading: an ID at the start of a line, then the text (same line or following lines).
_HEADING = re.compile(
    r"^[ \t]*((?:CC|PI|PP|A|C|P)[ \t]?[1-9]\.\d{1,2}(?:\.\d{1,2})?)(?![\d.]*\d)[ \t:.\-–—]*", re.MULTILINE
)
_BULLET = re.compile(r"^[ \t]*(?:[•●▪◦■\uf0b7\u2022]|-)[ \t]+", re.MULTILINE)


class CriteriaImportError(ValueError):
    """The file is not an official criteria source we can read; the message says why.

    ``key`` names the template in ``prompts/messages.yaml`` and ``values`` fill it, so callers and
    tests tell the reasons apart without matching text.
    """

    def __init__(self, key: str, **values: Any) -> None:
        from assessment.templates import render_message  # the one renderer of prompts/ texts

        self.key = key
        self.values = values
        super().__init__(render_message(key, **values))


def _setting(field: str) -> str:
    """The environment variable that sets ``field`` (``SOC2_READY_MAX_CRITERIA_YAML_BYTES``)."""
    return f"SOC2_READY_{field.upper()}"


def _clean(text: str) -> str:
    text = re.sub(r"^\[[A-Z/]+\]\s*", "", text.strip())  # "[TSC] Restricts Logical Access — ..."
    return re.sub(r"\s+", " ", text).strip()


def _yaml_entries(raw: object, name: str) -> list[OfficialEntry]:
    nodes = None
    if isinstance(raw, dict):
        objects = raw.get("objects")
        framework = objects.get("framework") if isinstance(objects, dict) else None
        nodes = framework.get("requirement_nodes") if isinstance(framework, dict) else None
    if not isinstance(nodes, list):
        raise CriteriaImportError("criteria_import_not_library", file=name)
    entries: dict[str, OfficialEntry] = {}
    for node in nodes:
        if not isinstance(node, dict):
            continue
        ref = str(node.get("ref_id", "")).strip()
        item_id = _canonical(ref)
        description = node.get("description")
        if item_id is None or not isinstance(description, str) or not description.strip():
            continue
        entries[item_id] = OfficialEntry(id=item_id, text=_clean(description))
    if not entries:
        raise CriteriaImportError("criteria_import_no_criteria", file=name)
    return list(entries.values())


def _canonical(ref: str) -> str | None:
    """Our ID for a reference ID ("PP1.2" -> "PI1.2"); None for headings like "CC6" or "P1.0"."""
    item_id = normalize_id(ref)
    if item_id is None or not (CRITERION_ID.match(item_id) or POINT_ID.match(item_id)):
        return None
    return item_id


class _PdfBudget:
    """Stops text extraction (from inside pypdf's operator loop) past the time or text budget."""

    def __init__(self, name: str, settings: Settings) -> None:
        self.name = name
        self.seconds = settings.max_criteria_seconds
        self.max_chars = settings.max_criteria_text_chars
        self.deadline = time.monotonic() + self.seconds
        self.chars = 0
        self.operators = 0

    def check_time(self) -> None:
        if time.monotonic() > self.deadline:
            raise CriteriaImportError(
                "criteria_import_pdf_too_slow",
                file=self.name,
                limit=f"{self.seconds:g}",
                setting=_setting("max_criteria_seconds"),
            )

    def add_text(self, count: int) -> None:
        self.chars += count
        if self.chars > self.max_chars:
            raise CriteriaImportError(
                "criteria_import_pdf_too_much_text",
                file=self.name,
                limit=f"{self.max_chars:,}",
                setting=_setting("max_criteria_text_chars"),
            )

    def operator(self, *_: Any) -> None:
        """pypdf's ``visitor_operand_before``: called before every content-stream operator."""
        self.operators += 1
        if self.operators % _CHECK_EVERY == 0:
            self.check_time()

    def text(self, text: Any, *_: Any) -> None:
        """pypdf's ``visitor_text``: called with each run of extracted text."""
        self.add_text(len(text) if isinstance(text, str) else 0)


def _pdf_text(data: bytes, name: str, settings: Settings) -> str:
    budget = _PdfBudget(name, settings)
    pages: list[str] = []
    try:
        with apply_configuration(get_configuration().with_overwrites(**_PDF_LIMITS)):
            reader = PdfReader(io.BytesIO(data))
            count = len(reader.pages)
            if count > settings.max_criteria_pdf_pages:
                raise CriteriaImportError(
                    "criteria_import_pdf_too_many_pages",
                    file=name,
                    pages=count,
                    limit=settings.max_criteria_pdf_pages,
                    setting=_setting("max_criteria_pdf_pages"),
                )
            for page in reader.pages:
                budget.check_time()
                text = page.extract_text(visitor_operand_before=budget.operator, visitor_text=budget.text)
                pages.append(text or "")
    except CriteriaImportError:
        raise
    except LimitReachedError as exc:
        raise CriteriaImportError("criteria_import_pdf_limit", file=name, reason=str(exc)) from None
    except RecursionError:
        raise CriteriaImportError(
            "criteria_import_pdf_unreadable", file=name, reason="nested too deeply"
        ) from None
    except Exception as exc:  # pypdf raises many types on damaged files; each means "cannot read it"
        reason = str(exc).strip() or type(exc).__name__
        raise CriteriaImportError("criteria_import_pdf_unreadable", file=name, reason=reason) from None
    text = "\n".join(pages)
    if not text.strip():
        raise CriteriaImportError("criteria_import_pdf_no_text", file=name)
    return text


def _split_points(criterion_id: str, chunk: str) -> tuple[str, list[OfficialEntry]]:
    """The criterion statement and its bulleted points of focus, numbered in order."""
    parts = _BULLET.split(chunk)
    statement = parts[0]
    points = []
    for number, part in enumerate(parts[1:], start=1):
        text = _clean(part)
        if text:
            points.append(OfficialEntry(id=f"{criterion_id}.{number}", text=text))
    # Lines such as "Points of focus specified in the COSO framework:" are headers, not wording.
    statement = re.split(r"(?im)^\s*(?:additional\s+)?points? of focus", statement)[0]
    return _clean(statement), points


def _pdf_entries(text: str, name: str) -> list[OfficialEntry]:
    headings = list(_HEADING.finditer(text))
    chunks: dict[str, str] = {}
    for index, match in enumerate(headings):
        item_id = _canonical(match.group(1))
        if item_id is None:
            continue
        end = headings[index + 1].start() if index + 1 < len(headings) else len(text)
        chunk = text[match.end() : end][:_MAX_CHUNK_CHARS]
        # Tables of contents and cross references repeat IDs; the longest chunk is the real section.
        if len(chunk.strip()) > len(chunks.get(item_id, "")):
            chunks[item_id] = chunk.strip()
    entries: dict[str, OfficialEntry] = {}
    for item_id, chunk in chunks.items():
        if POINT_ID.match(item_id):
            if _clean(chunk):
                entries[item_id] = OfficialEntry(id=item_id, text=_clean(chunk))
            continue
        statement, points = _split_points(item_id, chunk)
        if statement:
            entries[item_id] = OfficialEntry(id=item_id, text=statement)
        for point in points:
            entries.setdefault(point.id, point)  # an explicit point heading wins over bullet order
    if not entries:
        raise CriteriaImportError("criteria_import_pdf_no_headings", file=name)
    return list(entries.values())


def _read_capped(path: Path, settings: Settings) -> tuple[bytes, str]:
    """The file's bytes and its kind ("pdf" or "yaml"), reading no more than the kind's limit allows:
    a file larger than that (or an endless one such as a pipe or ``/dev/zero``) is refused unread."""
    name = path.name
    try:
        with path.open("rb") as handle:
            head = handle.read(1024)
            kind = "pdf" if head.lstrip()[:5] == b"%PDF-" else "yaml"
            field = "max_criteria_pdf_bytes" if kind == "pdf" else "max_criteria_yaml_bytes"
            limit: int = getattr(settings, field)
            size = os.fstat(handle.fileno()).st_size
            data = b"" if size > limit else head + handle.read(max(0, limit + 1 - len(head)))
    except OSError as exc:
        raise CriteriaImportError(
            "criteria_import_unreadable", file=str(path), reason=exc.strerror or exc
        ) from exc
    if size > limit or len(data) > limit:
        raise CriteriaImportError(
            "criteria_import_too_large",
            file=name,
            limit_mb=f"{limit / 1_000_000:g}",
            limit=f"{limit:,}",
            kind="PDF" if kind == "pdf" else "YAML library",
            setting=_setting(field),
        )
    return data, kind


def _load_library(data: bytes, name: str) -> object:
    try:
        return load_yaml_bounded(data)
    except YamlLimitError as exc:
        key = {"depth": "yaml_too_deep", "aliases": "yaml_aliases", "values": "yaml_too_many_values"}
        raise CriteriaImportError(
            f"criteria_import_{key[exc.reason]}", file=name, limit=f"{exc.limit:,}"
        ) from None
    except (UnicodeDecodeError, yaml.YAMLError) as exc:
        if "maximum nesting depth" in str(getattr(exc, "problem", "")):  # libyaml's own flow limit
            raise CriteriaImportError("criteria_import_yaml_too_deep", file=name, limit=MAX_DEPTH) from None
        raise CriteriaImportError("criteria_import_not_yaml", file=name) from None


def parse_official(path: Path, settings: Settings | None = None) -> OfficialCriteria:
    """Read a CISO Assistant YAML library or the AICPA TSC PDF into official entries.

    ``settings`` (default: from the environment) caps what is read; a file past a cap, or one that
    is not a criteria source, raises ``CriteriaImportError`` naming the file and the reason.
    """
    settings = settings or load_settings()
    name = path.name
    data, kind = _read_capped(path, settings)
    if not data.strip():
        raise CriteriaImportError("criteria_import_empty", file=name)
    if kind == "pdf":
        entries = _pdf_entries(_pdf_text(data, name, settings), name)
    else:
        entries = _yaml_entries(_load_library(data, name), name)
    return OfficialCriteria(source_name=name, kind=kind, entries=tuple(entries))  # type: ignore[arg-type]


def import_official(path: Path, data_dir: Path) -> OfficialCriteria:
    """Parse ``path`` and store it as the official wording in ``data_dir`` (replacing any earlier import).

    The caller rebuilds the index (``Retriever.load`` notices the change by itself).
    """
    official = parse_official(path)
    save_official(data_dir, official)
    return official
