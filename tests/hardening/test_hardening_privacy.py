"""Privacy: in offline mode nothing leaves the machine — no connection, no name lookup, no telemetry.

The guard is process-wide (every thread), so background threads of Chroma, tokenizers or torch
that tried to phone home would be caught too. Local AF_UNIX sockets are allowed.
"""

from __future__ import annotations

import os
import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from assessment import Interview
from assessment.report import collect_passages, render
from knowledge import Retriever
from knowledge.index import chroma_settings


@pytest.fixture
def no_network(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[Any]]:
    """Refuse and record every outbound connection attempt and every name lookup."""
    attempts: list[Any] = []
    real_connect = socket.socket.connect
    real_connect_ex = socket.socket.connect_ex

    def connect(self: socket.socket, address: Any) -> Any:
        if self.family == getattr(socket, "AF_UNIX", None):
            return real_connect(self, address)
        attempts.append(("connect", address))
        raise ConnectionRefusedError(f"offline test: connection to {address!r} refused")

    def connect_ex(self: socket.socket, address: Any) -> Any:
        if self.family == getattr(socket, "AF_UNIX", None):
            return real_connect_ex(self, address)
        attempts.append(("connect_ex", address))
        raise ConnectionRefusedError(f"offline test: connection to {address!r} refused")

    def create_connection(address: Any, *args: Any, **kwargs: Any) -> Any:
        attempts.append(("create_connection", address))
        raise ConnectionRefusedError(f"offline test: connection to {address!r} refused")

    def lookup(host: Any, *args: Any, **kwargs: Any) -> Any:
        attempts.append(("getaddrinfo", host))
        raise socket.gaierror(f"offline test: lookup of {host!r} refused")

    monkeypatch.setattr(socket.socket, "connect", connect)
    monkeypatch.setattr(socket.socket, "connect_ex", connect_ex)
    monkeypatch.setattr(socket, "create_connection", create_connection)
    monkeypatch.setattr(socket, "getaddrinfo", lookup)
    monkeypatch.setattr(socket, "gethostbyname", lookup)
    for name in ("SOC2_READY_LLM", "SOC2_READY_CHROMA_URL", "SOC2_READY_LLM_BASE_URL"):
        monkeypatch.delenv(name, raising=False)
    yield attempts


def test_guard_catches_connections(no_network: list[Any]) -> None:
    with pytest.raises(ConnectionRefusedError):
        socket.create_connection(("example.com", 443), timeout=1)
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock, pytest.raises(ConnectionRefusedError):
        sock.connect(("127.0.0.1", 9))
    assert len(no_network) == 2
    no_network.clear()


@pytest.mark.slow  # builds a fresh index with the real embedding model
def test_fresh_index_interview_and_reports_make_no_connection(
    no_network: list[Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOC2_READY_DATA_DIR", str(tmp_path / "data"))
    retriever = Retriever.load(data_dir=tmp_path / "data", progress=False)
    assert (tmp_path / "data" / "index" / "manifest.json").is_file()
    assert os.environ.get("HF_HUB_OFFLINE") == "1"

    iv = Interview(retriever=retriever)
    answers = iter(
        [
            "about 20 people",
            "AWS",
            "no, fully remote",
            "yes",
            "yes",
            "no",
            "yes",
            "Type II",
            "no date yet",
            "what does CC6.1 mean?",  # a side question: answered from the fresh index
            "accept",
        ]
    )
    cited: list[str] = []
    while (question := iv.next_question()) is not None:
        reply = iv.answer(next(answers, "Yes" if len(question.id) % 3 else "No"))
        cited.extend(reply.citations)
    assert "CC6.1" in cited
    report = iv.report()
    assert report.finished
    passages = collect_passages(report, retriever)
    for fmt in ("md", "html", "json", "pdf"):
        assert render(report, fmt, passages)
    hits = retriever.search("how do we offboard leavers", k=3)
    assert hits
    assert no_network == []


def test_chroma_runs_with_anonymized_telemetry_off(retriever: Retriever) -> None:
    assert chroma_settings().anonymized_telemetry is False
    client = retriever._store._client  # the client the index was really opened with
    assert client.get_settings().anonymized_telemetry is False
    assert os.environ.get("ANONYMIZED_TELEMETRY") == "False"
