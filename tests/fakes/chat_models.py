"""Hand-written fake chat models for the LLM tests (LangChain's own fakes cover the rest)."""

from __future__ import annotations

import threading
from typing import Any

from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage, BaseMessage
from langchain_core.outputs import ChatGeneration, ChatResult
from pydantic import PrivateAttr


class RaisingChatModel(BaseChatModel):
    """A provider that is down."""

    calls: int = 0

    def _generate(self, messages: list[BaseMessage], *args: Any, **kwargs: Any) -> ChatResult:
        self.calls += 1
        raise ConnectionError("connection refused")

    @property
    def _llm_type(self) -> str:
        return "raising"


class ReadTimeout(Exception):
    """What an HTTP client raises when its read timeout runs out (named like httpx's)."""


class SlowChatModel(BaseChatModel):
    """A provider that does not answer: its client gives up after ``timeout`` seconds, as real
    clients configured by ``build_chat_model`` do, unless the test releases it first."""

    timeout: float = 0.2
    _release: threading.Event = PrivateAttr(default_factory=threading.Event)

    def release(self) -> None:
        """Let a pending call return."""
        self._release.set()

    def _generate(self, messages: list[BaseMessage], *args: Any, **kwargs: Any) -> ChatResult:
        if not self._release.wait(self.timeout):
            raise ReadTimeout("The read operation timed out")
        reply = AIMessage(content='{"label": "yes", "rationale": "late"}')
        return ChatResult(generations=[ChatGeneration(message=reply)])

    @property
    def _llm_type(self) -> str:
        return "slow"
