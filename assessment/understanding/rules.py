"""Rule-based answer understanding: cue phrases, negation parity, hedges, plans and carve-outs.

Every cue adds evidence for a label; the label with most evidence wins and the margin over the
runner-up gives the confidence, so conflicting cues honestly produce a low confidence.
"""

from __future__ import annotations

import math
import re
from collections import defaultdict
from dataclasses import dataclass, field

from assessment.models import LABELS, Label
from assessment.scoping.vendors import mentioned_vendors
from assessment.understanding.clauses import (
    affirms_elsewhere,
    applies_not,
    gap_label,
    limited_scope,
    names_owner_only,
    restrictive_question,
)
from assessment.understanding.clauses import clause_polarity as _clause_polarity
from assessment.understanding.clauses import clauses as _clauses
from assessment.understanding.fuzzy import fuzzy_phrase, fuzzy_word
from assessment.understanding.interrogative import QUESTION_WORDS
from assessment.understanding.lexicon import InterpretData, load_data
from assessment.understanding.patterns import (
    caveat_weight,
    coverage_label,
    is_topical,
    scoped_yes,
    stale_one_off,
)
from knowledge.text import normalize_answer

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
HEDGED_CEILING = 0.8  # "pretty sure we do": recorded, but never as certain as a plain yes
OFF_TOPIC_CONFIDENCE = 0.35  # no cue and nothing about the question: the engine must clarify
MAX_RULE_CHARS = 4000  # long answers: the decisive parts are the opening and the conclusion

_TOKEN = re.compile(r"[\w'/%+.-]+|[^\w\s]", re.UNICODE)
_FREQUENCY = frozenset({"usually", "often", "generally", "typically", "sometimes", "occasionally"})
_CONTRAST = re.compile(r"\b(?:but|however|although|though|except that)\b")
_INNER_SO = re.compile(r"(?<!\bor)\s(?:and )?so(?! far| that| many| much| long| to speak)[\s,]+(.+)$")
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
        follower = rest.split(" ", 1)[0].strip(",.;:!-–—") if rest else ""
        hit: tuple[Label, str] | None = None
        if bare in data.words:
            hit = data.words[bare], bare
        elif n == 1:
            hit = fuzzy_word(bare, data)
        if hit is None:
            continue
        if hit[0] == "yes" and not after_punct and (follower in data.negators or follower.endswith("n't")):
            continue  # "we do not have it": the statement is negated, not opened with a yes
        if (
            not rest
            or after_punct
            or not follower
            or follower in data.lead_followers
            or follower in data.words
        ):
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
    text = normalize_answer(_shorten(answer))
    if not text:
        return RuleResult("unknown", 0.2, "empty answer")
    if text in data.quick:
        return RuleResult(data.quick[text], 1.0, "quick reply", {data.quick[text]: 9.0}, text)
    word = (data.words[text], text) if text in data.words else fuzzy_phrase(text, data)
    if word:
        return RuleResult(word[0], 0.95, f"reply word {word[1]!r}", {word[0]: 9.0}, text)
    symbol = _only_symbols(text, data)
    if symbol:
        return RuleResult(symbol, 0.9, "emoji reply", {symbol: 9.0}, text)

    evidence: dict[str, float] = defaultdict(float)
    reasons: list[str] = []
    cued: list[bool] = []  # whether any cue beyond plain clause polarity was found

    def add(label: Label, weight: float, why: str, cue_found: bool = True) -> None:
        evidence[label] += weight
        reasons.append(why)
        cued.append(cue_found)

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
        label, word_, body = lead
        # An opening hedge ("partly, ...") is deliberate; it outweighs a plan or "not yet" that follows.
        weight = W_LEAD + 1.0 if label == "partial" else W_LEAD
        add(
            label,
            weight if word_ == text.split(" ")[0] or " " in word_ else weight - 0.5,
            f"opens with {word_!r}",
        )
    lead_yes = bool(lead and lead[0] == "yes")

    cue = data.cue
    if cue["unknown"].search(text):
        add("unknown", W_STRONG, "says they do not know")
    if cue["delegation"].search(text):
        add("unknown", W_STRONG, "someone else would know")
    asks_back = any(cue["question_back"].match(c) for c in clauses) or text.split(" ")[0] in QUESTION_WORDS
    if text.endswith("?") and asks_back:
        add("unknown", W_STRONG, "asks a question back")
    elif text.endswith("?"):
        add("unknown", 1.0, "ends with a question mark")
    progress = cue["in_progress"].search(text)
    if progress:
        # "Begun; completion planned for Q3": the plan is about finishing, the work has started.
        add("partial", W_CUE, f"work is underway ({progress.group(0)})")
    elif cue["future"].search(text):
        add("no", W_CUE, "describes a plan, not a current control")
    partial_spans = [m for m in cue["partial"].finditer(body)]
    if restrictive_question(question):
        partial_spans = [m for m in partial_spans if not re.search(r"\b(?:only|just)\b", m.group(0))]
    partial_hits = {m.group(0) for m in partial_spans}
    if partial_hits:
        # "No, accounts usually linger" / "no, best effort only": after an explicit no, a frequency
        # word or an informal practice describes the gap rather than a partial control.
        weak = [(w.start(), w.end()) for w in cue["weak_practice"].finditer(body)]
        habitual = bool(lead and lead[0] == "no") and all(
            m.group(0) in _FREQUENCY or any(m.start() <= e and s <= m.end() for s, e in weak)
            for m in partial_spans
        )
        add(
            "partial",
            (W_CUE - 1.5) if habitual else W_CUE + 0.5 * (len(partial_hits) - 1),
            f"hedges ({', '.join(sorted(partial_hits))[:60]})",
        )
    not_applies = applies_not(text, data)
    if not_applies:
        add("not_applicable", W_STRONG, "says it does not apply")
    ceiling = 1.0
    hedged = cue["hedged"].search(text)
    if hedged:
        # "Pretty sure we do": the answer is yes, said with less than full certainty.
        negated = _clause_polarity(text[hedged.start() :].split(",")[0], data) < 0
        add("no" if negated else "yes", W_CUE, "a hedged but clear answer")
        ceiling = HEDGED_CEILING
    # "Our CTO owns it" alone: the speaker cannot say; beside "in place for years" it only names an owner.
    owner = cue["owner"].search(text)
    affirmed = lead_yes or evidence.get("yes", 0.0) > 0 or affirms_elsewhere(text, data, cue["owner"])
    if owner and not affirmed and names_owner_only(text, owner):
        add("unknown", W_STRONG, "someone else would know")
    closing = clauses[-1] if len(clauses) > 1 and not lead else ""
    if data.words.get(closing) in ("yes", "no") and closing not in data.fillers:
        add(data.words[closing], W_LEAD, f"ends with {closing!r}")  # "Pretty sure we do, yes."
    # A past state followed by "now ..." or "we switched to ..." is a story, not the answer.
    lapsed = cue["lapsed"].search(text)
    lapsed = lapsed if lapsed and not cue["current_state"].search(text[lapsed.end() :]) else None
    if lapsed:
        add("no", W_STRONG, "the control lapsed or stopped")
    bad = cue["bad_practice"].search(text)
    if bad and not cue["current_state"].search(text[bad.end() :]):
        add("no", W_CUE, "describes a practice that is the opposite of the control")
    if not lapsed and stale_one_off(text, data):
        add("partial", W_CUE, "the last time it was done is years ago")
    coverage = coverage_label(text)
    if coverage:
        add(coverage, W_STRONG + 0.5, f"states {coverage} coverage")
    if scoped_yes(text):
        add("partial", W_LEAD + 2.5, "a yes limited to one part")

    vendors = mentioned_vendors(answer[:MAX_RULE_CHARS])
    carve_out_vendor = any(v.role in _CARVE_OUT_ROLES for v in vendors)
    handles = cue["provider_handles"].search(text)
    if handles and carve_out_vendor:
        add("not_applicable", W_STRONG, "a provider carries this control")
    elif handles and _PERSON.search(text[: handles.start()]) and not vendors and not affirmed:
        add("unknown", W_CUE, "someone else handles it")
    topic = _CARVE_OUT_TOPIC.search(question.lower()) if question else None
    if topic and carve_out_vendor and not any(lab in evidence for lab in ("no", "partial", "unknown")):
        add("not_applicable", W_CUE, "the question is about facilities a provider runs")

    # "We have Dependabot but the PRs pile up": a limitation introduced after an affirmation.
    caveat = ""
    first_contrast = _CONTRAST.search(body)
    if first_contrast:
        before = body[: first_contrast.start()]
        affirmed = lead_yes if not before.strip(" ,") else _clause_polarity(before, data) > 0
        if affirmed and not cue["partial"].search(before):
            caveat = body[first_contrast.end() :]
    weight = caveat_weight(caveat, data) if caveat else 0.0
    if weight and evidence.get("no", 0.0) < W_CUE:
        add("partial", weight, "a limitation follows 'but'")
    # A gap beside a coverage figure or a hedge ("3 of 40 are missing") is a partial control.
    gap = None if not_applies else gap_label(text, data, lead_yes or bool(caveat or coverage or partial_hits))
    if gap:
        add(gap[0], W_CUE, f"names a gap ({gap[1]})")

    # Clause polarity, skipping clauses whose meaning a cue already decided; what follows a caveat
    # only counts against the answer.
    polarities: list[int] = []
    decided = ("unknown", "delegation", "future", "question_back", "lapsed", "bad_practice", "in_progress")
    for clause in _clauses(body):
        if clause in data.fillers or any(cue[name].search(clause) for name in decided):
            continue
        if (gap and cue["gap"].search(clause)) or (not_applies and applies_not(clause, data)):
            continue
        polarity = _clause_polarity(clause, data)
        if polarity and not (caveat and clause in caveat and polarity > 0):
            polarities.append(polarity)
    mixed = -1 in polarities and (lead_yes or 1 in polarities or 2 in polarities) and not lapsed
    if mixed:
        add("partial", W_MIXED, "some parts affirm, others deny")
    # In a mixed answer each side counts once: two gaps beside one strength still make a partial.
    for polarity in sorted(set(polarities[:3])) if mixed else polarities[:3]:
        if polarity == 2:
            add("yes", W_DOUBLE_NEG, "double negation", False)
        elif polarity > 0:
            add("yes", W_AFFIRM, "affirmative statement", False)
        else:
            add("no", W_DENY, "negated statement", False)
    if vendors and not any(lab in evidence for lab in ("no", "unknown", "partial")):
        add("yes", W_TOOL, f"names {', '.join(v.name for v in vendors[:3])}")

    scope = limited_scope(text, question, data)
    if scope and evidence.get("yes", 0.0) > 0 and not lapsed:
        # "We do it for prod only": whatever affirms the control is limited to part of its scope.
        evidence["partial"] += evidence.pop("yes")
        add("partial", 0.0, f"limited to part of the scope ({scope})")
    reason = "; ".join(dict.fromkeys(reasons)) or "no clear cue"
    if not any(cued) and "no" not in evidence and not is_topical(text, question, data):
        # Nothing that reads as an answer to this question: ask rather than guess.
        return RuleResult(
            "unknown", OFF_TOPIC_CONFIDENCE, f"off topic ({reason})", {}, text[-300:], OFF_TOPIC_CONFIDENCE
        )
    label, confidence = margin_confidence(evidence)
    if asks_back and text.endswith("?") and label == "unknown":
        ceiling = QUESTION_BACK_CONFIDENCE  # they need an explanation, not a label
    confidence = min(confidence, ceiling)
    focus = conclusion or (body if len(body) > 3 else text)
    return RuleResult(label, confidence, reason, dict(evidence), focus[-300:], ceiling)
