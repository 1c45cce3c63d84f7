"""What topics and links across scripts read of a document's candidates: how often each key
is mentioned and the kind of its first mention (`KeyCounts`), made from a stored candidate
row without a `Candidate` for every mention.

Decoding every document's row into `Candidate`s was the longest step of an analysis updated
after one file changed (1.4 s of 5,000 documents' 375,000 mentions); topics, their labels and
the links across scripts only count keys. A row is read as the lists it holds
(`raw_candidates`); a row that is not what `stored_parts.candidate_row` writes is read by
`decode_candidates` instead, so both give the same counts.
"""

from __future__ import annotations

import zlib
from collections import Counter
from collections.abc import Iterable
from operator import attrgetter, itemgetter
from typing import Any, NamedTuple

import orjson

_KEY, _KEY_KIND = itemgetter(3), itemgetter(3, 4)
_C_KEY, _C_KEY_KIND = attrgetter("key"), attrgetter("key", "kind")


class KeyCounts(NamedTuple):
    """A document's keys: mentions of each, and the kind of its first mention."""

    mentions: Counter[str]
    kinds: dict[str, str]


EMPTY = KeyCounts(Counter(), {})


def raw_candidates(row: bytes | None) -> list[list[Any]] | None:
    """The candidates of a stored row as the lists it holds (`[start, end, text, key, kind]`
    and maybe the evidence); None when the row is not such a list (damaged: read it with
    `decode_candidates`, which says what it holds)."""
    if not row:
        return []
    try:
        found = orjson.loads(zlib.decompress(row))
    except (ValueError, zlib.error):
        return None
    try:  # rows are written by `candidate_row` (and checked by zlib): their shape suffices
        if type(found) is not list or min(map(len, found), default=5) < 5:
            return None
    except TypeError:
        return None
    return found


def counts_of_raw(raw: list[list[Any]]) -> KeyCounts:
    """`KeyCounts` of the lists `raw_candidates` gives."""
    back = raw[::-1]  # the first mention's kind is the last one written
    return KeyCounts(Counter(map(_KEY, raw)), dict(map(_KEY_KIND, back)))


def counts_of(candidates: Iterable[Any]) -> KeyCounts:
    """`KeyCounts` of `Candidate`s."""
    cands = list(candidates)
    back = cands[::-1]
    return KeyCounts(Counter(map(_C_KEY, cands)), dict(map(_C_KEY_KIND, back)))


def key_counts(index: Any, doc_id: str) -> KeyCounts:
    """A document's `KeyCounts` in an entity index (from its rows when it keeps rows)."""
    fast = getattr(index.candidates, "key_counts", None)
    if fast is not None:
        return fast(doc_id)
    return counts_of(index.candidates.get(doc_id, ()))
