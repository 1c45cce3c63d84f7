"""Processing one file into what the index stores (runs in worker processes): a pure
function of the file's bytes and the pipeline version."""

from __future__ import annotations

import contextlib
import hashlib
import os
import signal
import threading
from pathlib import Path

import orjson

from reader.corpus.loading import (
    MAX_FILE_BYTES,
    LoadError,
    document_from_bytes,
    inside_root,
    load_document,
)
from reader.corpus.model import Document
from reader.corpus.passages import passage_sentences
from reader.corpus.search import Shadow, document_shadows, has_unspaced
from reader.store.index.model import (
    _DAMAGED,
    _document_from_json,
    _document_json,
    _meta_json,
    _Result,
    file_format,
    pack,
    pack_passage,
)

# --- processing (runs in worker processes) -------------------------------------------------


def _facts_blob(doc: Document) -> bytes | None:
    """Entity facts of `doc` (`reader.corpus.entity_facts`) packed, or None when they cannot
    be made (the analysis then finds entities from the texts)."""
    try:
        from reader.corpus.entity_facts import document_facts
        from reader.corpus.facts_codec import encode_facts

        return encode_facts(document_facts(doc))
    except Exception:  # entities are optional here: the analysis computes them when missing
        return None


def process_file(root: str, rel: str, entities: bool = True) -> _Result:
    """Read and process one file of the corpus (any error becomes a skipped-file reason)."""
    path = Path(root) / rel
    fmt = file_format(rel)
    try:
        before = path.stat()
    except OSError as exc:
        return _Result(rel, 0, -1, "", fmt, error=f"unreadable: {exc.strerror or exc}")
    try:
        doc = load_document(path, Path(root), MAX_FILE_BYTES)
    except LoadError as exc:
        readable = before.st_size <= MAX_FILE_BYTES and inside_root(path, Path(root))
        sha = _sha256_or_empty(path) if readable else ""
        return _Result(rel, before.st_size, before.st_mtime_ns, sha, fmt, error=str(exc))
    except Exception as exc:
        reason = f"could not be read: {type(exc).__name__}: {exc}"
        return _Result(rel, before.st_size, before.st_mtime_ns, "", fmt, error=reason)
    mtime_ns = before.st_mtime_ns
    with contextlib.suppress(OSError):
        after = path.stat()
        if (after.st_size, after.st_mtime_ns) != (before.st_size, before.st_mtime_ns):
            mtime_ns = -1  # changed while being read: the next run looks again
    return _derive(doc, rel, fmt, before.st_size, mtime_ns, entities)


def process_bytes(rel: str, data: bytes, mtime_ns: int, entities: bool = False) -> _Result:
    """Process one file given as its bytes: a pure function of `rel` (its name decides the
    format) and `data`, for workers that do not see the corpus folder (a cluster)."""
    fmt = file_format(rel)
    try:
        if len(data) > MAX_FILE_BYTES:
            limit = MAX_FILE_BYTES / 2**20
            raise LoadError(f"too large: {len(data) / 2**20:.1f} MB (limit {limit:g} MB)")
        if not data:
            raise LoadError("empty file")
        doc = document_from_bytes(rel, data)
    except LoadError as exc:
        sha = hashlib.sha256(data).hexdigest() if len(data) <= MAX_FILE_BYTES else ""
        return _Result(rel, len(data), mtime_ns, sha, fmt, error=str(exc))
    except Exception as exc:
        reason = f"could not be read: {type(exc).__name__}: {exc}"
        return _Result(rel, len(data), mtime_ns, "", fmt, error=reason)
    return _derive(doc, rel, fmt, len(data), mtime_ns, entities)


def _sha256_or_empty(path: Path) -> str:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return ""


def _derive(doc: Document, rel: str, fmt: str, size: int, mtime_ns: int, entities: bool) -> _Result:
    sentences = [
        [s, e] for p in doc.passages for s, e in passage_sentences(doc.text, p, doc.language)
    ]
    shadows: list[Shadow] = document_shadows(doc)
    unspaced = has_unspaced(doc.text)  # else no word has inner suffixes: skip looking
    rows = []
    for sh in shadows:
        if sh.tokens:
            p, words = doc.passages[sh.passage], sh.text
            inner = sh.inner_text if unspaced else ""
            packed = pack_passage(sh.tokens, sh.spans, words)
            rows.append((sh.passage, p.start, p.end, words, inner, packed))
    return _Result(
        rel,
        size,
        mtime_ns,
        doc.sha256,
        fmt,
        document=_document_json(doc),
        meta=_meta_json(doc),
        sentences=pack(orjson.dumps(sentences)),
        facts=_facts_blob(doc) if entities else None,
        language=doc.language,
        shadows=rows,
    )


def _process_chunk(root: str, rels: list[str], entities: bool) -> list[_Result]:
    return [process_file(root, rel, entities) for rel in rels]


def process_shipped(items: list[tuple[str, bytes, int]]) -> list[_Result]:
    """Phase 1 of files shipped as (path, bytes, mtime_ns): what a cluster worker runs."""
    return [process_bytes(rel, data, mtime_ns) for rel, data, mtime_ns in items]


Phase2Item = tuple[str, str, str, bytes]  # path, sha256, format, stored document
Phase2Result = tuple[str, str, bytes | None]  # sha256, format, packed facts (None: failed)


def facts_chunk(items: list[Phase2Item]) -> list[Phase2Result]:
    """Phase 2: entity facts of documents given in their stored form (a pure function of the
    stored document, run in worker processes or on a cluster)."""
    out: list[Phase2Result] = []
    for rel, sha, fmt, blob in items:
        try:
            doc = _document_from_json(rel, sha, fmt, blob, None)
        except _DAMAGED:
            out.append((sha, fmt, None))
            continue
        out.append((sha, fmt, _facts_blob(doc)))
    return out


def _worker_init() -> None:
    # Ctrl+C goes to the whole process group: the parent decides what to do, workers go on.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    # A parent that is killed cannot stop its workers: they stop when it is gone.
    import multiprocessing
    from multiprocessing.connection import wait as wait_for

    parent = multiprocessing.parent_process()
    if parent is not None:

        def watch() -> None:
            wait_for([parent.sentinel])
            os._exit(1)

        threading.Thread(target=watch, name="parent-watch", daemon=True).start()
