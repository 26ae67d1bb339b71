"""The built wheel installs into a fresh virtualenv and runs outside the checkout.

Builds the wheel from a copy of the sources, installs it (without dependencies) into a new venv
that reuses the project venv's installed packages, then runs ``soc2-ready interview --answers`` and
``soc2-ready report`` in every format from a temporary directory. Any file the code reads from the
repository instead of the package fails here. Offline: nothing is downloaded.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("assessment", "knowledge", "prompts")
ANSWERS = (
    "3",
    "AWS",
    "no",
    "yes",
    "no",
    "yes, we store customer emails",
    "yes",
    "partly",
    "no",
    "not sure",
    "yes, enforced in Okta",
    "partly, contractors are not covered",
    "no",
    "yes",
)
pytestmark = pytest.mark.slow


def _run(args: list[str | Path], cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(
        [str(a) for a in args], cwd=cwd, env=env, capture_output=True, text=True, timeout=600, check=False
    )
    assert done.returncode == 0, f"{args} failed ({done.returncode}):\n{done.stdout}\n{done.stderr}"
    return done


def _clean_env(data_dir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SOC2_READY_") and k != "PYTHONPATH"}
    env.update(
        SOC2_READY_DATA_DIR=str(data_dir),
        HF_HUB_OFFLINE="1",
        TRANSFORMERS_OFFLINE="1",
        ANONYMIZED_TELEMETRY="False",
        PIP_NO_INDEX="1",
        PIP_DISABLE_PIP_VERSION_CHECK="1",
    )
    return env


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The wheel built from a copy of the sources (the checkout itself is left untouched)."""
    base = tmp_path_factory.mktemp("wheel")
    source = base / "src"
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", "*.egg-info")
    for package in PACKAGES:
        shutil.copytree(ROOT / package, source / package, ignore=ignore)
    for name in ("pyproject.toml", "README.md"):
        shutil.copy2(ROOT / name, source / name)
    env = _clean_env(base / "data")
    _run(
        [sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "--no-build-isolation", "-w", base, source],
        base,
        env,
    )
    (built,) = base.glob("soc2_ready-*.whl")
    return built


@pytest.fixture(scope="module")
def venv(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh venv with the wheel installed; the dependencies come from the project venv."""
    target = tmp_path_factory.mktemp("venv") / "v"
    env = _clean_env(target.parent / "data")
    _run([sys.executable, "-m", "venv", "--without-pip", target], target.parent, env)
    python = target / "bin" / "python"
    purelib = _run(
        [python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"], target.parent, env
    ).stdout.strip()
    # A plain path line: the project venv's own .pth files (its editable install) are not read.
    (Path(purelib) / "project-deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n", encoding="utf-8")
    _run(
        [sys.executable, "-m", "pip", "--python", python, "install", "-q", "--no-deps", "--no-index", wheel],
        target.parent,
        env,
    )
    return target


def test_the_wheel_holds_every_data_file_of_the_packages(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    wanted = {
        path.relative_to(ROOT).as_posix()
        for package in PACKAGES
        for path in (ROOT / package).rglob("*")
        if path.is_file() and path.suffix not in (".py", ".pyc") and "__pycache__" not in path.parts
    }
    assert wanted, "no data files found in the sources"
    assert sorted(wanted - names) == []
    assert "prompts/__init__.py" in names and "prompts/cli.yaml" in names
    assert not any(name.startswith("tests/") for name in names)


def test_installed_cli_runs_interview_and_every_report_outside_the_checkout(
    venv: Path, tmp_path: Path
) -> None:
    work = tmp_path / "work"
    work.mkdir()
    env = _clean_env(tmp_path / "data")
    python, cli = venv / "bin" / "python", venv / "bin" / "soc2-ready"
    where = _run(
        [python, "-c", "import assessment, prompts; print(assessment.__file__, prompts.__file__)"], work, env
    )
    assert str(ROOT) not in where.stdout and str(venv) in where.stdout

    answers = work / "answers.jsonl"
    answers.write_text("\n".join(json.dumps(a) for a in ANSWERS) + "\n", encoding="utf-8")
    _run([cli, "interview", "--answers", answers.name, "--save", "S.json"], work, env)
    session = json.loads((work / "S.json").read_text(encoding="utf-8"))
    assert session["events"], "the scripted answers were not recorded"

    for fmt in ("md", "html", "json", "pdf"):
        _run([cli, "report", "S.json", "--format", fmt, "-o", f"r.{fmt}"], work, env)
        assert (work / f"r.{fmt}").stat().st_size > 1000
    assert (work / "r.pdf").read_bytes().startswith(b"%PDF-")
    report = json.loads((work / "r.json").read_text(encoding="utf-8"))
    assert report["answers"] and report["scores"]["categories"]
    assert _run([cli, "--help"], work, env).stdout.startswith("usage: soc2-ready")
