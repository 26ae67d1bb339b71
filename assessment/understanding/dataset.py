"""Labelled (question, answer) examples for the answer reader: loading, validation, hashing, splits.

Training data lives in ``assessment/understanding/data/train/*.jsonl`` (one file per voice); the
frozen test sets in ``tests/data/reader/``. The label rules are in ``docs/reader_labels.md``.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, ValidationError

ReaderClass = Literal["yes", "partial", "no", "unknown", "not_applicable", "question"]
# The model's classes: the five recorded labels plus "question" (an answer that asks something back).
READER_CLASSES: tuple[ReaderClass, ...] = ("yes", "partial", "no", "unknown", "not_applicable", "question")
VALIDATION_SHARE = 0.15


class DatasetError(ValueError):
    """A data file is malformed; the message names the file, the line, the field and the reason."""


class _Row(BaseModel):
    model_config = ConfigDict(extra="forbid")

    question_id: str
    question: str
    answer: str
    label: Literal["yes", "partial", "no", "unknown", "not_applicable", "question", "value"]
    value: int | str | bool | None = None
    reworded: bool = False


@dataclass(frozen=True)
class Example:
    """One labelled answer; ``label`` is a reader class, ``value`` the scoping value when given."""

    question_id: str
    question: str
    answer: str
    label: ReaderClass
    source: str  # the file (voice) it came from
    value: int | str | bool | None = None
    is_value: bool = False  # a scoping value answer ("about 30"), trained as "yes" (it answers)


def train_dir() -> Path:
    """The folder of training files shipped with the package."""
    return Path(str(files("assessment.understanding") / "data" / "train"))


def _row_to_example(row: _Row, source: str) -> Example:
    if row.label == "value":
        return Example(row.question_id, row.question, row.answer, "yes", source, row.value, True)
    return Example(row.question_id, row.question, row.answer, row.label, source, row.value)


def load_file(path: Path) -> list[Example]:
    """Read and validate one JSONL file; an error names the file, the line and the field."""
    examples: list[Example] = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            raw: Any = json.loads(line)
            row = _Row.model_validate(raw)
        except json.JSONDecodeError as exc:
            raise DatasetError(f"{path.name}: line {number}: not JSON ({exc.msg})") from exc
        except ValidationError as exc:
            first = exc.errors()[0]
            field = ".".join(str(part) for part in first["loc"]) or "(line)"
            raise DatasetError(f"{path.name}: line {number}: field {field}: {first['msg']}") from exc
        if not row.answer.strip():
            raise DatasetError(f"{path.name}: line {number}: field answer: empty")
        examples.append(_row_to_example(row, path.stem))
    return examples


def load_dir(directory: Path | None = None) -> list[Example]:
    """Every training example, files in name order (so the order, and the hash, are stable)."""
    folder = directory or train_dir()
    paths = sorted(folder.glob("*.jsonl"))
    if not paths:
        raise DatasetError(f"{folder}: no training files (*.jsonl)")
    return [example for path in paths for example in load_file(path)]


def data_hash(paths: Iterable[Path]) -> str:
    """SHA-256 over the training files' names and bytes: the artifact records it."""
    digest = hashlib.sha256()
    for path in sorted(paths):
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def training_data_hash(directory: Path | None = None) -> str:
    """The hash of the shipped training data (compare with the artifact's recorded hash)."""
    return data_hash((directory or train_dir()).glob("*.jsonl"))


def _bucket(example: Example) -> float:
    key = f"{example.source}|{example.question_id}|{example.answer}".encode()
    return int(hashlib.sha256(key).hexdigest()[:8], 16) / 0xFFFFFFFF


def split(
    examples: Sequence[Example], share: float = VALIDATION_SHARE
) -> tuple[list[Example], list[Example]]:
    """A deterministic train/validation split by a hash of each example (no RNG, stable across runs)."""
    train = [e for e in examples if _bucket(e) >= share]
    validation = [e for e in examples if _bucket(e) < share]
    return train, validation
