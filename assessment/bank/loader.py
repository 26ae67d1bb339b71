"""The question bank: scoping and scored questions as validated data files.

Files live in ``assessment/bank/questions/``: ``scoping.yaml`` (a list of scoping questions) and one
file per area of scored questions (a list under ``questions:``). Loading validates every field,
checks that all 61 criteria are informed by at least one scored question, that every criterion ID
resolves in the corpus, and that follow-up IDs are unique and attached to a question.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property, lru_cache
from importlib.resources import files
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from assessment.models import Effort, Label, Severity
from knowledge.corpus import Corpus, default_corpus
from knowledge.models import Category
from knowledge.yaml_files import load_yaml

QUESTIONS_DIR = Path(str(files("assessment.bank") / "questions"))
DEFAULT_OPTIONS: tuple[str, ...] = ("Yes", "Partly", "No", "Not sure")


class BankError(ValueError):
    """The question bank is malformed; the message names the file, the field and the reason."""


class Remediation(BaseModel):
    """What to do when the control is missing."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    steps: tuple[str, ...] = Field(min_length=1)
    effort: Effort
    severity: Severity


class FollowUp(BaseModel):
    """A follow-up asked only when the parent answer makes it relevant.

    ``kind``: ``documented`` (is it written down? decides Type I design), ``operating`` (has it run
    for the observation window with records? decides Type II), or ``detail`` (clarifies coverage;
    its label caps the parent's credit).
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str
    text: str
    kind: Literal["documented", "operating", "detail"]
    ask_when: tuple[Label, ...] = ("yes", "partial")
    why: str = ""
    options: tuple[str, ...] = DEFAULT_OPTIONS
    only_for_type2: bool = False


class Condition(BaseModel):
    """Profile facts that must hold for a question to be asked (all given keys must match)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    has_office: bool | None = None
    self_hosted: bool | None = None  # own data center or servers we run on premises
    personal_data: bool | None = None
    min_company_size: int | None = None  # ask only when headcount is at least this


class ScoredQuestion(BaseModel):
    """A question whose answer informs one or more criteria."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str
    category: Category
    text: str
    why: str
    help: str = ""  # plain explanation of jargon used in the text
    options: tuple[str, ...] = DEFAULT_OPTIONS
    criteria: dict[str, float] = Field(min_length=1)  # criterion ID -> weight in (0, 1]
    evidence: tuple[str, ...] = Field(min_length=1)
    remediation: Remediation
    followups: tuple[FollowUp, ...] = ()
    ask_if: Condition | None = None
    carve_out: Literal["physical", "infrastructure"] | None = None  # answered by the cloud provider
    priority: int = 50  # lower is asked earlier among equally informative questions
    # The ID of a scored question this one takes for granted ("does your risk assessment consider
    # fraud?" presupposes a risk assessment): a "no" there settles this one as "no" without asking.
    presupposes: str | None = None

    @field_validator("criteria")
    @classmethod
    def _weights(cls, value: dict[str, float]) -> dict[str, float]:
        for key, weight in value.items():
            if not 0 < weight <= 1:
                raise ValueError(f"weight of {key} must be in (0, 1], got {weight}")
        return value


class ScopingOption(BaseModel):
    """A quick reply of a scoping question and the profile value it sets."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    label: str
    value: str | bool | int | None


class ScopingQuestion(BaseModel):
    """A question about the company that decides scope and carve-outs; it is not scored."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str
    field: str  # profile key it sets
    text: str
    why: str
    help: str = ""
    options: tuple[ScopingOption, ...] = ()
    value_type: Literal["choice", "bool", "int", "date", "text"] = "choice"
    appendix_text: str = ""  # the question as the report's appendix shows it, when ``text`` is chat wording
    optional: bool = False  # an empty answer (or "skip") leaves the field unset without a reminder


@dataclass(frozen=True)
class QuestionBank:
    """All questions, validated against the corpus.

    Lookups go through indexes built on first use (the bank is immutable): scoring a full report asks
    for the questions of each criterion hundreds of times.
    """

    scoping: tuple[ScopingQuestion, ...]
    scored: tuple[ScoredQuestion, ...]

    def get(self, question_id: str) -> ScoredQuestion:
        """The scored question with this ID; ``KeyError`` if none."""
        return self._by_id[question_id]

    def followup(self, followup_id: str) -> tuple[ScoredQuestion, FollowUp]:
        """The follow-up with this ID and its parent question; ``KeyError`` if none."""
        return self._followups[followup_id]

    def questions_for(self, criterion_id: str) -> tuple[ScoredQuestion, ...]:
        """Scored questions that inform a criterion."""
        return self._informing.get(criterion_id, ())

    def primary_for(self, criterion_id: str) -> tuple[ScoredQuestion, ...]:
        """Scored questions whose primary criterion (``primary_criterion``) is this one."""
        return self._primary.get(criterion_id, ())

    @cached_property
    def _by_id(self) -> dict[str, ScoredQuestion]:
        return {q.id: q for q in reversed(self.scored)}  # reversed: the first of a repeated ID wins

    @cached_property
    def _followups(self) -> dict[str, tuple[ScoredQuestion, FollowUp]]:
        return {f.id: (q, f) for q in reversed(self.scored) for f in reversed(q.followups)}

    @cached_property
    def _informing(self) -> dict[str, tuple[ScoredQuestion, ...]]:
        table: dict[str, list[ScoredQuestion]] = {}
        for question in self.scored:
            for criterion_id in question.criteria:
                table.setdefault(criterion_id, []).append(question)
        return {cid: tuple(qs) for cid, qs in table.items()}

    @cached_property
    def _primary(self) -> dict[str, tuple[ScoredQuestion, ...]]:
        table: dict[str, list[ScoredQuestion]] = {}
        for question in self.scored:
            table.setdefault(primary_criterion(question), []).append(question)
        return {cid: tuple(qs) for cid, qs in table.items()}


def primary_criterion(question: ScoredQuestion) -> str:
    """The criterion a question decides: the first one with the highest weight."""
    top = max(question.criteria.values())
    return next(cid for cid, weight in question.criteria.items() if weight == top)


def _errors(path: Path, prefix: str, error: ValidationError) -> list[str]:
    out = []
    for item in error.errors():
        location = ".".join(str(part) for part in item["loc"])
        out.append(f"{path.name}: field {prefix}{location}: {item['msg']}")
    return out


def _read_yaml(path: Path) -> object:
    try:
        return load_yaml(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise BankError(f"{path.name}: not valid YAML: {exc}") from exc


def load_bank(directory: Path = QUESTIONS_DIR, corpus: Corpus | None = None) -> QuestionBank:
    """Load and validate the bank; raises ``BankError`` listing every problem found."""
    corpus = corpus or default_corpus()
    problems: list[str] = []
    scoping: list[ScopingQuestion] = []
    scored: list[tuple[Path, ScoredQuestion]] = []

    scoping_path = directory / "scoping.yaml"
    raw_scoping = _read_yaml(scoping_path) if scoping_path.exists() else None
    if not isinstance(raw_scoping, list):
        problems.append(f"{scoping_path.name}: expected a list of scoping questions")
    else:
        for index, item in enumerate(raw_scoping):
            try:
                scoping.append(ScopingQuestion.model_validate(item))
            except ValidationError as exc:
                problems.extend(_errors(scoping_path, f"[{index}].", exc))

    for path in sorted(directory.glob("*.yaml")):
        if path.name == "scoping.yaml":
            continue
        raw = _read_yaml(path)
        if not isinstance(raw, dict) or not isinstance(raw.get("questions"), list):
            problems.append(f"{path.name}: expected a mapping with a 'questions' list")
            continue
        for index, item in enumerate(raw["questions"]):
            try:
                scored.append((path, ScoredQuestion.model_validate(item)))
            except ValidationError as exc:
                name = item.get("id", index) if isinstance(item, dict) else index
                problems.extend(_errors(path, f"questions[{name}].", exc))

    known = set(corpus.ids)
    seen: dict[str, str] = {}
    for path, question in scored:
        ids = [question.id, *(f.id for f in question.followups)]
        for item in ids:
            if item in seen:
                problems.append(f"{path.name}: field id: {item!r} already used in {seen[item]}")
            seen[item] = path.name
        for criterion_id in question.criteria:
            if criterion_id not in known:
                problems.append(
                    f"{path.name}: field {question.id}.criteria: unknown criterion {criterion_id}"
                )
            elif corpus.get(criterion_id).category != question.category:
                problems.append(
                    f"{path.name}: field {question.id}.criteria: {criterion_id} is not in {question.category}"
                )
    problems.extend(_premise_problems(scored))
    for item in scoping:
        if item.id in seen:
            problems.append(f"scoping.yaml: field id: {item.id!r} already used in {seen[item.id]}")
        seen[item.id] = "scoping.yaml"

    covered = {c for _, q in scored for c in q.criteria}
    for criterion_id in sorted(known - covered):
        problems.append(
            f"{directory.name}/*.yaml: field criteria: {criterion_id} is informed by no scored question"
        )
    if problems:
        raise BankError("\n".join(problems))
    return QuestionBank(tuple(scoping), tuple(q for _, q in scored))


def _premise_problems(scored: list[tuple[Path, ScoredQuestion]]) -> list[str]:
    """Each ``presupposes`` names another scored question of the same category, without a cycle."""
    by_id = {question.id: question for _, question in scored}
    problems = []
    for path, question in scored:
        premise = by_id.get(question.presupposes or "")
        if question.presupposes is None:
            continue
        if premise is None or premise.id == question.id:
            name = question.presupposes
            problems.append(
                f"{path.name}: field {question.id}.presupposes: {name!r} is not another scored question"
            )
        elif premise.category != question.category:
            problems.append(
                f"{path.name}: field {question.id}.presupposes: {premise.id} is not in {question.category}"
            )
        seen = {question.id}
        while premise is not None and premise.presupposes is not None:
            if premise.id in seen:
                problems.append(f"{path.name}: field {question.id}.presupposes: the premises form a cycle")
                break
            seen.add(premise.id)
            premise = by_id.get(premise.presupposes)
    return problems


@lru_cache(maxsize=1)
def default_bank() -> QuestionBank:
    """The packaged question bank, loaded once per process (it is immutable)."""
    return load_bank()
