"""Scan evidence in the interview: importing a Prowler scan and confirming a pre-filled reading (a mixin).

A scan is a helper, never the verdict: questions whose criterion it checked show what it found and a
proposed reading, which the founder confirms in one reply or answers normally.
"""

from __future__ import annotations

import os
import threading
from typing import TYPE_CHECKING, Any

from assessment.bank.loader import primary_criterion
from assessment.evidence import EvidenceSummary, read_scan
from assessment.evidence import prefill as evidence_prefill
from assessment.interview import flow
from assessment.interview.flow import Context, Slot
from assessment.interview.session import SessionState, new_event
from assessment.models import Question, Reply


class EvidenceHandlers:
    """Scan import and confirmation shared by ``Interview``; hooks come from the facade."""

    _state: SessionState
    _ctx: Context
    _lock: threading.RLock
    _scans: tuple[EvidenceSummary, ...]

    if TYPE_CHECKING:  # provided by the facade

        def _record(self, event: dict[str, Any]) -> None: ...
        def _after_answer(self, reply: Reply) -> Reply: ...
        def _say(self, role: str, text: str) -> None: ...

    def import_evidence(
        self, source: str | os.PathLike[str] | bytes, name: str | None = None
    ) -> EvidenceSummary:
        """Import a Prowler compliance CSV or OCSF JSON (a path, or the file's bytes and its name).

        Questions whose criterion the scan checked then show the evidence and a proposed reading the
        founder confirms or changes. A new scan of the same provider and accounts replaces the earlier
        one. A bad file raises ``EvidenceError`` (a ``ValueError`` with the message to show) and the
        session is left exactly as it was.
        """
        summary = read_scan(source, name)  # outside the lock: a big file must not hold up the chat
        with self._lock:
            key = (summary.info.provider, summary.info.accounts)
            kept = [s for s in self._scans if (s.info.provider, s.info.accounts) != key]
            replaced = len(kept) < len(self._scans)
            self._scans = (*kept, summary)
            self._state.evidence = [s.to_dict() for s in self._scans]
            self._state.presented = None  # the open question is shown again, with its evidence
            d = flow.derive(self._state, self._ctx)
            scope = flow.planning_scope(d)
            prefilled = sum(
                1
                for q in self._ctx.ordered
                if q.id not in d.settled
                and flow.is_eligible(q, d, scope)
                and evidence_prefill.proposed_label(
                    evidence_prefill.evidence_for([summary], primary_criterion(q))
                )
            )
            self._say("assistant", evidence_prefill.import_message(summary, replaced, prefilled))
        return summary

    def _confirm_reading(self, slot: Slot, question: Question, text: str) -> Reply:
        label = question.proposed_label or "unknown"
        self._record(
            new_event(slot.qid, slot.kind, text=text, label=label, confidence=1.0, source="evidence")
        )
        return self._after_answer(Reply(evidence_prefill.confirmed_message(label), label, "answer"))
