"""The topics' compared pairs updated after a few documents changed (`topic_memo.PairsMemo`)
must be those computed whole: the same pairs, similarities and shared weights, number for
number (the update keeps the weight two documents share where neither changed and no key
they share moved, and weighs only their masses again)."""

from __future__ import annotations

import random

import pytest

from reader.corpus.topic_memo import PairsMemo, PairsState
from reader.corpus.topic_pairs import similar_pairs
from reader.corpus.topics import (
    NEIGHBOUR_POSTINGS,
    NEIGHBOURS,
    RARE_KEY_DOCS,
    SMALL_SIDE_WEIGHT,
    idf_weights,
)


def _pairs(key_sets, memo=None):
    idf = idf_weights(key_sets)
    return similar_pairs(
        key_sets, idf, RARE_KEY_DOCS, NEIGHBOURS, NEIGHBOUR_POSTINGS, SMALL_SIDE_WEIGHT, memo
    )


def _numbers(pairs):
    return list(pairs.first), list(pairs.second), list(pairs.sim), list(pairs.shares)


def _random_corpus(rng, words: tuple[int, int], docs: tuple[int, int], most: int):
    """Words, document ids and each document's keys (1 to `most` of the words)."""
    vocabulary = [f"k{n}" for n in range(rng.randint(*words))]
    ids = [f"d{n}" for n in range(rng.randint(*docs))]
    keys = [tuple(set(rng.sample(vocabulary, rng.randint(1, most)))) for _ in ids]
    return vocabulary, ids, keys


def _kept(ids, keys) -> PairsMemo:
    """The memo of pairs computed whole, with what it keeps for the next update."""
    memo = PairsMemo()
    memo.ids = ids
    _pairs(keys, memo)
    return memo


def test_updated_pairs_are_the_pairs_computed_whole() -> None:
    updated = 0
    for seed in range(30):
        rng = random.Random(seed)
        words, ids, keys = _random_corpus(rng, (30, 120), (20, 60), 12)
        memo = _kept(ids, keys)
        state = PairsState.load(memo.found.dump())
        after = list(keys)
        changed = rng.sample(range(len(ids)), rng.randint(1, 2))
        for i in changed:  # a key gained, one lost
            new = set(after[i]) | {rng.choice(words)}
            if len(new) > 1 and rng.random() < 0.5:
                new.discard(rng.choice(sorted(new)))
            after[i] = tuple(new)
        before = dict(zip(ids, keys, strict=True))
        memo = PairsMemo(state, [ids[i] for i in changed], lambda d, b=before: set(b[d]))
        memo.ids = ids
        found = _pairs(after, memo)
        updated += memo.report.get("pairs_incremental", 0)
        assert _numbers(found) == _numbers(_kept(ids, after).found.pairs), seed
    assert updated > 15  # most were updates, not computed whole


def _same_masses(updated, whole) -> bool:
    """Every document weighed whole has the same mass in the update (which may keep more)."""
    return all(w != w or u == w for u, w in zip(updated.mass, whole.mass, strict=True))


def test_pairs_updated_again_and_again_keep_their_masses_right() -> None:
    """Each update starts from the state the previous update stored: the masses it kept
    for the documents no change reached are still those computed whole."""
    for seed in range(12):
        rng = random.Random(100 + seed)
        words, ids, keys = _random_corpus(rng, (30, 80), (20, 50), 10)
        memo = _kept(ids, keys)
        for _ in range(4):
            state = PairsState.load(memo.found.dump())
            assert state.pairs.mass is not None and len(state.pairs.mass) == len(ids)
            before = dict(zip(ids, keys, strict=True))
            i = rng.randrange(len(ids))
            keys = list(keys)
            keys[i] = tuple(set(keys[i]) ^ {rng.choice(words)}) or (words[0],)
            memo = PairsMemo(state, [ids[i]], lambda d, b=before: set(b[d]))
            memo.ids = ids
            found = _pairs(keys, memo)
            expected = _kept(ids, keys).found.pairs
            assert _numbers(found) == _numbers(expected), seed
            assert _same_masses(found, expected), seed


def test_the_stored_pairs_read_back_and_a_damaged_similarity_is_refused() -> None:
    rng = random.Random(3)
    words = [f"k{n}" for n in range(40)]
    ids = [f"d{n}" for n in range(30)]
    keys = [tuple(set(rng.sample(words, rng.randint(2, 10)))) for _ in ids]
    memo = _kept(ids, keys)
    blob = memo.found.dump()
    state = PairsState.load(blob)
    assert state.ids == ids and state.best == memo.found.best
    assert _numbers(state.pairs) == _numbers(memo.found.pairs)
    assert all(  # NaN: a document in no pair, not weighed
        a == b or (a != a and b != b)
        for a, b in zip(state.pairs.mass, memo.found.pairs.mass, strict=True)
    )
    masses = 8 * len(ids)  # the last bytes, after the similarities and the weights shared
    for at in (-3, -masses - 3):  # a mass, a weight shared (stored uncompressed)
        damaged = bytearray(blob)
        damaged[at] ^= 0x40
        with pytest.raises(ValueError):
            PairsState.load(bytes(damaged))
