"""A one-document topic whose keys were only reweighed (their number of documents moved) is
ranked again from its previous top entities (`describe_memo._reranked`): whenever it answers,
the answer must be the top a full description gives with the new weights."""

from __future__ import annotations

import random
from types import SimpleNamespace

from reader.corpus.describe_memo import _keys_by_id, _reranked
from reader.corpus.topics import TOP_ENTITIES, one_member_ranking


def _top(mentions, idf, by_key) -> list[str]:
    keys = [k for k in mentions if k in by_key]
    return [by_key[k].id for _, k in one_member_ranking(keys, mentions, idf)][:TOP_ENTITIES]


def _key_of(by_key) -> dict[str, str]:
    return _keys_by_id(by_key)


def test_reranked_tops_are_the_tops_described_whole() -> None:
    answered = refused = 0
    for seed in range(3000):
        rng = random.Random(seed)
        keys = [f"k{n}" for n in range(rng.randint(2, 20))]
        mentions = {k: rng.randint(1, 4) for k in keys}
        by_key = {k: SimpleNamespace(id=f"e{k}") for k in keys if rng.random() < 0.8}
        idf = {k: rng.choice([0.3, 0.7, 1.1, 2.0, 2.5]) * rng.uniform(0.9, 1.1) for k in keys}
        before = _top(mentions, idf, by_key)
        held = set(rng.sample(keys, rng.randint(1, min(3, len(keys)))))
        after = dict(idf)
        for k in held:  # a key in one more or one fewer document: its weight moves a little
            after[k] = idf[k] * rng.choice([0.8, 0.95, 1.05, 1.3])
        found = _reranked(before, held, held, _key_of(by_key), mentions, after, by_key)
        if found is None:
            refused += 1
            continue
        answered += 1
        assert found == _top(mentions, after, by_key), seed
    assert answered > 1000 and refused > 100  # both ways are taken


def test_a_key_whose_entity_changed_is_never_reranked() -> None:
    mentions = {"a": 2, "b": 1}
    by_key = {k: SimpleNamespace(id=f"e{k}") for k in mentions}
    idf = {"a": 1.0, "b": 2.0}
    before = _top(mentions, idf, by_key)
    assert _reranked(before, {"a"}, set(), _key_of(by_key), mentions, idf, by_key) is None
    assert _reranked(before, {"a"}, {"a"}, _key_of(by_key), mentions, idf, by_key) == before


def test_two_keys_of_one_entity_id_are_described_anew() -> None:
    """Entity ids are short hashes: when two keys share one, the previous top cannot say
    which key it listed, and the topic is described anew."""
    keys = [f"k{n}" for n in range(10)]
    mentions = dict.fromkeys(keys, 1)
    by_key = {k: SimpleNamespace(id=f"e{k}") for k in keys}
    by_key["k1"] = by_key["k9"] = SimpleNamespace(id="eX")
    idf = {k: 10.0 - n for n, k in enumerate(keys)}
    before = _top(mentions, idf, by_key)
    after = dict(idf, k0=9.5)
    assert "eX" in before
    assert _reranked(before, {"k0"}, {"k0"}, _key_of(by_key), mentions, after, by_key) is None


def test_a_stored_top_longer_than_a_topic_shows_is_cut() -> None:
    keys = [f"k{n}" for n in range(TOP_ENTITIES + 3)]
    mentions = dict.fromkeys(keys, 1)
    by_key = {k: SimpleNamespace(id=f"e{k}") for k in keys}
    idf = {k: 1.0 + n for n, k in enumerate(keys)}
    every = [by_key[k].id for _, k in one_member_ranking(keys, mentions, idf)]
    top = f"k{TOP_ENTITIES + 2}"  # the heaviest key moved
    found = _reranked(every, {top}, {top}, _key_of(by_key), mentions, idf, by_key)
    assert found == _top(mentions, idf, by_key)


def test_topics_after_a_common_entity_gains_a_document_are_those_of_a_recompute(
    tmp_path, capsys
) -> None:
    """A name most documents share written into one more file moves its weight in every
    document naming it: their one-document topics are ranked again, not described anew, and
    `topics` and `entities` print what a recompute prints."""
    import json

    from test_incremental_resolution import append, corpus, outputs, recomputed

    from reader.cli import main
    from reader.store.index import resolved

    root = corpus(tmp_path, 40)
    db = str(tmp_path / "store.sqlite3")
    assert main(["index", str(root), "--db", db, "--quiet"]) == 0
    capsys.readouterr()
    _, entities = outputs(root, db, capsys)
    found = json.loads(entities)
    common = max(found["entities"], key=lambda e: (len(e["documents"]), e["key"]))
    paths = {d["id"]: d["path"] for d in found["documents"]}
    without = sorted(p for d, p in paths.items() if d not in common["documents"])
    append(root / without[0], f"{common['label']}.")
    again = outputs(root, db, capsys)
    assert resolved.last_report["incremental"] == 1
    assert resolved.last_report["reranked"] > 0
    assert again == recomputed(root, db, tmp_path, capsys)
