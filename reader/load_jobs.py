"""Jobs the app runs in a child process (no Qt): load and analyse a corpus, refresh its index.

`run(target, conn, cancel, *args)` sends ("progress", done, total, text) messages while it
works and ends with one message: ("ok", result), ("cancelled", None) or ("error", text).
"""

from __future__ import annotations

import contextlib
import threading
from pathlib import Path
from typing import Any

from reader.worker_process import watch_parent


def run(target: str, conn: Any, cancel: Any, *args: Any, watch: bool = True) -> None:
    """The child's entry point (`watch`: exit when the parent process is gone)."""
    import os

    if watch:
        watch_parent(os.getppid())
    try:
        if target == "load":
            result = _load(conn, cancel, *args)
        elif target == "index":
            result = _index(conn, cancel, *args)
        else:
            raise ValueError(f"unknown job {target}")
    except _Cancelled:
        _send(conn, ("cancelled", None))
    except BrokenPipeError:  # the app is gone: nobody to answer
        pass
    except Exception as exc:  # shown in the window, never a traceback
        _send(conn, ("error", f"{type(exc).__name__}: {exc}"))
    else:
        _send(conn, ("ok", result))
    finally:
        conn.close()


def _send(conn: Any, message: tuple) -> None:
    with contextlib.suppress(OSError):  # the app is gone (or closed the job): nobody to tell
        conn.send(message)


class _Cancelled(Exception):
    pass


def _load(conn: Any, cancel: Any, root: str, links: list, edits: list, db: str | None) -> Any:
    from reader.corpus.pipeline import (
        Cancelled,
        analyse_with_progress,
        analysis_parts_of,
        load_with_progress,
    )

    def progress(done: int, total: int, text: str) -> None:
        conn.send(("progress", done, total, text))

    store = _connect(db) if db else None
    try:
        corpus = _indexed_corpus(store, Path(root)) if store is not None else None
        from_index = corpus is not None
        try:
            if corpus is None:
                corpus = load_with_progress(Path(root), progress, cancel.is_set)
            parts = _cached_analysis(store, corpus, links, edits)
            if parts is None:
                parts = analysis_parts_of(
                    analyse_with_progress(corpus, links, edits, progress, cancel.is_set)
                )
                _keep_analysis(store, corpus, links, edits, parts)
        except Cancelled:
            raise _Cancelled from None
    finally:
        if store is not None:
            store.close()
    return corpus, parts, from_index


def _connect(db: str) -> Any:
    """A connection to the store (None when it cannot be used: the files are the truth)."""
    try:
        from reader.store.db import connect

        return connect(db)
    except Exception:
        return None


def _indexed_corpus(conn: Any, root: Path) -> Any:
    """The corpus from the index when it knows this folder (None: read the files)."""
    try:
        from reader.store.index import known_corpus, load_indexed_corpus

        if not known_corpus(conn, root):
            return None
        corpus = load_indexed_corpus(conn, root)
        return corpus if corpus.documents else None
    except Exception:
        return None


def _analysis_key(corpus: Any, links: list, edits: list) -> str:
    from reader.corpus.analysis_cache import code_version, signature
    from reader.corpus.topics import DEFAULT_THRESHOLD

    return signature(corpus, links, edits, DEFAULT_THRESHOLD, code_version())


def _cached_analysis(conn: Any, corpus: Any, links: list, edits: list) -> Any:
    """The analysis stored for exactly these documents, links and edits (None: a miss)."""
    if conn is None:
        return None
    from reader.corpus.analysis_cache import KIND, load

    try:
        row = conn.execute(
            "SELECT data FROM doc_cache WHERE sha256 = ? AND kind = ?",
            (_analysis_key(corpus, links, edits), KIND),
        ).fetchone()
        return load(bytes(row[0])) if row else None
    except Exception:  # unreadable or damaged: analyse again
        return None


def _keep_analysis(conn: Any, corpus: Any, links: list, edits: list, parts: Any) -> None:
    """Store the analysis for the next opening (the three newest are kept)."""
    if conn is None:
        return
    from reader.corpus.analysis_cache import KIND, dump
    from reader.store.db import transaction

    try:
        blob = dump(*parts)
        with transaction(conn):
            conn.execute(
                "DELETE FROM doc_cache WHERE kind = ? AND sha256 NOT IN (SELECT sha256 FROM "
                "doc_cache WHERE kind = ? ORDER BY created DESC LIMIT 2)",
                (KIND, KIND),
            )
            conn.execute(
                "INSERT INTO doc_cache(sha256, kind, version, data, created) "
                "VALUES (?, ?, 1, ?, datetime('now'))",
                (_analysis_key(corpus, links, edits), KIND, blob),
            )
    except Exception:  # a full or read-only store: the next opening analyses again
        pass


def _index(conn: Any, cancel: Any, root: str, db: str) -> Any:
    from reader.store.index import IndexProgress, refresh_corpus

    stop = threading.Event()

    def watch_cancel() -> None:
        cancel.wait()
        stop.set()

    threading.Thread(target=watch_cancel, daemon=True).start()

    def on_progress(p: IndexProgress) -> None:
        what = "indexing" if p.phase == 1 else "entities"  # phase 2 counts files again
        conn.send(("progress", p.done, p.total, f"{what} {p.mb_per_s:.1f} MB/s"))

    return refresh_corpus(root, db, progress=on_progress, cancel=stop)


def align_with_links(docs: list, index: Any, links: list) -> Any:
    """A topic's alignment with the reader's stored alignment links as fixed points (a worker
    process's job; `links` are `AlignmentLink`s read from the store beforehand)."""
    from reader.corpus.pipeline import align_documents

    if not links or len(docs) < 2:
        return align_documents(docs, index)
    from reader.corpus.align import align_topic
    from reader.store.alignment_links import user_alignment

    return align_topic(docs, index, user=user_alignment(links))
