"""The resolution's state (`resolution_state.ResolutionState`) as bytes, written again after a
few files changed by copying what did not change.

The state names about 2.4 million strings for 5,000 documents (their keys, parts, choices,
questions to the vocabulary), written as numbers into a table of the strings: compressing
those numbers took longer than anything else in storing an updated analysis. They are
written in chunks of `CHUNK` documents, each compressed alone. A state read from bytes keeps
its table and chunks (`Base`); written again, a chunk whose documents are the same states
(the same objects: an update keeps the unchanged documents' states as it read them) and ask
the same questions is copied, and only the others are encoded, new strings appended to the
table (which is made again from scratch once it has grown by a quarter).

Layout: 4 bytes (little-endian) the length of the compressed JSON header (`format`,
`strings`, `docs`: [id, language, fingerprint, again, lengths of the eight fields], `chunks`:
the byte length of each compressed chunk, `table`: the table's size when last made from
scratch, `rows`, `vocabulary`), the header, then the chunks.
"""

from __future__ import annotations

import zlib
from array import array
from collections.abc import Callable, Mapping
from itertools import chain
from typing import TYPE_CHECKING, Any, NamedTuple

import orjson

if TYPE_CHECKING:
    from reader.corpus.resolution_sums import DocState, ResolutionState

STATE_FORMAT = 3  # 3: the numbers in chunks of documents
CHUNK = 250  # documents a chunk
_FIELDS = 8  # keys, parted, parts, counted, first, mine, chosen (when chosen again), asked


class Base(NamedTuple):
    """What a state read from bytes keeps for writing it again: the table, each chunk's
    documents and compressed numbers, the states and questions read."""

    strings: list[str]
    table: int  # the table's size when it was last made from scratch
    chunks: list[tuple[tuple[str, ...], bytes]]
    docs: Mapping[str, DocState]  # `state_docs.StoredDocs`: made when read
    asked: Mapping[str, tuple[str, ...]]
    meta: list[list[Any]] | None = None  # each document's entry of the header, in order


def _fields(s: DocState, questions: tuple[str, ...]) -> tuple[tuple[str, ...], ...]:
    chosen = s.chosen if s.again else ()  # else the first choice
    return (s.keys, s.parted, s.parts, s.counted, s.first, s.mine, chosen, questions)


def dump_state(state: ResolutionState) -> bytes:
    """`state` as bytes (see the module docstring), copying the chunks of its `base` whose
    documents did not change."""
    base: Base | None = state.base
    if base is not None and len(base.strings) > base.table * 1.25 + 1000:
        base = None  # the table has grown (strings no longer used): made again
    strings = list(base.strings) if base is not None else []
    table = base.table if base is not None else 0
    place = dict(zip(strings, range(len(strings)), strict=True))
    old = base.chunks if base is not None else []
    asked = state.asked or {}
    ids = list(state.docs)
    meta: list[list[Any]] = []
    blobs: list[bytes] = []
    # an update's states over those read (`state_docs.Changed`): a chunk of documents whose
    # states and questions are those read is copied without making their states
    unchanged = getattr(state.docs, "unchanged", None)
    if base is None or base.meta is None or getattr(state.docs, "base", None) is not base.docs:
        unchanged = None
    kept = getattr(asked, "kept", None)
    for start in range(0, len(ids), CHUNK):
        group = tuple(ids[start : start + CHUNK])
        k = start // CHUNK
        if (
            unchanged is not None
            and kept is not None
            and k < len(old)
            and old[k][0] == group
            and all(unchanged(d) and kept(d) for d in group)
        ):
            meta.extend(base.meta[start : start + CHUNK])  # type: ignore[union-attr]
            blobs.append(old[k][1])
            continue
        fields = []
        for doc_id in group:
            s = state.docs[doc_id]
            found = _fields(s, asked.get(doc_id, ()))
            fields.append(found)
            meta.append([doc_id, s.language, s.fingerprint, int(s.again), [*map(len, found)]])
        if base is not None and k < len(old) and old[k][0] == group and _same(state, base, group):
            blobs.append(old[k][1])
            continue
        flat = [x for found in fields for values in found for x in values]
        _add_strings(flat, strings, place)
        blobs.append(zlib.compress(array("i", map(place.__getitem__, flat)), 1))
    sums = b""
    if state.sums is not None:  # the sums of the documents' sets, as counts
        sums = zlib.compress(_sums_numbers(state.sums, strings, place), 1)
    if base is None:
        table = len(strings)
    header = {
        "format": STATE_FORMAT,
        "strings": strings,
        "table": table,
        "docs": meta,
        "chunks": [len(b) for b in blobs],
        "sums": [len(sums), *_sums_sizes(state.sums)],
        "rows": {d: row.hex() for d, row in state.rows.items()},
        "vocabulary": state.vocabulary,
    }
    head = zlib.compress(orjson.dumps(header), 1)
    return len(head).to_bytes(4, "little") + head + b"".join(blobs) + sums


def _add_strings(texts: list[str], strings: list[str], place: dict[str, int]) -> None:
    """Append to the table (`strings`, `place`: text -> its number) the texts it lacks, in
    the order they first come (found by set operations: an update adds few or none)."""
    missing = set(texts).difference(place)
    if not missing:
        return
    new = [t for t in dict.fromkeys(texts) if t in missing]
    place.update(zip(new, range(len(strings), len(strings) + len(new)), strict=True))
    strings.extend(new)


def _sums_sizes(sums: Any) -> list[int]:
    if sums is None:
        return [0, 0, 0]
    return [len(sums.df), len(sums.alone), len(sums.parts)]


def _sums_numbers(sums: Any, strings: list[str], place: dict[str, int]) -> array:
    """df, alone and parts (`resolution_sums.Sums`) as numbers: the strings (in the table,
    new ones added), then the counts, of each in turn."""
    flat: list[str] = [*sums.df, *sums.alone, *chain.from_iterable(sums.parts)]
    _add_strings(flat, strings, place)
    numbers = array("i", map(place.__getitem__, flat))
    for counts in (sums.df, sums.alone, sums.parts):
        numbers.extend(counts.values())
    return numbers


def _read_sums(packed: bytes, sizes: list[int], get: Callable[[int], str], make: Any) -> Any:
    """The sums `_sums_numbers` wrote (made by `make()`, an empty `Sums`)."""
    numbers = array("i")
    numbers.frombytes(zlib.decompress(packed))
    n_df, n_alone, n_parts = (int(x) for x in sizes)
    names = n_df + n_alone + 3 * n_parts
    if len(numbers) != names + n_df + n_alone + n_parts:
        raise ValueError("damaged sums")
    texts = list(map(get, numbers[:names]))
    counts = numbers[names:]
    if min(counts, default=1) < 1:
        raise ValueError("damaged sums")
    sums = make()
    sums.df.update(dict(zip(texts[:n_df], counts[:n_df], strict=True)))
    at = n_df + n_alone
    sums.alone.update(dict(zip(texts[n_df:at], counts[n_df:at], strict=True)))
    triples = zip(texts[at::3], texts[at + 1 :: 3], texts[at + 2 :: 3], strict=True)
    sums.parts.update(dict(zip(triples, counts[at:], strict=True)))
    return sums


def _same(state: ResolutionState, base: Base, group: tuple[str, ...]) -> bool:
    """Whether the documents of a chunk have the states and questions `base` read."""
    docs, asked = state.docs, state.asked or {}
    return all(
        docs[d] is base.docs.get(d) and asked.get(d, ()) == base.asked.get(d, ()) for d in group
    )


def load_state(
    blob: bytes,
    make: Callable[..., ResolutionState],
    doc_state: Callable[..., DocState],
    make_sums: Callable[[], Any],
) -> ResolutionState:
    """The state `dump_state` wrote (made by `make(docs, rows, vocabulary, asked, base,
    sums)`, each document's by `doc_state` when first read, the sums from `make_sums()`);
    ValueError when it is not one (or damaged). Every chunk is checked (zlib) and its
    numbers counted against the header here; a document's states are made when read
    (`state_docs.StoredDocs`), a damaged one raising ValueError then."""
    from reader.corpus.state_docs import StoredAsked, StoredDocs

    try:
        n = int.from_bytes(blob[:4], "little")
        header = orjson.loads(zlib.decompress(blob[4 : 4 + n]))
        if header.get("format") != STATE_FORMAT:
            raise ValueError("another format")
        strings = [str(s) for s in header["strings"]]
        meta = header["docs"]
        chunks: list[tuple[tuple[str, ...], bytes]] = []
        numbers_of: list[array] = []
        at = 4 + n
        sizes = header["chunks"]
        if len(sizes) != (len(meta) + CHUNK - 1) // CHUNK:
            raise ValueError("another number of chunks")
        for k, size in enumerate(sizes):
            packed = blob[at : at + int(size)]
            at += int(size)
            numbers = array("i")
            numbers.frombytes(zlib.decompress(packed))
            group = meta[k * CHUNK : (k + 1) * CHUNK]
            for entry in group:
                if len(entry) != 5 or len(entry[4]) != _FIELDS:
                    raise ValueError("another number of fields")
            if sum(int(x) for entry in group for x in entry[4]) != len(numbers):
                raise ValueError("numbers left over")
            numbers_of.append(numbers)
            chunks.append((tuple(str(g[0]) for g in group), packed))
        sums_size, *sums_sizes = header["sums"]
        sums = None
        if sums_size:
            get = strings.__getitem__
            sums = _read_sums(blob[at : at + int(sums_size)], sums_sizes, get, make_sums)
            at += int(sums_size)
        if at != len(blob):
            raise ValueError("bytes left over")
        rows = {str(d): bytes.fromhex(r) for d, r in header["rows"].items()}

        def chunk_states(k: int) -> tuple[dict[str, DocState], dict[str, tuple[str, ...]]]:
            try:
                return _chunk_states(strings, meta, numbers_of[k], k, doc_state)
            except (KeyError, TypeError, IndexError) as exc:
                raise ValueError(f"not a resolution state: {exc}") from None

        docs = StoredDocs(strings, meta, numbers_of, CHUNK, chunk_states)
        asked = StoredAsked(docs)
        base = Base(strings, int(header["table"]), chunks, docs, asked, meta)
        return make(docs, rows, header.get("vocabulary"), asked, base, sums)
    except (zlib.error, UnicodeDecodeError, KeyError, TypeError, IndexError) as exc:
        raise ValueError(f"not a resolution state: {exc}") from None


def _chunk_states(
    strings: list[str],
    meta: list[list[Any]],
    numbers: array,
    k: int,
    doc_state: Callable[..., DocState],
) -> tuple[dict[str, DocState], dict[str, tuple[str, ...]]]:
    """The states and questions of chunk `k`'s documents."""
    texts = list(map(strings.__getitem__, numbers))
    docs: dict[str, DocState] = {}
    asked: dict[str, tuple[str, ...]] = {}
    pos = 0
    for doc_id, language, fingerprint, again, lengths in meta[k * CHUNK : (k + 1) * CHUNK]:
        fields = []
        for size_ in lengths:
            fields.append(tuple(texts[pos : pos + size_]))
            pos += size_
        keys, parted, parts, counted, first, mine, chosen, questions = fields
        if len(parts) % 2:
            raise ValueError("a part without its run")
        if not again:
            chosen = first
        doc_id = str(doc_id)
        asked[doc_id] = questions
        docs[doc_id] = doc_state(
            str(language),
            str(fingerprint),
            keys,
            parted,
            parts,
            counted,
            first,
            mine,
            bool(again),
            chosen,
        )
    return docs, asked
