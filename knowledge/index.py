"""Build, persist and reopen the Chroma collection of criteria passages.

Layout under the data directory::

    index/manifest.json          which build is current and what it holds
    index/<fingerprint>-<nonce>/  one embedded Chroma database per build

A new build always goes to a fresh directory and becomes current by an atomic manifest
replace, so a half-finished or damaged build is never opened, and Chroma's per-path client
cache never hands back a stale database. Anything unexpected in ``index/`` (garbage files, a
manifest for another corpus or model, a wrong document count, Chroma errors) triggers a rebuild.

A read-only ``index/`` (a shared or mounted data directory) is never written and needs no lock:
Chroma cannot open a database it may not write, so the current build is copied to a private
temporary directory and opened there (stale: rebuilt there, reusing the copied vectors), and the
caller is told why through ``on_notice``. Reports and search keep working.
"""

from __future__ import annotations

import atexit
import contextlib
import os
import shutil
import tempfile
import uuid
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from urllib.parse import urlparse

import chromadb
from chromadb.config import Settings as ChromaSettings
from langchain_chroma import Chroma
from langchain_core.documents import Document
from langchain_core.embeddings import Embeddings
from pydantic import BaseModel, ConfigDict, ValidationError
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

INDEX_DIR_NAME = "index"
MANIFEST_NAME = "manifest.json"
COLLECTION_PREFIX = "soc2_ready_criteria"
MANIFEST_FORMAT = 2
_BATCH = 32

try:  # POSIX file locks stop two processes building the same index at once
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None  # type: ignore[assignment]


class IndexManifest(BaseModel):
    """What the current persisted build holds."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    format: int
    fingerprint: str
    model: str
    directory: str
    collection: str
    doc_count: int


def chroma_settings() -> ChromaSettings:
    """Chroma client settings: telemetry off."""
    return ChromaSettings(anonymized_telemetry=False)


def _collection_name(fingerprint: str) -> str:
    return f"{COLLECTION_PREFIX}_{fingerprint[:16]}"


def _store(client: chromadb.ClientAPI, name: str, embeddings: Embeddings, create: bool) -> Chroma:
    return Chroma(
        client=client,
        collection_name=name,
        embedding_function=embeddings,
        collection_configuration={"hnsw": {"space": "cosine"}} if create else None,
        create_collection_if_not_exists=create,
    )


class _Precomputed(Embeddings):
    """Hands Chroma vectors computed beforehand (in length-sorted batches, with progress)."""

    def __init__(self, vectors: dict[str, list[float]]) -> None:
        self._vectors = vectors

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return [self._vectors[text] for text in texts]

    def embed_query(self, text: str) -> list[float]:
        return self._vectors[text]


@dataclass(frozen=True)
class _ModelKey:
    """Identifies an embeddings object by identity (the model is loaded once per process)."""

    ident: int
    embeddings: Embeddings = field(compare=False, hash=False)


@lru_cache(maxsize=64)
def _cached_batch(model: _ModelKey, texts: tuple[str, ...]) -> tuple[tuple[float, ...], ...]:
    # Cached per process: a rebuild of the same passages (after damage, or in tests) skips the model.
    return tuple(tuple(vector) for vector in model.embeddings.embed_documents(list(texts)))


def _embed_batch(embeddings: Embeddings, texts: tuple[str, ...]) -> tuple[tuple[float, ...], ...]:
    return _cached_batch(_ModelKey(id(embeddings), embeddings), texts)


def _embed_all(
    texts: Sequence[str], embeddings: Embeddings, progress: bool, known: dict[str, list[float]]
) -> dict[str, list[float]]:
    """Vectors for all texts, reusing ``known`` ones; sorting by length keeps padding (and time) low."""
    vectors = {text: known[text] for text in texts if text in known}
    ordered = sorted(set(texts) - set(vectors), key=lambda text: (len(text), text))
    console = Console(stderr=True, quiet=not progress)
    with Progress(
        TextColumn("Building the knowledge index"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        transient=True,
    ) as bar:
        task = bar.add_task("embed", total=len(ordered))
        for start in range(0, len(ordered), _BATCH):
            batch = tuple(ordered[start : start + _BATCH])
            for text, vector in zip(batch, _embed_batch(embeddings, batch), strict=True):
                vectors[text] = list(vector)
            bar.advance(task, len(batch))
    return vectors


def _fill(
    client: chromadb.ClientAPI,
    name: str,
    documents: Sequence[Document],
    embeddings: Embeddings,
    progress: bool,
    known: dict[str, list[float]],
) -> None:
    """Embed the documents (reusing ``known`` vectors) and add them to a new collection."""
    vectors = _embed_all([doc.page_content for doc in documents], embeddings, progress, known)
    writer = _store(client, name, _Precomputed(vectors), create=True)
    for start in range(0, len(documents), 256):
        batch = list(documents[start : start + 256])
        writer.add_documents(batch, ids=[str(doc.id) for doc in batch])


@contextlib.contextmanager
def _build_lock(root: Path) -> Iterator[None]:
    root.mkdir(parents=True, exist_ok=True)
    if fcntl is None:  # pragma: no cover - Windows
        yield
        return
    with open(root / ".lock", "a+") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _read_manifest(root: Path) -> IndexManifest | None:
    try:
        return IndexManifest.model_validate_json((root / MANIFEST_NAME).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValidationError):
        return None


def _write_manifest(root: Path, manifest: IndexManifest) -> None:
    fd, tmp = tempfile.mkstemp(dir=root, prefix=".manifest-", suffix=".json")
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(manifest.model_dump_json(indent=1))
    os.chmod(tmp, 0o644)  # mkstemp's 0600 would hide the manifest from others sharing the index
    os.replace(tmp, root / MANIFEST_NAME)


def _open_current(root: Path, fingerprint: str, expected: int, embeddings: Embeddings) -> Chroma | None:
    """The persisted build if it matches ``fingerprint`` and is intact, else None."""
    manifest = _read_manifest(root)
    if manifest is None or manifest.format != MANIFEST_FORMAT or manifest.fingerprint != fingerprint:
        return None
    path = root / manifest.directory
    if manifest.doc_count != expected or not (path / "chroma.sqlite3").is_file():
        return None
    try:
        client = chromadb.PersistentClient(path=str(path), settings=chroma_settings())
        collection = client.get_collection(manifest.collection)
        if collection.count() != expected:
            return None
        # A cheap read through the vector segment catches damaged files that count() does not touch.
        collection.peek(limit=1)
        return _store(client, manifest.collection, embeddings, create=False)
    except Exception:  # any Chroma failure means the build is unusable: rebuild, never crash
        return None


def _previous_vectors(root: Path, model: str) -> dict[str, list[float]]:
    """Vectors of the current build by passage text, so a rebuild embeds only new or changed text
    (an import adds official passages without re-embedding the corpus). Empty if unusable."""
    manifest = _read_manifest(root)
    if manifest is None or manifest.model != model or not (root / manifest.directory).is_dir():
        return {}
    try:
        client = chromadb.PersistentClient(path=str(root / manifest.directory), settings=chroma_settings())
        found = client.get_collection(manifest.collection).get(include=["documents", "embeddings"])
        texts = found["documents"] or []
        vectors = found["embeddings"] if found["embeddings"] is not None else []
        return {text: [float(x) for x in vector] for text, vector in zip(texts, vectors, strict=True) if text}
    except Exception:  # a damaged build simply gives nothing to reuse
        return {}


def _clean_old_builds(root: Path, keep: str) -> None:
    for entry in root.iterdir():
        if entry.name in (keep, MANIFEST_NAME, ".lock"):
            continue
        if entry.is_dir() and not entry.is_symlink():
            shutil.rmtree(entry, ignore_errors=True)
        else:
            with contextlib.suppress(OSError):
                entry.unlink()


def _prepare_root(data_dir: Path) -> Path:
    root = data_dir / INDEX_DIR_NAME
    if root.exists() and not root.is_dir():
        root.unlink()  # a stray file where our directory belongs
    root.mkdir(parents=True, exist_ok=True)
    for name in (MANIFEST_NAME, ".lock"):  # a directory where our file belongs would fail every build
        entry = root / name
        if entry.is_dir() and not entry.is_symlink():
            shutil.rmtree(entry, ignore_errors=True)
    return root


def _writable(root: Path) -> bool:
    """True if files can be created in ``root`` (or, while it does not exist, in its parent).
    A probe, not permission bits: those say nothing for root, read-only mounts or ACLs."""
    target = root if root.is_dir() else root.parent
    try:
        target.mkdir(parents=True, exist_ok=True)
        fd, probe = tempfile.mkstemp(dir=target, prefix=".probe-")
    except OSError:
        return False
    os.close(fd)
    with contextlib.suppress(OSError):
        os.unlink(probe)
    return True


def _copy_current_build(root: Path, target: Path) -> str | None:
    """Copy the build ``root``'s manifest names (and the manifest) into ``target``; its directory name,
    or None when there is no usable build to copy."""
    manifest = _read_manifest(root)
    if manifest is None or not (root / manifest.directory / "chroma.sqlite3").is_file():
        return None
    try:
        target.mkdir(parents=True, exist_ok=True)
        shutil.copytree(root / manifest.directory, target / manifest.directory, copy_function=shutil.copyfile)
        shutil.copyfile(root / MANIFEST_NAME, target / MANIFEST_NAME)
        for folder, _, _ in os.walk(target):  # copytree keeps the folders' read-only modes
            os.chmod(folder, 0o755)
    except OSError:
        shutil.rmtree(target, ignore_errors=True)
        return None
    return manifest.directory


def _open_read_only(
    root: Path,
    documents: Sequence[Document],
    fingerprint: str,
    embeddings: Embeddings,
    *,
    model: str,
    rebuild: bool,
    progress: bool,
    on_notice: Callable[[str], None] | None,
) -> Chroma:
    """Serve an index folder we may not write from a private copy, never touching the folder."""
    from assessment.templates import render_message  # the one renderer of prompts/ texts

    scratch = Path(tempfile.mkdtemp(prefix="soc2-ready-index-"))
    atexit.register(shutil.rmtree, scratch, ignore_errors=True)
    copied = _copy_current_build(root, scratch / INDEX_DIR_NAME) if root.is_dir() else None
    store = open_local_index(
        scratch, documents, fingerprint, embeddings, model=model, rebuild=rebuild, progress=progress
    )
    current = _read_manifest(scratch / INDEX_DIR_NAME)
    reused = copied is not None and current is not None and current.directory == copied
    if on_notice is not None:
        key = "index_read_only_copy" if reused else "index_read_only_rebuilt"
        on_notice(render_message(key, directory=str(root)))
    return store


def open_local_index(
    data_dir: Path,
    documents: Sequence[Document],
    fingerprint: str,
    embeddings: Embeddings,
    *,
    model: str,
    rebuild: bool = False,
    progress: bool = True,
    on_notice: Callable[[str], None] | None = None,
) -> Chroma:
    """The embedded Chroma store for ``documents``, reusing the persisted build when it matches.

    ``model`` identifies the embedding model; vectors of an older build made with the same model are
    reused for unchanged passages, except on an explicit ``rebuild``. When ``data_dir``'s index folder
    is read-only it is served from a private copy, and ``on_notice`` gets a message saying so.
    """
    if not _writable(data_dir / INDEX_DIR_NAME):
        return _open_read_only(
            data_dir / INDEX_DIR_NAME,
            documents,
            fingerprint,
            embeddings,
            model=model,
            rebuild=rebuild,
            progress=progress,
            on_notice=on_notice,
        )
    root = _prepare_root(data_dir)
    if not rebuild:
        store = _open_current(root, fingerprint, len(documents), embeddings)
        if store is not None:
            return store
    with _build_lock(root):
        if not rebuild:  # another process or thread may have built it while we waited
            store = _open_current(root, fingerprint, len(documents), embeddings)
            if store is not None:
                return store
        directory = f"{fingerprint[:12]}-{uuid.uuid4().hex[:8]}"
        name = _collection_name(fingerprint)
        known = {} if rebuild else _previous_vectors(root, model)
        client = chromadb.PersistentClient(path=str(root / directory), settings=chroma_settings())
        _fill(client, name, documents, embeddings, progress, known)
        store = _store(client, name, embeddings, create=False)
        manifest = IndexManifest(
            format=MANIFEST_FORMAT,
            fingerprint=fingerprint,
            model=model,
            directory=directory,
            collection=name,
            doc_count=len(documents),
        )
        _write_manifest(root, manifest)
        _clean_old_builds(root, keep=directory)
    return store


def open_remote_index(
    url: str,
    documents: Sequence[Document],
    fingerprint: str,
    embeddings: Embeddings,
    *,
    rebuild: bool = False,
    progress: bool = True,
) -> Chroma:
    """The collection on a Chroma server (``chroma run``) shared by several app replicas."""
    parsed = urlparse(url if "://" in url else f"http://{url}")
    if not parsed.hostname:
        raise ValueError(f"chroma_url {url!r} is not a URL like http://localhost:8000")
    ssl = parsed.scheme == "https"
    client = chromadb.HttpClient(
        host=parsed.hostname, port=parsed.port or (443 if ssl else 8000), ssl=ssl, settings=chroma_settings()
    )
    name = _collection_name(fingerprint)
    existing = {c.name if hasattr(c, "name") else str(c) for c in client.list_collections()}
    if name in existing and not rebuild and client.get_collection(name).count() == len(documents):
        return _store(client, name, embeddings, create=False)
    if name in existing:  # damaged (wrong count) or an explicit rebuild
        with contextlib.suppress(Exception):  # another replica may have deleted it first
            client.delete_collection(name)
    # Several replicas may start at once: each fills a collection of its own and renames it into
    # place, so no replica ever sees (or deletes) a half-filled collection under the shared name.
    staging = f"{name}_fill_{uuid.uuid4().hex[:8]}"
    _fill(client, staging, documents, embeddings, progress, {})
    try:
        client.get_collection(staging).modify(name=name)
    except Exception:
        if name not in {c.name for c in client.list_collections()}:
            raise
        client.delete_collection(staging)  # another replica got there first: use its collection
    return _store(client, name, embeddings, create=False)
