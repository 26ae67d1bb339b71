"""OSCAL assessment-results: valid against NIST's schema and trestle's OSCAL 1.1.3 models, and complete."""

from __future__ import annotations

import json
from dataclasses import replace
from functools import lru_cache
from pathlib import Path
from typing import Any

import pytest
import regex
from fakes.reports import answer_changes, make_report
from jsonschema import Draft7Validator, ValidationError, validators

from assessment.models import Report
from assessment.report import render
from assessment.report.oscal import OSCAL_VERSION
from assessment.report.wording import say

SCHEMA = Path(__file__).resolve().parents[2] / "data" / "oscal" / "oscal_complete_schema-1.2.3.json"
HOSTILE = "<script>alert(1)</script> **bold** [x](javascript:alert(1))\n# heading"


def _pattern(validator: Any, pattern: str, instance: Any, schema: Any) -> Any:
    # OSCAL's patterns use \p{L} classes, which Python's re lacks; the regex module has them.
    if validator.is_type(instance, "string") and not regex.search(pattern, instance):
        yield ValidationError(f"{instance!r} does not match {pattern!r}")


@lru_cache(maxsize=1)
def _validator() -> Draft7Validator:
    complete = json.loads(SCHEMA.read_text(encoding="utf-8"))
    schema = {
        "$schema": complete["$schema"],
        "definitions": complete["definitions"],
        "type": "object",
        "additionalProperties": False,
        "required": ["assessment-results"],
        "properties": {
            "assessment-results": {"$ref": "#/definitions/oscal-complete-oscal-ar:assessment-results"}
        },
    }
    return validators.extend(Draft7Validator, {"pattern": _pattern})(schema)


def _errors(doc: dict[str, Any]) -> list[str]:
    return [f"{list(e.absolute_path)}: {e.message[:200]}" for e in _validator().iter_errors(doc)]


@pytest.fixture(scope="module")
def report() -> Report:
    base = make_report(answer_overrides={0: HOSTILE})
    gaps = [replace(base.gaps[0], owner="Dana (CTO)", due="2026-06-30"), *base.gaps[1:]]
    return replace(base, gaps=gaps)


@pytest.fixture(scope="module")
def doc(report: Report) -> dict[str, Any]:
    text = render(report, "oscal")
    assert isinstance(text, str)
    loaded: dict[str, Any] = json.loads(text)
    return loaded


def test_valid_against_the_official_oscal_json_schema(doc: dict[str, Any]) -> None:
    assert _errors(doc) == []
    broken = json.loads(json.dumps(doc))
    broken["assessment-results"]["results"][0]["findings"][0]["target"]["status"]["state"] = "done"
    del broken["assessment-results"]["import-ap"]
    assert len(_errors(broken)) >= 2  # the validator really checks


def test_parses_with_compliance_trestle_oscal_1_1_models(doc: dict[str, Any]) -> None:
    ar = pytest.importorskip("trestle.oscal.assessment_results")
    model = ar.Model.model_validate(doc) if hasattr(ar.Model, "model_validate") else ar.Model.parse_obj(doc)
    result = model.assessment_results.results[0]
    assert model.assessment_results.metadata.oscal_version.__root__ == OSCAL_VERSION == "1.1.3"
    assert len(result.findings) == len(doc["assessment-results"]["results"][0]["findings"])
    with pytest.raises(ValueError):
        ar.Model.parse_obj({"assessment-results": {**doc["assessment-results"], "surprise": 1}})


def test_findings_per_criterion_with_status(doc: dict[str, Any], report: Report) -> None:
    result = doc["assessment-results"]["results"][0]
    findings = {f["target"]["target-id"]: f for f in result["findings"]}
    applicable = {c.criterion_id: c.status for c in report.criteria if c.status != "not_applicable"}
    assert set(findings) == set(applicable)
    for cid, status in applicable.items():
        state = findings[cid]["target"]["status"]["state"]
        assert state == ("satisfied" if status == "met" else "not-satisfied"), cid
        assert {"name": "status", "ns": findings[cid]["props"][0]["ns"], "value": status} in findings[cid][
            "props"
        ]
    selection = result["reviewed-controls"]["control-selections"][0]
    excluded = {c.criterion_id for c in report.criteria if c.status == "not_applicable"}
    assert "CC6.4" in excluded and {c["control-id"] for c in selection["exclude-controls"]} == excluded
    assert len(selection["include-controls"]) == len(applicable)


def test_founder_statements_are_observations_linked_to_findings(doc: dict[str, Any], report: Report) -> None:
    result = doc["assessment-results"]["results"][0]
    observations = {o["uuid"]: o for o in result["observations"]}
    assert len(observations) == len(report.answers)
    assert all(o["methods"] == ["INTERVIEW"] for o in observations.values())
    answer = report.answers[1]
    assert any(answer.answer in o["description"] for o in observations.values())
    hostile = next(o for o in observations.values() if "alert(1)" in o["description"])
    assert "<script>" not in hostile["description"] and "\\*\\*bold\\*\\*" in hostile["description"]
    finding = next(f for f in result["findings"] if f["target"]["target-id"] == answer.criteria[0])
    assert [r["observation-uuid"] for r in finding["related-observations"]] == [
        u
        for u, o in observations.items()
        if {"name": "criterion", "ns": o["props"][0]["ns"], "value": answer.criteria[0]} in o["props"]
    ]


def test_gaps_are_risks_with_owner_deadline_and_cross_references(doc: dict[str, Any], report: Report) -> None:
    result = doc["assessment-results"]["results"][0]
    risks = {r["uuid"]: r for r in result["risks"]}
    assert len(risks) == len(report.gaps)
    owned = report.gaps[0].criterion_id
    finding = next(f for f in result["findings"] if f["target"]["target-id"] == owned)
    risk = risks[finding["related-risks"][0]["risk-uuid"]]
    assert risk["deadline"] == "2026-06-30T23:59:59Z" and risk["status"] == "open"
    assert risk["remediations"][0]["lifecycle"] == "planned"
    assert {"Dana (CTO)"} == {p["value"] for p in risk["props"] if p["name"] == "owner"}
    iso = [p["value"] for p in finding["props"] if p["name"] == "iso27001-2022"]
    assert iso and iso == [cid for cid, _ in report.gaps[0].iso27001]


def test_deterministic_and_partial_reports_are_valid() -> None:
    partial = make_report(finished=False, categories=("security",))
    assert render(partial, "oscal") == render(partial, "oscal")
    assert _errors(json.loads(render(partial, "oscal"))) == []  # type: ignore[arg-type]


def test_subservices_and_customer_controls_are_valid_oscal() -> None:
    from assessment.scoping.user_controls import user_entity_controls

    base = make_report()
    said = ["Customers create API keys; we offer SAML SSO for enterprise customers.", HOSTILE]
    report = replace(
        base, user_entity_controls=user_entity_controls({"personal_data": True}, said, base.scope)
    )
    doc = json.loads(render(report, "oscal"))  # type: ignore[arg-type]
    assert _errors(doc) == []
    result = doc["assessment-results"]["results"][0]
    assert result["local-definitions"]["components"][0]["title"] == "Amazon Web Services"
    parts = result["attestations"][0]["parts"][0]["parts"]
    assert len(parts) == len(report.user_entity_controls) and all(p["title"] and p["prose"] for p in parts)
    ar = pytest.importorskip("trestle.oscal.assessment_results")
    model = ar.Model.model_validate(doc) if hasattr(ar.Model, "model_validate") else ar.Model.parse_obj(doc)
    assert model.assessment_results.results[0].attestations


def test_answer_changes_are_observations_with_who_and_when_and_stay_valid() -> None:
    changes = answer_changes(HOSTILE, second_at="2026-12-03T10:00:00")
    report = replace(make_report(), revisions=changes)
    doc = json.loads(render(report, "oscal"))
    assert _errors(doc) == []
    ar = pytest.importorskip("trestle.oscal.assessment_results")
    model = ar.Model.model_validate(doc) if hasattr(ar.Model, "model_validate") else ar.Model.parse_obj(doc)
    document = doc["assessment-results"]
    assert len(model.assessment_results.metadata.parties) == 2  # the company and the named editor
    observations = document["results"][0]["observations"]
    assert len(observations) == len(report.answers) + len(changes)
    revised = observations[len(report.answers) :]
    props = [{p["name"]: p["value"] for p in o["props"]} for o in revised]
    assert [
        (p["answer-change"], p["question-id"], p["understood-before"], p["understood-after"]) for p in props
    ] == [
        ("1", "cc6_1_mfa", "yes", "partial"),
        ("2", "cc7_2_monitoring", "skipped", "no"),
    ]
    assert [o["collected"] for o in revised] == ["2026-12-02T09:15:00Z", "2026-12-03T10:00:00Z"]
    parties = {p["uuid"]: p for p in document["metadata"]["parties"]}
    editors = [parties[o["origins"][0]["actors"][0]["actor-uuid"]] for o in revised]
    assert [(p["type"], p["name"]) for p in editors] == [
        ("person", "dana@example.com"),
        ("organization", "Acme Analytics"),
    ]
    assert revised[0]["title"] == say("oscal_revision_title", question_id="cc6_1_mfa")
    assert "<script>" not in revised[0]["description"] and "\\*\\*bold\\*\\*" in revised[0]["description"]
    assert say("revision_answer", label="yes", answer="Yes") in revised[0]["description"]


def test_no_answer_changes_no_change_observations_or_people(doc: dict[str, Any], report: Report) -> None:
    document = doc["assessment-results"]
    assert [p["type"] for p in document["metadata"]["parties"]] == ["organization"]
    observations = document["results"][0]["observations"]
    assert not any(p["name"] == "answer-change" for o in observations for p in o["props"])
