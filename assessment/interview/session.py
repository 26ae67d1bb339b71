"""The saved form of an interview: state, validation and migration of session dicts (models: session_schema).

A session is an append-only log of answer events plus the chat transcript; the profile, scope,
carve-out and scores are all re-derived from the log, so undo is "drop the last event" and a resumed
session gives exactly the report of an uninterrupted run.
"""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from pydantic import ValidationError

from assessment.bank.loader import QuestionBank
from assessment.interview.session_schema import (
    MAX_SUBMISSION_IDS,
    REF,
    SUBMISSION_ID,
    Assignment,
    Event,
    Revision,
    SessionModel,
    describe,
)
from knowledge.text import one_line

SESSION_KIND = "soc2-ready-session"
# 2: a long user turn may point at the event holding its text ("ref"); 3: a turn may name the answer
# it gave ("event") and be marked "withdrawn" once that answer was undone (withdrawn.py)
SCHEMA_VERSION = 3
MAX_JSON_DEPTH = 64  # a session is 5 levels deep; deeper input is refused before it is parsed
LONG_TEXT = 2_000  # user turns at least this long are stored once, in their event
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")
_JSON_STRING = re.compile(r'"[^"]*"')  # once escaped backslashes and quotes are dropped
_BRACKET = re.compile(r"[\[\]{}]")


@dataclass
class SessionState:
    """The mutable state held by one Interview (never shared between instances)."""

    session_name: str
    created_on: str
    updated_on: str
    report_type: str | None
    given_scope: list[str] | None
    events: list[dict[str, Any]] = field(default_factory=list)
    pending: dict[str, Any] | None = None
    presented: str | None = None
    transcript: list[dict[str, Any]] = field(default_factory=list)  # role, text; event, withdrawn if set
    evidence: list[dict[str, Any]] = field(default_factory=list)  # EvidenceSummary.to_dict() each
    revisions: list[dict[str, Any]] = field(default_factory=list)  # Revision dicts, oldest first
    assignments: dict[str, dict[str, str | None]] = field(default_factory=dict)  # Assignment dicts
    submission_ids: list[str] = field(default_factory=list)  # most recent answered client ids, oldest first

    def to_dict(self) -> dict[str, Any]:
        """The JSON-ready session dict (deep copies, so callers cannot alter the state)."""
        data = {
            "kind": SESSION_KIND,
            "schema_version": SCHEMA_VERSION,
            "session_name": self.session_name,
            "created_on": self.created_on,
            "updated_on": self.updated_on,
            "report_type": self.report_type,
            "given_scope": copy.deepcopy(self.given_scope),
            "events": copy.deepcopy(self.events),
            "pending": copy.deepcopy(self.pending),
            "presented": self.presented,
            "transcript": _store_long_text_once(self.transcript, self.events, self.pending),
        }
        if self.evidence:  # only when a scan was imported: older sessions keep their exact form
            data["evidence"] = copy.deepcopy(self.evidence)
        if self.revisions:  # likewise only once an answer was changed
            data["revisions"] = copy.deepcopy(self.revisions)
        if self.assignments:  # likewise only once a gap has an owner or a due date
            data["assignments"] = copy.deepcopy(self.assignments)
        if self.submission_ids:  # likewise only once a client sent a message with an id
            data["submission_ids"] = list(self.submission_ids)
        return data


def _store_long_text_once(
    transcript: list[dict[str, Any]], events: list[dict[str, Any]], pending: dict[str, Any] | None
) -> list[Any]:
    """The transcript with each long user turn replaced by a pointer to the event that holds it."""
    where: dict[str, str] = {}
    holders = [(f"events[{index}]", event) for index, event in enumerate(events)]
    for prefix, holder in [*holders, *([("pending", pending)] if pending else [])]:
        for name in ("text", "clarification"):
            said = holder.get(name)
            if isinstance(said, str) and len(said) >= LONG_TEXT:
                where.setdefault(said, f"{prefix}.{name}")
    out: list[Any] = []
    for turn in transcript:
        ref = where.get(turn["text"]) if turn["role"] == "user" else None
        out.append({"role": "user", "text": "", "ref": ref, **_marks(turn)} if ref else dict(turn))
    return out


def _marks(turn: dict[str, Any]) -> dict[str, Any]:
    """The turn's marks that are set (turns without any keep the form older versions wrote)."""
    marks: dict[str, Any] = {}
    if turn.get("event") is not None:
        marks["event"] = turn["event"]
    if turn.get("withdrawn") is True:
        marks["withdrawn"] = True
    return marks


def _resolve_refs(
    transcript: list[dict[str, Any]], events: list[dict[str, Any]], pending: dict[str, Any] | None
) -> list[dict[str, Any]]:
    out = []
    for index, turn in enumerate(transcript):
        ref = turn.get("ref")
        if ref is None:
            out.append({"role": turn["role"], "text": turn["text"], **_marks(turn)})
            continue
        match = REF.match(ref)
        assert match is not None  # the model checked the pattern
        name = match.group(2)
        if match.group(1) is None:
            said = (pending or {}).get(name)
        else:
            at = int(match.group(1))
            said = events[at].get(name) if at < len(events) else None
        if not isinstance(said, str) or turn["role"] != "user" or turn["text"]:
            raise ValueError(f"malformed session: field transcript.{index}.ref: {ref!r} points at no answer")
        out.append({"role": "user", "text": said, **_marks(turn)})
    return out


def clean_text(data: Any) -> Any:
    """``data`` with every lone surrogate in any string (key or value) replaced by U+FFFD.

    A ``"\\ud800"`` escape is valid JSON but cannot be written as UTF-8, so a session holding one
    could be loaded and then never saved or downloaded again; it is cleaned here, on load, once.
    """
    if isinstance(data, str):
        return _LONE_SURROGATE.sub("\ufffd", data)
    if isinstance(data, list):
        return [clean_text(item) for item in data]
    if isinstance(data, dict):
        return {clean_text(key): clean_text(value) for key, value in data.items()}
    return data


def json_depth_problem(raw: str, limit: int = MAX_JSON_DEPTH) -> str | None:
    """Why ``raw`` is nested too deeply to be a session (None when it is not), without parsing it."""
    depth = 0
    unescaped = raw.replace("\\\\", "").replace('\\"', "")
    for match in _BRACKET.finditer(_JSON_STRING.sub("", unescaped)):
        depth += 1 if match.group() in "[{" else -1
        if depth > limit:
            return f"it is nested more than {limit} levels deep (a session file is about 5)"
    return None


def parse_session_json(raw: str) -> Any:
    """Parse the text of a session file; ``ValueError`` with a clear reason for hostile input."""
    problem = json_depth_problem(raw)
    if problem:
        raise ValueError(f"not a session file: {problem}")
    try:
        return clean_text(json.loads(raw))
    except RecursionError:  # pragma: no cover - the depth check comes first
        raise ValueError("not a session file: it is nested too deeply") from None


def _migrate_0_to_1(data: dict[str, Any]) -> dict[str, Any]:
    # Version 0 (early prototype) had no transcript, no presented marker and a single "date".
    out = dict(data)
    day = out.pop("date", None) or date.today().isoformat()
    out.setdefault("created_on", day)
    out.setdefault("updated_on", day)
    out.setdefault("transcript", [])
    out.setdefault("presented", None)
    out["schema_version"] = 1
    return out


def _migrate_1_to_2(data: dict[str, Any]) -> dict[str, Any]:
    # Version 2 only adds the optional "ref" of a transcript turn: a version-1 file reads unchanged.
    return {**data, "schema_version": 2}


def _migrate_2_to_3(data: dict[str, Any]) -> dict[str, Any]:
    # Version 3 only adds the optional marks of a transcript turn: older turns belong to no answer,
    # so a "back" after resuming removes the answer but marks none of the turns before the upgrade.
    return {**data, "schema_version": 3}


MIGRATIONS: dict[int, Callable[[dict[str, Any]], dict[str, Any]]] = {
    0: _migrate_0_to_1,
    1: _migrate_1_to_2,
    2: _migrate_2_to_3,
}


def migrate(data: dict[str, Any]) -> dict[str, Any]:
    """Bring an older session dict up to ``SCHEMA_VERSION``, one version at a time."""
    version = data.get("schema_version")
    while isinstance(version, int) and version < SCHEMA_VERSION:
        if version not in MIGRATIONS:
            raise ValueError(f"session schema_version {version} is too old to read")
        data = MIGRATIONS[version](data)
        version = data.get("schema_version")
    return data


def load_state(data: object) -> SessionState:
    """Validate a session dict (migrating older versions); ``ValueError`` says exactly what is wrong."""
    if not isinstance(data, dict):
        raise ValueError(f"session must be a JSON object, got {type(data).__name__}")
    if data.get("kind") != SESSION_KIND:
        raise ValueError(
            f"not a soc2-ready session: field kind must be {SESSION_KIND!r}, got {data.get('kind')!r}"
        )
    version = data.get("schema_version")
    if not isinstance(version, int) or isinstance(version, bool):
        raise ValueError(f"session field schema_version must be an integer, got {version!r}")
    if version > SCHEMA_VERSION:
        raise ValueError(
            f"session schema_version {version} is newer than this version of soc2-ready supports "
            f"({SCHEMA_VERSION}); please upgrade"
        )
    try:
        data = migrate(clean_text(data))  # clean_text copies, so the caller's dict is never changed
    except RecursionError:
        raise ValueError("malformed session: it is nested too deeply") from None
    try:
        model = SessionModel.model_validate(data)
    except ValidationError as exc:
        raise ValueError(f"malformed session: {describe(exc)}") from None
    dumped = model.model_dump(mode="json")
    return SessionState(
        session_name=model.session_name,
        created_on=dumped["created_on"],
        updated_on=dumped["updated_on"],
        report_type=model.report_type,
        given_scope=model.given_scope,
        events=dumped["events"],
        presented=model.presented,
        transcript=_resolve_refs(dumped["transcript"], dumped["events"], dumped["pending"]),
        evidence=dumped["evidence"],
        revisions=dumped["revisions"],
        assignments=dumped["assignments"],
        pending=_compact_pending(dumped["pending"]),
        submission_ids=dumped["submission_ids"],
    )


def _compact_pending(pending: dict[str, Any] | None) -> dict[str, Any] | None:
    """Pending without the optional fields left at their defaults (older sessions keep their form)."""
    if pending is None:
        return None
    if not pending.get("alternatives"):
        pending.pop("alternatives", None)
    if not pending.get("correcting"):
        pending.pop("correcting", None)
    return pending


def set_assignment(state: SessionState, criterion_id: str, owner: str | None, due: str | date | None) -> None:
    """Record who closes ``criterion_id``'s gap and by when; both empty clears it. Bad values: ValueError."""
    owner = one_line(_LONE_SURROGATE.sub("\ufffd", owner or "")) or None
    if isinstance(due, str):
        due = due.strip() or None
    if owner is None and due is None:
        state.assignments.pop(criterion_id, None)
        return
    try:
        item = Assignment.model_validate({"owner": owner, "due": due})
    except ValidationError as exc:
        raise ValueError(f"assignment of {criterion_id}: {describe(exc)}") from None
    state.assignments[criterion_id] = item.model_dump(mode="json")


def check_submission_id(submission_id: object) -> str:
    """``submission_id`` if it can be saved as a client's message id; ``ValueError`` otherwise."""
    if not isinstance(submission_id, str) or not SUBMISSION_ID.fullmatch(submission_id):
        raise ValueError(f"a submission id is 1 to 80 letters, digits or _.:- (got {submission_id!r})")
    return submission_id


def note_submission(state: SessionState, submission_id: str) -> None:
    """Remember that the message with ``submission_id`` was answered; the oldest id goes beyond the cap."""
    state.submission_ids.append(check_submission_id(submission_id))
    del state.submission_ids[:-MAX_SUBMISSION_IDS]


def new_event(qid: str, kind: str, **fields: Any) -> dict[str, Any]:
    """A complete event dict with every field present (the JSON form is then stable)."""
    event = Event(qid=qid, kind=kind, **fields)  # type: ignore[arg-type]
    return event.model_dump(mode="json")


def new_revision(
    qid: str, old_text: str, old_label: str | None, new_text: str, new_label: str, by: str = ""
) -> dict[str, Any]:
    """One entry of the audit trail: ``qid``'s answer changed now, by ``by`` ("": the founder)."""
    at = datetime.now(UTC).isoformat(timespec="seconds")
    return Revision(
        qid=qid, at=at, by=by, old_text=old_text, old_label=old_label, new_text=new_text, new_label=new_label
    ).model_dump(mode="json")


def check_references(state: SessionState, bank: QuestionBank) -> None:
    """Every event and the pending answer name a question the bank knows, and every turn an answer."""
    scoping_ids = {q.id for q in bank.scoping}
    entries = list(enumerate(state.events))
    if state.pending is not None:
        entries.append((len(entries), state.pending))
    for index, event in entries:
        qid, kind = event["qid"], event["kind"]
        known = {
            "scoping": qid in scoping_ids,
            "scope_confirm": qid == "scope_confirm",
            "carve_out": qid == "carve_out",
            "revisit": qid == "revisit",
            "scored": any(q.id == qid for q in bank.scored),
            "followup": any(f.id == qid for q in bank.scored for f in q.followups),
        }[kind]
        if not known:
            raise ValueError(f"malformed session: events[{index}]: unknown {kind} question {qid!r}")
        if kind in ("scored", "followup") and not event.get("skipped") and event.get("label") is None:
            raise ValueError(f"malformed session: events[{index}]: field label is missing for {qid!r}")
    for index, turn in enumerate(state.transcript):
        gave = turn.get("event")
        if gave is not None and gave > len(state.events):  # len(events): the answer still pending
            raise ValueError(f"malformed session: field transcript.{index}.event: {gave} names no answer")
