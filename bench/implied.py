"""Count the questions a company with almost nothing in place is asked; prints figures, asserts nothing.

The simulated founder has MFA and HTTPS and nothing else: every other scored question gets a plain
denial ("No, we've never done that"), every follow-up a "no". Answers that deny a control settle the
questions that presuppose it (implied answers), so this counts how many questions are left to ask.

    python bench/implied.py
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from assessment import Interview, Question  # noqa: E402

IN_PLACE = {"cc6_1_mfa_sso", "cc6_7_encryption_in_transit"}  # the little that is in place
DENIALS = ("No, we've never done that.", "Nothing formal, no.", "We don't have that yet.")
SCOPING = {
    "scope_company_size": "4 people",
    "scope_hosting": "AWS",
    "scope_has_office": "no, fully remote",
    "scope_personal_data": "yes",
    "scope_uptime_commitment": "yes",
    "scope_processes_for_customers": "yes",
    "scope_confidential_data": "yes",
    "scope_audit_deadline": "no date yet",
}


def reply(question: Question, turn: int) -> str:
    """The founder's answer: scoping facts, yes for the two controls in place, a denial otherwise."""
    if question.kind == "scoping":
        return SCOPING.get(question.id, "not sure")
    if question.kind == "scope_confirm":
        return "all five"
    if question.kind == "carve_out":
        return "yes"
    if question.kind == "clarify":
        return "No"
    if question.id in IN_PLACE:
        return "Yes, enforced for everyone."
    return DENIALS[turn % len(DENIALS)] if question.kind == "scored" else "No"


def run(scope: set[str] | None, report_type: str) -> tuple[int, int]:
    """(questions asked, answers settled by implication) for one interview run to the end."""
    iv = Interview(scope=scope, report_type=report_type)
    turn = 0
    while (question := iv.next_question()) is not None and turn < 300:
        iv.answer(reply(question, turn))
        turn += 1
    implied = sum(1 for record in iv.answers() if record.source == "implied")
    return iv.report().questions_asked, implied


def main() -> int:
    """Print questions asked per set-up."""
    setups = {
        "security, Type I (scope given)": ({"security"}, "type1"),
        "security, Type II (scope given)": ({"security"}, "type2"),
        "all five, Type II (via scoping)": (None, "type2"),
    }
    print(f"{'set-up':<34}{'questions asked':>16}{'settled by implication':>24}")
    for name, (scope, report_type) in setups.items():
        asked, implied = run(scope, report_type)
        print(f"{name:<34}{asked:>16}{implied:>24}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
