"""Entities of an indexed corpus resolved with the state the previous analysis kept
(`reader.corpus.resolution_state`): after a few files changed, only the documents whose
options changed, or whose keys changed standing, choose their candidates again.

Every document's stored options are first brought up to date as `indexed_entities` does
(those whose vocabulary answers no longer hold are computed again); a row that held when the
previous state was made, and none of whose questions to the vocabulary is answered otherwise
now, is not checked again (nor decoded). A document's options are fingerprinted by their
stored row; only those of the documents to choose again are decoded.
"""

from __future__ import annotations

import hashlib
import sqlite3
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from reader.corpus.candidates import Option
from reader.corpus.entities import EntityIndex
from reader.corpus.entity_facts import CorpusVocabulary, answers_hold
from reader.corpus.gazetteer import gazetteer_for
from reader.corpus.key_counts import stored_key_counts
from reader.corpus.model import Corpus, Document
from reader.corpus.resolution_state import REDO_SHARE, IncrementalResolution
from reader.corpus.resolve import KeyMap
from reader.corpus.state_docs import AskedView, Before, view
from reader.corpus.stored_parts import decode_candidates
from reader.corpus.topic_memo import PairsMemo
from reader.store.index.entities import (
    _DAMAGED,
    _keep_options,
    _Options,
    _options_row,
    corpus_vocabulary,
    phonetic_analyses,
)
from reader.store.index.model import facts_version
from reader.store.index.options_codec import StoredOptions

# What the last resolution did (documents, changed, chosen, incremental: 1 when it was updated
# from a previous state): read by tests and benchmarks, never by the analysis itself.
last_report: dict[str, int] = {}
if TYPE_CHECKING:
    from reader.store.analysis_store import Previous

_SIZES = {"B": 1, "b": 1, "H": 2, "h": 2, "i": 4, "l": 8, "q": 8}


def _fingerprint(blob: bytes) -> str:
    return hashlib.blake2b(blob, digest_size=12).hexdigest()


class _Contents:
    """Every document's options under one vocabulary, up to date: a stored row whose answers
    hold (checked from its answers alone), else computed (stored by `flush`)."""

    def __init__(
        self, conn: sqlite3.Connection, documents: Sequence[Document], vocab: CorpusVocabulary
    ) -> None:
        self.conn = conn
        self.maker = _Options(conn, vocab, frozenset(d.language for d in documents))
        self.version = facts_version()
        self.found: dict[tuple[str, str], tuple[str, Any]] = {}  # content -> (print, data)
        self.asked: dict[tuple[str, str], Any] = {}  # content -> its questions (or `Before`)
        self.made: set[tuple[str, str]] = set()  # contents whose options were computed here

    def fingerprint(self, d: Document, held: tuple[str, str, Before] | None = None) -> str | None:
        """The fingerprint of `d`'s up-to-date options (None: it has no facts). `held`: the
        fingerprint, language and questions of options known to hold under this vocabulary
        (not checked again)."""
        content = (d.sha256, d.format)
        known = self.found.get(content)
        if known is not None:
            return known[0]
        row = _options_row(self.conn, d, self.version)
        if row is not None:
            blob = bytes(row[0])
            fp = _fingerprint(blob)
            if held is not None and fp == held[0] and d.language == held[1]:
                self.asked[content] = held[2]
                self.found[content] = (fp, None)
                return fp
            stored = self._holds(d, blob)
            if stored is not None:  # decoded to be checked: what the resolution reads next
                self.found[content] = (fp, stored.unpacked())
                return fp
        loaded = getattr(d, "loaded", True)
        made = self.maker.of(d)
        if made is None:
            return None
        if not loaded:
            d.unload()  # type: ignore[attr-defined]
        blob = self.maker.fresh[-1][2]
        fp = _fingerprint(blob)
        self.asked[content] = questions(StoredOptions(blob).answers)
        self.found[content] = (fp, made)
        self.made.add(content)  # not stored until `flush`: kept
        return fp

    def _holds(self, d: Document, blob: bytes) -> StoredOptions | None:
        """The stored options of `d` when they hold under this vocabulary."""
        maker = self.maker
        try:
            stored = StoredOptions(blob)
        except _DAMAGED:
            return None
        self.asked[(d.sha256, d.format)] = questions(stored.answers)
        holds = (
            stored.language == d.language
            and stored.gaz == maker.gaz_name
            and answers_hold(stored.answers, maker.vocab.vocabulary(d.language))
        )
        return stored if holds else None

    def read(self, d: Document) -> tuple[list[Option], Sequence[str]]:
        """`d`'s options and their texts (after `fingerprint`)."""
        content = (d.sha256, d.format)
        fp, data = self.found[content]
        if data is not None:
            if content not in self.made:  # the resolution keeps what it reads, or reads again
                self.found[content] = (fp, None)
            return data
        row = _options_row(self.conn, d, self.version)  # the row fingerprinted (not kept)
        if row is None or _fingerprint(bytes(row[0])) != fp:
            raise ValueError(f"the options of {d.path} changed while read")
        return StoredOptions(bytes(row[0])).unpacked()

    def flush(self) -> None:
        """Store the options computed."""
        _keep_options(self.conn, self.maker.fresh)
        self.maker.fresh = []


def questions(answers: dict[str, list[str]]) -> tuple[str, ...]:
    """The words a row's answers are about (`answers_hold`: whether a word is ordinary, a
    pair of words a phrase, a name seen mid-sentence, a sentence starter), whatever the
    question: a word whose answer changed to any question makes the row be checked."""
    return tuple(dict.fromkeys(w for words in answers.values() for w in words))


def changed_answers(
    before: CorpusVocabulary, after: CorpusVocabulary, languages: set[str]
) -> tuple[dict[str, set[str]], set[str]]:
    """The words of the questions `answers_hold` asks that the two vocabularies answer
    differently: by language (ordinary words, phrases, sentence starters), and for every
    language (names seen mid-sentence)."""
    by_language: dict[str, set[str]] = {}
    every: set[str] = set()
    for language in languages:
        a, b = before.vocabulary(language), after.vocabulary(language)
        every.update(a.mid_keys ^ b.mid_keys)
        found = {f"{x} {y}" for x, y in a.lower_pairs ^ b.lower_pairs}
        found.update(a.initial_alone ^ b.initial_alone)
        words = {w for w, n in a.lower.items() if b.lower.get(w) != n}
        words.update(w for w, n in b.lower.items() if a.lower.get(w) != n)
        words.update(w for w, n in a.capital.items() if b.capital.get(w) != n)
        words.update(w for w, n in b.capital.items() if a.capital.get(w) != n)
        found.update(w for w in words if _ordinary(a, w) != _ordinary(b, w))
        by_language[language] = found
    return by_language, every


def _ordinary(v: Any, w: str) -> bool:  # as `answers_hold` asks it
    n = v.lower.get(w, 0)
    return n > 0 and n >= v.capital.get(w, 0)


def _held(
    previous: Previous | None, vocab: CorpusVocabulary, languages: set[str]
) -> dict[str, tuple[str, str, Before]]:
    """(fingerprint, language, its questions as before) by document of the options that
    held when the previous state was made and still hold unchecked: the same languages (so
    the same gazetteer), and none of their questions answered otherwise now (only the
    documents asking about a word answered otherwise are read)."""
    if previous is None or previous.state.vocabulary is None or previous.state.asked is None:
        return {}
    state = previous.state
    docs = view(state.docs)
    if {docs.language(d) for d in docs} != languages:
        return {}
    try:
        before = CorpusVocabulary.from_json(state.vocabulary)
        changed, every = changed_answers(before, vocab, languages)
    except _DAMAGED:
        return {}
    asked = state.asked
    flips = set(every).union(*changed.values())
    if not flips:
        asking: set[str] = set()
    elif hasattr(docs, "numbers"):  # read from bytes: its questions are its eighth field
        asking = docs.docs_where("asked", flips.__contains__)
    else:
        asking = {d for d in docs if not flips.isdisjoint(asked.get(d, ()))}
    out = {}
    for d in docs:
        language = docs.language(d)
        if d in asking:
            flipped = changed.get(language, set())
            if (flipped or every) and not (flipped | every).isdisjoint(asked.get(d, ())):
                continue
        out[d] = (docs.fingerprint(d), language, Before(d))
    return out


def _questions(
    asked: dict[tuple[str, str], Any], documents: Sequence[Document], previous: Previous | None
) -> AskedView:
    """By document, the questions of its options to the vocabulary: those read or made now,
    or those the previous state kept for the document whose options held (`Before`: read
    only when written again)."""
    fresh: dict[str, tuple[str, ...]] = {}
    from_before: dict[str, str] = {}
    for d in documents:
        found = asked.get((d.sha256, d.format), ())
        if type(found) is Before:
            from_before[d.id] = found.doc_id
        else:
            fresh[d.id] = found
    before = previous.state.asked if previous is not None else None
    return AskedView([d.id for d in documents], fresh, from_before, before)


def _pairs_memo(
    previous: Previous | None, index: EntityIndex, documents: Sequence[Document]
) -> PairsMemo:
    """What the topics' pairs start from: the previous ones, the documents whose candidate
    rows changed since and their keys then (read from the previous rows)."""
    if previous is None or previous.pairs is None:
        return PairsMemo()
    final_row = previous.final_row
    rows = getattr(index.candidates, "row", None)
    if rows is None:
        return PairsMemo()
    changed = {d.id for d in documents if final_row(d.id) != rows(d.id)}

    def old_keys(doc_id: str) -> set[str] | None:
        row = final_row(doc_id)
        return None if row is None else {c.key for c in decode_candidates(row)} - {""}

    memo = PairsMemo(previous.pairs, changed, old_keys)
    memo.report = last_report  # says whether the pairs were updated too
    return memo


def _counts_kept(
    resolution: IncrementalResolution, kept: Previous, documents: Sequence[Document]
) -> int:
    """Give the resolution the `KeyCounts` the previous analysis kept of the rows it keeps
    (a document whose row is the stored one: no row decoded again for its counts); how
    many it was given."""
    cache = resolution.counts
    if cache is None or not kept.counts:
        return 0
    stored, first, final = kept.counts, kept.row, kept.final_row
    n = 0
    for d in documents:
        row = first(d.id)
        if row is None or row is not final(d.id):
            continue
        counts = stored_key_counts(stored, d.id, row)
        if counts is not None:
            cache[d.id] = (row, counts, None)
            n += 1
    return n


def stateful_entities(
    conn: sqlite3.Connection,
    corpus: Corpus,
    links: Sequence[tuple[str, str, bool]] = (),
    previous: Previous | None = None,
) -> EntityIndex | None:
    """`indexed_entities` of the corpus (the same result), updated from `previous` (the state
    and candidate rows of an earlier analysis of this folder with these links) when it has
    one and few documents changed; the index carries `resolution_state` (for the next
    analysis) and `resolution_report` (documents, changed, chosen, incremental). None when a
    document has no facts yet."""
    from reader.corpus.cross_script import cross_script_options

    documents = corpus.documents
    vocab = corpus_vocabulary(conn, corpus)
    if vocab is None:
        return None
    contents = _Contents(conn, documents, vocab)
    try:
        held = _held(previous, vocab, {d.language for d in documents})
        prints: dict[str, str] = {}
        for d in documents:
            fp = contents.fingerprint(d, held.get(d.id))
            if fp is None:
                return None
            prints[d.id] = fp
        state, row = (previous.state, previous.row) if previous is not None else (None, None)
        if state is not None:
            known = view(state.docs)
            changed = sum(1 for d in documents if known.fingerprint(d.id) != prints[d.id])
            if changed > REDO_SHARE * len(documents):
                state = row = None
        analyses = phonetic_analyses(conn, documents)
        if analyses is None:
            return None
        kept = previous if state is not None else None
        resolution = IncrementalResolution(
            documents,
            contents.read,
            KeyMap(links),
            prints,
            state,
            row,
            kept.final_row if kept is not None else None,
            kept.labels if kept is not None else None,
            kept.totals if kept is not None else None,
        )
        counted = _counts_kept(resolution, kept, documents) if kept is not None else 0
        index = resolution.resolve()
        report = dict(resolution.report, counts_kept=counted)
        last_report.clear()
        last_report.update(report)
        gaz = gazetteer_for(frozenset(d.language for d in documents))
        extra = cross_script_options(documents, analyses, index, None, gaz)
        if extra:
            index = resolution.again(extra)
        index.resolution_state = resolution.stored_state()._replace(  # type: ignore[attr-defined]
            vocabulary=vocab.to_json(),
            asked=_questions(contents.asked, documents, previous),
        )
        index.resolution_report = report  # type: ignore[attr-defined]
        if counted and kept is not None:  # storing copies the chunks of counts kept as read
            index.counts_base = kept.counts  # type: ignore[attr-defined]
        changes = resolution.description_changes(index) if kept is not None else None
        if changes is not None and kept is not None and kept.described is not None:
            from reader.corpus.describe_memo import DescriptionMemo

            memo = DescriptionMemo(kept.described, *changes)
            last_report.update(memo.report)
            memo.report = last_report  # what the topics' descriptions took from before
            index.descriptions = memo  # type: ignore[attr-defined]
        if kept is not None and kept.key is not None:  # entity rows copied when stored
            index.unchanged_entities = (kept.key, resolution.unchanged_entities())  # type: ignore[attr-defined]
        index.pairs_memo = _pairs_memo(previous if state is not None else None, index, documents)  # type: ignore[attr-defined]
        return index
    finally:
        contents.flush()
