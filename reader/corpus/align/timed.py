"""Subtitles of one film align by time: a cue and its translation are on screen together.

When every content passage of both documents carries a cue time, cues are linked where their
times overlap by at least half of the shorter one; cues linked through each other form one
group (a cue split in two in the other language is a 1-2 link).
"""

from __future__ import annotations

from collections.abc import Collection, Sequence

from reader.corpus.disjoint import DisjointSets
from reader.corpus.model import Passage

MIN_OVERLAP = 0.5  # of the shorter cue


def all_timed(passages: Sequence[Passage]) -> bool:
    """Whether these passages are subtitle cues with times (and there are some)."""
    return bool(passages) and all(p.time is not None for p in passages)


def _overlap(a: tuple[float, float], b: tuple[float, float]) -> float:
    shorter = min(a[1] - a[0], b[1] - b[0])
    if shorter <= 0:
        return 0.0
    return max(0.0, min(a[1], b[1]) - max(a[0], b[0])) / shorter


def timed_pairs(
    a: Sequence[Passage], b: Sequence[Passage], banned: Collection[tuple[int, int]] = ()
) -> list[tuple[list[int], list[int], float, str]]:
    """Groups of positions in `a` and `b` whose cues are on screen together:
    (a positions, b positions, score = the weakest overlap in the group, "time")."""
    order_b = sorted(range(len(b)), key=lambda j: b[j].time)  # type: ignore[arg-type,return-value]
    edges: dict[tuple[int, int], float] = {}
    start = 0
    for i in sorted(range(len(a)), key=lambda i: a[i].time):  # type: ignore[arg-type,return-value]
        ta = a[i].time
        assert ta is not None
        while start < len(order_b) and b[order_b[start]].time[1] <= ta[0]:  # type: ignore[index]
            start += 1
        for j in order_b[start:]:
            tb = b[j].time
            assert tb is not None
            if tb[0] >= ta[1]:
                break
            o = _overlap(ta, tb)
            if o >= MIN_OVERLAP and (i, j) not in banned:
                edges[(i, j)] = o
    sets: DisjointSets[tuple[str, int]] = DisjointSets()
    for i, j in edges:
        sets.union(("a", i), ("b", j))
    groups: dict[tuple[str, int], tuple[list[int], list[int], list[float]]] = {}
    for (i, j), o in edges.items():
        ga, gb, scores = groups.setdefault(sets.find(("a", i)), ([], [], []))
        if i not in ga:
            ga.append(i)
        if j not in gb:
            gb.append(j)
        scores.append(o)
    return [(sorted(ga), sorted(gb), min(s), "time") for ga, gb, s in groups.values()]
