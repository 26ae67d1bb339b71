"""A stored interview shared by several writers (tabs, processes, replicas) without lost answers.

``LiveSession`` pairs an ``Interview`` with the store version it was loaded at. ``apply`` runs one
change (an answer, ``back``, ...) and saves it with a compare-and-set; when someone else saved in
between, it reloads the stored session, replays the same change on it and tries again, so every
writer's answers end up in the store, each exactly once. After ``MAX_ATTEMPTS`` conflicts in a row it
gives up with ``VersionConflict`` and nothing is saved: the caller says so instead of guessing.

One browser tab can have two script runs at once (Streamlit starts a new run on a new thread while
the old one finishes), so ``refresh``, ``save`` and ``apply`` hold a per-session lock: a reload in
one run can never swap the interview out under an answer another run is applying and saving.
"""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypeVar

from assessment.interview.storage import SessionStore, VersionConflict

if TYPE_CHECKING:
    from assessment.interview.engine import Interview

T = TypeVar("T")
MAX_ATTEMPTS = 40
BACKOFF_S = 0.005  # random wait of up to attempt x this after a conflict, so writers stop colliding
Restore = Callable[[dict[str, Any]], "Interview"]


@dataclass
class LiveSession:
    """An interview, its session id and the store version its state was read at (0: not saved yet)."""

    store: SessionStore
    session_id: str
    interview: Interview
    version: int = 0
    _lock: threading.RLock = field(default_factory=threading.RLock, init=False, repr=False, compare=False)

    @classmethod
    def open(cls, store: SessionStore, session_id: str, restore: Restore) -> LiveSession | None:
        """The stored session rebuilt with ``restore``, or None when nothing is stored under the id."""
        stored = store.load_versioned(session_id)
        if stored is None:
            return None
        return cls(store, session_id, restore(stored.data), stored.version)

    def refresh(self, restore: Restore) -> bool:
        """Reload when another writer saved since; True if the interview was replaced."""
        with self._lock:
            current = self.store.version_of(self.session_id)
            if current is None or current == self.version:
                return False
            stored = self.store.load_versioned(self.session_id)
            if stored is None:
                return False
            self.interview = restore(stored.data)
            self.version = stored.version
            return True

    def save(self) -> None:
        """Save the interview as it is (compare-and-set); ``VersionConflict`` if someone else saved."""
        with self._lock:
            self.interview.present()  # the question shown next is part of the saved chat
            self.version = self.store.save(self.session_id, self.interview.to_dict(), self.version)

    def apply(self, change: Callable[[Interview], T], restore: Restore) -> T:
        """Run ``change`` on the interview and save it; on a conflict reload, replay and retry."""
        with self._lock:
            for attempt in range(MAX_ATTEMPTS):
                before = self.interview.to_dict()
                result = change(self.interview)
                try:
                    self.save()
                    return result
                except VersionConflict:
                    time.sleep(random.uniform(0, BACKOFF_S * (attempt + 1)))
                    stored = self.store.load_versioned(self.session_id)
                    if stored is None:  # deleted meanwhile: replay on our own state as a new row
                        self.interview, self.version = restore(before), 0
                    else:
                        self.interview, self.version = restore(stored.data), stored.version
            raise VersionConflict(self.session_id, self.version)
