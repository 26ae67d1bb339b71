"""``soc2-ready --help`` and ``report`` of a saved session never load torch, Chroma or LangChain.

Each check runs the CLI in-process in a fresh interpreter (a subprocess), so modules other tests
imported do not count.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from assessment.interview.engine import Interview

HEAVY = ("torch", "chromadb", "langchain", "langchain_core", "langchain_chroma", "sentence_transformers")
PROBE = """
import json, sys
from assessment.cli.main import main
try:
    code = main(sys.argv[1:])
except SystemExit as done:
    code = done.code
print(json.dumps({"code": code, "loaded": sorted(m for m in HEAVY if m in sys.modules)}))
"""


def _loaded_after(argv: list[str], cwd: Path) -> tuple[int, list[str]]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SOC2_READY_")}
    env["SOC2_READY_DATA_DIR"] = str(cwd / "data")  # no imported official wording: no index needed
    code = f"HEAVY = {HEAVY!r}\n{PROBE}"
    done = subprocess.run(
        [sys.executable, "-c", code, *argv], cwd=cwd, env=env, capture_output=True, text=True, check=True
    )
    result = json.loads(done.stdout.strip().splitlines()[-1])
    return int(result["code"] or 0), list(result["loaded"])


@pytest.fixture(scope="module")
def saved_session(tmp_path_factory: pytest.TempPathFactory) -> Path:
    interview = Interview(scope={"security"})
    for _ in range(5):
        question = interview.next_question()
        assert question is not None
        interview.answer("partly, only for admins")
    path = tmp_path_factory.mktemp("lazy") / "S.json"
    path.write_text(json.dumps(interview.to_dict()), encoding="utf-8")
    return path


def test_help_loads_no_retrieval_stack(tmp_path: Path) -> None:
    code, loaded = _loaded_after(["--help"], tmp_path)
    assert code == 0 and loaded == []


@pytest.mark.parametrize("fmt", ["md", "json", "pdf"])
def test_report_of_a_saved_session_loads_no_retrieval_stack(saved_session: Path, fmt: str) -> None:
    out = saved_session.with_name(f"report.{fmt}")
    code, loaded = _loaded_after(
        ["report", str(saved_session), "--format", fmt, "-o", str(out)], saved_session.parent
    )
    assert code == 0 and out.stat().st_size > 1000
    assert "torch" not in loaded and "chromadb" not in loaded
    assert loaded == []
