"""Turn the corpus (and any imported official wording) into the passages that get indexed."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

from langchain_core.documents import Document

from knowledge.corpus import Corpus
from knowledge.models import CATEGORY_TITLES, Criterion
from knowledge.official import OfficialCriteria

# Bump when the passage layout changes, so persisted indexes are rebuilt.
PASSAGE_LAYOUT_VERSION = 1


def _meta(criterion: Criterion, source: str, kind: str, point_id: str = "") -> dict[str, str]:
    # Chroma metadata values must be scalars; "" stands for "no point of focus".
    return {
        "criterion_id": criterion.id,
        "category": criterion.category,
        "title": criterion.title,
        "source": source,
        "kind": kind,
        "point_id": point_id,
    }


def overview_text(criterion: Criterion) -> str:
    """The overview passage of a criterion: its title and what it means in practice."""
    return f"{criterion.title}. {criterion.in_practice}"


def _criterion_documents(criterion: Criterion) -> list[Document]:
    evidence = "; ".join(criterion.auditor_evidence)
    pitfalls = "; ".join(criterion.pitfalls)
    docs = [
        Document(
            id=f"{criterion.id}#overview",
            page_content=overview_text(criterion),
            metadata=_meta(criterion, "corpus", "overview"),
        ),
        Document(
            id=f"{criterion.id}#evidence",
            page_content=(
                f"{criterion.title}. What an auditor asks for: {evidence}. Common pitfalls: {pitfalls}."
            ),
            metadata=_meta(criterion, "corpus", "evidence"),
        ),
    ]
    for point in criterion.points_of_focus:
        docs.append(
            Document(
                id=f"{point.id}#point",
                page_content=f"{point.title} ({criterion.title}): {point.explanation}",
                metadata=_meta(criterion, "corpus", "point", point.id),
            )
        )
    return docs


def _official_documents(corpus: Corpus, official: OfficialCriteria) -> list[Document]:
    known = set(corpus.ids)
    docs = []
    for entry in official.entries:
        criterion_id = ".".join(entry.id.split(".")[:2])
        if criterion_id not in known:
            continue  # official text for a criterion we do not describe cannot be shown with a title
        criterion = corpus.get(criterion_id)
        is_point = entry.id != criterion_id
        docs.append(
            Document(
                id=f"official:{entry.id}",
                page_content=entry.text,
                metadata=_meta(
                    criterion,
                    "official",
                    "official_point" if is_point else "official",
                    entry.id if is_point else "",
                ),
            )
        )
    return docs


def build_documents(corpus: Corpus, official: OfficialCriteria | None = None) -> list[Document]:
    """All passages to index: per criterion an overview, evidence and pitfalls, each point of focus,
    plus the official wording of criteria and points of focus when imported."""
    docs: list[Document] = []
    for criterion in corpus.criteria:
        docs.extend(_criterion_documents(criterion))
    if official is not None:
        docs.extend(_official_documents(corpus, official))
    return docs


def criterion_profiles(corpus: Corpus, documents: Sequence[Document]) -> dict[str, str]:
    """Per criterion, all its passages joined and headed by its category and group titles: the
    whole-criterion text that the criterion-level lexical ranking scores (so "processing integrity"
    or a word spread over several passages still counts)."""
    joined: dict[str, list[str]] = {c.id: [] for c in corpus.criteria}
    for doc in documents:
        joined[str(doc.metadata["criterion_id"])].append(doc.page_content)
    profiles = {}
    for criterion in corpus.criteria:
        heading = f"{CATEGORY_TITLES[criterion.category]}. {corpus.group_titles.get(criterion.group, '')}."
        profiles[criterion.id] = " ".join([heading, *joined[criterion.id]])
    return profiles


def documents_fingerprint(documents: Sequence[Document], model_fingerprint: str) -> str:
    """A hash of exactly what would be indexed and with which model."""
    digest = hashlib.sha256(f"layout={PASSAGE_LAYOUT_VERSION};model={model_fingerprint}".encode())
    for doc in documents:
        digest.update(f"{doc.id}\x00{doc.page_content}\x00{sorted(doc.metadata.items())}\x00".encode())
    return digest.hexdigest()[:24]
