"""A corpus analysed before opens from the stored analysis: the same entities and topics,
without analysing again; anything that changes the analysis makes it a miss."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from reader import load_jobs
from reader.corpus import analysis_cache
from reader.corpus.loading import load_corpus
from reader.corpus.pipeline import analyse, analysis_parts_of
from reader.paths import seeds_dir
from reader.store.annotations import Store


class Answer:
    """Collects what a job sends."""

    def __init__(self) -> None:
        self.last = None

    def send(self, message) -> None:
        if message[0] != "progress":
            self.last = message

    def close(self) -> None:
        pass


def run_load(db: Path, links=(), edits=()):
    answer = Answer()
    load_jobs.run("load", answer, threading.Event(), str(seeds_dir()), list(links), list(edits),
                  str(db), watch=False)  # fmt: skip
    assert answer.last[0] == "ok", answer.last
    return answer.last[1]


def test_the_stored_analysis_round_trips_exactly():
    found = analyse(load_corpus(seeds_dir()))
    index, base, topics, warnings = analysis_cache.round_trip(
        analysis_cache.dump(*analysis_parts_of(found))
    )
    assert [e.to_json() for e in index.entities] == [e.to_json() for e in found.index.entities]
    assert index.candidates == found.index.candidates
    assert [t.to_json() for t in topics] == [t.to_json() for t in found.topics]
    assert dict(base.idf) == dict(found.base.idf) and warnings == found.warnings


def test_the_stored_analysis_keeps_why_a_name_was_linked(tmp_path):
    # A name linked by sound across scripts says so (`evidence`) in the stored analysis too.
    (tmp_path / "offer_en.txt").write_text(
        "Corbyn rejects the latest offer\n\nLabour leader Jeremy Corbyn on Wednesday rejected "
        "the offer, saying it did not protect 40,000 jobs.\n\nSpeaking in Leeds, Corbyn said "
        "the plan would leave the country worse off.\n\nCorbyn will meet union leaders in 2026.",
        encoding="utf-8",
    )
    (tmp_path / "offer_zh.txt").write_text(
        "科尔宾拒绝最新方案\n\n工党领袖杰里米·科尔宾周三拒绝了政府的方案，称该方案不能保护"
        "40,000个工作岗位。\n\n科尔宾在利兹发表讲话时说，这一计划将使国家的处境更糟。\n\n"
        "科尔宾将于2026年会见工会领导人。",
        encoding="utf-8",
    )
    found = analyse(load_corpus(tmp_path))
    index, _, _, _ = analysis_cache.round_trip(analysis_cache.dump(*analysis_parts_of(found)))
    linked = [c for cs in found.index.candidates.values() for c in cs if c.evidence]
    assert linked and linked[0].text == "科尔宾"
    assert dict(index.candidates) == dict(found.index.candidates)
    corbyn = index.by_key("corbyn")
    assert corbyn is not None
    assert ("科尔宾", "transliteration") in {(o.text, o.evidence) for o in corbyn.occurrences}
    assert [e.to_json() for e in index.entities] == [e.to_json() for e in found.index.entities]


def test_a_second_opening_reads_the_stored_analysis(tmp_path, monkeypatch):
    db = tmp_path / "store.sqlite3"
    Store(db).close()
    _corpus, parts, _ = run_load(db)
    import reader.corpus.pipeline as pipeline

    def no_analysis(*_args, **_kwargs):
        raise AssertionError("analysed again")

    monkeypatch.setattr(pipeline, "analyse_with_progress", no_analysis)
    _, again, _ = run_load(db)
    assert [t.to_json() for t in again[2]] == [t.to_json() for t in parts[2]]
    assert [e.key for e in again[0].entities] == [e.key for e in parts[0].entities]
    # a new link changes the analysis: a miss, analysed (and refused here)
    answer = Answer()
    load_jobs.run("load", answer, threading.Event(), str(seeds_dir()), [("a", "b", True)], [],
                  str(db), watch=False)  # fmt: skip
    assert answer.last[0] == "error" and "analysed again" in answer.last[1]


def test_a_damaged_stored_analysis_is_a_miss_not_a_crash():
    rows = analysis_cache.InMemoryRows({})
    with pytest.raises(ValueError):
        analysis_cache.load(b"not zlib at all", rows, rows, rows)
    import zlib

    with pytest.raises(ValueError):
        analysis_cache.load(zlib.compress(b'{"format": 1, "candidates": 3}'), rows, rows, rows)
    # a damaged document row: that document has no candidates, the rest are read
    found = analyse(load_corpus(seeds_dir()))
    dumped = analysis_cache.dump(*analysis_parts_of(found))
    made = dict(dumped.rows)
    first, second = list(made)[:2]
    made[first] = b"damaged"
    index, _, _, _ = analysis_cache.load(
        dumped.header,
        analysis_cache.InMemoryRows(dumped.parts),
        analysis_cache.InMemoryRows(made),
        analysis_cache.InMemoryRows(dict(dumped.entities)),
    )
    assert index.candidates[first] == []
    assert index.candidates[second] == found.index.candidates[second]


def test_the_key_changes_with_a_document_a_link_or_an_edit():
    corpus = load_corpus(seeds_dir())
    key = analysis_cache.signature(corpus, [], [], 0.3, "code")
    assert analysis_cache.signature(corpus, [("a", "b", True)], [], 0.3, "code") != key
    assert analysis_cache.signature(corpus, [], [("rename", {"topic": "t"})], 0.3, "code") != key
    corpus.documents[0].sha256 = "0" * 64
    assert analysis_cache.signature(corpus, [], [], 0.3, "code") != key


def test_memory_wanted_depends_on_whether_the_analysis_streams_from_the_index(monkeypatch):
    """100,000 generated documents (308 million characters) need about 1.5 GB from the index
    and ten times that from their texts: a 4 GB machine analyses them only from the index."""
    from types import SimpleNamespace

    corpus = SimpleNamespace(documents=[SimpleNamespace(chars=3084) for _ in range(100_000)])
    monkeypatch.setattr(load_jobs, "available_memory", lambda: 4 * 2**30)
    assert load_jobs._short_of_memory(corpus, from_index=True) == ""
    assert "GB of memory" in load_jobs._short_of_memory(corpus, from_index=False)
