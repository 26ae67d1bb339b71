"""Prioritisation, the time-to-audit-ready estimate, the roadmap and the plan worked back from a date."""

from __future__ import annotations

import re
from datetime import date, timedelta
from itertools import pairwise

import pytest
from fakes.reports import make_report

from assessment.models import Gap
from assessment.report import build_view, plan, render
from assessment.report.view import say
from knowledge.ids import is_official


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


def test_a_gap_waits_for_the_gap_it_presupposes() -> None:
    restore = _gap("A1.3", "critical", "S")  # a restore test needs backups to restore from
    backups = _gap("A1.2", "low", "M")
    ordered = plan.prioritize([restore, backups])
    assert [g.criterion_id for g in ordered] == ["A1.2", "A1.3"]
    first, second = plan.schedule(ordered, plan.EFFORT_WEEKS_HIGH)
    assert second.after == ("A1.2",) and second.start_week >= first.end_week
    # Without the prerequisite open, nothing waits.
    alone = plan.schedule(plan.prioritize([restore]), plan.EFFORT_WEEKS_HIGH)
    assert alone[0].after == () and alone[0].start_week == 0


def test_foundations_lead_and_controls_presupposing_them_wait() -> None:
    gaps = [_gap("CC6.3", "critical", "S"), _gap("CC1.3", "low", "S"), _gap("CC5.3", "low", "M")]
    ordered = plan.prioritize(gaps)
    assert [g.criterion_id for g in ordered] == ["CC5.3", "CC1.3", "CC6.3"]
    by_id = {item.gap.criterion_id: item for item in plan.schedule(ordered, plan.EFFORT_WEEKS_HIGH)}
    assert by_id["CC6.3"].start_week == max(by_id["CC5.3"].end_week, by_id["CC1.3"].end_week)


def test_operating_controls_come_first_among_equals() -> None:
    reviews = _gap("CC6.3", "high", "M")  # access reviews must run through a Type II window
    firewall = _gap("CC6.6", "high", "S")  # a one-off fix
    assert plan.cadence("CC6.3") == "quarterly" and plan.cadence("CC6.6") is None
    assert [g.criterion_id for g in plan.prioritize([firewall, reviews])] == ["CC6.3", "CC6.6"]
    # Severity still decides first.
    assert plan.prioritize([_gap("CC6.6", "critical", "S"), reviews])[0].criterion_id == "CC6.6"


def test_latest_start_keeps_every_control_ready_when_the_window_opens() -> None:
    gaps = [*GAPS, _gap("A1.2", "high", "M"), _gap("A1.3", "medium", "M"), _gap("CC5.3", "low", "M")]
    planned = plan.schedule(plan.prioritize(gaps), plan.EFFORT_WEEKS_HIGH)
    window = plan.window_week(planned)
    assert window == max(item.end_week for item in planned)
    by_id = {item.gap.criterion_id: item for item in planned}
    for item in planned:
        duration = item.end_week - item.start_week
        assert item.start_week <= item.latest_start and item.latest_start + duration <= window
        for prerequisite in item.after:  # a prerequisite must end before its dependent's latest start
            before = by_id[prerequisite]
            assert before.latest_start + (before.end_week - before.start_week) <= item.latest_start
    assert by_id["A1.2"].cadence == "continuous" and by_id["CC6.1"].cadence is None


def test_plan_rules_are_validated() -> None:
    rules = plan.rules()
    assert all(is_official(c) for key, deps in rules.depends_on.items() for c in (key, *deps))
    bad = {
        "cycle": {"depends_on": {"CC6.1": ["CC6.2"], "CC6.2": ["CC6.1"]}, "operating": {}},
        "unknown id": {"depends_on": {"CC6.9": ["CC5.3"]}, "operating": {}},
        "cadence": {"depends_on": {}, "operating": {"CC6.3": "weekly"}},
        "extra": {"depends_on": {}, "operating": {}, "order": []},
    }
    for name, raw in bad.items():
        with pytest.raises(plan.PlanRulesError) as caught:
            plan.parse_rules(raw, source="plan.yaml")
        assert str(caught.value).startswith("plan.yaml: field"), name
    with pytest.raises(plan.PlanRulesError, match=re.escape("cycle CC6.1 -> CC6.2 -> CC6.1")):
        plan.parse_rules(bad["cycle"])


def test_every_control_the_bank_asks_to_show_operating_is_an_operating_control() -> None:
    from assessment.bank.loader import load_bank

    for question in load_bank().scored:
        if any(f.kind == "operating" for f in question.followups):
            for criterion_id in question.criteria:
                assert plan.cadence(criterion_id), (question.id, criterion_id)


def test_type2_view_says_when_operating_controls_must_start() -> None:
    report = make_report(report_type="type2", target_date=None)
    view = build_view(report)
    planned = plan.schedule(plan.prioritize(report.gaps), plan.EFFORT_WEEKS_HIGH)
    window = plan.window_week(planned)
    items = {item.gap.criterion_id: item for item in planned}
    operating = [g for g in view.gaps if items[g.criterion_id].cadence]
    assert operating
    for g in view.gaps:
        item = items[g.criterion_id]
        if item.cadence is None:
            assert g.window_note == ""
            continue
        assert g.window_note == say(
            "window_note",
            cadence=view.t[f"cadence_{item.cadence}"],
            start=item.start_week + 1,
            window=window + 1,
            latest=item.latest_start + 1,
        )
    assert say("estimate_window", week=window + 1, count=len(operating)) in view.estimate_text
    text = render(report, "md")
    assert operating[0].window_note in " ".join(str(text).split())


def test_type2_view_with_a_target_date_gives_start_by_dates() -> None:
    view = build_view(make_report(report_type="type2", target_date="2027-06-30"))
    assert view.target is not None and view.target.window_start is not None
    steps = {s.criterion_id: s for s in view.target.steps}
    noted = [g for g in view.gaps if g.window_note]
    assert noted
    for g in noted:
        cadence = plan.cadence(g.criterion_id)
        assert g.window_note == say(
            "window_note_target",
            cadence=view.t[f"cadence_{cadence}"],
            window_start=view.target.window_start,
            start_by=steps[g.criterion_id].start_by,
        )
        assert steps[g.criterion_id].start_by < view.target.window_start


def test_type1_view_has_no_window_notes() -> None:
    report = make_report(report_type="type1")
    view = build_view(report)
    assert all(g.window_note == "" for g in view.gaps)
    planned = plan.schedule(plan.prioritize(report.gaps), plan.EFFORT_WEEKS_HIGH)
    count = sum(1 for item in planned if item.cadence)
    assert count and say("estimate_window", week=plan.window_week(planned) + 1, count=count) not in (
        view.estimate_text
    )


def test_a_week_belongs_to_the_30_day_block_holding_most_of_its_days() -> None:
    # Week 13 is days 85 to 91: finished within 90 days. Week 9 is days 57 to 63, mostly before day 60.
    blocks = {week: plan._phase(week) for week in (1, 4, 5, 9, 10, 13, 14)}
    assert blocks == {1: "30", 4: "30", 5: "60", 9: "60", 10: "90", 13: "90", 14: "later"}
    backups, restore = _gap("A1.2", "high", "L"), _gap("A1.3", "high", "M")  # the restore test waits: 9 + 4
    phases = [item.phase for item in plan.schedule([backups, restore], plan.EFFORT_WEEKS_HIGH)]
    assert phases == ["60", "90"]


def test_work_order_numbers_never_go_back_in_time() -> None:
    report = make_report()
    planned = plan.plan_gaps(report.gaps)
    assert [item.rank for item in planned] == list(range(1, len(report.gaps) + 1))
    blocks = [("30", "60", "90", "later").index(item.phase) for item in planned]
    assert blocks == sorted(blocks)  # "Finish by" never goes back down the table
    for before, after in pairwise(planned):
        if before.phase == after.phase:
            assert before.start_week <= after.start_week
    seen: set[str] = set()
    open_ids = {g.criterion_id for g in report.gaps}
    for item in planned:  # still never before an open gap it builds on
        assert all(p in seen for p in plan.prerequisites(item.gap.criterion_id) if p in open_ids)
        seen.add(item.gap.criterion_id)
    view = build_view(report)
    assert [g.criterion_id for g in view.gaps] == [item.gap.criterion_id for item in planned]
    assert [g.rank for g in view.gaps] == [item.rank for item in planned]


def test_roadmap_weeks_and_the_open_ended_block_say_when() -> None:
    report = make_report()
    view = build_view(report)
    text = str(render(report, "md"))
    assert not re.search(r"\| (\d+)–\1 \|", text)  # "1" for a one-week item, never "1–1"
    for g in view.gaps:
        assert g.weeks == (
            str(g.end_week) if g.end_week == g.start_week + 1 else f"{g.start_week + 1}–{g.end_week}"
        )
    later = next(items for key, _, items in view.phases if key == "later")
    title = next(title for key, title, _ in view.phases if key == "later")
    assert later and title == say(
        "phase_later_weeks", first=min(g.end_week for g in later), last=max(g.end_week for g in later)
    )
    assert f"### {title}" in text and f"| {view.t['roadmap_weeks_label']} |" in text
