"""Prioritisation and timing of open gaps: order, effort estimate, 30/60/90-day roadmap, target-date plan.

The model is deliberately simple and explainable to a founder:

* Foundations come first, because other controls presuppose them: written policies (CC5.3), then
  the risk assessment (CC3.1 to CC3.4), then ownership and reporting lines (CC1.3). An access review
  needs an access policy to review against and an owner to run it; an auditor tests the risk
  assessment before the controls chosen from it.
* The other gaps follow in priority order: severity first, then controls that must operate through a
  Type II observation window (access reviews, monitoring, change management, backups, ...: the
  ``operating`` list of ``data/plan.yaml``) before one-off fixes, then effort (quick wins first among
  equals), then the official criterion order so the result is deterministic.
* Dependencies (``depends_on`` in ``data/plan.yaml``): a gap whose control presupposes another open
  gap is ordered after it and starts only when it is finished (a restore test after the backups).
* Effort sizes map to calendar weeks of part-time work: S about 1 week, M 3-4 weeks, L about two
  months (8-9 weeks).
* The roadmap's 30-day blocks hold whole weeks: a week belongs to the block that holds most of its
  days (weeks 1-4, 5-9, 10-13, then after 90 days), so a gap finishing in week 13 (days 85-91) is
  finished within 90 days.
* The report numbers the gaps in the order the work happens (``work_order``): by the block they
  finish in, then the week they start, then priority. A gap that waits for another can start later
  than a lower-priority one, so priority alone would list a gap due in days 31 to 60 before one due
  in days 1 to 30.
* A startup usually runs a few workstreams side by side (policies and people, engineering and
  infrastructure, vendors and operations), so gaps are list-scheduled on ``TRACKS`` parallel tracks:
  each gap starts on the first track that comes free. Scheduling with the low and the high sizes gives
  the range of the time to audit-ready.
* A Type II report also needs an observation window in which the controls run and leave records:
  typically 3 to 6 months, never planned shorter than ``OBSERVATION_WEEKS_MIN``. It can open once
  every gap is closed; each operating control gets the latest week it may start and still be
  running, with records, on the window's first day (``ScheduledGap.latest_start``).
"""

from __future__ import annotations

import heapq
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta
from functools import lru_cache
from importlib.resources import files
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, ValidationError, field_validator

from assessment.models import Effort, Gap, ReportType
from knowledge.ids import is_official
from knowledge.yaml_files import load_yaml

SEVERITY_RANK = {"critical": 0, "high": 1, "medium": 2, "low": 3}
EFFORT_RANK = {"S": 0, "M": 1, "L": 2}
EFFORT_WEEKS_LOW: dict[Effort, int] = {"S": 1, "M": 3, "L": 8}
EFFORT_WEEKS_HIGH: dict[Effort, int] = {"S": 1, "M": 4, "L": 9}
TRACKS = 3
OBSERVATION_WEEKS_MIN = 13  # three months
OBSERVATION_WEEKS_TYPICAL_MAX = 26  # six months
AUDIT_PREP_WEEKS = 2  # book the auditor, gather evidence, fix last findings before fieldwork
PHASES: tuple[tuple[str, int], ...] = (("30", 30), ("60", 60), ("90", 90), ("later", 10**9))


# Criteria other controls presuppose, in the order they are built (see the module docstring).
FOUNDATIONS: tuple[str, ...] = ("CC5.3", "CC3.1", "CC3.2", "CC3.3", "CC3.4", "CC1.3")
RULES_FILE = "plan.yaml"
Cadence = Literal["continuous", "per_event", "quarterly", "yearly"]


class PlanRulesError(ValueError):
    """``plan.yaml`` is malformed; the message names the file, the field and the reason."""


class _RulesFile(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    depends_on: dict[str, tuple[str, ...]]
    operating: dict[str, Cadence]

    @field_validator("depends_on")
    @classmethod
    def _ids(cls, value: dict[str, tuple[str, ...]]) -> dict[str, tuple[str, ...]]:
        for key, needed in value.items():
            for cid in (key, *needed):
                if not is_official(cid):
                    raise ValueError(f"{cid!r} is not one of the 61 criterion IDs")
            if key in needed:
                raise ValueError(f"{key} depends on itself")
        return value

    @field_validator("operating")
    @classmethod
    def _operating_ids(cls, value: dict[str, Cadence]) -> dict[str, Cadence]:
        for cid in value:
            if not is_official(cid):
                raise ValueError(f"{cid!r} is not one of the 61 criterion IDs")
        return value


@dataclass(frozen=True)
class PlanRules:
    """Which controls presuppose which, and which must operate through a Type II window."""

    depends_on: dict[str, tuple[str, ...]]
    operating: dict[str, Cadence]


def _cycle(depends_on: dict[str, tuple[str, ...]]) -> list[str] | None:
    state: dict[str, int] = {}  # 1: on the current path, 2: finished

    def visit(node: str, path: list[str]) -> list[str] | None:
        if state.get(node) == 1:
            return [*path[path.index(node) :], node]
        if state.get(node) == 2:
            return None
        state[node] = 1
        for nxt in depends_on.get(node, ()):
            found = visit(nxt, [*path, node])
            if found:
                return found
        state[node] = 2
        return None

    return next((c for c in (visit(n, []) for n in sorted(depends_on)) if c), None)


def parse_rules(raw: object, source: str = RULES_FILE) -> PlanRules:
    """Validate plan rules; errors name the file, the field and the reason (a cycle is an error)."""
    try:
        data = _RulesFile.model_validate(raw)
    except ValidationError as exc:
        err = exc.errors()[0]
        raise PlanRulesError(
            f"{source}: field {'.'.join(str(p) for p in err['loc'])!r}: {err['msg']}"
        ) from None
    cycle = _cycle(data.depends_on)
    if cycle:
        raise PlanRulesError(f"{source}: field 'depends_on': dependency cycle {' -> '.join(cycle)}")
    return PlanRules(dict(data.depends_on), dict(data.operating))


@lru_cache(maxsize=1)
def rules() -> PlanRules:
    """The plan rules shipped with the package (read once per process)."""
    try:
        text = (files("assessment.report") / "data" / RULES_FILE).read_text(encoding="utf-8")
        raw = load_yaml(text)
    except (OSError, yaml.YAMLError) as exc:
        raise PlanRulesError(f"{RULES_FILE}: cannot read: {exc}") from exc
    return parse_rules(raw)


def prerequisites(criterion_id: str) -> tuple[str, ...]:
    """The criteria whose controls ``criterion_id`` presupposes."""
    return rules().depends_on.get(criterion_id, ())


def cadence(criterion_id: str) -> Cadence | None:
    """How often a control must run through a Type II window; None for a one-off fix."""
    return rules().operating.get(criterion_id)


@lru_cache(maxsize=1)
def _criterion_order() -> dict[str, int]:
    from knowledge.corpus import default_corpus

    return {cid: index for index, cid in enumerate(default_corpus().ids)}


def criterion_order(criterion_id: str) -> tuple[int, str]:
    """Official criterion order (CC1.1 … P8.1) as a sort key; unknown IDs sort last, by ID."""
    return _criterion_order().get(criterion_id, 10**6), criterion_id


def priority_key(gap: Gap, order: Callable[[str], object] | None = None) -> tuple[int, int, int, int, object]:
    """Sort key of a gap: foundations first, then severity, operating controls, effort, criterion order."""
    tie = order(gap.criterion_id) if order else criterion_order(gap.criterion_id)
    if gap.criterion_id in FOUNDATIONS:
        return 0, FOUNDATIONS.index(gap.criterion_id), 0, 0, tie
    operating = 0 if cadence(gap.criterion_id) else 1
    return 1, SEVERITY_RANK.get(gap.severity, 9), operating, EFFORT_RANK.get(gap.effort, 9), tie


def prioritize(gaps: Sequence[Gap], order: Callable[[str], object] | None = None) -> list[Gap]:
    """Gaps in the order a founder should tackle them (the app and every export use this order).

    Priority order, except that a gap never comes before an open gap it depends on.
    """
    pending = sorted(gaps, key=lambda gap: priority_key(gap, order))
    open_ids = {gap.criterion_id for gap in gaps}
    placed: list[Gap] = []
    done: set[str] = set()
    while pending:
        index = next(
            (
                i
                for i, gap in enumerate(pending)
                if all(p in done or p not in open_ids for p in prerequisites(gap.criterion_id))
            ),
            0,  # unreachable with acyclic rules; keeps a duplicated gap from stalling the loop
        )
        gap = pending.pop(index)
        placed.append(gap)
        done.add(gap.criterion_id)
    return placed


@dataclass(frozen=True)
class ScheduledGap:
    """When a gap is worked on in the plan, in weeks from the start of the plan."""

    gap: Gap
    rank: int
    start_week: int
    end_week: int
    phase: str  # "30", "60", "90" or "later": the 30-day block in which the work is finished
    after: tuple[str, ...] = ()  # open gaps it waits for (their controls are presupposed)
    cadence: Cadence | None = None  # set for a control that must operate through a Type II window
    latest_start: int = 0  # the latest start that still has it running when the window opens


def window_week(planned: Sequence[ScheduledGap]) -> int:
    """The week a Type II observation window can open: when the last gap is closed."""
    return max((item.end_week for item in planned), default=0)


def _phase(end_week: int) -> str:
    days = end_week * 7 - 3  # the middle day of the week the gap finishes in
    for key, limit in PHASES:
        if days <= limit:
            return key
    return "later"


def schedule(ordered: Sequence[Gap], weeks: dict[Effort, int], tracks: int = TRACKS) -> list[ScheduledGap]:
    """List-schedule gaps in the given order on ``tracks`` parallel workstreams.

    A gap starts on the first track that comes free, but not before the open gaps it depends on are
    finished. ``latest_start`` works back from the window week through the gaps that depend on it.
    """
    free_at = [0] * max(1, tracks)
    heapq.heapify(free_at)
    ends: dict[str, int] = {}
    rows: list[tuple[Gap, int, int, tuple[str, ...]]] = []
    for gap in ordered:
        after = tuple(p for p in prerequisites(gap.criterion_id) if p in ends)
        start = max([heapq.heappop(free_at), *(ends[p] for p in after)])
        end = start + weeks.get(gap.effort, weeks["M"])
        heapq.heappush(free_at, end)
        ends[gap.criterion_id] = end
        rows.append((gap, start, end, after))
    window = max(ends.values(), default=0)
    latest_end: dict[str, int] = {}
    latest: dict[str, int] = {}
    for gap, start, end, after in reversed(rows):
        cid = gap.criterion_id
        latest[cid] = latest_end.get(cid, window) - (end - start)
        for prerequisite in after:
            latest_end[prerequisite] = min(latest_end.get(prerequisite, window), latest[cid])
    return [
        ScheduledGap(
            gap, rank, start, end, _phase(end), after, cadence(gap.criterion_id), latest[gap.criterion_id]
        )
        for rank, (gap, start, end, after) in enumerate(rows, start=1)
    ]


def work_order(planned: Sequence[ScheduledGap]) -> list[ScheduledGap]:
    """The scheduled gaps renumbered in the order the work happens.

    By the 30-day block they finish in, then start week, then their place in priority order, so the
    numbers never go back in time; a gap still comes after every gap it waits for, because it starts
    once they are finished and so finishes in the same block or a later one.
    """
    index = {"30": 0, "60": 1, "90": 2, "later": 3}
    ranked = sorted(planned, key=lambda item: (index.get(item.phase, 9), item.start_week, item.rank))
    return [replace(item, rank=rank) for rank, item in enumerate(ranked, start=1)]


def plan_gaps(gaps: Sequence[Gap], order: Callable[[str], object] | None = None) -> list[ScheduledGap]:
    """Every open gap prioritised, scheduled and numbered in work order (the report and the app)."""
    return work_order(schedule(prioritize(gaps, order), EFFORT_WEEKS_HIGH))


@dataclass(frozen=True)
class Estimate:
    """Time to audit-ready from the open gaps, as a range of weeks."""

    open_gaps: int
    effort_counts: dict[str, int]
    weeks_low: int
    weeks_high: int
    type2_weeks_low: int  # readiness plus the minimum observation window
    type2_weeks_high: int  # readiness plus a typical long observation window


def estimate(ordered: Sequence[Gap], tracks: int = TRACKS) -> Estimate:
    """How long until the open gaps are closed, and until a Type II window could end."""
    low = max((item.end_week for item in schedule(ordered, EFFORT_WEEKS_LOW, tracks)), default=0)
    high = max((item.end_week for item in schedule(ordered, EFFORT_WEEKS_HIGH, tracks)), default=0)
    counts = {size: sum(1 for gap in ordered if gap.effort == size) for size in ("S", "M", "L")}
    return Estimate(
        open_gaps=len(ordered),
        effort_counts=counts,
        weeks_low=low,
        weeks_high=high,
        type2_weeks_low=low + OBSERVATION_WEEKS_MIN,
        type2_weeks_high=high + OBSERVATION_WEEKS_TYPICAL_MAX,
    )


@dataclass(frozen=True)
class TargetStep:
    """One gap in the plan worked back from the target date."""

    criterion_id: str
    title: str
    start_by: date
    done_by: date


@dataclass(frozen=True)
class TargetPlan:
    """The plan worked back from a target audit date, and whether that date is realistic."""

    target: date
    today: date
    report_type: ReportType
    controls_ready_by: date  # Type II: start of the observation window; Type I: audit date less prep
    window_start: date | None
    window_weeks: int
    weeks_available: int
    weeks_needed: int
    realistic: bool
    earliest_target: date
    steps: tuple[TargetStep, ...]
    must_operate: tuple[str, ...]


def parse_date(value: str | None) -> date | None:
    """An ISO date (or datetime) string as a date; None when missing or not understood."""
    if not value:
        return None
    try:
        return date.fromisoformat(str(value).strip()[:10])
    except ValueError:
        return None


def _weeks_between(start: date, end: date) -> int:
    return (end - start).days // 7


def target_plan(
    ordered: Sequence[Gap],
    today: date,
    target: date,
    report_type: ReportType,
    not_operating: Sequence[str] = (),
) -> TargetPlan:
    """Work the plan back from ``target``: when controls must be ready, and each gap's start-by date.

    ``not_operating`` names criteria that are designed but not yet running with records; for a
    Type II they must be operating by the start of the observation window just like the open gaps.
    """
    # Type II: the window must end by the audit date, so controls run from its first day.
    # Type I: controls must be in place a little before the audit to gather evidence.
    lead = OBSERVATION_WEEKS_MIN if report_type == "type2" else AUDIT_PREP_WEEKS
    ready_by = target - timedelta(weeks=lead)
    planned = schedule(ordered, EFFORT_WEEKS_HIGH)
    needed = max((item.end_week for item in planned), default=0)
    available = _weeks_between(today, ready_by)
    realistic = needed <= available
    # With slack, each gap may start as late as its slot shifted so the plan ends on ready_by;
    # without slack, show the dates the plan really gives from today.
    end_of_plan = ready_by if realistic else today + timedelta(weeks=needed)
    steps = tuple(
        TargetStep(
            item.gap.criterion_id,
            item.gap.title,
            end_of_plan - timedelta(weeks=needed - item.start_week),
            end_of_plan - timedelta(weeks=needed - item.end_week),
        )
        for item in planned
    )
    earliest = today + timedelta(weeks=needed + lead)
    must_operate = tuple(dict.fromkeys([*(gap.criterion_id for gap in ordered), *not_operating]))
    return TargetPlan(
        target=target,
        today=today,
        report_type=report_type,
        controls_ready_by=ready_by,
        window_start=ready_by if report_type == "type2" else None,
        window_weeks=OBSERVATION_WEEKS_MIN if report_type == "type2" else 0,
        weeks_available=available,
        weeks_needed=needed,
        realistic=realistic and target > today,
        earliest_target=max(earliest, today),
        steps=steps,
        must_operate=must_operate if report_type == "type2" else (),
    )
