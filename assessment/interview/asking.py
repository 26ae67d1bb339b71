"""Turn a selected slot into the ``Question`` shown to the user (texts, quick replies, criteria)."""

from __future__ import annotations

import re
from dataclasses import replace

from assessment.bank.loader import DEFAULT_OPTIONS, ScopingQuestion
from assessment.interview import flow
from assessment.interview.flow import Context, Derived, Slot
from assessment.models import LABELS, Question
from assessment.scoping.carveout import carve_out_candidates
from assessment.scoping.profile import recommend_scope, scope_titles
from assessment.templates import render_message
from knowledge.models import CATEGORIES, CATEGORY_TITLES

SCOPE_OPTIONS_MAX = 5


def scoping_question(ctx: Context, qid: str) -> ScopingQuestion:
    return next(q for q in ctx.bank.scoping if q.id == qid)


def build_question(ctx: Context, slot: Slot, d: Derived) -> Question:
    bank = ctx.bank
    if slot.kind == "scoping":
        sq = scoping_question(ctx, slot.qid)
        options = tuple(o.label for o in sq.options) or _default_options(sq)
        return Question(sq.id, sq.text, "scoping", (), options, sq.why, "scoping", sq.help)
    if slot.kind == "scope_confirm":
        return _scope_question(d)
    if slot.kind == "carve_out":
        return _carve_question(ctx, d)
    if slot.kind == "followup":
        parent, item = bank.followup(slot.qid)
        return Question(
            item.id,
            item.text,
            parent.category,
            _criteria(parent.criteria),
            item.options,
            item.why or parent.why,
            "followup",
            parent.help,
        )
    q = bank.get(slot.qid)
    return Question(q.id, q.text, q.category, _criteria(q.criteria), q.options, q.why, "scored", q.help)


def _scope_question(d: Derived) -> Question:
    recommended, reasons = recommend_scope(d.profile)
    lines = []
    for category, reason in reasons.items():
        mark = "recommended" if category in recommended else "not_recommended"
        lines.append(render_message(f"scope_line_{mark}", title=CATEGORY_TITLES[category], reason=reason))
    text = render_message(
        "scope_confirm",
        scope=scope_titles(recommended),
        lines="\n".join(lines),
        examples=scope_examples(recommended),
    )
    options = [render_message("option_accept")]
    options += [
        render_message("option_add", title=CATEGORY_TITLES[c]) for c in reasons if c not in recommended
    ]
    options += [
        render_message("option_drop", title=CATEGORY_TITLES[c]) for c in recommended if c != "security"
    ]
    return Question(
        "scope_confirm",
        text,
        "scoping",
        (),
        tuple(options[:SCOPE_OPTIONS_MAX]),
        render_message("scope_why"),
        "scope_confirm",
        render_message("scope_help"),
    )


def scope_examples(recommended: tuple[str, ...]) -> str:
    """How to change the scope, by example: "add" a category left out, "drop" one recommended."""
    left_out = [CATEGORY_TITLES[c].lower() for c in CATEGORIES if c not in recommended]
    optional = [CATEGORY_TITLES[c].lower() for c in recommended if c != "security"]
    add = render_message("scope_example_add", category=left_out[0]) if left_out else ""
    drop = render_message("scope_example_drop", category=optional[0]) if optional else ""
    if add and drop:
        return render_message("scope_examples_both", add=add, drop=drop)
    return render_message("scope_examples_one", example=add or drop)


def _carve_question(ctx: Context, d: Derived) -> Question:
    candidates = carve_out_candidates(d.profile)
    if candidates is None:
        text = render_message("carve_out_direct")
        options = tuple(render_message(f"option_carve_{n}") for n in ("cloud_remote", "cloud_office", "own"))
    else:
        provider = flow.provider_of(d)
        carved = carvable(ctx, d, candidates)
        name = "carve_out_confirm_remote" if "physical" in candidates else "carve_out_confirm_office"
        name += "_one" if len(carved) == 1 else ""  # "carve this criterion out" for CC6.4 alone
        text = render_message(name, provider=provider, criteria=", ".join(carved))
        options = (render_message("option_carve_yes"), render_message("option_carve_no"))
    return Question(
        "carve_out",
        text,
        "scoping",
        (),
        (*options, DEFAULT_OPTIONS[-1]),
        render_message("carve_out_why"),
        "carve_out",
        render_message("carve_out_help"),
    )


def carvable(ctx: Context, d: Derived, kinds: tuple[str, ...]) -> list[str]:
    scope = flow.planning_scope(d)
    found = [
        flow.primary_criterion(q) for q in ctx.bank.scored if q.carve_out in kinds and q.category in scope
    ]
    return sorted(set(found), key=ctx.corpus.ids.index)


def held_question(ctx: Context, slot: Slot, d: Derived, readings: tuple[str, ...] = ()) -> Question:
    """The question shown while an answer awaits its clarification (``clarify_question`` of the slot's)."""
    examples = scope_examples(recommend_scope(d.profile)[0]) if slot.kind == "scope_confirm" else ""
    return clarify_question(build_question(ctx, slot, d), readings, examples)


def clarify_question(original: Question, readings: tuple[str, ...] = (), examples: str = "") -> Question:
    """The short question asked before recording an unclear answer.

    ``readings`` are the reader's likeliest labels, best first: a scored question then offers
    those two or three readings, in plain words, as its quick replies. ``examples``: how the scope
    could be changed (``scope_examples``), for the scope question.
    """
    if original.kind == "scope_confirm":
        text = render_message("clarify_scope", examples=examples or scope_examples(("security",)))
    elif original.kind == "scoping":
        text = render_message("clarify_scoping", question=original.text)
    else:
        text = render_message("clarify_question", question=original.text)
    options = (
        original.options if original.kind in ("scoping", "scope_confirm", "carve_out") else DEFAULT_OPTIONS
    )
    if original.kind not in ("scoping", "scope_confirm", "carve_out") and len(readings) >= 2:
        # The likeliest readings, shown in the usual order (Yes, Partly, No, ...) so buttons and
        # numbered replies mean the same thing from one question to the next.
        likeliest = set(readings[:3])
        options = tuple(render_message(f"label_{label}") for label in LABELS if label in likeliest)
    return replace(
        original, id=f"{original.id}:clarify", text=text, options=options, kind="clarify", display_text=text
    )


def numbered_option(ctx: Context, slot: Slot, question: Question, text: str) -> str | None:
    """The option a bare number picks ("2" -> the second quick reply), or None.

    Head counts are numbers themselves ("3" people), so they never pick an option.
    """
    match = re.fullmatch(r"\s*(?:#|no\.?\s*|option\s*)?(\d{1,2})\s*[.)]?\s*", text.lower())
    if match is None or not question.options:
        return None
    if slot.kind == "scoping" and scoping_question(ctx, slot.qid).value_type == "int":
        return None
    number = int(match.group(1))
    return question.options[number - 1] if 1 <= number <= len(question.options) else None


# --- answering ---------------------------------------------------------------------------


def _criteria(weights: dict[str, float]) -> tuple[str, ...]:
    # primary (highest weight) first, ties in file order
    return tuple(sorted(weights, key=lambda cid: -weights[cid]))


def _default_options(question: ScopingQuestion) -> tuple[str, ...]:
    if question.value_type == "bool":
        return ("Yes", "No", "Not sure")
    return ()
