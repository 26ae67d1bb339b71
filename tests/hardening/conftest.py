"""Fixtures of the hardening suite: ``store_url`` runs storage tests on SQLite and PostgreSQL."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from fakes.pgserver import Postgres, start_postgres


@pytest.fixture(scope="session")
def postgres(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Postgres]:
    """A temporary PostgreSQL cluster for the whole session; skips (saying why) when none can start."""
    server = start_postgres(tmp_path_factory.mktemp("postgres"))
    if isinstance(server, str):
        if os.environ.get("SOC2_TEST_REQUIRE_SERVER_TIER"):  # set by .ci/run: CI always runs the tier
            pytest.fail(f"PostgreSQL tier required but cannot start: {server}")
        pytest.skip(f"PostgreSQL tier skipped: {server}")
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(params=["sqlite", "postgresql"])
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh session store URL: a SQLite file, or a new database on the temporary PostgreSQL."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'sessions.db'}"
        return
    server: Postgres = request.getfixturevalue("postgres")
    from sqlalchemy import create_engine, text

    name = f"t_{tmp_path.name.lower().replace('-', '_')[:40]}"
    admin = create_engine(server.url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    yield server.url.rsplit("/", 1)[0] + f"/{name}"
