"""Hybrid retrieval over the real corpus, the real model and a real Chroma index."""

from __future__ import annotations

import json
import shutil
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from knowledge import Corpus, Retriever, find_ids, load_corpus, normalize_id
from knowledge.corpus import CRITERIA_DIR
from knowledge.index import INDEX_DIR_NAME, MANIFEST_NAME
from knowledge.lexical import default_synonyms, strip_filler
from knowledge.retriever import dense_weight

DEV_SET = Path(__file__).resolve().parents[2] / "data" / "retrieval_dev.jsonl"
# Written without looking at the corpus, synonyms or dev set: founders' own phrasing, tools,
# abbreviations, typos and ID spellings across all five categories.
BLIND_SET = Path(__file__).resolve().parents[2] / "data" / "retrieval_blind.jsonl"


@pytest.fixture(scope="module")
def small_corpus_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of one packaged corpus file: a cheap corpus for index life-cycle tests."""
    directory = tmp_path_factory.mktemp("corpus")
    shutil.copy(CRITERIA_DIR / "a1.yaml", directory / "a1.yaml")
    return directory


@pytest.fixture(scope="module")
def small_corpus(small_corpus_dir: Path) -> Corpus:
    return load_corpus(small_corpus_dir)


def _manifest(data_dir: Path) -> dict[str, object]:
    return json.loads((data_dir / INDEX_DIR_NAME / MANIFEST_NAME).read_text(encoding="utf-8"))


# ---- ID parsing -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("CC6.1", "CC6.1"),
        ("cc 6.1", "CC6.1"),
        ("CC-6.1", "CC6.1"),
        ("PI1.3", "PI1.3"),
        ("pi 1.3", "PI1.3"),
        ("PP1.3", "PI1.3"),
        ("cc6.1.3", "CC6.1.3"),
        ("a1.2", "A1.2"),
        ("p-8.1", "P8.1"),
    ],
)
def test_normalize_id_accepts_common_spellings(text: str, expected: str) -> None:
    assert normalize_id(text) == expected


@pytest.mark.parametrize(
    "text", ["a 1.5 hour outage", "ISO A.5.15", "version 1.2.3", "P1.0", "cc10.1", "hello"]
)
def test_find_ids_ignores_things_that_are_not_criteria(text: str) -> None:
    assert find_ids(text) == []


def test_find_ids_keeps_order_and_drops_repeats() -> None:
    assert [m.id for m in find_ids("compare CC6.1, cc 6.1 and c1.2 with p-8.1.2")] == [
        "CC6.1",
        "C1.2",
        "P8.1.2",
    ]


# ---- search by ID -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("CC6.1", "CC6.1"),
        ("cc 6.1", "CC6.1"),
        ("CC-6.1", "CC6.1"),
        ("PI1.3", "PI1.3"),
        ("pi 1.3", "PI1.3"),
        ("what does CC6.1 mean?", "CC6.1"),
        ("explain a1.3 to me", "A1.3"),
        ("P4.3", "P4.3"),
    ],
)
def test_id_query_returns_that_criterion_first(retriever: Retriever, query: str, expected: str) -> None:
    hits = retriever.search(query, k=5)
    assert hits[0].criterion_id == expected
    assert len(hits) == 5
    assert len({h.criterion_id for h in hits}) == 5


def test_point_of_focus_id_returns_its_criterion_with_that_passage(retriever: Retriever) -> None:
    point = retriever.corpus.get("CC6.1").points_of_focus[2]
    assert point.id == "CC6.1.3"
    hit = retriever.search("cc6.1.3", k=1)[0]
    assert hit.criterion_id == "CC6.1"
    assert point.explanation in hit.text
    assert hit.title == retriever.corpus.get("CC6.1").title


def test_criterion_id_search_gives_overview_passage(retriever: Retriever) -> None:
    criterion = retriever.corpus.get("CC7.4")
    hit = retriever.search("CC7.4", k=1)[0]
    assert hit.criterion_id == "CC7.4"
    assert criterion.in_practice in hit.text
    assert (hit.source, hit.category, hit.title) == ("corpus", "security", criterion.title)


def test_criterion_lookup_accepts_any_spelling(retriever: Retriever) -> None:
    assert retriever.criterion("cc 6.1").id == "CC6.1"
    assert retriever.criterion("CC6.1.3").id == "CC6.1"
    with pytest.raises(KeyError):
        retriever.criterion("not an id")


# ---- free-text search -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "acceptable"),
    [
        ("MFA", {"CC6.1"}),
        ("do we need 2FA on github", {"CC6.1"}),
        ("SSO", {"CC6.1", "CC6.2", "CC6.3"}),
        ("DSAR", {"P5.1"}),
        ("RTO/RPO", {"A1.2", "A1.3", "CC9.1"}),
        ("SIEM", {"CC7.2"}),
        ("EDR", {"CC6.8"}),
        ("pen test", {"CC4.1", "CC7.1"}),
        ("how do i get rid of old laptops safely", {"CC6.5", "C1.2"}),
        ("we need someone to review code before it ships", {"CC8.1"}),
    ],
)
def test_jargon_and_paraphrases_find_the_right_criterion(
    retriever: Retriever, query: str, acceptable: set[str]
) -> None:
    top = [h.criterion_id for h in retriever.search(query, k=5)]
    assert acceptable & set(top), f"{query!r} gave {top}"


def test_hits_are_unique_sorted_and_complete(retriever: Retriever) -> None:
    hits = retriever.search("backups and disaster recovery", k=8)
    assert len(hits) == 8
    assert len({h.criterion_id for h in hits}) == 8
    scores = [h.score for h in hits]
    assert scores == sorted(scores, reverse=True)
    for hit in hits:
        criterion = retriever.corpus.get(hit.criterion_id)
        assert hit.title == criterion.title
        assert hit.category == criterion.category
        assert hit.text and hit.source == "corpus"


def test_categories_filter(retriever: Retriever) -> None:
    hits = retriever.search("deleting data when it is no longer needed", k=5, categories=["privacy"])
    assert hits and all(h.category == "privacy" for h in hits)
    both = retriever.search("encryption", k=10, categories={"confidentiality", "availability"})
    assert {h.category for h in both} <= {"confidentiality", "availability"}
    assert retriever.search("CC6.1", k=3, categories=["privacy"])[0].criterion_id != "CC6.1"


def test_unknown_category_is_a_clear_error(retriever: Retriever) -> None:
    with pytest.raises(ValueError, match="unknown categories"):
        retriever.search("backups", categories=["securty"])


@pytest.mark.parametrize("query", ["", "   ", "\n\t"])
def test_empty_query_is_a_clear_error(retriever: Retriever, query: str) -> None:
    with pytest.raises(ValueError, match="query is empty"):
        retriever.search(query)


def test_very_long_query_is_truncated_not_an_error(retriever: Retriever) -> None:
    query = "we keep daily database backups and test restores " * 400
    hits = retriever.search(query, k=3)
    assert len(hits) == 3
    assert {"A1.2", "A1.3"} & {h.criterion_id for h in hits}


def test_k_larger_than_corpus_returns_each_criterion_once(retriever: Retriever) -> None:
    hits = retriever.search("security", k=500)
    assert len(hits) == len({h.criterion_id for h in hits})
    assert len(hits) <= len(retriever.corpus.ids)


def test_concurrent_searches_match_sequential_results(retriever: Retriever) -> None:
    queries = ["mfa", "backups", "DSAR", "vendor review", "CC8.1", "incident response", "privacy notice"] * 4
    expected = {q: [h.criterion_id for h in retriever.search(q, k=5)] for q in set(queries)}
    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(lambda q: [h.criterion_id for h in retriever.search(q, k=5)], queries))
    assert results == [expected[q] for q in queries]


@pytest.mark.parametrize(("path", "minimum_cases"), [(DEV_SET, 100), (BLIND_SET, 120)])
def test_query_set_recall_at_5(retriever: Retriever, path: Path, minimum_cases: int) -> None:
    cases = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    assert len(cases) >= minimum_cases
    total = 0.0
    for case in cases:
        top = {h.criterion_id for h in retriever.search(case["query"], k=5)}
        relevant = set(case["relevant"])
        total += len(relevant & top) / len(relevant)
    assert total / len(cases) >= 0.85


# ---- query preparation ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "kept"),
    [
        ("do we need MFA for SOC 2?", "do we need MFA  ?"),
        ("SOC2 type II backups", "  backups"),
        ("soc 2", "soc 2"),  # nothing else left: keep it rather than search for nothing
        ("soc 2 reports from our vendors", "soc 2 reports from our vendors"),
    ],
)
def test_soc2_filler_is_dropped_but_soc2_reports_are_kept(query: str, kept: str) -> None:
    assert strip_filler(query) == kept


def test_jargon_plurals_expand_like_the_singular() -> None:
    synonyms = default_synonyms()
    assert synonyms.expand("subprocessors") == synonyms.expand("subprocessor") != ""
    assert synonyms.expand("DSARs") == synonyms.expand("dsar")


def test_long_questions_lean_more_on_the_dense_side() -> None:
    weights = [dense_weight(n) for n in range(40)]
    assert weights == sorted(weights)
    assert weights[2] < weights[20] < 1.0


def test_soc2_mention_does_not_change_the_answer(retriever: Retriever) -> None:
    plain = [h.criterion_id for h in retriever.search("do we need MFA on everything", k=3)]
    assert [h.criterion_id for h in retriever.search("do we need MFA on everything for SOC 2?", k=3)] == plain


# ---- index life cycle (small corpus, so each build is cheap) -----------------------------------


def test_index_is_persisted_and_reused(tmp_path: Path, small_corpus: Corpus) -> None:
    first = Retriever.load(tmp_path, corpus=small_corpus, progress=False)
    manifest = _manifest(tmp_path)
    second = Retriever.load(tmp_path, corpus=small_corpus, progress=False)
    assert _manifest(tmp_path) == manifest
    assert [h.criterion_id for h in first.search("backups")] == [
        h.criterion_id for h in second.search("backups")
    ]


def test_rebuild_flag_and_corpus_change_rebuild(tmp_path: Path, small_corpus_dir: Path) -> None:
    corpus = load_corpus(small_corpus_dir)
    Retriever.load(tmp_path, corpus=corpus, progress=False)
    before = _manifest(tmp_path)
    Retriever.load(tmp_path, corpus=corpus, rebuild=True, progress=False)
    rebuilt = _manifest(tmp_path)
    assert rebuilt["directory"] != before["directory"]
    assert rebuilt["fingerprint"] == before["fingerprint"]

    changed_dir = tmp_path / "changed"
    changed_dir.mkdir()
    text = (small_corpus_dir / "a1.yaml").read_text(encoding="utf-8")
    (changed_dir / "a1.yaml").write_text(
        text.replace("Capacity planning", "Headroom planning"), encoding="utf-8"
    )
    changed = load_corpus(changed_dir)
    retriever = Retriever.load(tmp_path, corpus=changed, progress=False)
    assert _manifest(tmp_path)["fingerprint"] != before["fingerprint"]
    assert retriever.search("A1.1", k=1)[0].title.startswith("Headroom planning")
    # old builds are cleaned up: only the current one, the manifest and the lock remain
    entries = {p.name for p in (tmp_path / INDEX_DIR_NAME).iterdir()}
    assert entries == {_manifest(tmp_path)["directory"], MANIFEST_NAME, ".lock"}


@pytest.mark.parametrize(
    "damage",
    [
        "garbage_manifest",
        "wrong_manifest",
        "wrong_count",
        "garbage_sqlite",
        "deleted_build",
        "index_is_a_file",
    ],
)
def test_damaged_index_is_rebuilt_not_a_crash(tmp_path: Path, small_corpus: Corpus, damage: str) -> None:
    Retriever.load(tmp_path, corpus=small_corpus, progress=False)
    root = tmp_path / INDEX_DIR_NAME
    manifest = _manifest(tmp_path)
    build = root / str(manifest["directory"])
    if damage == "garbage_manifest":
        (root / MANIFEST_NAME).write_bytes(b"\x00\xffnot json")
    elif damage == "wrong_manifest":
        (root / MANIFEST_NAME).write_text(json.dumps({**manifest, "fingerprint": "0" * 24}), encoding="utf-8")
    elif damage == "wrong_count":
        (root / MANIFEST_NAME).write_text(json.dumps({**manifest, "doc_count": 3}), encoding="utf-8")
    elif damage == "garbage_sqlite":
        (build / "chroma.sqlite3").write_bytes(b"this is not a database" * 100)
        (root / "stray.bin").write_bytes(b"\x00" * 64)
    elif damage == "deleted_build":
        shutil.rmtree(build)
    else:
        shutil.rmtree(root)
        root.write_text("not a directory", encoding="utf-8")
    retriever = Retriever.load(tmp_path, corpus=small_corpus, progress=False)
    hits = retriever.search("restore from backup", k=2)
    assert hits[0].criterion_id in {"A1.2", "A1.3"}
    assert _manifest(tmp_path)["doc_count"] == manifest["doc_count"]


def test_data_dir_defaults_to_settings(
    tmp_path: Path, small_corpus: Corpus, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOC2_READY_DATA_DIR", str(tmp_path / "from-env"))
    retriever = Retriever.load(corpus=small_corpus, progress=False)
    assert retriever.data_dir == tmp_path / "from-env"
    assert (tmp_path / "from-env" / INDEX_DIR_NAME / MANIFEST_NAME).is_file()
