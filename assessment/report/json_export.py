"""The gap report as JSON following ``assessment/report/schema.json`` (versioned by ``schema_version``)."""

from __future__ import annotations

import json
from collections.abc import Mapping
from functools import lru_cache
from importlib.resources import files
from pathlib import Path
from typing import Any

from assessment.models import Report
from assessment.report import duties_section, evidence_section, plan, revisions_section
from assessment.report.text import clean
from assessment.report.view import ReportView, as_plain, build_view
from knowledge.models import Hit

SCHEMA_VERSION = "1.3"
SCHEMA_PATH = Path(str(files("assessment.report") / "schema.json"))


@lru_cache(maxsize=1)
def report_schema() -> dict[str, Any]:
    """The JSON Schema of the export (draft 2020-12)."""
    loaded: dict[str, Any] = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    return loaded


def _plain_profile(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {clean(k): _plain_profile(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set):
        return [_plain_profile(v) for v in value]
    if value is None or isinstance(value, bool | int | float):
        return value
    return clean(value)


def export_dict(report: Report, view: ReportView) -> dict[str, Any]:
    """The export as a dict: the report's own figures plus the plan worked out in ``view``."""
    target = view.target
    given = report.profile.get("company_name")
    return {
        "schema_version": SCHEMA_VERSION,
        "kind": "soc2-ready-gap-report",
        "session_name": view.session_name,
        "company_name": clean(given) if isinstance(given, str) and given.strip() else None,
        "title": view.title or view.t["report_title"],
        "generated_on": view.generated_on,
        "scope": list(report.scope),
        "report_type": report.report_type,
        "finished": report.finished,
        "questions_asked": view.questions_asked,
        "disclaimer": view.t["disclaimer"].strip(),
        "scores": {
            "overall": float(report.overall),
            "type1_readiness": float(report.type1_readiness),
            "type2_readiness": float(report.type2_readiness),
            "categories": {k: float(v) for k, v in report.category_scores.items()},
        },
        "criterion_status": dict(report.criterion_status),
        "criteria": [
            {
                "criterion_id": c.criterion_id,
                "title": clean(c.title),
                "category": c.category,
                "status": c.status,
                "score": float(c.score),
                "assessed": c.assessed,
                "documented": c.documented,
                "operating": c.operating,
                "reason": clean(c.reason),
                "question_ids": list(c.question_ids),
            }
            for c in report.criteria
        ],
        "not_assessed": list(report.not_assessed),
        "gaps": [
            {
                "rank": g.rank,
                "criterion_id": g.criterion_id,
                "title": g.title,
                "category": g.category,
                "status": g.status,
                "severity": g.severity,
                "effort": g.effort,
                "what_is_missing": g.what_is_missing,
                "why_it_matters": g.why_it_matters,
                "remediation": list(g.remediation),
                "evidence": list(g.evidence),
                "iso27001": [
                    {"id": r.id, "name": r.name, "relationship": r.relationship or None} for r in g.iso27001
                ],
                "nist_800_53": [{"id": r.id, "name": r.name} for r in g.nist_800_53],
                "nist_note": g.nist_note,
                "owner": g.owner or None,
                "due": g.due or None,
                "passage": {"text": g.passage, "source": g.passage_source},
                "phase": g.phase,
                "start_week": g.start_week,
                "end_week": g.end_week,
            }
            for g in view.gaps
        ],
        "estimate": {
            **as_plain(vars(view.estimate)),
            "tracks": plan.TRACKS,
            "observation_weeks_min": plan.OBSERVATION_WEEKS_MIN,
            "summary": list(view.estimate_text),
        },
        "roadmap": [
            {"phase": key, "title": title, "criteria": [g.criterion_id for g in items]}
            for key, title, items in view.phases
        ],
        "target_plan": None
        if target is None
        else {
            "target_date": target.target.isoformat(),
            "controls_ready_by": target.controls_ready_by.isoformat(),
            "window_start": target.window_start.isoformat() if target.window_start else None,
            "window_weeks": target.window_weeks,
            "weeks_available": target.weeks_available,
            "weeks_needed": target.weeks_needed,
            "realistic": target.realistic,
            "earliest_target": target.earliest_target.isoformat(),
            "must_operate": list(target.must_operate),
            "steps": [as_plain(vars(step)) for step in target.steps],
            "summary": list(view.target_text),
        },
        "target_note": list(view.target_text) if target is None else [],
        "subservices": [
            {
                "name": s.name,
                "role": s.role,
                "criteria": [cid for cid, _ in s.criteria],
                "complementary_controls": list(s.complementary_controls),
            }
            for s in view.subservices
        ],
        "user_entity_controls": duties_section.as_json(view),
        "scan_evidence": evidence_section.as_json(view.scan_evidence),
        "evidence_checklist": [
            {"criterion_id": e.criterion_id, "title": e.title, "items": list(e.items)} for e in view.evidence
        ],
        "answers": [
            {
                "number": a.number,
                "question_id": a.question_id,
                "question": a.question,
                "answer": a.answer,
                "label": a.label.replace(" ", "_"),
                "confidence": max(0.0, min(1.0, float(raw.confidence))),
                "source": a.source,
                "criteria": list(a.criteria),
                "clarification": a.clarification or None,
                "follows_from": a.follows_from or None,
            }
            for a, raw in zip(view.answers, report.answers, strict=True)
        ],
        "revisions": revisions_section.as_json(view),
        "profile": _plain_profile(report.profile),
    }


def json_from_view(report: Report, view: ReportView) -> str:
    """The export as indented JSON text (UTF-8, non-ASCII kept readable)."""
    return json.dumps(export_dict(report, view), ensure_ascii=False, indent=2) + "\n"


def render_json(report: Report, passages: Mapping[str, Hit] | None = None) -> str:
    """The full gap report as JSON text."""
    return json_from_view(report, build_view(report, passages))
