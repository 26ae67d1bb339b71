"""Exact scoping parsers: head counts said many ways, and hosting with negations and on-prem."""

from __future__ import annotations

import pytest

from assessment.scoping.text import head_count, hosting_kind


@pytest.mark.parametrize(
    ("text", "count"),
    [
        ("30", 30),
        ("about 30", 30),
        ("somewhere between 10 and 15", 15),
        ("10-15 people", 15),
        ("12 full time plus 4 contractors who are basically full time", 16),
        ("we are 7 people and 2 contractors", 9),
        ("me plus one part-time contractor who does the frontend", 2),
        ("we are 12 + three contractors", 15),
        ("1,200", 1200),
        ("thirty five", 35),
        ("just me", 1),
    ],
)
def test_head_count(text: str, count: int) -> None:
    assert head_count(text) == count


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("Azure and a couple of on prem SQL servers we still haven't migrated", "hybrid"),
        ("two colo racks in Frankfurt with our own hardware, no public cloud", "self_hosted"),
        ("everything is on AWS, no servers of our own", "cloud"),
    ],
)
def test_hosting_kind(text: str, kind: str) -> None:
    assert hosting_kind(text) == kind
