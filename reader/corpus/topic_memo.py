"""The pairs of documents that topics compare, kept between analyses: after a few documents
changed, only the documents the change can reach look for their neighbours again.

A document's neighbours (`topic_pairs._best`) follow from its own keys, and the document
counts, postings and weights of those of them that find partners (in 2 to `limit`
documents); a pair's similarity from the two documents' keys and weights. With the same
documents in the same order, a key's count, postings and weight change only where a changed
document gained or lost it. So the documents that changed, and those holding such a key that
finds partners (before or now), look for neighbours again; the pairs of those holding any
such key are weighed again; every other document keeps its neighbours, and a pair of two
such documents its similarity. Different documents (added,
removed, reordered) or a manifest: computed whole.
"""

from __future__ import annotations

import json
import zlib
from array import array
from bisect import bisect_left
from collections import Counter
from collections.abc import Callable, Collection, Mapping, Sequence
from itertools import chain
from typing import NamedTuple

from reader.corpus.topic_pairs import Pairs, Similarity, _best, _postings

# 2: with the weight each pair shares; 3: the doubles not compressed; 4: each document's mass
PAIRS_FORMAT = 4
REDO_SHARE = 0.5  # from this share of documents to look at again, computed whole


class PairsState(NamedTuple):
    """The documents compared (ids, in order), each one's neighbours, and the pairs."""

    ids: list[str]
    best: list[list[int]]
    pairs: Pairs

    def dump(self) -> bytes:
        """As bytes: a JSON header, the integers compressed, then the similarities and the
        weights shared as they are, after their CRC (doubles hardly compress: 5% smaller,
        for half the time of writing the state)."""
        header = zlib.compress(
            json.dumps({"format": PAIRS_FORMAT, "ids": self.ids}).encode("utf-8"), 3
        )
        lengths = array("l", map(len, self.best))
        flat = array("l", chain.from_iterable(self.best))
        first, second, sim, shares = _arrays(self.pairs)
        packed = zlib.compress(_framed((lengths, flat, first, second)), 1)
        mass = self.pairs.mass if self.pairs.mass is not None else array("d")
        doubles = _framed((sim, shares, mass))  # with their CRC (zlib checks the rest)
        return (
            len(header).to_bytes(4, "little")
            + header
            + len(packed).to_bytes(8, "little")
            + packed
            + zlib.crc32(doubles).to_bytes(4, "little")
            + doubles
        )

    @classmethod
    def load(cls, blob: bytes) -> PairsState:
        """The state `dump` wrote; ValueError when it is not one."""
        try:
            n = int.from_bytes(blob[:4], "little")
            header = json.loads(zlib.decompress(blob[4 : 4 + n]).decode("utf-8"))
            if header.get("format") != PAIRS_FORMAT:
                raise ValueError("another format")
            ids = [str(i) for i in header["ids"]]
            at = 4 + n
            size = int.from_bytes(blob[at : at + 8], "little")
            doubles, crc = blob[at + 12 + size :], blob[at + 8 + size : at + 12 + size]
            if zlib.crc32(doubles) != int.from_bytes(crc, "little"):
                raise ValueError("damaged similarities")
            body = zlib.decompress(blob[at + 8 : at + 8 + size]) + doubles
            arrays = []
            pos = 0
            for code in "llllddd":
                size = int.from_bytes(body[pos : pos + 8], "little")
                a = array(code)
                a.frombytes(body[pos + 8 : pos + 8 + size])
                arrays.append(a)
                pos += 8 + size
            lengths, flat, first, second, sim, shares, mass = arrays
            if len(lengths) != len(ids) or sum(lengths) != len(flat):
                raise ValueError("damaged neighbours")
            if not len(first) == len(second) == len(sim) == len(shares) or pos != len(body):
                raise ValueError("damaged pairs")
            if len(mass) not in (0, len(ids)):
                raise ValueError("damaged masses")
            best, at = [], 0
            for size in lengths:
                best.append(list(flat[at : at + size]))
                at += size
            if flat and not 0 <= min(flat) <= max(flat) < len(ids):
                raise ValueError("a neighbour of no document")
            pairs = Pairs()
            pairs.first, pairs.second, pairs.sim, pairs.shares = first, second, sim, shares
            pairs.mass = mass if len(mass) else None
            return cls(ids, best, pairs)
        except (zlib.error, UnicodeDecodeError, KeyError, TypeError, IndexError) as exc:
            raise ValueError(f"not a pairs state: {exc}") from None


def _framed(arrays: tuple[array, ...]) -> bytes:
    """Each array's length in bytes (8 bytes) and its bytes."""
    return b"".join(len(a.tobytes()).to_bytes(8, "little") + a.tobytes() for a in arrays)


def _arrays(pairs: Pairs) -> tuple[array, ...]:
    if pairs.shares is None:
        raise ValueError("pairs without the weights they share")
    return pairs.first, pairs.second, pairs.sim, pairs.shares


class PairsMemo:
    """What `topic_pairs.similar_pairs` may start from (`previous`, with `changed`: the ids of
    the documents whose candidates changed since, and `old_keys(id)`: a document's keys
    then, None when unknown), and what it found (`found`, kept with the analysis). `ids` (the
    documents compared, in order) is set by the clustering; None: nothing kept."""

    def __init__(
        self,
        previous: PairsState | None = None,
        changed: Collection[str] | None = None,
        old_keys: Callable[[str], set[str] | None] | None = None,
    ) -> None:
        self.previous, self.changed, self.old_keys = previous, changed, old_keys
        self.ids: list[str] | None = None
        self.found: PairsState | None = None
        self.report: dict[str, int] = {}

    def keep(self, best: list[list[int]], pairs: Pairs) -> None:
        if self.ids is not None and len(self.ids) == len(best):
            self.found = PairsState(list(self.ids), best, pairs)

    def update(
        self,
        key_sets: Sequence[Collection[str]],
        idf: Mapping[str, float],
        limit: int,
        neighbours: int,
        postings_read: int,
        small_side: float,
        df: Counter[str] | None = None,
    ) -> Pairs | None:
        """The pairs from the previous ones (None: they cannot be used; compute them whole)."""
        prev, ids = self.previous, self.ids
        if prev is None or ids is None or self.changed is None or self.old_keys is None:
            return None
        if prev.ids != ids or len(ids) != len(key_sets):
            return None
        place = dict(zip(ids, range(len(ids)), strict=True))
        changed = [place[d] for d in self.changed if d in place]
        moved: set[str] = set()  # keys whose postings changed
        gained: Counter[str] = Counter()  # how many more documents hold them
        for i in changed:
            old = self.old_keys(ids[i])
            if old is None:
                return None
            new = set(key_sets[i])
            moved.update(old ^ new)
            gained.update(new - old)
            gained.subtract(old - new)
        if df is None:
            df = Counter(chain.from_iterable(key_sets))  # each document's keys once

        def rare(n: int) -> bool:
            return 2 <= n <= limit

        # Neighbours change where a key that finds partners (before or now) moved; weights
        # (so similarities) wherever a moved key is held.
        finding = {k for k in moved if rare(df[k]) or rare(df[k] - gained[k])}
        looking = set(changed)
        weighed = set(changed)
        holders: dict[str, set[int]] = {k: set() for k in moved}  # the documents of each
        if moved:
            for i, keys in enumerate(key_sets):
                if not moved.isdisjoint(keys):
                    weighed.add(i)
                    for k in moved.intersection(keys):
                        holders[k].add(i)
                    if not finding.isdisjoint(keys):
                        looking.add(i)
        if len(looking) > REDO_SHARE * len(ids):
            return None
        wanted = {k for i in looking for k in key_sets[i]}
        postings = _postings(key_sets, df, limit, wanted)
        best = list(prev.best)
        for i in looking:
            best[i] = _best(i, key_sets[i], df, postings, idf, limit, neighbours, postings_read)
        del postings, df, wanted
        self.report.update(pairs_looked_again=len(looking), pairs_weighed_again=len(weighed))
        unchanged = _Unchanged(set(changed), holders)
        pairs = _patched(
            prev.pairs, best, weighed, key_sets, idf, small_side, self.report, unchanged
        )
        self.report.update(pairs_incremental=1)
        self.keep(best, pairs)
        return pairs


def _patched(
    old: Pairs,
    best: list[list[int]],
    affected: set[int],
    key_sets: Sequence[Collection[str]],
    idf: Mapping[str, float],
    small_side: float,
    report: dict[str, int],
    unchanged: _Unchanged | None = None,
) -> Pairs:
    """`topic_pairs._assembled` of `best` from the previous pairs: a document's row (its
    pairs with later documents) is copied where it holds no affected document and no
    affected document pairs with it now; the other rows are made again, the similarity of a
    pair of two unaffected documents taken from before, and the weight a pair shares where
    `unchanged` says it did not change (then only the masses are weighed again). A
    document's mass is taken from before unless it is affected."""
    n = len(key_sets)
    first, second, sim = old.first, old.second, old.sim
    starts = [bisect_left(first, i) for i in range(n + 1)]
    again = set(affected)
    for j in affected:
        again.update(i for i in best[j] if i < j)
    for i in range(n):
        if i not in again and not affected.isdisjoint(second[starts[i] : starts[i + 1]]):
            again.add(i)
    report["pairs_rows_again"] = len(again)
    rows: dict[int, list[int]] = {i: [] for i in again}
    for i, js in enumerate(best):
        for j in js:
            a, b = (i, j) if i < j else (j, i)
            row = rows.get(a)
            if row is not None:
                row.append(b)
    known = None
    if old.mass is not None and len(old.mass) == n:
        known = {i: m for i, m in enumerate(old.mass) if m == m and i not in affected}
    similarity = Similarity(key_sets, idf, small_side, known)
    shares = old.shares
    out = Pairs(shares=True)
    kept = out.shares
    assert kept is not None and shares is not None
    for i in range(n):
        lo, hi = starts[i], starts[i + 1]
        if i not in again:
            out.first.extend(first[lo:hi])
            out.second.extend(second[lo:hi])
            out.sim.extend(sim[lo:hi])
            kept.extend(shares[lo:hi])
            continue
        js = sorted(set(rows[i]))
        if not js:
            continue
        if unchanged is not None and i not in affected and js == second[lo:hi].tolist():
            # The same partners, copied in bulk. `i` holds no key whose weight moved, and a
            # changed partner gained or lost only such keys: what they share is the same;
            # only an affected partner's mass moved.
            out.first.extend(first[lo:hi])
            out.second.extend(second[lo:hi])
            kept.extend(shares[lo:hi])
            sims = sim[lo:hi]
            for j in affected.intersection(js):
                at = js.index(j)
                sims[at] = similarity.of_shared(i, j, shares[lo + at])
            out.sim.extend(sims)
            continue
        before = {j: at for at, j in enumerate(second[lo:hi], lo)}  # j -> its place
        keys_i = set(key_sets[i])
        same = unchanged.of(i, keys_i) if unchanged is not None else None
        for j in js:
            out.first.append(i)
            out.second.append(j)
            at = before.get(j)
            if at is not None and i not in affected and j not in affected:
                out.sim.append(sim[at])
                kept.append(shares[at])
                continue
            if at is not None and same is not None and same(j):
                shared = shares[at]  # the same keys of the same weights: the masses moved
            else:
                shared = similarity.shared(j, keys_i)
            kept.append(shared)
            out.sim.append(similarity.of_shared(i, j, shared))
    out.mass = similarity.masses(n)
    return out


class _Unchanged:
    """Whether the keys two documents share weigh what they weighed: neither of them
    changed, and they share no key held by other documents now (its weight moved)."""

    def __init__(self, changed: set[int], holders: dict[str, set[int]]) -> None:
        self.changed, self.holders = changed, holders  # the documents of each moved key

    def of(self, i: int, keys_i: set[str]) -> Callable[[int], bool] | None:
        """For document `i`, the test of a partner `j` (None: `i` changed)."""
        if i in self.changed:
            return None
        mine = [self.holders[k] for k in self.holders.keys() & keys_i]
        changed = self.changed

        def same(j: int) -> bool:
            return j not in changed and not any(j in held for held in mine)

        return same
