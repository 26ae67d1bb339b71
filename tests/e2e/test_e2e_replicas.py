"""Two app replicas over one PostgreSQL session store and one Chroma server, in headless Chromium.

The scale-out path of docs/deploy.md, for real: a temporary PostgreSQL cluster (``initdb``/``pg_ctl``),
a ``chroma run`` server, and two ``streamlit run`` replicas on different ports with the same
``SOC2_READY_SESSION_DB_URL`` and ``SOC2_READY_CHROMA_URL`` and different data dirs.

- A session started on replica A continues on replica B from the same ``?sid=`` link: B shows what
  was typed on A, and what is typed on B is appended to it.
- Two pages on the same session, one per replica, both answering (in turn, then at the same moment)
  keep every answer in the store, each once (issue 15 item 2: saves are compare-and-set).
- With the PostgreSQL URL and the Chroma URL set, a replica writes no ``sessions.db`` and no index
  under its own data dir.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs, urlparse

import pytest
from fakes.browser import (
    ACTION_TIMEOUT_MS,
    SETTLED,
    AppServer,
    chromium,
    needs_chromium,
    pick_scope,
    serving_app,
    settle,
)
from fakes.chromaserver import ChromaServer, require_tier
from fakes.pgserver import Postgres, start_postgres

from assessment.interview.storage import SessionStore

pytestmark = [pytest.mark.browser, pytest.mark.slow, needs_chromium]

CHAT_INPUT = "[data-testid='chatBoxTextArea'], [data-testid='stChatInputTextArea']"
# The first turn on a replica waits for its reader model and retriever to load (in the background).
FIRST_TURN_TIMEOUT_MS = 240_000


@dataclass(frozen=True)
class Replicas:
    """Two running replicas and the session store they share."""

    a: AppServer
    b: AppServer
    store_url: str


@pytest.fixture(scope="module")
def shared_postgres(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Postgres]:
    """This module's own PostgreSQL cluster; skips (or fails in CI) when none can start."""
    server = require_tier(start_postgres(tmp_path_factory.mktemp("replicas-pg")), "PostgreSQL")
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """One headless Chromium for the module; each page gets its own context (its own browser)."""
    with chromium() as launched:
        yield launched


@pytest.fixture(scope="module")
def replicas(
    shared_postgres: Postgres,
    chroma_server: ChromaServer,
    remote_retriever: object,  # fills the Chroma server once, before the replicas start
    browser: Any,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[Replicas]:
    """Replicas A and B (different ports, empty data dirs) over the same store and index."""
    env = {"SOC2_READY_SESSION_DB_URL": shared_postgres.url, "SOC2_READY_CHROMA_URL": chroma_server.url}
    with (
        serving_app(tmp_path_factory.mktemp("replica-a"), env) as a,
        serving_app(tmp_path_factory.mktemp("replica-b"), env) as b,
    ):
        for server in (a, b):  # a first page starts each replica's background model load, both at once
            page = _page(browser, server.url)
            page.context.close()
        yield Replicas(a, b, shared_postgres.url)


def _page(browser: Any, url: str) -> Any:
    """A page in a fresh browser context, opened on ``url`` and settled."""
    from playwright.sync_api import expect

    page = browser.new_context(viewport={"width": 1280, "height": 800}).new_page()
    page.set_default_timeout(ACTION_TIMEOUT_MS)
    page.goto(url)
    expect(page.get_by_test_id("stApp")).to_be_visible()
    page.wait_for_timeout(250)
    page.wait_for_selector(SETTLED, timeout=FIRST_TURN_TIMEOUT_MS)  # restoring may wait for the models
    return page


def _start(browser: Any, server: AppServer) -> Any:
    """A new Security-scoped interview on ``server``; the page, at the first question."""
    from playwright.sync_api import expect

    page = _page(browser, server.url)
    start = page.get_by_role("button", name="Start the interview")
    expect(start).to_be_visible()
    pick_scope(page, "Security")
    start.click()
    expect(page.locator(CHAT_INPUT).first).to_be_visible(timeout=FIRST_TURN_TIMEOUT_MS)
    settle(page)
    return page


def _send(page: Any, said: str) -> None:
    """Type an answer and press Enter (without waiting for the reply)."""
    chat = page.locator(CHAT_INPUT).first
    chat.fill(said)
    chat.press("Enter")


def _wait_shown(page: Any, said: str, timeout_ms: int = ACTION_TIMEOUT_MS) -> None:
    """Wait until the founder's bubble with ``said`` is on the page once, and the run has ended."""
    from playwright.sync_api import expect

    user = page.get_by_test_id("stChatMessageAvatarUser")
    mine = page.get_by_test_id("stChatMessage").filter(has=user).filter(has_text=said)
    expect(mine).to_have_count(1, timeout=timeout_ms)
    settle(page)


def _answer(page: Any, said: str, timeout_ms: int = ACTION_TIMEOUT_MS) -> None:
    _send(page, said)
    _wait_shown(page, said, timeout_ms)


def _sid(page: Any) -> str:
    return str(parse_qs(urlparse(page.url).query)["sid"][0])


def _stored_answers(store_url: str, sid: str) -> list[str]:
    store = SessionStore(url=store_url)
    try:
        data = store.load(sid)
    finally:
        store.close()
    assert data is not None, f"session {sid} is not in the PostgreSQL store"
    return [turn["text"] for turn in data["transcript"] if turn["role"] == "user"]


def _user_bubbles(page: Any) -> list[str]:
    user = page.get_by_test_id("stChatMessageAvatarUser")
    return list(page.get_by_test_id("stChatMessage").filter(has=user).all_inner_texts())


def _nothing_stored_locally(replicas: Replicas) -> None:
    """The replicas kept sessions in PostgreSQL and searched the Chroma server: their dirs hold neither."""
    for server in (replicas.a, replicas.b):
        local = sorted(p.name for p in server.data_dir.rglob("*") if p.name.startswith("sessions.db"))
        assert local == [], f"{server.url} wrote {local} under {server.data_dir}"
        assert not (server.data_dir / "index").exists(), f"{server.url} built a local index"
        assert not (server.data_dir / "backups").exists(), f"{server.url} backed up a local database"


def test_a_session_started_on_one_replica_continues_on_the_other(replicas: Replicas, browser: Any) -> None:
    on_a = ["A1: yes, everyone signs in through Okta", "A2: not yet, we plan it", "A3: partly, only prod"]
    on_b = ["B1: yes, reviewed every quarter", "B2: no, nothing written down"]
    page_a = _start(browser, replicas.a)
    _answer(page_a, on_a[0], FIRST_TURN_TIMEOUT_MS)
    for said in on_a[1:]:
        _answer(page_a, said)
    sid = _sid(page_a)
    page_a.context.close()
    assert _stored_answers(replicas.store_url, sid) == on_a

    page_b = _page(browser, f"{replicas.b.url}/?sid={sid}")
    assert _sid(page_b) == sid  # the link was honoured: the session exists in the shared store
    shown = "\n".join(_user_bubbles(page_b))
    assert all(said in shown for said in on_a), f"replica B does not show A's answers: {shown!r}"
    _answer(page_b, on_b[0], FIRST_TURN_TIMEOUT_MS)
    _answer(page_b, on_b[1])
    assert _sid(page_b) == sid
    page_b.context.close()
    assert _stored_answers(replicas.store_url, sid) == on_a + on_b
    _nothing_stored_locally(replicas)


def test_two_replicas_writing_one_session_keep_both_answers(replicas: Replicas, browser: Any) -> None:
    page_a = _start(browser, replicas.a)
    first = "first: yes, MFA for every admin"
    _answer(page_a, first, FIRST_TURN_TIMEOUT_MS)
    sid = _sid(page_a)
    page_b = _page(browser, f"{replicas.b.url}/?sid={sid}")
    _wait_shown(page_b, first)

    # Tab B stays open on the link while tab A answers four more (the report of issue 15, item 2).
    more_a = [f"A{n}: partly, for production systems only" for n in range(1, 5)]
    for said in more_a:
        _answer(page_a, said)
    once_b = "B once: no, contractors keep their laptops"
    _answer(page_b, once_b, FIRST_TURN_TIMEOUT_MS)
    shown_b = "\n".join(_user_bubbles(page_b))
    assert all(said in shown_b for said in more_a), "replica B did not pick up A's answers"

    # Both at the same moment: one save wins, the other reloads, replays its answer and saves.
    both = ("together A: yes, logs kept for a year", "together B: not sure, need to ask our CTO")
    _send(page_a, both[0])
    _send(page_b, both[1])
    _wait_shown(page_a, both[0])
    _wait_shown(page_b, both[1])
    page_a.context.close()
    page_b.context.close()

    stored = _stored_answers(replicas.store_url, sid)
    assert stored[:6] == [first, *more_a, once_b], stored
    assert sorted(stored[6:]) == sorted(both), f"an answer was lost or doubled: {stored}"
    _nothing_stored_locally(replicas)


def test_replica_data_dirs_hold_no_session_database(replicas: Replicas) -> None:
    store = SessionStore(url=replicas.store_url)
    try:
        assert len(store.list_recent(limit=50)) >= 1  # the sessions above are in PostgreSQL...
    finally:
        store.close()
    _nothing_stored_locally(replicas)  # ...and nowhere else
