"""``soc2-ready interview`` killed mid-chat keeps every answer but the one in flight.

Before, the CLI saved only on Ctrl-C or end of input: SIGHUP (terminal closed), SIGTERM or SIGKILL
after five answers left no session file at all. Now it saves atomically after every answer.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from assessment.interview.engine import Interview

ROOT = Path(__file__).resolve().parents[2]
ANSWERS = [
    "yes, via Okta for everyone",
    "no, not yet",
    "we do that quarterly with tickets",
    "not sure",
    "partly: only production, not staging",
    "yes",
]
TIMEOUT_S = 120


def _user_turns(path: Path) -> list[str]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (FileNotFoundError, json.JSONDecodeError):
        return []
    return [turn["text"] for turn in data["transcript"] if turn["role"] == "user"]


def _wait_for(path: Path, count: int, proc: subprocess.Popen[str]) -> None:
    deadline = time.monotonic() + TIMEOUT_S
    while len(_user_turns(path)) < count:
        assert proc.poll() is None, f"the CLI exited early with {proc.returncode}"
        assert time.monotonic() < deadline, f"answer {count} never reached {path}"
        time.sleep(0.05)


@pytest.mark.slow  # a CLI process per signal, killed mid-interview
@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGTERM, signal.SIGHUP])
def test_cli_killed_after_five_answers_keeps_them(tmp_path: Path, sig: signal.Signals) -> None:
    save = tmp_path / "session.json"
    env = {**os.environ, "PYTHONPATH": str(ROOT), "SOC2_READY_DATA_DIR": str(tmp_path / "data")}
    env.pop("SOC2_READY_LLM", None)
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "assessment.cli.main",
            "interview",
            "--scope",
            "security",
            "--save",
            str(save),
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        cwd=tmp_path,
    )
    assert proc.stdin is not None
    try:
        for n, said in enumerate(ANSWERS[:5], start=1):
            proc.stdin.write(f"{said}\n")
            proc.stdin.flush()
            _wait_for(save, n, proc)  # answer n is on disk before answer n+1 is typed
        proc.send_signal(sig)
        proc.wait(timeout=TIMEOUT_S)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert _user_turns(save) == ANSWERS[:5]
    Interview.from_dict(json.loads(save.read_text(encoding="utf-8")))  # resumable
    if sig != signal.SIGKILL:
        assert proc.returncode == 128 + sig  # handled: saved once more and left cleanly
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".session-")] == []


def test_failed_save_leaves_no_temp_file(tmp_path: Path) -> None:
    from assessment.interview.session_file import save_session

    iv = Interview(scope={"security"})
    iv.answer("Company name is \ud800 Ltd")  # a lone surrogate the engine must have cleaned
    save_session(iv, tmp_path / "ok.json")
    assert "\ufffd" in (tmp_path / "ok.json").read_text(encoding="utf-8")

    class Unsaveable:
        def to_dict(self) -> dict[str, object]:
            return {"bad": "\udc80"}  # cannot be encoded as UTF-8: the write fails

    with pytest.raises(UnicodeEncodeError):
        save_session(Unsaveable(), tmp_path / "bad.json")  # type: ignore[arg-type]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["ok.json"]
