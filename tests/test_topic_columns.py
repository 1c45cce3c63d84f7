"""The stored analysis keeps its topics by column: every field of every topic comes back,
edited ones included, and damaged columns are a miss, never a crash or a wrong topic."""

from __future__ import annotations

import pytest

from reader.corpus.topic_columns import topic_columns, topics_from_columns
from reader.corpus.topics import Topic

TOPICS = [
    Topic("t1", "Sora · OpenAI", ["d1", "d2", "d3"], ["e1", "e2"], "clusters", False),
    Topic("t2", "ហ៊ុន សែន", ["d4"], ["e2", "e3", "e1"], "manifest", False),
    Topic("t3", "My reading", [], [], "user", True),
    Topic("t4", "Untitled", ["d5", "d6"], [], "clusters", True),
]


def test_topics_come_back_with_every_field():
    back = topics_from_columns(topic_columns(TOPICS))
    assert back == TOPICS
    assert [t.renamed for t in back] == [False, False, True, True]
    assert topics_from_columns(topic_columns([])) == []


@pytest.mark.parametrize(
    "damage",
    [
        lambda c: c["ndocs"].append(1),  # a topic more in one column than the others
        lambda c: c["ndocs"].__setitem__(0, 4),  # counts that do not add up
        lambda c: c["ents"].__setitem__(0, 99),  # an entity that is not in the table
        lambda c: c["label"].__setitem__(1, 7),  # a label that is not text
        lambda c: c.pop("origins"),
    ],
)
def test_damaged_columns_are_refused(damage):
    columns = topic_columns(TOPICS)
    damage(columns)
    with pytest.raises((ValueError, KeyError, IndexError, TypeError)):
        topics_from_columns(columns)
