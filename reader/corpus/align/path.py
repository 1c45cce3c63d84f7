"""The monotonic path: dynamic programming over passage pairs (1-1, 1-2, 2-1, 1-0, 0-1)."""

from __future__ import annotations

import math
from collections.abc import Mapping

from reader.corpus.align.scoring import MISMATCH_COST, SHARED_GAIN, STEP_LOGP, Scorer, Side


def _groups_of(side: Side, weight: Mapping[str, float]) -> list[list[tuple]]:
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


def monotonic_path(a: Side, b: Side, scorer: Scorer) -> list[tuple[int, int, int, int]]:
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
                    if wa + wb > 0:  # the same evidence as Scorer.evidence, inlined for speed
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
