"""Typed messages answered once per client id, the ids saved with the session (a mixin of ``Interview``).

A client that holds a message until it is acknowledged (the web chat box) sends it again when the
acknowledgement is lost, possibly to another process or replica after a reconnect. Its id, saved in
the session (``submission_ids``, the most recent ``MAX_SUBMISSION_IDS``), makes the repeat a no-op;
with ``LiveSession.apply`` the check runs inside the compare-and-set, so two replicas taking the same
repeat at once record it once.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING

from assessment.interview.session import SessionState, check_submission_id, note_submission
from assessment.models import Reply


class SubmissionHandlers:
    """``answer_once`` and ``submission_ids``, shared by ``Interview``; ``answer`` comes from the facade."""

    _state: SessionState
    _lock: threading.RLock

    if TYPE_CHECKING:  # provided by the facade

        def answer(self, text: str) -> Reply: ...

    def answer_once(self, text: str, submission_id: str) -> Reply | None:
        """``answer(text)`` unless the message ``submission_id`` was answered already (None, no change).

        ``ValueError`` (and no change) for an id that cannot be saved: 1 to 80 letters, digits or _.:-.
        """
        with self._lock:
            if submission_id in self._state.submission_ids:
                return None
            check_submission_id(submission_id)
            reply = self.answer(text)
            note_submission(self._state, submission_id)
            return reply

    @property
    def submission_ids(self) -> tuple[str, ...]:
        """The ids of the most recent messages answered with ``answer_once``, oldest first."""
        with self._lock:
            return tuple(self._state.submission_ids)
