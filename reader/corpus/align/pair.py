"""Two documents: the monotonic path, then links across reordering."""

from __future__ import annotations

import heapq
from bisect import bisect_left
from collections import defaultdict
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from itertools import pairwise
from typing import TYPE_CHECKING

from reader.corpus.align.model import AlignedPair, Alignment
from reader.corpus.align.path import monotonic_path
from reader.corpus.align.scoring import (
    BAD_DICE,
    MERGED_SHARE,
    STRONG_DICE,
    SWAP_MIN_LOGP,
    Scorer,
    Side,
    add_punctuation,
    side_of,
)
from reader.corpus.align.timed import all_timed, timed_pairs
from reader.corpus.model import Document

if TYPE_CHECKING:
    from reader.corpus.entities import EntityIndex


def _keep_path_pair(
    ia: range, ib: range, a: Side, b: Side, scorer: Scorer
) -> tuple[bool, float | None]:
    """Whether a step of the monotonic path is a translation, and its key overlap.

    Undone when both sides name things but hardly the same ones (see also `_strangers`),
    or when one of its passages clearly belongs to a passage elsewhere (a reordered
    paragraph).
    """
    ka = frozenset().union(*(a.keys[i] for i in ia))
    kb = frozenset().union(*(b.keys[j] for j in ib))
    d = scorer.dice(ka, kb)
    if d is not None and ka and kb and d < BAD_DICE:
        return False, d
    oa = any(a.others[i] for i in ia)
    ob = any(b.others[j] for j in ib)
    if _strangers(ka, kb, oa, ob, scorer):
        return False, d
    if _one_sided(ka, kb, oa, ob, scorer):
        return False, d
    # (a passage elsewhere whose own clear best is another passage does not claim it)
    for i in ia:
        j = scorer.best_for_a(i)
        if (
            j is not None
            and j not in ib
            and scorer.single[(i, j)] > (d or 0.0)
            and scorer.best_for_b(j) in (None, i)
        ):
            return False, d
    for j in ib:
        i = scorer.best_for_b(j)
        if (
            i is not None
            and i not in ia
            and scorer.single[(i, j)] > (d or 0.0)
            and scorer.best_for_a(i) in (None, j)
        ):
            return False, d
    return True, d


def _kept_steps(steps, a: Side, b: Side, scorer: Scorer) -> list[tuple]:
    """The linking steps of a monotonic path that hold: (i0, i1, j0, j1, key overlap).

    A step undone although only one of its sides names anything (`_keep_path_pair`: a name
    both documents have, which the other side leaves out or writes past recognition) is
    kept when it sits between two kept steps of the path, right next to both, and its
    lengths fit: the passages around it agree. Names on both sides that conflict stay a
    veto (a paragraph of its own facing one the other version left out).
    """
    verdicts = []
    for s0, s1, t0, t1 in steps:
        if s0 < s1 and t0 < t1:
            keep, d = _keep_path_pair(range(s0, s1), range(t0, t1), a, b, scorer)
            verdicts.append((keep, d))
        else:
            verdicts.append(None)
    out = []
    for n, (s0, s1, t0, t1) in enumerate(steps):
        verdict = verdicts[n]
        if verdict is None:
            continue
        keep, d = verdict
        if not keep and 0 < n < len(steps) - 1 and not _both_name(s0, s1, t0, t1, a, b):
            before, after = verdicts[n - 1], verdicts[n + 1]
            la = sum(a.lengths[i] for i in range(s0, s1))
            lb = sum(b.lengths[j] for j in range(t0, t1))
            keep = (
                before is not None
                and after is not None
                and before[0]
                and after[0]
                and not _belongs_elsewhere(
                    range(steps[n - 1][0], steps[n + 1][1]),
                    range(steps[n - 1][2], steps[n + 1][3]),
                    range(s0, s1),
                    range(t0, t1),
                    scorer,
                )
                and scorer.length_logp(la, lb) >= SWAP_MIN_LOGP
            )
        if keep:
            out.append((s0, s1, t0, t1, d))
    return out


def _both_name(s0: int, s1: int, t0: int, t1: int, a: Side, b: Side) -> bool:
    """Whether both sides of a step name something (or carry a mark such as a quotation)."""
    return any(a.keys[i] or a.others[i] for i in range(s0, s1)) and any(
        b.keys[j] or b.others[j] for j in range(t0, t1)
    )


def _belongs_elsewhere(near_a: range, near_b: range, ia: range, ib: range, scorer: Scorer) -> bool:
    """Whether a passage of the step (ia x ib) has a clear best match outside the steps
    around it (near_a x near_b: a name the story repeats in the next sentence is no sign)
    that does not clearly belong to another passage itself."""
    for i in ia:
        j = scorer.best_for_a(i)
        if j is not None and j not in near_b and scorer.best_for_b(j) in (None, i):
            return True
    for j in ib:
        i = scorer.best_for_b(j)
        if i is not None and i not in near_a and scorer.best_for_a(i) in (None, j):
            return True
    return False


def _one_sided(ka, kb, oa: bool, ob: bool, scorer: Scorer) -> bool:
    """Whether one passage names something both documents have (or carries a mark such as
    a quotation) and the other names nothing at all: its partner would carry it too. (Kept
    all the same between two kept neighbours: `_kept_steps`.)"""
    if bool(ka or oa) == bool(kb or ob):
        return False
    return bool(ka or kb)


def _strangers(ka, kb, oa: bool, ob: bool, scorer: Scorer) -> bool:
    """Whether both passages name things and one of them names only things the other
    document never mentions (`ka`/`kb`: names both documents have; `oa`/`ob`: whether it
    names something only its own document has). Where names match elsewhere in the two
    documents, that suggests a paragraph of one version's own facing another. A passage
    that names nothing (perhaps names nobody recognised) is never a stranger."""
    if not scorer.mutual:
        return False  # names match nowhere: their absence tells nothing
    return bool(
        (oa and ob and not ka and not kb) or (ka and ob and not kb) or (kb and oa and not ka)
    )


def _swap_fits(i: int, j: int, a: Side, b: Side, scorer: Scorer) -> bool:
    """Whether two passages left alone next to the same link may belong together."""
    ka, kb = a.keys[i], b.keys[j]
    if ka and kb and (scorer.dice(ka, kb) or 0.0) < BAD_DICE:
        return False  # both name things, and not the same ones
    if scorer.partial and _strangers(ka, kb, bool(a.others[i]), bool(b.others[j]), scorer):
        return False  # in a rewrite, a paragraph of its own (in a translation, names
        # spelled too differently to match: the path's veto is lifted here)
    if scorer.partial and _one_sided(ka, kb, bool(a.others[i]), bool(b.others[j]), scorer):
        return False
    if (ka or kb) and (
        scorer.best_for_a(i) not in (None, j) or scorer.best_for_b(j) not in (None, i)
    ):
        return False  # one clearly belongs elsewhere
    return scorer.length_logp(a.lengths[i], b.lengths[j]) >= SWAP_MIN_LOGP


def _merged_into(n, keys, other_keys, partners, other_partners, linked, scorer) -> list[int]:
    """The passage of the other side that passage n (unlinked) was merged into, if any."""
    if n in linked or not keys[n]:
        return []
    w = scorer.weight
    own = sum(w[k] for k in keys[n])
    for neighbour in (n - 1, n + 1):
        for m in partners.get(neighbour, ()):
            covered = frozenset().union(*(keys[x] for x in other_partners[m]))
            found = keys[n] & other_keys[m]
            if sum(w[k] for k in found) >= MERGED_SHARE * own and found - covered:
                return [m]
    return []


@dataclass(frozen=True, slots=True)
class FixedLink:
    """A link the reader made or confirmed: passage indexes of a and b, and its kind."""

    a: tuple[int, ...]
    b: tuple[int, ...]
    kind: str = "user"  # "user" or "confirmed"


def _sides(pa, ka, pb, kb) -> tuple[Side, Side]:
    anchors = set().union(*ka) & set().union(*kb) if ka and kb else set()
    a, b = (
        Side(
            list(ps),
            [frozenset(k & anchors) for k in ks],
            [frozenset(k - anchors) for k in ks],
            [p.end - p.start for p in ps],
        )
        for ps, ks in ((pa, ka), (pb, kb))
    )
    return a, b


def _chain(links: Sequence[tuple[list[int], list[int]]]) -> list[tuple[list[int], list[int]]]:
    """The longest run of links that keep reading order on both sides (fixed points)."""
    ordered = sorted(links, key=lambda x: (min(x[0]), min(x[1])))
    best: list[list[tuple[list[int], list[int]]]] = []
    for link in ordered:
        options = [c for c in best if max(c[-1][0]) < min(link[0]) and max(c[-1][1]) < min(link[1])]
        best.append([*max(options, key=len, default=[]), link])
    return max(best, key=len, default=[])


def align_pair(
    doc_a: Document,
    doc_b: Document,
    index: EntityIndex,
    fixed: Sequence[FixedLink] = (),
    forbidden: Collection[tuple[int, int]] = (),
) -> Alignment:
    """Align the passages of two documents (see the package docstring).

    `fixed` are the reader's links (kept as they are; the automatic part is computed between
    them), `forbidden` passage-index pairs the reader unlinked (never linked again).
    """
    pa, ka = side_of(doc_a, index)
    pb, kb = side_of(doc_b, index)
    if ka and kb and not set().union(*ka).isdisjoint(set().union(*kb)):
        add_punctuation(doc_a, pa, ka)
        add_punctuation(doc_b, pb, kb)
    pos_a = {p.index: n for n, p in enumerate(pa)}
    pos_b = {p.index: n for n, p in enumerate(pb)}
    fixed = [f for f in fixed if all(i in pos_a for i in f.a) and all(j in pos_b for j in f.b)]
    held_a = {pos_a[i] for f in fixed for i in f.a}
    held_b = {pos_b[j] for f in fixed for j in f.b}
    free_a = [n for n in range(len(pa)) if n not in held_a]
    free_b = [n for n in range(len(pb)) if n not in held_b]
    a, b = _sides(
        [pa[n] for n in free_a],
        [ka[n] for n in free_a],
        [pb[n] for n in free_b],
        [kb[n] for n in free_b],
    )
    at_a = {n: m for m, n in enumerate(free_a)}
    at_b = {n: m for m, n in enumerate(free_b)}
    banned = {
        (at_a[pos_a[i]], at_b[pos_b[j]])
        for i, j in forbidden
        if i in pos_a and j in pos_b and pos_a[i] in at_a and pos_b[j] in at_b
    }
    if all_timed(pa) and all_timed(pb):  # two subtitle files: by time on screen
        pairs = timed_pairs(a.passages, b.passages, banned)
    else:
        scorer = Scorer(a, b)
        pairs = _auto_pairs(a, b, scorer, fixed, pos_a, pos_b, free_a, free_b, banned)
    out = [
        AlignedPair(
            tuple(a.passages[i].index for i in ia),
            tuple(b.passages[j].index for j in ib),
            score,
            method,
        )
        for ia, ib, score, method in pairs
    ]
    out += [AlignedPair(tuple(sorted(f.a)), tuple(sorted(f.b)), 1.0, f.kind) for f in fixed]
    out.sort(key=lambda p: (min(p.a), min(p.b)))
    linked_a = {i for p in out for i in p.a}
    linked_b = {j for p in out for j in p.b}
    return Alignment(
        doc_a.id,
        doc_b.id,
        out,
        [p.index for p in pa if p.index not in linked_a],
        [p.index for p in pb if p.index not in linked_b],
        [p.index for p in doc_a.passages if p.kind == "boilerplate"],
        [p.index for p in doc_b.passages if p.kind == "boilerplate"],
    )


def _auto_pairs(a, b, scorer, fixed, pos_a, pos_b, free_a, free_b, banned):
    """Automatic links between free positions: (a positions, b positions, score, method)."""
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

    def free(i: int, j: int) -> bool:
        return i not in linked_a and j not in linked_b and (i, j) not in banned

    # The reader's links that keep reading order cut the documents into rectangles; the
    # path runs inside each.
    cuts = [(0, 0)]
    for fa, fb in _chain([([pos_a[i] for i in f.a], [pos_b[j] for j in f.b]) for f in fixed]):
        cuts.append((bisect_left(free_a, min(fa)), bisect_left(free_b, min(fb))))
    cuts.append((len(a.passages), len(b.passages)))
    for (i0, j0), (i1, j1) in pairwise(cuts):
        steps = monotonic_path(a, b, scorer, range(i0, i1), range(j0, j1), banned)
        for s0, s1, t0, t1, d in _kept_steps(steps, a, b, scorer):
            link(range(s0, s1), range(t0, t1), d, "path")

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
        if d >= STRONG_DICE and free(i, j):
            link([i], [j], d, "best")
    for i in range(len(a.keys)):
        j = scorer.best_for_a(i) if i not in linked_a else None
        if (
            j is not None
            and (i, j) not in banned
            and (j not in linked_b or adds_to(a.keys[i], b.keys[j], partners_b[j], a))
        ):
            link([i], [j], scorer.single[(i, j)], "best")
    for j in range(len(b.keys)):
        i = scorer.best_for_b(j) if j not in linked_b else None
        if (
            i is not None
            and (i, j) not in banned
            and (i not in linked_a or adds_to(b.keys[j], a.keys[i], partners_a[i], b))
        ):
            link([i], [j], scorer.single[(i, j)], "best")
    # Merges across a reorder: a passage left alone whose names are all in the passage its
    # neighbour is linked with, and which names something there that the neighbour does not,
    # was merged into that passage (2-1), which the path cannot see when the pair moved.
    for i in range(len(a.keys)):
        for j in _merged_into(i, a.keys, b.keys, partners_a, partners_b, linked_a, scorer):
            if (i, j) not in banned:
                link([i], [j], scorer.dice(a.keys[i], b.keys[j]), "best")
    for j in range(len(b.keys)):
        for i in _merged_into(j, b.keys, a.keys, partners_b, partners_a, linked_b, scorer):
            if (i, j) not in banned:
                link([i], [j], scorer.dice(a.keys[i], b.keys[j]), "best")

    # A moved block: passages next to a link, on the same side of it in both documents
    # (a block moved whole) or on opposite sides (two neighbours that changed places), left
    # alone by the monotonic path, link when nothing in them disagrees; the closest fits in
    # length first. Grows block by block.
    def neighbours(ia: Sequence[int], ib: Sequence[int]) -> list[tuple[float, int, int]]:
        out = []
        for i, j in (
            (min(ia) - 1, max(ib) + 1),
            (max(ia) + 1, min(ib) - 1),
            (min(ia) - 1, min(ib) - 1),
            (max(ia) + 1, max(ib) + 1),
        ):
            if 0 <= i < len(a.keys) and 0 <= j < len(b.keys) and free(i, j):
                out.append((-scorer.length_logp(a.lengths[i], b.lengths[j]), i, j))
        return out

    heap = [c for ia, ib, _, _ in pairs for c in neighbours(ia, ib)]
    heapq.heapify(heap)
    while heap:
        _, i, j = heapq.heappop(heap)
        if free(i, j) and _swap_fits(i, j, a, b, scorer):
            link([i], [j], scorer.dice(a.keys[i], b.keys[j]), "best")
            for c in neighbours([i], [j]):
                heapq.heappush(heap, c)
    pairs.sort(key=lambda p: (min(p[0]), min(p[1])))
    return pairs
