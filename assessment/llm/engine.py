"""The LLM side of one Interview: which steps ask the model, what they send, and the caches.

The engine calls these only when an LLM is configured. Every step has an offline fallback and
returns the notice to show when it was used; nothing here touches scores or the session log
except through the one label ``read_answer`` may propose.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

from assessment.interview.intents import CRITERION_MENTION, default_retriever
from assessment.llm.assist import LLMAssist, as_assist, describe_mode, should_ask_llm
from assessment.models import Interpretation, Question, Report
from knowledge.corpus import Corpus
from knowledge.models import CATEGORY_TITLES, Hit

# Scoping, scored and follow-up questions are plain sentences; the scope confirmation and the
# carve-out question list categories and providers, and a clarification quotes its question.
PHRASED_KINDS = frozenset({"scoping", "scored", "followup"})
SIDE_PASSAGES = 5
SUMMARY_TOP_GAPS = 5
_MAX_CACHED = 256


@dataclass(frozen=True)
class SideReply:
    """The model's grounded answer to a side question and the criterion IDs it cites."""

    message: str
    citations: tuple[str, ...]


def report_figures(report: Report) -> dict[str, object]:
    """The engine's figures, as the model may quote them in the executive summary (rounded as shown)."""
    severities: dict[str, int] = {}
    for gap in report.gaps:
        severities[gap.severity] = severities.get(gap.severity, 0) + 1
    return {
        "company": report.session_name,
        "report_type": "Type II" if report.report_type == "type2" else "Type I",
        "interview_finished": report.finished,
        "categories_in_scope": [CATEGORY_TITLES.get(c, c) for c in report.scope],
        "overall_readiness_percent": round(report.overall),
        "type1_readiness_percent": round(report.type1_readiness),
        "type2_readiness_percent": round(report.type2_readiness),
        "category_readiness_percent": {
            CATEGORY_TITLES.get(c, c): round(score) for c, score in report.category_scores.items()
        },
        "open_gaps": len(report.gaps),
        "open_gaps_by_severity": severities,
        "most_important_gaps": [
            {"criterion": g.criterion_id, "title": g.title, "severity": g.severity, "effort": g.effort}
            for g in report.gaps[:SUMMARY_TOP_GAPS]
        ],
        "criteria_not_assessed": len(report.not_assessed),
        "target_audit_date": report.target_date or "none given",
    }


class InterviewLLM:
    """One interview's use of a (possibly shared) ``LLMAssist``, with per-interview caches."""

    def __init__(self, assist: LLMAssist) -> None:
        """Wrap ``assist``; the caches start empty (they are never saved with the session)."""
        self.assist = assist
        self._lock = threading.Lock()
        self._phrasings: dict[str, str] = {}
        self._narratives: dict[str, str] = {}

    @classmethod
    def wrap(cls, llm: Any) -> InterviewLLM:
        """For a LangChain chat model or an ``LLMAssist``; ``TypeError`` for anything else."""
        assist = as_assist(llm)
        if assist is None:
            raise TypeError("llm is None: offline mode needs no InterviewLLM")
        return cls(assist)

    @property
    def mode(self) -> str:
        """``"LLM: provider:model"`` (or the offline note once the model keeps failing)."""
        return describe_mode(self.assist)

    # -- questions -----------------------------------------------------------------------------

    def phrase(self, key: str, question: Question, transcript: Sequence[tuple[str, str]]) -> str | None:
        """The conversational wording of ``question`` shown under ``key``; asked once per key."""
        with self._lock:
            if key in self._phrasings:
                return self._phrasings[key]
        if question.kind not in PHRASED_KINDS:
            return None
        phrased = self.assist.phrase_question(question, transcript)
        if phrased is None or phrased == question.text:
            return None
        with self._lock:
            if len(self._phrasings) >= _MAX_CACHED:
                self._phrasings.clear()
            self._phrasings[key] = phrased
        return phrased

    def phrased(self, key: str) -> str | None:
        """The wording already chosen for ``key``, if any (no model call)."""
        with self._lock:
            return self._phrasings.get(key)

    # -- answers -------------------------------------------------------------------------------

    def read_answer(
        self, text: str, question: Question, offline: Interpretation
    ) -> tuple[Interpretation, str | None]:
        """The model's label when the offline reading is unsure, else ``offline``; plus a notice.

        The model can only choose one label of the fixed set for this one question; anything
        else, and any failure, keeps the offline reading and returns the fallback notice.
        """
        if not should_ask_llm(offline):
            return offline, None
        proposal = self.assist.interpret(text, question, offline)
        if proposal is None:
            return offline, self.assist.last_notice
        return proposal, None

    # -- side questions ------------------------------------------------------------------------

    def side_question(self, text: str, retriever: Any, corpus: Corpus) -> tuple[SideReply | None, str | None]:
        """A grounded answer from retrieved passages, or ``(None, notice)`` to answer offline.

        ``retriever`` None means the default index. Criteria the founder names by ID have their
        own passage put first.
        """
        hits: list[Hit] = []
        mentioned = [".".join(m.group(0).upper().split(".")[:2]) for m in CRITERION_MENTION.finditer(text)]
        for cid in mentioned:
            try:
                criterion = corpus.get(cid)
            except KeyError:
                continue
            if all(h.criterion_id != cid for h in hits):
                hits.append(
                    Hit(cid, 1.0, criterion.in_practice, criterion.title, category=criterion.category)
                )
        try:
            found = (retriever or default_retriever()).search(text, k=SIDE_PASSAGES, categories=None)
        except Exception:  # no index: the offline answer has its own lexical fallback
            found = []
        hits += [h for h in found if all(h.criterion_id != o.criterion_id for o in hits)]
        result = self.assist.answer_side_question(text, hits[:SIDE_PASSAGES])
        if result is None:
            return None, self.assist.last_notice
        message, citations = result
        return SideReply(message, citations), None

    # -- report --------------------------------------------------------------------------------

    def with_narrative(self, report: Report) -> Report:
        """``report`` with ``summary_narrative`` filled when the model wrote one (figures untouched)."""
        text = self.narrative(report)
        return replace(report, summary_narrative=text) if text else report

    def narrative(self, report: Report) -> str | None:
        """The executive-summary prose for the report's figures; asked once per set of figures."""
        figures = report_figures(report)
        key = json.dumps(figures, sort_keys=True, default=str)
        with self._lock:
            if key in self._narratives:
                return self._narratives[key]
        text = self.assist.summarize_report(figures)
        if text is None:
            return None
        with self._lock:
            if len(self._narratives) >= _MAX_CACHED:
                self._narratives.clear()
            self._narratives[key] = text
        return text
