"""Benchmark a chat turn in the browser with a long chat; prints figures, asserts nothing.

Starts the app (``streamlit run``, headless, usage statistics off, a temporary data dir, on a free
port), drives Debian's Chromium with Playwright, fills the chat to ``--messages`` chat messages by
typing answers and side questions at a person's pace, then measures ``--turns`` more turns:

- server time: the sum of the durations of the script runs a turn caused (full runs and fragment
  reruns), from the app's timing log (``SOC2_READY_TIMING_LOG``); also split into the time the
  turn spent answering (engine and save) and the rest (drawing the page);
- browser time: from pressing Enter until the reply is on screen and the app is idle.

Target (issue 11): a turn takes <= 300 ms of server time with 150 messages in the chat.

    python bench/turns.py [--messages 150] [--turns 20] [--index-from DATA_DIR] [--app app.py]

``--index-from`` copies an already built index (a data dir) instead of building one first.
"""

from __future__ import annotations

import argparse
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-background-networking"]
CATEGORIES = ("Security", "Availability", "Processing integrity", "Confidentiality", "Privacy")
ANSWERS = (
    "yes, we do that and keep records",
    "partly, not for contractors yet",
    "we do it informally, nothing written down",
    "yes, reviewed every quarter",
)
SIDE_QUESTIONS = ("what does CC6.1 mean?", "what is the difference between Type I and Type II?")
CHAT_INPUT = "[data-testid='stChatInputTextArea']"  # st.chat_input's, and the chat box's too
# True once the app is idle and the last message is a reply to a founder message holding `said`.
TURN_DONE = """([said]) => {
  const app = document.querySelector("[data-testid='stApp']");
  if (!app || app.getAttribute("data-test-script-state") !== "notRunning") return false;
  const messages = [...document.querySelectorAll("[data-testid='stChatMessage']")];
  const isMine = (m) => !!m.querySelector("[data-testid='stChatMessageAvatarUser']");
  const last = messages[messages.length - 1];
  const mine = messages.filter(isMine);
  return !!last && !isMine(last) && mine.length > 0 && mine[mine.length - 1].innerText.includes(said);
}"""
STARTUP_TIMEOUT_S = 180
TURN_TIMEOUT_MS = 120_000
SETTLE_MS = 250  # after a turn looks done, wait this long for runs it still caused (e.g. a rerun)


@dataclass(frozen=True)
class Run:
    """One line of the app's timing log."""

    ended: float
    what: str
    ms: float
    outcome: str
    cpu_ms: float | None  # CPU time of the server process meanwhile (None: an older log without it)


@dataclass(frozen=True)
class Turn:
    """What one measured turn cost."""

    server_ms: float
    answering_ms: float
    server_cpu_ms: float | None
    answering_cpu_ms: float | None
    runs: int
    browser_ms: float


def free_port() -> int:
    """A free TCP port on localhost."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def read_runs(path: Path) -> list[Run]:
    """The timing log's lines so far."""
    if not path.exists():
        return []
    runs = []
    for line in path.read_text(encoding="utf-8").splitlines():
        parts = line.split("\t")
        if len(parts) in (4, 5):
            cpu = float(parts[4]) if len(parts) == 5 else None
            runs.append(Run(float(parts[0]), parts[1], float(parts[2]), parts[3], cpu))
    return runs


def prepare_data_dir(target: Path, index_from: Path | None) -> None:
    """Put a built index into ``target``: a copy of ``index_from``, or build one now."""
    if index_from is not None:
        shutil.copytree(
            index_from, target, dirs_exist_ok=True, ignore=shutil.ignore_patterns("sessions.db*", "*.log")
        )
        return
    print("building the index (once; pass --index-from DATA_DIR to reuse one)...", flush=True)
    env = {**os.environ, "SOC2_READY_DATA_DIR": str(target)}
    subprocess.run([sys.executable, "-m", "assessment.cli.main", "index"], cwd=ROOT, env=env, check=True)


@contextmanager
def app_server(app: Path, data_dir: Path, timing_log: Path) -> Iterator[str]:
    """``streamlit run app`` on a free port over ``data_dir``; yields its URL."""
    port = free_port()
    env = {
        **os.environ,
        "SOC2_READY_DATA_DIR": str(data_dir),
        "SOC2_READY_TIMING_LOG": str(timing_log),
        "HF_HUB_OFFLINE": "1",
        "TRANSFORMERS_OFFLINE": "1",
        "ANONYMIZED_TELEMETRY": "False",
    }
    for name in ("SOC2_READY_SESSION_DB_URL", "SOC2_READY_LLM"):
        env.pop(name, None)
    command = [sys.executable, "-m", "streamlit", "run", str(app), "--server.headless", "true"]
    command += ["--server.port", str(port), "--server.address", "127.0.0.1"]
    command += ["--browser.gatherUsageStats", "false"]
    log_path = data_dir / "streamlit.log"
    with log_path.open("wb") as log:
        proc = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + STARTUP_TIMEOUT_S
        while True:
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"streamlit did not start:\n{log_path.read_text()[-3000:]}")
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                    if response.status == 200:
                        break
            except OSError:
                time.sleep(0.5)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()


def say(page: Any, said: str, timing_log: Path) -> Turn:
    """Type ``said``, press Enter, wait for the reply; what the turn cost.

    Consecutive utterances differ, so the reply is known to have come once the last founder message
    holds ``said`` and a reply follows it.
    """
    chat = page.locator(CHAT_INPUT).first
    chat.fill(said)
    pressed_wall, pressed = time.time(), time.perf_counter()
    chat.press("Enter")
    page.wait_for_function(TURN_DONE, arg=[said], polling="raf", timeout=TURN_TIMEOUT_MS)
    browser_ms = (time.perf_counter() - pressed) * 1000
    page.wait_for_timeout(SETTLE_MS)
    page.wait_for_function(TURN_DONE, arg=[said], polling="raf", timeout=TURN_TIMEOUT_MS)
    runs = [r for r in read_runs(timing_log) if r.ended >= pressed_wall]
    pages, answering = [r for r in runs if r.what != "turns"], [r for r in runs if r.what == "turns"]
    with_cpu = all(r.cpu_ms is not None for r in runs)
    return Turn(
        server_ms=sum(r.ms for r in pages),
        answering_ms=sum(r.ms for r in answering),
        server_cpu_ms=sum(r.cpu_ms or 0.0 for r in pages) if with_cpu else None,
        answering_cpu_ms=sum(r.cpu_ms or 0.0 for r in answering) if with_cpu else None,
        runs=len(pages),
        browser_ms=browser_ms,
    )


# Bubbles on the page plus the count in the "earlier messages (N)" expander, when older ones fold away.
CHAT_MESSAGES = """() => {
  const outside = (e) => !e.closest("[data-testid='stSidebar']");
  const shown = [...document.querySelectorAll("[data-testid='stChatMessage']")].filter(outside).length;
  let folded = 0;
  for (const summary of document.querySelectorAll("[data-testid='stExpander'] summary")) {
    const match = outside(summary) && summary.innerText.match(/\\((\\d+)\\)/);
    if (match) folded = Math.max(folded, Number(match[1]));
  }
  return shown + folded;
}"""


def chat_messages(page: Any) -> int:
    """How many chat messages the page holds, folded-away ones included."""
    return int(page.evaluate(CHAT_MESSAGES))


def utterance(n: int) -> str:
    """The n-th thing the simulated founder types: mostly answers, every third a side question."""
    if n % 3 == 2:
        return SIDE_QUESTIONS[(n // 3) % len(SIDE_QUESTIONS)]
    return ANSWERS[n % len(ANSWERS)]


def start_interview(page: Any) -> None:
    """Pick every category as the scope and start."""
    from playwright.sync_api import expect

    start = page.get_by_role("button", name="Start the interview")
    expect(start).to_be_visible(timeout=TURN_TIMEOUT_MS)
    page.get_by_role("combobox", name="I already know my scope (optional)").click()
    for name in CATEGORIES:
        page.get_by_role("option", name=name, exact=True).click()
    page.keyboard.press("Escape")
    start.click()
    expect(page.locator(CHAT_INPUT).first).to_be_visible(timeout=TURN_TIMEOUT_MS)


def percentile(values: list[float], fraction: float) -> float:
    """The ``fraction`` quantile (nearest rank)."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(fraction * len(ordered) + 0.5) - 1))]


def summary(name: str, values: list[float]) -> str:
    """``name: median X ms, p95 Y ms (min, max)``."""
    return (
        f"{name}: median {statistics.median(values):.0f} ms, p95 {percentile(values, 0.95):.0f} ms "
        f"(min {min(values):.0f}, max {max(values):.0f})"
    )


def run_bench(app: Path, messages: int, turns: int, index_from: Path | None) -> None:
    """Fill the chat, measure the turns, print the figures."""
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory(prefix="soc2-bench-turns-") as tmp:
        data_dir = Path(tmp) / "data"
        data_dir.mkdir()
        prepare_data_dir(data_dir, index_from)
        timing_log = Path(tmp) / "timing.log"
        with app_server(app, data_dir, timing_log) as url, sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            try:
                page = browser.new_page(viewport={"width": 1280, "height": 900})
                page.set_default_timeout(TURN_TIMEOUT_MS)
                page.goto(url)
                start_interview(page)
                n = 0
                filled = time.perf_counter()
                while (total := chat_messages(page)) < messages:
                    say(page, utterance(n), timing_log)
                    n += 1
                took = time.perf_counter() - filled
                print(f"filled the chat to {total} messages in {n} turns ({took:.0f} s)", flush=True)
                measured = [say(page, utterance(n + k), timing_log) for k in range(turns)]
                total = chat_messages(page)
                shown = page.locator("[data-testid='stChatMessage']").count()
            finally:
                browser.close()
        runs = read_runs(timing_log)
    print(f"measured {turns} turns, from {messages}+ to {total} messages in the chat ({shown} as bubbles)")
    print(summary("server time per turn", [t.server_ms for t in measured]))
    print(summary("  answering (engine + save)", [t.answering_ms for t in measured]))
    print(summary("  drawing the page", [t.server_ms - t.answering_ms for t in measured]))
    if all(t.server_cpu_ms is not None for t in measured):
        print(summary("server CPU time per turn", [t.server_cpu_ms or 0.0 for t in measured]))
        print(summary("  answering (engine + save)", [t.answering_cpu_ms or 0.0 for t in measured]))
        drawing = [(t.server_cpu_ms or 0.0) - (t.answering_cpu_ms or 0.0) for t in measured]
        print(summary("  drawing the page", drawing))
    print(f"  script runs per turn: {statistics.mean(t.runs for t in measured):.2f}")
    print(f"load average at the end: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    print(summary("browser time per turn", [t.browser_ms for t in measured]))
    kinds = sorted({r.what for r in runs})
    print("all runs by kind: " + ", ".join(f"{k} x{sum(1 for r in runs if r.what == k)}" for k in kinds))


def main() -> int:
    """Parse arguments and run the benchmark."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=150, help="chat messages before measuring")
    parser.add_argument("--turns", type=int, default=20, help="turns to measure")
    parser.add_argument("--app", type=Path, default=ROOT / "app.py", help="the Streamlit script")
    parser.add_argument("--index-from", type=Path, default=None, help="a data dir with a built index")
    args = parser.parse_args()
    if not Path(CHROMIUM).exists():
        print(f"needs {CHROMIUM} (apt-get install chromium)", file=sys.stderr)
        return 2
    run_bench(args.app.resolve(), args.messages, args.turns, args.index_from)
    return 0


if __name__ == "__main__":
    sys.exit(main())
