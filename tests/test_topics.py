"""Topics: which documents tell the same story, whatever their language and length."""

from __future__ import annotations

import json
import shutil

import pytest
from analysis_gold import DATA, SPLITS, bcubed, gold_story, topic_corpus

from reader.cli import main
from reader.corpus.entities import find_entities
from reader.corpus.loading import load_corpus
from reader.corpus.topics import (
    ManifestError,
    ManifestTopic,
    TopicEdit,
    find_topics,
    parse_manifest,
    read_manifest,
    topics_for_corpus,
)
from tests.conftest import seed


@pytest.fixture(scope="module")
def tuned():
    corpus = topic_corpus("tuned")
    return corpus, find_entities(corpus.documents)


def topic_of(topics, doc):
    topic = topics.of_document(doc.id)
    assert topic is not None
    return topic


def assert_partition(topics, corpus):
    placed = [d for t in topics.topics for d in t.documents]
    assert sorted(placed) == sorted(d.id for d in corpus.documents)


def test_the_three_versions_of_the_sora_article_share_a_topic(seeds):
    topics = find_topics(seeds.documents, find_entities(seeds.documents))
    vi, km, pt = seed(seeds, "000"), seed(seeds, "003"), seed(seeds, "004")
    sora = topic_of(topics, km)
    assert vi.id in sora.documents and pt.id in sora.documents
    # a different article (AI in China at the end of 2024) is not part of it
    assert seed(seeds, "002").id not in sora.documents
    assert sora.entities and sora.label
    assert_partition(topics, seeds)


@pytest.mark.parametrize("split", SPLITS)
def test_stories_in_several_languages_are_grouped_by_story(split):
    corpus = topic_corpus(split)
    topics = find_topics(corpus.documents, find_entities(corpus.documents))
    predicted = {d: t.id for t in topics.topics for d in t.documents}
    gold = {d.id: gold_story(d) for d in corpus.documents}
    precision, recall, f1 = bcubed(predicted, gold)
    assert f1 >= 0.9, f"B-cubed P={precision:.2f} R={recall:.2f} F1={f1:.2f}"


def test_a_short_summary_joins_the_long_versions_and_a_related_story_stays_apart(tuned):
    corpus, index = tuned
    topics = find_topics(corpus.documents, index)
    apple = topic_of(topics, corpus.by_path("apple-results/en.txt"))
    assert corpus.by_path("apple-results/vi.txt").id in apple.documents  # two paragraphs
    flood = topic_of(topics, corpus.by_path("jakarta-flood/en.txt"))
    election = topic_of(topics, corpus.by_path("jakarta-election/en.txt"))
    assert flood is not election  # both name Jakarta and Rina Wibowo


def test_topic_labels_name_shared_entities(tuned):
    corpus, index = tuned
    topics = find_topics(corpus.documents, index)
    football = topic_of(topics, corpus.by_path("football-transfer/es.txt"))
    labels = {e.label for e in index.entities if e.id in football.entities}
    assert {"Palmeiras", "Diego Simeone"} <= labels
    assert any(name in football.label for name in ("Palmeiras", "Moreira", "Simeone"))


def test_a_higher_threshold_never_groups_more(tuned):
    corpus, index = tuned
    counts = [len(find_topics(corpus.documents, index, t).topics) for t in (0.1, 0.25, 0.6, 1.0)]
    assert counts == sorted(counts)
    assert counts[-1] > counts[1]


def test_topic_ids_are_stable_when_an_unrelated_document_arrives(tmp_path):
    for story in ("football-transfer", "rice-exports"):
        shutil.copytree(DATA / "topics/tuned" / story, tmp_path / story)
    before = load_corpus(tmp_path)
    ids = {t.id for t in find_topics(before.documents, find_entities(before.documents)).topics}
    assert len(ids) == 2
    shutil.copytree(DATA / "topics/tuned/chess-championship", tmp_path / "chess-championship")
    after = load_corpus(tmp_path)
    again = {t.id for t in find_topics(after.documents, find_entities(after.documents)).topics}
    assert ids < again


def test_a_manifest_names_topics_and_overrides_clustering(tuned):
    corpus, index = tuned
    manifest = parse_manifest(
        """
        [[topic]]
        name = "Asian economy"
        documents = ["rice-exports/*.txt", "airbus-order/en.txt", "missing/file.txt"]
        """
    )
    topics = find_topics(corpus.documents, index, manifest=manifest)
    named = topics.topics[0]
    assert named.label == "Asian economy"
    expected = {
        corpus.by_path(p).id
        for p in (
            "rice-exports/en.txt",
            "rice-exports/fr.txt",
            "rice-exports/vi.txt",
            "airbus-order/en.txt",
        )
    }
    assert set(named.documents) == expected
    # the other versions of the Airbus story still cluster together
    airbus_de = topic_of(topics, corpus.by_path("airbus-order/de.txt"))
    assert corpus.by_path("airbus-order/fr.txt").id in airbus_de.documents
    assert any("missing/file.txt" in w for w in topics.warnings)
    assert_partition(topics, corpus)


def test_a_broken_manifest_is_refused_with_a_clear_message(tmp_path, capsys):
    with pytest.raises(ManifestError, match="needs `documents`"):
        parse_manifest('[[topic]]\nname = "x"\n')
    with pytest.raises(ManifestError, match="not valid TOML"):
        parse_manifest("[[topic]\n")
    shutil.copytree(DATA / "topics/tuned/rice-exports", tmp_path / "rice")
    (tmp_path / "topics.toml").write_text("[[topic]]\nname = 3\n")
    with pytest.raises(ManifestError, match="needs a `name`"):
        read_manifest(tmp_path)
    assert main(["topics", str(tmp_path), "--json"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "topics.toml" in err
    assert (tmp_path / "topics.toml").read_text() == "[[topic]]\nname = 3\n"


def test_user_edits_move_rename_and_merge(tuned):
    corpus, index = tuned
    base = find_topics(corpus.documents, index)
    chess = topic_of(base, corpus.by_path("chess-championship/en.txt"))
    football = topic_of(base, corpus.by_path("football-transfer/en.txt"))
    apple = topic_of(base, corpus.by_path("apple-results/en.txt"))
    chess_vi = corpus.by_path("chess-championship/vi.txt")
    edits = [
        TopicEdit("move", {"document": chess_vi.path, "topic": "user-1", "label": "Cờ vua"}),
        TopicEdit("rename", {"topic": football.id, "label": "Transfers"}),
        ("merge", {"source": apple.id, "target": football.id}),
        ("rename", {"topic": "no-such-topic", "label": "x"}),
        ("explode", {}),
    ]
    topics = find_topics(corpus.documents, index, edits=edits)
    moved = topics.by_id("user-1")
    assert moved.documents == [chess_vi.id] and moved.label == "Cờ vua"
    assert chess_vi.id not in topics.by_id(chess.id).documents
    merged = topics.by_id(football.id)
    assert merged.label == "Transfers"
    assert set(apple.documents) | set(football.documents) == set(merged.documents)
    with pytest.raises(KeyError):
        topics.by_id(apple.id)
    assert len(topics.warnings) == 2  # the unknown topic and the unknown operation
    assert_partition(topics, corpus)


def test_moving_a_document_by_id_into_an_existing_topic(tuned):
    corpus, index = tuned
    base = find_topics(corpus.documents, index)
    doc = corpus.by_path("portugal-wildfire/fr.txt")
    target = topic_of(base, corpus.by_path("jakarta-flood/en.txt"))
    topics = find_topics(
        corpus.documents, index, edits=[("move", {"document": doc.id, "topic": target.id})]
    )
    assert doc.id in topics.by_id(target.id).documents
    assert_partition(topics, corpus)


def test_topics_cli_prints_the_documented_json(seeds, capsys):
    assert main(["topics", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert set(data) == {"topics", "warnings"}
    ids = {d.id for d in seeds.documents}
    placed = []
    for topic in data["topics"]:
        assert set(topic) == {"id", "label", "documents", "entities"}
        assert topic["label"] and topic["id"]
        placed += topic["documents"]
    assert sorted(placed) == sorted(ids)
    sora = next(t for t in data["topics"] if seed(seeds, "003").id in t["documents"])
    assert seed(seeds, "000").id in sora["documents"]
    index = find_entities(seeds.documents)
    known = {e.id for e in index.entities}
    assert sora["entities"] and set(sora["entities"]) <= known


def test_topics_cli_threshold_and_manifest(tmp_path, capsys):
    for story in ("football-transfer", "rice-exports"):
        shutil.copytree(DATA / "topics/tuned" / story, tmp_path / story)
    assert main(["topics", str(tmp_path), "--json", "--threshold", "1"]) == 0
    assert len(json.loads(capsys.readouterr().out)["topics"]) == 6
    (tmp_path / "topics.toml").write_text(
        '[[topic]]\nname = "Everything"\ndocuments = ["*/*.txt"]\n', encoding="utf-8"
    )
    assert main(["topics", str(tmp_path), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert [t["label"] for t in data["topics"]] == ["Everything"]
    with pytest.raises(SystemExit) as exit_:
        main(["topics", str(tmp_path), "--threshold", "2"])
    assert exit_.value.code == 2
    assert "from 0 to 1" in capsys.readouterr().err


def test_manifest_topic_records_are_plain_data():
    topic = ManifestTopic("A", ("a.txt",))
    assert parse_manifest('[[topic]]\nname = "A"\ndocuments = ["./a.txt"]\n') == [topic]


def test_a_corpus_with_a_manifest_gets_its_named_topics_and_a_broken_one_only_a_warning(tmp_path):
    for story in ("football-transfer", "rice-exports"):
        shutil.copytree(DATA / "topics/tuned" / story, tmp_path / story)
    (tmp_path / "topics.toml").write_text(
        '[[topic]]\nname = "Futebol"\ndocuments = ["football-transfer/pt.txt"]\n'
    )
    corpus = load_corpus(tmp_path)
    index = find_entities(corpus.documents)
    topics = topics_for_corpus(corpus, index)
    assert topics.topics[0].label == "Futebol"
    assert topics.topics[0].documents == [corpus.by_path("football-transfer/pt.txt").id]
    (tmp_path / "topics.toml").write_text("[[topic]]\nname = \n")
    topics = topics_for_corpus(corpus, index)
    assert "topics.toml" in topics.warnings[0] and "Futebol" not in [t.label for t in topics.topics]
    assert_partition(topics, corpus)


def test_pairs_compared_grow_with_the_documents_and_stories_stay_whole():
    """1,200 documents: 40 stories of 30 versions (each version names its story's own three
    people) and every document also names 10 of 240 other names (each in ~50 documents, under
    the rare-key limit at this size, so each document shares one with ~400 others). Every
    story comes out whole, and each document is compared with a bounded number of others,
    not with every document sharing a name."""
    import random

    from reader.corpus.topics import NEIGHBOURS, average_link_clusters, idf_weights, similarities

    rng = random.Random(5)
    key_sets = []
    story_of = []
    for story in range(40):
        for _ in range(30):
            keys = {f"person:{story}-{p}" for p in range(3)}
            keys |= {f"name:{rng.randrange(240)}" for _ in range(10)}
            key_sets.append(keys)
            story_of.append(story)
    idf = idf_weights(key_sets)
    sims = similarities(key_sets, idf)
    per_doc = [0] * len(key_sets)
    for i, j in sims:
        per_doc[i] += 1
        per_doc[j] += 1
    assert max(per_doc) <= 2 * NEIGHBOURS  # its own picks and the documents that picked it
    assert len(sims) <= NEIGHBOURS * len(key_sets)  # all pairs sharing a name: ~250,000
    clusters = average_link_clusters(len(key_sets), sims, 0.25)
    assert sorted(len(c) for c in clusters) == [30] * 40
    assert all(len({story_of[i] for i in c}) == 1 for c in clusters)


def test_topics_of_a_big_corpus_are_those_of_a_small_one(tuned, monkeypatch):
    """From `INTERNED_FROM` documents on, the keys topics compare are held once for the
    corpus: the topics, their labels and weights are the same either way."""
    from reader.corpus import topics as topics_module

    corpus, index = tuned
    small = find_topics(corpus.documents, index)
    monkeypatch.setattr(topics_module, "INTERNED_FROM", 0)
    big = find_topics(corpus.documents, index)
    assert json.dumps(big.to_json()) == json.dumps(small.to_json())
