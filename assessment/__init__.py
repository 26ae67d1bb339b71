"""The SOC 2 readiness interview: questions, answer interpretation, scoring and the report.

Typical use::

    from assessment import Interview
    iv = Interview(scope=None)
    while (q := iv.next_question()) is not None:
        reply = iv.answer(input(q.text + " "))
    report = iv.report()
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from assessment.models import Gap, Interpretation, Question, Reply, Report

if TYPE_CHECKING:
    from assessment.interview.engine import Interview
    from assessment.understanding.reader import interpret, needs_clarification

# The engine and the answer reader load on first use, so importing a submodule (the CLI's
# ``--help``, ``assessment.models``) does not pay for the question bank and the reader.
_LAZY = {
    "Interview": "assessment.interview.engine",
    "interpret": "assessment.understanding.reader",
    "needs_clarification": "assessment.understanding.reader",
}

__all__ = [
    "Gap",
    "Interpretation",
    "Interview",
    "Question",
    "Reply",
    "Report",
    "interpret",
    "needs_clarification",
]


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'assessment' has no attribute {name!r}")
