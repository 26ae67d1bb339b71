"""Building the optional chat model from settings: clear errors, the right client arguments."""

from __future__ import annotations

import importlib.util
from typing import Any

import pytest
from langchain_core.language_models import BaseChatModel
from langchain_core.language_models.fake_chat_models import FakeListChatModel
from pydantic import SecretStr

from assessment.llm import (
    LLMAssist,
    LLMConfigError,
    build_chat_model,
    describe_mode,
    notice,
    parse_llm_spec,
)
from assessment.llm.config import model_label
from knowledge.settings import Settings


class RecordingFactory:
    """Stands in for init_chat_model: remembers its arguments and returns a fake model."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, dict[str, Any]]] = []

    def __call__(self, model: str, **kwargs: Any) -> BaseChatModel:
        self.calls.append((model, kwargs))
        return FakeListChatModel(responses=["ok"])


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """No LLM settings leak in from the developer's shell."""
    for var in ("SOC2_READY_LLM", "SOC2_READY_LLM_API_KEY", "SOC2_READY_LLM_BASE_URL", "OPENAI_API_KEY"):
        monkeypatch.delenv(var, raising=False)


def test_spec_splits_at_first_colon() -> None:
    assert parse_llm_spec("ollama:llama3.1:8b") == ("ollama", "llama3.1:8b")
    assert parse_llm_spec(" OpenAI:gpt-4o-mini ") == ("openai", "gpt-4o-mini")


@pytest.mark.parametrize("spec", ["gpt-4o-mini", ":gpt-4o", "openai:", "  "])
def test_bad_spec_names_the_variable(spec: str) -> None:
    with pytest.raises(LLMConfigError, match=r'SOC2_READY_LLM=.* is not of the form "provider:model"'):
        parse_llm_spec(spec)


def test_no_llm_means_no_model() -> None:
    assert build_chat_model(Settings(llm=None), factory=RecordingFactory()) is None
    assert build_chat_model(Settings(llm="  "), factory=RecordingFactory()) is None


@pytest.mark.parametrize(
    ("spec", "variable"),
    [("openai:gpt-4o-mini", "OPENAI_API_KEY"), ("anthropic:claude-sonnet-4-5", "ANTHROPIC_API_KEY")],
)
def test_missing_key_names_the_variable(spec: str, variable: str) -> None:
    factory = RecordingFactory()
    with pytest.raises(
        LLMConfigError, match=rf"needs an API key: set {variable} \(or SOC2_READY_LLM_API_KEY\)"
    ):
        build_chat_model(Settings(llm=spec), factory=factory, environ={})
    assert factory.calls == []


def test_missing_provider_package_names_pip_package() -> None:
    if importlib.util.find_spec("langchain_ollama") is not None:
        pytest.skip("langchain-ollama is installed here")
    with pytest.raises(
        LLMConfigError, match=r"needs the langchain-ollama package.*pip install langchain-ollama"
    ):
        build_chat_model(Settings(llm="ollama:llama3.1"), environ={})


def test_openai_key_from_provider_variable() -> None:
    factory = RecordingFactory()
    model = build_chat_model(
        Settings(llm="openai:gpt-4o-mini", llm_timeout_s=12.0),
        factory=factory,
        environ={"OPENAI_API_KEY": "sk-1"},
    )
    assert isinstance(model, FakeListChatModel)
    (name, kwargs) = factory.calls[0]
    assert name == "gpt-4o-mini"
    assert kwargs == {
        "model_provider": "openai",
        "temperature": 0,
        "api_key": "sk-1",
        "timeout": 12.0,
        "max_retries": 0,  # the timeout bounds the whole call: no second try
    }


def test_project_key_wins_over_provider_variable() -> None:
    factory = RecordingFactory()
    settings = Settings(llm="openai:gpt-4o-mini", llm_api_key=SecretStr("sk-project"))
    build_chat_model(settings, factory=factory, environ={"OPENAI_API_KEY": "sk-shell"})
    assert factory.calls[0][1]["api_key"] == "sk-project"


def test_openai_compatible_server_needs_no_key() -> None:
    factory = RecordingFactory()
    settings = Settings(llm="openai:qwen2.5-7b-instruct", llm_base_url="http://localhost:8000/v1")
    build_chat_model(settings, factory=factory, environ={})
    kwargs = factory.calls[0][1]
    assert kwargs["base_url"] == "http://localhost:8000/v1"
    assert kwargs["api_key"]  # a placeholder the local server ignores


def test_ollama_gets_base_url_and_no_key() -> None:
    factory = RecordingFactory()
    settings = Settings(llm="ollama:llama3.1", llm_base_url="http://gpu-box:11434")
    build_chat_model(settings, factory=factory, environ={})
    name, kwargs = factory.calls[0]
    assert name == "llama3.1"
    assert kwargs == {
        "model_provider": "ollama",
        "temperature": 0,
        "base_url": "http://gpu-box:11434",
        "client_kwargs": {"timeout": 30.0},  # ChatOllama passes these to its httpx client
    }


def test_reasoning_models_get_no_temperature() -> None:
    factory = RecordingFactory()
    build_chat_model(Settings(llm="openai:o3-mini"), factory=factory, environ={"OPENAI_API_KEY": "k"})
    assert "temperature" not in factory.calls[0][1]


def test_factory_errors_become_config_errors() -> None:
    def broken(model: str, **kwargs: Any) -> BaseChatModel:
        raise ValueError("base_url must start with http")

    with pytest.raises(LLMConfigError, match=r"could not set up SOC2_READY_LLM=ollama:x: base_url must"):
        build_chat_model(Settings(llm="ollama:x"), factory=broken, environ={})

    def missing(model: str, **kwargs: Any) -> BaseChatModel:
        raise ImportError("no module")

    with pytest.raises(LLMConfigError, match=r"needs langchain-ollama: pip install langchain-ollama"):
        build_chat_model(Settings(llm="ollama:x"), factory=missing, environ={})


def test_unknown_provider_through_real_init_chat_model() -> None:
    with pytest.raises(LLMConfigError, match=r"could not set up SOC2_READY_LLM=nosuchprovider:m"):
        build_chat_model(Settings(llm="nosuchprovider:m"), environ={})


def test_from_settings_reads_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOC2_READY_LLM", "openai:gpt-4o-mini")
    with pytest.raises(LLMConfigError, match="OPENAI_API_KEY"):
        LLMAssist.from_settings()
    monkeypatch.delenv("SOC2_READY_LLM")
    assert LLMAssist.from_settings() is None


def test_describe_mode() -> None:
    assert describe_mode(None) == describe_mode(Settings(llm=None)) == notice("mode_offline")
    assert describe_mode(Settings(llm="openai:gpt-4o-mini")) == notice("mode_llm", model="openai:gpt-4o-mini")
    assert describe_mode("ollama:llama3.1") == notice("mode_llm", model="ollama:llama3.1")
    fake = FakeListChatModel(responses=["x"])
    assert describe_mode(fake) == notice("mode_llm", model=model_label(fake))
    wrapped = LLMAssist(fake, name="ollama:llama3.1")
    assert describe_mode(wrapped) == notice("mode_llm", model="ollama:llama3.1")
