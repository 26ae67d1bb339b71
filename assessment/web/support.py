"""Pure helpers for the Streamlit app: upload validation, display rows, mode text, lazy loading.

Nothing here imports Streamlit, so all of it is unit-testable and reusable by other front ends.
"""

from __future__ import annotations

import functools
import logging
import threading
import uuid
from collections.abc import Callable, Iterable, Mapping
from concurrent.futures import Future
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from assessment.interview.live import LiveSession
from assessment.interview.session_file import SessionFileError, load_session, parse_session, restore_session
from assessment.interview.storage import VersionConflict
from assessment.models import Gap, Report
from assessment.templates import render_message
from assessment.web.history import Bubble
from assessment.web.markup import markdown_literal

if TYPE_CHECKING:
    from assessment.interview.engine import Interview

log = logging.getLogger(__name__)

APP_MESSAGES = "app.yaml"
CATEGORIES: tuple[str, ...] = (
    "security",
    "availability",
    "processing_integrity",
    "confidentiality",
    "privacy",
)
REPORT_FORMATS: dict[str, tuple[str, str]] = {
    # format -> (file extension, MIME type)
    "pdf": ("pdf", "application/pdf"),
    "md": ("md", "text/markdown"),
    "html": ("html", "text/html"),
    "json": ("json", "application/json"),
    "xlsx": ("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    "oscal": ("oscal.json", "application/json"),
}


def text(name: str, **values: object) -> str:
    """An app text from ``prompts/app.yaml``, filled with ``values``."""
    return render_message(name, filename=APP_MESSAGES, **values)


def category_label(category: str) -> str:
    """Display name of a category (``processing_integrity`` -> ``Processing integrity``)."""
    if category in CATEGORIES:
        return text(f"category_{category}")
    return category.replace("_", " ").capitalize()


class UploadError(SessionFileError):
    """An uploaded session file was rejected; the message is ready to show to the user."""


def _rejected(error: SessionFileError) -> UploadError:
    return UploadError(text("upload_rejected", reason=str(error)))  # shown literally (show_flash)


def read_session_upload(raw: bytes, max_bytes: int) -> dict[str, Any]:
    """Check size, encoding and JSON shape of an uploaded SESSION.json; ``UploadError`` if bad."""
    try:
        return parse_session(raw, max_bytes=max_bytes)
    except SessionFileError as exc:
        raise _rejected(exc) from None


def restore_interview(data: Mapping[str, Any], retriever: Any = None, llm: Any = None) -> Interview:
    """Rebuild an Interview from a saved dict; ``UploadError`` naming the reason when it is foreign."""
    try:
        return restore_session(data, retriever=retriever, llm=llm)
    except SessionFileError as exc:
        raise _rejected(exc) from None


def load_session_upload(raw: bytes, max_bytes: int, retriever: Any = None, llm: Any = None) -> Interview:
    """Validate an uploaded session file and rebuild its Interview (the same ``load_session`` as the
    CLI's ``--resume`` and ``report``); ``UploadError`` if rejected."""
    try:
        return load_session(raw, max_bytes=max_bytes, retriever=retriever, llm=llm)
    except SessionFileError as exc:
        raise _rejected(exc) from None


def _back(iv: Interview) -> str:
    return iv.back().message


def _answer(iv: Interview, said: str, submission_id: str | None = None) -> None:
    if submission_id is None:
        iv.answer(said)
    else:  # inside the compare-and-set: a resend any server session saved already changes nothing
        iv.answer_once(said, submission_id)


def _revise(iv: Interview, question_id: str, said: str) -> str:
    return iv.revise(question_id, said).message


def _reply(iv: Interview, question_id: str, said: str) -> str | None:
    # A quick reply answers the question it was drawn under; a second click lands after that
    # question was answered and would answer the next one with this one's option: refused.
    current = iv.next_question()
    if current is None or current.id != question_id:
        return text("stale_quick_reply", reply=markdown_literal(said))
    iv.answer(said)
    return None


TURN_ACTIONS = ("answer", "submission", "reply", "back", "revise")  # what ``apply_turns`` applies
Restore = Callable[[dict[str, Any]], "Interview"]


def apply_turns(queue: list[tuple[str, Any]], live: LiveSession, restore: Restore) -> list[tuple[str, str]]:
    """Apply the answers and ``back`` at the head of ``queue``; each is saved before it leaves it.

    Returns ``(kind, message)`` notices to show afterwards ("toast", "warning"). The app calls this
    with no Streamlit call inside: each ``st.*`` call (even ``st.session_state``) is a point where a
    new submission may stop the script, and stopping between answering and saving could lose or
    repeat an answer. A save that keeps conflicting is refused with a message quoting the answer.
    """
    notices: list[tuple[str, str]] = []
    while queue and queue[0][0] in TURN_ACTIONS:
        action, value = queue[0]
        submission_id, value = value if action == "submission" else (None, value)
        question_id, said = value if action in ("revise", "reply") else ("", value)
        said = str(said or "").strip()
        try:
            if action == "back":
                notices.append(("toast", live.apply(_back, restore)))
            elif action in ("revise", "reply"):  # (question id, text): "What I understood", quick replies
                change = _revise if action == "revise" else _reply
                message = live.apply(functools.partial(change, question_id=question_id, said=said), restore)
                notices += [("toast", message)] if message else []
            elif not said:
                notices.append(("toast", text("empty_answer")))  # nothing typed: say what to do
            else:  # "submission": the chat box's (id, text), answered once per id
                live.apply(functools.partial(_answer, said=said, submission_id=submission_id), restore)
        except VersionConflict:
            notices.append(("warning", text("error_conflict", answer=markdown_literal(said))))
        except Exception:  # the store failed: the answer stays in memory and is saved next turn
            ref = uuid.uuid4().hex[:8]
            log.exception("saving session failed (ref %s)", ref)
            notices.append(("warning", text("error_store", ref=ref)))
        queue.pop(0)
    return notices


@dataclass(frozen=True)
class ReviewRow:
    """One answer in the "What I understood" view."""

    question_id: str
    question: str
    answer: str
    reading: str
    criteria: str


def review_rows(iv: Interview) -> dict[str, list[ReviewRow]]:
    """Recorded scored answers grouped by category title, in the order asked."""
    from knowledge.corpus import default_corpus
    from knowledge.models import CATEGORY_TITLES

    corpus = default_corpus()
    groups: dict[str, list[ReviewRow]] = {}
    for record in iv.answers():
        if not record.criteria:
            continue  # scoping answers are changed by restarting scoping, not here
        title = CATEGORY_TITLES[corpus.get(record.criteria[0]).category]
        reading = record.label if record.label == "skipped" else text_label(record.label)
        groups.setdefault(title, []).append(
            ReviewRow(
                record.question_id, record.question_text, record.answer, reading, ", ".join(record.criteria)
            )
        )
    return groups


def text_label(label: str) -> str:
    """A label in plain words ("Partly")."""
    from assessment.templates import render_message

    return render_message(f"label_{label}")


@dataclass(frozen=True)
class ProgressRow:
    """Answered and total questions of one category, for the sidebar."""

    category: str
    label: str
    answered: int
    total: int

    @property
    def fraction(self) -> float:
        """Share answered in 0..1 (1 when the category has no questions)."""
        return 1.0 if self.total <= 0 else min(1.0, self.answered / self.total)


def progress_rows(progress: Any, scope: Iterable[str]) -> list[ProgressRow]:
    """Rows for in-scope categories from ``Interview.progress()``.

    Reads ``progress.categories`` (or a mapping's ``"categories"``, or the mapping itself) whose
    values are ``(answered, total)`` pairs, mappings or objects with ``answered`` and ``total``;
    categories without counts are left out.
    """
    if isinstance(progress, Mapping):
        per_category = progress.get("categories", progress)
    else:
        per_category = getattr(progress, "categories", {})
    rows = []
    for category in scope:
        value = per_category.get(category) if isinstance(per_category, Mapping) else None
        counts = _counts(value)
        if counts is not None:
            rows.append(ProgressRow(category, category_label(category), *counts))
    return rows


def _counts(value: object) -> tuple[int, int] | None:
    if isinstance(value, tuple | list) and len(value) == 2:
        return int(value[0]), int(value[1])
    if isinstance(value, Mapping) and "answered" in value and "total" in value:
        return int(value["answered"]), int(value["total"])
    if hasattr(value, "answered") and hasattr(value, "total"):
        return int(value.answered), int(value.total)
    return None


def transcript_turns(transcript: Iterable[Any]) -> list[Bubble]:
    """Chat bubbles from a transcript of pairs, dicts or objects with role, text (and ``withdrawn``).

    Consecutive turns of the same speaker are joined into one bubble, unless one was withdrawn.
    """
    turns: list[Bubble] = []
    for turn in transcript:
        withdrawn = False
        if isinstance(turn, Mapping):
            role, said, withdrawn = turn.get("role"), turn.get("text"), turn.get("withdrawn") is True
        elif isinstance(turn, tuple | list) and len(turn) == 2:
            role, said = turn
        else:
            role, said = getattr(turn, "role", None), getattr(turn, "text", None)
            withdrawn = getattr(turn, "withdrawn", False) is True
        if not said:
            continue
        speaker = "user" if role == "user" else "assistant"
        if turns and turns[-1].role == speaker and turns[-1].withdrawn == withdrawn:
            # One bubble per speaker turn: an acknowledgement and the next question read as one message.
            turns[-1] = Bubble(speaker, f"{turns[-1].text}\n\n{said}", withdrawn)
        else:
            turns.append(Bubble(speaker, str(said), withdrawn))
    return turns


def render_report(report: Report, fmt: str, retriever: Any = None) -> bytes | str:
    """The report in ``fmt`` (pdf, md, html or json), citing passages when a retriever is given."""
    from assessment.report import collect_passages, render

    if fmt not in REPORT_FORMATS:
        raise ValueError(f"unknown report format {fmt!r}: expected one of {', '.join(REPORT_FORMATS)}")
    passages = collect_passages(report, retriever) if retriever is not None else None
    return render(report, fmt, passages=passages)


def report_renderer(report: Report, fmt: str, retriever: Any = None) -> Callable[[], bytes | str]:
    """A no-argument function rendering the report, for a download produced only when clicked."""

    def produce() -> bytes | str:
        try:
            return render_report(report, fmt, retriever)
        except Exception:
            log.exception("rendering the %s report failed", fmt)
            raise

    return produce


def top_gaps(report: Report, limit: int = 5) -> list[Gap]:
    """The gaps to tackle first, in the report's order, each tailored to what the founder said."""
    from assessment.report.plan import plan_gaps
    from assessment.report.tailor import tailored_gap

    return [tailored_gap(item.gap, report.answers) for item in plan_gaps(report.gaps)[:limit]]


def roadmap(report: Report) -> dict[str, list[Gap]]:
    """Open gaps grouped into 30/60/90-day/later phases of the report's plan (phase -> gaps)."""
    from assessment.report.plan import PHASES, plan_gaps

    phases: dict[str, list[Gap]] = {key: [] for key, _ in PHASES}
    for item in plan_gaps(report.gaps):
        phases.setdefault(item.phase, []).append(item.gap)
    return {key: gaps for key, gaps in phases.items() if gaps}


def describe_mode(llm: Any = None) -> str:
    """Which mode answers the founder: the LLM module's own description, else offline mode."""
    offline = render_message("mode_offline", "llm/notices.yaml")  # the LLM module's own wording
    if llm is None:
        # Offline needs no LLM code at all; importing LangChain would slow the first page.
        return offline
    try:
        from assessment import llm as llm_module
    except ImportError:
        return offline
    describe: Callable[..., object] | None = getattr(llm_module, "describe_mode", None)
    if describe is None:
        return offline
    return str(describe(llm))


def load_llm(spec: str | None) -> tuple[Any, str | None]:
    """The chat model for ``spec`` (``SOC2_READY_LLM``; None: offline) and a notice if it is unusable."""
    if not spec or not spec.strip():
        return None, None
    try:
        from assessment.llm import build_chat_model
    except ImportError:
        return None, None
    try:
        return build_chat_model(), None
    except ValueError as exc:  # LLMConfigError: the message says what to set; carry on offline
        log.warning("LLM not available: %s", exc)
        return None, str(exc)


class LazyValue:
    """A value built once in a background thread; reading it waits only if it is not ready yet.

    The app uses it for the retriever, so the first page is interactive while the index loads.
    Attribute access is forwarded, so it can stand in for the object it wraps.
    """

    def __init__(self, factory: Callable[[], Any], name: str = "lazy-value") -> None:
        """Start building the value with ``factory`` in a daemon thread."""
        self._future: Future[Any] = Future()
        self._thread = threading.Thread(target=self._build, args=(factory,), name=name, daemon=True)
        self._thread.start()

    def _build(self, factory: Callable[[], Any]) -> None:
        try:
            self._future.set_result(factory())
        except BaseException as exc:  # handed to whoever reads the value
            log.exception("background load failed")
            self._future.set_exception(exc)

    @property
    def ready(self) -> bool:
        """True once the value (or its error) is available."""
        return self._future.done()

    def get(self, timeout: float | None = None) -> Any:
        """The value, waiting for it if needed; re-raises the loading error."""
        return self._future.result(timeout=timeout)

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):
            raise AttributeError(name)
        return getattr(self.get(), name)
