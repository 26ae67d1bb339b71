"""``LLMAssist``: the optional language-model upgrade of the interview, always with a fallback.

Each method returns None when anything goes wrong (no reply in time, an exception, a reply that
fails its checks), and leaves a short user-visible notice in ``last_notice`` saying that offline
behaviour was used. The model never decides a score: ``interpret`` only proposes one label for one
question, and the engine's deterministic rules do the rest.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from langchain_core.language_models import BaseChatModel
from langchain_core.messages import BaseMessage

from assessment.llm.config import build_chat_model, model_label
from assessment.llm.guards import (
    as_data,
    check_phrasing,
    cited_ids,
    invented_numbers,
    parse_label_reply,
)
from assessment.llm.prompts import format_prompt
from assessment.models import Interpretation, Question
from assessment.templates import render_message
from assessment.understanding.injection import looks_like_injection
from knowledge.models import Hit
from knowledge.settings import Settings

NOTICES_FILE = "llm/notices.yaml"
# Used only if assessment.understanding.reader has no needs_clarification(); same meaning as its threshold.
CONFIDENCE_THRESHOLD = 0.6
# A label the model proposed is recorded with this confidence: above the clarify threshold so the
# engine accepts it, below rule-based certainty so it never looks like an exact quick reply.
LLM_CONFIDENCE = 0.7
MAX_FAILURES = 3
MAX_ANSWER_CHARS = 4000
MAX_TRANSCRIPT_TURNS = 6
MAX_TURN_CHARS = 600
MAX_PASSAGES = 8
MAX_PASSAGE_CHARS = 1200
MAX_SIDE_ANSWER_CHARS = 2500
MAX_SUMMARY_CHARS = 3000


def should_ask_llm(offline: Interpretation) -> bool:
    """True when the offline reading is unsure enough that the LLM may propose a label."""
    if offline.source == "quick_reply":
        return False
    try:
        from assessment.understanding.reader import needs_clarification
    except ImportError:  # the interpreter is optional for this module
        return offline.confidence < CONFIDENCE_THRESHOLD
    return bool(needs_clarification(offline))


def notice(name: str, **values: object) -> str:
    """The user-visible fallback notice ``name`` from ``prompts/llm/notices.yaml``."""
    return render_message(name, NOTICES_FILE, **values)


def is_timeout(exc: BaseException) -> bool:
    """True when a provider call failed because its client's own timeout ran out.

    The clients raise their own classes (``httpx.ReadTimeout``, ``openai.APITimeoutError``,
    ``anthropic.APITimeoutError``, ...); they all carry "Timeout" in a class name, and a wrapper
    keeps the original as its cause.
    """
    seen: BaseException | None = exc
    for _ in range(3):
        if seen is None:
            return False
        if isinstance(seen, TimeoutError) or any("Timeout" in c.__name__ for c in type(seen).__mro__):
            return True
        seen = seen.__cause__ or seen.__context__
    return False


class LLMAssist:
    """A chat model with strict reply checks and offline fallback.

    The model's own client enforces the timeout: ``from_settings`` (through ``build_chat_model``)
    gives every documented provider ``SOC2_READY_LLM_TIMEOUT_S`` and no retry, so a call ends
    within ``timeout_s``; a model you build yourself keeps the timeout you gave its client.
    Safe to share between threads; ``last_notice`` is kept per thread. After ``max_failures``
    failed calls in a row (timeouts or errors) the assist stops calling the model.
    """

    def __init__(
        self,
        model: BaseChatModel,
        *,
        timeout_s: float = 30.0,
        max_failures: int = MAX_FAILURES,
        name: str | None = None,
    ) -> None:
        """Wrap ``model``, whose client gives up after ``timeout_s`` seconds (the notice says so)."""
        if timeout_s <= 0:
            raise ValueError(f"timeout_s must be positive, got {timeout_s}")
        self.model = model
        self.timeout_s = float(timeout_s)
        self.max_failures = max_failures
        self.name = name or model_label(model)
        self._lock = threading.Lock()
        self._failures = 0
        self._local = threading.local()

    @classmethod
    def from_settings(cls, settings: Settings | None = None) -> LLMAssist | None:
        """The assist for the configured model, or None in offline mode; raises ``LLMConfigError``."""
        from knowledge.settings import load_settings

        settings = settings if settings is not None else load_settings()
        model = build_chat_model(settings)
        if model is None:
            return None
        return cls(model, timeout_s=settings.llm_timeout_s, name=settings.llm)

    # -- state ---------------------------------------------------------------------------------

    @property
    def last_notice(self) -> str | None:
        """The fallback notice of this thread's last call, or None if it succeeded."""
        return getattr(self._local, "notice", None)

    def _set_notice(self, text: str | None) -> None:
        self._local.notice = text

    @property
    def available(self) -> bool:
        """False once the model has failed ``max_failures`` times in a row."""
        with self._lock:
            return self._failures < self.max_failures

    def _record(self, ok: bool) -> None:
        with self._lock:
            self._failures = 0 if ok else self._failures + 1

    # -- calling the model ---------------------------------------------------------------------

    def _call(self, messages: list[BaseMessage]) -> str | None:
        """The model's reply text, or None (with a notice) on timeout, error or empty reply."""
        if not self.available:
            self._set_notice(notice("disabled"))
            return None
        try:
            reply = self.model.invoke(messages)
        except Exception as exc:  # any provider error, its timeout included, means fall back
            self._record(False)
            late = is_timeout(exc)
            self._set_notice(notice("timeout", seconds=f"{self.timeout_s:g}") if late else notice("error"))
            return None
        self._record(True)
        text = str(getattr(reply, "text", "") or "").strip()
        if not text:
            self._set_notice(notice("invalid"))
            return None
        return text

    def _checked(self, reply: str | None, check: Callable[[str], Any]) -> Any:
        """``check(reply)``, or None with the "invalid" notice when the reply fails it."""
        if reply is None:
            return None
        result = check(reply)
        if result is None:
            self._set_notice(notice("invalid"))
        return result

    # -- public steps --------------------------------------------------------------------------

    def phrase_question(self, question: Question, transcript: Sequence[tuple[str, str]]) -> str | None:
        """The next question reworded to follow the conversation, or None to use the engine's text.

        ``transcript`` is ``(role, text)`` pairs, oldest first; only the last few are sent.
        """
        self._set_notice(None)
        recent = list(transcript)[-MAX_TRANSCRIPT_TURNS:]
        lines = [f"{as_data(role, 20)}: {as_data(text, MAX_TURN_CHARS)}" for role, text in recent]
        try:
            messages = format_prompt(
                "phrase_question",
                question=question.text,
                help=question.help or question.why or "(no extra explanation)",
                transcript="\n".join(lines) or "(the interview is just starting)",
            )
        except Exception:  # a broken prompt file must not break the interview
            self._set_notice(notice("error"))
            return None
        checked: str | None = self._checked(self._call(messages), lambda r: check_phrasing(r, question))
        return checked

    def interpret(self, answer: str, question: Question, offline: Interpretation) -> Interpretation | None:
        """A label proposed by the model for this one answer, or None to keep ``offline``.

        Call it only when ``should_ask_llm(offline)``; answers that read like instructions to the
        model are never sent.
        """
        self._set_notice(None)
        if not answer.strip():
            return None
        if looks_like_injection(answer):
            self._set_notice(notice("injection"))
            return None
        try:
            messages = format_prompt(
                "interpret_answer",
                question=question.text,
                help=question.help or question.why or "(no extra explanation)",
                criteria=", ".join(question.criteria) or "(scoping question)",
                answer=as_data(answer, MAX_ANSWER_CHARS),
            )
        except Exception:
            self._set_notice(notice("error"))
            return None
        parsed = self._checked(self._call(messages), parse_label_reply)
        if parsed is None:
            return None
        label, rationale = parsed
        return Interpretation(label, LLM_CONFIDENCE, rationale, "llm")

    def answer_side_question(self, query: str, hits: Sequence[Hit]) -> tuple[str, tuple[str, ...]] | None:
        """An answer grounded only in ``hits`` and the criterion IDs it cites, or None.

        When the passages do not cover the question the answer says so and cites nothing.
        """
        self._set_notice(None)
        if not query.strip():
            return None
        if not hits:
            self._set_notice(notice("no_passages"))
            return None
        if looks_like_injection(query):
            self._set_notice(notice("injection"))
            return None
        chosen = list(hits)[:MAX_PASSAGES]
        passages = "\n\n".join(
            f"[{hit.criterion_id}] {hit.title}\n{as_data(hit.text, MAX_PASSAGE_CHARS)}" for hit in chosen
        )
        try:
            messages = format_prompt(
                "side_question", query=as_data(query, MAX_ANSWER_CHARS), passages=passages
            )
        except Exception:
            self._set_notice(notice("error"))
            return None
        allowed = [hit.criterion_id for hit in chosen]

        def check(reply: str) -> tuple[str, tuple[str, ...]] | None:
            if reply.strip().strip(".").upper() == "NOT_COVERED":
                return notice("not_covered"), ()
            citations = cited_ids(reply, allowed)
            if not citations or len(reply) > MAX_SIDE_ANSWER_CHARS or "NOT_COVERED" in reply:
                return None
            return reply, citations

        result: tuple[str, tuple[str, ...]] | None = self._checked(self._call(messages), check)
        return result

    def summarize_report(self, figures: Mapping[str, object]) -> str | None:
        """An executive-summary narrative of ``figures``, or None if it would add any number."""
        self._set_notice(None)
        if not figures:
            return None
        try:
            text = json.dumps(figures, sort_keys=True, default=str, indent=1, ensure_ascii=False)
            messages = format_prompt("report_summary", figures=as_data(text, 12_000))
        except Exception:
            self._set_notice(notice("error"))
            return None

        def check(reply: str) -> str | None:
            if len(reply) > MAX_SUMMARY_CHARS or invented_numbers(reply, figures):
                return None
            return reply

        summary: str | None = self._checked(self._call(messages), check)
        return summary


def as_assist(llm: BaseChatModel | LLMAssist | None, *, timeout_s: float | None = None) -> LLMAssist | None:
    """What the engine holds: None stays None (offline), a chat model is wrapped, an assist is kept."""
    if llm is None or isinstance(llm, LLMAssist):
        return llm
    if isinstance(llm, BaseChatModel):
        return LLMAssist(llm, timeout_s=timeout_s if timeout_s is not None else Settings().llm_timeout_s)
    raise TypeError(f"llm must be a LangChain BaseChatModel or None, not {type(llm).__name__}")


def describe_mode(source: Settings | str | BaseChatModel | LLMAssist | None) -> str:
    """``"Offline mode"`` or ``"LLM: provider:model"`` for the app's status line."""
    if source is None:
        return notice("mode_offline")
    if isinstance(source, LLMAssist):
        return notice("mode_llm" if source.available else "mode_llm_failed", model=source.name)
    if isinstance(source, BaseChatModel):
        return notice("mode_llm", model=model_label(source))
    spec = source.llm if isinstance(source, Settings) else source
    spec = (spec or "").strip()
    return notice("mode_llm", model=spec) if spec else notice("mode_offline")
