"""Who does what, in every format: subservice organizations, the customers' part (CUECs), the name."""

from __future__ import annotations

import io
import json
import re
from dataclasses import replace

import jsonschema
import pytest
from fakes.reports import make_report
from openpyxl import load_workbook
from pypdf import PdfReader

from assessment.models import Report, Subservice
from assessment.report import FORMATS, build_view, render, report_schema
from assessment.report.text import md_inline
from assessment.report.view import file_stem, report_title, say, strings
from assessment.scoping.carveout import build_subservices
from assessment.scoping.user_controls import user_entity_controls
from knowledge.models import CATEGORIES

ANSWERS = (
    "We use Google Workspace for email and Okta for SSO; we might buy Jamf next year.",
    "Customers create API keys in their settings; enterprise customers can sign in with SAML SSO.",
    'Code is on GitHub with branch protection. =HYPERLINK("http://x") is not a formula here.',
)
COMPANY = "Zoë & Partners «Acme» GmbH"


@pytest.fixture(scope="module")
def report() -> Report:
    base = make_report()
    profile = {**base.profile, "company_name": COMPANY, "personal_data": True}
    in_scope = [c.criterion_id for c in base.criteria]
    return replace(
        base,
        profile=profile,
        subservices=build_subservices({"CC6.4": "AWS"}, ANSWERS, in_scope),
        user_entity_controls=user_entity_controls(profile, ANSWERS, CATEGORIES),
    )


def test_view_lists_the_customers_part_with_why_each_is_listed(report: Report) -> None:
    view = build_view(report)
    by_id = {c.id: c for c in view.user_controls}
    assert list(by_id)[:5] == [
        "manage_users",
        "report_leavers",
        "protect_credentials",
        "report_incidents",
        "secure_own_devices",
    ]
    assert by_id["manage_users"].basis == say("user_control_basis_always")
    api = by_id["protect_api_keys"]
    assert api.basis == say(
        "user_control_basis_answer", excerpt="Customers create API keys in their settings;"
    )
    assert by_id["configure_sso"].basis.startswith(say("user_control_basis_answer", excerpt="X")[:9])
    assert by_id["end_user_privacy"].basis == say("user_control_basis_personal_data")
    assert by_id["manage_users"].criteria[0] == ("CC6.1", "Who can log in, and how")
    assert [c.number for c in view.user_controls] == list(range(1, len(view.user_controls) + 1))
    assert [s.name for s in view.subservices] == ["AWS", "Google Workspace", "Okta", "GitHub"]


def test_markdown_and_html_show_both_sections(report: Report) -> None:
    t = strings()
    view = build_view(report)
    md = render(report, "md")
    html = render(report, "html")
    assert isinstance(md, str) and isinstance(html, str)
    assert f"## {t['section_user_controls']}" in md and t["user_controls_lead"] in md
    assert md.index(f"## {t['section_subservices']}") < md.index(f"## {t['section_user_controls']}")
    assert '<section id="user-controls">' in html and t["section_user_controls"].replace("'", "&#39;") in html
    for control in view.user_controls:
        assert f"{control.number}. {md_inline(control.text)}" in md
        assert f'data-control="{control.id}"' in html
    assert (
        "### Okta (identity provider)" in md and "Jamf" not in md.split(f"## {t['section_subservices']}")[1]
    )


def test_pdf_has_the_section_and_the_company_on_cover_and_title(report: Report) -> None:
    reader = PdfReader(io.BytesIO(render(report, "pdf")))  # type: ignore[arg-type]
    text = " ".join(" ".join(page.extract_text().split()) for page in reader.pages)
    t = strings()
    assert t["section_user_controls"] in text and t["user_controls_lead"] in text
    assert "Keep the API keys and tokens you issue them" in text
    assert COMPANY in " ".join(reader.pages[0].extract_text().split())  # the cover
    assert reader.metadata is not None and COMPANY in str(reader.metadata.title)


def test_json_carries_the_controls_and_the_name_and_validates(report: Report) -> None:
    data = json.loads(render(report, "json"))
    jsonschema.validate(data, report_schema())
    assert data["company_name"] == COMPANY and data["title"] == f"SOC 2 Readiness Report: {COMPANY}"
    controls = {c["id"]: c for c in data["user_entity_controls"]}
    assert controls["protect_api_keys"]["criteria"] == ["CC6.1", "CC6.2"]
    assert [s["name"] for s in data["subservices"]] == ["AWS", "Google Workspace", "Okta", "GitHub"]
    broken = {**data, "user_entity_controls": [{"id": "x", "text": "t", "criteria": ["CC6"], "basis": ""}]}
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(broken, report_schema())


def test_xlsx_has_a_sheet_for_each_and_writes_text_as_text(report: Report) -> None:
    book = load_workbook(io.BytesIO(render(report, "xlsx")))  # type: ignore[arg-type]
    t = strings()
    assert book.properties.title == f"{t['report_title']}: {COMPANY}"
    subs = book[t["xlsx_sheet_subservices"]]
    assert [c.value for c in subs[1]] == [
        t[f"xlsx_col_{k}"] for k in ("organization", "role", "covers", "duties")
    ]
    assert [row[0].value for row in subs.iter_rows(min_row=2)] == [
        "AWS",
        "Google Workspace",
        "Okta",
        "GitHub",
    ]
    cuecs = book[t["xlsx_sheet_user_controls"]]
    rows = list(cuecs.iter_rows(min_row=2, values_only=True))
    assert len(rows) == len(build_view(report).user_controls)
    assert rows[0][1].startswith("Manage their own users") and "CC6.1" in rows[0][2]
    assert cuecs.freeze_panes == "A2" and cuecs.auto_filter.ref


def test_oscal_has_subservice_components_and_cuec_attestation(report: Report) -> None:
    doc = json.loads(render(report, "oscal"))  # type: ignore[arg-type]
    ar = doc["assessment-results"]
    assert COMPANY in ar["metadata"]["title"]
    result = ar["results"][0]
    components = result["local-definitions"]["components"]
    assert [c["title"] for c in components] == ["AWS", "Google Workspace", "Okta", "GitHub"]
    okta = components[2]
    assert okta["type"] == "service"
    assert {p["value"] for p in okta["props"] if p["name"] == "covers-criterion"} >= {"CC6.1"}
    section = result["attestations"][0]["parts"][0]
    assert section["name"] == "complementary-user-entity-controls"
    assert len(section["parts"]) == len(report.user_entity_controls)
    assert {p["value"] for p in section["parts"][0]["props"]} == {"CC6.1", "CC6.2", "CC6.3"}


def test_title_and_file_names_for_every_format(report: Report) -> None:
    assert report_title(report) == f"SOC 2 Readiness Report: {COMPANY}"
    stem = file_stem(report)
    assert stem == "soc2-readiness-report-zoe-partners-acme-gmbh"
    names = {fmt: f"{stem}{ext}" for fmt, (ext, _) in FORMATS.items()}
    assert all(re.fullmatch(r"[a-z0-9-]+(\.[a-z]+)+", n) for n in names.values())
    md = render(report, "md")
    assert isinstance(md, str) and md.startswith(f"# {md_inline(report_title(report))}\n")
    html = render(report, "html")
    assert isinstance(html, str) and f"<title>SOC 2 Readiness Report: {COMPANY.replace('&', '&amp;')}" in html


@pytest.mark.parametrize(
    ("name", "stem"),
    [
        ("../../etc/passwd", "soc2-readiness-report-etc-passwd"),
        ("CON", "soc2-readiness-report-con"),
        ("株式会社テスト", "soc2-readiness-report"),
        ("A" * 300, "soc2-readiness-report-" + "a" * 60),
        ("  ", "soc2-readiness-report"),
    ],
)
def test_file_names_are_sanitised(name: str, stem: str) -> None:
    base = make_report(session_name="SOC 2 readiness session")
    assert file_stem(replace(base, profile={"company_name": name})) == stem


def test_without_a_name_the_title_is_plain() -> None:
    plain = make_report()
    assert report_title(plain) == strings()["report_title"]
    md = render(plain, "md")
    assert isinstance(md, str) and md.startswith(f"# {strings()['report_title']}\n\n**Acme Analytics**")


def test_hostile_name_is_escaped_everywhere() -> None:
    hostile = "<script>x</script> **b** [l](javascript:1) =1+1"
    report = replace(make_report(), profile={"company_name": hostile})
    md, html = render(report, "md"), render(report, "html")
    assert isinstance(md, str) and isinstance(html, str)
    assert "<script>x" not in html and "<script>x" not in md and "[l](javascript" not in md
    assert file_stem(report) == "soc2-readiness-report-script-x-script-b-l-javascript-1-1-1"


def test_subservice_without_in_scope_criteria_says_so() -> None:
    empty = Subservice("Zendesk", "customer support", (), ("Limit agent roles",))
    report = replace(make_report(), subservices=(empty,))
    md = render(report, "md")
    assert isinstance(md, str) and f"{strings()['subservice_covers_none']}" in md
