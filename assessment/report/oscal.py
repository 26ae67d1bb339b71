"""The assessment as an OSCAL 1.1 ``assessment-results`` JSON document (NIST OSCAL 1.1.3).

* One result for the interview; its reviewed controls are the in-scope criteria (not-applicable ones
  are excluded).
* One observation per answered question: the founder's own statement (method ``INTERVIEW``), made by
  the company (a party in the metadata).
* One finding per assessed-or-open criterion, its target an ``objective-id`` (the criterion ID) with
  state ``satisfied`` (met) or ``not-satisfied`` (partial, missing, unknown), linked to the
  observations of the questions that scored it.
* One risk per gap, with the remediation steps as a planned or recommended response, the founder's
  owner as a property and the due date as the deadline; findings link to their risk.
* The subservice organizations as ``local-definitions`` components (type ``service``, the criteria
  their own SOC 2 report covers as properties), and the complementary user entity controls (what
  the company's customers must do) as the parts of one attestation.
* The audit trail of changed answers as one more observation per change (after the statements): a
  changed answer is a new statement, so who changed it is its origin (a ``person`` party, or the
  company for the founder), when is its ``collected`` time, and what changed is its description
  and properties (``answer-change``, ``question-id``, the readings before and after). Metadata
  ``revisions`` would be wrong here: they list published versions of the document itself.

UUIDs are version-5 UUIDs of the company, the date and the item, so the same session always gives
the same document. Text a founder typed is escaped as literal Markdown (OSCAL's markup-multiline).
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from assessment.models import CriterionResult, Report
from assessment.report import duties_section
from assessment.report.gap_view import GapView
from assessment.report.text import clean, md_inline, one_line
from assessment.report.view import ReportView, build_view, say
from knowledge.models import Hit

OSCAL_VERSION = "1.1.3"
NAMESPACE = uuid.UUID("6f1c2b9e-3d1a-5b8e-9c4f-2a7d0e5b1c30")
PROP_NS = "https://github.com/soc2-ready/ns/oscal"  # namespace of our own property names
STATE = {
    "met": "satisfied",
    "partial": "not-satisfied",
    "missing": "not-satisfied",
    "unknown": "not-satisfied",
}
REASON = {"met": "pass", "partial": "fail", "missing": "fail", "unknown": "other"}


class _Ids:
    """Deterministic UUIDs for one document."""

    def __init__(self, view: ReportView) -> None:
        self.seed = f"{view.session_name}|{view.generated_on}|{view.report_type}"

    def __call__(self, *parts: str) -> str:
        return str(uuid.uuid5(NAMESPACE, "|".join((self.seed, *parts))))


def _when(view: ReportView) -> str:
    day = view.generated_on[:10]
    return f"{day}T00:00:00Z" if len(day) == 10 and day[4] == "-" else "1970-01-01T00:00:00Z"


def _prop(name: str, value: object) -> dict[str, str] | None:
    text = one_line(clean(str(value))).strip()
    return {"name": name, "ns": PROP_NS, "value": text} if text else None


def _props(*pairs: tuple[str, object]) -> list[dict[str, str]]:
    return [p for p in (_prop(name, value) for name, value in pairs) if p is not None]


def _text(value: str) -> str:
    """Founder text as literal Markdown, never empty (OSCAL requires descriptions)."""
    return md_inline(clean(value)).strip() or "-"


def _observations(view: ReportView, ids: _Ids, party: str, when: str) -> list[dict[str, Any]]:
    t = view.t
    out = []
    for a in view.answers:
        out.append(
            {
                "uuid": ids("observation", str(a.number), a.question_id),
                "title": say("oscal_observation_title", question_id=a.question_id or str(a.number)),
                "description": "\n\n".join(
                    part
                    for part in (
                        f"{t['appendix_question']}: {_text(a.question)}",
                        f"{t['appendix_answer']}: {_text(a.answer or a.understood)}",
                        _text(a.clarified) if a.clarified else "",
                        _text(a.understood) if a.follows_from else "",
                    )
                    if part
                ),
                "props": _props(
                    ("question-id", a.question_id),
                    ("understood-as", a.label),
                    ("confidence", a.confidence),
                    ("reading-source", a.source),
                    *(("criterion", c) for c in a.criteria),
                ),
                "methods": ["INTERVIEW"],
                "types": ["control-objective"],
                "origins": [{"actors": [{"type": "party", "actor-uuid": party}]}],
                "collected": when,
            }
        )
    return out


def _stamp(recorded: str, fallback: str) -> str:
    """``recorded`` as an OSCAL date-time in UTC (a time without a zone is read as UTC)."""
    try:
        moment = datetime.fromisoformat(recorded)
    except ValueError:
        return fallback
    moment = moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
    return f"{moment:%Y-%m-%dT%H:%M:%S}Z"


def _revision_observations(
    view: ReportView, ids: _Ids, company: str, when: str
) -> tuple[list[dict[str, Any]], list[dict[str, str]]]:
    """One observation per changed answer, and a ``person`` party for each named editor."""
    t = view.t
    observations: list[dict[str, Any]] = []
    people: dict[str, dict[str, str]] = {}
    for r in view.revisions:
        party = company
        if r.changed_by:
            party = ids("party", "person", r.changed_by)
            people.setdefault(party, {"uuid": party, "type": "person", "name": r.changed_by})
        rows = (
            (t["revision_col_when"], r.when),
            (t["revision_col_who"], r.who),
            (t["revision_col_question"], f"{r.question_id}: {r.question}"),
            (t["revision_col_before"], r.before),
            (t["revision_col_after"], r.after),
        )
        observations.append(
            {
                "uuid": ids("revision", str(r.number), r.question_id),
                "title": say("oscal_revision_title", question_id=r.question_id or str(r.number)),
                "description": "\n\n".join(f"{label}: {_text(value)}" for label, value in rows),
                "props": _props(
                    ("answer-change", r.number),
                    ("question-id", r.question_id),
                    ("changed-by", r.changed_by),
                    ("understood-before", r.old_label),
                    ("understood-after", r.new_label),
                ),
                "methods": ["INTERVIEW"],
                "origins": [{"actors": [{"type": "party", "actor-uuid": party}]}],
                "collected": _stamp(r.changed_at, when),
            }
        )
    return observations, list(people.values())


def _risk(g: GapView, ids: _Ids, observations: list[str], view: ReportView) -> dict[str, Any]:
    t = view.t
    steps = "\n".join(f"{i}. {md_inline(step)}" for i, step in enumerate(g.remediation, start=1))
    response: dict[str, Any] = {
        "uuid": ids("remediation", g.criterion_id),
        "lifecycle": "planned" if g.owner or g.due else "recommendation",
        "title": say("oscal_remediation_title", criterion_id=g.criterion_id),
        "description": steps or "-",
        "props": _props(
            ("effort", t[f"effort_{g.effort}"]), ("owner", g.owner), ("phase", t[f"phase_{g.phase}"])
        ),
    }
    risk: dict[str, Any] = {
        "uuid": ids("risk", g.criterion_id),
        "title": say("oscal_risk_title", criterion_id=g.criterion_id, title=g.title),
        "description": _text(g.why_it_matters or g.what_is_missing),
        "statement": _text(g.what_is_missing),
        "props": _props(("severity", g.severity), ("owner", g.owner), ("rank", g.rank)),
        "status": "open",
        "remediations": [response],
    }
    if g.due:
        risk["deadline"] = f"{g.due[:10]}T23:59:59Z"
    if observations:
        risk["related-observations"] = [{"observation-uuid": u} for u in observations]
    return risk


def _finding(
    result: CriterionResult, gap: GapView | None, ids: _Ids, observations: list[str], view: ReportView
) -> dict[str, Any]:
    t = view.t
    status = t[f"status_{result.status}"]
    if gap is not None:
        description = _text(gap.what_is_missing)
    elif result.status == "met":
        description = say("oscal_finding_met")
    else:
        description = say("oscal_not_assessed") if not result.assessed else _text(result.reason or status)
    target: dict[str, Any] = {
        "type": "objective-id",
        "target-id": result.criterion_id,
        "title": one_line(clean(result.title)) or result.criterion_id,
        "status": {"state": STATE[result.status], "reason": REASON[result.status]},
    }
    if result.reason.strip():
        target["status"]["remarks"] = _text(result.reason)
    refs = gap.iso27001 if gap else ()
    nist = gap.nist_800_53 if gap else ()
    finding: dict[str, Any] = {
        "uuid": ids("finding", result.criterion_id),
        "title": say(
            "oscal_finding_title", criterion_id=result.criterion_id, title=target["title"], status=status
        ),
        "description": description,
        "props": _props(
            ("status", result.status),
            ("category", result.category),
            *(
                (("severity", gap.severity), ("effort", gap.effort), ("owner", gap.owner), ("due", gap.due))
                if gap
                else ()
            ),
            *(("iso27001-2022", r.id) for r in refs),
            *(("nist-800-53r5", r.id) for r in nist),
        ),
        "target": target,
    }
    if observations:
        finding["related-observations"] = [{"observation-uuid": u} for u in observations]
    if gap is not None:
        finding["related-risks"] = [{"risk-uuid": ids("risk", gap.criterion_id)}]
    return finding


def oscal_dict(report: Report, view: ReportView) -> dict[str, Any]:
    """The OSCAL document as a dict (``{"assessment-results": …}``)."""
    ids = _Ids(view)
    when = _when(view)
    party = ids("party", "company")
    plan_resource = ids("resource", "interview")
    observations = _observations(view, ids, party, when)
    by_criterion: dict[str, list[str]] = {}
    for a, obs in zip(view.answers, observations, strict=True):
        for cid in a.criteria:
            by_criterion.setdefault(cid, []).append(obs["uuid"])
    gaps = {g.criterion_id: g for g in view.gaps}
    assessed = [r for r in report.criteria if r.status != "not_applicable"]
    excluded = [r.criterion_id for r in report.criteria if r.status == "not_applicable"]
    selection: dict[str, Any] = (
        {"include-controls": [{"control-id": r.criterion_id} for r in assessed]}
        if assessed
        else {"include-all": {}}
    )
    if excluded:
        selection["exclude-controls"] = [{"control-id": cid} for cid in excluded]
    result: dict[str, Any] = {
        "uuid": ids("result"),
        "title": say("oscal_result_title", report_type=view.report_type_name),
        "description": say("oscal_result_description")
        + ("\n\n" + view.partial_notice if view.partial_notice else ""),
        "start": when,
        "props": _props(
            ("overall-readiness", view.overall),
            ("type1-readiness", view.type1),
            ("type2-readiness", view.type2),
            *((f"category-score-{c.key}", c.score) for c in view.categories),
        ),
        "reviewed-controls": {"control-selections": [selection]},
    }
    changes, people = _revision_observations(view, ids, party, when)
    if observations or changes:
        result["observations"] = observations + changes
    risks = [_risk(g, ids, by_criterion.get(g.criterion_id, []), view) for g in view.gaps]
    if risks:
        result["risks"] = risks
    findings = [
        _finding(r, gaps.get(r.criterion_id), ids, by_criterion.get(r.criterion_id, []), view)
        for r in assessed
    ]
    if findings:
        result["findings"] = findings
    components = duties_section.oscal_components(view, ids, PROP_NS)
    if components:
        result["local-definitions"] = {"components": components}
    attestations = duties_section.oscal_attestations(view, ids, PROP_NS)
    if attestations:
        result["attestations"] = attestations
    title = say("oscal_title", company=view.session_name)
    return {
        "assessment-results": {
            "uuid": ids("assessment-results"),
            "metadata": {
                "title": title,
                "last-modified": when,
                "version": view.generated_on or "1",
                "oscal-version": OSCAL_VERSION,
                "parties": [{"uuid": party, "type": "organization", "name": view.session_name}, *people],
                "remarks": view.t["disclaimer"].strip(),
            },
            "import-ap": {"href": f"#{plan_resource}"},
            "results": [result],
            "back-matter": {
                "resources": [
                    {
                        "uuid": plan_resource,
                        "title": say("oscal_plan_title"),
                        "description": say("oscal_plan_description"),
                    }
                ]
            },
        }
    }


def oscal_from_view(report: Report, view: ReportView) -> str:
    """The OSCAL document as indented JSON text."""
    return json.dumps(oscal_dict(report, view), ensure_ascii=False, indent=2) + "\n"


def render_oscal(report: Report, passages: Mapping[str, Hit] | None = None) -> str:
    """The assessment as OSCAL 1.1 assessment-results JSON."""
    return oscal_from_view(report, build_view(report, passages))
