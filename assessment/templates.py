"""User-facing message templates, kept as files under ``prompts/``."""

from __future__ import annotations

import string
from functools import lru_cache
from importlib.resources import files
from pathlib import Path

from knowledge.yaml_files import load_yaml


class TemplateError(KeyError):
    """A template is missing or was rendered without one of its variables."""

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else "template error"


def prompts_dir() -> Path:
    """Directory of prompt and message templates (``SOC2_READY_PROMPTS_DIR`` overrides)."""
    from knowledge.settings import load_settings

    override = load_settings().prompts_dir
    if override is not None:
        return override
    return Path(str(files("prompts")))


@lru_cache(maxsize=8)
def load_messages(filename: str = "messages.yaml") -> dict[str, str]:
    """Load a YAML mapping of message name -> template text; validated to be strings."""
    path = prompts_dir() / filename
    raw = load_yaml(path.read_text(encoding="utf-8"))
    if not isinstance(raw, dict):
        raise TemplateError(f"{path.name}: expected a mapping of message name to text")
    for key, value in raw.items():
        if not isinstance(value, str):
            raise TemplateError(f"{path.name}: field {key}: expected text, got {type(value).__name__}")
    return dict(raw)


def render_message(name: str, filename: str = "messages.yaml", **values: object) -> str:
    """Fill the named template; a missing template or variable raises ``TemplateError`` naming it."""
    messages = load_messages(filename)
    if name not in messages:
        raise TemplateError(f"{filename}: no template named {name!r}")
    template = messages[name]
    needed = {field for _, field, _, _ in string.Formatter().parse(template) if field}
    missing = sorted(needed - values.keys())
    if missing:
        raise TemplateError(f"template {name!r} needs {', '.join(missing)}")
    return template.format(**values)
