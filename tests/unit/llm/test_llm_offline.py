"""The offline path: with no LLM configured nothing calls a model and nothing touches the network."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from typing import Any

import pytest
from langchain_core.language_models import BaseChatModel
from langchain_core.outputs import ChatResult

from assessment.interview.engine import Interview
from assessment.llm import LLMAssist, as_assist, build_chat_model, describe_mode, notice, should_ask_llm
from assessment.models import Question
from assessment.understanding.reader import interpret
from knowledge.settings import Settings

MFA = Question(
    id="sec_mfa",
    text="Do all staff use multi-factor authentication for email, cloud and code hosting?",
    category="security",
    criteria=("CC6.1",),
    options=("Yes", "Partly", "No", "Not sure"),
)


class NetworkUsed(AssertionError):
    """Raised by the socket guard when code tries to connect anywhere."""


@pytest.fixture
def no_network(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[Any]]:
    """Every outgoing connection (and name lookup) fails and is recorded."""
    attempts: list[Any] = []

    def refuse(self: socket.socket, address: Any, *args: Any) -> Any:
        attempts.append(address)
        raise NetworkUsed(f"network call to {address!r} during an offline test")

    def refuse_lookup(host: Any, *args: Any, **kwargs: Any) -> Any:
        attempts.append(host)
        raise NetworkUsed(f"name lookup of {host!r} during an offline test")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse_lookup)
    yield attempts


class NetworkChatModel(BaseChatModel):
    """A provider client: every call opens a connection, as a real one would."""

    def _generate(self, *args: Any, **kwargs: Any) -> ChatResult:
        socket.create_connection(("127.0.0.1", 11434), timeout=1)
        raise AssertionError("unreachable: the guard refuses the connection")

    @property
    def _llm_type(self) -> str:
        return "network"


def test_guard_blocks_connections(no_network: list[Any]) -> None:
    with pytest.raises(NetworkUsed):
        socket.create_connection(("127.0.0.1", 9), timeout=1)
    assert no_network


def test_offline_settings_build_nothing(no_network: list[Any], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SOC2_READY_LLM", raising=False)
    settings = Settings(llm=None)
    assert build_chat_model(settings) is None
    assert LLMAssist.from_settings(settings) is None
    assert as_assist(None) is None
    assert describe_mode(settings) == notice("mode_offline")
    assert no_network == []


def test_offline_interpretation_needs_no_network(no_network: list[Any]) -> None:
    for answer in ("Yes", "no, not yet", "we kind of do it for some people, I think"):
        result = interpret(answer, question=MFA, options=MFA.options)
        assert result.label in {"yes", "partial", "no", "unknown", "not_applicable"}
        assert result.source != "llm"
    assert not should_ask_llm(interpret("Yes", question=MFA, options=MFA.options))
    assert no_network == []


def test_unreachable_provider_falls_back_to_offline(no_network: list[Any]) -> None:
    offline = interpret("we kind of do it for some people, I think", question=MFA, options=MFA.options)
    assist = LLMAssist(NetworkChatModel(), timeout_s=5)
    assert assist.interpret("we kind of do it for some people, I think", MFA, offline) is None
    assert assist.last_notice == notice("error")
    assert no_network  # the fake provider did try, and was refused


def test_interview_without_llm_makes_no_network_call(no_network: list[Any]) -> None:
    iv = Interview(scope={"security"}, retriever=None, llm=None)
    for _ in range(5):
        question = iv.next_question()
        if question is None:
            break
        reply = iv.answer(question.options[0] if question.options else "yes")
        assert reply.message and reply.notice is None
        assert question.display_text == question.text  # nobody rewords questions offline
    assert iv.llm_mode == notice("mode_offline")
    assert iv.report().summary_narrative is None
    assert no_network == []
