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
from array import array
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


# ----- kept with the stored analysis -------------------------------------------------------
# An update reads every document's `KeyCounts` (the shared entities, links across scripts,
# topics); decoding every unchanged row again for them was the longest step of the update.
# The analysis keeps them (`dump_counts`), each with the CRC of the row it was counted from;
# the next analysis takes a document's counts from there while its row is that one.
COUNTS_FORMAT = 3  # 3: in chunks, each with its own strings (copied when unchanged)
COUNTS_CHUNK = 250  # documents a chunk


class StoredCounts(NamedTuple):
    """What `load_counts` read: by document its CRC, numbers and chunk; each chunk's
    strings, documents and bytes; `given`: the `KeyCounts` made of it (by document, filled
    by `stored_key_counts`: a chunk all of whose documents still have those is copied)."""

    docs: dict[str, tuple[int, Any, int]]
    chunks: list[tuple[list[str], tuple[str, ...], bytes]]
    given: dict[str, KeyCounts]


def _chunk(entries: list[tuple[str, bytes, KeyCounts]]) -> bytes:
    strings: list[str] = []
    place: dict[str, int] = {}
    docs: list[list[Any]] = []
    numbers = array("i")
    for doc_id, row, counts in entries:
        for text in (*counts.mentions, *counts.kinds.values()):
            if text not in place:
                place[text] = len(strings)
                strings.append(text)
        keys = list(counts.mentions)
        at = {k: n for n, k in enumerate(keys)}
        kinds = counts.kinds
        docs.append([doc_id, zlib.crc32(row), len(keys)])
        numbers.extend(map(place.__getitem__, keys))
        numbers.extend(counts.mentions.values())
        numbers.extend(map(at.__getitem__, kinds))
        numbers.extend(map(place.__getitem__, kinds.values()))
    head = zlib.compress(orjson.dumps({"strings": strings, "docs": docs}), 1)
    body = zlib.compress(numbers.tobytes(), 1)
    return len(head).to_bytes(4, "little") + len(body).to_bytes(4, "little") + head + body


def dump_counts(
    entries: Iterable[tuple[str, bytes, KeyCounts]], base: StoredCounts | None = None
) -> bytes:
    """Documents' `KeyCounts` (with their rows' CRCs) as bytes for `load_counts`: chunks of
    `COUNTS_CHUNK` documents, each a JSON header (its strings, each document's id, CRC and
    number of keys) and, for each document, its keys, their mentions, the order of its kinds
    and the kinds, as numbers. A chunk of `base` whose documents have the counts made of it
    is copied."""
    items = list(entries)
    old = {chunk[1]: chunk[2] for chunk in base.chunks} if base is not None else {}
    given = base.given if base is not None else {}
    blobs = []
    for start in range(0, len(items), COUNTS_CHUNK):
        group = items[start : start + COUNTS_CHUNK]
        ids = tuple(doc_id for doc_id, _, _ in group)
        copied = old.get(ids)
        if copied is not None and all(given.get(d) is counts for d, _, counts in group):
            blobs.append(copied)
        else:
            blobs.append(_chunk(group))
    sizes = orjson.dumps({"format": COUNTS_FORMAT, "chunks": [len(b) for b in blobs]})
    return len(sizes).to_bytes(4, "little") + sizes + b"".join(blobs)


def load_counts(blob: bytes | None) -> StoredCounts | None:
    """What `dump_counts` wrote (None: none, another format or damaged)."""
    if not blob:
        return None
    try:
        n = int.from_bytes(blob[:4], "little")
        header = orjson.loads(blob[4 : 4 + n])
        if header.get("format") != COUNTS_FORMAT:
            return None
        docs: dict[str, tuple[int, Any, int]] = {}
        chunks: list[tuple[list[str], tuple[str, ...], bytes]] = []
        at = 4 + n
        for size in header["chunks"]:
            chunk = blob[at : at + size]
            at += size
            n_head = int.from_bytes(chunk[:4], "little")
            n_body = int.from_bytes(chunk[4:8], "little")
            if 8 + n_head + n_body != len(chunk):
                return None
            head = orjson.loads(zlib.decompress(chunk[8 : 8 + n_head]))
            numbers = array("i")
            numbers.frombytes(zlib.decompress(chunk[8 + n_head :]))
            strings = [str(s) for s in head["strings"]]
            k, pos = len(chunks), 0
            for doc_id, crc, size_ in head["docs"]:
                end = pos + 4 * size_
                docs[doc_id] = (crc, numbers[pos:end], k)
                pos = end
            if pos != len(numbers):
                return None
            chunks.append((strings, tuple(str(d[0]) for d in head["docs"]), chunk))
        if at != len(blob):
            return None
        return StoredCounts(docs, chunks, {})
    except (ValueError, zlib.error, AttributeError, KeyError, TypeError):
        return None


def stored_key_counts(stored: StoredCounts, doc_id: str, row: bytes) -> KeyCounts | None:
    """The `KeyCounts` `stored` holds of a document, if counted from this row (noted in
    `stored.given`)."""
    found = stored.docs.get(doc_id)
    if found is None or zlib.crc32(row) != found[0]:
        return None
    numbers = found[1]
    size = len(numbers) // 4
    get = stored.chunks[found[2]][0].__getitem__
    try:
        keys = list(map(get, numbers[:size]))
        mentions: Counter[str] = Counter()
        dict.update(mentions, zip(keys, numbers[size : 2 * size], strict=True))  # no copy
        order = map(keys.__getitem__, numbers[2 * size : 3 * size])
        kinds = dict(zip(order, map(get, numbers[3 * size :]), strict=True))
    except (IndexError, TypeError, ValueError):
        return None
    if len(kinds) != size or len(mentions) != size:
        return None
    counts = stored.given[doc_id] = KeyCounts(mentions, kinds)
    return counts
