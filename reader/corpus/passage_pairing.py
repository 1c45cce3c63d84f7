"""A light pairing of two versions' passages for linking names by sound (not the app's aligner).

Linking by sound only needs to know which passages of the other version may hold a name's
transliteration, not a one-to-one alignment. Passages are anchored by the keys both versions
already have (numbers, dates, gazetteer places, names written alike), each key weighted by how
few passages hold it; a passage's partners are the passages of the other version that share
nearly as much with it as its best one (a passage split in two keeps both halves). Passages
without an anchor are paired with the passages between the partners of their anchored
neighbours (a translated paragraph whose names the other side does not recognise), or with
those neighbours' partners themselves when nothing lies between them (merged into one).
"""

from __future__ import annotations

import math
from bisect import bisect_right
from collections import defaultdict
from collections.abc import Sequence
from itertools import pairwise
from typing import TYPE_CHECKING

from reader.corpus.model import Document

if TYPE_CHECKING:
    from reader.corpus.entities import Candidate, EntityIndex

Groups = list[tuple[list[int], list[int]]]  # (passage indexes of a, passage indexes of b)

RARE_PASSAGES = 3  # a key in more passages of either version anchors nothing
NEAR_BEST = 0.5  # partners share at least this share of what the best one shares
MAX_GAP = 3  # passages without anchors between two anchored ones are paired when this few


Side = Sequence[tuple[int, set[str], int]]  # (passage index, keys, length) in reading order


def _side(doc: Document, cands: Sequence[Candidate]) -> Side:
    """Each passage (not boilerplate) with the keys of the candidates inside it, its length."""
    passages = [(p.start, p.end, i) for i, p in enumerate(doc.passages) if p.kind != "boilerplate"]
    starts = [s for s, _, _ in passages]
    keys: list[set[str]] = [set() for _ in passages]
    for c in cands:
        n = bisect_right(starts, c.start) - 1
        if n >= 0 and c.start < passages[n][1] and c.key:
            keys[n].add(c.key)
    return [(i, k, e - s) for (s, e, i), k in zip(passages, keys, strict=True)]


def pair_passages(doc_a: Document, doc_b: Document, index: EntityIndex) -> Groups:
    """Groups of passages of `doc_a` and `doc_b` that may tell the same thing (see module
    docstring); a passage may be in more than one group."""
    side_a = _side(doc_a, index.candidates.get(doc_a.id, ()))
    side_b = _side(doc_b, index.candidates.get(doc_b.id, ()))
    return pair_sides(side_a, side_b)


def pair_sides(side_a: Side, side_b: Side) -> Groups:
    """`pair_passages` on each version's (passage index, keys, length)."""
    post_a: dict[str, list[int]] = defaultdict(list)
    post_b: dict[str, list[int]] = defaultdict(list)
    for n, (_, ks, _) in enumerate(side_a):
        for k in ks:
            post_a[k].append(n)
    for n, (_, ks, _) in enumerate(side_b):
        for k in ks:
            post_b[k].append(n)
    total = len(side_a) + len(side_b)
    scores: dict[int, dict[int, float]] = defaultdict(lambda: defaultdict(float))
    for k, at_a in post_a.items():
        at_b = post_b.get(k)
        if not at_b or len(at_a) > RARE_PASSAGES or len(at_b) > RARE_PASSAGES:
            continue
        w = math.log(1 + total / (len(at_a) + len(at_b)))
        for n in at_a:
            row = scores[n]
            for m in at_b:
                row[m] += w
    len_a = [size for _, _, size in side_a]
    len_b = [size for _, _, size in side_b]
    groups = _anchored(scores, len_a, len_b)
    # Between two anchored groups (and before the first, after the last), in reading order.
    in_a = {n for ga, _ in groups for n in ga}
    in_b = {m for _, gb in groups for m in gb}
    order = sorted((min(ga), min(gb), max(ga), max(gb)) for ga, gb in groups)
    ends = len(side_a), len(side_b)
    bounds = [(-1, -1, -1, -1), *order, (*ends, *ends)]
    for (_, _, n0, m0), (n1, m1, _, _) in pairwise(bounds):
        gap_a = [n for n in range(n0 + 1, n1) if n not in in_a]
        gap_b = [m for m in range(m0 + 1, m1) if m not in in_b]
        if not gap_b or len(gap_a) > MAX_GAP or len(gap_b) > MAX_GAP:
            continue
        if gap_a:
            groups.append((gap_a, gap_b))
        elif len(gap_b) == 1 and n0 >= 0 and n1 < ends[0]:
            # One passage of b between two consecutive groups: the rest of a passage split
            # in two (or a sentence of either neighbour).
            groups.append(([n0, n1], gap_b))
    return [([side_a[n][0] for n in ga], [side_b[m][0] for m in gb]) for ga, gb in groups]


def _anchored(scores: dict[int, dict[int, float]], len_a: list[int], len_b: list[int]) -> Groups:
    """Passages that are each other's best match (anchors; a tie goes to the closer place),
    each with a passage next to it whose own best match it is when their lengths together
    fit the other side better (the halves of a passage split in two), at least NEAR_BEST of
    that best."""
    ratio = (sum(len_b) + 1) / (sum(len_a) + 1)

    def misfit(ns: Sequence[int], ms: Sequence[int]) -> float:
        """How far the lengths of two groups are from the documents' ratio (relative)."""
        a = ratio * sum(len_a[n] for n in ns)
        return abs(sum(len_b[m] for m in ms) - a) / (a + 1)

    at_a, at_b = _middles(len_a), _middles(len_b)

    def rank(n: int, m: int) -> tuple[float, float]:
        """Shared keys, then closeness of the two passages' places in their documents."""
        return scores[n][m], -abs(at_a[n] - at_b[m])

    best_b = {n: max(row, key=lambda m, n=n: rank(n, m)) for n, row in scores.items()}
    best_a: dict[int, int] = {}
    for n, row in scores.items():
        for m in row:
            if m not in best_a or rank(n, m) > rank(best_a[m], m):
                best_a[m] = n
    groups: Groups = []
    for n, m in best_b.items():
        if best_a[m] != n:
            continue
        top = scores[n][m]
        ga, gb = [n], [m]
        for m2 in (m - 1, m + 1):
            if (
                best_a.get(m2) == n
                and scores[n][m2] >= NEAR_BEST * top
                and misfit(ga, [*gb, m2]) < misfit(ga, gb)
            ):
                gb.append(m2)
        for n2 in (n - 1, n + 1):
            if (
                best_b.get(n2) == m
                and scores[n2][m] >= NEAR_BEST * top
                and misfit([*ga, n2], gb) < misfit(ga, gb)
            ):
                ga.append(n2)
        groups.append((sorted(ga), sorted(gb)))
    return groups


def _middles(lengths: Sequence[int]) -> list[float]:
    """Where the middle of each passage lies in its document, from 0 to 1 (by characters)."""
    total = sum(lengths) or 1
    out, before = [], 0
    for size in lengths:
        out.append((before + size / 2) / total)
        before += size
    return out
