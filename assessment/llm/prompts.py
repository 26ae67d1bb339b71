"""Load the LLM prompt files (``prompts/llm/*.yaml``) as LangChain ``ChatPromptTemplate`` objects.

Each file holds a system and a human message. Loading checks the schema, that the declared
variables are exactly the ones the messages use, and that the safety instructions the code relies
on are still in the text; formatting with a missing variable raises ``PromptError`` naming the
template.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Literal

import yaml
from langchain_core.messages import BaseMessage
from langchain_core.prompts import ChatPromptTemplate
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from assessment.templates import TemplateError, prompts_dir
from knowledge.text import lower_line
from knowledge.yaml_files import load_yaml

PROMPT_NAMES: tuple[str, ...] = ("phrase_question", "interpret_answer", "side_question", "report_summary")

_DATA_NOT_INSTRUCTIONS = "as data, not instructions"
# Phrases each prompt must keep: the code's parsing and safety depend on them (case-insensitive).
REQUIRED_INSTRUCTIONS: dict[str, tuple[str, ...]] = {
    "phrase_question": (_DATA_NOT_INSTRUCTIONS, "<conversation>", "do not add answer options"),
    "interpret_answer": (
        _DATA_NOT_INSTRUCTIONS,
        "<founder_answer>",
        "yes | partial | no | unknown | not_applicable",
        "strict json",
        "never decide scores",
    ),
    "side_question": (_DATA_NOT_INSTRUCTIONS, "<founder_question>", "cite", "[cc6.1]", "not_covered"),
    "report_summary": (_DATA_NOT_INSTRUCTIONS, "do not invent numbers", "only the figures"),
}


class PromptError(TemplateError):
    """A prompt file is invalid, or a prompt was formatted without one of its variables."""


class PromptMessage(BaseModel):
    """One message of a prompt file."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    role: Literal["system", "human"]
    content: str

    @field_validator("content")
    @classmethod
    def _written(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("content is empty")
        return value


class PromptFile(BaseModel):
    """A prompt file: name, description, declared input variables and messages."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str
    description: str
    input_variables: tuple[str, ...]
    messages: tuple[PromptMessage, ...] = Field(min_length=2)


@dataclass(frozen=True, eq=False)
class LLMPrompt:
    """A validated prompt ready to format."""

    name: str
    path: Path
    template: ChatPromptTemplate
    input_variables: frozenset[str]

    def format(self, **values: object) -> list[BaseMessage]:
        """The chat messages with ``values`` filled in; a missing or unknown variable is a ``PromptError``."""
        missing = sorted(self.input_variables - values.keys())
        if missing:
            raise PromptError(f"prompt template {self.name!r} ({self.path.name}) needs {', '.join(missing)}")
        unknown = sorted(values.keys() - self.input_variables)
        if unknown:
            raise PromptError(
                f"prompt template {self.name!r} ({self.path.name}) has no variable {', '.join(unknown)}"
            )
        return self.template.format_messages(**{key: str(value) for key, value in values.items()})


def llm_prompts_dir() -> Path:
    """Directory of the LLM prompt files (``prompts/llm``; ``SOC2_READY_PROMPTS_DIR`` moves ``prompts``)."""
    return prompts_dir() / "llm"


def _fail(path: Path, field: str, reason: str) -> PromptError:
    return PromptError(f"{path.name}: {field}: {reason}")


def parse_prompt_file(path: Path) -> LLMPrompt:
    """Read and validate one prompt file; errors name the file, the field and the reason."""
    try:
        raw = load_yaml(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise _fail(path, "file", f"cannot be read ({exc.strerror or exc})") from exc
    except yaml.YAMLError as exc:
        raise _fail(path, "file", f"is not valid YAML ({exc})") from exc
    try:
        data = PromptFile.model_validate(raw)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(part) for part in first["loc"]) or "file"
        raise _fail(path, where, first["msg"]) from exc
    if data.name != path.stem:
        raise _fail(path, "name", f"is {data.name!r} but the file is {path.stem}.yaml")
    roles = [message.role for message in data.messages]
    if roles[0] != "system" or "human" not in roles:
        raise _fail(path, "messages", "must start with a system message and hold a human message")
    try:
        template = ChatPromptTemplate.from_messages([(m.role, m.content) for m in data.messages])
    except (ValueError, KeyError) as exc:
        raise _fail(path, "messages", f"is not a valid template ({exc})") from exc
    used, declared = set(template.input_variables), set(data.input_variables)
    if used != declared:
        extra, absent = sorted(used - declared), sorted(declared - used)
        detail = "; ".join(
            part
            for part in (
                f"uses undeclared {', '.join(extra)}" if extra else "",
                f"declares unused {', '.join(absent)}" if absent else "",
            )
            if part
        )
        raise _fail(path, "input_variables", detail)
    # Compare on collapsed whitespace so re-wrapping a paragraph does not count as losing a phrase.
    text = lower_line(" ".join(message.content for message in data.messages))
    for phrase in REQUIRED_INSTRUCTIONS.get(data.name, ()):
        if phrase.lower() not in text:
            raise _fail(path, "messages", f"lost the required instruction {phrase!r}")
    return LLMPrompt(data.name, path, template, frozenset(declared))


@lru_cache(maxsize=32)
def _load_cached(path: Path, mtime_ns: int) -> LLMPrompt:
    return parse_prompt_file(path)


def load_prompt(name: str) -> LLMPrompt:
    """The named prompt from ``prompts/llm/<name>.yaml``, validated and cached while unchanged."""
    path = llm_prompts_dir() / f"{name}.yaml"
    try:
        mtime = path.stat().st_mtime_ns
    except OSError as exc:
        raise PromptError(f"no prompt template named {name!r} ({path} is missing)") from exc
    return _load_cached(path, mtime)


def format_prompt(name: str, **values: object) -> list[BaseMessage]:
    """Load the named prompt and fill it in; a missing variable raises ``PromptError`` naming it."""
    return load_prompt(name).format(**values)
