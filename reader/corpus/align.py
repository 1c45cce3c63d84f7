"""Passages of one document <-> passages of another, and of all versions of a topic.

Two documents are aligned by dynamic programming over their passages (boilerplate
skipped) with 1-1, 1-2, 2-1, 1-0 and 0-1 steps. A step scores the entity keys and numbers
the passages share (weighted by how few passages carry them) plus a Gale–Church length
prior on each passage's share of its document (scripts differ in characters per meaning,
shares do not). News rewrites reorder and drop paragraphs, so after the monotonic path:
a pair whose passages name different things is undone, a passage left without a partner
links to its best match when that match is clear, and otherwise stays unlinked — a gap.

Three or more versions align through the strongest pairs: the pairwise alignments form a
maximum spanning tree and passages of two documents are linked through the tree path, so a
Vietnamese and a Khmer column line up through the Portuguese one.
"""

from __future__ import annotations

import math
from bisect import bisect_right
from collections import defaultdict, deque
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from reader.corpus.disjoint import DisjointSets
from reader.corpus.model import Document, Passage

if TYPE_CHECKING:
    from reader.corpus.entities import Candidate, EntityIndex

# Step priors (Gale & Church 1993, table 5), except that news versions drop and add
# paragraphs more often than parliamentary translations do (they have 0.0099 / 2).
SKIP_P = 0.02
STEP_LOGP = {
    (1, 1): math.log(0.89),
    (1, 0): math.log(SKIP_P),
    (0, 1): math.log(SKIP_P),
    (2, 1): math.log(0.089 / 2),
    (1, 2): math.log(0.089 / 2),
}
LENGTH_VARIANCE = 6.8  # Gale–Church s^2, on lengths rescaled to a common total
SHARED_GAIN = 6.0  # score of passages that share all their (weighted) keys
# Cost of passages that name different things, or where one names something the other
# document has and the other names nothing: both suggest different content.
MISMATCH_COST = 3.0
BAD_DICE = 0.15  # a path pair whose keys overlap less than this is undone
BEST_DICE = 0.4  # a passage without partner links to a best match at least this close
BEST_MARGIN = 0.15  # ... and this much closer than the next best
UNSHARED_WEIGHT = 0.5  # weight of a name only one document has, relative to a shared one
RARE_PASSAGES = 4  # ... sharing at least one key as rare as one found in this many passages
MIN_LOGP = -30.0
SWAP_MIN_LOGP = math.log(0.1)  # a swapped pair must not differ much in length
STRONG_DICE = 0.5  # passages this close, each the other's best, belong together
RATIO_PAIRS = 3  # strong pairs needed to measure the length ratio of two documents
MAX_PAIRWISE = 8  # topics with more documents align each to one pivot document


@dataclass(frozen=True, slots=True)
class AlignedPair:
    """Passages of document a linked to passages of document b.

    `score` (0..1): how well they agree (shared entities and length). `method`: "path" for
    the monotonic alignment, "best" for a best-match link across reordering.
    """

    a: tuple[int, ...]
    b: tuple[int, ...]
    score: float
    method: str = "path"

    def to_json(self) -> dict[str, object]:
        return {"a": list(self.a), "b": list(self.b), "score": round(self.score, 3)}

    def flipped(self) -> AlignedPair:
        return AlignedPair(self.b, self.a, self.score, self.method)


@dataclass(slots=True)
class Alignment:
    """Links between the passages of two documents (by `Passage.index`).

    `unlinked_*` are content passages with no partner; `skipped_*` are boilerplate.
    """

    a: str
    b: str
    pairs: list[AlignedPair]
    unlinked_a: list[int] = field(default_factory=list)
    unlinked_b: list[int] = field(default_factory=list)
    skipped_a: list[int] = field(default_factory=list)
    skipped_b: list[int] = field(default_factory=list)

    @property
    def strength(self) -> float:
        """0..1: how much of both documents is linked, weighted by the links' scores."""
        total = sum(len(p.a) + len(p.b) for p in self.pairs)
        total += len(self.unlinked_a) + len(self.unlinked_b)
        if not total:
            return 0.0
        return sum(p.score * (len(p.a) + len(p.b)) for p in self.pairs) / total

    def partners_in_b(self, index: int) -> list[int]:
        """Passages of b linked to passage `index` of a."""
        return sorted({j for p in self.pairs if index in p.a for j in p.b})

    def partners_in_a(self, index: int) -> list[int]:
        """Passages of a linked to passage `index` of b."""
        return sorted({i for p in self.pairs if index in p.b for i in p.a})

    def flipped(self) -> Alignment:
        return Alignment(
            self.b,
            self.a,
            [p.flipped() for p in self.pairs],
            list(self.unlinked_b),
            list(self.unlinked_a),
            list(self.skipped_b),
            list(self.skipped_a),
        )

    def to_json(self) -> dict[str, object]:
        return {
            "pairs": [p.to_json() for p in self.pairs],
            "unlinked": {"a": list(self.unlinked_a), "b": list(self.unlinked_b)},
            "skipped": {"a": list(self.skipped_a), "b": list(self.skipped_b)},
        }


# --- passage features -------------------------------------------------------------------


def content_passages(doc: Document) -> list[Passage]:
    """Passages that take part in alignment: all but boilerplate."""
    return [p for p in doc.passages if p.kind != "boilerplate"]


def passage_keys(
    doc: Document, passages: Sequence[Passage], candidates: Iterable[Candidate]
) -> list[set[str]]:
    """Candidate keys found inside each of `passages` (in order)."""
    starts = [p.start for p in passages]
    keys: list[set[str]] = [set() for _ in passages]
    for c in candidates:
        n = bisect_right(starts, c.start) - 1
        if n >= 0 and c.start < passages[n].end and c.key:
            keys[n].add(c.key)
    return keys


@dataclass(slots=True)
class _Side:
    passages: list[Passage]
    keys: list[frozenset[str]]  # keys also found in the other document
    others: list[frozenset[str]]  # keys only this document has
    lengths: list[int]


def _side(doc: Document, index: EntityIndex) -> tuple[list[Passage], list[set[str]]]:
    passages = content_passages(doc)
    return passages, passage_keys(doc, passages, index.candidates.get(doc.id, ()))


class _Scorer:
    """Evidence of two groups of passages being translations of each other."""

    def __init__(self, a: _Side, b: _Side) -> None:
        counts: dict[str, int] = defaultdict(int)
        for keys in (*a.keys, *b.keys, *a.others, *b.others):
            for k in keys:
                counts[k] += 1
        total = len(a.keys) + len(b.keys)
        self.weight = {k: math.log(1 + total / c) for k, c in counts.items()}
        for keys in (*a.others, *b.others):
            for k in keys:
                self.weight[k] = UNSHARED_WEIGHT * math.log(1 + total / counts[k])
        # Overlap of every two single passages that share something specific: at least as
        # much weight as a key found in RARE_PASSAGES passages (a key in every paragraph,
        # like the country a story is about, does not tell paragraphs apart).
        specific = math.log(1 + total / RARE_PASSAGES)
        # Names only one document has count against a pair here (they may be the reason
        # the two passages differ), though not on the monotonic path, where a name that
        # is spelled differently in two languages should not break a good pair.
        self.single: dict[tuple[int, int], float] = {}
        for i, ka in enumerate(a.keys):
            if ka:
                for j, kb in enumerate(b.keys):
                    if kb and sum(self.weight[k] for k in ka & kb) >= specific - 1e-9:
                        d = self.dice(ka | a.others[i], kb | b.others[j])
                        self.single[(i, j)] = d or 0.0
        self.mutual = self._mutual_best()
        self.ratio = self._length_ratio(a, b)

    def _mutual_best(self) -> dict[tuple[int, int], float]:
        """Single passage pairs where each is the other's clear closest match."""
        best_a: dict[int, list[tuple[float, int]]] = defaultdict(list)
        best_b: dict[int, list[tuple[float, int]]] = defaultdict(list)
        for (i, j), d in self.single.items():
            best_a[i].append((d, j))
            best_b[j].append((d, i))
        mutual = {}
        for i, options in best_a.items():
            j = _clear_best(options)
            if j is not None and _clear_best(best_b[j]) == i:
                mutual[(i, j)] = self.single[(i, j)]
        return mutual

    def best_for_a(self, i: int) -> int | None:
        return _clear_best([(d, j) for (x, j), d in self.single.items() if x == i])

    def best_for_b(self, j: int) -> int | None:
        return _clear_best([(d, i) for (i, y), d in self.single.items() if y == j])

    def _length_ratio(self, a: _Side, b: _Side) -> float:
        """Characters of b per character of a, from passages that clearly match each other.

        Falls back to the ratio of the documents' lengths, which is skewed when one version
        drops paragraphs the other keeps.
        """
        ratios = sorted(
            b.lengths[j] / a.lengths[i]
            for (i, j), d in self.mutual.items()
            if d >= STRONG_DICE and a.lengths[i]
        )
        if len(ratios) >= RATIO_PAIRS:
            return ratios[len(ratios) // 2]
        return (sum(b.lengths) or 1) / (sum(a.lengths) or 1)

    def dice(self, ka: frozenset[str], kb: frozenset[str]) -> float | None:
        """Weighted overlap 0..1 of two key sets; None when neither names anything."""
        w = self.weight
        wa = sum(w[k] for k in ka)
        wb = sum(w[k] for k in kb)
        if wa + wb == 0:
            return None
        return 2 * sum(w[k] for k in ka & kb) / (wa + wb)

    def evidence(self, ka: frozenset[str], kb: frozenset[str]) -> float:
        d = self.dice(ka, kb)
        if d is None:
            return 0.0
        return SHARED_GAIN * d - MISMATCH_COST * (1 - d)

    def length_logp(self, la: int, lb: int) -> float:
        """Gale–Church log probability that passages of these lengths translate each other."""
        expected = la * self.ratio
        mean = (expected + lb) / 2
        if mean <= 0:
            return 0.0
        delta = abs(lb - expected) / math.sqrt(LENGTH_VARIANCE * mean)
        p = math.erfc(delta / math.sqrt(2))  # 2 * (1 - Phi(delta))
        return max(MIN_LOGP, math.log(p)) if p > 0 else MIN_LOGP

    def pair_score(self, la: int, lb: int, d: float | None) -> float:
        length = math.exp(self.length_logp(la, lb))
        return 0.5 * length + (0.5 * d if d is not None else 0.0)


def _clear_best(options: Sequence[tuple[float, int]]) -> int | None:
    """The option with the highest overlap if it is at least BEST_DICE and clearly ahead."""
    if not options:
        return None
    ranked = sorted(options, reverse=True)
    d, n = ranked[0]
    if d < BEST_DICE or (len(ranked) > 1 and ranked[1][0] > d - BEST_MARGIN):
        return None
    return n


def _groups_of(side: _Side, weight: Mapping[str, float]) -> list[list[tuple]]:
    """For each position, its 1- and 2-passage groups: (keys, key weight, length)."""
    out = []
    for i, keys in enumerate(side.keys):
        groups = [(keys, sum(weight[k] for k in keys), side.lengths[i])]
        if i + 1 < len(side.keys):
            both = keys | side.keys[i + 1]
            groups.append(
                (both, sum(weight[k] for k in both), side.lengths[i] + side.lengths[i + 1])
            )
        out.append(groups)
    return out


def _monotonic_path(a: _Side, b: _Side, scorer: _Scorer) -> list[tuple[int, int, int, int]]:
    """Best monotonic path as steps (i0, i1, j0, j1) over content positions."""
    na, nb = len(a.passages), len(b.passages)
    weight = scorer.weight
    ga, gb = _groups_of(a, weight), _groups_of(b, weight)
    neg = -math.inf
    best = [[neg] * (nb + 1) for _ in range(na + 1)]
    back: list[list[tuple[int, int] | None]] = [[None] * (nb + 1) for _ in range(na + 1)]
    best[0][0] = 0.0
    for i in range(na + 1):
        for j in range(nb + 1):
            here = best[i][j]
            if here == neg:
                continue
            for (di, dj), prior in STEP_LOGP.items():
                i1, j1 = i + di, j + dj
                if i1 > na or j1 > nb:
                    continue
                score = here + prior
                if di and dj:
                    ka, wa, la = ga[i][di - 1]
                    kb, wb, lb = gb[j][dj - 1]
                    if wa + wb > 0:  # the same evidence as _Scorer.evidence, inlined for speed
                        shared = sum(weight[k] for k in ka & kb) if ka and kb else 0.0
                        d = 2 * shared / (wa + wb)
                        score += SHARED_GAIN * d - MISMATCH_COST * (1 - d)
                    score += scorer.length_logp(la, lb)
                if score > best[i1][j1]:
                    best[i1][j1] = score
                    back[i1][j1] = (di, dj)
    steps = []
    i, j = na, nb
    while i or j:
        step = back[i][j]
        assert step is not None
        di, dj = step
        steps.append((i - di, i, j - dj, j))
        i, j = i - di, j - dj
    steps.reverse()
    return steps


def _keep_path_pair(
    ia: range, ib: range, a: _Side, b: _Side, scorer: _Scorer
) -> tuple[bool, float | None]:
    """Whether a step of the monotonic path is a translation, and its key overlap.

    Undone when both sides name things but hardly the same ones, or when one of its
    passages clearly belongs to a passage elsewhere (a reordered paragraph).
    """
    ka = frozenset().union(*(a.keys[i] for i in ia))
    kb = frozenset().union(*(b.keys[j] for j in ib))
    d = scorer.dice(ka, kb)
    if d is not None and ka and kb and d < BAD_DICE:
        return False, d
    for i in ia:
        j = scorer.best_for_a(i)
        if j is not None and j not in ib and scorer.single[(i, j)] > (d or 0.0):
            return False, d
    for j in ib:
        i = scorer.best_for_b(j)
        if i is not None and i not in ia and scorer.single[(i, j)] > (d or 0.0):
            return False, d
    return True, d


def _swap_fits(i: int, j: int, a: _Side, b: _Side, scorer: _Scorer) -> bool:
    """Whether two passages left alone next to the same link may be a swapped pair."""
    ka, kb = a.keys[i], b.keys[j]
    if (ka or kb) and (scorer.dice(ka, kb) or 0.0) < BAD_DICE:
        return False  # one names what the other document has elsewhere
    return scorer.length_logp(a.lengths[i], b.lengths[j]) >= SWAP_MIN_LOGP


def align_pair(doc_a: Document, doc_b: Document, index: EntityIndex) -> Alignment:
    """Align the passages of two documents (see the module docstring)."""
    pa, ka = _side(doc_a, index)
    pb, kb = _side(doc_b, index)
    anchors = set().union(*ka) & set().union(*kb) if ka and kb else set()
    a, b = (
        _Side(
            ps,
            [frozenset(k & anchors) for k in ks],
            [frozenset(k - anchors) for k in ks],
            [p.end - p.start for p in ps],
        )
        for ps, ks in ((pa, ka), (pb, kb))
    )
    scorer = _Scorer(a, b)
    pairs: list[tuple[list[int], list[int], float, str]] = []
    linked_a: set[int] = set()
    linked_b: set[int] = set()

    partners_a: dict[int, set[int]] = defaultdict(set)  # a position -> linked b positions
    partners_b: dict[int, set[int]] = defaultdict(set)

    def link(ia: Sequence[int], ib: Sequence[int], d: float | None, method: str) -> None:
        la = sum(a.lengths[i] for i in ia)
        lb = sum(b.lengths[j] for j in ib)
        pairs.append((list(ia), list(ib), scorer.pair_score(la, lb, d), method))
        linked_a.update(ia)
        linked_b.update(ib)
        for i in ia:
            partners_a[i].update(ib)
        for j in ib:
            partners_b[j].update(ia)

    for i0, i1, j0, j1 in _monotonic_path(a, b, scorer):
        if i0 < i1 and j0 < j1:
            keep, d = _keep_path_pair(range(i0, i1), range(j0, j1), a, b, scorer)
            if keep:
                link(range(i0, i1), range(j0, j1), d, "path")

    # Reordered passages: clear mutual matches first, then any clear best match. A passage
    # joins a partner that is linked already only when it names something of that partner
    # its present partners do not (two sentences merged into one), not when it merely
    # repeats what they name.
    def adds_to(
        keys: frozenset[str], partner: frozenset[str], present: Iterable[int], side
    ) -> bool:
        covered = frozenset().union(*(side.keys[n] for n in present))
        return not keys.isdisjoint(partner - covered)

    for (i, j), d in sorted(scorer.mutual.items()):
        if d >= STRONG_DICE and i not in linked_a and j not in linked_b:
            link([i], [j], d, "best")
    for i in range(len(a.keys)):
        j = scorer.best_for_a(i) if i not in linked_a else None
        if j is not None and (j not in linked_b or adds_to(a.keys[i], b.keys[j], partners_b[j], a)):
            link([i], [j], scorer.single[(i, j)], "best")
    for j in range(len(b.keys)):
        i = scorer.best_for_b(j) if j not in linked_b else None
        if i is not None and (i not in linked_a or adds_to(b.keys[j], a.keys[i], partners_a[i], b)):
            link([i], [j], scorer.single[(i, j)], "best")
    # Two neighbouring passages that changed places: x y in a, y' x' in b, with y - y'
    # linked and x, x' left alone (the monotonic path cannot cross) link when nothing in
    # them disagrees.
    for ia, ib, _, _ in list(pairs):
        for i, j in ((min(ia) - 1, max(ib) + 1), (max(ia) + 1, min(ib) - 1)):
            inside = 0 <= i < len(a.keys) and 0 <= j < len(b.keys)
            if (
                inside
                and i not in linked_a
                and j not in linked_b
                and _swap_fits(i, j, a, b, scorer)
            ):
                link([i], [j], scorer.dice(a.keys[i], b.keys[j]), "best")
    pairs.sort(key=lambda p: (min(p[0]), min(p[1])))
    return Alignment(
        doc_a.id,
        doc_b.id,
        [
            AlignedPair(
                tuple(a.passages[i].index for i in ia),
                tuple(b.passages[j].index for j in ib),
                score,
                method,
            )
            for ia, ib, score, method in pairs
        ],
        [p.index for n, p in enumerate(a.passages) if n not in linked_a],
        [p.index for n, p in enumerate(b.passages) if n not in linked_b],
        [p.index for p in doc_a.passages if p.kind == "boilerplate"],
        [p.index for p in doc_b.passages if p.kind == "boilerplate"],
    )


# --- topics: three or more versions -----------------------------------------------------


@dataclass(slots=True)
class TopicAlignment:
    """Alignments between the documents of one topic, linked through a spanning tree."""

    documents: list[str]
    edges: dict[tuple[str, str], Alignment]  # tree edges, both orientations

    def neighbours(self, doc_id: str) -> list[str]:
        return [b for (a, b) in self.edges if a == doc_id]

    def path(self, source: str, target: str) -> list[str]:
        """Documents on the tree path from `source` to `target` (both included)."""
        previous: dict[str, str | None] = {source: None}
        queue = deque([source])
        while queue:
            here = queue.popleft()
            if here == target:
                break
            for nxt in self.neighbours(here):
                if nxt not in previous:
                    previous[nxt] = here
                    queue.append(nxt)
        if target not in previous:
            return []
        out = [target]
        while (step := previous[out[-1]]) is not None:
            out.append(step)
        return out[::-1]

    def partners(self, doc_id: str, passage: int) -> dict[str, list[int]]:
        """For one passage, its partner passages in every other document of the topic."""
        reached = self._reach(doc_id, passage)
        return {d: sorted(reached.get(d, {})) for d in self.documents if d != doc_id}

    def _reach(self, doc_id: str, passage: int) -> dict[str, dict[int, tuple[float, str]]]:
        """Passages linked to one passage through the tree: doc -> index -> (score, method).

        A link through other documents scores as its weakest step.
        """
        reached: dict[str, dict[int, tuple[float, str]]] = {doc_id: {passage: (1.0, "path")}}
        queue = deque([doc_id])
        while queue:
            here = queue.popleft()
            for nxt in self.neighbours(here):
                if nxt in reached:
                    continue
                found: dict[int, tuple[float, str]] = {}
                for pair in self.edges[(here, nxt)].pairs:
                    for i in pair.a:
                        if i not in reached[here]:
                            continue
                        score, method = reached[here][i]
                        step = (
                            min(score, pair.score),
                            "best" if "best" in (method, pair.method) else "path",
                        )
                        for j in pair.b:
                            if j not in found or found[j][0] < step[0]:
                                found[j] = step
                reached[nxt] = found
                queue.append(nxt)
        return reached

    def between(self, doc_a: str, doc_b: str) -> Alignment:
        """Alignment of two documents of the topic, composed along the tree path if needed."""
        if (doc_a, doc_b) in self.edges:
            return self.edges[(doc_a, doc_b)]
        first = self.edges[(doc_a, self.path(doc_a, doc_b)[1])]
        last = self.edges[(self.path(doc_b, doc_a)[1], doc_b)]
        content_a = sorted({i for p in first.pairs for i in p.a} | set(first.unlinked_a))
        content_b = sorted({j for p in last.pairs for j in p.b} | set(last.unlinked_b))
        links = {
            (i, j): found
            for i in content_a
            for j, found in self._reach(doc_a, i).get(doc_b, {}).items()
        }
        pairs = _groups(links)
        linked_a = {i for p in pairs for i in p.a}
        linked_b = {j for p in pairs for j in p.b}
        return Alignment(
            doc_a,
            doc_b,
            pairs,
            [i for i in content_a if i not in linked_a],
            [j for j in content_b if j not in linked_b],
            list(first.skipped_a),
            list(last.skipped_b),
        )


def _groups(links: Mapping[tuple[int, int], tuple[float, str]]) -> list[AlignedPair]:
    """Connected groups of a -> b passage links as pairs, scored by their strongest link."""
    sets: DisjointSets[tuple[str, int]] = DisjointSets()
    find = sets.find
    for i, j in links:
        sets.union(("b", j), ("a", i))
    groups: dict[tuple[str, int], tuple[set[int], set[int]]] = {}
    for node in sets:
        side, n = node
        ga, gb = groups.setdefault(find(node), (set(), set()))
        (ga if side == "a" else gb).add(n)
    pairs = []
    for ga, gb in groups.values():
        found = [links[(i, j)] for i in ga for j in gb if (i, j) in links]
        score = max(f[0] for f in found)
        method = "path" if any(f[1] == "path" for f in found) else "best"
        pairs.append(AlignedPair(tuple(sorted(ga)), tuple(sorted(gb)), score, method))
    pairs.sort(key=lambda p: (p.a[0], p.b[0]))
    return pairs


def _spanning_tree(
    ids: Sequence[str], weights: Mapping[tuple[str, str], float]
) -> list[tuple[str, str]]:
    """Maximum spanning tree (Kruskal) over the given weighted pairs."""
    sets = DisjointSets(ids)
    tree = []
    order = {d: n for n, d in enumerate(ids)}
    for (a, b), _ in sorted(weights.items(), key=lambda x: (-x[1], order[x[0][0]], order[x[0][1]])):
        if sets.union(b, a):
            tree.append((a, b))
    return tree


def align_topic(docs: Sequence[Document], index: EntityIndex) -> TopicAlignment:
    """Align all versions of a story: pairwise alignments joined by their strongest pairs."""
    ids = [d.id for d in docs]
    computed: dict[tuple[str, str], Alignment] = {}
    if len(docs) <= MAX_PAIRWISE:
        for n, a in enumerate(docs):
            for b in docs[n + 1 :]:
                computed[(a.id, b.id)] = align_pair(a, b, index)
    else:
        pivot = _pivot(docs, index)
        for d in docs:
            if d is not pivot:
                computed[(pivot.id, d.id)] = align_pair(pivot, d, index)
    tree = _spanning_tree(ids, {k: v.strength for k, v in computed.items()})
    edges: dict[tuple[str, str], Alignment] = {}
    for a, b in tree:
        alignment = computed[(a, b)]
        edges[(a, b)] = alignment
        edges[(b, a)] = alignment.flipped()
    return TopicAlignment(ids, edges)


def _pivot(docs: Sequence[Document], index: EntityIndex) -> Document:
    """The document sharing the most candidate keys with the others."""
    keys = [{c.key for c in index.candidates.get(d.id, ())} for d in docs]
    counts: dict[str, int] = defaultdict(int)
    for ks in keys:
        for k in ks:
            counts[k] += 1
    scores = [sum(counts[k] - 1 for k in ks) for ks in keys]
    return docs[max(range(len(docs)), key=lambda n: (scores[n], -n))]
