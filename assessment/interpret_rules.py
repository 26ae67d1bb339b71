"""Rule-based answer understanding: cue phrases, negation parity, hedges, plans and carve-outs.

Every cue adds evidence for a label; the label with most evidence wins and the margin over the
runner-up gives the confidence, so conflicting cues honestly produce a low confidence.
"""

from __future__ import annotations

import math
import re
from collections import defaultdict
from dataclasses import dataclass, field

from assessment.interpret_data import InterpretData, load_data, normalize
from assessment.models import LABELS, Label
from assessment.vendors import mentioned_vendors

# Evidence weights: strong cues (an explicit "no", "not sure", a plan) outweigh the polarity of a
# plain statement, which is weak evidence on its own.
W_LEAD = 3.0
W_STRONG = 3.0
W_CUE = 2.5
W_MIXED = 2.0
W_AFFIRM = 0.7  # a plain statement with no negation: weak evidence for yes
W_DENY = 1.5  # a negated statement
W_DOUBLE_NEG = 2.5  # "we don't not do it", "never skip": a deliberate double negation
W_TOOL = 1.5
DECISIVE = 0.7  # rule confidence from which the embedding model is not consulted (see bench/interpret.py)
QUESTION_BACK_CONFIDENCE = 0.4
MAX_RULE_CHARS = 4000  # long answers: the decisive parts are the opening and the conclusion

_CLAUSE_SPLIT = re.compile(r"[.;!?\n]+|,\s+|\s+[-–—]\s+|\s\(|\)\s")
_TOKEN = re.compile(r"[\w'/%+.-]+|[^\w\s]", re.UNICODE)
_CONTRAST = re.compile(r"\b(?:but|however|although|though|except that)\b")
_INNER_SO = re.compile(r"(?<!\bor)\s(?:and )?so(?! far| that| many| much| long| to speak)[\s,]+(.+)$")
_QUESTION_WORDS = frozenset(
    {
        "what",
        "what's",
        "whats",
        "which",
        "how",
        "why",
        "who",
        "whom",
        "when",
        "where",
        "huh",
        "sorry",
        "pardon",
    }
    | {
        "meaning",
        "define",
        "explain",
        "clarify",
        "can",
        "could",
        "would",
        "does",
        "do",
        "is",
        "are",
        "should",
    }
)
_CARVE_OUT_TOPIC = re.compile(
    r"office|physical|premises|building|data ?cent|server room|facilit|fire|flood|power|environment|"
    r"hardware|card|payment|media|disk",
)
_CARVE_OUT_ROLES = frozenset(
    {"cloud hosting", "platform hosting", "database hosting", "data warehouse", "network and CDN", "payments"}
)
_PERSON = re.compile(
    r"\b(?:co-?founder|cto|ceo|coo|ciso|cfo|engineers?|devs?|developers?|team|lawyer|contractor|agency|"
    r"freelancer|admin|sysadmin|hr|he|she|guy|person|colleague|manager|ops)\b"
)


@dataclass(frozen=True)
class RuleResult:
    """The outcome of the rules: a label, a confidence, why, and the evidence per label."""

    label: Label
    confidence: float
    reason: str
    evidence: dict[str, float] = field(default_factory=dict)
    focus: str = ""  # the part of the answer that decided it (what the embedding model should read)
    ceiling: float = 1.0  # a cap on any final confidence (a question back must lead to a clarification)

    @property
    def decisive(self) -> bool:
        """True when the rules are sure enough (or capped) that the embedding model need not be asked."""
        return self.confidence >= DECISIVE or self.ceiling < 1.0


def margin_confidence(evidence: dict[str, float]) -> tuple[Label, float]:
    """The best label and a confidence from its margin over the runner-up (0.5 when tied)."""
    ranked = sorted(LABELS, key=lambda lab: (-evidence.get(lab, 0.0), LABELS.index(lab)))
    top, second = evidence.get(ranked[0], 0.0), evidence.get(ranked[1], 0.0)
    if top <= 0:
        return "unknown", 0.3
    margin = top - second
    return ranked[0], round(min(0.97, 0.5 + 0.5 * (1 - math.exp(-margin / 1.5))), 3)


def _collapse_repeats(word: str) -> str:
    return re.sub(r"(.)\1+", r"\1", word)


def _osa(a: str, b: str, limit: int = 2) -> int:
    """Edit distance with adjacent transpositions (optimal string alignment), capped at ``limit``+1."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    prev2: list[int] = []
    prev = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        cur = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = 0 if a[i - 1] == b[j - 1] else 1
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                cur[j] = min(cur[j], prev2[j - 2] + 1)
        prev2, prev = prev, cur
    return prev[-1]


def fuzzy_word(word: str, data: InterpretData) -> tuple[Label, str] | None:
    """The label of a misspelt reply word ("yess", "partialy", "defintely"), or None."""
    if word in data.words:
        return data.words[word], word
    collapsed = _collapse_repeats(word)
    for candidate in (collapsed, re.sub(r"(.)\1+", r"\1\1", word)):
        if candidate in data.words:
            return data.words[candidate], candidate
    if not word.isalpha() or len(word) < 3:
        return None
    best: tuple[int, str] | None = None
    for known in data.words:
        if not known.isalpha() or abs(len(known) - len(word)) > 1:
            continue
        if len(word) == 3:  # three letters: only a swap ("yse"), anything else is too risky
            if len(known) == 3 and sorted(known) == sorted(word) and _osa(word, known, 1) == 1:
                best = (1, known)
            continue
        if len(known) < 4:
            continue
        dist = _osa(word, known, 1)
        if dist <= 1 and (best is None or dist < best[0]):
            best = (dist, known)
    return (data.words[best[1]], best[1]) if best else None


def _lead(text: str, data: InterpretData) -> tuple[Label, str, str] | None:
    """A leading reply word or phrase ("yes, ...", "nope we don't", "nah not yet") and the rest."""
    tokens = text.split(" ")
    for n in (4, 3, 2, 1):
        if len(tokens) < n:
            continue
        head = " ".join(tokens[:n])
        bare = head.rstrip(",.;:!-–—")
        after_punct = bare != head
        rest = " ".join(tokens[n:])
        follower = rest.split(" ", 1)[0].strip(",.;:!") if rest else ""
        hit: tuple[Label, str] | None = None
        if bare in data.words:
            hit = data.words[bare], bare
        elif n == 1:
            hit = fuzzy_word(bare, data)
        if hit is None:
            continue
        if not rest or after_punct or follower in data.lead_followers or follower in data.words:
            return hit[0], hit[1], rest
    return None


def _only_symbols(text: str, data: InterpretData) -> Label | None:
    """Emoji-only replies such as "👍👍" or "✅ ✅": one label when every symbol agrees."""
    chars = [c for c in text if not c.isspace() and c not in "\ufe0f"]
    if not chars or any(c.isalnum() for c in chars):
        return None
    labels = {data.words.get(c) for c in chars}
    labels.discard(None)
    return labels.pop() if len(labels) == 1 else None


def _clause_polarity(clause: str, data: InterpretData) -> int:
    """+1 affirmative, -1 negated, +2 double negation, 0 no content (even negations affirm)."""
    words = re.findall(r"[\w']+", clause)
    if not words:
        return 0
    negations = sum(1 for w in words if w in data.negators or w.endswith("n't"))
    negations += len(data.cue["negative_sense"].findall(clause))
    if negations == 0:
        return 1 if len(words) >= 2 else 0
    return -1 if negations % 2 else 2


def _clauses(text: str) -> list[str]:
    parts = [p.strip(" ,") for p in _CLAUSE_SPLIT.split(text)]
    out: list[str] = []
    for part in parts:
        # Split at contrast words so "we collect logs but nobody looks" gives two clauses.
        out.extend(
            s.strip() for s in re.split(r"\b(?:but|however|although|though|whereas)\b", part) if s.strip()
        )
    return out


def _conclusion(clauses: list[str], data: InterpretData) -> str | None:
    """The text after a closing "so ..." / "overall ..." / "I'd say ..." in a multi-clause answer."""
    if len(clauses) < 2:
        return None
    for i in range(len(clauses) - 1, max(-1, len(clauses) - 3), -1):
        match = re.match(rf"^(?:and |but )?(?:{data.cue['conclusion'].pattern})[\s,]*(.*)$", clauses[i])
        # "... went to hiring so we never did it": a "so" inside the last clause concludes too.
        match = match or _INNER_SO.search(clauses[i]) if i == len(clauses) - 1 else match
        if match:
            tail = " ".join([match.group(1), *clauses[i + 1 :]]).strip()
            return tail or None
    return None


def _shorten(text: str) -> str:
    if len(text) <= MAX_RULE_CHARS:
        return text
    half = MAX_RULE_CHARS // 2
    return text[:half] + " . " + text[-half:]


def apply_rules(answer: str, question: str = "") -> RuleResult:
    """Interpret ``answer`` with cue rules only; never raises."""
    data = load_data()
    text = normalize(_shorten(answer))
    if not text:
        return RuleResult("unknown", 0.2, "empty answer")
    if text in data.quick:
        return RuleResult(data.quick[text], 1.0, "quick reply", {data.quick[text]: 9.0}, text)
    if text in data.words:
        return RuleResult(data.words[text], 0.95, f"reply word {text!r}", {data.words[text]: 9.0}, text)
    symbol = _only_symbols(text, data)
    if symbol:
        return RuleResult(symbol, 0.9, "emoji reply", {symbol: 9.0}, text)

    evidence: dict[str, float] = defaultdict(float)
    reasons: list[str] = []

    def add(label: Label, weight: float, why: str) -> None:
        evidence[label] += weight
        reasons.append(why)

    clauses = _clauses(text)
    conclusion = _conclusion(clauses, data)
    if conclusion:
        inner = apply_rules(conclusion, question)
        if inner.confidence >= 0.7:
            weight = 4.0 * inner.confidence
            add(inner.label, weight, f"conclusion {conclusion[:40]!r} -> {inner.label}")

    body = text
    lead = _lead(text, data)
    if lead:
        label, word, body = lead
        # An opening hedge ("partly, ...") is deliberate; it outweighs a plan or "not yet" that follows.
        weight = W_LEAD + 1.0 if label == "partial" else W_LEAD
        add(
            label,
            weight if word == text.split(" ")[0] or " " in word else weight - 0.5,
            f"opens with {word!r}",
        )

    cue = data.cue
    if cue["unknown"].search(text):
        add("unknown", W_STRONG, "says they do not know")
    if cue["delegation"].search(text):
        add("unknown", W_STRONG, "someone else would know")
    asks_back = any(cue["question_back"].match(c) for c in clauses) or text.split(" ")[0] in _QUESTION_WORDS
    if text.endswith("?") and asks_back:
        add("unknown", W_STRONG, "asks a question back")
    elif text.endswith("?"):
        add("unknown", 1.0, "ends with a question mark")
    if cue["future"].search(text):
        add("no", W_CUE, "describes a plan, not a current control")
    partial_hits = {m.group(0) for m in cue["partial"].finditer(body)}
    if partial_hits:
        add(
            "partial",
            W_CUE + 0.5 * (len(partial_hits) - 1),
            f"hedges ({', '.join(sorted(partial_hits))[:60]})",
        )
    if cue["not_applicable"].search(text):
        add("not_applicable", W_STRONG, "says it does not apply")

    vendors = mentioned_vendors(answer[:MAX_RULE_CHARS])
    carve_out_vendor = any(v.role in _CARVE_OUT_ROLES for v in vendors)
    handles = cue["provider_handles"].search(text)
    if handles and carve_out_vendor:
        add("not_applicable", W_STRONG, "a provider carries this control")
    elif handles and _PERSON.search(text[: handles.start()]) and not vendors:
        add("unknown", W_CUE, "someone else handles it")
    topic = _CARVE_OUT_TOPIC.search(question.lower()) if question else None
    if topic and carve_out_vendor and not any(lab in evidence for lab in ("no", "partial", "unknown")):
        add("not_applicable", W_CUE, "the question is about facilities a provider runs")

    # Clause polarity, skipping clauses whose meaning a cue already decided.
    polarities: list[int] = []
    decided = ("unknown", "delegation", "future", "not_applicable", "question_back")
    contrast_after_affirm = False
    for clause in _clauses(body):
        if clause in data.fillers or any(cue[name].search(clause) for name in decided):
            continue
        polarity = _clause_polarity(clause, data)
        if polarity:
            polarities.append(polarity)
    # "We have Dependabot but the PRs pile up": a limitation introduced after an affirmation.
    first_contrast = _CONTRAST.search(body)
    if first_contrast and first_contrast.start() > 0:
        before = body[: first_contrast.start()]
        if _clause_polarity(before, data) > 0 and not cue["partial"].search(before):
            contrast_after_affirm = True
    if contrast_after_affirm and evidence.get("no", 0.0) < W_CUE:
        add("partial", 1.5, "a limitation follows 'but'")
    if polarities:
        if -1 in polarities and (1 in polarities or 2 in polarities):
            add("partial", W_MIXED, "some parts affirm, others deny")
        for polarity in polarities[:3]:
            if polarity == 2:
                add("yes", W_DOUBLE_NEG, "double negation")
            elif polarity > 0:
                add("yes", W_AFFIRM, "affirmative statement")
            else:
                add("no", W_DENY, "negated statement")
    if vendors and not any(lab in evidence for lab in ("no", "unknown")):
        add("yes", W_TOOL, f"names {', '.join(v.name for v in vendors[:3])}")

    label, confidence = margin_confidence(evidence)
    ceiling = 1.0
    if asks_back and text.endswith("?") and label == "unknown":
        ceiling = QUESTION_BACK_CONFIDENCE  # they need an explanation, not a label
        confidence = min(confidence, ceiling)
    focus = conclusion or (body if len(body) > 3 else text)
    reason = "; ".join(dict.fromkeys(reasons)) or "no clear cue"
    return RuleResult(label, confidence, reason, dict(evidence), focus[-300:], ceiling)
