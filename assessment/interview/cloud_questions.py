"""An answer that is itself a question about the cloud ("we're on aws so n/a?").

Such a reply is never recorded as "not applicable": it is answered from the SOC 2 basics entry on
shared responsibility (what the provider covers, what stays the founder's), and the question is
asked again.
"""

from __future__ import annotations

import re

from assessment.clouds import named_cloud
from assessment.templates import render_message
from knowledge.basics_kb import BasicHit, default_basics
from knowledge.text import fold_quotes, lower_line

SHARED_RESPONSIBILITY = "shared_responsibility"  # the basics entry that answers it
_CLOUD = re.compile(
    r"\b(?:aws|amazon|ec2|s3|gcp|google cloud|azure|heroku|vercel|netlify|render|fly\.io|digitalocean|"
    r"cloudflare|supabase|firebase|cloud|serverless|hosting provider|provider)\b"
)
_NOT_OURS = re.compile(
    r"\bn/?a\b|not applicable|\bapply\b|\brelevant\b|"
    r"\bcover(?:s|ed)?\b|\btheir (?:job|problem|responsibility|side)\b|"
    r"(?:handled|managed|done|taken care of) by|\bhandles? (?:it|this|that)\b|take care of|responsib|"
    r"need (?:this|that|it)\b|\bskip (?:this|that|it)\b"
)


def is_cloud_question(text: str) -> bool:
    """True when the reply asks whether being on a cloud provider makes the question moot."""
    norm = lower_line(fold_quotes(text))
    return "?" in norm and bool(_CLOUD.search(norm)) and bool(_NOT_OURS.search(norm))


def cloud_hit() -> BasicHit | None:
    """The shared-responsibility basics entry as a hit (None if the knowledge base lacks it)."""
    try:
        entry = default_basics().get(SHARED_RESPONSIBILITY)
    except KeyError:
        return None
    return BasicHit(entry.id, entry.title, entry.text, entry.criteria, 1.0)


def still_yours(text: str) -> str:
    """The line saying the question still applies, naming the provider the reply named."""
    provider = named_cloud(text)
    name = provider.name if provider else render_message("generic_provider")
    return render_message("side_cloud_still_yours", provider=name)
