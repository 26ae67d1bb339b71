"""Concurrency: interviews in threads over one shared Retriever give exactly the sequential results."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from assessment import Interview
from assessment.report import render
from knowledge import Retriever

SESSIONS = 8
SIDE = [
    "What does CC6.1 mean?",
    "what is a carve-out?",
    "How long is a Type II observation window?",
    "what do auditors want for access reviews?",
    "What is PI1.3 about?",
]
PROFILE = ["12", "AWS", "no, fully remote", "yes", "yes", "no", "yes", "Type II", "no date yet"]
SCOPES: list[tuple[str, ...] | None] = [
    None,
    ("security",),
    ("security", "privacy"),
    ("security", "availability", "confidentiality"),
]
REPLIES = ("Yes", "partly, only production", "No", "Not sure", "yes via Okta", "n/a")


def script(n: int) -> list[str]:
    """Session ``n``'s turns: answers varied by ``n``, a side question every few turns, commands."""
    turns: list[str] = [*PROFILE, "accept"] if SCOPES[n % len(SCOPES)] is None else []
    for i in range(60):
        if i % 7 == n % 7:
            turns.append(SIDE[(n + i) % len(SIDE)])
        elif i == 20 + n:
            turns.append("back")
        elif i == 30:
            turns.append("progress")
        turns.append(REPLIES[(n * 3 + i) % len(REPLIES)])
    return turns


def fresh_retriever(retriever: Retriever) -> Retriever:
    """A second Retriever on the same persisted index (opened, not rebuilt), with an empty cache."""
    return Retriever.load(retriever.data_dir, progress=False)


def run(n: int, retriever: Retriever, start: Callable[[], Any] | None = None) -> dict[str, Any]:
    """Play session ``n`` to the end; returns everything that must not depend on other threads."""
    iv = Interview(scope=SCOPES[n % len(SCOPES)], retriever=retriever, session_name=f"Company {n}")
    if start is not None:
        start()  # all threads begin their turns together
    replies = []
    for text in script(n):
        if iv.next_question() is None:
            break
        reply = iv.answer(text)
        replies.append((reply.kind, reply.label, reply.message, reply.citations))
    while iv.next_question() is not None:
        iv.answer("Yes")
    report = iv.report()
    return {
        "report": report,
        "transcript": iv.transcript,
        "replies": replies,
        "session": json.dumps(iv.to_dict(), sort_keys=True),
        "markdown": render(report, "md"),
        "json": render(report, "json"),
    }


def test_parallel_interviews_equal_sequential(retriever: Retriever) -> None:
    sequential = [run(n, retriever) for n in range(SESSIONS)]
    shared = fresh_retriever(retriever)  # one instance for all threads, its query cache still empty
    barrier = threading.Barrier(SESSIONS)
    with ThreadPoolExecutor(max_workers=SESSIONS) as pool:
        parallel = list(pool.map(lambda n: run(n, shared, barrier.wait), range(SESSIONS)))
    for n in range(SESSIONS):
        for key in sequential[n]:
            assert parallel[n][key] == sequential[n][key], f"session {n}: {key} differs"
    side_answers = sum(1 for result in parallel for kind, *_ in result["replies"] if kind == "side_question")
    assert side_answers >= SESSIONS * 3  # side questions really ran concurrently with answers
    assert len({result["session"] for result in parallel}) == SESSIONS


def test_one_interview_shared_by_threads_stays_consistent(retriever: Retriever) -> None:
    """Two browser tabs on one session: turns are serialised, none is lost, the state stays valid."""
    iv = Interview(scope={"security"}, retriever=retriever)
    iv.next_question()
    iv.answer("No, we run our own servers")
    texts = ["Yes", "No", "What does CC7.2 mean?", "progress", "Partly", "Not sure"] * 4
    with ThreadPoolExecutor(max_workers=6) as pool:
        replies = list(pool.map(iv.answer, texts))
    assert all(reply.message.strip() for reply in replies)
    users = [text for role, text in iv.transcript if role == "user"]
    assert sorted(users[1:]) == sorted(texts)
    restored = Interview.from_dict(json.loads(json.dumps(iv.to_dict())), retriever=retriever)
    assert restored.report() == iv.report()


def test_parallel_searches_equal_sequential(retriever: Retriever) -> None:
    queries = [
        ("mfa for contractors", None),
        ("backups restore test", ["availability"]),
        ("DSAR deletion request", ["privacy"]),
        ("vendor security review", None),
        ("CC8.1", None),
        ("incident response runbook", ["security"]),
        ("data retention and disposal", ["confidentiality", "privacy"]),
        ("input validation of orders", ["processing_integrity"]),
    ] * 6
    expected = {
        (q, tuple(c or ())): [(h.criterion_id, round(h.score, 6), h.text) for h in retriever.search(q, 5, c)]
        for q, c in queries
    }
    fresh = fresh_retriever(retriever)  # an empty query cache: the threads really encode at once
    barrier = threading.Barrier(8)  # 48 queries on 8 workers: six rounds that start together

    def search(item: tuple[str, list[str] | None]) -> list[tuple[str, float, str]]:
        query, categories = item
        barrier.wait(timeout=60)
        return [(h.criterion_id, round(h.score, 6), h.text) for h in fresh.search(query, 5, categories)]

    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(search, queries))
    assert results == [expected[(q, tuple(c or ()))] for q, c in queries]
