"""Embedding-based answer understanding: compare an answer with labelled prototype answers.

Prototype vectors are computed once per process; each call embeds only the answer (and caches it),
so a warm call costs one short forward pass of the local MiniLM model.
"""

from __future__ import annotations

import math
import threading
from functools import lru_cache

import numpy as np

from assessment.models import LABELS, Label
from assessment.understanding.lexicon import load_data

TOP_K = 3  # a label's similarity is the mean of its best TOP_K prototype matches
TEMPERATURE = 0.05  # softmax temperature over cosine similarities
MAX_EMBED_CHARS = 300  # short inputs keep the forward pass fast; callers pass the decisive part

_lock = threading.Lock()


@lru_cache(maxsize=1)
def _prototypes() -> tuple[np.ndarray, tuple[Label, ...]]:
    from knowledge.embeddings import load_embeddings  # heavy import only when first needed

    data = load_data()
    with _lock:
        vectors = np.asarray(
            load_embeddings().embed_documents([p for _, p in data.prototypes]), dtype=np.float32
        )
    vectors.setflags(write=False)
    return vectors, tuple(label for label, _ in data.prototypes)


@lru_cache(maxsize=2048)
def _embed(text: str) -> tuple[float, ...]:
    from knowledge.embeddings import load_embeddings

    return tuple(load_embeddings().embed_query(text))


def warm_up() -> None:
    """Load the model and the prototype vectors now (e.g. at app start) rather than on first use."""
    _prototypes()
    _embed("yes")


def clear_answer_cache() -> None:
    """Forget cached answer vectors (benchmarks use it to time real forward passes)."""
    _embed.cache_clear()


def label_similarities(text: str) -> dict[Label, float]:
    """Per label, the mean cosine similarity of ``text`` to its TOP_K closest prototypes."""
    vectors, labels = _prototypes()
    query = np.asarray(_embed(text.strip()[:MAX_EMBED_CHARS] or "?"), dtype=np.float32)
    sims = vectors @ query
    out: dict[Label, float] = {}
    for label in LABELS:
        mine = np.sort(sims[[i for i, lab in enumerate(labels) if lab == label]])[::-1][:TOP_K]
        out[label] = float(mine.mean())
    return out


def probabilities(similarities: dict[Label, float]) -> dict[Label, float]:
    """Softmax of the label similarities."""
    top = max(similarities.values())
    exps = {lab: math.exp((s - top) / TEMPERATURE) for lab, s in similarities.items()}
    total = sum(exps.values())
    return {lab: e / total for lab, e in exps.items()}
