"""Hostile files (issue 15, item 10): each ends in a clear refusal, in bounded time and memory.

Criteria imports (``soc2-ready import-criteria``): deeply nested YAML, YAML alias bombs, a 25 MB
YAML and an endless file, a decompression-bomb PDF, PDFs with millions of text operations or too
many pages. Evidence imports (``soc2-ready import-evidence``, the app's upload): deeply nested JSON.
A read-only index directory still serves the report's passages. Every hostile file is built in code.
"""

from __future__ import annotations

import json
import os
import shutil
import stat
import subprocess
import sys
import textwrap
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml
from fakes.hostile_files import (
    alias_bomb_yaml,
    bomb_pdf,
    deep_yaml,
    flat_yaml,
    raw_pdf,
    run_measured,
    text_ops_pdf,
    write_flat_yaml,
)

from assessment.cli.main import main
from assessment.evidence import EvidenceError, read_scan
from assessment.templates import render_message
from knowledge import CriteriaImportError, parse_official

ROOT = Path(__file__).resolve().parents[2]

# A child process imports one file and prints what happened as one JSON line.
_IMPORT_CHILD = textwrap.dedent(
    """
    import json, sys
    from pathlib import Path
    from knowledge.importer import CriteriaImportError, parse_official
    try:
        official = parse_official(Path(sys.argv[1]))
        print(json.dumps({"entries": len(official.entries)}))
    except CriteriaImportError as exc:
        print(json.dumps({"key": exc.key, "message": str(exc)}))
    """
)


def _child_env(**settings: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SOC2_READY_")}
    env.update({f"SOC2_READY_{k.upper()}": v for k, v in settings.items()})
    env["PYTHONPATH"] = str(ROOT)
    return env


def _import_in_child(path: Path, **settings: str) -> tuple[dict[str, object], float, float]:
    """Import ``path`` in a fresh process: (its JSON result, wall seconds, peak RSS in MB)."""
    measured = run_measured([sys.executable, "-c", _IMPORT_CHILD, str(path)], env=_child_env(**settings))
    assert measured.returncode == 0, f"child failed ({measured.returncode}): {measured.stderr[-2000:]}"
    assert "Traceback" not in measured.stderr
    return json.loads(measured.stdout.strip().splitlines()[-1]), measured.seconds, measured.peak_mb


def _refusal(path: Path) -> CriteriaImportError:
    with pytest.raises(CriteriaImportError) as info:
        parse_official(path)
    assert str(info.value).startswith(path.name), "the refusal names the file"
    return info.value


def _write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


# --- YAML -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "data",
    [deep_yaml(100_000), deep_yaml(20_000, mapping=True), deep_yaml(65)],
    ids=["list-100000", "mapping-20000", "list-65"],
)
def test_deeply_nested_yaml_is_refused_naming_the_file(tmp_path: Path, data: bytes) -> None:
    error = _refusal(_write(tmp_path / "nested.yaml", data))
    assert error.key == "criteria_import_yaml_too_deep"
    assert str(error) == render_message(error.key, **error.values)


def test_nesting_a_real_library_uses_is_accepted(tmp_path: Path) -> None:
    nodes = [{"ref_id": "CC6.1", "description": "Invented wording about gadgets.", "extra": [[[["x"]]]]}]
    library = {"objects": {"framework": {"requirement_nodes": nodes}}}
    official = parse_official(_write(tmp_path / "lib.yaml", yaml.safe_dump(library).encode()))
    assert official.texts() == {"CC6.1": "Invented wording about gadgets."}


def test_yaml_alias_bomb_is_refused(tmp_path: Path) -> None:
    error = _refusal(_write(tmp_path / "laughs.yaml", alias_bomb_yaml(levels=9, width=10)))
    assert error.key == "criteria_import_yaml_aliases"


def test_yaml_with_too_many_values_is_refused(tmp_path: Path) -> None:
    error = _refusal(_write(tmp_path / "flat.yaml", flat_yaml(4_000_000)))
    assert error.key == "criteria_import_yaml_too_many_values"


def test_yaml_size_limit_is_a_setting_named_in_the_refusal(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    nodes = [{"ref_id": "CC6.1", "description": "Invented wording about gadgets " * 40}]
    path = _write(
        tmp_path / "lib.yaml",
        yaml.safe_dump({"objects": {"framework": {"requirement_nodes": nodes}}}).encode(),
    )
    monkeypatch.setenv("SOC2_READY_MAX_CRITERIA_YAML_BYTES", "1000")
    error = _refusal(path)
    assert error.key == "criteria_import_too_large"
    assert error.values["setting"] == "SOC2_READY_MAX_CRITERIA_YAML_BYTES"
    assert error.values["limit"] == "1,000"
    assert "SOC2_READY_MAX_CRITERIA_YAML_BYTES" in str(error)
    monkeypatch.setenv("SOC2_READY_MAX_CRITERIA_YAML_BYTES", "100000")
    assert "CC6.1" in parse_official(path).texts()


@pytest.mark.slow
def test_a_25_mb_yaml_is_refused_in_bounded_memory(tmp_path: Path) -> None:
    path = write_flat_yaml(tmp_path / "huge.yaml", 25_000_000)
    result, seconds, peak_mb = _import_in_child(path)
    assert result["key"] == "criteria_import_too_large"
    assert peak_mb < 1024, f"peak RSS {peak_mb:.0f} MB"
    assert seconds < 60


@pytest.mark.slow
def test_a_yaml_at_the_size_limit_is_refused_in_bounded_memory(tmp_path: Path) -> None:
    path = write_flat_yaml(tmp_path / "flat.yaml", 4_900_000)  # just under the 5 MB default
    result, _, peak_mb = _import_in_child(path)
    assert result["key"] == "criteria_import_yaml_too_many_values"
    assert peak_mb < 1024, f"peak RSS {peak_mb:.0f} MB"


@pytest.mark.slow
@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="no /dev/zero")
def test_an_endless_file_is_refused_without_reading_it_all() -> None:
    result, _, peak_mb = _import_in_child(Path("/dev/zero"))
    assert result["key"] == "criteria_import_too_large"
    assert peak_mb < 1024, f"peak RSS {peak_mb:.0f} MB"


def test_cli_import_of_nested_yaml_exits_2_with_the_message(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _write(tmp_path / "nested.yaml", deep_yaml(50_000))
    code = main(["--data-dir", str(tmp_path / "data"), "import-criteria", str(path)])
    err = capsys.readouterr().err
    assert code == 2
    expected = render_message("criteria_import_yaml_too_deep", file="nested.yaml", limit=64)
    assert err.strip() == render_message("error", filename="cli.yaml", reason=expected)
    assert not (tmp_path / "data" / "official_criteria.json").exists()


# --- PDF ------------------------------------------------------------------------------------


@pytest.mark.slow
def test_decompression_bomb_pdf_is_refused_in_bounded_memory(tmp_path: Path) -> None:
    path = _write(tmp_path / "bomb.pdf", bomb_pdf(gib=2))
    assert path.stat().st_size < 10_000  # a few KB that inflate to 2 GiB
    result, seconds, peak_mb = _import_in_child(path)
    assert result["key"] == "criteria_import_pdf_limit"
    assert peak_mb < 1024, f"peak RSS {peak_mb:.0f} MB"
    assert seconds < 60


@pytest.mark.slow
def test_pdf_with_millions_of_text_operations_is_refused(tmp_path: Path) -> None:
    path = _write(tmp_path / "ops.pdf", text_ops_pdf(3_000_000))
    result, seconds, peak_mb = _import_in_child(path)
    assert result["key"] == "criteria_import_pdf_limit"
    assert peak_mb < 1024, f"peak RSS {peak_mb:.0f} MB"
    assert seconds < 60


@pytest.mark.slow
def test_pdf_reading_stops_at_the_time_budget(tmp_path: Path) -> None:
    # 200 pages share one content stream of 100 000 text operations: minutes of work before the fix.
    path = _write(tmp_path / "slow.pdf", text_ops_pdf(100_000, pages=200))
    result, seconds, _ = _import_in_child(path, max_criteria_seconds="3", max_criteria_text_chars="100000000")
    assert result["key"] == "criteria_import_pdf_too_slow"
    assert "SOC2_READY_MAX_CRITERIA_SECONDS" in str(result["message"])
    assert seconds < 45


def test_pdf_text_is_capped(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOC2_READY_MAX_CRITERIA_TEXT_CHARS", "5000")
    error = _refusal(_write(tmp_path / "wordy.pdf", text_ops_pdf(20_000)))
    assert error.key == "criteria_import_pdf_too_much_text"
    assert error.values["setting"] == "SOC2_READY_MAX_CRITERIA_TEXT_CHARS"


def test_pdf_page_count_is_capped(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOC2_READY_MAX_CRITERIA_PDF_PAGES", "50")
    error = _refusal(_write(tmp_path / "long.pdf", text_ops_pdf(1, pages=51)))
    assert error.key == "criteria_import_pdf_too_many_pages"
    assert error.values["pages"] == 51


def test_pdf_nested_too_deeply_is_refused(tmp_path: Path) -> None:
    # pypdf itself stops at a nesting limit; this keeps that a named refusal, never a RecursionError.
    nested = b"/X " + b"[" * 50_000 + b"]" * 50_000
    content = zlib.compress(b"BT /F1 1 Tf (x) Tj ET")
    error = _refusal(_write(tmp_path / "nested.pdf", raw_pdf(content, catalog_extra=nested)))
    assert error.key == "criteria_import_pdf_unreadable"


# --- JSON evidence --------------------------------------------------------------------------

_DEEP_EVIDENCE: dict[str, Callable[[], bytes]] = {
    "list": lambda: b"[" * 100_000 + b"]" * 100_000,
    "in-findings": lambda: b'{"findings": ' + b"[" * 100_000 + b"]" * 100_000 + b"}",
    "json-lines": lambda: b'{"a": 1}\n' + b"[" * 100_000 + b"]" * 100_000 + b"\n",
}


@pytest.mark.parametrize("make", list(_DEEP_EVIDENCE.values()), ids=list(_DEEP_EVIDENCE))
def test_deeply_nested_evidence_json_is_refused(make: Callable[[], bytes]) -> None:
    with pytest.raises(EvidenceError) as info:
        read_scan(make(), name="scan.ocsf.json")
    assert info.value.key == "too_deep"
    assert str(info.value) == render_message("error_too_deep", "evidence.yaml", **info.value.values)


def test_cli_evidence_import_refuses_nested_scan_and_nested_session(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    scan = _write(tmp_path / "scan.ocsf.json", _DEEP_EVIDENCE["list"]())
    assert main(["import-evidence", str(scan)]) == 2
    err = capsys.readouterr().err
    assert render_message("error_too_deep", "evidence.yaml", file="scan.ocsf.json") in err

    session = _write(tmp_path / "SESSION.json", b'{"a": ' + b"[" * 100_000 + b"]" * 100_000 + b"}")
    before = session.read_bytes()
    assert main(["import-evidence", str(scan), "--session", str(session)]) == 2
    err = capsys.readouterr().err
    assert render_message("session_too_deep", "session.yaml", file=str(session), limit=64) in err
    assert session.read_bytes() == before


# --- a read-only index ----------------------------------------------------------------------

_REPORT_CHILD = textwrap.dedent(
    """
    import json, sys
    from pathlib import Path
    from fakes.reports import make_report
    from assessment.report import collect_passages, render
    from knowledge import Retriever
    from knowledge.corpus import load_corpus

    corpus = load_corpus(Path(sys.argv[2])) if len(sys.argv) > 2 else None
    retriever = Retriever.load(Path(sys.argv[1]), progress=False, corpus=corpus)
    report = make_report(categories=("availability",))
    passages = collect_passages(report, retriever)
    markdown = render(report, "md", passages)
    dense = retriever.search("copies of our data kept in another region", k=1)[0].criterion_id
    print(json.dumps({"gaps": sorted({g.criterion_id for g in report.gaps}), "passages": sorted(passages),
                      "markdown": len(markdown), "dense": dense, "notice": retriever.index_notice}))
    """
)


def _snapshot(directory: Path) -> dict[str, tuple[int, int]]:
    return {
        str(p.relative_to(directory)): (p.stat().st_size, p.stat().st_mtime_ns)
        for p in sorted(directory.rglob("*"))
    }


def _read_only_runner() -> list[str]:
    """The command prefix that makes a chmod'ed directory really read-only for the child.

    As root, permission bits do not stop writes; in a new user namespace (``unshare --user``, no
    mount, no bind) the child keeps uid 0 on disk but loses CAP_DAC_OVERRIDE, so mode 0555 holds.
    """
    if os.geteuid() != 0:
        return []
    unshare = shutil.which("unshare")
    if unshare is None:
        pytest.skip("running as root without unshare: cannot make a directory read-only")
    probe = subprocess.run([unshare, "--user", "true"], capture_output=True, check=False)
    if probe.returncode != 0:
        pytest.skip(f"running as root and user namespaces are unavailable: {probe.stderr.decode()[:200]}")
    return [unshare, "--user"]


@dataclass(frozen=True)
class ReadOnlyData:
    """A data directory whose every entry is read-only, and the prefix that makes that hold."""

    path: Path
    runner: tuple[str, ...]


def _set_writable(root: Path, writable: bool) -> None:
    for path in [root, *root.rglob("*")]:
        mode = path.stat().st_mode
        path.chmod(mode | stat.S_IWUSR if writable else mode & ~(stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH))


@pytest.fixture()
def read_only_data(tmp_path: Path, retriever: object, session_data_dir: Path) -> Iterator[ReadOnlyData]:
    """A copy of the session's data directory (its index complete), made read-only."""
    runner = tuple(_read_only_runner())
    data = tmp_path / "data"
    shutil.copytree(session_data_dir / "index", data / "index")
    (tmp_path / "home").mkdir()
    _set_writable(data, False)
    yield ReadOnlyData(data, runner)
    _set_writable(data, True)


def _report_in_child(data: ReadOnlyData, *extra: str) -> dict[str, object]:
    env = _child_env(data_dir=str(data.path))
    env["PYTHONPATH"] += os.pathsep + str(ROOT / "tests")
    env["HOME"] = str(data.path.parent / "home")
    command = [*data.runner, sys.executable, "-c", _REPORT_CHILD, str(data.path), *extra]
    measured = run_measured(command, env=env, cpu_seconds=900, memory_bytes=16 << 30)
    assert measured.returncode == 0, measured.stderr[-3000:]
    return dict(json.loads(measured.stdout.strip().splitlines()[-1]))


@pytest.mark.slow
def test_reports_are_served_from_a_complete_read_only_index(read_only_data: ReadOnlyData) -> None:
    before = _snapshot(read_only_data.path)
    result = _report_in_child(read_only_data)
    assert result["gaps"], "the report has gaps"
    assert result["passages"] == result["gaps"], "every gap got its passage from the index"
    assert str(result["dense"]).startswith("A1."), "dense search works too"
    index_dir = read_only_data.path / "index"
    assert result["notice"] == render_message("index_read_only_copy", directory=str(index_dir))
    assert _snapshot(read_only_data.path) == before, "nothing in the read-only directory was written"


@pytest.mark.slow
def test_a_stale_read_only_index_is_built_elsewhere_and_reports_still_work(
    read_only_data: ReadOnlyData, tmp_path: Path
) -> None:
    from knowledge.corpus import CRITERIA_DIR

    corpus = tmp_path / "corpus"  # a one-file corpus: the copied index cannot serve it, and builds fast
    corpus.mkdir()
    shutil.copy(CRITERIA_DIR / "a1.yaml", corpus / "a1.yaml")
    before = _snapshot(read_only_data.path)
    result = _report_in_child(read_only_data, str(corpus))
    assert result["gaps"] and result["passages"] == result["gaps"]
    index_dir = read_only_data.path / "index"
    assert result["notice"] == render_message("index_read_only_rebuilt", directory=str(index_dir))
    assert _snapshot(read_only_data.path) == before
