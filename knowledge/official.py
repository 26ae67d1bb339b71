"""The official criteria wording a user imported, stored beside the index in the data directory.

The project never ships that wording; ``soc2-ready import-criteria`` reads it from a file the user
owns and keeps it in ``data_dir/official_criteria.json``. Re-importing replaces the file.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
import tempfile
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from knowledge.ids import CRITERION_ID, POINT_ID

OFFICIAL_FILE_NAME = "official_criteria.json"


class OfficialEntry(BaseModel):
    """The official text of one criterion or point of focus."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str
    text: str = Field(min_length=1)

    @field_validator("id")
    @classmethod
    def _check_id(cls, value: str) -> str:
        if not (CRITERION_ID.match(value) or POINT_ID.match(value)):
            raise ValueError(f"{value!r} is not a criterion or point-of-focus ID")
        return value


class OfficialCriteria(BaseModel):
    """Everything imported from one official source file."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    format_version: Literal[1] = 1
    source_name: str
    kind: Literal["yaml", "pdf"]
    entries: tuple[OfficialEntry, ...] = Field(min_length=1)

    @property
    def content_hash(self) -> str:
        """A short hash of the imported text (not of when or from where it was imported)."""
        digest = hashlib.sha256()
        for entry in self.entries:
            digest.update(f"{entry.id}\x00{entry.text}\x00".encode())
        return digest.hexdigest()[:16]

    def texts(self) -> dict[str, str]:
        """Official text by ID."""
        return {entry.id: entry.text for entry in self.entries}


def official_path(data_dir: Path) -> Path:
    """Where the imported official wording lives in a data directory."""
    return data_dir / OFFICIAL_FILE_NAME


def load_official(data_dir: Path) -> OfficialCriteria | None:
    """The imported official wording, or None if nothing was imported.

    A damaged file is reported on stderr and ignored (left in place for the user to re-import),
    so a broken import never stops the assistant from working with our own corpus.
    """
    path = official_path(data_dir)
    if not path.exists():
        return None
    try:
        return OfficialCriteria.model_validate_json(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValidationError) as exc:
        reason = str(exc).splitlines()[0]
        print(
            f"warning: ignoring {path}: not a valid import ({reason}); run import-criteria again",
            file=sys.stderr,
        )
        return None


def save_official(data_dir: Path, official: OfficialCriteria) -> Path:
    """Write the imported wording atomically, replacing any earlier import; returns the path."""
    data_dir.mkdir(parents=True, exist_ok=True)
    path = official_path(data_dir)
    payload = json.dumps(official.model_dump(mode="json"), ensure_ascii=False, indent=1)
    fd, tmp = tempfile.mkstemp(dir=data_dir, prefix=".official-", suffix=".json")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(payload)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path
