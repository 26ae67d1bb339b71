"""Process-wide resources of the app (session store, retriever, LLM), cached once per process."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import streamlit as st

from assessment.interview.storage import SessionStore
from assessment.web import support
from knowledge.settings import Settings

TORCH_THREADS = 1  # see get_retriever


@st.cache_resource(show_spinner=False)
def get_store(url: str | None, data_dir: str) -> SessionStore:
    """The session store, opened once per process."""
    return SessionStore(url=url, data_dir=Path(data_dir))


@st.cache_resource(show_spinner=False)
def get_retriever(data_dir: str) -> support.LazyValue:
    """The knowledge retriever, loading in the background so the first page is interactive at once."""

    def build() -> Any:
        import torch

        from assessment.understanding.reader import warm_up
        from knowledge import Retriever

        # One thread per model call: the reader's and the retriever's inputs are a sentence or two, and
        # several founders' turns run side by side; intra-op threads only spin on a busy machine (the
        # CPU time of a turn was three times higher with two; bench/turns.py).
        torch.set_num_threads(TORCH_THREADS)
        warm_up()  # the model and answer prototypes first: the first answer needs them soonest
        retriever = Retriever.load(data_dir=Path(data_dir), progress=False)
        # The SOC 2 basics index opens on its first search: open it now, not on the first side question.
        retriever.search_basics("what is a SOC 2 report", k=1)
        return retriever

    return support.LazyValue(build, name="retriever-load")


@st.cache_resource(show_spinner=False)
def get_llm(spec: str | None) -> tuple[Any, str | None]:
    """The optional chat model (None: offline) and a notice if its configuration is unusable."""
    return support.load_llm(spec)


class Resources:
    """What one rerun needs from the process-wide caches."""

    def __init__(self) -> None:
        settings = Settings()
        self.settings = settings
        self.store = get_store(settings.session_db_url, str(settings.data_dir))
        self.llm, self.llm_notice = get_llm(settings.llm)

    @property
    def retriever(self) -> support.LazyValue:
        """The shared retriever (its background load starts on first use)."""
        return get_retriever(str(self.settings.data_dir))


def chat_max_chars(res: Resources) -> int:
    """The chat box's cap: half the upload limit, so a session saved with it can be resumed.

    Not max_answer_chars: Streamlit would cut a longer paste silently. The engine reads the first
    max_answer_chars, says so, and keeps the whole answer, stored once in the session file.
    """
    return max(1, res.settings.max_upload_bytes // 2)
