"""Project settings, read from arguments first, then ``SOC2_READY_*`` environment variables."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Literal

from platformdirs import user_cache_dir
from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

# Telemetry and model-hub access are turned off before any library that reads them is imported.
_OFFLINE_ENV = {
    "HF_HUB_OFFLINE": "1",
    "TRANSFORMERS_OFFLINE": "1",
    "HF_HUB_DISABLE_TELEMETRY": "1",
    "ANONYMIZED_TELEMETRY": "False",
    "STREAMLIT_BROWSER_GATHER_USAGE_STATS": "false",
    "TOKENIZERS_PARALLELISM": "false",
}


def enforce_offline_env() -> None:
    """Set the environment variables that keep model hubs and telemetry offline."""
    for key, value in _OFFLINE_ENV.items():
        os.environ.setdefault(key, value)


def default_data_dir() -> Path:
    """The per-user cache directory where the index and sessions live by default."""
    return Path(user_cache_dir("soc2-ready", appauthor=False))


class Settings(BaseSettings):
    """All configuration of soc2-ready; every field can be set as ``SOC2_READY_<FIELD>``."""

    model_config = SettingsConfigDict(env_prefix="SOC2_READY_", extra="ignore")

    data_dir: Path = Field(default_factory=default_data_dir)
    llm: str | None = Field(default=None, description='Optional chat model as "provider:model".')
    llm_api_key: SecretStr | None = None
    llm_base_url: str | None = None
    llm_timeout_s: float = 30.0
    session_db_url: str | None = Field(
        default=None, description="SQLAlchemy URL of the session store; default SQLite in data_dir."
    )
    session_backup_keep: int = Field(
        default=5, ge=0, description="Rolling backups of the SQLite session store to keep; 0 turns them off."
    )
    session_backup_minutes: float = Field(
        default=10.0, gt=0, description="Back the SQLite session store up at most this often (minutes)..."
    )
    session_backup_every_saves: int = Field(
        default=100, ge=1, description="...or after this many saves, whichever comes first."
    )
    auth: Literal["none", "oidc", "header"] = Field(
        default="none", description="Login: none, oidc (st.login, see .streamlit/secrets.toml) or header."
    )
    trusted_user_header: str = Field(
        default="X-Forwarded-Email", description="With auth=header: the header the authenticating proxy sets."
    )
    chroma_url: str | None = Field(default=None, description="URL of a Chroma server; default embedded.")
    max_answer_chars: int = 4000
    max_upload_bytes: int = 2_000_000
    # import-criteria reads a file the user owns, but a hostile one must end in a refusal, not a hang
    # (CISO Assistant's SOC 2 library is ~0.3 MB; the AICPA TSC PDF a few MB, ~70 pages, ~0.3 M characters).
    max_criteria_yaml_bytes: int = Field(default=5_000_000, gt=0, description="Largest criteria YAML read.")
    max_criteria_pdf_bytes: int = Field(default=50_000_000, gt=0, description="Largest criteria PDF read.")
    max_criteria_pdf_pages: int = Field(default=500, gt=0, description="Most pages read from a criteria PDF.")
    max_criteria_text_chars: int = Field(
        default=2_000_000, gt=0, description="Most text characters taken from a criteria PDF."
    )
    max_criteria_seconds: float = Field(
        default=60.0, gt=0, description="Time budget for reading a criteria PDF's text."
    )
    prompts_dir: Path | None = Field(
        default=None, description="A folder to read prompts and texts from instead of the packaged prompts/."
    )
    cjk_font: Path | None = Field(
        default=None, description="Font file for Chinese, Japanese and Korean text in the PDF report."
    )
    emoji_font: Path | None = Field(default=None, description="Font file for emoji in the PDF report.")
    timing_log: Path | None = Field(
        default=None, description="Append each app script run's duration to this file (bench/turns.py)."
    )


def load_settings(**overrides: object) -> Settings:
    """Build settings from explicit overrides (non-None) on top of the environment."""
    clean = {k: v for k, v in overrides.items() if v is not None}
    return Settings(**clean)  # type: ignore[arg-type]
