"""The cloud providers the assistant knows by name: one list for scoping, carve-outs and scan imports.

Each provider has the key used everywhere in data (the hosting answer's value in the question bank,
Prowler's provider name and mapping file), the name a report and ``vendors.yaml`` give it, the short
name Prowler's own output uses, and the words that name it in a free-text hosting answer.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field


@dataclass(frozen=True)
class CloudProvider:
    """One cloud provider and the ways founders and scanners name it."""

    key: str  # "aws": the hosting option's value and Prowler's provider name
    name: str  # "AWS": the vendor name in vendors.yaml and the hosting option's label
    short: str  # "AWS": how Prowler's output names it
    words: tuple[str, ...]  # lower-case words that name it in a hosting answer ("amazon", "ec2")
    pattern: re.Pattern[str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        body = "|".join(re.escape(word) for word in self.words)
        object.__setattr__(self, "pattern", re.compile(rf"\b(?:{body})\b"))


CLOUD_PROVIDERS: tuple[CloudProvider, ...] = (
    CloudProvider("aws", "AWS", "AWS", ("aws", "amazon", "ec2", "s3", "eks", "ecs", "fargate", "rds")),
    CloudProvider("azure", "Microsoft Azure", "Azure", ("azure", "microsoft", "aks")),
    CloudProvider(
        "gcp", "Google Cloud", "GCP", ("gcp", "google", "gke", "cloud run", "app engine", "bigquery")
    ),
)
CLOUD_KEYS: tuple[str, ...] = tuple(p.key for p in CLOUD_PROVIDERS)
_BY_KEY = {p.key: p for p in CLOUD_PROVIDERS}


def cloud_provider(key: str) -> CloudProvider | None:
    """The provider with ``key`` (``"aws"``, ``"azure"``, ``"gcp"``; any case), or None."""
    return _BY_KEY.get(key.lower())


def named_cloud(text: str) -> CloudProvider | None:
    """The provider a hosting answer names first ("all on GCP, some AWS" -> Google Cloud), or None."""
    norm = text.lower()
    found = [(m.start(), p.key) for p in CLOUD_PROVIDERS if (m := p.pattern.search(norm))]
    return _BY_KEY[min(found)[1]] if found else None
