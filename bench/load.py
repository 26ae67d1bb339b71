"""Load test of the scale-out path: founders answering at a person's pace on two app replicas.

Starts, all on loopback and in a temporary directory: a PostgreSQL cluster (``initdb``/``pg_ctl``,
tests/fakes/pgserver.py), a Chroma server (``chroma run``, tests/fakes/chromaserver.py), fills the
Chroma server with the index once, then two ``streamlit run assessment/web/asgi.py`` replicas with the
same ``SOC2_READY_SESSION_DB_URL`` and ``SOC2_READY_CHROMA_URL`` (docs/deploy.md). ``--founders``
simulated founders (real Chromium pages, spread over a few browser contexts, half on each replica)
each start an interview scoped to Security and answer for ``--minutes``: type an answer,
wait for the reply, read and think 3-8 s (random), answer again. Every fifth founder moves to the other
replica half way (opens the same ``?sid=`` link there, as after a failover). Prints:

- lost answers: per founder, what was sent compared with the user turns the store holds at the end
  (missing, doubled or out of order); must be 0;
- server time from the replicas' timing logs (``SOC2_READY_TIMING_LOG``): ``turns`` is applying one
  batch of answers (engine + compare-and-set save), ``run`` every script run (a turn's run draws the
  page too); browser time per turn, from Enter to the reply on screen and the app idle;
- peak RSS per replica (``VmHWM`` in /proc) and of the Chroma server; CPU seconds of the replicas
  and of Chromium during the run, and the machine's load average (on a shared machine wall times
  grow with other people's load; the CPU figures much less).

    python bench/load.py [--minutes 5] [--founders 20] [--contexts 4] [--seed 7]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import statistics
import sys
import tempfile
import time
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from fakes.browser import CHROMIUM, CHROMIUM_ARGS, SETTLED, start_server, stop_server  # noqa: E402
from fakes.chromaserver import start_chroma  # noqa: E402
from fakes.pgserver import start_postgres  # noqa: E402
from load_figures import cpu_seconds, descendants_cpu, peak_rss_mb, read_timing, summary  # noqa: E402

CATEGORIES = ("Security",)  # 33 criteria: nobody finishes in 5 minutes; one pick keeps start-up cheap
SCOPE_PICKER = "I already know my scope (optional)"
CHAT_INPUT = "[data-testid='chatBoxTextArea'], [data-testid='stChatInputTextArea']"
ANSWERS = (
    "yes, everyone signs in through Okta with MFA",
    "partly, contractors are not covered yet",
    "no, we have not set that up",
    "not sure, I need to ask our CTO",
    "we do it informally, nothing is written down",
    "yes, reviewed every quarter by the engineering lead",
    "only in production, staging is open to the team",
    "we use AWS for that and follow their defaults",
    "yes, it is in our employee handbook and people sign it",
    "not applicable, we have no physical office",
    "about half of it, the rest is on the roadmap for Q3",
    "yes, alerts go to PagerDuty and someone is on call",
)
SIDE_QUESTIONS = ("what does CC6.1 mean?", "what is the difference between Type I and Type II?")
# True once the app is idle, the last founder bubble holds ``said`` and a reply follows it.
TURN_DONE = """([said]) => {
  const app = document.querySelector("[data-testid='stApp']");
  if (!app || app.getAttribute("data-test-script-state") !== "notRunning") return false;
  const messages = [...document.querySelectorAll("[data-testid='stChatMessage']")];
  const mine = messages.filter((m) => m.querySelector("[data-testid='stChatMessageAvatarUser']"));
  const last = messages[messages.length - 1];
  return mine.length > 0 && mine[mine.length - 1].innerText.includes(said)
    && !!last && !last.querySelector("[data-testid='stChatMessageAvatarUser']");
}"""
TURN_TIMEOUT_MS = 120_000
START_TIMEOUT_MS = 300_000  # the first page of a replica waits for its models to load
POLL_MS = 50
VIEWPORT = {"width": 1280, "height": 800}
BROWSER_PROCESSES = ("chrom", "node")  # Chromium's processes and Playwright's driver


@dataclass
class Founder:
    """One simulated founder: where they type, what they sent, what each turn took in the browser."""

    index: int
    replica: int
    sid: str = ""
    sent: list[str] = field(default_factory=list)
    browser_ms: list[float] = field(default_factory=list)
    timeouts: int = 0
    moved: bool = False
    error: str = ""


@dataclass(frozen=True)
class Replica:
    """A running replica: its URL, process id and timing log."""

    url: str
    pid: int
    timing_log: Path


def utterance(rng: random.Random, previous: str) -> str:
    """What a founder types next: mostly an answer, now and then a side question; never a repeat."""
    pool = SIDE_QUESTIONS if rng.random() < 0.1 else ANSWERS
    return rng.choice([text for text in pool if text != previous])


async def settled(page: Any, timeout_ms: float) -> None:
    """Wait until the app has finished its script run."""
    await page.wait_for_timeout(250)
    await page.wait_for_selector(SETTLED, timeout=timeout_ms)


async def open_interview(page: Any, url: str, shots: Path) -> None:
    """Open the app, choose the scope and start the interview (a screenshot if it fails)."""
    page.set_default_navigation_timeout(START_TIMEOUT_MS)  # a page's first load is slow on a busy machine
    page.set_default_timeout(TURN_TIMEOUT_MS)
    await page.goto(url)
    start = page.get_by_role("button", name="Start the interview")
    try:
        await start.wait_for(timeout=START_TIMEOUT_MS)
    except Exception:
        await page.screenshot(path=str(shots / f"no-start-button-{time.time():.0f}.png"))
        raise
    await settled(page, START_TIMEOUT_MS)
    await page.get_by_role("combobox", name=SCOPE_PICKER).click()
    for name in CATEGORIES:
        await page.get_by_role("option", name=name, exact=True).click()
    await page.keyboard.press("Escape")
    await settled(page, START_TIMEOUT_MS)
    await start.click()
    await page.locator(CHAT_INPUT).first.wait_for(timeout=START_TIMEOUT_MS)
    await settled(page, START_TIMEOUT_MS)


async def say(page: Any, founder: Founder, text: str, timeout_ms: float = TURN_TIMEOUT_MS) -> None:
    """Type ``text``, press Enter and wait for the reply; records what was sent and the browser time."""
    chat = page.locator(CHAT_INPUT).first
    await chat.fill(text)
    pressed = time.perf_counter()
    await chat.press("Enter")
    founder.sent.append(text)
    try:
        await page.wait_for_function(TURN_DONE, arg=[text], polling=POLL_MS, timeout=timeout_ms)
        founder.browser_ms.append((time.perf_counter() - pressed) * 1000)
    except Exception:  # Playwright's TimeoutError: counted; the store check says if the answer was kept
        founder.timeouts += 1


@dataclass(frozen=True)
class Plan:
    """What one load run does: the replicas, how long, how many browser contexts, the seed."""

    replicas: list[Replica]
    minutes: float
    contexts: int
    seed: int
    shots: Path  # screenshots of pages that failed to start
    chroma_pid: int
    loads: list[float] = field(default_factory=list)  # the 1-minute load average, every 10 s


async def sample_load(loads: list[float]) -> None:
    """Append the 1-minute load average every 10 s until cancelled."""
    while True:
        loads.append(os.getloadavg()[0])
        await asyncio.sleep(10)


async def run_founder(context: Any, founder: Founder, plan: Plan, deadline: float, delay: float) -> None:
    """One founder's whole session, until ``deadline`` (monotonic time)."""
    rng = random.Random(plan.seed * 1000 + founder.index)
    await asyncio.sleep(delay)
    page = await context.new_page()
    try:
        await open_interview(page, plan.replicas[founder.replica].url, plan.shots)
        founder.sid = page.url.split("sid=", 1)[1].split("&", 1)[0]
        halfway = time.monotonic() + (deadline - time.monotonic()) / 2
        previous = ""
        while time.monotonic() < deadline:
            if founder.index % 5 == 0 and not founder.moved and time.monotonic() >= halfway:
                # Failover: the same link on the other replica continues the same session.
                founder.moved, founder.replica = True, 1 - founder.replica
                await page.goto(f"{plan.replicas[founder.replica].url}/?sid={founder.sid}")
                await page.locator(CHAT_INPUT).first.wait_for(timeout=START_TIMEOUT_MS)
                await settled(page, START_TIMEOUT_MS)
            previous = utterance(rng, previous)
            await say(page, founder, previous)
            await asyncio.sleep(rng.uniform(3.0, 8.0))  # reads the reply, thinks, types
    except Exception as exc:  # report it with the figures instead of stopping the other founders
        founder.error = f"{type(exc).__name__}: {str(exc).splitlines()[0][:160]}"
    finally:
        await page.close()


async def warm_up(browser: Any, plan: Plan) -> int:
    """Start one interview and answer once on each replica (models load); returns the timeouts."""
    warm = await browser.new_context(viewport=VIEWPORT)
    warmers = [Founder(-1 - i, i) for i in range(len(plan.replicas))]
    pages = [await warm.new_page() for _ in plan.replicas]
    pairs = list(zip(pages, plan.replicas, warmers, strict=True))
    await asyncio.gather(*(open_interview(p, r.url, plan.shots) for p, r, _ in pairs))
    await asyncio.gather(*(say(p, w, ANSWERS[0], START_TIMEOUT_MS) for p, _, w in pairs))
    await warm.close()
    return sum(w.timeouts for w in warmers)


async def drive(plan: Plan, founders: list[Founder]) -> tuple[float, float]:
    """Warm both replicas up, then run every founder; returns the wall time the measured part began
    and the CPU seconds Chromium and Playwright's driver used meanwhile."""
    from playwright.async_api import async_playwright

    async with async_playwright() as pw:
        browser: Any = await pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            print(f"replicas warm ({await warm_up(browser, plan)} warm-up timeouts)", flush=True)
            began, browser_cpu = time.time(), descendants_cpu(BROWSER_PROCESSES)
            sampler = asyncio.create_task(sample_load(plan.loads))
            deadline = time.monotonic() + plan.minutes * 60
            pool = [await browser.new_context(viewport=VIEWPORT) for _ in range(plan.contexts)]
            stagger = min(20.0, plan.minutes * 6)  # founders arrive over the first ~20 s
            await asyncio.gather(
                *(
                    run_founder(
                        pool[f.index % plan.contexts], f, plan, deadline, stagger * f.index / len(founders)
                    )
                    for f in founders
                )
            )
            sampler.cancel()
            browser_cpu = descendants_cpu(BROWSER_PROCESSES) - browser_cpu
            for context in pool:
                await context.close()
        finally:
            await browser.close()
    return began, browser_cpu


def check_store(store_url: str, founders: list[Founder]) -> tuple[int, int, int, int]:
    """Compare what each founder sent with the store: (sent, lost, doubled, founders out of order)."""
    from assessment.interview.storage import SessionStore

    store = SessionStore(url=store_url)
    sent = lost = doubled = disordered = 0
    try:
        for founder in founders:
            sent += len(founder.sent)
            data = store.load(founder.sid) if founder.sid else None
            stored = [t["text"] for t in data["transcript"] if t["role"] == "user"] if data else []
            for text in set(founder.sent):
                lost += max(0, founder.sent.count(text) - stored.count(text))
                doubled += max(0, stored.count(text) - founder.sent.count(text))
            if stored != founder.sent and stored and sorted(stored) == sorted(founder.sent):
                disordered += 1
    finally:
        store.close()
    return sent, lost, doubled, disordered


def fill_index(chroma_url: str, data_dir: Path) -> float:
    """Build the criteria and basics collections on the Chroma server once; seconds it took."""
    os.environ["SOC2_READY_CHROMA_URL"] = chroma_url
    start = time.perf_counter()
    from knowledge import Retriever

    Retriever.load(data_dir, progress=False).search_basics("what is a SOC 2 report", k=1)
    del os.environ["SOC2_READY_CHROMA_URL"]
    return time.perf_counter() - start


def run(minutes: float, founders_n: int, contexts: int, seed: int, workdir: Path | None) -> int:
    """Start the servers, run the load, print the figures; 1 if an answer was lost or doubled."""
    with ExitStack() as stack:
        if workdir is None:
            base = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="soc2-bench-load-")))
        else:
            base = workdir.resolve()
            base.mkdir(parents=True, exist_ok=True)
        (base / "pg").mkdir()
        pg = start_postgres(base / "pg")
        chroma = start_chroma(base)
        if isinstance(pg, str) or isinstance(chroma, str):
            print(f"cannot start the servers: {pg if isinstance(pg, str) else chroma}", file=sys.stderr)
            return 2
        stack.callback(pg.stop)
        stack.callback(chroma.stop)
        print(f"PostgreSQL {pg.url}, Chroma {chroma.url}; filling the index...", flush=True)
        print(f"index on the Chroma server in {fill_index(chroma.url, base / 'fill'):.0f} s", flush=True)
        replicas = []
        for name in ("a", "b"):
            data_dir = base / f"replica-{name}"
            data_dir.mkdir()
            log = base / f"timing-{name}.log"
            env = {
                "SOC2_READY_SESSION_DB_URL": pg.url,
                "SOC2_READY_CHROMA_URL": chroma.url,
                "SOC2_READY_TIMING_LOG": str(log),
            }
            proc, url = start_server(data_dir, env)
            stack.callback(stop_server, proc)
            replicas.append(Replica(url, proc.pid, log))
        print("replicas: " + ", ".join(r.url for r in replicas), flush=True)
        founders = [Founder(i, i % 2) for i in range(founders_n)]
        plan = Plan(replicas, minutes, contexts, seed, base, chroma.proc.pid)
        cpu_before = [cpu_seconds(r.pid) for r in replicas]
        began, browser_cpu = asyncio.run(drive(plan, founders))
        time.sleep(2)  # a save still in flight lands before the check
        cpu = [cpu_seconds(r.pid) - before for r, before in zip(replicas, cpu_before, strict=True)]
        sent, lost, doubled, disordered = check_store(pg.url, founders)
        report(plan, founders, began, (sent, lost, doubled, disordered), [*cpu, browser_cpu])
        return 0 if lost == 0 and doubled == 0 else 1


def report(
    plan: Plan, founders: list[Founder], began: float, counts: tuple[int, int, int, int], cpu: list[float]
) -> None:
    """Print the figures."""
    sent, lost, doubled, disordered = counts
    timing: dict[str, list[tuple[float, float | None]]] = {}
    for replica in plan.replicas:
        for kind, values in read_timing(replica.timing_log, began).items():
            timing.setdefault(kind, []).extend(values)
    turns, runs = timing.get("turns", []), timing.get("run", [])
    loads = plan.loads or [os.getloadavg()[0]]
    lines = [
        f"\n{len(founders)} founders on {len(plan.replicas)} replicas for {plan.minutes:g} min "
        "(PostgreSQL + Chroma server, loopback)",
        f"answers sent {sent} ({sent / (plan.minutes * 60):.2f}/s): lost {lost}, doubled {doubled}, "
        f"founders with answers out of order {disordered}",
        f"turns without a reply within {TURN_TIMEOUT_MS // 1000} s: {sum(f.timeouts for f in founders)}; "
        f"founders moved to the other replica half way: {sum(f.moved for f in founders)}",
        *(f"  founder {f.index} stopped early: {f.error}" for f in founders if f.error),
        f"server time, turns (answers applied + compare-and-set save): {summary([ms for ms, _ in turns])}",
        f"  their server process CPU meanwhile: {summary([c for _, c in turns if c is not None])}",
        "server time, every script run (a turn's run also draws the page): "
        + summary([ms for ms, _ in runs]),
        f"  their server process CPU meanwhile: {summary([c for _, c in runs if c is not None])}",
        "browser time per turn (Enter to reply on screen, app idle): "
        + summary([ms for f in founders for ms in f.browser_ms]),
        *(
            f"replica {name}: peak RSS {peak_rss_mb(r.pid):.0f} MB, CPU {seconds:.0f} s during the run"
            for name, r, seconds in zip("AB", plan.replicas, cpu, strict=False)
        ),
        f"replicas' CPU per answer sent: {1000 * sum(cpu[:2]) / max(1, sent):.0f} ms; Chromium and "
        f"Playwright: CPU {cpu[2]:.0f} s during the run",
        f"Chroma server: peak RSS {peak_rss_mb(plan.chroma_pid):.0f} MB",
        f"load average (1 min) during the run, {os.cpu_count()} CPUs: mean {statistics.mean(loads):.1f}, "
        f"max {max(loads):.1f}",
    ]
    print("\n".join(lines))


def main() -> int:
    """Parse arguments and run the load test."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=5.0, help="how long the founders answer")
    parser.add_argument("--founders", type=int, default=20, help="simulated founders")
    parser.add_argument("--contexts", type=int, default=4, help="browser contexts the pages share")
    parser.add_argument("--seed", type=int, default=7, help="seed of the answers and think times")
    parser.add_argument("--workdir", type=Path, default=None, help="keep logs here (default: a temp dir)")
    args = parser.parse_args()
    if not CHROMIUM.exists():
        print(f"needs {CHROMIUM} (apt-get install chromium)", file=sys.stderr)
        return 2
    if not 0 < args.minutes <= 60 or not 0 < args.founders <= 100 or args.contexts < 1:
        print("bounded: --minutes in (0, 60], --founders in 1..100, --contexts >= 1", file=sys.stderr)
        return 2
    return run(args.minutes, args.founders, args.contexts, args.seed, args.workdir)


if __name__ == "__main__":
    sys.exit(main())
