"""Complementary user entity controls: a base list plus what the profile, scope and answers imply."""

from __future__ import annotations

from pathlib import Path

import pytest

from assessment.scoping.user_controls import (
    USER_CONTROLS_FILE,
    UserControlsError,
    criterion_category,
    load_rules,
    user_entity_controls,
)
from knowledge.ids import is_official
from knowledge.models import CATEGORIES

BASE = ["manage_users", "report_leavers", "protect_credentials", "report_incidents", "secure_own_devices"]


def ids(profile: dict[str, object], texts: list[str], scope: tuple[str, ...] = ("security",)) -> list[str]:
    return [c.id for c in user_entity_controls(profile, texts, scope)]


def test_base_list_always_applies() -> None:
    assert ids({}, []) == BASE
    controls = user_entity_controls({}, [], ("security",))
    assert all(c.basis == "always" and c.evidence == "" for c in controls)
    manage = controls[0]
    assert "remove people who leave" in manage.text and manage.criteria == ("CC6.1", "CC6.2", "CC6.3")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Customers create API keys in their settings.", "protect_api_keys"),
        ("We have a public REST API for integrations.", "protect_api_keys"),
        ("Enterprise customers can log in with SAML SSO.", "configure_sso"),
        ("We offer SSO for enterprise customers through WorkOS.", "configure_sso"),
        ("SCIM provisioning is available on the enterprise plan.", "scim_directory"),
        ("Customer admins can export an audit log of their workspace.", "review_audit_log"),
        ("We send webhooks when an invoice is paid.", "verify_webhooks"),
        ("Customers can bring your own key (BYOK) on the enterprise plan.", "own_encryption_keys"),
    ],
)
def test_product_features_named_in_answers_add_their_control(text: str, expected: str) -> None:
    found = user_entity_controls({}, [text], ("security",))
    added = [c for c in found if c.id == expected]
    assert added and added[0].basis == "answer"
    assert added[0].evidence and added[0].evidence in text  # the founder's own words, whole


@pytest.mark.parametrize(
    ("text", "absent"),
    [
        ("We rotate our API keys every 90 days.", "protect_api_keys"),  # the founder's own keys
        ("We plan to add a public API next year.", "protect_api_keys"),
        ("We use Okta SSO for our staff.", "configure_sso"),
        ("We don't support SAML yet.", "configure_sso"),
        ("We might add webhooks later.", "verify_webhooks"),
    ],
)
def test_planned_denied_or_internal_features_add_nothing(text: str, absent: str) -> None:
    assert absent not in ids({}, [text])


def test_profile_and_scope_add_category_controls_only_when_in_scope() -> None:
    privacy = user_entity_controls({"personal_data": True}, [], ("security", "privacy"))
    end_users = next(c for c in privacy if c.id == "end_user_privacy")
    assert end_users.basis == "profile" and end_users.evidence == "personal_data"
    assert all(criterion_category(c) == "privacy" for c in end_users.criteria)
    assert "end_user_privacy" not in ids({"personal_data": True}, [], ("security",))  # privacy out of scope
    scoped = user_entity_controls({}, [], ("security", "processing_integrity"))
    inputs = next(c for c in scoped if c.id == "accurate_inputs")
    assert inputs.basis == "scope" and inputs.evidence == "processing_integrity"


def test_only_in_scope_criteria_are_kept() -> None:
    outage = next(c for c in user_entity_controls({}, [], CATEGORIES) if c.id == "report_outages")
    assert outage.criteria == ("A1.1", "A1.2", "CC2.3")
    security_only = user_entity_controls({"uptime_commitment": True}, [], ("security",))
    outage = next(c for c in security_only if c.id == "report_outages")
    assert outage.criteria == ("CC2.3",)


def test_every_control_cites_official_criteria_and_reads_as_a_duty() -> None:
    rules = load_rules()
    assert len(rules) >= 12
    for rule in rules:
        assert all(is_official(c) for c in rule.control.criteria), rule.control.id
        assert rule.control.text[0].isupper() and rule.control.text.endswith("."), rule.control.id


def test_criterion_category() -> None:
    assert [criterion_category(c) for c in ("CC6.1", "A1.2", "PI1.3", "C1.1", "P4.2")] == list(CATEGORIES)


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("criteria: [CC6.1, CC6.2, CC6.3]", "criteria: [CC6.1, CC6.9]", r"controls\.0\.criteria.*CC6\.9"),
        ("profile: [personal_data]", "profile: [personal_info]", r"controls\.\d+\.profile.*personal_info"),
        ("scope: [privacy]", "scope: [secrecy]", r"controls\.\d+\.scope.*secrecy"),
        ("      - 'webhooks?'", "      - 'webhooks?('", r"controls\.\d+\.mentions.*does not compile"),
        (
            "    always: true\n  - id: report_leavers",
            "\n  - id: report_leavers",
            r"controls\.0.*at least one",
        ),
        ("  - id: report_leavers", "  - id: manage_users", r"duplicate id 'manage_users'"),
        ("    always: true\n  - id: report_leavers", "    alwayz: true\n  - id: report_leavers", r"alwayz"),
    ],
)
def test_bad_file_names_file_and_field(tmp_path: Path, old: str, new: str, message: str) -> None:
    text = USER_CONTROLS_FILE.read_text(encoding="utf-8")
    assert old in text
    bad = tmp_path / "user_controls.yaml"
    bad.write_text(text.replace(old, new, 1), encoding="utf-8")
    with pytest.raises(UserControlsError, match=rf"user_controls\.yaml.*{message}"):
        load_rules.__wrapped__(bad)


@pytest.mark.parametrize("text", ["", "\x00", "🙃" * 10_000, "customers API keys " * 20_000])
def test_odd_answers_do_not_raise(text: str) -> None:
    assert ids({}, [text])[:5] == BASE
