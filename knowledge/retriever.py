"""Hybrid retrieval over the criteria: dense (Chroma + MiniLM) fused with lexical BM25, plus ID lookup."""

from __future__ import annotations

import contextlib
import threading
from collections import OrderedDict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import torch
from langchain_chroma import Chroma
from langchain_core.documents import Document
from langchain_core.embeddings import Embeddings

from knowledge.basics_index import BasicsIndex
from knowledge.basics_kb import BasicHit, Basics, default_basics
from knowledge.corpus import Corpus, default_corpus
from knowledge.documents import build_documents, criterion_profiles, documents_fingerprint, overview_text
from knowledge.embeddings import load_embeddings, model_fingerprint
from knowledge.ids import find_ids
from knowledge.index import open_local_index, open_remote_index
from knowledge.lexical import LexicalIndex, Synonyms, default_synonyms
from knowledge.models import CATEGORIES, Criterion, Hit
from knowledge.official import OfficialCriteria, load_official
from knowledge.settings import Settings, enforce_offline_env

MAX_QUERY_CHARS = 1000
# How many dense neighbours to fetch: enough to rank every criterion that could make the top k.
_DENSE_CANDIDATES = 120
# Weight of the dense similarity against the normalised BM25 score of each passage.
DENSE_WEIGHT = 0.6
# Queries with more content words than this lean further on the dense side, up to the maximum.
LONG_QUERY_WORDS = 6
DENSE_WEIGHT_STEP = 0.025
MAX_DENSE_WEIGHT = 0.85
# A criterion is scored by its best passage plus these shares of its next best ones: a criterion
# that several passages support beats one with a single lucky passage.
SUPPORT_WEIGHTS = (0.2, 0.1)
# Weight of the BM25 score of the whole criterion (all passages plus category and group titles),
# which catches words spread over several passages. Both measured on the dev and blind sets.
PROFILE_WEIGHT = 0.3
_ID_SCORE = 2.0
_CACHE_SIZE = 512

# Fast tokenizers raise "Already borrowed" when one tokenizer is used from two threads at once,
# and the model is shared process-wide, so query encoding is serialised by a process-wide lock.
_ENCODE_LOCK = threading.Lock()


@contextlib.contextmanager
def _one_torch_thread() -> Iterator[None]:
    """Encode one short query on a single thread: on a busy 2-core machine, intra-op threads fight
    other processes and a query takes 5-10x longer (measured in bench/retrieval.py)."""
    threads = torch.get_num_threads()
    if threads > 1:
        torch.set_num_threads(1)
    try:
        yield
    finally:
        if threads > 1:
            torch.set_num_threads(threads)


def dense_weight(content_words: int) -> float:
    """Share of the dense similarity in a passage score. Keyword queries ("SOC 2 pen test") need
    BM25's exact matching; in long, rambling questions BM25 latches onto incidental words while the
    model still gets the gist, so the dense share grows with the number of content words."""
    extra = max(0, content_words - LONG_QUERY_WORDS)
    return min(MAX_DENSE_WEIGHT, DENSE_WEIGHT + DENSE_WEIGHT_STEP * extra)


def _scaled(scores: np.ndarray) -> np.ndarray:
    """BM25 scores divided by the best one, so they blend with cosine similarities on a 0-1 scale."""
    top = float(scores.max()) if scores.size else 0.0
    return scores / top if top > 0 else scores


@dataclass(frozen=True)
class _Scored:
    criterion_id: str
    score: float
    doc_index: int
    similarity: float = 0.0


class Retriever:
    """Search the criteria by free text or by ID. Read-only after ``load``; safe to share across threads."""

    def __init__(
        self,
        corpus: Corpus,
        documents: Sequence[Document],
        store: Chroma,
        embeddings: Embeddings,
        official: OfficialCriteria | None = None,
        synonyms: Synonyms | None = None,
        data_dir: Path | None = None,
        basics: Basics | None = None,
        chroma_url: str | None = None,
    ) -> None:
        self._corpus = corpus
        self._docs = tuple(documents)
        self._store = store
        self._embeddings = embeddings
        self._official = official.texts() if official is not None else {}
        self._lexical = LexicalIndex([d.page_content for d in self._docs], synonyms or default_synonyms())
        self._position = {str(d.id): i for i, d in enumerate(self._docs)}
        self._doc_criterion = np.array([d.metadata["criterion_id"] for d in self._docs])
        self._doc_category = np.array([d.metadata["category"] for d in self._docs])
        profiles = criterion_profiles(corpus, self._docs)
        self._criterion_ids = tuple(profiles)
        self._criterion_category = np.array([corpus.get(c).category for c in self._criterion_ids])
        self._criterion_docs = tuple(np.flatnonzero(self._doc_criterion == c) for c in self._criterion_ids)
        self._profiles = LexicalIndex(list(profiles.values()), synonyms or default_synonyms())
        self._cache: OrderedDict[str, tuple[float, ...]] = OrderedDict()
        self._cache_lock = threading.Lock()
        self.data_dir = data_dir
        self._basics = basics
        self._chroma_url = chroma_url
        self._basics_index: BasicsIndex | None = None
        self._basics_lock = threading.Lock()
        # Why the index is not served from data_dir as usual (a read-only folder), else None.
        self.index_notice: str | None = None

    @classmethod
    def load(
        cls,
        data_dir: Path | str | None = None,
        *,
        rebuild: bool = False,
        progress: bool = True,
        corpus: Corpus | None = None,
    ) -> Retriever:
        """Open the persisted index under ``data_dir`` (default ``Settings().data_dir``), building it if
        it is missing, stale (corpus, imported wording or model changed) or damaged."""
        enforce_offline_env()
        settings = Settings()
        directory = Path(data_dir) if data_dir is not None else settings.data_dir
        corpus = corpus or default_corpus()
        official = load_official(directory)
        documents = build_documents(corpus, official)
        embeddings = load_embeddings()
        model = model_fingerprint()
        fingerprint = documents_fingerprint(documents, model)
        notices: list[str] = []
        if settings.chroma_url:
            store = open_remote_index(
                settings.chroma_url, documents, fingerprint, embeddings, rebuild=rebuild, progress=progress
            )
        else:
            store = open_local_index(
                directory,
                documents,
                fingerprint,
                embeddings,
                model=model,
                rebuild=rebuild,
                progress=progress,
                on_notice=notices.append,
            )
        retriever = cls(
            corpus, documents, store, embeddings, official, data_dir=directory, chroma_url=settings.chroma_url
        )
        retriever.index_notice = notices[0] if notices else None
        return retriever

    @property
    def corpus(self) -> Corpus:
        """The plain-language corpus this retriever searches."""
        return self._corpus

    @property
    def has_official(self) -> bool:
        """True if official wording was imported and is searched too."""
        return bool(self._official)

    def criterion(self, criterion_id: str) -> Criterion:
        """The criterion named by an ID in any common spelling ("cc 6.1"); a point-of-focus ID gives its
        criterion. ``KeyError`` if there is no such criterion."""
        mentions = find_ids(criterion_id)
        if not mentions:
            raise KeyError(criterion_id)
        return self._corpus.get(mentions[0].criterion_id)

    def official_text(self, item_id: str) -> str | None:
        """The imported official wording of a criterion or point of focus, if any."""
        return self._official.get(item_id)

    def passage(self, item_id: str) -> str:
        """Our passage for a criterion (its overview) or a point of focus, followed by the official
        wording when it was imported. ``KeyError`` if the ID is unknown."""
        mentions = find_ids(item_id)
        if not mentions:
            raise KeyError(item_id)
        mention = mentions[0]
        criterion = self._corpus.get(mention.criterion_id)
        text = overview_text(criterion)
        if mention.point_id:
            doc = (
                self._docs[self._position[f"{mention.point_id}#point"]]
                if self._has_point(mention.point_id)
                else None
            )
            if doc is None:
                raise KeyError(item_id)
            text = doc.page_content
        official = self._official.get(mention.id)
        return f"{text}\n\nOfficial wording: {official}" if official else text

    def _has_point(self, point_id: str) -> bool:
        return f"{point_id}#point" in self._position

    def search(self, query: str, k: int = 5, categories: Iterable[str] | None = None) -> list[Hit]:
        """The ``k`` criteria best matching ``query``, one hit per criterion, best first.

        An ID in the query ("CC6.1", "cc 6.1", "cc6.1.3") puts that criterion first. ``categories``
        keeps only criteria of those categories. An empty query is a ``ValueError``; a very long one
        is truncated.
        """
        if not isinstance(query, str) or not query.strip():
            raise ValueError("search query is empty: type a few words or a criterion ID such as CC6.1")
        if k < 1:
            raise ValueError(f"k must be at least 1, got {k}")
        allowed = self._check_categories(categories)
        if allowed is not None and not allowed:
            return []
        query = query.strip()[:MAX_QUERY_CHARS]
        hits = self._id_hits(query, allowed)
        if len(hits) >= k:
            return hits[:k]
        taken = {h.criterion_id for h in hits}
        text = query
        if hits:  # "what does CC6.1 mean?": rank the rest by the named criteria's own meaning
            text = " ".join(self._corpus.get(h.criterion_id).title for h in hits) + " " + query
        for scored in self._rank(text, allowed):
            if scored.criterion_id in taken:
                continue
            hits.append(self._hit(scored))
            taken.add(scored.criterion_id)
            if len(hits) == k:
                break
        return hits

    @property
    def basics(self) -> Basics:
        """The SOC 2 basics this retriever answers general questions from."""
        return self._basics or default_basics()

    def search_basics(self, query: str, k: int = 3) -> list[BasicHit]:
        """The ``k`` SOC 2 basics entries (report types, audits, other frameworks...) closest in meaning
        to ``query``, best first; ``hit.score`` is a cosine similarity. The basics index is opened (or
        built, once) on first use. An empty query is a ``ValueError``."""
        if not isinstance(query, str) or not query.strip():
            raise ValueError("search query is empty: type a few words")
        vector = self._embed(query.strip()[:MAX_QUERY_CHARS])
        return self._open_basics().search(vector, k)

    def _open_basics(self) -> BasicsIndex:
        with self._basics_lock:
            if self._basics_index is None:
                self._basics_index = BasicsIndex.open(
                    self.basics,
                    self.data_dir or Settings().data_dir,
                    self._embeddings,
                    model_fingerprint(),
                    chroma_url=self._chroma_url,
                )
            return self._basics_index

    def _check_categories(self, categories: Iterable[str] | None) -> frozenset[str] | None:
        if categories is None:
            return None
        if isinstance(categories, str):
            categories = [categories]
        chosen = frozenset(categories)
        unknown = sorted(chosen - set(CATEGORIES))
        if unknown:
            raise ValueError(f"unknown categories {', '.join(unknown)}; use some of {', '.join(CATEGORIES)}")
        return chosen

    def _id_hits(self, query: str, allowed: frozenset[str] | None) -> list[Hit]:
        hits: list[Hit] = []
        for position, mention in enumerate(find_ids(query)):
            if mention.criterion_id not in self._corpus.ids:
                continue
            if mention.point_id and not self._has_point(mention.point_id):
                continue
            criterion = self._corpus.get(mention.criterion_id)
            if allowed is not None and criterion.category not in allowed:
                continue
            if any(h.criterion_id == criterion.id for h in hits):
                continue
            official = mention.id in self._official
            hits.append(
                Hit(
                    criterion_id=criterion.id,
                    score=_ID_SCORE - 0.01 * position,
                    text=self.passage(mention.id),
                    title=criterion.title,
                    source="official" if official else "corpus",
                    category=criterion.category,
                    similarity=1.0,
                )
            )
        return hits

    def _embed(self, text: str) -> tuple[float, ...]:
        with self._cache_lock:
            cached = self._cache.get(text)
            if cached is not None:
                self._cache.move_to_end(text)
                return cached
        with _ENCODE_LOCK, _one_torch_thread():
            vector = tuple(self._embeddings.embed_query(text))
        with self._cache_lock:
            self._cache[text] = vector
            if len(self._cache) > _CACHE_SIZE:
                self._cache.popitem(last=False)
        return vector

    def _dense_scores(self, text: str, allowed: frozenset[str] | None) -> np.ndarray:
        """Cosine similarity per document (0 for documents beyond the dense candidates)."""
        # Chroma's where-filter syntax is richer than langchain-chroma's annotation admits.
        where: Any = {"category": {"$in": sorted(allowed)}} if allowed is not None else None
        found = self._store.similarity_search_by_vector_with_relevance_scores(
            list(self._embed(text)), k=min(_DENSE_CANDIDATES, len(self._docs)), filter=where
        )
        scores = np.zeros(len(self._docs), dtype=np.float32)
        for doc, distance in found:
            index = self._position.get(str(doc.id))
            if index is not None:
                scores[index] = 1.0 - float(distance)
        return scores

    def _rank(self, text: str, allowed: frozenset[str] | None) -> list[_Scored]:
        """Every criterion (of the allowed categories) with its score and best passage, best first."""
        prepared = self._lexical.query_text(text)
        dense = self._dense_scores(prepared or text, allowed)
        weight = dense_weight(len(self._lexical.tokenize(text)))
        passages = weight * dense + (1.0 - weight) * _scaled(self._lexical.scores(prepared))
        profiles = PROFILE_WEIGHT * _scaled(self._profiles.scores(prepared))
        ranked: list[_Scored] = []
        for position, criterion_id in enumerate(self._criterion_ids):
            if allowed is not None and self._criterion_category[position] not in allowed:
                continue
            docs = self._criterion_docs[position]
            order = docs[np.argsort(-passages[docs], kind="stable")]
            score = float(passages[order[0]]) + float(profiles[position])
            score += sum(w * float(passages[i]) for w, i in zip(SUPPORT_WEIGHTS, order[1:], strict=False))
            ranked.append(_Scored(criterion_id, score, int(order[0]), float(dense[docs].max())))
        ranked.sort(key=lambda s: -s.score)
        return ranked

    def _hit(self, scored: _Scored) -> Hit:
        doc = self._docs[scored.doc_index]
        return Hit(
            criterion_id=scored.criterion_id,
            score=round(scored.score, 6),
            text=doc.page_content,
            title=str(doc.metadata["title"]),
            source=str(doc.metadata["source"]),
            category=str(doc.metadata["category"]),
            similarity=round(scored.similarity, 6),
        )
