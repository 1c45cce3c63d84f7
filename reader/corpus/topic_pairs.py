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

from reader.corpus.disjoint import DisjointSets


class Pairs:
    """Pairs `(first[n], second[n])` of documents, first < second, in ascending order, with
    their similarity `sim[n]`."""

    __slots__ = ("first", "second", "sim")

    def __init__(self) -> None:
        self.first, self.second, self.sim = array("l"), array("l"), array("d")

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
) -> Pairs:
    """`topics.similarities` as `Pairs` (see there): each document with at most `neighbours`
    others found through its rarest keys."""
    n = len(key_sets)
    limit = max(rare_docs, int(2 * math.sqrt(n)))
    df: Counter[str] = Counter()
    for keys in key_sets:
        df.update(keys)
    # Postings of the keys that find partners only (most keys are in one document).
    postings: dict[str, list[int]] = defaultdict(list)
    for i, keys in enumerate(key_sets):
        for k in keys:
            if 2 <= df[k] <= limit:
                postings[k].append(i)
    later: list[array | None] = [None] * n  # for each document, the later ones it pairs with
    for i, keys in enumerate(key_sets):
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
        for _, j in best:
            a, b = (i, j) if i < j else (j, i)
            found = later[a]
            if found is None:
                found = later[a] = array("l")
            found.append(b)
    del postings, df
    weight = idf.__getitem__
    mass = array("d", (math.fsum(map(weight, keys)) for keys in key_sets))
    out = Pairs()
    for i in range(n):
        found = later[i]
        if found is None:
            continue
        later[i] = None
        keys_i, mass_i = set(key_sets[i]), mass[i]
        for j in sorted(set(found)):
            shared = math.fsum(map(weight, keys_i.intersection(key_sets[j])))
            small, large = (mass_i, mass[j]) if mass_i <= mass[j] else (mass[j], mass_i)
            out.first.append(i)
            out.second.append(j)
            out.sim.append(shared / (small**small_side * large ** (1 - small_side)))
    return out
