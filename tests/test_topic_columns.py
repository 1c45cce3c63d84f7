"""The stored analysis keeps its topics by column: every field of every topic comes back,
edited ones included, and damaged columns are a miss, never a crash or a wrong topic."""

from __future__ import annotations

import pytest

from reader.corpus.chunked_texts import ChunkedTexts
from reader.corpus.topic_columns import topic_columns, topic_labels, topics_from_columns
from reader.corpus.topics import Topic

TOPICS = [
    Topic("t1", "Sora · OpenAI", ["d1", "d2", "d3"], ["e1", "e2"], "clusters", False),
    Topic("t2", "ហ៊ុន សែន", ["d4"], ["e2", "e3", "e1"], "manifest", False),
    Topic("t3", "My reading", [], [], "user", True),
    Topic("t4", "Untitled", ["d5", "d6"], [], "clusters", True),
]


def _labels(topics):
    packed = topic_labels(topics)
    return lambda count: ChunkedTexts(packed, count)


def _round_trip(topics):
    columns, entities = topic_columns(topics)
    return topics_from_columns(columns, lambda: entities, _labels(topics))


def test_topics_come_back_with_every_field():
    back = _round_trip(TOPICS)
    assert back == TOPICS
    assert [t.renamed for t in back] == [False, False, True, True]
    assert _round_trip([]) == []


def test_entities_are_read_when_first_asked_for_and_damaged_ones_are_none():
    columns, entities = topic_columns(TOPICS)
    asked = []

    def read():
        asked.append(1)
        return entities

    back = topics_from_columns(columns, read, _labels(TOPICS))
    assert not asked and [t.label for t in back] == [t.label for t in TOPICS]
    assert back[1].entities == ["e2", "e3", "e1"] and back[0].entities == ["e1", "e2"]
    assert len(asked) == 1  # once for every topic
    entities["ents"][0] = "not an index"
    damaged = topics_from_columns(columns, lambda: entities, _labels(TOPICS))
    assert [t.entities for t in damaged] == [[], [], [], []]
    gone = topics_from_columns(columns, lambda: None, _labels(TOPICS))
    assert gone[0].entities == [] and gone[0].documents == ["d1", "d2", "d3"]


@pytest.mark.parametrize(
    "damage",
    [
        lambda c: c["ndocs"].append(1),  # a topic more in one column than the others
        lambda c: c["ndocs"].__setitem__(0, 4),  # counts that do not add up
        lambda c: c["origin"].__setitem__(0, 99),  # an origin that is not in the table
        lambda c: c["id"].__setitem__(1, 7),  # an id that is not text
        lambda c: c.pop("origins"),
    ],
)
def test_damaged_columns_are_refused(damage):
    columns, entities = topic_columns(TOPICS)
    damage(columns)
    with pytest.raises((ValueError, KeyError, IndexError, TypeError)):
        topics_from_columns(columns, lambda: entities, _labels(TOPICS))


def test_a_stored_topic_is_a_topic_everywhere_it_goes():
    import dataclasses
    import pickle

    back = _round_trip(TOPICS)
    assert back == TOPICS
    assert all(t == b for t, b in zip(TOPICS, back, strict=True))  # a Topic first, too
    assert pickle.loads(pickle.dumps(back)) == TOPICS
    moved = dataclasses.replace(back[1], label="Renamed", renamed=True)
    assert moved.entities == ["e2", "e3", "e1"] and moved.label == "Renamed"
    back[0].entities = ["e9"]  # an edit replaces them
    assert back[0].entities == ["e9"] and back[1].entities == TOPICS[1].entities
    assert [t.to_json() for t in back[1:]] == [t.to_json() for t in TOPICS[1:]]


def test_labels_are_read_when_first_asked_for_and_gone_or_damaged_ones_are_the_ids():
    columns, entities = topic_columns(TOPICS)
    asked = []
    packed = topic_labels(TOPICS)

    def read(count):
        asked.append(count)
        return ChunkedTexts(packed, count)

    back = topics_from_columns(columns, lambda: entities, read)
    assert not asked, "no label read at opening"
    assert back[1].label == "ហ៊ុន សែន" and asked == [4]
    assert [t.label for t in back] == [t.label for t in TOPICS] and asked == [4]
    for broken in (lambda n: None, lambda n: ChunkedTexts(packed[:-5], n), lambda n: ["one"]):
        assert [t.label for t in topics_from_columns(columns, lambda: entities, broken)] == [
            t.id for t in TOPICS
        ]
    back[0].label = "Renamed"  # an edit replaces it
    assert back[0].label == "Renamed" and back[1].label == TOPICS[1].label
