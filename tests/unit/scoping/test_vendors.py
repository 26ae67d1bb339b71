"""Vendors named in answers, for the carve-outs section."""

from __future__ import annotations

from pathlib import Path

import pytest

from assessment.scoping.vendors import (
    VENDORS_FILE,
    VendorsError,
    all_vendors,
    load_catalog,
    mentioned_vendors,
)


def names(text: str) -> list[str]:
    return [v.name for v in mentioned_vendors(text)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("we're on aws", "AWS"),
        ("Amazon Web Services", "AWS"),
        ("GCP", "Google Cloud"),
        ("all in google cloud", "Google Cloud"),
        ("Azure", "Microsoft Azure"),
        ("okta", "Okta"),
        ("Google Workspace", "Google Workspace"),
        ("Entra ID", "Microsoft Entra ID"),
        ("azure ad", "Microsoft Entra ID"),
        ("github", "GitHub"),
        ("GitLab", "GitLab"),
        ("datadog", "Datadog"),
        ("Stripe", "Stripe"),
        ("heroku", "Heroku"),
        ("Vercel", "Vercel"),
        ("cloudflare", "Cloudflare"),
        ("Snowflake", "Snowflake"),
        ("MongoDB Atlas", "MongoDB Atlas"),
        ("supabase", "Supabase"),
        ("we deploy on Render", "Render"),
        ("fly.io", "Fly.io"),
        ("DigitalOcean", "DigitalOcean"),
        ("alerts go to Slack", "Slack"),
        ("jira", "Jira"),
        ("1Password", "1Password"),
        ("jamf", "Jamf"),
        ("Kandji", "Kandji"),
        ("crowdstrike", "CrowdStrike"),
        ("vanta", "Vanta"),
        ("Drata", "Drata"),
    ],
)
def test_names_and_aliases_match_case_insensitively(text: str, expected: str) -> None:
    assert names(text) == [expected]


def test_whole_words_only() -> None:
    assert names("we use laws and gcpx and oktane") == []
    assert names("the drawstring was stripey") == []


def test_ambiguous_words_need_product_context() -> None:
    assert names("we render invoices; we slack off on fridays") == []
    assert names("hosted on render, chat in slack") == ["Render", "Slack"]


def test_several_vendors_in_order_without_duplicates() -> None:
    text = "CloudTrail + GuardDuty alerts to Slack, AWS everywhere, Okta with enforced 2FA"
    assert names(text) == ["AWS", "Slack", "Okta"]


def test_roles_and_covered_criteria() -> None:
    aws = mentioned_vendors("AWS")[0]
    assert aws.role == "cloud hosting"
    assert {"CC6.4", "A1.2"} <= set(aws.covers)
    assert aws.complementary_controls
    assert aws.is_hosting
    okta = mentioned_vendors("Okta")[0]
    assert okta.role == "identity provider"
    assert not okta.is_hosting
    assert mentioned_vendors("Stripe")[0].role == "payments"
    assert mentioned_vendors("GitHub")[0].role == "source control"


def test_catalog_is_well_formed() -> None:
    vendors = all_vendors()
    assert len(vendors) >= 40
    assert len({v.name for v in vendors}) == len(vendors)
    assert all(v.covers and v.role for v in vendors)


@pytest.mark.parametrize("text", ["", "\x00\x01", "🙃" * 1000, "a" * 1_000_000])
def test_odd_input_does_not_raise(text: str) -> None:
    assert isinstance(mentioned_vendors(text), tuple)


def test_bad_file_names_file_and_field(tmp_path: Path) -> None:
    bad = tmp_path / "vendors.yaml"
    text = VENDORS_FILE.read_text(encoding="utf-8").replace("role: payments}", "role: payment}", 1)
    bad.write_text(text, encoding="utf-8")
    with pytest.raises(VendorsError, match=r"vendors\.yaml.*unknown role 'payment'"):
        load_catalog.__wrapped__(bad)
    bad.write_text(
        "roles: {x: {covers: [CC99], complementary_controls: [a]}}\nvendors: [{}]\n", encoding="utf-8"
    )
    with pytest.raises(VendorsError, match=r"roles\.x\.covers"):
        load_catalog.__wrapped__(bad)


def test_covered_criteria_exist_and_duties_are_vendor_specific() -> None:
    from knowledge.ids import is_official

    for vendor in all_vendors():
        assert vendor.covers and all(is_official(c) for c in vendor.covers), vendor.name
        assert vendor.complementary_controls and all(d.strip() for d in vendor.complementary_controls)
    okta = " ".join(mentioned_vendors("Okta")[0].complementary_controls).lower()
    assert "admin" in okta and "mfa" in okta and "offboard" in okta
    assert mentioned_vendors("Okta")[0].covers[0] == "CC6.1"  # it authenticates for you


def test_unknown_criterion_and_blank_duty_name_file_and_field(tmp_path: Path) -> None:
    bad = tmp_path / "vendors.yaml"
    text = VENDORS_FILE.read_text(encoding="utf-8")
    bad.write_text(text.replace("covers: [CC6.4, CC6.5, A1.2]", "covers: [CC6.4, CC6.9, A1.2]", 1), "utf-8")
    with pytest.raises(VendorsError, match=r"vendors\.yaml.*roles\..*covers.*no such SOC 2 criteria.*CC6\.9"):
        load_catalog.__wrapped__(bad)
    bad.write_text(text.replace("- Enforce MFA on the root user", "- '  '\n      - Enforce MFA", 1), "utf-8")
    with pytest.raises(VendorsError, match=r"vendors\.yaml.*vendors\.0\.controls.*blank duty"):
        load_catalog.__wrapped__(bad)
