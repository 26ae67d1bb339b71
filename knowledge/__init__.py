"""Knowledge of the Trust Services Criteria: our plain-language corpus, the index and retrieval.

Typical use::

    from knowledge import Retriever
    retriever = Retriever.load()              # builds the index on first use
    hits = retriever.search("sso offboarding", k=5)
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from knowledge.basics_kb import BasicEntry, BasicHit, Basics, BasicsError, default_basics, load_basics
from knowledge.corpus import Corpus, CorpusError, default_corpus, load_corpus
from knowledge.ids import IdMention, find_ids, normalize_id
from knowledge.models import CATEGORIES, CATEGORY_TITLES, Criterion, Hit, PointOfFocus
from knowledge.official import OfficialCriteria, load_official
from knowledge.settings import Settings, load_settings

if TYPE_CHECKING:
    from knowledge.importer import CriteriaImportError, import_official, parse_official
    from knowledge.retriever import Retriever

# Chroma, LangChain and the model load only when retrieval is first used, so importing
# ``knowledge.models`` stays fast.
_LAZY = {
    "Retriever": "knowledge.retriever",
    "CriteriaImportError": "knowledge.importer",
    "import_official": "knowledge.importer",
    "parse_official": "knowledge.importer",
}

__all__ = [
    "CATEGORIES",
    "CATEGORY_TITLES",
    "BasicEntry",
    "BasicHit",
    "Basics",
    "BasicsError",
    "Corpus",
    "CorpusError",
    "CriteriaImportError",
    "Criterion",
    "Hit",
    "IdMention",
    "OfficialCriteria",
    "PointOfFocus",
    "Retriever",
    "Settings",
    "default_basics",
    "default_corpus",
    "find_ids",
    "import_official",
    "load_basics",
    "load_corpus",
    "load_official",
    "load_settings",
    "normalize_id",
    "parse_official",
]


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'knowledge' has no attribute {name!r}")
