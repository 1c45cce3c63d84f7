"""Entities of an indexed corpus resolved one document at a time: the same as `find_entities`
in memory, without ever holding every document's options or candidates (what lets 100,000
documents be analysed in bounded memory)."""

from __future__ import annotations

import pickle
import shutil
import weakref
from pathlib import Path

import pytest

import reader.corpus.packed_entities as packed
import reader.corpus.streamed_resolution as streamed
from reader.corpus.analysis_cache import dump, round_trip
from reader.corpus.entities import find_entities
from reader.corpus.pipeline import analyse
from reader.paths import seeds_dir
from reader.store.db import connect
from reader.store.index import load_indexed_corpus, refresh_index
from reader.store.index.entities import indexed_entities

DATA = Path(__file__).parent / "data"
FOLDERS = [seeds_dir(), DATA / "entities" / "scripts_dev", DATA / "topics" / "tuned"]


def as_json(index) -> list:
    return [e.to_json() for e in index.entities]


@pytest.fixture(params=FOLDERS, ids=["seeds", "scripts_dev", "tuned"])
def indexed_corpus(request, tmp_path):
    root = tmp_path / "corpus"
    shutil.copytree(request.param, root)
    conn = connect(tmp_path / "s.sqlite3")
    refresh_index(conn, root, workers=1)
    yield conn, load_indexed_corpus(conn, root, lazy=True)
    conn.close()


def test_streamed_entities_and_topics_are_those_found_in_memory(
    indexed_corpus, monkeypatch
) -> None:
    conn, corpus = indexed_corpus
    expected = find_entities(corpus.documents)
    monkeypatch.setattr(streamed, "KEPT_OPTIONS", 0)  # every pass reads the store again
    monkeypatch.setattr(packed, "MENTION_BATCH", 5)  # occurrences made a few at a time
    index = indexed_entities(conn, corpus)
    assert index is not None
    assert as_json(index) == as_json(expected)
    assert dict(index.candidates) == dict(expected.candidates)
    assert [e.to_json() for e in index.every_entity()] == [
        e.to_json() for e in expected.every_entity()
    ]
    ours = analyse(corpus, entities=index)
    theirs = analyse(corpus, entities=expected)
    assert [t.to_json() for t in ours.topics] == [t.to_json() for t in theirs.topics]
    # stored and read back, and sent to another process, it is the same analysis
    again = round_trip(dump(ours.index, ours.base, ours.topics, ours.warnings))[0]
    assert as_json(again) == as_json(expected)
    assert as_json(pickle.loads(pickle.dumps(index))) == as_json(expected)


def test_links_across_scripts_resolve_again_with_the_found_options(tmp_path, monkeypatch) -> None:
    root = tmp_path / "corpus"
    shutil.copytree(DATA / "entities" / "scripts_dev", root)
    conn = connect(tmp_path / "s.sqlite3")
    refresh_index(conn, root, workers=1)
    corpus = load_indexed_corpus(conn, root, lazy=True)
    calls = []
    real = streamed.StreamedResolution.again
    monkeypatch.setattr(
        streamed.StreamedResolution,
        "again",
        lambda self, extra: calls.append(extra) or real(self, extra),
    )
    monkeypatch.setattr(streamed, "KEPT_OPTIONS", 0)
    index = indexed_entities(conn, corpus)
    assert calls and any(
        "transliteration" in o.evidence for x in calls for v in x.values() for o in v
    )
    linked = [e for e in index.entities if any(o.evidence for o in e.occurrences)]
    assert linked  # a Khmer spelling joins the Latin name's entity
    assert as_json(index) == as_json(find_entities(corpus.documents))
    conn.close()


class Tracked(list):
    """A document's options whose lifetime the test watches."""

    __slots__ = ("__weakref__",)


def test_the_resolution_never_holds_every_documents_options_or_candidates(
    indexed_corpus, monkeypatch
) -> None:
    conn, corpus = indexed_corpus
    monkeypatch.setattr(streamed, "KEPT_OPTIONS", 0)
    alive = [0]
    most = [0]
    real = streamed.StreamedResolution.options

    def counting(self, doc, read=None):
        opts, surfaces = real(self, doc, read)
        tracked = Tracked(opts)
        alive[0] += 1
        weakref.finalize(tracked, lambda: alive.__setitem__(0, alive[0] - 1))
        most[0] = max(most[0], alive[0])
        return tracked, surfaces

    monkeypatch.setattr(streamed.StreamedResolution, "options", counting)
    index = indexed_entities(conn, corpus)
    assert index is not None and len(corpus.documents) > 3
    assert most[0] <= 2  # one document's options at a time (and the one being let go)
    for doc_id in index.candidates:
        index.candidates[doc_id]
    decoded = index.candidates._decoded  # type: ignore[attr-defined]
    assert not index.candidates._known and len(decoded) <= packed.DECODED_KEPT  # type: ignore[attr-defined]


def test_a_stored_analysis_prints_every_entity_a_batch_of_mentions_at_a_time(
    indexed_corpus, monkeypatch
) -> None:
    from reader.corpus import stored_parts

    conn, corpus = indexed_corpus
    found = analyse(corpus, entities=indexed_entities(conn, corpus))
    expected = as_json(find_entities(corpus.documents))
    monkeypatch.setattr(stored_parts._BatchedMentions, "BATCH_DOCUMENTS", 8)
    stored = round_trip(dump(found.index, found.base, found.topics, found.warnings))[0]
    made = []
    real = stored_parts._BatchedMentions.fill
    monkeypatch.setattr(
        stored_parts._BatchedMentions,
        "fill",
        lambda self, w, **kw: made.append(1) or real(self, w, **kw),
    )
    assert as_json(stored) == expected  # the JSON made from the rows (no Occurrence)
    assert 1 < len(made) < len(expected)  # in batches: more than one, fewer than entities
    assert not stored.candidates._done  # type: ignore[attr-defined]  # no document kept decoded
    held = [e.occurrences for e in stored.entities if e.occurrences._json is not None]  # type: ignore[attr-defined]
    assert not held  # each entity's JSON given once, then let go
    made.clear()
    occurrences = [[o.to_json() for o in e.occurrences] for e in stored.entities]
    assert occurrences == [e["occurrences"] for e in expected]  # as Occurrences, the same
    assert 1 < len(made) < len(expected)
    held = [e.occurrences for e in stored.entities if e.occurrences._rows is not None]  # type: ignore[attr-defined]
    assert len(held) < len(expected)


def test_a_big_corpus_is_printed_from_the_analysis_read_back_from_the_store(
    tmp_path, capsys, monkeypatch
) -> None:
    import json

    import reader.store.analysis_store as analysis_store
    from reader.cli import main
    from reader.commands.analysed import analysed_corpus
    from reader.corpus.stored_parts import StoredEntityIndex

    monkeypatch.setenv("CORPUS_READER_DB", str(tmp_path / "default.sqlite3"))
    root = tmp_path / "corpus"
    shutil.copytree(DATA / "entities" / "scripts_dev", root)
    db = str(tmp_path / "s.sqlite3")
    assert main(["index", str(root), "--db", db, "--quiet"]) == 0
    out = {}
    for limit in (10**9, 1):  # kept as made; read back from the store
        monkeypatch.setattr(analysis_store, "READ_BACK_DOCUMENTS", limit)
        for command in ("topics", "entities"):
            conn = connect(db)
            conn.execute("DELETE FROM doc_cache WHERE kind = 'analysis'")
            conn.commit()
            conn.close()
            capsys.readouterr()
            assert main([command, str(root), "--json", "--db", db]) == 0
            out[limit, command] = json.loads(capsys.readouterr().out)
    assert out[1, "topics"] == out[10**9, "topics"]
    assert out[1, "entities"] == out[10**9, "entities"]
    conn = connect(db)
    conn.execute("DELETE FROM doc_cache WHERE kind = 'analysis'")
    conn.commit()
    conn.close()
    assert isinstance(analysed_corpus(root, db).index, StoredEntityIndex)
