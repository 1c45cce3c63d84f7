"""A compact binary form of a document's entity facts and of its options (what phase 2 of
the index stores for every document): offsets as differences in the smallest integer arrays
that hold them, every string once in a table, the whole deflated. Options packed with their
document's text leave out what is a piece of it (a key that is the name key of its span, a
word the vocabulary was asked about) and are read back with the same text. Less than half the
size of the same data as JSON (2,000 generated documents: facts 5.4 -> 1.95 MB, options
4.5 -> 2.15 MB).

Damaged data raises `ValueError`.
"""

from __future__ import annotations

import json
import zlib
from array import array
from functools import lru_cache
from itertools import accumulate, chain, islice
from operator import sub
from typing import Any

from reader.corpus.candidates import Option, name_key
from reader.corpus.text import match_key

_CODES = (("B", 0, 0xFF), ("H", 0, 0xFFFF), ("b", -0x80, 0x7F), ("h", -0x8000, 0x7FFF))
_BINARY, _JSON = b"B", b"J"
_SEP = "\x00"
LEVEL = 6  # deflate level: small blobs, so the time is in the set-up rather than the level


class _Writer:
    """Integer arrays and strings, written in order."""

    def __init__(self) -> None:
        self.parts: list[bytes] = []
        self.strings: dict[str, int] = {}

    def ints(self, values: list[int]) -> None:
        lo, hi = (min(values), max(values)) if values else (0, 0)
        code = next((c for c, a, b in _CODES if a <= lo and hi <= b), "q")
        self.parts.append(code.encode() + len(values).to_bytes(4, "little"))
        self.parts.append(array(code, values).tobytes())

    def sid(self, s: str) -> int:
        """The number of string `s` in the table."""
        found = self.strings.get(s)
        if found is None:
            found = self.strings[s] = len(self.strings)
        return found

    def blob(self) -> bytes:
        table = _SEP.join(self.strings).encode("utf-8")
        raw = b"".join(self.parts) + table
        return _BINARY + zlib.compress(raw, LEVEL)


class _Reader:
    def __init__(self, blob: bytes, sections: int) -> None:
        try:
            self.raw = zlib.decompress(blob[1:])
        except zlib.error as exc:
            raise ValueError(f"damaged facts: {exc}") from exc
        self.pos = 0
        self.arrays = [self._array() for _ in range(sections)]
        table = self.raw[self.pos :].decode("utf-8")
        self.strings = table.split(_SEP) if table else []

    def _array(self) -> list[int]:
        raw, pos = self.raw, self.pos
        code = chr(raw[pos])
        n = int.from_bytes(raw[pos + 1 : pos + 5], "little")
        out = array(code)
        size = out.itemsize * n
        out.frombytes(raw[pos + 5 : pos + 5 + size])
        if len(out) != n:
            raise ValueError("damaged facts: short array")
        self.pos = pos + 5 + size
        return out.tolist()


def _deltas(flat: list[int]) -> list[int]:
    return list(map(sub, flat, [0, *flat[:-1]])) if flat else []


_match_key = lru_cache(maxsize=65536)(match_key)


def _mid_keys(capital: Any) -> list[str]:
    """The keys of the names a document has mid-sentence, from those names in lower case."""
    return sorted({_match_key(w) for w in capital})


def _interleave(a: list[int], b: list[int]) -> list[int]:
    if len(a) != len(b):
        raise ValueError("damaged facts: columns of different lengths")
    out = [0] * (2 * len(a))
    out[::2], out[1::2] = a, b
    return out


def _strings_ok(strings: Any) -> bool:
    return all(_SEP not in s for s in strings)


# --------------------------------------------------------------------------- facts


def encode_facts(facts: dict[str, Any]) -> bytes:
    """`entity_facts.document_facts` packed (JSON for anything it does not expect)."""
    v = facts["vocab"]
    lower, capital = v["lower"], v["capital"]
    ordered = sorted(lower)  # so that pairs, sorted, have first words in order
    index = {w: i for i, w in enumerate(ordered)}
    firsts: list[int] = []
    seconds: list[int] = []
    for p in v["pairs"]:
        a, _, b = p.partition(" ")
        if a not in index or b not in index or f"{a} {b}" != p:
            firsts = []
            break
        firsts.append(index[a])
        seconds.append(index[b])
    strings_ok = _strings_ok(chain(lower, capital, v["mid"], v["initial"]))
    if (v["pairs"] and not firsts) or not strings_ok:
        return _JSON + zlib.compress(json.dumps(facts, ensure_ascii=False).encode(), LEVEL)
    w = _Writer()
    w.strings = dict(index)  # the lower-case words first, numbered in order
    units = facts["units"]
    words = facts["words"]
    mid = v["mid"]
    derived = mid == _mid_keys(capital)  # as `Vocabulary.add_text` makes them: not stored
    w.ints([len(lower), int(words is None), int(derived)])
    w.ints(_deltas([x for r in facts["ranges"] for x in r]))
    bounds = _deltas([x for u in units for x in u[:2]])
    w.ints(bounds[::2])  # gaps before units, then their lengths: each in its smallest type
    w.ints(bounds[1::2])
    w.ints([u[2] | u[3] << 1 for u in units])
    segments = _deltas(words or [])
    w.ints(segments[::2])
    w.ints(segments[1::2])
    w.ints([lower[x] for x in ordered])
    w.ints(list(capital.values()))
    w.ints(_deltas(firsts))
    w.ints(seconds)
    for strings in (capital, [] if derived else mid, v["initial"]):
        w.ints([w.sid(x) for x in strings])
    return w.blob()


def decode_facts(blob: bytes, vocab: bool = True) -> dict[str, Any]:
    """The facts `encode_facts` packed, as JSON would give them back (without "vocab", the
    larger part, when `vocab` is False)."""
    blob = bytes(blob)
    if blob[:1] == _JSON:
        try:
            return json.loads(zlib.decompress(blob[1:]))
        except zlib.error as exc:
            raise ValueError(f"damaged facts: {exc}") from exc
    if blob[:1] != _BINARY:
        raise ValueError("damaged facts: unknown form")
    r = _Reader(blob, 14)
    head, ranges, gaps, lengths, flags, word_gaps, word_lengths, *rest = r.arrays
    lower_n, capital_n, firsts, seconds, *named = rest
    n_lower, no_words, derived = head
    strings = r.strings
    lower = strings[:n_lower]
    capital, mid, initial = ([strings[i] for i in ids] for ids in named)
    flat = list(accumulate(ranges))
    b = list(accumulate(_interleave(gaps, lengths)))
    w = list(accumulate(_interleave(word_gaps, word_lengths)))
    facts: dict[str, Any] = {
        "ranges": [list(x) for x in zip(flat[::2], flat[1::2], strict=True)],
        "units": [
            [s, e, f & 1, f >> 1 & 1] for s, e, f in zip(b[::2], b[1::2], flags, strict=True)
        ],
        "words": None if no_words else w,
    }
    if vocab:
        facts["vocab"] = {
            "lower": dict(zip(lower, lower_n, strict=True)),
            "capital": dict(zip(capital, capital_n, strict=True)),
            "pairs": [
                f"{lower[a]} {lower[b]}" for a, b in zip(accumulate(firsts), seconds, strict=True)
            ],
            "mid": _mid_keys(capital) if derived else mid,
            "initial": initial,
        }
    return facts


# --------------------------------------------------------------------------- options

_FALLBACK, _PART, _SURFACE, _PARENT, _EVIDENCE, _PARTS = 1, 2, 4, 8, 16, 32
_KEY_OF_TEXT, _SURFACE_OF_TEXT, _PARENT_WHOLE = 64, 128, 256
_NOT_NAMES = frozenset({"number", "date"})  # kinds whose keys are never a span's name key
_ANSWER_KINDS = ("o1", "o0", "p1", "p0", "m1", "m0", "i1", "i0")


def encode_options(data: dict[str, Any], text: str | None = None) -> bytes:
    """A document's stored options (`format`, `language`, `gaz`, `answers`, and `options`: a
    list of `Option`) packed. Given the document's `text`, keys that are the name key of their
    span (most of them) are not stored: `decode_options` makes them again from the same text."""
    w = _Writer()
    table = w.strings
    sd = table.setdefault
    header = [sd(data["language"], len(table)), sd(data["gaz"], len(table))]
    answers = data["answers"]
    unknown = set(answers) - set(_ANSWER_KINDS)
    if unknown:
        raise ValueError(f"unknown answers: {sorted(unknown)}")
    counts, answer_ids, at, length = _pack_answers(answers, text, lambda x: sd(x, len(table)))
    columns: list[list[int]] = [[] for _ in range(9)]
    starts, lengths, keys, kinds, flags, surfaces, pieces, parents, evidence = columns
    whole = ""  # the key of the last option that is a whole run: the parent of its parts
    no_text = text is None
    for start, end, key, kind, surface, fallback, parts, part, parent, proof in data["options"]:
        starts.append(start)
        lengths.append(end - start)
        kinds.append(sd(kind, len(table)))
        of_text = None if no_text or kind in _NOT_NAMES else name_key(text[start:end])
        f = fallback | part << 1
        if key == of_text:
            f |= _KEY_OF_TEXT
        else:
            keys.append(sd(key, len(table)))
        if surface != key:
            if surface == of_text:
                f |= _SURFACE_OF_TEXT
            else:
                f |= _SURFACE
                surfaces.append(sd(surface, len(table)))
        if parent:
            if parent == whole:
                f |= _PARENT_WHOLE
            else:
                f |= _PARENT
                parents.append(sd(parent, len(table)))
        elif not fallback:
            whole = key
        if proof:
            f |= _EVIDENCE
            evidence.append(sd(proof, len(table)))
        if parts:
            f |= _PARTS
            pieces.append(len(parts))
            pieces += [sd(x, len(table)) for x in parts]
        flags.append(f)
    if not _strings_ok(table):  # not met in texts: kept as JSON
        rows = {**data, "options": [list(o) for o in data["options"]]}
        return _JSON + zlib.compress(json.dumps(rows, ensure_ascii=False).encode(), LEVEL)
    w.ints([data["format"], *header, *counts])
    w.ints(answer_ids)
    w.ints(at)
    w.ints(length)
    columns[0] = _deltas(starts)
    for column in columns:
        w.ints(column)
    return w.blob()


def decode_options(blob: bytes, text: str | None = None, options: bool = True) -> dict[str, Any]:
    """What `encode_options` packed, the options as a list of `Option` (`text`: the one they
    were packed with); with `options` False, an empty list (the answers only)."""
    blob = bytes(blob)
    if blob[:1] == _JSON:
        try:
            data = json.loads(zlib.decompress(blob[1:]))
        except zlib.error as exc:
            raise ValueError(f"damaged options: {exc}") from exc
        rows = data["options"] if options else []
        return {**data, "options": [Option(*r[:6], tuple(r[6]), *r[7:]) for r in rows]}
    if blob[:1] != _BINARY:
        raise ValueError("damaged options: unknown form")
    r = _Reader(blob, 13)
    head, answer_ids, answer_at, answer_length = r.arrays[:4]
    starts, lengths, key_ids, kinds, flags = r.arrays[4:9]
    s = r.strings
    keys, surfaces, parents, evidence = (
        iter([s[i] for i in a]) for a in (key_ids, r.arrays[9], *r.arrays[11:])
    )
    pieces = iter(r.arrays[10])
    answers = _unpack_answers(head[3:], [s[i] for i in answer_ids], answer_at, answer_length, text)
    head_only = {"format": head[0], "language": s[head[1]], "gaz": s[head[2]], "answers": answers}
    if not options:
        return {**head_only, "options": []}
    if text is None and any(f & (_KEY_OF_TEXT | _SURFACE_OF_TEXT) for f in flags):
        raise ValueError("options packed with their text: give the text")
    make = Option._make
    found: list[Option] = []
    whole = ""
    try:
        for b, n, kind, f in zip(accumulate(starts), lengths, kinds, flags, strict=True):
            of_text = name_key(text[b : b + n]) if f & (_KEY_OF_TEXT | _SURFACE_OF_TEXT) else ""
            key = of_text if f & _KEY_OF_TEXT else next(keys)
            surface = of_text if f & _SURFACE_OF_TEXT else key
            if f & _SURFACE:
                surface = next(surfaces)
            if f & _PARENT_WHOLE:
                parent = whole
            elif f & _PARENT:
                parent = next(parents)
            else:
                parent = ""
                if not f & _FALLBACK:
                    whole = key
            found.append(
                make(
                    (
                        b,
                        b + n,
                        key,
                        s[kind],
                        surface,
                        f & _FALLBACK == 1,
                        tuple([s[i] for i in islice(pieces, next(pieces))]) if f & _PARTS else (),
                        f & _PART == _PART,
                        parent,
                        next(evidence) if f & _EVIDENCE else "",
                    )
                )
            )
    except StopIteration as exc:
        raise ValueError("damaged options: short column") from exc
    return {**head_only, "options": found}


_CASED_ANSWERS = frozenset({"i1", "i0"})  # words as written; the others in lower case
_TEXT_ANSWERS = frozenset({"o1", "o0", "p1", "p0", "i1", "i0"})  # may be found in the text


def _pack_answers(
    answers: dict[str, list[str]], text: str | None, sid: Any
) -> tuple[list[int], list[int], list[int], list[int]]:
    """Counts per kind (found in the text, then as strings), string ids, and the places and
    lengths of the answers found in the document's text (a word or a pair of words asked of
    the vocabulary is mostly a piece of the text, lower-cased), in the order of the text."""
    lowered = text.lower() if text is not None else None
    if lowered is not None and len(lowered) != len(text):  # type: ignore[arg-type]
        lowered = None
    found_n, string_n, ids, at, length = [], [], [], [], []
    for kind in _ANSWER_KINDS:
        words = answers.get(kind, [])
        source = text if kind in _CASED_ANSWERS else lowered
        places: list[tuple[int, int]] = []
        strings: list[str] = []
        usable = source is not None and kind in _TEXT_ANSWERS and words == sorted(set(words))
        for word in words:
            here = source.find(word) if usable and word else -1  # type: ignore[union-attr]
            if here >= 0:
                places.append((here, len(word)))
            else:
                strings.append(word)
        places.sort()
        found_n.append(len(places))
        string_n.append(len(strings))
        ids += [sid(x) for x in strings]
        at += _deltas([p for p, _ in places])
        length += [n for _, n in places]
    return found_n + string_n, ids, at, length


def _unpack_answers(
    counts: list[int], strings: list[str], at: list[int], length: list[int], text: str | None
) -> dict[str, list[str]]:
    kinds = len(_ANSWER_KINDS)
    if len(counts) != 2 * kinds:
        raise ValueError("damaged options: answer counts")
    found_n, string_n = counts[:kinds], counts[kinds:]
    if any(found_n) and text is None:
        raise ValueError("options packed with their text: give the text")
    lowered = text.lower() if text is not None and any(found_n) else ""
    out: dict[str, list[str]] = {}
    i = j = 0
    for kind, nf, ns in zip(_ANSWER_KINDS, found_n, string_n, strict=True):
        if not nf + ns:
            continue
        source = text if kind in _CASED_ANSWERS else lowered
        words = strings[j : j + ns]
        here = 0
        for d, n in zip(at[i : i + nf], length[i : i + nf], strict=True):
            here += d
            words.append(source[here : here + n])  # type: ignore[index]
        if len(words) != nf + ns:
            raise ValueError("damaged options: short answers")
        out[kind] = sorted(words) if nf else words
        i += nf
        j += ns
    return out
