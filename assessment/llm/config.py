"""Build the optional chat model from settings: ``SOC2_READY_LLM="provider:model"`` plus a key.

Nothing here contacts a provider: building a model only checks the configuration and creates the
LangChain client. A misconfiguration raises ``LLMConfigError`` saying exactly what to set or install,
so the app can show it and carry on in offline mode.
"""

from __future__ import annotations

import importlib.util
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from langchain_core.language_models import BaseChatModel

from knowledge.settings import Settings, load_settings

LLM_ENV = "SOC2_READY_LLM"
KEY_ENV = "SOC2_READY_LLM_API_KEY"
BASE_URL_ENV = "SOC2_READY_LLM_BASE_URL"
# Local OpenAI-compatible servers (vLLM, llama.cpp, LM Studio) ignore the key, but the client wants one.
_PLACEHOLDER_KEY = "not-needed"


class LLMConfigError(ValueError):
    """The optional LLM is configured in a way that cannot work; the message says what to fix."""


@dataclass(frozen=True)
class ProviderInfo:
    """What one provider needs: its pip package, import name and API-key variable (None: no key),
    and how its client takes a timeout: a ``timeout`` argument or ``client_kwargs`` for httpx."""

    package: str
    module: str
    key_env: str | None
    timeout_in_client_kwargs: bool = False


# Providers we document. Others that LangChain's init_chat_model knows still work; we just cannot
# name their key variable in an error message.
PROVIDERS: dict[str, ProviderInfo] = {
    "openai": ProviderInfo("langchain-openai", "langchain_openai", "OPENAI_API_KEY"),
    "azure_openai": ProviderInfo("langchain-openai", "langchain_openai", "AZURE_OPENAI_API_KEY"),
    "anthropic": ProviderInfo("langchain-anthropic", "langchain_anthropic", "ANTHROPIC_API_KEY"),
    "ollama": ProviderInfo("langchain-ollama", "langchain_ollama", None, timeout_in_client_kwargs=True),
    "google_genai": ProviderInfo("langchain-google-genai", "langchain_google_genai", "GOOGLE_API_KEY"),
    "mistralai": ProviderInfo("langchain-mistralai", "langchain_mistralai", "MISTRAL_API_KEY"),
    "groq": ProviderInfo("langchain-groq", "langchain_groq", "GROQ_API_KEY"),
    "deepseek": ProviderInfo("langchain-deepseek", "langchain_deepseek", "DEEPSEEK_API_KEY"),
    "xai": ProviderInfo("langchain-xai", "langchain_xai", "XAI_API_KEY"),
    "together": ProviderInfo("langchain-together", "langchain_together", "TOGETHER_API_KEY"),
    "fireworks": ProviderInfo("langchain-fireworks", "langchain_fireworks", "FIREWORKS_API_KEY"),
}

ChatModelFactory = Callable[..., BaseChatModel]


def parse_llm_spec(spec: str) -> tuple[str, str]:
    """Split ``"provider:model"`` (the model may hold colons, as in ``ollama:llama3.1:8b``)."""
    text = spec.strip()
    provider, sep, model = text.partition(":")
    provider, model = provider.strip().lower(), model.strip()
    if not sep or not provider or not model:
        raise LLMConfigError(
            f'{LLM_ENV}={spec!r} is not of the form "provider:model"; '
            f"for example {LLM_ENV}=openai:gpt-4o-mini or {LLM_ENV}=ollama:llama3.1"
        )
    return provider, model


def _default_factory(model: str, **kwargs: Any) -> BaseChatModel:
    # Imported here so that offline use never imports the langchain package at all.
    from langchain.chat_models import init_chat_model

    return init_chat_model(model, **kwargs)


def _wants_temperature(provider: str, model: str) -> bool:
    # OpenAI reasoning models reject any temperature but the default.
    name = model.lower()
    return not (provider in {"openai", "azure_openai"} and name.startswith(("o1", "o3", "o4", "gpt-5")))


def _api_key(settings: Settings, info: ProviderInfo | None, environ: Mapping[str, str]) -> str | None:
    # Explicit project setting first, then the provider's own variable.
    if settings.llm_api_key is not None and settings.llm_api_key.get_secret_value().strip():
        return settings.llm_api_key.get_secret_value().strip()
    if info is not None and info.key_env:
        value = environ.get(info.key_env, "").strip()
        return value or None
    return None


def chat_model_kwargs(settings: Settings, environ: Mapping[str, str] | None = None) -> dict[str, Any]:
    """The keyword arguments for ``init_chat_model``; raises ``LLMConfigError`` naming what to set."""
    env = os.environ if environ is None else environ
    if not settings.llm:
        raise LLMConfigError(f"no LLM configured: set {LLM_ENV}, for example {LLM_ENV}=openai:gpt-4o-mini")
    provider, model = parse_llm_spec(settings.llm)
    info = PROVIDERS.get(provider)
    base_url = (settings.llm_base_url or "").strip() or None
    key = _api_key(settings, info, env)
    if key is None and provider == "openai" and base_url:
        key = _PLACEHOLDER_KEY
    if info is not None and info.key_env and key is None:
        raise LLMConfigError(
            f"{LLM_ENV}={settings.llm} needs an API key: set {info.key_env} (or {KEY_ENV})"
            + (f", or set {BASE_URL_ENV} for a local compatible server" if provider == "openai" else "")
        )
    kwargs: dict[str, Any] = {"model_provider": provider}
    if _wants_temperature(provider, model):
        kwargs["temperature"] = 0
    if key is not None and provider != "ollama":
        kwargs["api_key"] = key
    if base_url:
        kwargs["base_url"] = base_url
    # The client's own timeout bounds each call, with no retry: a turn waits at most llm_timeout_s.
    if info is not None and info.timeout_in_client_kwargs:
        kwargs["client_kwargs"] = {"timeout": settings.llm_timeout_s}
    elif info is not None:
        kwargs["timeout"] = settings.llm_timeout_s
        kwargs["max_retries"] = 0
    return kwargs


def build_chat_model(
    settings: Settings | None = None,
    *,
    factory: ChatModelFactory | None = None,
    environ: Mapping[str, str] | None = None,
) -> BaseChatModel | None:
    """The configured chat model, or None when no LLM is set (offline mode).

    Raises ``LLMConfigError`` naming the variable to set or the package to install. ``factory``
    replaces LangChain's ``init_chat_model`` (tests pass a fake).
    """
    settings = settings if settings is not None else load_settings()
    if not settings.llm or not settings.llm.strip():
        return None
    kwargs = chat_model_kwargs(settings, environ)
    provider, model = parse_llm_spec(settings.llm)
    info = PROVIDERS.get(provider)
    if factory is None:
        if info is not None and importlib.util.find_spec(info.module) is None:
            raise LLMConfigError(
                f"{LLM_ENV}={settings.llm} needs the {info.package} package, which is not installed "
                f"by default: pip install {info.package}"
            )
        factory = _default_factory
    try:
        return factory(model, **kwargs)
    except ImportError as exc:
        package = info.package if info else f"the LangChain integration for {provider!r}"
        raise LLMConfigError(f"{LLM_ENV}={settings.llm} needs {package}: pip install {package}") from exc
    except Exception as exc:  # the provider's own validation (unknown provider, bad URL, ...)
        raise LLMConfigError(f"could not set up {LLM_ENV}={settings.llm}: {exc}") from exc


def model_label(model: BaseChatModel) -> str:
    """A short ``provider:model`` name of a chat model, for display."""
    provider, name = "", ""
    try:
        params = model._get_ls_params()
        provider = str(params.get("ls_provider") or "")
        name = str(params.get("ls_model_name") or "")
    except Exception:  # display only: a custom model may not support tracing params
        pass
    name = name or str(getattr(model, "model_name", "") or getattr(model, "model", "") or "")
    provider = provider or model._llm_type
    return f"{provider}:{name}" if name else provider
