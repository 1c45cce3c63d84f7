"""Entities and topics from the index's stored facts: the same as from the texts in memory, and
kept up to date by the documents that change, not by recomputing every document."""

from __future__ import annotations

import json
import shutil
import sqlite3
from collections import Counter
from pathlib import Path

import pytest

from reader.cli import main
from reader.corpus.entities import find_entities
from reader.corpus.entity_facts import CorpusVocabulary, document_facts
from reader.paths import seeds_dir
from reader.store.db import connect
from reader.store.index import load_indexed_corpus, refresh_index
from reader.store.index.entities import (
    corpus_vocabulary,
    entities_from_index,
    indexed_entities,
)
from reader.store.index.prepare import prepare_entities

DATA = Path(__file__).parent / "data"


def entities_json(index) -> tuple[list, dict]:
    every = [e.to_json() for e in index.every_entity()]
    shared = [e.to_json() for e in index.entities]
    return shared, {"every": every}


def indexed(tmp_path: Path, root: Path, name: str = "s.sqlite3") -> sqlite3.Connection:
    conn = connect(tmp_path / name)
    refresh_index(conn, root, workers=1)
    return conn


@pytest.mark.parametrize(
    "folder",
    [seeds_dir(), DATA / "entities" / "scripts_dev", DATA / "topics" / "tuned"],
    ids=["seeds", "entities-scripts_dev", "topics-tuned"],
)
def test_entities_from_the_index_are_those_found_in_memory(tmp_path, folder) -> None:
    root = tmp_path / "corpus"
    shutil.copytree(folder, root)
    conn = indexed(tmp_path, root)
    corpus = load_indexed_corpus(conn, root)
    expected = entities_json(find_entities(corpus.documents))
    cold = indexed_entities(conn, corpus)
    warm = indexed_entities(conn, corpus)  # the stored options this time
    assert cold is not None and warm is not None
    assert entities_json(cold) == expected == entities_json(warm)
    assert dict(warm.candidates) == dict(find_entities(corpus.documents).candidates)
    # a user's link and unlink are applied to the stored options as to computed ones
    keys = [e.key for e in cold.entities[:3]]
    links = [(keys[0], keys[1], True), (keys[2], keys[2] + "x", False)]
    assert entities_json(indexed_entities(conn, corpus, links)) == entities_json(
        find_entities(corpus.documents, links)
    )
    conn.close()


def test_topics_and_entities_json_are_the_same_from_the_index(
    tmp_path, capsys, monkeypatch
) -> None:
    monkeypatch.setenv("CORPUS_READER_DB", str(tmp_path / "default.sqlite3"))
    root = tmp_path / "corpus"
    shutil.copytree(DATA / "entities" / "scripts_dev", root)
    db = str(tmp_path / "s.sqlite3")
    out = {}
    for command in ("topics", "entities"):
        assert main([command, str(root), "--json"]) == 0  # no store: texts in memory
        out[command, "memory"] = json.loads(capsys.readouterr().out)
    assert main(["index", str(root), "--db", db, "--quiet"]) == 0
    capsys.readouterr()
    conn = connect(db)
    calls = []
    import reader.corpus.pipeline as pipeline

    real = pipeline.find_entities
    monkeypatch.setattr(pipeline, "find_entities", lambda *a, **k: calls.append(1) or real(*a, **k))
    for command in ("topics", "entities"):
        conn.execute("DELETE FROM doc_cache WHERE kind = 'analysis'")  # not the stored analysis
        conn.commit()
        assert main([command, str(root), "--json", "--db", db]) == 0
        out[command, "index"] = json.loads(capsys.readouterr().out)
    conn.close()
    assert not calls  # the texts were not analysed again
    assert out["topics", "index"] == out["topics", "memory"]
    assert out["entities", "index"] == out["entities", "memory"]


def rebuilt_vocabulary(corpus) -> dict:
    vocab = CorpusVocabulary()
    for doc in corpus.documents:
        vocab.add(doc.language, json.loads(json.dumps(document_facts(doc))))
    return vocab.to_json()


def test_a_changed_deleted_or_added_file_updates_its_counts_and_the_entities(tmp_path) -> None:
    root = tmp_path / "corpus"
    shutil.copytree(DATA / "topics" / "tuned", root)
    conn = indexed(tmp_path, root)
    total = len(load_indexed_corpus(conn, root).documents)
    assert prepare_entities(conn, root) == total  # every document's options, once
    assert prepare_entities(conn, root) == 0

    files = sorted(root.rglob("en.txt"))
    changed, deleted = files[0], files[1]
    changed.write_text(
        changed.read_text(encoding="utf-8") + "\n\nNexora Quantum opened in Lisbon today.\n",
        encoding="utf-8",
    )
    deleted.unlink()
    (root / "added.txt").write_text(
        "Nexora Quantum\n\nNexora Quantum hired 1,677 people in Lisbon.\n", encoding="utf-8"
    )
    refresh_index(conn, root, workers=1)
    corpus = load_indexed_corpus(conn, root)
    # the counts are those of the documents now there, made from their own words only
    assert corpus_vocabulary(conn, corpus).to_json() == rebuilt_vocabulary(corpus)
    # and the contents they count, as stored (only the rows that changed were written)
    counted = Counter((d.sha256, d.format, d.language) for d in corpus.documents)
    rows = conn.execute("SELECT sha256, format, language, n FROM entity_vocab_docs").fetchall()
    assert sorted(rows) == sorted((*content, n) for content, n in counted.items())
    recomputed = prepare_entities(conn, root)
    assert 2 <= recomputed < total // 2  # the changed and added files, and few others
    found = indexed_entities(conn, corpus)
    assert entities_json(found) == entities_json(find_entities(corpus.documents))
    assert "nexora quantum" in {e.key for e in found.entities}
    # the facts of the old contents were kept for their counts, and are gone once taken out
    left = conn.execute(
        "SELECT count(*) FROM doc_cache c WHERE kind LIKE 'index.facts.%' AND NOT EXISTS "
        "(SELECT 1 FROM index_files f WHERE f.sha256 = c.sha256)"
    ).fetchone()[0]
    assert left == 0
    conn.close()


def test_facts_of_a_changed_file_stay_until_its_words_are_counted_out(tmp_path) -> None:
    root = tmp_path / "corpus"
    shutil.copytree(seeds_dir(), root)
    conn = indexed(tmp_path, root)
    corpus = load_indexed_corpus(conn, root)
    corpus_vocabulary(conn, corpus)
    first = sorted(p for p in root.rglob("*.txt"))[0]
    first.write_text("Huế\n\nÔng Nguyễn Văn An đến Huế.\n", encoding="utf-8")
    refresh_index(conn, root, workers=1)  # collects garbage: the old facts must survive it
    refresh_index(conn, root, workers=1)
    corpus = load_indexed_corpus(conn, root)
    assert corpus_vocabulary(conn, corpus).to_json() == rebuilt_vocabulary(corpus)
    conn.close()


class Pipe:
    def send(self, message) -> None:
        pass


def test_without_phase_two_the_app_finds_entities_in_memory_and_with_it_from_the_index(
    tmp_path, monkeypatch
) -> None:
    import threading

    import reader.corpus.pipeline as pipeline
    from reader.load_jobs import _load

    root = tmp_path / "corpus"
    shutil.copytree(seeds_dir(), root)
    db = tmp_path / "s.sqlite3"
    conn = connect(db)
    refresh_index(conn, root, phase=1)
    corpus = load_indexed_corpus(conn, root)
    assert entities_from_index(conn, corpus) is None
    assert indexed_entities(conn, corpus) is None  # even asked directly: no facts, no answer
    expected = entities_json(find_entities(corpus.documents))
    calls = []
    real = pipeline.find_entities
    monkeypatch.setattr(pipeline, "find_entities", lambda *a, **k: calls.append(1) or real(*a, **k))
    _, parts, from_index = _load(Pipe(), threading.Event(), str(root), [], [], str(db))
    assert from_index and calls == [1]  # phase 2 missing: the texts were analysed
    assert entities_json(parts[0]) == expected
    refresh_index(conn, root, phase=2)
    conn.execute("DELETE FROM doc_cache WHERE kind = 'analysis'")
    conn.commit()
    conn.close()
    _, parts, _ = _load(Pipe(), threading.Event(), str(root), [], [], str(db))
    assert calls == [1]  # from the index this time
    assert entities_json(parts[0]) == expected


def test_forgetting_a_folder_drops_its_counts_and_facts(tmp_path) -> None:
    from reader.store.index import forget_corpus

    root = tmp_path / "corpus"
    shutil.copytree(seeds_dir(), root)
    conn = indexed(tmp_path, root)
    prepare_entities(conn, root)
    forget_corpus(conn, root)
    for table in ("entity_vocab", "entity_vocab_docs"):
        assert conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0] == 0
    kinds = "kind LIKE 'index.facts.%' OR kind LIKE 'index.options.%'"
    assert conn.execute(f"SELECT count(*) FROM doc_cache WHERE {kinds}").fetchone()[0] == 0
    conn.close()


def test_entities_from_the_index_read_no_text_of_a_document_outside_phonetic_scripts(
    tmp_path,
) -> None:
    """The surface of each candidate comes from the stored options: once they are stored, the
    entities of a Latin-script folder are found without reading a document's text."""
    from dataclasses import replace

    root = tmp_path / "corpus"
    shutil.copytree(DATA / "topics" / "tuned", root)
    conn = indexed(tmp_path, root)
    corpus = load_indexed_corpus(conn, root)
    assert {d.script for d in corpus.documents} == {"Latn"}
    expected = entities_json(find_entities(corpus.documents))
    assert prepare_entities(conn, root) >= 0  # every document's options stored
    corpus.documents[:] = [replace(d, text="\u2400" * len(d.text)) for d in corpus.documents]
    found = indexed_entities(conn, corpus)
    assert found is not None and entities_json(found) == expected
    conn.close()


def test_stored_options_read_back_the_same_in_the_column_and_the_row_formats() -> None:
    """Options stored by column (format 4) and by row (formats 2 and 3, written by earlier
    versions) read back as the options that were stored; damaged columns are refused."""
    from reader.corpus.candidates import Option
    from reader.corpus.entity_facts import options_json
    from reader.store.index.options_codec import pack_options, unpack_options

    options = [
        Option(0, 14, "nexora quantum", "person_org", "nexora quantum", False),
        Option(0, 6, "nexora", "person_org", "nexora", True, (), True, "nexora quantum"),
        Option(20, 31, "region:KH", "place", "campuchia", False, ("a", "b"), False, "", "variant"),
    ]
    packed = json.loads(json.dumps(pack_options(options)))
    assert unpack_options(packed, 4) == options
    rows = options_json(options)
    for row in rows:  # the row format: start and length, 0 for a surface key equal to the key
        row[1] -= row[0]
        row[4] = 0 if row[4] == row[2] else row[4]
    assert unpack_options(json.loads(json.dumps(rows)), 3) == options
    packed["kind"].pop()
    with pytest.raises(ValueError):
        unpack_options(packed, 4)


def test_an_unchanged_folder_is_not_checked_again_but_a_lost_options_row_is_made_again(
    tmp_path, monkeypatch
) -> None:
    from reader.store.index import entities as index_entities

    root = tmp_path / "corpus"
    shutil.copytree(DATA / "topics" / "tuned", root)
    conn = indexed(tmp_path, root)
    total = len(load_indexed_corpus(conn, root).documents)
    assert prepare_entities(conn, root) == total

    def no_check(*_args):
        raise AssertionError("a document's options were checked again")

    with monkeypatch.context() as m:
        m.setattr(index_entities._Options, "holds", no_check)
        m.setattr(index_entities._Options, "of", no_check)
        assert prepare_entities(conn, root) == 0
    with conn:
        conn.execute(
            "DELETE FROM doc_cache WHERE rowid = "
            "(SELECT min(rowid) FROM doc_cache WHERE kind LIKE 'index.options.%')"
        )
    assert prepare_entities(conn, root) == 1, "the lost row is made again"
    assert prepare_entities(conn, root) == 0
