"""The packed form of entity facts and options (phase 2 of the index): what is read back is
what was found, it is smaller than the JSON it replaces, and damage is a clear miss."""

from __future__ import annotations

import json
import shutil
import zlib
from pathlib import Path

import pytest

from reader.corpus.entity_facts import CorpusVocabulary, document_facts
from reader.corpus.facts_codec import decode_facts, encode_facts
from reader.corpus.loading import load_corpus
from reader.paths import seeds_dir
from reader.store.db import connect
from reader.store.index import load_indexed_corpus, refresh_index
from reader.store.index.entities import indexed_entities

DATA = Path(__file__).parent / "data"
FOLDERS = [seeds_dir(), DATA / "entities" / "scripts_dev"]


def _documents(folder: Path) -> list:
    return load_corpus(folder).documents


@pytest.mark.parametrize("folder", FOLDERS, ids=["seeds", "scripts_dev"])
def test_facts_and_options_read_back_as_found(folder) -> None:
    docs = _documents(folder)
    vocab = CorpusVocabulary()
    packed = json_size = 0
    for doc in docs:
        facts = document_facts(doc)
        as_json = json.loads(json.dumps(facts))
        blob = encode_facts(facts)
        assert decode_facts(blob) == as_json
        vocab.add(doc.language, as_json)
        packed += len(blob)
        json_size += len(zlib.compress(json.dumps(facts).encode(), 1))
    assert packed < 0.7 * json_size


def test_unexpected_strings_still_read_back() -> None:
    facts = {
        "ranges": [[0, 12]],
        "units": [[0, 4, 1, 0]],
        "words": None,
        "vocab": {
            "lower": {"a\x00b": 2, "c": 1},
            "capital": {},
            "pairs": ["c d"],  # `d` is not among the words: pairs kept as written
            "mid": [],
            "initial": ["Abcd"],
        },
    }
    assert decode_facts(encode_facts(facts)) == facts


def test_damaged_facts_are_a_miss_and_the_entities_come_out_the_same(tmp_path) -> None:
    root = tmp_path / "corpus"
    shutil.copytree(seeds_dir(), root)
    conn = connect(tmp_path / "s.sqlite3")
    refresh_index(conn, root, workers=1)
    corpus = load_indexed_corpus(conn, root)
    expected = [e.to_json() for e in indexed_entities(conn, corpus).entities]
    blob = conn.execute("SELECT data FROM doc_cache WHERE kind LIKE 'index.facts.%'").fetchone()[0]
    with pytest.raises(ValueError):
        decode_facts(blob[:-20])
    damage = "UPDATE doc_cache SET data = substr(data, 1, 30) WHERE kind LIKE ?"
    conn.execute(damage, ("index.options.%",))
    conn.commit()
    # options damaged: computed again from the facts, the same entities
    again = indexed_entities(conn, load_indexed_corpus(conn, root))
    assert again is not None and [e.to_json() for e in again.entities] == expected
    conn.execute(damage, ("index.options.%",))
    conn.execute(damage, ("index.facts.%",))
    conn.commit()
    # facts damaged too: a miss (the caller finds the entities from the texts), not an error
    assert indexed_entities(conn, load_indexed_corpus(conn, root)) is None
