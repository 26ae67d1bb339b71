"""The running app server the browser tests share (one per test module)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fakes.browser import AppServer, copy_index, serving_app


@pytest.fixture(scope="module")
def app_server(
    retriever: object, session_data_dir: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[AppServer]:
    """``streamlit run app.py`` over a fresh data dir holding a copy of the real index."""
    with serving_app(copy_index(session_data_dir, tmp_path_factory)) as server:
        yield server
