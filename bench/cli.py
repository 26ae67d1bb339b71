"""Start-up cost of the ``soc2-ready`` command: ``--help`` and ``report`` of a saved session.

Targets on this machine: ``--help`` and ``report`` in md/html/json <= 0.8 s, PDF <= 1.5 s (wall
time of the whole process, as a user sees it). Run: ``.venv/bin/python bench/cli.py [--runs 5]``.

The session is a full interview over all five categories, answered to the end through the engine
and saved as SESSION.json, exactly what ``interview --save`` writes. Each command runs in a fresh
process from a temporary directory, offline, without the knowledge index (``--no-index`` is not
needed: no official wording is imported in the bench's empty data directory). Printed per command:
the median wall time, the median CPU time (user + system, less sensitive to other load on the
machine) and whether torch, Chroma or matplotlib was imported.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from assessment.interview.engine import Interview

TARGETS = {"help": 0.8, "md": 0.8, "html": 0.8, "json": 0.8, "pdf": 1.5}
ANSWERS = ("yes, enforced in Okta", "partly, contractors are not covered", "no", "not sure", "yes")
CATEGORIES = {"security", "availability", "processing_integrity", "confidentiality", "privacy"}
# Run the CLI in a child interpreter and report, on stderr, which heavy modules got imported.
RUNNER = (
    "import sys\n"
    "from assessment.cli.main import main\n"
    "try:\n"
    "    code = main(sys.argv[1:])\n"
    "except SystemExit as done:\n"
    "    code = done.code\n"
    "heavy = sorted(m for m in ('torch', 'chromadb', 'langchain_core', 'sentence_transformers', "
    "'matplotlib') if m in sys.modules)\n"
    "print('HEAVY=' + ','.join(heavy), file=sys.stderr)\n"
    "sys.exit(code)\n"
)


@dataclass(frozen=True)
class Timing:
    """Median wall and CPU seconds of one command, and the heavy modules it imported."""

    wall: float
    cpu: float
    heavy: str


def write_session(path: Path) -> int:
    """Play a full five-category interview to the end and save it; returns the number of answers."""
    interview = Interview(scope=set(CATEGORIES))
    for turn in range(400):
        question = interview.next_question()
        if question is None:
            break
        if question.kind != "scored" and question.options:
            interview.answer(question.options[0])
        else:
            interview.answer(ANSWERS[turn % len(ANSWERS)])
    path.write_text(json.dumps(interview.to_dict()), encoding="utf-8")
    return len(interview.report().answers)


def run_once(args: list[str], cwd: Path, env: dict[str, str]) -> tuple[float, float, str]:
    """Wall and CPU seconds of one ``soc2-ready ARGS`` process, and its heavy imports."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", RUNNER, *args], cwd=cwd, env=env, capture_output=True, text=True, check=False
    )
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        raise SystemExit(f"soc2-ready {' '.join(args)} failed ({done.returncode}):\n{done.stderr}")
    heavy = next((line[6:] for line in done.stderr.splitlines() if line.startswith("HEAVY=")), "?")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu, heavy


def measure(args: list[str], cwd: Path, env: dict[str, str], runs: int) -> Timing:
    """Median over ``runs`` fresh processes (after one warm-up run that fills the OS file cache)."""
    run_once(args, cwd, env)
    samples = [run_once(args, cwd, env) for _ in range(runs)]
    return Timing(
        statistics.median(s[0] for s in samples), statistics.median(s[1] for s in samples), samples[-1][2]
    )


def main() -> int:
    """Print the timings; exit 1 if a median wall time misses its target."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="processes per command (median is printed)")
    options = parser.parse_args()
    project = Path(__file__).resolve().parent.parent
    with tempfile.TemporaryDirectory(prefix="soc2-bench-") as tmp:
        work = Path(tmp)
        env = dict(os.environ)
        env.update(
            SOC2_READY_DATA_DIR=str(work / "data"),
            PYTHONPATH=str(project),
            HF_HUB_OFFLINE="1",
            TRANSFORMERS_OFFLINE="1",
            ANONYMIZED_TELEMETRY="False",
        )
        env.pop("SOC2_READY_LLM", None)
        # As on a user's machine, modules run from cached bytecode (the warm-up run writes it); a
        # shell with PYTHONDONTWRITEBYTECODE would recompile ~80 modules per process (~0.12 s).
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        answered = write_session(work / "SESSION.json")
        print(f"session: five categories, {answered} answers; {options.runs} runs per command")
        commands: dict[str, list[str]] = {"help": ["--help"]}
        for fmt in ("md", "html", "json", "pdf"):
            commands[fmt] = ["report", "SESSION.json", "--format", fmt, "-o", f"out.{fmt}"]
        missed = 0
        for name, args in commands.items():
            timing = measure(args, work, env, options.runs)
            verdict = "ok" if timing.wall <= TARGETS[name] else "SLOW"
            missed += verdict != "ok"
            label = "--help" if name == "help" else f"report --format {name}"
            print(
                f"{label:22s} wall {timing.wall:5.2f} s  cpu {timing.cpu:5.2f} s  "
                f"target {TARGETS[name]:.1f} s  {verdict:4s}  heavy imports: {timing.heavy or 'none'}"
            )
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
