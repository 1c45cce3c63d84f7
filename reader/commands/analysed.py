"""The analysed corpus (documents, shared entities, topics) that `topics`, `entities`,
`coverage`, `compare --topic` and `tmx` read: one path, the same as the app's.

With a store in use the corpus comes from the refreshed index and the analysis from the store
when nothing it depends on changed (see `reader.store.analysis_store`); else the entities come
from the index's stored facts and options, recomputing only what changed
(`reader.store.index.entities`), and the new analysis is kept for the next command or the app.
Without a store the files are read and analysed.
"""

from __future__ import annotations

import gc
import os
from pathlib import Path

from reader.cli import Refused, UsageError
from reader.commands.progress import read_corpus
from reader.corpus.pipeline import Analysis, analyse, analysis_parts_of, from_parts
from reader.corpus.topics import DEFAULT_THRESHOLD, ManifestError, Topic, read_manifest
from reader.store.db import StoreError
from reader.store.indexed import store_in_use
from reader.store.user_edits import stored_user_edits


def analysed_corpus(
    root: Path,
    db: str | os.PathLike[str] | None,
    threshold: float = DEFAULT_THRESHOLD,
    *,
    strict_manifest: bool = True,
    refreshed: bool = False,
) -> Analysis:
    """The analysis of the corpus at `root` with the user's links and edits.

    UsageError for a broken `topics.toml` (with `strict_manifest`; else a warning of the
    analysis), Refused when the store is refused. `refreshed`: the caller has just brought
    the index of `root` in store `db` up to date (`index`), so it is read as it is.
    """
    # Millions of small objects and no cycles among them: the cyclic collector would only
    # scan them again and again as the analysis grows (a third of the time on 5,000
    # documents).
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _analysed_corpus(root, db, threshold, strict_manifest, refreshed)
    finally:
        if collecting:
            # What the analysis made stays until the command ends: set aside, not scanned
            # again by the first collections once enabled (0.1 s on 5,000 documents).
            gc.freeze()
            gc.enable()


def _analysed_corpus(
    root: Path,
    db: str | os.PathLike[str] | None,
    threshold: float,
    strict_manifest: bool,
    refreshed: bool,
) -> Analysis:
    if strict_manifest:
        try:
            read_manifest(root)
        except ManifestError as exc:
            raise UsageError(str(exc)) from exc
    in_use = store_in_use(db)
    if in_use and refreshed:  # checked when `index` opened it, then written by its refresh
        _written_here(db)
    try:
        links, edits = stored_user_edits(db)
        corpus = _indexed(root, db) if refreshed else read_corpus(root, db)
    except StoreError as exc:
        raise Refused(str(exc)) from exc
    if in_use:  # the refresh wrote it: not checked again below
        _written_here(db)
    conn = _connection(db) if in_use else None
    try:
        from reader.store.analysis_store import keep_and_read_back, stored_analysis

        parts = stored_analysis(conn, corpus, links, edits, threshold)
        if parts is not None:
            return from_parts(corpus, parts)
        from reader.store.index.entities import entities_from_index

        entities = entities_from_index(conn, corpus, links)
        try:
            found = analyse(
                corpus,
                links,
                edits,
                threshold=threshold,
                strict_manifest=strict_manifest,
                entities=entities,
            )
        except ManifestError as exc:  # changed since it was checked above
            raise UsageError(str(exc)) from exc
        parts = analysis_parts_of(found)
        kept = keep_and_read_back(conn, corpus, links, edits, parts, threshold)
        if kept is parts:
            return found
        del found, parts  # a big corpus's analysis is read back from the store: let go
        return from_parts(corpus, kept)
    finally:
        if conn is not None:
            conn.close()


def topic_of(found: Analysis, topic_id: str) -> Topic:
    """The topic `topic_id` of an analysis; UsageError naming the known ids otherwise."""
    for topic in found.topics:
        if topic.id == topic_id:
            return topic
    known = ", ".join(t.id for t in found.topics[:8])
    more = " …" if len(found.topics) > 8 else ""
    raise UsageError(f"no topic {topic_id!r} (topics: {known}{more}; see `topics`)")


def _indexed(root: Path, db: str | os.PathLike[str] | None):
    """The corpus as the index in `db` has it, not refreshed."""
    from reader.store.db import connect
    from reader.store.index import load_indexed_corpus

    conn = connect(db)
    try:
        return load_indexed_corpus(conn, root, lazy=True)
    finally:
        conn.close()


def _written_here(db: str | os.PathLike[str] | None) -> None:
    """The store, found sound by this process and since written by it, is taken as checked
    as it is now (`store_checks.written_here`): what it wrote is not checked again (twice in
    `index`, 0.17 s of 5,000 documents)."""
    from reader.store.db import resolve_path
    from reader.store.store_checks import written_here

    written_here(resolve_path(db))


def _connection(db: str | os.PathLike[str] | None):
    """A connection to write the analysis with (None when the store cannot be opened)."""
    from reader.store.db import connect

    try:
        return connect(db)
    except Exception:
        return None
