"""Shared fixtures. Expensive ones (the embedding model, a real Chroma index) are session-scoped."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from fakes.chromaserver import ChromaServer

    from knowledge.retriever import Retriever

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")

# Fixtures that build an index (the real one, or a small one per test), load the embedding model or
# start a server: a test that uses one (directly or through another fixture, such as ``app_env``) is
# marked ``slow``, so ``pytest -m "not slow"`` is the fast loop. Tests that kill processes or run
# the trained reader over many answers are marked where they are.
SLOW_FIXTURES = frozenset(
    {
        "retriever",
        "small_corpus",
        "small_corpus_dir",
        "interpret_model",
        "postgres",
        "chroma_server",
        "app_server",
    }
)


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark tests that use a slow fixture, drive a browser or run on the PostgreSQL tier as slow."""
    for item in items:
        fixtures = set(getattr(item, "fixturenames", ()))
        callspec = getattr(item, "callspec", None)
        on_postgres = callspec is not None and callspec.params.get("store_url") == "postgresql"
        if fixtures & SLOW_FIXTURES or item.get_closest_marker("browser") or on_postgres:
            item.add_marker(pytest.mark.slow)


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
    """A chat model whose client times out after 0.2 s (for timeout tests)."""
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


@pytest.fixture(scope="session")
def chroma_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ChromaServer]:
    """A real Chroma server (``chroma run``, loopback) for the session; skips saying why when it cannot
    start (fails instead under ``SOC2_TEST_REQUIRE_SERVER_TIER``, as in CI)."""
    from fakes.chromaserver import require_tier, start_chroma

    server = require_tier(start_chroma(tmp_path_factory.mktemp("chroma-server")), "Chroma server")
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="session")
def remote_retriever(
    chroma_server: ChromaServer, retriever: Retriever, tmp_path_factory: pytest.TempPathFactory
) -> Retriever:
    """A Retriever over the Chroma server (``SOC2_READY_CHROMA_URL``), criteria and basics filled.

    Loaded after the local ``retriever``, so the passages' vectors come from this process's cache.
    """
    from knowledge import Retriever

    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SOC2_READY_CHROMA_URL", chroma_server.url)
        remote = Retriever.load(tmp_path_factory.mktemp("remote-index-data"), progress=False)
        remote.search_basics("what is a SOC 2 report", k=1)  # the basics collection is built on first use
    return remote
