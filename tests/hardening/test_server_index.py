"""The index on a real Chroma server (``chroma run``) searches exactly like the embedded one.

Several app replicas share one index through ``SOC2_READY_CHROMA_URL`` (docs/deploy.md); moving the
index to a server must not change retrieval: the same criteria, in the same order, with the same
scores and passages, for free-text queries, category filters, criterion IDs and the SOC 2 basics.
Replicas that start at once and find no index on the server each build one without breaking the
others' (each fills a collection of its own and renames it into place).
"""

from __future__ import annotations

import hashlib
import threading
import uuid
from pathlib import Path
from typing import Any

import chromadb
import pytest
from fakes.chromaserver import ChromaServer
from langchain_core.documents import Document
from langchain_core.embeddings import Embeddings

from knowledge import index as index_module
from knowledge.basics_index import BASICS_DIR_NAME
from knowledge.index import INDEX_DIR_NAME, MANIFEST_NAME, IndexManifest, chroma_settings, open_remote_index
from knowledge.retriever import Hit, Retriever

pytestmark = pytest.mark.slow

QUERIES: list[tuple[str, list[str] | None]] = [
    ("how do we remove access when an employee leaves", None),
    ("multi-factor authentication for admins", None),
    ("backups are tested and restored every quarter", ["availability"]),
    ("vendor risk reviews of our cloud providers", None),
    ("we encrypt customer data at rest", ["confidentiality", "security"]),
    ("privacy notice and consent for personal data", ["privacy"]),
    ("what does CC7.2 mean for incident monitoring", None),
    ("change management: code review before deploy", None),
]
BASICS_QUERIES = ["what is the difference between Type I and Type II", "how long does an audit take"]


def _same_hits(local: list[Hit], remote: list[Hit], query: str) -> None:
    assert [h.criterion_id for h in remote] == [h.criterion_id for h in local], query
    for mine, theirs in zip(local, remote, strict=True):
        assert theirs.text == mine.text, f"{query}: {mine.criterion_id} best passage differs"
        assert theirs.score == pytest.approx(mine.score, abs=1e-4), f"{query}: {mine.criterion_id}"
        assert theirs.similarity == pytest.approx(mine.similarity, abs=1e-4), query


@pytest.mark.parametrize(("query", "categories"), QUERIES)
def test_search_on_the_chroma_server_matches_the_local_index(
    retriever: Retriever, remote_retriever: Retriever, query: str, categories: list[str] | None
) -> None:
    _same_hits(
        retriever.search(query, k=8, categories=categories),
        remote_retriever.search(query, k=8, categories=categories),
        query,
    )


def test_basics_search_on_the_chroma_server_matches_the_local_index(
    retriever: Retriever, remote_retriever: Retriever
) -> None:
    for query in BASICS_QUERIES:
        local = retriever.search_basics(query, k=3)
        remote = remote_retriever.search_basics(query, k=3)
        assert [h.entry_id for h in remote] == [h.entry_id for h in local], query
        assert [h.score for h in remote] == pytest.approx([h.score for h in local], abs=1e-4), query


def test_the_remote_retriever_reads_the_server_not_a_local_copy(
    chroma_server: ChromaServer, retriever: Retriever, remote_retriever: Retriever
) -> None:
    remote_dir, local_dir = remote_retriever.data_dir, retriever.data_dir
    assert isinstance(remote_dir, Path) and isinstance(local_dir, Path)
    assert not (remote_dir / INDEX_DIR_NAME).exists() and not (remote_dir / BASICS_DIR_NAME).exists()
    local = IndexManifest.model_validate_json((local_dir / INDEX_DIR_NAME / MANIFEST_NAME).read_text())
    client = chromadb.HttpClient(
        host="127.0.0.1", port=int(chroma_server.url.rsplit(":", 1)[1]), settings=chroma_settings()
    )
    names = sorted(c.name for c in client.list_collections())
    assert local.collection in names  # the same collection name: same passages, same model
    assert client.get_collection(local.collection).count() == local.doc_count
    assert any("basics" in name for name in names), names


class _HashEmbeddings(Embeddings):
    """Deterministic 8-dimensional vectors from a hash of the text (no model needed)."""

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return [self.embed_query(text) for text in texts]

    def embed_query(self, text: str) -> list[float]:
        digest = hashlib.sha256(text.encode()).digest()
        return [b / 255 + 0.01 for b in digest[:8]]


def test_replicas_building_the_remote_index_at_once_do_not_break_each_other(
    chroma_server: ChromaServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Replica A is held in the middle of filling the collection while replica B opens the index.
    # Before, B found A's half-filled collection under the shared name, took it for damaged and
    # deleted it: A's fill then failed, or A kept a handle on a collection that no longer existed.
    documents = [Document(page_content=f"passage {i}", id=f"doc-{i}") for i in range(40)]
    fingerprint = uuid.uuid4().hex
    a_filling, release = threading.Event(), threading.Event()
    real_embed = index_module._Precomputed.embed_documents

    def held(self: Any, texts: list[str]) -> list[list[float]]:
        if threading.current_thread().name == "replica-a" and not release.is_set():
            a_filling.set()
            release.wait(timeout=60)
        return real_embed(self, texts)

    monkeypatch.setattr(index_module._Precomputed, "embed_documents", held)
    results: dict[str, Any] = {}

    def replica_a() -> None:
        try:
            results["a"] = open_remote_index(chroma_server.url, documents, fingerprint, _HashEmbeddings())
        except Exception as exc:  # reported by the assertion below
            results["a"] = exc

    thread = threading.Thread(target=replica_a, name="replica-a")
    thread.start()
    assert a_filling.wait(timeout=60)
    store_b = open_remote_index(chroma_server.url, documents, fingerprint, _HashEmbeddings(), progress=False)
    release.set()
    thread.join(timeout=60)
    store_a = results["a"]
    assert not isinstance(store_a, Exception), f"replica A failed: {store_a!r}"
    query = _HashEmbeddings().embed_query("passage 7")
    for store in (store_a, store_b):
        found = store.similarity_search_by_vector_with_relevance_scores(query, k=1)
        assert found and found[0][0].page_content == "passage 7"
    client = chromadb.HttpClient(
        host="127.0.0.1", port=int(chroma_server.url.rsplit(":", 1)[1]), settings=chroma_settings()
    )
    mine = [c.name for c in client.list_collections() if fingerprint[:16] in c.name]
    assert mine == [index_module._collection_name(fingerprint)], mine  # one, and no staging left over
    assert client.get_collection(mine[0]).count() == len(documents)
