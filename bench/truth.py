"""Ground truth of a simulated company, made consistent with the premises the question bank states.

A company file gives each criterion's true status independently, so some files claim, for example, a
fraud-risk assessment (CC3.3 met) with no risk assessment at all (CC3.2 missing). The bank says such
a follow-on control presupposes its premise (``presupposes:``), and the engine settles it as "no"
when the premise is denied. Scoring the engine against a truth no real company can have would count
that correct inference as an error, so the benches score against the consistent truth by default;
``--as-written`` keeps the files' truth (both figures are in the README).
"""

from __future__ import annotations

from collections.abc import Mapping

from assessment.bank.loader import QuestionBank, default_bank, primary_criterion


def consistent_truth(
    truth: Mapping[str, str], bank: QuestionBank | None = None
) -> tuple[dict[str, str], tuple[str, ...]]:
    """``truth`` with every criterion whose premise is missing set to missing; and which changed.

    Premises chain (a premise may have its own), so this repeats until nothing changes.
    """
    bank = bank or default_bank()
    fixed = dict(truth)
    changed: list[str] = []
    premises = [(q, bank.get(q.presupposes)) for q in bank.scored if q.presupposes]
    moved = True
    while moved:
        moved = False
        for question, premise in premises:
            criterion = primary_criterion(question)
            if fixed.get(primary_criterion(premise)) == "missing" and fixed.get(criterion) not in (
                None,
                "missing",
            ):
                fixed[criterion] = "missing"
                changed.append(criterion)
                moved = True
    return fixed, tuple(changed)
