"""The stored analysis is a header and rows: opening reads the header, a document's mentions
and an entity are read when they are shown, and an analysis sent to the window carries no
mentions at all."""

from __future__ import annotations

import pickle
import sqlite3

from reader.corpus.loading import load_corpus
from reader.corpus.pipeline import Analysis, analyse, analysis_parts_of
from reader.paths import seeds_dir
from reader.store.analysis_store import KIND_DOC, keep_analysis, stored_analysis
from reader.store.db import connect


def _stored(tmp_path, threshold: float = 0.25):
    corpus = load_corpus(seeds_dir())
    found = analyse(corpus, threshold=threshold)
    conn = connect(tmp_path / "store.sqlite3")
    assert keep_analysis(conn, corpus, [], [], analysis_parts_of(found), threshold)
    return conn, corpus, found


def test_the_stored_analysis_reads_each_documents_mentions_from_its_row(tmp_path):
    conn, corpus, found = _stored(tmp_path)
    index, base, topics, _ = stored_analysis(conn, corpus, [], [])
    assert [t.to_json() for t in topics] == [t.to_json() for t in found.topics]
    assert [e.to_json() for e in index.entities] == [e.to_json() for e in found.index.entities]
    for doc in corpus.documents:
        assert index.candidates[doc.id] == found.index.candidates[doc.id]
    assert dict(base.idf) == dict(found.base.idf)
    assert [t.to_json() for t in base.topics] == [t.to_json() for t in found.base.topics]
    sora = found.index.entities[1]
    fresh = stored_analysis(conn, corpus, [], [])[0]
    assert fresh.by_key(sora.key).to_json() == sora.to_json(), "one entity read alone"
    assert fresh.by_key("no such key") is None


def test_a_topics_entities_come_in_the_same_order_without_decoding_their_documents(tmp_path):
    """The entities panel of an opened topic sorts by how many documents share each entity:
    a stored entity tells that from the count beside its documents, decoding none."""
    conn, corpus, found = _stored(tmp_path)
    index, base, topics, warnings = stored_analysis(conn, corpus, [], [])
    stored = Analysis(corpus, index, base, topics, warnings)
    for topic in found.topics:
        mentions = stored.topic_mentions(topic.documents)
        expected = found.topic_mentions(topic.documents)
        assert [(e.key, dict(c)) for e, c in mentions] == [(e.key, dict(c)) for e, c in expected]
    shared = [e for e in index.entities if len(e.documents) > 1]
    assert shared and all(e.document_count() == len(e.documents) for e in shared)
    untouched = stored_analysis(conn, corpus, [], [])[0].by_key(shared[0].key)
    assert untouched.document_count() == len(shared[0].documents)
    assert not _decoded(untouched), "its documents were not decoded to count them"


def _decoded(entity) -> bool:
    from reader.corpus.entity_rows import _DOCUMENTS

    try:
        _DOCUMENTS.__get__(entity, type(entity))
    except AttributeError:
        return False
    return True


def test_an_analysis_crosses_to_another_process_without_its_mentions(tmp_path):
    conn, corpus, found = _stored(tmp_path)
    parts = stored_analysis(conn, corpus, [], [])
    sent = pickle.dumps(parts)
    sora = next(c for cs in found.index.candidates.values() for c in cs if c.text == "Sora")
    assert sent.count(b"Sora") <= 2, "the mentions stay in the store"
    index = pickle.loads(sent)[0]
    doc = next(iter(found.index.candidates))
    assert index.candidates[doc] == found.index.candidates[doc], "read again where it lands"
    entity = index.by_key(sora.key)
    assert [o.to_json() for o in entity.occurrences] == [
        o.to_json() for o in found.index.by_key(sora.key).occurrences
    ]


def test_only_the_newest_analyses_and_their_rows_are_kept(tmp_path):
    conn, corpus, found = _stored(tmp_path, 0.25)
    for threshold in (0.3, 0.35, 0.4):
        assert keep_analysis(conn, corpus, [], [], analysis_parts_of(found), threshold)
    headers = conn.execute("SELECT count(*) FROM doc_cache WHERE kind = 'analysis'").fetchone()
    rows = conn.execute("SELECT count(*) FROM doc_cache WHERE kind = ?", (KIND_DOC,)).fetchone()
    assert headers[0] == 3 and rows[0] == 3 * len(corpus.documents)
    assert stored_analysis(conn, corpus, [], [], 0.25) is None, "the oldest was dropped"
    assert stored_analysis(conn, corpus, [], [], 0.4) is not None


def test_rows_gone_while_shown_leave_no_mentions_not_an_error(tmp_path):
    conn, corpus, _ = _stored(tmp_path)
    index = stored_analysis(conn, corpus, [], [])[0]
    writer = sqlite3.connect(tmp_path / "store.sqlite3")
    with writer:
        writer.execute("DELETE FROM doc_cache WHERE kind = ?", (KIND_DOC,))
    writer.close()
    doc = corpus.documents[0]
    assert index.candidates[doc.id] == []


def test_linking_two_entities_of_a_stored_analysis_is_the_same_as_of_a_fresh_one(tmp_path):
    from reader.corpus.pipeline import relink_index

    conn, corpus, found = _stored(tmp_path)
    stored = stored_analysis(conn, corpus, [], [])[0]
    a, b = found.index.entities[0].key, found.index.entities[1].key
    for action in ("link", "unlink"):
        fresh = relink_index(found.index, action, [(a, b)])
        again = relink_index(stored, action, [(a, b)])
        assert [e.to_json() for e in again.entities] == [e.to_json() for e in fresh.entities]
        doc = corpus.documents[0].id
        assert again.for_document(doc) == fresh.for_document(doc)


def test_an_entity_is_read_without_its_documents_until_they_are_asked_for(tmp_path):
    from reader.store.analysis_store import KIND_ENTITY

    conn, corpus, found = _stored(tmp_path)
    index = stored_analysis(conn, corpus, [], [])[0]
    widest = max(found.index.entities, key=lambda e: len(e.documents))
    entity = index.by_id(widest.id)
    assert entity.kind == widest.kind and entity.colour == widest.colour
    rows = {
        sha.split("/", 1)[1]: bytes(data)
        for sha, data in conn.execute(
            "SELECT sha256, data FROM doc_cache WHERE kind = ?", (KIND_ENTITY,)
        )
    }
    assert not any(d.encode() in rows[widest.id] for d in widest.documents), (
        "the row keeps the documents' places, not their ids"
    )
    assert entity.documents == widest.documents, "decoded in their order when asked for"
    assert entity == widest and widest == entity, "equal to the entity the analysis made"
    assert [o.to_json() for o in entity.occurrences] == [o.to_json() for o in widest.occurrences]
    again = pickle.loads(pickle.dumps(entity))
    assert type(again).__name__ == "Entity" and again.to_json() == widest.to_json()


def test_an_entity_whose_document_places_are_damaged_has_no_documents(tmp_path):
    from reader.store.analysis_store import KIND_ENTITY

    conn, corpus, found = _stored(tmp_path)
    widest = max(found.index.entities, key=lambda e: len(e.documents))
    (row,) = conn.execute(
        "SELECT data FROM doc_cache WHERE kind = ? AND sha256 LIKE ?",
        (KIND_ENTITY, f"%/{widest.id}"),
    ).fetchone()
    with conn:
        conn.execute(
            "UPDATE doc_cache SET data = ? WHERE kind = ? AND sha256 LIKE ?",
            (bytes(row)[:-3] + b"xyz", KIND_ENTITY, f"%/{widest.id}"),
        )
    entity = stored_analysis(conn, corpus, [], [])[0].by_id(widest.id)
    assert entity.label == widest.label and entity.documents == []
    assert list(entity.occurrences) == []


def test_damaged_candidate_rows_give_the_json_what_their_documents_hold(tmp_path):
    """`entities --json` makes the mentions' JSON straight from the rows: a row that is not
    what the analysis wrote (not compressed, a candidate cut short, a key that is not text)
    gives an entity the mentions the document's candidates hold (none for the first two),
    as its `Occurrence`s do."""
    import zlib

    from reader.corpus.entities import Occurrence

    conn, corpus, found = _stored(tmp_path)
    widest = max(found.index.entities, key=lambda e: len(e.documents))
    first, second, third = widest.documents[:3]
    key = widest.key
    damaged = {
        first: b"not a row",
        second: zlib.compress(f'[[0, 4, "Sora", "{key}"]]'.encode()),
        third: zlib.compress(f'[[0, 4, "Sor", "{key}", "x"], [5, 9, "S", ["?"], "x"]]'.encode()),
    }
    with conn:
        for doc_id, data in damaged.items():
            conn.execute(
                "UPDATE doc_cache SET data = ? WHERE kind = ? AND sha256 LIKE ?",
                (data, KIND_DOC, f"%/{doc_id}"),
            )
    printed = [e.to_json() for e in stored_analysis(conn, corpus, [], [])[0].entities]
    made = stored_analysis(conn, corpus, [], [])[0]
    as_made = [
        {**e.to_json(), "occurrences": [o.to_json() for o in e.occurrences]} for e in made.entities
    ]
    assert printed == as_made
    mentions = next(e for e in printed if e["key"] == key)["occurrences"]
    held = made.candidates
    expected = [
        Occurrence(d, c.start, c.end, c.text, c.evidence).to_json()
        for d in widest.documents
        for c in held[d]
        if c.key == key
    ]
    assert mentions == expected
    assert {m["doc"] for m in mentions} == set(widest.documents) - {first, second}
    assert [m["text"] for m in mentions if m["doc"] == third] == ["Sor"]


def test_printing_every_entity_reads_the_rows_a_chunk_at_a_time(tmp_path, monkeypatch):
    """`entities --json` of a stored analysis reads the entities' and documents' rows a few
    hundred to a query (`ROWS_AT_ONCE`), not one query a row; the JSON is the same."""
    from reader.corpus import stored_parts
    from reader.store.analysis_store import StoredRow

    conn, corpus, found = _stored(tmp_path)
    monkeypatch.setattr(stored_parts, "ROWS_AT_ONCE", 2)
    asked: list[tuple[str, int]] = []
    one, many = StoredRow.__call__, StoredRow.many
    monkeypatch.setattr(StoredRow, "__call__", lambda s, n: asked.append((s.kind, 1)) or one(s, n))
    monkeypatch.setattr(
        StoredRow, "many", lambda s, ns: asked.append((s.kind, len(ns))) or many(s, ns)
    )
    index = stored_analysis(conn, corpus, [], [])[0]
    assert [e.to_json() for e in index.entities] == [e.to_json() for e in found.index.entities]
    entity_rows = [n for kind, n in asked if kind == "analysis.entity"]
    doc_rows = [n for kind, n in asked if kind == "analysis.doc"]
    assert sum(entity_rows) == len(found.index.entities) and max(entity_rows) == 2
    assert sum(doc_rows) == len(corpus.documents) and max(doc_rows) == 2
    assert len(doc_rows) == (len(corpus.documents) + 1) // 2  # no row read alone


def test_the_documents_languages_are_read_only_when_asked_for_and_are_theirs(tmp_path):
    """Opening a stored analysis makes no dict of every document's language (60 ms at
    100,000 documents); asked for, each document has its own; pickled, a plain dict."""
    import pickle

    from reader.corpus.analysis_cache import LanguageColumn

    conn, corpus, _found = _stored(tmp_path)
    index = stored_analysis(conn, corpus, [], [])[0]
    languages = index._languages
    assert isinstance(languages, LanguageColumn) and languages._by_id is None
    assert dict(languages) == {d.id: d.language for d in corpus.documents}
    assert pickle.loads(pickle.dumps(languages)) == dict(languages)
