"""Subservice organizations only for tools in use: "might buy", "used to use", "don't use" are not.

``tests/data/vendors_blind.jsonl`` (46 sentences -> the tools in use) was written before the in-use
reader existed and is never tuned on; ``tests/data/vendors_dev.jsonl`` is the set the cues in
``assessment/scoping/usage_cues.yaml`` were tuned on.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from assessment.scoping.carveout import build_subservices, provider_name
from assessment.scoping.usage import USAGE_FILE, UsageCuesError, in_use, load_rules
from assessment.scoping.vendors import mentioned_vendors, vendors_in_use

DATA = Path(__file__).resolve().parents[2] / "data"
BLIND_THRESHOLD = 0.9  # share of blind sentences whose in-use set is exactly right


def _rows(name: str) -> list[dict[str, object]]:
    lines = (DATA / name).read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


def names(text: str) -> list[str]:
    return [v.name for v in vendors_in_use(text)]


def _exact_share(rows: list[dict[str, object]]) -> float:
    right = sum(set(names(str(r["text"]))) == set(r["in_use"]) for r in rows)  # type: ignore[arg-type]
    return right / len(rows)


def test_blind_set_is_read_right() -> None:
    rows = _rows("vendors_blind.jsonl")
    assert len(rows) >= 40
    assert _exact_share(rows) >= BLIND_THRESHOLD


def test_dev_set_is_read_right() -> None:
    rows = _rows("vendors_dev.jsonl")
    assert len(rows) >= 100
    assert _exact_share(rows) >= 0.97


@pytest.mark.parametrize(
    "text",
    [
        "We might buy Okta next year.",
        "We are evaluating Okta.",
        "We used to use Okta.",
        "We no longer use Okta.",
        "We plan to move to Okta.",
        "We don't use Okta.",
        "Okta is on the roadmap.",
        "We're going to sign up for Okta.",
        "We replaced Okta last year.",
    ],
)
def test_planned_past_and_denied_tools_are_not_in_use(text: str) -> None:
    assert mentioned_vendors(text)[0].name == "Okta"  # named...
    assert names(text) == []  # ...but not in use


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("we use Google Workspace for email", ["Google Workspace"]),
        ("We moved from Heroku to AWS.", ["AWS"]),
        ("We're moving from Heroku to AWS.", ["Heroku"]),
        ("We use GitLab instead of GitHub.", ["GitLab"]),
        ("We don't have MFA enforced in GitHub yet.", ["GitHub"]),
        ("Okta for staff; we might add Jamf later; Slack for chat.", ["Okta", "Slack"]),
        ("We're looking at Vanta, Drata, and Sprinto.", []),
        ("We will keep using GitHub.", ["GitHub"]),
    ],
)
def test_tools_in_use_are_kept(text: str, expected: list[str]) -> None:
    assert names(text) == expected


# The common startup tools, by the words founders use for them (name or alias).
COMMON_TOOLS = {
    "Google Workspace": ("Google Workspace", "G Suite", "Gmail", "Google Drive", "Sign in with Google"),
    "Microsoft 365": ("Microsoft 365", "Office 365", "O365", "Microsoft Teams", "SharePoint"),
    "Okta": ("Okta", "Okta Verify"),
    "GitHub": ("GitHub", "GitHub Actions", "Dependabot"),
    "GitLab": ("GitLab",),
    "Slack": ("Slack",),
    "Jira": ("Jira", "Confluence", "Atlassian"),
    "Datadog": ("Datadog",),
    "Sentry": ("Sentry",),
    "Stripe": ("Stripe", "Stripe Checkout"),
    "Twilio": ("Twilio",),
    "SendGrid": ("SendGrid",),
    "Auth0": ("Auth0",),
    "Cloudflare": ("Cloudflare",),
    "Vercel": ("Vercel",),
    "Heroku": ("Heroku",),
    "Snowflake": ("Snowflake",),
    "MongoDB Atlas": ("MongoDB Atlas", "MongoDB"),
    "AWS": ("AWS", "Amazon Web Services", "S3", "RDS", "Cognito"),
    "Google Cloud": ("GCP", "BigQuery", "Cloud Run"),
    "Microsoft Entra ID": ("Azure AD", "Entra ID"),
    "1Password": ("1Password",),
    "Zendesk": ("Zendesk",),
    "HubSpot": ("HubSpot",),
}


@pytest.mark.parametrize(("name", "alias"), [(n, a) for n, aliases in COMMON_TOOLS.items() for a in aliases])
def test_common_startup_tools_are_known(name: str, alias: str) -> None:
    assert names(f"We use {alias} every day.") == [name]


def test_subservices_keep_only_tools_in_use_with_covered_criteria_and_duties() -> None:
    texts = ["We use Google Workspace for email.", "We might buy Okta next year.", "Code is on GitHub."]
    subs = build_subservices({}, texts, ["CC6.1", "CC6.4", "CC8.1", "A1.2"])
    by_name = {s.name: s for s in subs}
    assert list(by_name) == ["Google Workspace", "GitHub"]
    assert by_name["GitHub"].criteria == ("CC6.4", "CC8.1", "A1.2")
    assert any("branch" in duty for duty in by_name["GitHub"].complementary_controls)


def test_provider_is_a_host_in_use() -> None:
    assert provider_name("We plan to move to GCP next year; Heroku for now.") == "Heroku"
    assert provider_name("We might move to GCP.") is None
    assert provider_name("aws") == "AWS"


def test_in_use_reads_each_span_in_the_given_order() -> None:
    text = "We dropped Bitbucket and use GitHub."
    github, bitbucket = text.index("GitHub"), text.index("Bitbucket")
    spans = [(github, github + 6), (bitbucket, bitbucket + 9)]
    assert in_use(text, spans) == (True, False)
    assert in_use(text, []) == ()


def test_long_and_odd_answers_stay_quick_and_safe() -> None:
    assert names("We might buy Okta. " * 5000) == []
    assert names("a" * 300_000 + " we use Okta") == []  # beyond the 200,000 characters read
    assert names("\x00\ud7ff 🙃 , , ;;; but but and") == []


def test_cue_file_errors_name_file_and_field(tmp_path: Path) -> None:
    load_rules.cache_clear()
    try:
        bad = tmp_path / "usage_cues.yaml"
        bad.write_text(USAGE_FILE.read_text(encoding="utf-8").replace("modals:", "modalz:", 1), "utf-8")
        with pytest.raises(UsageCuesError, match=r"usage_cues\.yaml.*modal"):
            load_rules.__wrapped__(bad)
        bad.write_text("negations: [not, no]\n", "utf-8")  # "no" unquoted is YAML's false
        with pytest.raises(UsageCuesError, match=r"usage_cues\.yaml.*field 'negations\.1'"):
            load_rules.__wrapped__(bad)
    finally:
        load_rules.cache_clear()
