"""The SOC 2 readiness interview: questions, answer interpretation, scoring and the report.

Typical use::

    from assessment import Interview
    iv = Interview(scope=None)
    while (q := iv.next_question()) is not None:
        reply = iv.answer(input(q.text + " "))
    report = iv.report()
"""

from __future__ import annotations

from assessment.interview.engine import Interview
from assessment.models import Gap, Interpretation, Question, Reply, Report
from assessment.understanding.reader import interpret

__all__ = ["Gap", "Interpretation", "Interview", "Question", "Reply", "Report", "interpret"]
