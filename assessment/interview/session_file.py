"""Reading and writing SESSION.json: one loader for the app's resume, ``--resume`` and ``report``.

A session file is ``json.dumps(Interview.to_dict())``. Every way a file can be wrong (missing, too
large, empty, not UTF-8, not JSON, not an object, not a soc2-ready session) gives one
``SessionFileError`` whose text, from ``prompts/session.yaml``, names the file and the reason.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from assessment.interview.session import MAX_JSON_DEPTH, parse_session_json
from assessment.templates import render_message

if TYPE_CHECKING:
    from assessment.interview.engine import Interview

SESSION_MESSAGES = "session.yaml"


class SessionFileError(ValueError):
    """A session file was rejected; ``str(error)`` is a message ready to show to the user."""


def _text(key: str, **values: object) -> str:
    return render_message(key, filename=SESSION_MESSAGES, **values)


def _kb(size: int) -> str:
    return f"{size / 1000:,.0f}" if size >= 1000 else f"{size / 1000:.1f}"


def _json_kind(value: object) -> str:
    names = {list: "a list", str: "a string", int: "a number", float: "a number", bool: "true/false"}
    return "null" if value is None else names.get(type(value), type(value).__name__)


def parse_session(raw: bytes, *, name: str | None = None, max_bytes: int | None = None) -> dict[str, Any]:
    """Check size, encoding and JSON shape of a session file's bytes; ``SessionFileError`` if bad."""
    label = name or _text("session_unnamed")
    if max_bytes is not None and len(raw) > max_bytes:
        raise SessionFileError(
            _text("session_too_large", file=label, size_kb=_kb(len(raw)), max_kb=_kb(max_bytes))
        )
    if not raw.strip():
        raise SessionFileError(_text("session_empty", file=label))
    try:
        decoded = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise SessionFileError(_text("session_not_text", file=label)) from None
    try:
        data = parse_session_json(decoded)  # refuses deep nesting, cleans lone surrogates
    except json.JSONDecodeError as exc:
        reason = f"line {exc.lineno}, column {exc.colno}: {exc.msg}"
        raise SessionFileError(_text("session_not_json", file=label, reason=reason)) from None
    except ValueError as exc:
        if "nested" in str(exc):  # parse_session_json's own refusal of deep nesting
            raise SessionFileError(_text("session_too_deep", file=label, limit=MAX_JSON_DEPTH)) from None
        # Python refuses integers of more than 4300 digits (a hostile file; no session holds one).
        huge = _text("session_huge_number")
        raise SessionFileError(_text("session_not_json", file=label, reason=huge)) from None
    if not isinstance(data, dict):
        raise SessionFileError(_text("session_not_object", file=label, found=_json_kind(data)))
    return data


def restore_session(
    data: Mapping[str, Any], *, name: str | None = None, retriever: Any = None, llm: Any = None
) -> Interview:
    """The Interview saved in ``data``; ``SessionFileError`` naming the reason when it is foreign."""
    from assessment.interview.engine import Interview

    try:
        return Interview.from_dict(dict(data), retriever=retriever, llm=llm)
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        reason = str(exc).strip() or type(exc).__name__
        label = name or _text("session_unnamed")
        raise SessionFileError(_text("session_foreign", file=label, reason=reason)) from None


def load_session(
    source: Path | bytes,
    *,
    name: str | None = None,
    max_bytes: int | None = None,
    retriever: Any = None,
    llm: Any = None,
) -> Interview:
    """Load a saved session from a file path or an upload's bytes; ``SessionFileError`` if rejected.

    Args:
        source: the SESSION.json path, or its bytes (an upload).
        name: how the file is named in messages (default: the path, or "That file" for bytes).
        max_bytes: reject larger files (the app's upload limit); None for no limit.
        retriever: passed to the Interview (None: the default one, loaded on first need).
        llm: the optional chat model, as for ``Interview``.
    """
    if isinstance(source, Path):
        label = name or str(source)
        try:
            raw = source.read_bytes()
        except FileNotFoundError:
            raise SessionFileError(_text("session_missing", file=label)) from None
        except OSError as exc:
            reason = exc.strerror or type(exc).__name__
            raise SessionFileError(_text("session_unreadable", file=label, reason=reason)) from None
    else:
        label, raw = name or _text("session_unnamed"), source
    data = parse_session(raw, name=label, max_bytes=max_bytes)
    return restore_session(data, name=label, retriever=retriever, llm=llm)


def save_session(interview: Interview, path: Path) -> None:
    """Write ``interview`` to ``path`` atomically (a partial file never replaces a good one)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    data = json.dumps(interview.to_dict(), ensure_ascii=False, indent=2)
    handle, tmp = tempfile.mkstemp(dir=path.parent, prefix=".session-", suffix=".json")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())  # on disk before it replaces the old file, even on power loss
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
