"""Two documents: the monotonic path, then links across reordering."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from reader.corpus.align.model import AlignedPair, Alignment
from reader.corpus.align.path import monotonic_path
from reader.corpus.align.scoring import (
    BAD_DICE,
    STRONG_DICE,
    SWAP_MIN_LOGP,
    Scorer,
    Side,
    side_of,
)
from reader.corpus.model import Document

if TYPE_CHECKING:
    from reader.corpus.entities import EntityIndex


def _keep_path_pair(
    ia: range, ib: range, a: Side, b: Side, scorer: Scorer
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


def _swap_fits(i: int, j: int, a: Side, b: Side, scorer: Scorer) -> bool:
    """Whether two passages left alone next to the same link may be a swapped pair."""
    ka, kb = a.keys[i], b.keys[j]
    if (ka or kb) and (scorer.dice(ka, kb) or 0.0) < BAD_DICE:
        return False  # one names what the other document has elsewhere
    return scorer.length_logp(a.lengths[i], b.lengths[j]) >= SWAP_MIN_LOGP


def align_pair(doc_a: Document, doc_b: Document, index: EntityIndex) -> Alignment:
    """Align the passages of two documents (see the module docstring)."""
    pa, ka = side_of(doc_a, index)
    pb, kb = side_of(doc_b, index)
    anchors = set().union(*ka) & set().union(*kb) if ka and kb else set()
    a, b = (
        Side(
            ps,
            [frozenset(k & anchors) for k in ks],
            [frozenset(k - anchors) for k in ks],
            [p.end - p.start for p in ps],
        )
        for ps, ks in ((pa, ka), (pb, kb))
    )
    scorer = Scorer(a, b)
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

    for i0, i1, j0, j1 in monotonic_path(a, b, scorer):
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
