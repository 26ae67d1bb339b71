"""Importing official wording from a CISO Assistant YAML library or a TSC-style PDF (invented text only)."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml
from fpdf import FPDF

from knowledge import CriteriaImportError, Retriever, load_corpus, load_official, parse_official
from knowledge.corpus import CRITERIA_DIR
from knowledge.importer import import_official
from knowledge.index import INDEX_DIR_NAME, MANIFEST_NAME

URN = "urn:test:req_node:invented"


def _node(ref_id: str, depth: int, description: str | None = None, parent: str = "") -> dict[str, object]:
    node: dict[str, object] = {"urn": f"{URN}:{ref_id.lower()}", "depth": depth, "ref_id": ref_id}
    if parent:
        node["parent_urn"] = f"{URN}:{parent.lower()}"
    if description is not None:
        node["description"] = description
    return node


def _library(word: str = "zorblax") -> dict[str, object]:
    """A tiny library in the CISO Assistant layout, with invented wording."""
    nodes = [
        _node("CC6", 1),
        _node("CC6.1", 2, f"The {word} entity guards its gadgets with sturdy locks.", "CC6"),
        _node("CC6.1.3", 3, f"[TSC] Locks Gadgets — Every {word} gadget is locked.", "CC6.1"),
        _node("A", 1),
        _node("A1.2", 2, f"The {word} entity keeps spare copies of its ledgers offsite.", "A"),
        _node("A1.2.8", 3, f"Copies Ledgers — {word} ledgers are copied nightly.", "A1.2"),
        _node("PI", 1),
        _node("PP1.2", 2, f"The {word} entity checks that incoming forms are filled in.", "PI"),
        _node("P", 1),
        _node("P1.0", 2, "A heading that is not a criterion.", "P"),
        _node("P1.1", 3, f"The {word} entity tells people what it does with their details.", "P1.0"),
        _node("P1.1.1", 4, f"Explains Details — {word} notices are written plainly.", "P1.1"),
    ]
    return {"urn": "urn:test:library", "objects": {"framework": {"ref_id": "X", "requirement_nodes": nodes}}}


def _write_yaml(path: Path, content: object) -> Path:
    path.write_text(yaml.safe_dump(content, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return path


def _write_pdf(path: Path, lines: list[str]) -> Path:
    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("Helvetica", size=11)
    for line in lines:
        pdf.multi_cell(0, 6, line, new_x="LMARGIN", new_y="NEXT")
    pdf.output(str(path))
    return path


@pytest.fixture()
def small_corpus_dir(tmp_path: Path) -> Path:
    directory = tmp_path / "corpus"
    directory.mkdir()
    shutil.copy(CRITERIA_DIR / "a1.yaml", directory / "a1.yaml")
    return directory


def test_yaml_library_maps_ids_and_cleans_text(tmp_path: Path) -> None:
    official = parse_official(_write_yaml(tmp_path / "lib.yaml", _library()))
    texts = official.texts()
    assert official.kind == "yaml"
    assert set(texts) == {"CC6.1", "CC6.1.3", "A1.2", "A1.2.8", "PI1.2", "P1.1", "P1.1.1"}
    assert texts["PI1.2"].startswith("The zorblax entity checks")
    assert texts["CC6.1.3"] == "Locks Gadgets — Every zorblax gadget is locked."


def test_pdf_headings_and_bullets_become_entries(tmp_path: Path) -> None:
    path = _write_pdf(
        tmp_path / "tsc.pdf",
        [
            "Invented Criteria Booklet",
            "Contents: CC6.1 ... 3",
            "CC6.1 The quokka entity guards its gadgets with sturdy locks and keeps a list of them.",
            "Points of focus:",
            "- Counts Gadgets - The quokka entity counts every gadget twice a year.",
            "- Locks Gadgets - Each quokka gadget is kept behind a lock.",
            "A1.2",
            "The quokka entity keeps spare copies of its ledgers in a second town.",
            "PI1.3 The quokka entity checks its sums before it sends them out.",
        ],
    )
    official = parse_official(path)
    texts = official.texts()
    assert official.kind == "pdf"
    assert texts["CC6.1"].startswith("The quokka entity guards its gadgets")
    assert "Counts Gadgets" not in texts["CC6.1"]
    assert texts["CC6.1.1"].startswith("Counts Gadgets")
    assert texts["CC6.1.2"].startswith("Locks Gadgets")
    assert texts["A1.2"] == "The quokka entity keeps spare copies of its ledgers in a second town."
    assert texts["PI1.3"].startswith("The quokka entity checks its sums")


def _random_yaml(directory: Path) -> Path:
    return _write_yaml(directory / "random.yaml", {"name": "shopping", "items": ["milk", "eggs"]})


def _yaml_without_criteria(directory: Path) -> Path:
    nodes = [{"ref_id": "X1", "depth": 1, "description": "nothing here"}]
    return _write_yaml(directory / "nodes.yaml", {"objects": {"framework": {"requirement_nodes": nodes}}})


def _png(directory: Path) -> Path:
    path = directory / "logo.png"
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4)
    return path


def _empty_pdf(directory: Path) -> Path:
    pdf = FPDF()
    pdf.add_page()
    pdf.output(str(directory / "empty.pdf"))
    return directory / "empty.pdf"


def _pdf_without_criteria(directory: Path) -> Path:
    return _write_pdf(directory / "story.pdf", ["Once upon a time there was a ledger."])


def _empty_file(directory: Path) -> Path:
    path = directory / "blank.yaml"
    path.write_text("", encoding="utf-8")
    return path


def _broken_pdf(directory: Path) -> Path:
    path = directory / "broken.pdf"
    path.write_bytes(b"%PDF-1.4 garbage that is not a PDF body")
    return path


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (_random_yaml, "not a CISO Assistant framework library"),
        (_yaml_without_criteria, "no SOC 2 criteria"),
        (_png, "not a PDF or a YAML file"),
        (_empty_pdf, "no extractable text"),
        (_pdf_without_criteria, "no Trust Services Criteria headings"),
        (_empty_file, "the file is empty"),
        (_broken_pdf, "PDF"),
    ],
)
def test_wrong_files_get_a_clear_error(tmp_path: Path, make: Callable[[Path], Path], message: str) -> None:
    path = make(tmp_path)
    with pytest.raises(CriteriaImportError, match=message) as info:
        parse_official(path)
    assert str(info.value).startswith(path.name)


def test_missing_file_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(CriteriaImportError, match="cannot read the file"):
        parse_official(tmp_path / "nope.yaml")


def test_import_feeds_search_and_reimport_replaces(tmp_path: Path, small_corpus_dir: Path) -> None:
    corpus = load_corpus(small_corpus_dir)
    data_dir = tmp_path / "data"
    plain = Retriever.load(data_dir, corpus=corpus, progress=False)
    plain_count = json.loads((data_dir / INDEX_DIR_NAME / MANIFEST_NAME).read_text())["doc_count"]
    assert not plain.has_official

    import_official(_write_yaml(tmp_path / "lib.yaml", _library("zorblax")), data_dir)
    retriever = Retriever.load(data_dir, corpus=corpus, progress=False)
    assert retriever.has_official
    hit = retriever.search("A1.2", k=1)[0]
    assert hit.source == "official"
    assert "zorblax entity keeps spare copies" in hit.text
    assert corpus.get("A1.2").in_practice in hit.text  # our overview stays alongside
    lexical = retriever.search("zorblax ledgers copied nightly", k=3)
    assert lexical[0].criterion_id == "A1.2" and lexical[0].source == "official"
    # only IDs of criteria in the corpus are indexed (A1.2 and A1.2.8 here)
    imported_count = json.loads((data_dir / INDEX_DIR_NAME / MANIFEST_NAME).read_text())["doc_count"]
    assert imported_count == plain_count + 2

    import_official(_write_yaml(tmp_path / "lib2.yaml", _library("plinth")), data_dir)
    stored = load_official(data_dir)
    assert stored is not None and stored.source_name == "lib2.yaml"
    assert all("zorblax" not in e.text for e in stored.entries)
    again = Retriever.load(data_dir, corpus=corpus, progress=False)
    assert json.loads((data_dir / INDEX_DIR_NAME / MANIFEST_NAME).read_text())["doc_count"] == imported_count
    hit = again.search("A1.2", k=1)[0]
    assert "plinth" in hit.text and "zorblax" not in hit.text
    assert all("zorblax" not in h.text for h in again.search("zorblax ledgers", k=3))


def test_damaged_official_file_is_ignored_with_a_warning(
    tmp_path: Path, small_corpus_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    (data_dir / "official_criteria.json").write_text("{not json", encoding="utf-8")
    retriever = Retriever.load(data_dir, corpus=load_corpus(small_corpus_dir), progress=False)
    assert not retriever.has_official
    assert "import-criteria again" in capsys.readouterr().err
    assert (data_dir / "official_criteria.json").read_text(encoding="utf-8") == "{not json"
