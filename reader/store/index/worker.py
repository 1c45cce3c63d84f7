"""Processing one file into what the index stores (runs in worker processes): a pure
function of the file's bytes and the pipeline version."""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import signal
import threading
from pathlib import Path

from reader.corpus.loading import MAX_FILE_BYTES, LoadError, inside_root, load_document
from reader.corpus.model import Document
from reader.corpus.passages import passage_sentences
from reader.corpus.search import Shadow, document_shadows
from reader.store.index.model import _Result, _spans_blob, file_format

# --- processing (runs in worker processes) -------------------------------------------------


def _candidates_json(doc: Document) -> bytes | None:
    """Entity candidates of `doc` as JSON rows, or None when the entity module is missing."""
    try:
        from reader.corpus.entities import document_candidates

        found = document_candidates(doc)
    except Exception:  # entities are optional here: the analysis computes them when missing
        return None
    rows = [[c.start, c.end, c.text, c.key, c.kind] for c in found]
    return json.dumps(rows, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def _document_json(doc: Document) -> bytes:
    data = {
        "title": doc.title,
        "language": doc.language,
        "script": doc.script,
        "encoding": doc.encoding,
        "warnings": doc.warnings,
        "links": [[link.start, link.end, link.href] for link in doc.links],
        "passages": [
            [p.start, p.end, p.kind, list(p.source_lines) if p.source_lines else None]
            + ([p.extra()] if p.extra() else [])
            for p in doc.passages
        ],
        "text": doc.text,
    }
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


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
    rows = [
        (
            sh.passage,
            doc.passages[sh.passage].start,
            doc.passages[sh.passage].end,
            sh.text,
            sh.inner_text,
            _spans_blob(sh.spans),
        )
        for sh in shadows
        if sh.tokens
    ]
    return _Result(
        rel,
        size,
        mtime_ns,
        doc.sha256,
        fmt,
        document=_document_json(doc),
        sentences=json.dumps(sentences, separators=(",", ":")).encode("ascii"),
        candidates=_candidates_json(doc) if entities else None,
        language=doc.language,
        shadows=rows,
    )


def _process_chunk(root: str, rels: list[str], entities: bool) -> list[_Result]:
    return [process_file(root, rel, entities) for rel in rels]


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
