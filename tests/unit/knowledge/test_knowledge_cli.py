"""``soc2-ready index | search | import-criteria`` through the real CLI entry point."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
import yaml
from fakes.messages import shows

from assessment.cli.main import main
from assessment.templates import render_message
from knowledge import Retriever


@pytest.fixture()
def data_dir(retriever: Retriever) -> Path:
    """The session's data directory, whose index the ``retriever`` fixture has already built."""
    assert retriever.data_dir is not None
    return retriever.data_dir


def test_search_json_lines(data_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--data-dir", str(data_dir), "search", "cc 6.1", "--k", "3", "--json"]) == 0
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert len(lines) == 3
    assert lines[0]["criterion_id"] == "CC6.1"
    assert set(lines[0]) == {"criterion_id", "score", "similarity", "text", "title", "source", "category"}
    assert [line["score"] for line in lines] == sorted((line["score"] for line in lines), reverse=True)


def test_search_table_and_category(data_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert (
        main(["--data-dir", str(data_dir), "search", "how do we handle a DSAR", "--category", "privacy"]) == 0
    )
    out = capsys.readouterr().out
    assert "P5.1" in out
    assert "CC6" not in out


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["search", "   "], "query is empty"),
        (["search", "mfa", "--k", "0"], "--k must be at least 1"),
        (["search", "mfa", "--category", "securty"], "--category takes names from"),
    ],
)
def test_bad_search_input_is_a_clear_error(
    data_dir: Path, capsys: pytest.CaptureFixture[str], argv: list[str], message: str
) -> None:
    assert main(["--data-dir", str(data_dir), *argv]) == 2
    err = capsys.readouterr().err
    assert message in err
    assert "Traceback" not in err


def test_index_reports_ready(data_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--data-dir", str(data_dir), "index"]) == 0
    assert "Index ready: 61 criteria" in capsys.readouterr().out


def test_import_of_wrong_file_exits_2_with_message(
    data_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    picture = tmp_path / "logo.png"
    picture.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)))
    assert main(["--data-dir", str(data_dir), "import-criteria", str(picture)]) == 2
    err = capsys.readouterr().err
    assert render_message("criteria_import_not_yaml", file="logo.png") in err
    assert "Traceback" not in err
    assert main(["--data-dir", str(data_dir), "import-criteria", str(tmp_path / "missing.yaml")]) == 2
    assert shows(capsys.readouterr().err, "criteria_import_unreadable")
    assert not (data_dir / "official_criteria.json").exists()


def test_import_then_search_shows_official_wording(
    data_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # A copy of the session's data directory, so the shared index is left untouched.
    own_dir = tmp_path / "data"
    shutil.copytree(data_dir, own_dir, ignore=shutil.ignore_patterns(".lock"))
    nodes = [
        {"ref_id": "CC6", "depth": 1, "name": "Invented group"},
        {"ref_id": "CC6.1", "depth": 2, "description": "The wombat entity fences its burrows with care."},
        {"ref_id": "CC6.1.1", "depth": 3, "description": "Counts Burrows — Each wombat burrow is counted."},
    ]
    library = tmp_path / "lib.yaml"
    library.write_text(
        yaml.safe_dump({"objects": {"framework": {"requirement_nodes": nodes}}}), encoding="utf-8"
    )
    assert main(["--data-dir", str(own_dir), "import-criteria", str(library)]) == 0
    assert "1 criteria and 1 points of focus" in capsys.readouterr().out
    assert main(["--data-dir", str(own_dir), "search", "CC6.1", "--k", "1", "--json"]) == 0
    hit = json.loads(capsys.readouterr().out.splitlines()[0])
    assert hit["criterion_id"] == "CC6.1"
    assert hit["source"] == "official"
    assert "wombat entity fences its burrows" in hit["text"]
