"""Readers for free-text scoping facts: head counts, hosting, plain yes/no or "go ahead" (dates: dates.py).

Pure functions of the text, so a session replays to the same profile. Founders write "about
thirty people", "everything runs on GCP" or "no, best effort only"; these readers turn that into
values without the embedding model.
"""

from __future__ import annotations

import re
from typing import Any

from assessment.clouds import named_cloud
from knowledge.text import lower_line

UNITS = {
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "thirteen": 13,
    "fourteen": 14,
    "fifteen": 15,
    "sixteen": 16,
    "seventeen": 17,
    "eighteen": 18,
    "nineteen": 19,
}
_TENS = {
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "fifty": 50,
    "sixty": 60,
    "seventy": 70,
    "eighty": 80,
    "ninety": 90,
}
_SCALES = {"hundred": 100, "thousand": 1000}
_VAGUE = (
    (r"\b(?:just me|only me|solo|myself|one[- ]person)\b", 1),
    (r"\bcouple\b", 2),
    (r"\bhandful\b", 5),
    (r"\bfew\b", 3),
    (r"\bdozens\b", 36),
    (r"\bdozen\b", 12),
    (r"\bhundreds\b", 300),
)

CLOUD_WORDS = (
    r"aws|amazon|gcp|google cloud|google|gke|azure|microsoft|cloud|heroku|vercel|netlify|digitalocean|"
    r"digital ocean|render|fly\.io|railway|hetzner|ovh|linode|supabase|firebase|serverless|lambda|saas|"
    r"paas|cloudflare|oracle cloud|ibm cloud|alibaba|scaleway|vultr|ec2|s3|cloud run|app engine|"
    r"kubernetes engine|managed|eks|ecs|fargate|rds|aks|cloudfront|cloud ?flare"
)
SELF_WORDS = (
    r"own data ?cent(?:er|re)s?|data ?cent(?:er|re)s?|on[- ]?prem\w*|on premises?|premises|colo|colocation|"
    r"own servers?|our servers|own hardware|bare metal|server room|racks?|basement|self[- ]?hosted|"
    r"host (?:it|everything) ourselves|our own (?:machines|boxes|metal)"
)
_CLOUD = re.compile(rf"(?<![a-z0-9])(?:{CLOUD_WORDS})(?![a-z0-9])")
_SELF = re.compile(rf"(?<![a-z0-9])(?:{SELF_WORDS})(?![a-z0-9])")
_NEGATED_SELF = re.compile(
    rf"\b(?:no|not|don'?t|do not|without|never|zero|nor|none)\b[^.,;]{{0,30}}?(?:{SELF_WORDS})(?![a-z])"
)
_NEGATED_CLOUD = re.compile(
    rf"\b(?:no|not|don'?t|do not|without|never|zero|nor|none)\b[^.,;]{{0,20}}?(?:public )?"
    rf"(?:{CLOUD_WORDS})(?![a-z])"
)
_YES_LEAD = re.compile(
    r"^(?:yes|yeah|yea|yep|yup|ya|sure|definitely|absolutely|certainly|correct|indeed|of course|"
    r"affirmative|we do|true|y)\b"
)
_NO_LEAD = re.compile(
    r"^(?:no|nope|nah|not really|not at all|never|none|negative|not yet|we don'?t|we do not|"
    r"we haven'?t|we have not|we aren'?t|we are not|n)\b(?!\s+(?:idea|clue|sure))"
)
_GO_AHEAD = re.compile(
    r"\b(?:accept(?:ed)?|sounds? (?:good|right|fine|great|ok|reasonable)|looks? (?:good|right|fine|great|ok)|"
    r"seems? (?:good|right|fine|reasonable)|go ahead|go for it|proceed|that works|works for me|fine by me|"
    r"(?:let'?s )?go with (?:that|it|this|your|the|those)|as (?:you )?recommended|your recommendation|"
    r"happy with (?:that|it|this)|makes sense|agreed?|lgtm|perfect|exactly|spot on|do it|please do|"
    r"that'?s (?:right|fine|correct|good|it)|let'?s (?:go|do it|start)|carve (?:them|it) out|"
    r"confirm(?:ed)?|recommend(?:ed|ation)?|fine|good|great|cool|nice|go)\b|^\W*(?:👍|✅|k)\W*$"
)
_REFUSE = re.compile(r"\b(?:no|not|don'?t|do not|never|wrong|keep (?:them|it) in)\b")

_NO_OFFICE = re.compile(
    r"\b(?:no|without|don'?t have an?|do not have an?|never had an?)\s+(?:\w+\s+)?(?:offices?|premises)\b"
)
_REMOTE = re.compile(
    r"\bremote\b|\bdistributed\b|\bco-?working\b|\bwework\b|\bregus\b|\bwork(?:ing)? from home\b|"
    r"\bwfh\b|\bhot ?desks?\b|\bshared (?:desk|space)s?\b"
)
_HAS_OFFICE = re.compile(
    r"\b(?:have|got|rent|lease|own|with|in|keep)\s+(?:an?\s+|our\s+|the\s+|one\s+|two\s+)?(?:\w+\s+)?"
    r"(?:offices?|premises|hq|headquarters)\b|\b(?:our|an?|one) (?:\w+ )?(?:offices?|hq|headquarters)\b"
)


def office_mentioned(text: str) -> bool | None:
    """True/False when the text says whether the company has an office it controls."""
    norm = lower_line(text)
    if _NO_OFFICE.search(norm):
        return False
    if _HAS_OFFICE.search(norm):  # "remote-first but we have a small office"
        return True
    return False if _REMOTE.search(norm) else None


def number_in(text: str) -> int | None:
    """The head count in ``text``: digits ("30", "1,200", "5k"), words ("thirty-five") or vague."""
    norm = text.lower()
    if match := re.search(r"\d[\d,]*(?:\.\d+)?", norm):
        raw = match.group(0).replace(",", "")
        number = float(raw)
        if re.match(r"\s*k\b", norm[match.end() :]):
            number *= 1000
        return round(number)
    total, current, seen = 0, 0, False
    for word in re.findall(r"[a-z]+", norm):
        if word in UNITS:
            current += UNITS[word]
        elif word in _TENS:
            current += _TENS[word]
        elif word in _SCALES and (seen or current):
            total += max(current, 1) * _SCALES[word]
            current = 0
        elif word == "a" and not seen:
            continue
        elif seen and word != "and":
            break
        else:
            continue
        seen = True
    if seen and (total or current):
        return total + current
    for pattern, number in _VAGUE:
        if re.search(pattern, norm):
            return number
    return None


_RANGE = re.compile(
    r"(?:between\s+)?(\d[\d,]*)\s*(?:-|–|—|to|and|or)\s*(\d[\d,]*)(?!\s*(?:contractors?|freelancers?))"
)
_ADDED = re.compile(
    r"(?:\+|\bplus\b|\band\b|,|\bwith\b)\s*(?:about|around|roughly|maybe|another|~)?\s*"
    r"(\d[\d,]*|an?|one|two|three|four|five|six|seven|eight|nine|ten|a couple of|a few)\s+"
    r"(?:\w+[\s-]){0,3}?(?:contractors?|freelancers?|part[\s-]?timers?|interns?|consultants?|"
    r"people|devs?|engineers?|employees?|staff|agency|outsourced|offshore|temps?|qa)"
)
_ONLY_ME = re.compile(r"^(?:just\s+)?(?:me|myself|i)\b(?=.*(?:\+|\bplus\b|\band\b|\bwith\b))")
_SMALL = {"a": 1, "an": 1, "a couple of": 2, "a few": 3} | UNITS  # added heads said in words


def head_count(text: str) -> int | None:
    """People with access, from a free answer: ranges take the upper end ("10-15" = 15) and
    contractors are added ("12 full time plus 4 contractors" = 16, "me plus one" = 2)."""
    norm = lower_line(text)
    if (match := _RANGE.search(norm)) and not _ADDED.search(norm):
        low, high = (int(x.replace(",", "")) for x in match.groups())
        if low < high:
            return high
    base = number_in(norm)
    if _ONLY_ME.search(norm):
        base = 1
        norm = norm.split(" ", 1)[1] if " " in norm else norm
    if base is None:
        return None
    extra = 0
    first = re.search(r"\d[\d,]*", norm)
    rest = norm[first.end() :] if first and not _ONLY_ME.search(text.lower().strip()) else norm
    for found in _ADDED.finditer(rest):
        word = found.group(1)
        extra += int(word.replace(",", "")) if word[0].isdigit() else _SMALL.get(word, 0)
    return base + extra


def hosting_kind(value: Any) -> str | None:
    """Classify a hosting value or answer as ``cloud``, ``self_hosted``, ``hybrid`` or None."""
    if value is None:
        return None
    text = lower_line(str(value).replace("_", " "))
    if text in {"own datacenter", "self hosted", "self-hosted"}:
        return "self_hosted"
    if text in {"other cloud", "cloud"}:
        return "cloud"
    text = _NEGATED_CLOUD.sub(" ", _NEGATED_SELF.sub(" ", text))
    cloud, own = bool(_CLOUD.search(text)), bool(_SELF.search(text))
    if re.search(r"\bhybrid\b|\bpartly (?:in the )?cloud\b", text) or (cloud and own):
        return "hybrid"
    if own:
        return "self_hosted"
    return "cloud" if cloud else None


def named_provider(text: str) -> str | None:
    """``aws``, ``gcp`` or ``azure``: the cloud provider the text names first (see ``assessment.clouds``)."""
    provider = named_cloud(text)
    return provider.key if provider else None


def leading_yes_no(text: str) -> bool | None:
    """True/False when the answer opens with a plain yes or no ("no, best effort only")."""
    norm = text.strip().lower()
    if _NO_LEAD.match(norm):
        return False
    if _YES_LEAD.match(norm):
        return True
    return None


def is_go_ahead(text: str) -> bool:
    """The reply accepts a proposal ("sounds good", "that looks right to me, please proceed")."""
    norm = text.strip().lower()
    if leading_yes_no(norm) is False:
        return False
    if leading_yes_no(norm) is True and not _REFUSE.search(norm):
        return True
    return bool(_GO_AHEAD.search(norm)) and not _REFUSE.search(norm)


# "As I said, next autumn": words that only lead in to the answer. One-word fillers need a comma
# after them ("well documented" keeps its "well"); "yes"-like openings are never lead-ins.
_LEAD_IN = re.compile(
    r"^(?:(?:(?:as|like) i (?:already )?(?:said|mentioned|wrote|told you|answered)|"
    r"as (?:already )?(?:said|mentioned|noted|stated|answered)|i (?:already )?(?:said|told you|mentioned)|"
    r"(?:as|like) (?:i )?(?:said|mentioned) (?:before|earlier|above))(?: (?:before|earlier|above|already))?"
    r"\s*[,:;.!-]*\s+|(?:well|so|um+|uh+|hmm+|again|anyway)\s*[,:;.!-]+\s*)+",
    re.IGNORECASE,
)


def without_lead_in(text: str) -> str:
    """``text`` without a lead-in such as "as I said," or "well,", when something follows it."""
    rest = _LEAD_IN.sub("", text, count=1)
    return rest if rest.strip() else text
