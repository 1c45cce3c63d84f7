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
    from reader.store.analysis_store import keep_analysis, stored_analysis

    def progress(done: int, total: int, text: str) -> None:
        conn.send(("progress", done, total, text))

    store = _connect(db) if db else None
    try:
        corpus = _indexed_corpus(store, Path(root)) if store is not None else None
        from_index = corpus is not None
        try:
            if corpus is None:
                corpus = load_with_progress(Path(root), progress, cancel.is_set)
            parts = stored_analysis(store, corpus, links, edits)
            if parts is None:
                entities = _indexed_entities(store, corpus, links)
                parts = analysis_parts_of(
                    analyse_with_progress(
                        corpus, links, edits, progress, cancel.is_set, entities=entities
                    )
                )
                keep_analysis(store, corpus, links, edits, parts)
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


def _indexed_entities(conn: Any, corpus: Any, links: list) -> Any:
    """The corpus's entities from the index when phase 2 is complete there (None: in memory)."""
    if conn is None:
        return None
    try:
        from reader.store.index.entities import entities_from_index

        return entities_from_index(conn, corpus, links)
    except Exception:
        return None


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

    user = user_alignment(links)
    aligned = align_topic(docs, index, user=user)
    aligned.lost = sorted(user.lost)  # type: ignore[attr-defined]
    return aligned


def same_language_diffs(pairs: list) -> dict[str, list[tuple[int, int, str]]]:
    """Word edits of aligned passages, as marks per document: for each (doc_a, doc_b,
    alignment) in `pairs`, text only in a is `delete`, only in b `insert`, changed
    `replace` (a worker process's job; spans in code points of each reading text)."""
    from reader.corpus.align.compare import pair_diffs

    marks: dict[str, list[tuple[int, int, str]]] = {}
    for doc_a, doc_b, alignment in pairs:
        mine_a = marks.setdefault(doc_a.id, [])
        mine_b = marks.setdefault(doc_b.id, [])
        for edits in pair_diffs(doc_a, doc_b, alignment):
            for e in edits:
                if e.a[1] > e.a[0]:
                    mine_a.append((*e.a, "delete" if e.op == "delete" else "replace"))
                if e.b[1] > e.b[0]:
                    mine_b.append((*e.b, "insert" if e.op == "insert" else "replace"))
    return {d: sorted(set(m)) for d, m in marks.items()}
