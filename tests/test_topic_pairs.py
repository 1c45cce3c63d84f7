"""Topics cluster over the pairs that can join clusters only: the same topics as over every
compared pair, with far fewer pairs held (100,000 documents compare millions)."""

from __future__ import annotations

import random

from reader.corpus.topic_pairs import similar_pairs
from reader.corpus.topics import (
    NEIGHBOUR_POSTINGS,
    NEIGHBOURS,
    RARE_KEY_DOCS,
    SMALL_SIDE_WEIGHT,
    average_link_clusters,
    idf_weights,
)


def stories(seed: int, count: int = 30) -> list[frozenset[str]]:
    """Versions of `count` stories naming their own people and a random few of many names."""
    rng = random.Random(seed)
    key_sets = []
    for story in range(count):
        for _ in range(rng.randrange(1, 6)):
            keys = {f"person:{story}-{p}" for p in range(rng.randrange(0, 4))}
            keys |= {f"name:{rng.randrange(90)}" for _ in range(rng.randrange(2, 9))}
            key_sets.append(frozenset(keys))
    rng.shuffle(key_sets)
    return key_sets


def test_clusters_over_the_pairs_that_can_merge_are_those_over_every_pair() -> None:
    fewer = 0
    for seed in range(6):
        key_sets = stories(seed)
        idf = idf_weights(key_sets)
        pairs = similar_pairs(
            key_sets, idf, RARE_KEY_DOCS, NEIGHBOURS, NEIGHBOUR_POSTINGS, SMALL_SIDE_WEIGHT
        )
        every = pairs.as_dict()
        assert list(every) == sorted(every)  # ascending, as the clustering's ties expect
        for threshold in (0.1, 0.25, 0.4, 0.7):
            kept = pairs.clustered(threshold)
            assert average_link_clusters(len(key_sets), kept, threshold) == (
                average_link_clusters(len(key_sets), every, threshold)
            )
            fewer += len(kept) < len(every)
    assert fewer  # pairs were left out, and nothing changed


def test_no_pair_at_the_threshold_leaves_every_document_alone() -> None:
    key_sets = [frozenset({f"k{i}", "common"}) for i in range(50)]
    pairs = similar_pairs(
        key_sets, idf_weights(key_sets), RARE_KEY_DOCS, NEIGHBOURS, NEIGHBOUR_POSTINGS, 0.75
    )
    assert pairs.clustered(0.99) == {}
    assert average_link_clusters(50, {}, 0.99) == [[i] for i in range(50)]
