"""The Chroma index of the SOC 2 basics, kept next to the criteria index and built on first use."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from langchain_chroma import Chroma
from langchain_core.documents import Document
from langchain_core.embeddings import Embeddings

from knowledge.basics_kb import BasicHit, Basics
from knowledge.documents import documents_fingerprint
from knowledge.index import open_local_index, open_remote_index

# The basics index lives in its own directory under the data directory, so the criteria build
# (and its clean-up of old builds) never touches it.
BASICS_DIR_NAME = "basics"


class BasicsIndex:
    """Dense search over the basics: an entry scores the best cosine similarity of its passages."""

    def __init__(self, basics: Basics, documents: Sequence[Document], store: Chroma) -> None:
        self._basics = basics
        self._docs = tuple(documents)
        self._store = store

    @classmethod
    def open(
        cls,
        basics: Basics,
        data_dir: Path,
        embeddings: Embeddings,
        model: str,
        *,
        chroma_url: str | None = None,
        rebuild: bool = False,
    ) -> BasicsIndex:
        """Open the persisted basics index under ``data_dir/basics`` (or on a Chroma server),
        building it when it is missing, stale or damaged."""
        documents = basics_documents(basics)
        fingerprint = "basics-" + documents_fingerprint(documents, model)
        if chroma_url:
            store = open_remote_index(
                chroma_url, documents, fingerprint, embeddings, rebuild=rebuild, progress=False
            )
        else:
            store = open_local_index(
                data_dir / BASICS_DIR_NAME,
                documents,
                fingerprint,
                embeddings,
                model=model,
                rebuild=rebuild,
                progress=False,
            )
        return cls(basics, documents, store)

    @property
    def basics(self) -> Basics:
        """The entries this index searches."""
        return self._basics

    def search(self, vector: Sequence[float], k: int = 3) -> list[BasicHit]:
        """The ``k`` entries closest to an already embedded query, best first."""
        found = self._store.similarity_search_by_vector_with_relevance_scores(list(vector), k=len(self._docs))
        best: dict[str, float] = {}
        for doc, distance in found:
            entry_id = str(doc.metadata["entry_id"])
            similarity = 1.0 - float(distance)
            if similarity > best.get(entry_id, -1.0):
                best[entry_id] = similarity
        ranked = sorted(best.items(), key=lambda item: (-item[1], item[0]))[:k]
        hits = []
        for entry_id, score in ranked:
            entry = self._basics.get(entry_id)
            hits.append(BasicHit(entry.id, entry.title, entry.text, entry.criteria, round(score, 6)))
        return hits


def basics_documents(basics: Basics) -> list[Document]:
    """The passages to index: per entry its title with its text, and each typical question."""
    docs = []
    for entry in basics.entries:
        meta = {"entry_id": entry.id, "kind": "body"}
        docs.append(
            Document(id=f"basic:{entry.id}#body", page_content=f"{entry.title}. {entry.text}", metadata=meta)
        )
        for number, question in enumerate(entry.questions):
            docs.append(
                Document(
                    id=f"basic:{entry.id}#q{number}",
                    page_content=question,
                    metadata={"entry_id": entry.id, "kind": "question"},
                )
            )
    return docs
