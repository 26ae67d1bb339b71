"""Shared fixtures. Expensive ones (the embedding model, a real Chroma index) are session-scoped."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from knowledge.retriever import Retriever

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")


@pytest.fixture(scope="session")
def session_data_dir(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A data directory shared by the whole test session (holds the real index)."""
    yield tmp_path_factory.mktemp("soc2-data")


@pytest.fixture(scope="session")
def retriever(session_data_dir: Path) -> Retriever:
    """A real Retriever over the packaged corpus; its Chroma index is built once per test session."""
    from knowledge import Retriever

    return Retriever.load(session_data_dir, progress=False)


@pytest.fixture(scope="session")
def interpret_model() -> None:
    """Load the embedding model and the interpretation prototypes once per test session."""
    from assessment.understanding.semantic import warm_up

    warm_up()


@pytest.fixture
def slow_model() -> Iterator[Any]:
    """A chat model that hangs until the test ends (for timeout tests)."""
    from fakes.chat_models import SlowChatModel

    model = SlowChatModel()
    yield model
    model.release()


@pytest.fixture
def app_env(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, retriever: Any, session_data_dir: Path
) -> Iterator[Path]:
    """The app reads the session's real index and keeps sessions in a per-test database."""
    db = tmp_path / "sessions.db"
    monkeypatch.setenv("SOC2_READY_DATA_DIR", str(session_data_dir))
    monkeypatch.setenv("SOC2_READY_SESSION_DB_URL", f"sqlite:///{db}")
    monkeypatch.delenv("SOC2_READY_LLM", raising=False)
    monkeypatch.delenv("SOC2_READY_MAX_UPLOAD_BYTES", raising=False)
    monkeypatch.delenv("SOC2_READY_MAX_ANSWER_CHARS", raising=False)
    yield db
