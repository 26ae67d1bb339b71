"""Commands and side questions typed instead of an answer, and how side questions are answered.

Commands (skip, back, why, progress, restart) and questions about SOC 2 never count as answers.
A side question naming a criterion is answered from that criterion. Otherwise the SOC 2 basics and
the criteria are both searched by meaning and ``knowledge.routing`` picks the source: the best
basics entry (citing the criteria it touches), the best criteria, or, when neither matches well,
an honest "I don't have a good answer" with what the assistant can help with. Without a working
index, a strict keyword match on the basics and a small lexical search over the corpus stand in.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Literal, Protocol

from assessment.interview import cloud_questions
from assessment.interview.faq import cited_criteria, lexical_basics, search_basics
from assessment.models import Interpretation
from assessment.templates import render_message
from assessment.understanding.interrogative import INTERROGATIVE
from knowledge.basics_kb import BasicHit
from knowledge.corpus import Corpus
from knowledge.ids import CRITERION_MENTION
from knowledge.routing import route
from knowledge.text import fold_quotes, lower_line, one_line

Command = Literal["skip", "back", "why", "progress", "restart", "correct"]
_COMMANDS: tuple[tuple[Command, re.Pattern[str]], ...] = (
    (
        "skip",
        re.compile(
            # "I'll skip this one" as a whole reply is the command; the reader would take it as a "no".
            r"^(?:(?:(?:i'?ll|i will|let'?s|lets|let me|can we|could we|can i|i'?d like to|i want to|"
            r"i'?d rather|please)\s+)?(?:/?skip|pass)(?: (?:this|it|this one|that|that one|question|"
            r"the question|this question))?(?: (?:for now|for later|for the moment|please))*|"
            r"next(?: question)?|(?:ask me|come back to (?:this|it|that)(?: one)?) later(?: please)?|later|"
            r"let me come back to (?:this|it|that)(?: one)?(?: later)?)$"
        ),
    ),
    (
        "back",
        re.compile(
            r"^(?:/?back|/?undo|go back|previous(?: question)?|undo(?: that| last| my last answer)?|"
            r"change (?:my )?(?:last|previous) answer|oops,? go back)$"
        ),
    ),
    (
        "correct",
        re.compile(
            r"^(?:that'?s not right|that is not right|not right|that'?s wrong|that is wrong|wrong|"
            r"incorrect|that'?s incorrect|you got (?:that|it) wrong|no,? that'?s (?:not right|wrong)|"
            r"change (?:that|it)|fix (?:that|it))$"
        ),
    ),
    (
        "why",
        re.compile(
            r"^(?:/?why|/?help|why\??|why (?:this|that)(?: question| one)?(?: now)?|"
            # The general form: "why is this asked?", "why are you asking me that?", "why does this
            # question matter for SOC 2?". Only the question itself as subject: "why is CC6.6 not in
            # my gaps?" names a criterion and is a question about the session.
            r"why(?: (?:is|are|was|do|does|did|would|will|should|must))? "
            r"(?:you|this|that|it|(?:this|that|the) question|this one|that one) "
            r"(?:being asked|asked|ask(?:ing)?|need(?:ed|s)?|want(?:s|ed)?|matters?|important|relevant|"
            r"required|necessary|useful|here|included|on (?:the|this|my) list|part of (?:this|soc ?2))"
            r"(?: (?:this|that|it|me(?: (?:this|that|it))?|to know|(?:this|that) question|"
            r"(?:about|for|to|in|on|with) [a-z0-9' .-]{1,30}))?|"
            r"why should (?:i|we) care(?: about (?:this|that|it))?|"
            r"why do (?:i|we) need to answer (?:this|that)|"
            r"what(?:'s| is) (?:this|that)(?: question)? (?:for|about)|"
            r"what(?:'s| is) the point(?: of (?:this|that|it|asking)(?: question)?)?|"
            r"what do you mean|explain(?: this| the question)?|"
            r"what does (?:this|that|the) question mean|i don'?t understand(?: the question)?)$"
        ),
    ),
    (
        "progress",
        re.compile(
            r"^(?:/?progress|/?status|how far (?:am i|are we|along am i)(?: now)?|"
            r"how (?:many|much) (?:questions )?(?:are )?(?:left|more|remaining|to go)|"
            r"how much longer|where am i|are we (?:nearly |almost )?(?:done|there)(?: yet)?|"
            r"what'?s my (?:score|progress)|show (?:my )?(?:progress|score))$"
        ),
    ),
    ("restart", re.compile(r"^(?:/?restart|/?reset|start (?:over|again|from scratch)|begin again)$")),
)
_INTERROGATIVE = INTERROGATIVE
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")
_STOP = frozenset(
    [
        "the",
        "a",
        "an",
        "of",
        "to",
        "and",
        "or",
        "is",
        "are",
        "do",
        "does",
        "what",
        "how",
        "in",
        "on",
        "for",
        "i",
        "we",
        "you",
        "it",
        "this",
        "that",
        "my",
        "our",
    ]
)


class SearchesCriteria(Protocol):
    """Anything with the ``Retriever.search`` signature."""

    def search(self, query: str, k: int = 5, categories: Any = None) -> list[Any]:
        """Best hits for the query, one per criterion."""
        ...


@dataclass(frozen=True)
class SideAnswer:
    """The reply to a side question, the criteria it cites, the template that framed it and the
    basics entry it came from (if any)."""

    message: str
    citations: tuple[str, ...]
    template: str = "side_answer"
    entry_id: str | None = None


def _norm(text: str) -> str:
    # Typographic apostrophes as typed on phones and Macs: "that’s not right" is still the command.
    return lower_line(fold_quotes(text)).rstrip(".!").strip()


def detect_command(text: str) -> Command | None:
    """The command the text asks for, or None when it is something else."""
    norm = _norm(text).rstrip("?").strip()
    if not norm:
        return None
    for command, pattern in _COMMANDS:
        if pattern.match(norm):
            return command
    return None


def is_side_question(text: str, understood: Interpretation) -> bool:
    """A question about SOC 2 rather than an answer: interrogative or a '?', and not a clear answer."""
    norm = _norm(text)
    if not norm:
        return False
    interrogative = bool(_INTERROGATIVE.match(norm))
    asks = interrogative or norm.endswith("?")
    if not asks:
        return False
    if CRITERION_MENTION.search(norm) and (interrogative or "mean" in norm):
        return True
    clear_answer = understood.confidence >= 0.8 and understood.source != "fallback"
    return interrogative or not clear_answer


def _trim(text: str, limit: int = 420) -> str:
    flat = one_line(text)
    if len(flat) <= limit:
        return flat
    sentences = _SENTENCE_END.split(flat)
    out = ""
    for sentence in sentences:
        if len(out) + len(sentence) > limit:
            break
        out = f"{out} {sentence}".strip()
    return out or flat[: limit - 1] + "…"


def _lexical(query: str, corpus: Corpus, k: int) -> list[tuple[str, str, str]]:
    words = {w for w in re.findall(r"[a-z0-9]+", query.lower()) if w not in _STOP and len(w) > 1}
    scored = []
    for order, criterion in enumerate(corpus.criteria):
        body = f"{criterion.title} {criterion.in_practice}".lower()
        hits = sum(1 for w in words if re.search(rf"\b{re.escape(w)}", body))
        if hits:
            scored.append((-hits, order, criterion.id, criterion.title, criterion.in_practice))
    scored.sort()
    return [(cid, title, text) for _, _, cid, title, text in scored[:k]]


@lru_cache(maxsize=1)
def default_retriever() -> Any:
    """The default Retriever, loaded once per process on the first side question."""
    from knowledge import Retriever  # imported late: loading the index is heavy

    return Retriever.load()


def _criteria_answer(found: list[tuple[str, str, str]]) -> SideAnswer:
    cid, title, passage = found[0]
    message = render_message("side_answer", criterion_id=cid, title=title, text=_trim(passage))
    others = [f"{c} ({t})" for c, t, _ in found[1:3]]
    if others:
        message += "\n" + render_message("side_see_also", others="; ".join(others))
    return SideAnswer(message, tuple(item[0] for item in found[:3]))


def _opens_with_title(title: str, text: str) -> bool:
    """ "The observation window (also called ...) is ...": the text already names its title."""
    article = re.compile(r"^(?:the|a|an)\s+")
    head, body = (article.sub("", one_line(t).lower()) for t in (title, text))
    return body.startswith(head)


def _basics_answer(hit: BasicHit, corpus: Corpus) -> SideAnswer:
    if _opens_with_title(hit.title, hit.text):  # no "The observation window: The observation window ..."
        message = render_message("side_basic_answer_plain", text=hit.text)
    else:
        message = render_message("side_basic_answer", title=hit.title, text=hit.text)
    cited = cited_criteria(hit, corpus)
    if cited:
        named = "; ".join(f"{c} ({corpus.get(c).title})" for c in cited)
        message += "\n" + render_message("side_basic_criteria", criteria=named)
    return SideAnswer(message, cited, "side_basic_answer", hit.entry_id)


def no_good_answer() -> SideAnswer:
    """The honest reply when nothing in the knowledge base matches well."""
    return SideAnswer(render_message("side_no_good_answer"), (), "side_no_good_answer")


def _named_criteria(text: str, corpus: Corpus) -> list[tuple[str, str, str]]:
    found: list[tuple[str, str, str]] = []
    for mention in CRITERION_MENTION.finditer(text):
        cid = ".".join(mention.group(0).upper().split(".")[:2])
        try:
            criterion = corpus.get(cid)
        except KeyError:
            continue
        if all(cid != item[0] for item in found):
            found.append((cid, criterion.title, criterion.in_practice))
    return found


def _offline_answer(text: str, corpus: Corpus) -> SideAnswer:
    """Without a working index: a strict keyword match on the basics, then the corpus lexically."""
    basics = lexical_basics(text)
    if basics:
        return _basics_answer(basics[0], corpus)
    found = _lexical(text, corpus, 3)
    return _criteria_answer(found) if found else no_good_answer()


def answer_side_question(text: str, retriever: SearchesCriteria | None, corpus: Corpus) -> SideAnswer:
    """Answer a question about SOC 2 from the knowledge base, citing criterion IDs; never raises."""
    named = _named_criteria(text, corpus)
    if named:
        return _criteria_answer(named)
    if cloud_questions.is_cloud_question(text) and (shared := cloud_questions.cloud_hit()) is not None:
        answer = _basics_answer(shared, corpus)  # "we're on aws so n/a?": what stays yours, never n/a
        message = f"{answer.message}\n\n{cloud_questions.still_yours(text)}"
        return SideAnswer(message, answer.citations, answer.template, answer.entry_id)
    try:
        searcher = retriever or default_retriever()
        basics = search_basics(text, searcher)
        if basics is None:  # a retriever that cannot search the basics: keywords, then its hits
            keyword = lexical_basics(text)
            if keyword:
                return _basics_answer(keyword[0], corpus)
            found = searcher.search(text, k=3, categories=None)
            return (
                _criteria_answer([(h.criterion_id, h.title, h.text) for h in found])
                if found
                else no_good_answer()
            )
        hits = searcher.search(text, k=3, categories=None)
    except Exception:  # a broken or missing index must not end the interview
        return _offline_answer(text, corpus)
    chosen = route(basics, hits)
    if chosen.source == "basics":
        return _basics_answer(chosen.basics[0], corpus)
    if chosen.source == "criteria":
        return _criteria_answer([(h.criterion_id, h.title, h.text) for h in chosen.criteria])
    return no_good_answer()
