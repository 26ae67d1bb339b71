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


class SlowChatModel(BaseChatModel):
    """A provider that does not answer until released."""

    _release: threading.Event = PrivateAttr(default_factory=threading.Event)

    def release(self) -> None:
        """Let the pending call return."""
        self._release.set()

    def _generate(self, messages: list[BaseMessage], *args: Any, **kwargs: Any) -> ChatResult:
        self._release.wait(30)
        reply = AIMessage(content='{"label": "yes", "rationale": "late"}')
        return ChatResult(generations=[ChatGeneration(message=reply)])

    @property
    def _llm_type(self) -> str:
        return "slow"
