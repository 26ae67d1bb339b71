"""The packaged corpus covers every official ID exactly once, and malformed files get clear errors."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
import yaml

from knowledge import CorpusError, load_corpus
from knowledge.corpus import CRITERIA_DIR

EXPECTED_IDS_FILE = Path(__file__).resolve().parents[2] / "data" / "expected_ids.txt"


def _expected_ids() -> tuple[list[str], list[str]]:
    lines = [line.strip() for line in EXPECTED_IDS_FILE.read_text(encoding="utf-8").splitlines()]
    ids = [line for line in lines if line and not line.startswith("#")]
    return [i for i in ids if i.count(".") == 1], [i for i in ids if i.count(".") == 2]


def _corpus_ids_in_files() -> Counter[str]:
    """Every ID as written in the YAML files (so a duplicate is counted twice, not merged)."""
    counts: Counter[str] = Counter()
    for path in sorted(CRITERIA_DIR.glob("*.yaml")):
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
        for criterion in raw["criteria"]:
            counts[criterion["id"]] += 1
            counts.update(point["id"] for point in criterion.get("points_of_focus", []))
    return counts


def test_expected_id_lists_have_official_sizes() -> None:
    criteria, points = _expected_ids()
    assert len(criteria) == len(set(criteria)) == 61
    assert len(points) == len(set(points)) == 293


def test_every_criterion_and_point_of_focus_present_exactly_once() -> None:
    criteria, points = _expected_ids()
    counts = _corpus_ids_in_files()
    assert sorted(counts) == sorted(criteria + points)
    assert {i: n for i, n in counts.items() if n != 1} == {}


def test_packaged_corpus_loads_every_criterion_with_its_points() -> None:
    corpus = load_corpus()
    criteria, points = _expected_ids()
    assert sorted(corpus.ids) == sorted(criteria)
    assert sorted(p.id for c in corpus.criteria for p in c.points_of_focus) == sorted(points)
    assert corpus.ids[0] == "CC1.1" and corpus.ids[-1] == "P8.1"
    assert {c.category for c in corpus.criteria} == {
        "security",
        "availability",
        "processing_integrity",
        "confidentiality",
        "privacy",
    }


def _criterion(criterion_id: str = "A1.1", **changes: object) -> dict[str, object]:
    item: dict[str, object] = {
        "id": criterion_id,
        "title": "Invented title",
        "in_practice": "Invented explanation of what the team does.",
        "auditor_evidence": ["An invented piece of evidence"],
        "pitfalls": ["An invented pitfall"],
        "points_of_focus": [
            {"id": f"{criterion_id}.1", "title": "A point", "explanation": "Why it matters."}
        ],
    }
    item.update(changes)
    return item


def _write(directory: Path, name: str, criteria: list[dict[str, object]], group: str = "A1") -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / name
    content = {
        "group": group,
        "group_title": "Invented group",
        "category": "availability",
        "criteria": criteria,
    }
    path.write_text(yaml.safe_dump(content, sort_keys=False), encoding="utf-8")
    return path


def test_small_valid_corpus_loads(tmp_path: Path) -> None:
    _write(tmp_path, "a1.yaml", [_criterion("A1.1"), _criterion("A1.2")])
    corpus = load_corpus(tmp_path)
    assert corpus.ids == ("A1.1", "A1.2")
    assert corpus.get("A1.2").category == "availability"


def test_missing_field_names_file_field_and_reason(tmp_path: Path) -> None:
    broken = _criterion()
    del broken["in_practice"]
    _write(tmp_path, "a1.yaml", [broken])
    with pytest.raises(CorpusError) as info:
        load_corpus(tmp_path)
    message = str(info.value)
    assert "a1.yaml" in message
    assert "in_practice" in message
    assert "required" in message.lower()


def test_todo_placeholder_is_rejected(tmp_path: Path) -> None:
    _write(tmp_path, "a1.yaml", [_criterion(title="TODO")])
    with pytest.raises(CorpusError) as info:
        load_corpus(tmp_path)
    message = str(info.value)
    assert "a1.yaml" in message
    assert "title" in message
    assert "TODO" in message


def test_bad_id_is_rejected(tmp_path: Path) -> None:
    _write(tmp_path, "a1.yaml", [_criterion("A9.1")])
    with pytest.raises(CorpusError) as info:
        load_corpus(tmp_path)
    message = str(info.value)
    assert "a1.yaml" in message
    assert "id" in message
    assert "A9.1" in message and "not a criterion ID" in message


def test_duplicate_id_across_files_names_both_files(tmp_path: Path) -> None:
    _write(tmp_path, "a1.yaml", [_criterion("A1.1")])
    _write(tmp_path, "zz_extra.yaml", [_criterion("A1.1")])
    with pytest.raises(CorpusError) as info:
        load_corpus(tmp_path)
    message = str(info.value)
    assert "zz_extra.yaml" in message and "a1.yaml" in message
    assert "A1.1" in message and "already defined" in message


def test_point_of_wrong_criterion_is_rejected(tmp_path: Path) -> None:
    point = {"id": "A1.2.1", "title": "A point", "explanation": "Why it matters."}
    _write(tmp_path, "a1.yaml", [_criterion("A1.1", points_of_focus=[point])])
    with pytest.raises(CorpusError) as info:
        load_corpus(tmp_path)
    assert "a1.yaml" in str(info.value)
    assert "does not belong to A1.1" in str(info.value)


def test_invalid_yaml_is_reported(tmp_path: Path) -> None:
    (tmp_path / "a1.yaml").write_text("group: [unclosed\n", encoding="utf-8")
    with pytest.raises(CorpusError, match=r"a1\.yaml: not valid YAML"):
        load_corpus(tmp_path)
