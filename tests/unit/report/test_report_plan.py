"""Prioritisation, the time-to-audit-ready estimate, the roadmap and the plan worked back from a date."""

from __future__ import annotations

from datetime import date, timedelta

from assessment.models import Gap
from assessment.report import plan


def _gap(cid: str, severity: str, effort: str) -> Gap:
    return Gap(cid, cid, "security", "missing", severity, effort, ("do it",), ("proof",))  # type: ignore[arg-type]


GAPS = [
    _gap("CC6.1", "high", "L"),
    _gap("CC6.2", "critical", "M"),
    _gap("CC6.3", "high", "S"),
    _gap("CC7.1", "critical", "S"),
    _gap("CC8.1", "low", "S"),
]


def test_priority_is_severity_then_quick_wins() -> None:
    ordered = [g.criterion_id for g in plan.prioritize(GAPS)]
    assert ordered == ["CC7.1", "CC6.2", "CC6.3", "CC6.1", "CC8.1"]


def test_estimate_runs_three_workstreams_in_parallel() -> None:
    ordered = plan.prioritize(GAPS)
    estimate = plan.estimate(ordered)
    # Tracks: CC7.1 (0-1) then CC6.1 (1-9/10); CC6.2 (0-3/4) then CC8.1; CC6.3 (0-1).
    assert (estimate.weeks_low, estimate.weeks_high) == (9, 10)
    assert estimate.type2_weeks_low == 9 + plan.OBSERVATION_WEEKS_MIN
    assert estimate.effort_counts == {"S": 3, "M": 1, "L": 1}
    assert plan.estimate([]).weeks_high == 0


def test_roadmap_phases_follow_finish_week() -> None:
    scheduled = plan.schedule(plan.prioritize(GAPS), plan.EFFORT_WEEKS_HIGH)
    phases = {item.gap.criterion_id: item.phase for item in scheduled}
    assert phases["CC7.1"] == "30" and phases["CC6.2"] == "30"
    assert phases["CC6.1"] == "90"  # starts in week 1, takes 9 weeks


def test_type2_target_plan_starts_window_three_months_before() -> None:
    today = date(2026, 1, 5)
    tp = plan.target_plan(plan.prioritize(GAPS), today, date(2026, 12, 1), "type2")
    assert tp.window_start == date(2026, 12, 1) - timedelta(weeks=plan.OBSERVATION_WEEKS_MIN)
    assert tp.realistic
    assert set(tp.must_operate) == {g.criterion_id for g in GAPS}
    assert all(today <= step.start_by < step.done_by <= tp.controls_ready_by for step in tp.steps)


def test_unrealistic_target_gives_the_earliest_date() -> None:
    today = date(2026, 1, 5)
    tp = plan.target_plan(plan.prioritize(GAPS), today, date(2026, 2, 1), "type2")
    assert not tp.realistic
    assert tp.earliest_target == today + timedelta(weeks=10 + plan.OBSERVATION_WEEKS_MIN)
    type1 = plan.target_plan(plan.prioritize(GAPS), today, date(2026, 2, 1), "type1")
    assert type1.window_start is None and not type1.realistic
    assert type1.earliest_target == today + timedelta(weeks=10 + plan.AUDIT_PREP_WEEKS)


def test_parse_date_rejects_garbage() -> None:
    assert plan.parse_date("2026-09-30") == date(2026, 9, 30)
    assert plan.parse_date("2026-09-30T10:00:00") == date(2026, 9, 30)
    assert plan.parse_date("next spring") is None
    assert plan.parse_date(None) is None
