"""Optional LLM mode: an upgrade of the offline interview, never a dependency, never a scorer."""

from assessment.llm.assist import (
    LLM_CONFIDENCE,
    LLMAssist,
    as_assist,
    describe_mode,
    notice,
    should_ask_llm,
)
from assessment.llm.config import LLMConfigError, build_chat_model, parse_llm_spec
from assessment.llm.prompts import PromptError, format_prompt, load_prompt

__all__ = [
    "LLM_CONFIDENCE",
    "LLMAssist",
    "LLMConfigError",
    "PromptError",
    "as_assist",
    "build_chat_model",
    "describe_mode",
    "format_prompt",
    "load_prompt",
    "notice",
    "parse_llm_spec",
    "should_ask_llm",
]
