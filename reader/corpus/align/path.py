"""The monotonic path: dynamic programming over passage pairs (1-1, 1-2, 2-1, 1-0, 0-1).

A rewrite keeps only part of a story, so passages skipped before the first link or after the
last one (on either side) cost little: the path finds the part of the longer text that the
shorter one covers. Long documents are searched in a band around the diagonal that their
cumulative lengths (and confident pairs, where there are some) draw; the band moves onto
the path wherever the path ran along its edge, so the result is the full search's.
"""

from __future__ import annotations

import itertools
import math
from bisect import bisect_left
from collections.abc import Collection, Mapping

from reader.corpus.align.scoring import (
    LENGTH_VARIANCE,
    MIN_LOGP,
    MISMATCH_COST,
    SHARED_GAIN,
    STEP_LOGP,
    Scorer,
    Side,
)

END_SKIP_LOGP = math.log(0.35)  # a passage outside the covered part (before or after it)
FULL_SEARCH_CELLS = 250_000  # above this many cells, search a band
BAND = 30  # half-width of the band around the expected path, in passages
PATH_BAND = 20  # ... and around a path found before
MAX_RECENTRES = 4
LONGER = 1.25  # a text this much longer than the other (in its units) may cover more

INV_SQRT2 = 1 / math.sqrt(2)
MIN_P = math.exp(MIN_LOGP)
Step = tuple[int, int, int, int]  # (i0, i1, j0, j1) over content positions


def _groups_of(side: Side, weight: Mapping[str, float], lo: int, hi: int) -> list[list[tuple]]:
    """For each position in lo..hi, its 1- and 2-passage groups: (keys, key weight, length)."""
    out = []
    for i in range(lo, hi):
        keys = side.keys[i]
        groups = [(keys, sum(weight[k] for k in keys), side.lengths[i])]
        if i + 1 < hi:
            both = keys | side.keys[i + 1]
            groups.append(
                (both, sum(weight[k] for k in both), side.lengths[i] + side.lengths[i + 1])
            )
        out.append(groups)
    return out


def _band_centre(a: Side, b: Side, scorer: Scorer, ia: range, jb: range) -> list[float]:
    """For each row, the column the path is expected near: equal shares of the text, bent
    through confident one-to-one pairs (mutual clear matches) in order."""
    la = [a.lengths[i] for i in ia]
    lb = [b.lengths[j] for j in jb]
    # anchors: mutual clear matches inside the rectangle, as a chain increasing in both
    anchors = sorted(
        (i - ia.start, j - jb.start) for (i, j) in scorer.mutual if i in ia and j in jb
    )
    chain: list[tuple[int, int]] = []
    for i, j in anchors:  # greedy increasing chain (anchors of news are already in order)
        if not chain or (i > chain[-1][0] and j > chain[-1][1]):
            chain.append((i, j))
    points = [(0, 0), *chain, (len(la), len(lb))]
    centre: list[float] = []
    for (i0, j0), (i1, j1) in itertools.pairwise(points):
        cum_b = [0]
        for j in range(j0, j1):
            cum_b.append(cum_b[-1] + lb[j])
        total_a = sum(la[i0:i1]) or 1
        seen = 0
        for i in range(i0, i1):
            share = seen / total_a
            seen += la[i]
            centre.append(j0 + bisect_left(cum_b, share * cum_b[-1]))
    centre.append(len(lb))
    return centre


def monotonic_path(
    a: Side,
    b: Side,
    scorer: Scorer,
    ia: range | None = None,
    jb: range | None = None,
    forbidden: Collection[tuple[int, int]] = (),
    free_ends: bool = True,
) -> list[Step]:
    """Best monotonic path through the rectangle ia x jb (default: everything).

    `forbidden` (a, b) position pairs are never linked (the reader unlinked them). With
    `free_ends`, skipping passages before the first and after the last link is cheap.
    """
    ia = ia if ia is not None else range(len(a.passages))
    jb = jb if jb is not None else range(len(b.passages))
    na, nb = len(ia), len(jb)
    ends = (False, False)
    if free_ends:
        # Where names show which passages match, either side may have a part the other
        # lacks; with lengths alone, only a side that is clearly longer.
        la = sum(a.lengths[i] for i in ia) * scorer.ratio
        lb = sum(b.lengths[j] for j in jb)
        named = bool(scorer.mutual)
        ends = (named or la > LONGER * lb, named or lb > LONGER * la)
    if (na + 1) * (nb + 1) <= FULL_SEARCH_CELLS:
        return _search(a, b, scorer, ia, jb, forbidden, ends, None)
    centre = _band_centre(a, b, scorer, ia, jb)
    width = BAND
    for _ in range(MAX_RECENTRES):
        bounds = [(max(0, int(c) - width), min(nb, int(c) + width)) for c in centre]
        steps = _search(a, b, scorer, ia, jb, forbidden, ends, bounds)
        if not _touches_edge(steps, bounds, ia.start, jb.start, nb):
            break
        # where the path ran along the edge the band was off: centre it on the path found
        width = PATH_BAND
        centre = [0.0] * (na + 1)
        for _i0, i1, _j0, j1 in steps:
            centre[i1 - ia.start] = j1 - jb.start
        for i in range(1, na + 1):
            centre[i] = max(centre[i], centre[i - 1])
    return steps


def _touches_edge(steps: list[Step], bounds, i0: int, j0: int, nb: int) -> bool:
    for s in steps:
        lo, hi = bounds[s[1] - i0]
        j = s[3] - j0
        if (j <= lo and lo > 0) or (j >= hi and hi < nb):
            return True
    return False


def _search(
    a: Side,
    b: Side,
    scorer: Scorer,
    ia: range,
    jb: range,
    forbidden: Collection[tuple[int, int]],
    ends: tuple[bool, bool],
    bounds: list[tuple[int, int]] | None,
) -> list[Step]:
    na, nb = len(ia), len(jb)
    i_off, j_off = ia.start, jb.start
    weight = scorer.weight
    ga = _groups_of(a, weight, ia.start, ia.stop)
    gb = _groups_of(b, weight, jb.start, jb.stop)
    skip = STEP_LOGP[(1, 0)]
    link_steps = [
        (di, dj, STEP_LOGP[(di, dj)]) for di, dj in ((1, 1), (1, 2), (2, 1))
    ]  # priors of the steps that link
    ratio = scorer.ratio
    erfc, log, sqrt = math.erfc, math.log, math.sqrt
    best: list[dict[int, float]] = [{} for _ in range(na + 1)]
    back: list[dict[int, tuple[int, int]]] = [{} for _ in range(na + 1)]
    best[0][0] = 0.0

    def put(i1: int, j1: int, score: float, step: tuple[int, int]) -> None:
        target = best[i1]
        if score > target.get(j1, -math.inf):
            target[j1] = score
            back[i1][j1] = step

    for i in range(na + 1):
        row = best[i]
        lo, hi = bounds[min(i, na)] if bounds else (0, nb)
        if bounds and i:
            lo = min(lo, bounds[i - 1][0])
        a_end = ends[0]
        b_end_here = ends[1] and i in (0, na)
        for j in range(lo, hi + 1):
            here = row.get(j)
            if here is None:
                continue
            if i < na:  # passage i of a left without partner
                put(i + 1, j, here + (END_SKIP_LOGP if a_end and j in (0, nb) else skip), (1, 0))
            if j < nb:
                put(i, j + 1, here + (END_SKIP_LOGP if b_end_here else skip), (0, 1))
            for di, dj, prior in link_steps:
                i1, j1 = i + di, j + dj
                if i1 > na or j1 > nb:
                    continue
                if forbidden and any(
                    (x, y) in forbidden
                    for x in range(i_off + i, i_off + i1)
                    for y in range(j_off + j, j_off + j1)
                ):
                    continue
                score = here + prior
                ka, wa, la = ga[i][di - 1]
                kb, wb, lb = gb[j][dj - 1]
                if wa > 0 and wb > 0:  # names on both sides: do they agree?
                    shared = sum(weight[k] for k in ka & kb)
                    d = 2 * shared / (wa + wb)
                    score += SHARED_GAIN * d - MISMATCH_COST * (1 - d)
                # scorer.length_logp(la, lb), inlined: this loop is the hot spot
                expected = la * ratio
                mean = (expected + lb) / 2
                if mean > 0:
                    p = erfc(abs(lb - expected) / sqrt(LENGTH_VARIANCE * mean) * INV_SQRT2)
                    score += log(p) if p > MIN_P else MIN_LOGP
                target = best[i1]
                if score > target.get(j1, -math.inf):
                    target[j1] = score
                    back[i1][j1] = (di, dj)
    steps = []
    i, j = na, nb
    while i or j:
        di, dj = back[i][j]
        steps.append((i_off + i - di, i_off + i, j_off + j - dj, j_off + j))
        i, j = i - di, j - dj
    steps.reverse()
    return steps
