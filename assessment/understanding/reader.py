"""Understanding free-text interview answers: map an answer to a label with a calibrated confidence.

Two layers:
1. an exact front: quick replies ("Yes", "Partly", "N/A"), the exact text of one of the
   question's options, instructions aimed at the assistant, markup and empty input;
2. the trained reader (``model``): a MiniLM cross-encoder fine-tuned on hand-written
   (question, answer) examples, which reads the question and the answer together and also
   says when the answer is itself a question. Its confidences are calibrated on a validation
   split, and :func:`needs_clarification` applies the thresholds chosen there (stricter for
   readings that would flatter the report).
If the artifact cannot be loaded, the earlier hand-written rules answer instead, and every
reading they make is confirmed with the founder (see ``needs_clarification``).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from dataclasses import replace
from functools import lru_cache
from typing import Literal

from assessment.models import LABELS, Interpretation, Label, Question
from assessment.understanding.clauses import negations
from assessment.understanding.injection import looks_like_injection
from assessment.understanding.interrogative import looks_like_question
from assessment.understanding.lexicon import load_data
from assessment.understanding.rules import RuleResult, apply_rules, margin_confidence
from knowledge.text import normalize_answer

CLARIFY_THRESHOLD = 0.6  # for the hand-written rules (fallback); the model's bars are in its artifact
EMBEDDING_WEIGHT = 1.5  # evidence the model adds at full probability; a strong rule cue adds 2.5-3
MODEL_ONLY_CONFIDENCE = 0.55  # below CLARIFY_THRESHOLD on purpose: see bench/interpret.py for why
# "model": exact front + trained reader (the default); "rules": the earlier hand-written reader.
Mode = Literal["model", "rules", "combined", "embeddings"]

_log = logging.getLogger(__name__)


@lru_cache(maxsize=1)
def _model_thresholds() -> dict[str, float]:
    from assessment.understanding.model import ReaderMeta, artifact_dir

    try:
        return ReaderMeta.from_file(artifact_dir() / "reader.json").thresholds
    except Exception:  # no artifact: every model reading would be asked about
        return {}


def needs_clarification(i: Interpretation) -> bool:
    """True when the engine should ask before recording: readings recorded without asking are right
    at least 97% of the time on the validation split (98.5% for yes / not applicable)."""
    if i.asks:
        return True
    if i.source == "model":
        return i.confidence < _model_thresholds().get(i.label, 1.01)
    if i.source == "rules" and not _rules_trusted():
        return True
    return i.confidence < CLARIFY_THRESHOLD


def _rules_trusted() -> bool:
    """The hand-written rules were tuned on the sets they were scored on: trust them only where
    the trained reader is missing because the artifact was never built (a development checkout)."""
    from assessment.understanding.model import reader_available

    return not reader_available()


def _question_text(question: str | Question | None) -> str:
    if question is None:
        return ""
    return question.text if isinstance(question, Question) else str(question)


def _option_match(text: str, options: Sequence[str]) -> Interpretation | None:
    """The answer is exactly one of the offered options: take that option's meaning."""
    data = load_data()
    for option in options:
        key = normalize_answer(str(option))
        if not key or key != text:
            continue
        if key in data.quick:
            return Interpretation(data.quick[key], 1.0, f"chose option {option!r}", "quick_reply")
        meaning = apply_rules(str(option))
        if meaning.confidence >= CLARIFY_THRESHOLD:
            return Interpretation(meaning.label, 1.0, f"chose option {option!r}", "quick_reply")
    return None


def warm_up() -> None:
    """Load the trained reader now and read one answer (call at app start to keep turns fast);
    without the artifact, warm the fallback's embedding prototypes instead."""
    from assessment.understanding.model import load_reader, reader_available

    try:
        if reader_available():
            load_reader().probabilities("Do you warm up?", "yes")
            return
        from assessment.understanding.semantic import warm_up as _warm

        _warm()
    except Exception:  # the model is optional; interpret() falls back to rules
        _log.warning("answer reader unavailable; interpreting with rules only", exc_info=True)


def _semantic(text: str) -> dict[Label, float] | None:
    from assessment.understanding.semantic import label_similarities, probabilities

    try:
        return probabilities(label_similarities(text))
    except Exception:  # the model is optional: a broken install must not break the interview
        _log.warning("embedding model unavailable; interpreting with rules only", exc_info=True)
        return None


_LONE_SURROGATE = re.compile(r"[\ud800-\udfff]")


def clean_text(text: str) -> str:
    """``text`` without lone UTF-16 surrogates (they cannot be encoded, stored or shown).

    A well-formed surrogate pair (an emoji decoded as two halves) is joined into its character;
    a lone half becomes a space so the words around it stay apart.
    """
    if not _LONE_SURROGATE.search(text):
        return text
    joined = text.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "replace")
    return joined.replace("\ufffd", " ") if "\ufffd" not in text else _LONE_SURROGATE.sub(" ", text)


_SCRIPT_BLOCK = re.compile(r"<(script|style)\b[^>]*>.*?(</\1\s*>|$)", re.I | re.S)
_MARKUP = re.compile(r"</?[a-z][^<>]*>", re.I)


def interpret_with(
    answer: str,
    question: str | Question | None = None,
    options: Sequence[str] | None = None,
    mode: Mode = "combined",
) -> Interpretation:
    """Like :func:`interpret` but choosing the layers (for benchmarks); never raises."""
    got = _interpret(answer, question, options, mode)
    # Nothing a caller stores may carry text that cannot be encoded (lone surrogates).
    return replace(got, reason=clean_text(got.reason)) if _LONE_SURROGATE.search(got.reason) else got


def _interpret(
    answer: str, question: str | Question | None, options: Sequence[str] | None, mode: Mode
) -> Interpretation:
    try:
        answer = clean_text(answer if isinstance(answer, str) else str(answer))
        question = clean_text(_question_text(question))
        options = [clean_text(str(o)) for o in options] if options else None
        # Markup carries no answer: read only the words between tags (pasted HTML, <script>...).
        answer = _MARKUP.sub(" ", _SCRIPT_BLOCK.sub(" ", answer[:10_000]))
        text = normalize_answer(answer)
        if options:
            chosen = _option_match(text, options)
            if chosen:
                return chosen
        if text in load_data().quick:
            return Interpretation(load_data().quick[text], 1.0, "quick reply", "quick_reply")
        if looks_like_injection(text):
            # Instructions aimed at the assistant are not an answer; ask again instead of scoring.
            return Interpretation("unknown", 0.2, "reads like instructions, not an answer", "rules")
        if mode == "model":
            read = _model_reading(answer, question)
            if read is not None:
                return read
            mode = "combined"
        rules = apply_rules(answer, question)
        if mode == "rules" or (mode == "combined" and (rules.decisive or not text)):
            return Interpretation(rules.label, rules.confidence, rules.reason, "rules")
        probs = _semantic(rules.focus or text)
        if probs is None:
            return Interpretation(rules.label, min(rules.confidence, 0.75), rules.reason, "rules")
        if mode == "embeddings":
            best = max(LABELS, key=lambda lab: probs[lab])
            return Interpretation(best, round(probs[best], 3), "closest to example answers", "embedding")
        carve_out_cued = "not_applicable" in rules.evidence
        return _combine(rules, probs if carve_out_cued else _without_carve_out(probs, text))
    except Exception:  # interpretation must never break a turn; the engine will ask to clarify
        _log.exception("interpretation failed")
        return Interpretation("unknown", 0.0, "could not interpret the answer", "error")


def _model_reading(answer: str, question: str) -> Interpretation | None:
    """The trained reader's reading, or None when the model cannot be loaded."""
    from assessment.understanding.model import load_reader, reader_available

    if not reader_available():
        return None
    try:
        model = load_reader()
    except Exception:
        _log.warning("trained reader unavailable; reading answers with the rules", exc_info=True)
        return None
    probs = model.probabilities(question, answer)
    ranked = sorted(probs, key=lambda c: -probs[c])
    recorded: list[Label] = [c for c in ranked if c != "question"]
    label = recorded[0]
    # A question back must also be worded as one: the model alone cannot turn "<b>" into a question.
    asks = ranked[0] == "question" and looks_like_question(answer)
    reason = ", ".join(f"{c} {probs[c]:.2f}" for c in ranked[:3])
    return Interpretation(
        label, round(probs[label], 4), reason, "model", alternatives=tuple(recorded[:3]), asks=asks
    )


def _without_carve_out(probs: dict[Label, float], text: str) -> dict[Label, float]:
    """Drop the model's "does not apply" reading of an answer that negates nothing.

    Carve-outs are said with a negation ("we don't store card data") or a provider that handles
    the control; the model cannot see polarity, so "we store customer PII" lands near them too.
    """
    data = load_data()
    if negations(text, data) or data.cue["provider_handles"].search(text) or probs["not_applicable"] >= 0.999:
        return probs
    rest = 1.0 - probs["not_applicable"]
    return {lab: (0.0 if lab == "not_applicable" else p / rest) for lab, p in probs.items()}


def _combine(rules: RuleResult, probs: dict[Label, float]) -> Interpretation:
    evidence = dict(rules.evidence)
    for label, p in probs.items():
        evidence[label] = evidence.get(label, 0.0) + EMBEDDING_WEIGHT * p
    label, confidence = margin_confidence(evidence)
    best_emb = max(LABELS, key=lambda lab: probs[lab])
    if not rules.evidence or label != rules.label:
        # The model alone, or overriding the rules, is too weak a signal to record without asking.
        confidence = min(confidence, MODEL_ONLY_CONFIDENCE)
    reason = f"{rules.reason}; closest examples: {best_emb} ({probs[best_emb]:.2f})"
    return Interpretation(label, confidence, reason, "rules+embedding")


def interpret(
    answer: str, question: str | Question | None = None, options: Sequence[str] | None = None
) -> Interpretation:
    """Understand one answer to ``question``; never raises.

    Returns a label (yes / partial / no / unknown / not_applicable) with a confidence in 0..1;
    :func:`needs_clarification` tells the engine when to ask a short follow-up instead.
    """
    return interpret_with(answer, question, options, "model")
