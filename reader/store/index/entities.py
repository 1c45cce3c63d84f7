"""Entities of an indexed corpus from what the index stores, incrementally.

Phase 2 of the index stores each document's facts (`reader.corpus.entity_facts`: name units,
word bounds, its vocabulary contribution). From them:

- the vocabulary of every language of a folder is kept in `entity_vocab` with the contents it
  counts in `entity_vocab_docs`; a refresh that changed files changes the counts by the words of
  those files only (the facts of a content that left stay until its words are taken out);
- each document's options are kept per content (`index.options.<format>`) with the answers of
  the vocabulary they used; they are computed again only for documents whose answers changed;
- the corpus-level decisions (shared keys, overlapping options, links across scripts) are made
  over the stored options, exactly as `find_entities` makes them in memory: same JSON.
"""

from __future__ import annotations

import json
import sqlite3
import time
import zlib
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from reader.corpus.candidates import Option
from reader.corpus.document_units import Analysis
from reader.corpus.entities import EntityIndex
from reader.corpus.entity_facts import (
    CorpusVocabulary,
    analysis_from_facts,
    answers_hold,
    document_options,
)
from reader.corpus.facts_codec import decode_facts
from reader.corpus.gazetteer import gazetteer_for
from reader.corpus.model import Corpus, Document
from reader.corpus.phonetic import PHONETIC_SCRIPTS
from reader.corpus.text import UNSPACED_SCRIPTS
from reader.store.db import StoreError, transaction
from reader.store.index.model import (
    KIND_FACTS,
    KIND_OPTIONS,
    corpus_root,
    facts_version,
    pack,
    unpack,
)
from reader.store.index.options_codec import StoredOptions, options_row

_DAMAGED = (ValueError, KeyError, TypeError, IndexError, json.JSONDecodeError, zlib.error)


def facts_blob(facts: dict[str, Any]) -> bytes:
    return pack(json.dumps(facts, ensure_ascii=False, separators=(",", ":")).encode("utf-8"))


def _load(blob: bytes) -> Any:
    return json.loads(unpack(bytes(blob)))


def _facts(
    conn: sqlite3.Connection, sha: str, fmt: str, vocab: bool = True, analysis: bool = True
) -> dict[str, Any] | None:
    """The stored facts of one content (None: not there, older or damaged); without their
    vocabulary when `vocab` is False, with only it when `analysis` is False."""
    row = conn.execute(
        "SELECT data FROM doc_cache WHERE sha256 = ? AND kind = ? AND version = ?",
        (sha, f"{KIND_FACTS}.{fmt}", facts_version()),
    ).fetchone()
    try:
        return decode_facts(row[0], vocab, analysis) if row else None
    except _DAMAGED:
        return None


def _has_facts(conn: sqlite3.Connection, d: Document) -> bool:
    return (
        conn.execute(
            "SELECT 1 FROM doc_cache WHERE sha256 = ? AND kind = ? AND version = ?",
            (d.sha256, f"{KIND_FACTS}.{d.format}", facts_version()),
        ).fetchone()
        is not None
    )


def phonetic_analyses(
    conn: sqlite3.Connection, documents: Sequence[Document]
) -> list[Analysis] | None:
    """What links across scripts need of the documents in scripts linked by sound: each one's
    word bounds, read from its stored facts only when it has a partner (None when a document
    lacks its facts)."""
    analyses = []
    for d in documents:
        if d.script in PHONETIC_SCRIPTS:
            if not _has_facts(conn, d):
                return None
            words = _StoredWords(conn, d) if d.script in UNSPACED_SCRIPTS else None
            analyses.append(Analysis(d, [], [], words))  # type: ignore[arg-type]
    return analyses


class _StoredWords(Sequence[tuple[int, int]]):
    """A document's word bounds, read from its stored facts when first used."""

    __slots__ = ("_conn", "_doc", "_words")

    def __init__(self, conn: sqlite3.Connection, doc: Document) -> None:
        self._conn, self._doc = conn, doc
        self._words: list[tuple[int, int]] | None = None

    def _read(self) -> list[tuple[int, int]]:
        if self._words is None:
            facts = _facts(self._conn, self._doc.sha256, self._doc.format, vocab=False)
            words = analysis_from_facts(self._doc, facts).words if facts else None
            self._words = words or []
        return self._words

    def __getitem__(self, i):  # type: ignore[no-untyped-def]
        return self._read()[i]

    def __len__(self) -> int:
        return len(self._read())

    def __iter__(self) -> Iterator[tuple[int, int]]:
        return iter(self._read())


# --------------------------------------------------------------------------- vocabulary


def corpus_vocabulary(conn: sqlite3.Connection, corpus: Corpus) -> CorpusVocabulary | None:
    """The vocabulary of the corpus's documents, brought up to date from the stored one by the
    documents that came and went; None when a document has no facts (phase 2 not done)."""
    key = corpus_root(corpus.root)
    version = facts_version()
    now = Counter((d.sha256, d.format) for d in corpus.documents)
    language = {(d.sha256, d.format): d.language for d in corpus.documents}
    vocab, before, was = _stored_vocabulary(conn, key, version)
    stored = (before, was)  # the rows stored: only those that differ are written again
    if vocab is None:
        vocab, before, stored = CorpusVocabulary(), Counter(), None
    language = {**was, **language}
    if before == now:
        return vocab
    changes = [(c, now[c] - before[c]) for c in now.keys() | before.keys() if now[c] != before[c]]
    gone: list[tuple[str, str]] = []
    for (sha, fmt), times in sorted(changes):
        facts = _facts(conn, sha, fmt, analysis=False)
        if facts is None:
            if times > 0:
                return None  # not analysed yet
            return _rebuilt(conn, key, corpus, now, language)  # lost what to take out
        vocab.add(language[(sha, fmt)], facts, times)
        if now[(sha, fmt)] == 0:
            gone.append((sha, fmt))
    _keep_vocabulary(conn, key, vocab, now, language, gone, stored)
    return vocab


def _rebuilt(
    conn: sqlite3.Connection,
    key: str,
    corpus: Corpus,
    now: Counter[tuple[str, str]],
    language: dict[tuple[str, str], str],
) -> CorpusVocabulary | None:
    vocab = CorpusVocabulary()
    for (sha, fmt), times in now.items():
        facts = _facts(conn, sha, fmt, analysis=False)
        if facts is None:
            return None
        vocab.add(language[(sha, fmt)], facts, times)
    _keep_vocabulary(conn, key, vocab, now, language, [])
    return vocab


def _stored_vocabulary(
    conn: sqlite3.Connection, key: str, version: int
) -> tuple[CorpusVocabulary | None, Counter[tuple[str, str]], dict[tuple[str, str], str]]:
    """The stored counts of folder `key`, the contents they count and their languages."""
    row = conn.execute("SELECT version, data FROM entity_vocab WHERE root = ?", (key,)).fetchone()
    if row is None or row[0] != version:
        return None, Counter(), {}
    try:
        vocab = CorpusVocabulary.from_json(_load(row[1]))
    except _DAMAGED:
        return None, Counter(), {}
    members: Counter[tuple[str, str]] = Counter()
    languages: dict[tuple[str, str], str] = {}
    for sha, fmt, lang, n in conn.execute(
        "SELECT sha256, format, language, n FROM entity_vocab_docs WHERE root = ?", (key,)
    ):
        members[(sha, fmt)] = n
        languages[(sha, fmt)] = lang
    return vocab, members, languages


def _keep_vocabulary(
    conn: sqlite3.Connection,
    key: str,
    vocab: CorpusVocabulary,
    now: Counter[tuple[str, str]],
    language: dict[tuple[str, str], str],
    gone: Iterable[tuple[str, str]],
    stored: tuple[Counter[tuple[str, str]], dict[tuple[str, str], str]] | None = None,
) -> None:
    """Store the counts and what they count (nothing lost when the store cannot be written:
    the next run counts again); `stored`: the contents counted in the store and their
    languages (only the rows of contents that differ are written)."""
    if stored is None:
        stale, fresh = None, list(now.items())
    else:
        before, was = stored

        def moved(c: tuple[str, str]) -> bool:
            return now.get(c, 0) != before.get(c, 0) or was.get(c) != language.get(c)

        stale = [c for c in before if moved(c)]
        fresh = [(c, n) for c, n in now.items() if moved(c)]
    try:
        with transaction(conn):
            conn.execute(
                "INSERT OR REPLACE INTO entity_vocab (root, version, data) VALUES (?, ?, ?)",
                (key, facts_version(), facts_blob(vocab.to_json())),
            )
            if stale is None:
                conn.execute("DELETE FROM entity_vocab_docs WHERE root = ?", (key,))
            else:
                conn.executemany(
                    "DELETE FROM entity_vocab_docs WHERE root = ? AND sha256 = ? AND format = ?",
                    [(key, sha, fmt) for sha, fmt in stale],
                )
            conn.executemany(
                "INSERT INTO entity_vocab_docs (root, sha256, format, language, n) "
                "VALUES (?, ?, ?, ?, ?)",
                [(key, sha, fmt, language[(sha, fmt)], n) for (sha, fmt), n in fresh],
            )
            # The facts of contents no folder holds any more were kept for this: drop them.
            conn.executemany(
                "DELETE FROM doc_cache WHERE sha256 = ? AND kind IN (?, ?) AND NOT EXISTS "
                "(SELECT 1 FROM index_files WHERE sha256 = ? AND format = ?) AND NOT EXISTS "
                "(SELECT 1 FROM entity_vocab_docs WHERE sha256 = ? AND format = ?)",
                [
                    (sha, f"{KIND_FACTS}.{fmt}", f"{KIND_OPTIONS}.{fmt}", sha, fmt, sha, fmt)
                    for sha, fmt in gone
                ],
            )
    except (sqlite3.Error, StoreError):
        pass


# --------------------------------------------------------------------------- entities


def entities_from_index(
    conn: sqlite3.Connection | None, corpus: Corpus, links: Sequence[tuple[str, str, bool]] = ()
) -> EntityIndex | None:
    """The corpus's entities from the index when its phase 2 is complete (None: find them in
    memory from the texts). Never raises: a damaged or locked store is a miss."""
    if conn is None or not corpus.documents:
        return None
    try:
        from reader.store.index.status import index_status

        if not index_status(conn, corpus.root).entities_complete:
            return None
        links = [tuple(x) for x in links]
        from reader.corpus.resolution_state import STATE_DOCUMENTS

        if len(corpus.documents) <= STATE_DOCUMENTS:  # updated from the last analysis
            from reader.store.analysis_store import previous_resolution
            from reader.store.index.resolved import stateful_entities

            try:
                return stateful_entities(
                    conn, corpus, links, previous_resolution(conn, corpus, links)
                )
            except _DAMAGED:  # a row changed while read, or damaged: without the state
                pass
        return indexed_entities(conn, corpus, links)
    except (sqlite3.Error, StoreError):
        return None


def indexed_entities(
    conn: sqlite3.Connection,
    corpus: Corpus,
    links: Sequence[tuple[str, str, bool]] = (),
    groups: Sequence[Sequence[str]] | None = None,
    transliterate: bool = True,
) -> EntityIndex | None:
    """`find_entities` of the corpus from the index: the same result, from stored facts and
    options; None when a document has no facts yet (phase 2 not complete)."""
    import gc

    from reader.corpus.streamed_resolution import resolve_streamed

    documents = corpus.documents
    vocab = corpus_vocabulary(conn, corpus)
    if vocab is None:
        return None
    gaz = gazetteer_for(frozenset(d.language for d in documents))
    collecting = gc.isenabled()
    gc.disable()
    try:
        reader = _OptionReader(conn, documents, vocab)
        analyses = phonetic_analyses(conn, documents)
        if analyses is None:
            return None
        try:
            return resolve_streamed(
                documents, reader.read, analyses, links, groups, transliterate, gaz, reader.first
            )
        except _NoFacts:
            return None
        finally:
            reader.flush()
    finally:
        if collecting:
            gc.enable()


class _NoFacts(Exception):
    """A document has no stored facts (phase 2 not complete)."""


class _OptionReader:
    """Every document's options, one document at a time: the first pass (`first`) brings the
    stored ones up to date (computing those whose answers no longer hold, stored as they are
    made); the next ones (`read`) read them from the store (or compute them again where they
    could not be stored)."""

    FLUSH = 500  # computed options stored this many documents at a time

    def __init__(
        self, conn: sqlite3.Connection, documents: Sequence[Document], vocab: CorpusVocabulary
    ) -> None:
        self.conn = conn
        self.maker = _Options(conn, vocab, frozenset(d.language for d in documents))
        self.held: set[tuple[str, str]] = set()  # contents whose stored options hold
        self.pending: list[tuple[str, str]] = []  # computed, not stored yet
        self.version = facts_version()

    def first(self, d: Document) -> tuple[list[Option], list[str]]:
        content = (d.sha256, d.format)
        if content in self.held:
            return self.read(d)
        maker = self.maker
        before = len(maker.fresh)
        loaded = getattr(d, "loaded", True)
        found = maker.of(d)
        if found is None:
            raise _NoFacts(d.path)
        if not loaded:
            d.unload()  # type: ignore[attr-defined]
        if len(maker.fresh) == before:
            self.held.add(content)
        else:
            self.pending.append(content)
            if len(maker.fresh) >= self.FLUSH:
                self.flush()
        return found

    def flush(self) -> None:
        """Store the options computed so far."""
        if _keep_options(self.conn, self.maker.fresh):
            self.held.update(self.pending)
        self.maker.fresh, self.pending = [], []

    def read(self, d: Document) -> tuple[list[Option], list[str]]:
        if (d.sha256, d.format) in self.held:
            row = _options_row(self.conn, d, self.version)
            if row is not None:
                try:
                    return StoredOptions(bytes(row[0])).unpacked()
                except _DAMAGED:
                    pass
        if self.pending:
            self.flush()
            if (d.sha256, d.format) in self.held:
                return self.read(d)
        loaded = getattr(d, "loaded", True)
        found = self.maker.of(d)
        self.maker.fresh = []  # could not be stored: made again when needed
        if found is None:
            raise _NoFacts(d.path)
        if not loaded:
            d.unload()  # type: ignore[attr-defined]
        return found


class _Options:
    """Documents' options under one vocabulary: stored ones where their answers still hold,
    else computed from the stored facts (rows to store collect in `fresh`)."""

    MEMO_MAX = 200_000  # name runs remembered per language

    def __init__(self, conn: sqlite3.Connection, vocab: CorpusVocabulary, languages: frozenset):
        self.conn, self.vocab = conn, vocab
        self.gaz = gazetteer_for(languages)
        self.gaz_name = ",".join(sorted(languages))
        self.version = facts_version()
        self.fresh: list[tuple[str, str, bytes]] = []
        self.keys: dict[str, tuple[str, str, tuple[str, ...]]] = {}
        self.memos: dict[str, tuple[dict, dict]] = {}

    def holds(self, d: Document) -> bool:
        """Whether `d`'s stored options still hold under this vocabulary."""
        return self._stored(d) is not None

    def _stored(self, d: Document) -> StoredOptions | None:
        row = _options_row(self.conn, d, self.version)
        if row is not None:
            try:
                stored = StoredOptions(bytes(row[0]))
                if (
                    stored.language == d.language
                    and stored.gaz == self.gaz_name
                    and answers_hold(stored.answers, self.vocab.vocabulary(d.language))
                ):
                    return stored
            except _DAMAGED:
                pass
        return None

    def of(self, d: Document, build: bool = True) -> tuple[list[Option], list[str]] | None:
        """The options of `d` and the text of each (None: it has no facts); with `build`
        False only checked (and computed where they do not hold), empty lists returned."""
        stored = self._stored(d)
        if stored is not None:
            return stored.unpacked() if build else ([], [])
        lang_vocab = self.vocab.vocabulary(d.language)
        facts = _facts(self.conn, d.sha256, d.format, vocab=False)
        if facts is None:
            return None
        memo = self.memos.setdefault(d.language, ({}, {}))
        if len(memo[0]) > self.MEMO_MAX:
            memo[0].clear()
            memo[1].clear()
        found, answers = document_options(
            analysis_from_facts(d, facts), lang_vocab, self.gaz, self.keys, memo
        )
        text = d.text
        surfaces = [text[o.start : o.end] for o in found]
        blob = options_row(d.language, self.gaz_name, answers, found, surfaces)
        self.fresh.append((d.sha256, f"{KIND_OPTIONS}.{d.format}", blob))
        return found, surfaces


def _options_row(conn: sqlite3.Connection, d: Document, version: int) -> tuple | None:
    """The stored options row of `d`'s content (None: none of this version)."""
    return conn.execute(
        "SELECT data FROM doc_cache WHERE sha256 = ? AND kind = ? AND version = ?",
        (d.sha256, f"{KIND_OPTIONS}.{d.format}", version),
    ).fetchone()


def _keep_options(conn: sqlite3.Connection, rows: list[tuple[str, str, bytes]]) -> bool:
    """Store computed options (False: the store could not take them)."""
    if not rows:
        return True
    from reader.store.index.writer import packed_order

    now = time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime())
    try:
        with transaction(conn):
            conn.executemany(
                "INSERT OR REPLACE INTO doc_cache (sha256, kind, version, data, created) "
                "VALUES (?, ?, ?, ?, ?)",
                packed_order(conn, [(sha, kind, facts_version(), b, now) for sha, kind, b in rows]),
            )
        return True
    except (sqlite3.Error, StoreError):
        return False  # computed again next time
