"""Index corruption beyond tests/test_retriever.py: every damage is rebuilt from, never a crash."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from knowledge import Corpus, Retriever, load_corpus
from knowledge.corpus import CRITERIA_DIR
from knowledge.index import INDEX_DIR_NAME, MANIFEST_NAME


@pytest.fixture(scope="module")
def small_corpus(tmp_path_factory: pytest.TempPathFactory) -> Corpus:
    """One packaged corpus file: a cheap corpus, so each rebuild takes a moment."""
    directory = tmp_path_factory.mktemp("corpus")
    shutil.copy(CRITERIA_DIR / "a1.yaml", directory / "a1.yaml")
    return load_corpus(directory)


def _build(data_dir: Path) -> Path:
    manifest = json.loads((data_dir / INDEX_DIR_NAME / MANIFEST_NAME).read_text(encoding="utf-8"))
    return data_dir / INDEX_DIR_NAME / str(manifest["directory"])


def _manifest_path(data_dir: Path) -> Path:
    return data_dir / INDEX_DIR_NAME / MANIFEST_NAME


def _edit_manifest(data_dir: Path, **changes: object) -> None:
    path = _manifest_path(data_dir)
    path.write_text(json.dumps({**json.loads(path.read_text(encoding="utf-8")), **changes}), encoding="utf-8")


def _vector_files(data_dir: Path) -> list[Path]:
    return [p for p in _build(data_dir).rglob("*.bin") if p.is_file()]


def _garble_vectors(data_dir: Path) -> None:
    files = _vector_files(data_dir)
    assert files, "expected HNSW segment files in the build"
    for path in files:
        path.write_bytes(b"\xde\xad\xbe\xef" * 16)


def _truncate_sqlite(data_dir: Path) -> None:
    path = _build(data_dir) / "chroma.sqlite3"
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])


def _litter(data_dir: Path) -> None:
    root = data_dir / INDEX_DIR_NAME
    (root / "junk.bin").write_bytes(bytes(range(256)) * 8)
    (root / "deadbeef0000-00000000").mkdir()
    (root / "deadbeef0000-00000000" / "chroma.sqlite3").write_bytes(b"SQLite format 3\x00" + b"\x00" * 100)
    (root / ".manifest-abandoned.json").write_text("{", encoding="utf-8")
    (root / "nested" / "deeper").mkdir(parents=True)
    (root / "nested" / "deeper" / "file.txt").write_text("x", encoding="utf-8")


def _manifest_is_dir(data_dir: Path) -> None:
    path = _manifest_path(data_dir)
    path.unlink()
    path.mkdir()
    (path / "inside.txt").write_text("not a manifest", encoding="utf-8")


DAMAGE: dict[str, Callable[[Path], object]] = {
    "deleted_sqlite_only": lambda d: (_build(d) / "chroma.sqlite3").unlink(),
    "zero_byte_sqlite": lambda d: (_build(d) / "chroma.sqlite3").write_bytes(b""),
    "truncated_sqlite": _truncate_sqlite,
    "garbage_vector_segment": _garble_vectors,
    "deleted_vector_segment": lambda d: shutil.rmtree(next(p for p in _build(d).iterdir() if p.is_dir())),
    "garbage_files_and_dirs": _litter,
    "empty_manifest": lambda d: _manifest_path(d).write_text("", encoding="utf-8"),
    "manifest_wrong_json_type": lambda d: _manifest_path(d).write_text("[1, 2, 3]", encoding="utf-8"),
    "manifest_extra_field": lambda d: _edit_manifest(d, surprise=True),
    "manifest_future_format": lambda d: _edit_manifest(d, format=99),
    "manifest_wrong_model": lambda d: _edit_manifest(d, model="some-other-model"),
    "manifest_wrong_collection": lambda d: _edit_manifest(d, collection="no_such_collection"),
    "manifest_points_outside": lambda d: _edit_manifest(d, directory="../../elsewhere"),
    "manifest_is_a_directory": _manifest_is_dir,
    "deleted_manifest": lambda d: _manifest_path(d).unlink(),
}


@pytest.mark.parametrize("damage", list(DAMAGE))
def test_damage_is_rebuilt_and_search_works(tmp_path: Path, small_corpus: Corpus, damage: str) -> None:
    first = Retriever.load(tmp_path, corpus=small_corpus, progress=False)
    expected = [h.criterion_id for h in first.search("restore from backup", k=3)]
    DAMAGE[damage](tmp_path)
    retriever = Retriever.load(tmp_path, corpus=small_corpus, progress=False)
    assert [h.criterion_id for h in retriever.search("restore from backup", k=3)] == expected
    assert _manifest_path(tmp_path).is_file()
    assert (_build(tmp_path) / "chroma.sqlite3").is_file()
    # and the rebuilt index is reused as is next time
    again = Retriever.load(tmp_path, corpus=small_corpus, progress=False)
    assert [h.criterion_id for h in again.search("restore from backup", k=3)] == expected


def test_lock_file_replaced_by_a_directory_does_not_crash(tmp_path: Path, small_corpus: Corpus) -> None:
    Retriever.load(tmp_path, corpus=small_corpus, progress=False)
    lock = tmp_path / INDEX_DIR_NAME / ".lock"
    lock.unlink()
    lock.mkdir()
    _manifest_path(tmp_path).unlink()  # force a rebuild, which takes the lock
    retriever = Retriever.load(tmp_path, corpus=small_corpus, progress=False)
    assert retriever.search("capacity planning", k=1)[0].criterion_id == "A1.1"
