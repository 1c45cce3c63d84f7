"""The pairs of documents that topics compare, held compactly: the pairs and their similarity
in flat arrays (8 bytes a number, where a dict of tuples took ~150 bytes a pair; 100,000
documents make millions of pairs), and only the pairs that can change a cluster handed to the
clustering.

Average-link clustering merges two clusters only when their mean similarity reaches the
threshold, which needs at least one pair between them at the threshold: clusters never grow
beyond the groups of documents joined by such pairs, and a pair across two of those groups
never counts in a merge. Leaving those pairs out gives the same clusters.
"""

from __future__ import annotations

import heapq
import math
from array import array
from collections import Counter, defaultdict
from collections.abc import Collection, Mapping, Sequence
from itertools import chain
from typing import TYPE_CHECKING

from reader.corpus.disjoint import DisjointSets

if TYPE_CHECKING:
    from reader.corpus.topic_memo import PairsMemo


class Pairs:
    """Pairs `(first[n], second[n])` of documents, first < second, in ascending order, with
    their similarity `sim[n]` (and, when kept for an update, the weight of the keys they
    share, `shares[n]`, and each document's total weight, `mass[i]`: NaN where it was not
    weighed)."""

    __slots__ = ("first", "mass", "second", "shares", "sim")

    def __init__(self, shares: bool = False) -> None:
        self.first, self.second, self.sim = array("l"), array("l"), array("d")
        self.shares: array | None = array("d") if shares else None
        self.mass: array | None = None

    def __len__(self) -> int:
        return len(self.sim)

    def as_dict(self) -> dict[tuple[int, int], float]:
        return {(i, j): s for i, j, s in zip(self.first, self.second, self.sim, strict=True)}

    def clustered(self, threshold: float) -> dict[tuple[int, int], float]:
        """The pairs that can take part in a merge at `threshold` (see the module docstring),
        in the same order."""
        groups: DisjointSets[int] = DisjointSets()
        for i, j, s in zip(self.first, self.second, self.sim, strict=True):
            if s >= threshold and s > 0:
                groups.union(i, j)
        if not groups.parent:
            return {}
        find, known = groups.find, groups.parent
        return {
            (i, j): s
            for i, j, s in zip(self.first, self.second, self.sim, strict=True)
            if i in known and j in known and find(i) == find(j)
        }


def similar_pairs(
    key_sets: Sequence[Collection[str]],
    idf: Mapping[str, float],
    rare_docs: int,
    neighbours: int,
    postings_read: int,
    small_side: float,
    memo: PairsMemo | None = None,
    df: Counter[str] | None = None,
) -> Pairs:
    """`topics.similarities` as `Pairs` (see there): each document with at most `neighbours`
    others found through its rarest keys. With `memo` (`PairsMemo`) each document's
    neighbours are kept in `memo.found`, and taken from `memo.previous` for the documents
    that the changes since cannot reach. `df`: in how many of them each key is, when known
    (each document's keys are distinct)."""
    n = len(key_sets)
    limit = max(rare_docs, int(2 * math.sqrt(n)))
    if df is None:
        df = Counter(chain.from_iterable(key_sets))
    if memo is not None:
        found = memo.update(key_sets, idf, limit, neighbours, postings_read, small_side, df)
        if found is not None:
            return found
    postings = _postings(key_sets, df, limit)
    best = [
        _best(i, keys, df, postings, idf, limit, neighbours, postings_read)
        for i, keys in enumerate(key_sets)
    ]
    del postings, df
    pairs = _assembled(best, key_sets, idf, small_side, shares=memo is not None)
    if memo is not None:
        memo.keep(best, pairs)
    return pairs


def _postings(
    key_sets: Sequence[Collection[str]],
    df: Mapping[str, int],
    limit: int,
    wanted: Collection[str] | None = None,
) -> dict[str, list[int]]:
    """The documents of each key that finds partners (in 2 to `limit` documents; only those
    of `wanted` when given): most keys are in one document."""
    postings: dict[str, list[int]] = defaultdict(list)
    if wanted is not None:  # a few keys: each document's found by a set operation in C
        rare = {k for k in wanted if 2 <= df[k] <= limit}
        if rare:
            for i, keys in enumerate(key_sets):
                for k in rare.intersection(keys):
                    postings[k].append(i)
        return postings
    for i, keys in enumerate(key_sets):
        for k in keys:
            if 2 <= df[k] <= limit:
                postings[k].append(i)
    return postings


def _best(
    i: int,
    keys: Collection[str],
    df: Mapping[str, int],
    postings: Mapping[str, list[int]],
    idf: Mapping[str, float],
    limit: int,
    neighbours: int,
    postings_read: int,
) -> list[int]:
    """The documents document `i` is compared with: at most `neighbours` sharing the most
    weight with it through its rarest keys (reading at most `postings_read` postings)."""
    rare = sorted((df[k], k) for k in keys if 2 <= df[k] <= limit)
    partial: dict[int, float] = defaultdict(float)
    read = 0
    for count, k in rare:
        if read and read + count > postings_read:
            break
        read += count
        w = idf[k]
        for j in postings[k]:
            partial[j] += w
    partial.pop(i, None)
    ranked = [(-w, j) for j, w in partial.items()]
    best = heapq.nsmallest(neighbours, ranked) if len(ranked) > neighbours else ranked
    return [j for _, j in best]


class Similarity:
    """The similarity of two documents by their keys' weights, leaning on the smaller one
    (each document's total weight computed once, or taken from `known`)."""

    def __init__(
        self,
        key_sets: Sequence[Collection[str]],
        idf: Mapping[str, float],
        small_side: float,
        known: Mapping[int, float] | None = None,
    ) -> None:
        self.key_sets, self.weight, self.small_side = key_sets, idf.__getitem__, small_side
        self.mass: dict[int, float] = dict(known) if known else {}

    def masses(self, n: int) -> array:
        """The total weight of documents 0..n-1 as far as weighed (NaN: not weighed)."""
        out = array("d", [math.nan]) * n
        for i, m in self.mass.items():
            out[i] = m
        return out

    def _mass(self, i: int) -> float:
        m = self.mass.get(i)
        if m is None:
            m = self.mass[i] = math.fsum(map(self.weight, self.key_sets[i]))
        return m

    def __call__(self, i: int, j: int, keys_i: set[str]) -> float:
        """Of documents `i` and `j` (`keys_i`: the keys of `i` as a set)."""
        return self.of_shared(i, j, self.shared(j, keys_i))

    def shared(self, j: int, keys_i: set[str]) -> float:
        """The weight of the keys a document (`keys_i`, as a set) shares with document `j`."""
        return math.fsum(map(self.weight, keys_i.intersection(self.key_sets[j])))

    def of_shared(self, i: int, j: int, shared: float) -> float:
        """The similarity of documents `i` and `j`, sharing keys of weight `shared`."""
        mass_i, mass_j = self._mass(i), self._mass(j)
        small, large = (mass_i, mass_j) if mass_i <= mass_j else (mass_j, mass_i)
        return shared / (small**self.small_side * large ** (1 - self.small_side))


def _assembled(
    best: Sequence[Sequence[int]],
    key_sets: Sequence[Collection[str]],
    idf: Mapping[str, float],
    small_side: float,
    shares: bool = False,
) -> Pairs:
    """Every pair of a document and one it is compared with, each once, with its
    similarity (`shares`: and the weight of the keys it shares)."""
    n = len(key_sets)
    later: list[array | None] = [None] * n  # for each document, the later ones it pairs with
    for i, js in enumerate(best):
        for j in js:
            a, b = (i, j) if i < j else (j, i)
            found = later[a]
            if found is None:
                found = later[a] = array("l")
            found.append(b)
    similarity = Similarity(key_sets, idf, small_side)
    out = Pairs(shares)
    kept = out.shares
    for i in range(n):
        found = later[i]
        if found is None:
            continue
        later[i] = None
        keys_i = set(key_sets[i])
        for j in sorted(set(found)):
            out.first.append(i)
            out.second.append(j)
            if kept is None:
                out.sim.append(similarity(i, j, keys_i))
                continue
            shared = similarity.shared(j, keys_i)
            kept.append(shared)
            out.sim.append(similarity.of_shared(i, j, shared))
    if kept is not None:
        out.mass = similarity.masses(n)
    return out
