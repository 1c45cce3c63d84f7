"""Three or more versions: pairwise alignments joined along a maximum spanning tree."""

from __future__ import annotations

from collections import defaultdict, deque
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from reader.corpus.align.model import AlignedPair, Alignment
from reader.corpus.align.pair import FixedLink, align_pair
from reader.corpus.disjoint import DisjointSets
from reader.corpus.model import Document

if TYPE_CHECKING:
    from reader.corpus.entities import EntityIndex

MAX_PAIRWISE = 8  # topics with more documents align each to one pivot document


@dataclass(slots=True)
class TopicAlignment:
    """Alignments between the documents of one topic, linked through a spanning tree."""

    documents: list[str]
    edges: dict[tuple[str, str], Alignment]  # tree edges, both orientations
    lost: list[str] = field(default_factory=list)  # ids of reader's links whose text is gone

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


def align_topic(
    docs: Sequence[Document],
    index: EntityIndex,
    user: Callable[[Document, Document], tuple[Sequence[FixedLink], Collection[tuple[int, int]]]]
    | None = None,
) -> TopicAlignment:
    """Align all versions of a story: pairwise alignments joined by their strongest pairs.

    `user(doc_a, doc_b)` gives the reader's links and unlinked pairs of two documents (see
    `reader.store.alignment_links.user_alignment`); pairs the reader corrected are preferred
    as tree edges, so the corrections show between them.
    """
    ids = [d.id for d in docs]
    computed: dict[tuple[str, str], Alignment] = {}
    bonus: dict[tuple[str, str], float] = {}

    def aligned(a: Document, b: Document) -> Alignment:
        fixed, forbidden = user(a, b) if user else ((), ())
        bonus[(a.id, b.id)] = 1.0 if fixed or forbidden else 0.0
        return align_pair(a, b, index, fixed, forbidden)

    if len(docs) <= MAX_PAIRWISE:
        for n, a in enumerate(docs):
            for b in docs[n + 1 :]:
                computed[(a.id, b.id)] = aligned(a, b)
    else:
        pivot = _pivot(docs, index)
        for d in docs:
            if d is not pivot:
                computed[(pivot.id, d.id)] = aligned(pivot, d)
    tree = _spanning_tree(ids, {k: v.strength + bonus[k] for k, v in computed.items()})
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
