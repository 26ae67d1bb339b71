"""Import the official criteria wording from a file the user owns.

Two formats are understood:

* a CISO Assistant library YAML of the SOC 2 framework (``objects.framework.requirement_nodes``
  with ``ref_id``, ``description`` and ``depth``; processing integrity appears as ``PP1.x`` and the
  privacy series uses ``P1.0`` group nodes, ``P1.1`` criteria and depth-4 points of focus);
* the AICPA Trust Services Criteria PDF, whose text is split at criterion and point-of-focus
  headings ("CC6.1", "CC6.1.3") and, inside a criterion, at its bullet list of points of focus.
"""

from __future__ import annotations

import io
import re
from pathlib import Path

import yaml
from pypdf import PdfReader
from pypdf.errors import PdfReadError

from knowledge.ids import normalize_id
from knowledge.models import CRITERION_ID, POINT_ID
from knowledge.official import OfficialCriteria, OfficialEntry, save_official

MAX_IMPORT_BYTES = 50_000_000
_MAX_CHUNK_CHARS = 4000
# A heading: an ID at the start of a line, then the text (same line or following lines).
_HEADING = re.compile(
    r"^[ \t]*((?:CC|PI|PP|A|C|P)[ \t]?[1-9]\.\d{1,2}(?:\.\d{1,2})?)(?![\d.]*\d)[ \t:.\-–—]*", re.MULTILINE
)
_BULLET = re.compile(r"^[ \t]*(?:[•●▪◦■\uf0b7\u2022]|-)[ \t]+", re.MULTILINE)


class CriteriaImportError(ValueError):
    """The file is not an official criteria source we can read; the message says why."""


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
        raise CriteriaImportError(
            f"{name}: not a CISO Assistant framework library (no objects.framework.requirement_nodes list)"
        )
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
        raise CriteriaImportError(
            f"{name}: the library has no SOC 2 criteria (no ref_id like CC6.1 or CC6.1.3)"
        )
    return list(entries.values())


def _canonical(ref: str) -> str | None:
    """Our ID for a reference ID ("PP1.2" -> "PI1.2"); None for headings like "CC6" or "P1.0"."""
    item_id = normalize_id(ref)
    if item_id is None or not (CRITERION_ID.match(item_id) or POINT_ID.match(item_id)):
        return None
    return item_id


def _pdf_text(data: bytes, name: str) -> str:
    try:
        reader = PdfReader(io.BytesIO(data))
        pages = [page.extract_text() or "" for page in reader.pages]
    except (PdfReadError, ValueError, KeyError, TypeError, OSError) as exc:
        raise CriteriaImportError(f"{name}: cannot read this PDF ({exc})") from exc
    text = "\n".join(pages)
    if not text.strip():
        raise CriteriaImportError(f"{name}: the PDF has no extractable text (is it a scan or empty?)")
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
        raise CriteriaImportError(
            f"{name}: no Trust Services Criteria headings (like CC6.1) found in the PDF"
        )
    return list(entries.values())


def parse_official(path: Path) -> OfficialCriteria:
    """Read a CISO Assistant YAML library or the AICPA TSC PDF into official entries."""
    name = path.name
    try:
        size = path.stat().st_size
        if size > MAX_IMPORT_BYTES:
            raise CriteriaImportError(f"{name}: file is too large ({size} bytes) for a criteria source")
        data = path.read_bytes()
    except OSError as exc:
        raise CriteriaImportError(f"{path}: cannot read the file ({exc.strerror or exc})") from exc
    if not data.strip():
        raise CriteriaImportError(f"{name}: the file is empty")
    if data.lstrip()[:5] == b"%PDF-":
        entries = _pdf_entries(_pdf_text(data, name), name)
        kind = "pdf"
    else:
        try:
            raw = yaml.safe_load(data.decode("utf-8"))
        except (UnicodeDecodeError, yaml.YAMLError) as exc:
            raise CriteriaImportError(
                f"{name}: not a PDF or a YAML file (expected a CISO Assistant library or the AICPA TSC PDF)"
            ) from exc
        entries = _yaml_entries(raw, name)
        kind = "yaml"
    return OfficialCriteria(source_name=name, kind=kind, entries=tuple(entries))  # type: ignore[arg-type]


def import_official(path: Path, data_dir: Path) -> OfficialCriteria:
    """Parse ``path`` and store it as the official wording in ``data_dir`` (replacing any earlier import).

    The caller rebuilds the index (``Retriever.load`` notices the change by itself).
    """
    official = parse_official(path)
    save_official(data_dir, official)
    return official
