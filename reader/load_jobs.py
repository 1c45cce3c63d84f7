"""Jobs the app runs in a child process (no Qt): load and analyse a corpus, refresh its index.

`run(target, conn, cancel, *args)` sends ("progress", done, total, text) messages while it
works and ends with one message: ("ok", result), ("cancelled", None) or ("error", text).
A load whose analysis takes a while also sends ("corpus", corpus, from_index) once the
documents are read, so the window can show them while entities and topics are found.
"""

from __future__ import annotations

import contextlib
import gc
import threading
import time
from collections.abc import Iterator
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
        elif target == "analyse":
            result = _analyse(conn, cancel, *args)
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


# A corpus with at least this much text whose analysis is neither stored nor in the index is
# shown before it is analysed (its analysis takes seconds); smaller ones are analysed at once.
SHOW_BEFORE_ANALYSIS_CHARS = 1_000_000
# An indexed corpus with more text than this is not analysed in memory (about 35 bytes of
# memory a character of text: 30 MB of text would take a gigabyte): it is shown at once and its
# entities and topics come from the index once phase 2 has read it (`WAIT_FOR_INDEX`).
IN_MEMORY_MAX_CHARS = 30_000_000
WAIT_FOR_INDEX = "wait-for-index"  # the parts of a load that waits for the index's phase 2
TOO_BIG = "too-big"  # parts (TOO_BIG, why): the machine has too little memory to analyse it
# Memory the analysis takes a character of reading text, at most: from the texts in memory
# about 35 bytes; from the index, streamed a document at a time, about 4 (1.25 GB for the
# 308 million characters of 100,000 generated documents).
IN_MEMORY_BYTES_PER_CHAR = 35
FROM_INDEX_BYTES_PER_CHAR = 5


def _load(
    conn: Any,
    cancel: Any,
    root: str,
    links: list,
    edits: list,
    db: str | None,
    analyse_here: bool = True,
) -> Any:
    """(corpus, parts, from_index). When the analysis will take a while the corpus is sent
    first as ("corpus", corpus, from_index) and the result's corpus is None; without
    `analyse_here` the job then ends with parts None (another job analyses it), and for an
    indexed corpus too big to analyse in memory with parts WAIT_FOR_INDEX."""
    from reader.corpus.pipeline import Cancelled, load_with_progress
    from reader.store.analysis_store import stored_analysis

    def progress(done: int, total: int, text: str) -> None:
        conn.send(("progress", done, total, text))

    store = _connect(db) if db else None
    try:
        with _no_collection():
            corpus = _indexed_corpus(store, Path(root)) if store is not None else None
        from_index = corpus is not None
        try:
            if corpus is None:
                corpus = load_with_progress(Path(root), progress, cancel.is_set)
            with _no_collection():
                parts = stored_analysis(store, corpus, links, edits)
            if parts is not None:
                return corpus, parts, from_index
            too_big = from_index and _too_big_for_memory(corpus)
            complete = from_index and _entities_complete(store, corpus)
            short = _short_of_memory(corpus, too_big or complete)  # from the index, or not
            if short:
                conn.send(("corpus", corpus, from_index))
                return None, (TOO_BIG, short), from_index
            if too_big and not complete:
                conn.send(("corpus", corpus, from_index))
                return None, WAIT_FOR_INDEX, from_index
            if _slow_to_analyse(corpus):  # shown first; entities from the index if it has them
                conn.send(("corpus", corpus, from_index))
                if not analyse_here:
                    return None, None, from_index
                return None, _analyse_corpus(conn, cancel, corpus, links, edits, store), from_index
            return corpus, _analyse_corpus(conn, cancel, corpus, links, edits, store), from_index
        except Cancelled:
            raise _Cancelled from None
    finally:
        if store is not None:
            store.close()


@contextlib.contextmanager
def _no_collection() -> Iterator[None]:
    """The cyclic garbage collector paused: reading 100,000 documents or topics makes objects
    without cycles, which it would only scan again and again."""
    collecting = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if collecting:
            gc.enable()


def _short_of_memory(corpus: Any, from_index: bool) -> str:
    """Why this machine cannot analyse `corpus` now, from the index or from its texts in
    memory ("" when it can, or cannot tell)."""
    chars = sum(d.chars for d in corpus.documents)
    need = chars * (FROM_INDEX_BYTES_PER_CHAR if from_index else IN_MEMORY_BYTES_PER_CHAR)
    free = available_memory()
    if free is None or need <= free:
        return ""
    return (
        f"Entities and topics of {chars / 1e6:,.0f} million characters need about "
        f"{need / 2**30:,.1f} GB of memory and {free / 2**30:,.1f} GB are free: the documents "
        "can be read and searched; close other programs and open the folder again"
    )


def available_memory() -> int | None:
    """Bytes of memory free for a new process (Linux `MemAvailable`; None elsewhere)."""
    try:
        with open("/proc/meminfo", encoding="ascii") as f:
            for line in f:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    return None


def _entities_complete(store: Any, corpus: Any) -> bool:
    """Whether the index has every document's entity facts (phase 2 done)."""
    if store is None:
        return False
    try:
        from reader.store.index.status import index_status

        return index_status(store, corpus.root).entities_complete
    except Exception:
        return False


def _too_big_for_memory(corpus: Any) -> bool:
    return sum(d.chars for d in corpus.documents) > IN_MEMORY_MAX_CHARS


def _slow_to_analyse(corpus: Any) -> bool:
    return sum(d.chars for d in corpus.documents) >= SHOW_BEFORE_ANALYSIS_CHARS


def _analyse(
    conn: Any, cancel: Any, corpus: Any, links: list, edits: list, db: str | None, from_index: bool
) -> Any:
    """The analysis of a corpus already shown (the `load` job ended early): (None, parts,
    from_index)."""
    from reader.corpus.pipeline import Cancelled

    store = _connect(db) if db else None
    try:
        return None, _analyse_corpus(conn, cancel, corpus, links, edits, store), from_index
    except Cancelled:
        raise _Cancelled from None
    finally:
        if store is not None:
            store.close()


def _analyse_corpus(
    conn: Any,
    cancel: Any,
    corpus: Any,
    links: list,
    edits: list,
    store: Any,
    entities: Any = None,
) -> Any:
    """Entities and topics of `corpus` (from the index's entities when given), kept in the
    store for the next opening; the analysis parts."""
    from reader.corpus.pipeline import analyse_with_progress, analysis_parts_of
    from reader.store.analysis_store import keep_and_read_back

    def progress(done: int, total: int, stage: str) -> None:
        conn.send(("progress", done, total, f"finding {stage}"))

    if entities is None:
        entities = _indexed_entities(store, corpus, links)  # None: found from the texts
    found = analyse_with_progress(corpus, links, edits, progress, cancel.is_set, entities=entities)
    parts = analysis_parts_of(found)
    del found
    return keep_and_read_back(store, corpus, links, edits, parts)  # a big one: as stored


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
        corpus = load_indexed_corpus(conn, root, lazy=True)
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


CANCEL_POLL_S = 0.05  # how often a job in a child process looks whether it was cancelled


def _index(conn: Any, cancel: Any, root: str, db: str) -> Any:
    from reader.store.index import IndexProgress, refresh_corpus

    stop = threading.Event()

    def watch_cancel() -> None:
        # Polled, never waited on: a process that ends while it waits on a multiprocessing
        # Event leaves a sleeper nobody wakes, and the app's `set()` (a Cancel, the window
        # closing) would then wait for it for ever.
        while not cancel.is_set():
            time.sleep(CANCEL_POLL_S)
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


PENDING_TOPIC = "pending:"  # the id prefix of the provisional topics


def provisional_analysis(corpus: Any) -> Any:
    """An analysis of `corpus` to read while its entities and topics are found: no entities,
    each document its own provisional topic (ids start with `PENDING_TOPIC`)."""
    from reader.corpus.entities import EntityIndex
    from reader.corpus.pipeline import Analysis
    from reader.corpus.topics import BaseTopics, Topic

    topics = [
        Topic(f"{PENDING_TOPIC}{d.id}", f"{d.title} (topics coming)", [d.id], origin="pending")
        for d in corpus.documents
    ]
    return Analysis(corpus, EntityIndex([], {}), BaseTopics(list(topics), [], {}), topics)


def is_provisional(analysis: Any) -> bool:
    """True for an analysis made by `provisional_analysis` (entities and topics still coming)."""
    topics = getattr(analysis, "topics", None) or []
    return bool(topics) and topics[0].id.startswith(PENDING_TOPIC)
