"""Evidence that passages translate each other: shared entity keys and a length prior."""

from __future__ import annotations

import math
from bisect import bisect_right
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

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
MAX_POSTINGS = 200  # keys in more passages are looked at only for short documents
RARE_PASSAGES = 4  # ... sharing at least one key as rare as one found in this many passages
MIN_LOGP = -30.0
SWAP_MIN_LOGP = math.log(0.1)  # a swapped pair must not differ much in length
MERGED_SHARE = 0.8  # of a passage's names found in the passage it was merged into
PARTIAL = 1.4  # one text this much longer than the other tells more of the story
STRONG_DICE = 0.5  # passages this close, each the other's best, belong together
RATIO_PAIRS = 3  # strong pairs needed to measure the length ratio of two documents


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
class Side:
    passages: list[Passage]
    keys: list[frozenset[str]]  # keys also found in the other document
    others: list[frozenset[str]]  # keys only this document has
    lengths: list[int]


# Marks a translation keeps: quoted speech, a question, a parenthesis, a colon, an
# exclamation. Each is a key of its own (weighted like names by how few passages have it),
# so sentences that name nothing still tell apart; only used when the two documents share
# names (translations of one story), since punctuation customs vary between traditions.
PUNCT_KEYS = {
    "§quote": '"“”„«»「」『』‘’‹›',
    "§question": "?？",
    "§paren": "()（）[]",
    "§colon": ":：",
    "§exclaim": "!！",
}


def side_of(doc: Document, index: EntityIndex) -> tuple[list[Passage], list[set[str]]]:
    passages = content_passages(doc)
    return passages, passage_keys(doc, passages, index.candidates.get(doc.id, ()))


def add_punctuation(doc: Document, passages: Sequence[Passage], keys: list[set[str]]) -> None:
    """Add the PUNCT_KEYS each passage carries to its keys."""
    for p, k in zip(passages, keys, strict=True):
        text = doc.text[p.start : p.end]
        k.update(key for key, chars in PUNCT_KEYS.items() if any(c in text for c in chars))


class Scorer:
    """Evidence of two groups of passages being translations of each other."""

    def __init__(self, a: Side, b: Side) -> None:
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
        postings: dict[str, list[int]] = defaultdict(list)
        for j, kb in enumerate(b.keys):
            for k in kb:
                postings[k].append(j)
        for i, ka in enumerate(a.keys):
            # candidates: passages of b sharing a key with i (a key in very many passages
            # can only reach `specific` together with rarer ones, which find the pair too)
            near = {j for k in ka if len(postings[k]) <= MAX_POSTINGS for j in postings[k]}
            if len(near) < 2 * MAX_POSTINGS:
                near.update(j for k in ka if len(postings[k]) > MAX_POSTINGS for j in postings[k])
            for j in near:
                kb = b.keys[j]
                if sum(self.weight[k] for k in ka & kb) >= specific - 1e-9:
                    d = self.dice(ka | a.others[i], kb | b.others[j])
                    self.single[(i, j)] = d or 0.0
        self.options_a: dict[int, list[tuple[float, int]]] = defaultdict(list)
        self.options_b: dict[int, list[tuple[float, int]]] = defaultdict(list)
        for (i, j), d in self.single.items():
            self.options_a[i].append((d, j))
            self.options_b[j].append((d, i))
        self.mutual = self._mutual_best()
        self.ratio = self._length_ratio(a, b)
        # whether one text tells clearly more than the other (a rewrite that keeps a part)
        la, lb = sum(a.lengths) * self.ratio, sum(b.lengths)
        self.partial = max(la, lb) > PARTIAL * max(1.0, min(la, lb))

    def _mutual_best(self) -> dict[tuple[int, int], float]:
        """Single passage pairs where each is the other's clear closest match."""
        mutual = {}
        for i, options in self.options_a.items():
            j = clear_best(options)
            if j is not None and clear_best(self.options_b[j]) == i:
                mutual[(i, j)] = self.single[(i, j)]
        return mutual

    def best_for_a(self, i: int) -> int | None:
        return clear_best(self.options_a.get(i, ()))

    def best_for_b(self, j: int) -> int | None:
        return clear_best(self.options_b.get(j, ()))

    def _length_ratio(self, a: Side, b: Side) -> float:
        """Characters of b per character of a, from passages that clearly match each other.

        Falls back to the ratio of the documents' lengths, which is skewed when one version
        keeps only part of the other: when it and the ratio of the typical (median) passage
        lengths disagree by more than a quarter, the fewer clear pairs or the latter are used.
        """
        ratios = sorted(
            b.lengths[j] / a.lengths[i]
            for (i, j), d in self.mutual.items()
            if d >= STRONG_DICE and a.lengths[i]
        )
        if len(ratios) >= RATIO_PAIRS:
            return ratios[len(ratios) // 2]
        whole = (sum(b.lengths) or 1) / (sum(a.lengths) or 1)
        typical = (_median(b.lengths) or 1) / (_median(a.lengths) or 1)
        if 0.8 < whole / typical < 1.25:
            return whole
        # one text covers only part of the other: the few clear pairs there are, else the
        # typical passages, tell the ratio better than the whole texts
        return ratios[(len(ratios) - 1) // 2] if ratios else typical

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


def _median(values: Sequence[int]) -> float:
    ordered = sorted(values)
    n = len(ordered)
    if n == 0:  # a side with no content passages
        return 0.0
    return (ordered[(n - 1) // 2] + ordered[n // 2]) / 2


def clear_best(options: Sequence[tuple[float, int]]) -> int | None:
    """The option with the highest overlap if it is at least BEST_DICE and clearly ahead."""
    if not options:
        return None
    ranked = sorted(options, reverse=True)
    d, n = ranked[0]
    if d < BEST_DICE or (len(ranked) > 1 and ranked[1][0] > d - BEST_MARGIN):
        return None
    return n
