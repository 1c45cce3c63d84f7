"""A document's entity options as the index stores them (the rows `index.options.*`).

Format 5 (`options_row`, read by `StoredOptions`) stores them by column in binary: every string
once in a table, each field an array of numbers (places in the table, starts, lengths, flags),
the whole deflated, so reading builds the `Option` tuples with C-level `map` and `zip` calls
instead of a Python loop over every option (a corpus holds about 150 options a document).
What can be made again from the rest is not stored (2,000 generated documents: 5.3 MB of
format 4 -> 3.9 MB). Formats 2 to 4 (deflated JSON: rows, then columns) are still read.
"""

from __future__ import annotations

import json
import sys
import zlib
from array import array
from collections.abc import Callable
from itertools import accumulate, islice, repeat
from operator import add, and_, sub, truth
from typing import Any

from reader.corpus.candidates import Option, name_key

OPTIONS_FORMAT = 5  # 2: rows; 3: rows and surfaces; 4: columns and surfaces; 5: binary columns
# Formats of JSON rows still read (format 5 is told by its first byte); options of format 2
# are used as they are (surfaces from the text).
READ_FORMATS = (2, 3, 4)


def pack_options(options: list[Option]) -> dict[str, Any]:
    """Options by column (format 4)."""
    table: dict[str, int] = {}

    def at(text: str) -> int:
        found = table.get(text)
        if found is None:
            found = table[text] = len(table)
        return found

    return {
        "start": [o.start for o in options],
        "len": [o.end - o.start for o in options],
        "key": [at(o.key) for o in options],
        "kind": [at(o.kind) for o in options],
        "skey": [at(o.surface_key) for o in options],
        "fb": [int(o.fallback) for o in options],
        "parts": [[at(p) for p in o.parts] for o in options],
        "part": [int(o.part) for o in options],
        "parent": [at(o.parent) for o in options],
        "ev": [at(o.evidence) for o in options],
        "strings": list(table),
    }


def unpack_options(data: Any, fmt: int) -> list[Option]:
    """The options `pack_options` (format 4) or the row formats (2, 3) wrote, their strings
    interned: a key, kind or parent met in many documents is held once."""
    if fmt < 4:
        return _unpack_rows(data)
    get = [sys.intern(t) for t in data["strings"]].__getitem__
    starts = data["start"]
    return list(
        map(
            Option._make,
            zip(
                starts,
                map(add, starts, data["len"]),
                map(get, data["key"]),
                map(get, data["kind"]),
                map(get, data["skey"]),
                map(bool, data["fb"]),
                [tuple(map(get, p)) for p in data["parts"]],
                map(bool, data["part"]),
                map(get, data["parent"]),
                map(get, data["ev"]),
                strict=True,  # columns of unequal lengths: damaged (ValueError)
            ),
        )
    )


_DEFAULTS = ((), False, "", "")  # the fields of `Option` after the sixth


def _unpack_rows(rows: list[list[Any]]) -> list[Option]:
    intern = sys.intern
    make = Option._make
    out = []
    for row in rows:
        n = len(row)
        row[1] += row[0]
        key = row[2] = intern(row[2])
        row[3] = intern(row[3])
        row[4] = key if row[4] == 0 else intern(row[4])
        if n > 6:
            row[6] = tuple(map(intern, row[6]))
            if n > 8:
                row[8] = intern(row[8])
        if n < 10:
            row.extend(_DEFAULTS[n - 6 :])
        out.append(make(row))
    return out


def interned(surfaces: list[str]) -> list[str]:
    intern = sys.intern
    return [intern(t) for t in surfaces]


# --------------------------------------------------------------------------- format 5

# First bytes of a format-5 row: "O" is invalid as the start of raw deflate (BTYPE 11), so
# it is not taken for a JSON row; then the format (rows of an earlier draft: a miss).
_MARK = b"O" + bytes([OPTIONS_FORMAT])
LEVEL = 6  # deflate level (9 packs these rows 0.1% smaller, 15% slower)
_SEP = "\x00"
_CODES = (("B", 0, 0xFF), ("H", 0, 0xFFFF), ("b", -0x80, 0x7F), ("h", -0x8000, 0x7FFF))
_ARRAYS = 14  # the integer columns of a format-5 row (see `options_row`)
LOOK_BACK = 8  # options looked at before one for an option whose span holds its span


def _ints(values: list[int]) -> bytes:
    """A column as the narrowest array that holds it, after its type code and length; the
    bytes of wider numbers by plane (all the low bytes, then the next...: deflate packs the
    high ones, mostly alike, to nearly nothing)."""
    code = _code(min(values), max(values)) if values else "B"
    data = array(code, values)
    if sys.byteorder != "little":
        data.byteswap()
    raw = data.tobytes()
    size = data.itemsize
    planes = b"".join([raw[k::size] for k in range(size)]) if size > 1 else raw
    return code.encode() + len(values).to_bytes(4, "little") + planes


def _code(lo: int, hi: int) -> str:
    """The first type of `_CODES` that holds every number from `lo` to `hi` ("q" if none)."""
    if lo >= 0:
        return "B" if hi <= 0xFF else "H" if hi <= 0xFFFF else "q"
    if lo >= -0x80 and hi <= 0x7F:
        return "b"
    return "h" if lo >= -0x8000 and hi <= 0x7FFF else "q"


def _column(raw: bytes, pos: int) -> tuple[array, int]:
    """The column `_ints` wrote at `pos`, and where the next one starts."""
    code = chr(raw[pos])
    n = int.from_bytes(raw[pos + 1 : pos + 5], "little")
    column = array(code)
    size = column.itemsize
    end = pos + 5 + size * n
    planes = raw[pos + 5 : end]
    if len(planes) != size * n:
        raise ValueError("damaged options: short column")
    if size > 1:
        joined = bytearray(size * n)
        for k in range(size):
            joined[k::size] = planes[k * n : (k + 1) * n]
        planes = bytes(joined)
    column.frombytes(planes)
    if sys.byteorder != "little":
        column.byteswap()
    return column, end


class _Stored(dict[str, int]):
    """The strings a row stores, each by its place (0, 1, ...), given on first use."""

    def __missing__(self, text: str) -> int:
        found = self[text] = len(self)
        return found


class _Codes(dict[str, int]):
    """Every string of a row by its code: keys made from their option's text (`name_key`, as
    the analysis made them) by -1, -2, ... in order of first use, not stored; any other by
    its place among the stored ones."""

    def __init__(self, derived: list[str], stored: _Stored) -> None:
        super().__init__((k, -1 - i) for i, k in enumerate(derived))
        self.stored = stored

    def __missing__(self, text: str) -> int:
        found = self[text] = self.stored[text]
        return found


def options_row(
    language: str,
    gaz: str,
    answers: dict[str, list[str]],
    options: list[Option],
    surfaces: list[str],
) -> bytes:
    """A document's stored options (format 5): what made them (language, gazetteer, the
    answers of the vocabulary), the options and the text of each.

    Each field is a column of numbers (a string by its place in one table), the whole
    deflated. What can be made again from the rest is not stored: a start as the difference
    from the one before, a key made from the option's text by `name_key` (as most are), a
    surface key equal to the key, the text of an option inside an option shortly before it
    (a slice of that one's text); flags in one number. The fields are taken by column once
    (`zip`), so most columns are made by C-level `map` calls.
    """
    if len(surfaces) != len(options):
        raise ValueError("one surface an option")
    o_start, o_end, o_key, o_kind, o_skey, o_fb, o_parts, o_part, o_parent, o_ev = (
        zip(*options, strict=True) if options else [()] * len(Option._fields)
    )
    made = list(map(_made, o_key, surfaces))
    stored = _Stored()
    codes = _Codes(list(dict.fromkeys(k for k, m in zip(o_key, made, strict=True) if m)), stored)
    at, stored_at = codes.__getitem__, stored.__getitem__
    keys = list(map(at, o_key))
    starts, sliced, texts = _text_codes(o_start, o_end, surfaces, stored_at)
    groups = [k for k, v in answers.items() if v]
    near = _near_codes(o_key, at)
    columns = [
        [stored_at(language), stored_at(gaz)],
        starts,
        list(map(sub, o_end, o_start)),
        _differences(keys),
        list(map(at, o_kind)),
        [0 if s == k else _skey_code(s, at) for k, s in zip(o_key, o_skey, strict=True)],
        [f | p << 1 | x << 2 for f, p, x in zip(o_fb, o_part, sliced, strict=True)],
        list(map(len, o_parts)),
        [near(i, p) for i, ps in enumerate(o_parts) if ps for p in ps],
        [near(i, p) if p else 0 for i, p in enumerate(o_parent)],
        list(map(at, o_ev)),
        texts,
        [x for k in groups for x in (stored_at(k), len(answers[k]))],
        _differences([at(w) for k in groups for w in answers[k]]),
    ]
    table = _SEP.join(stored)
    if table.count(_SEP) != len(stored) - 1:  # a string holds the separator: format 4
        return _json_row(language, gaz, answers, options, surfaces)
    raw = b"".join(map(_ints, columns)) + table.encode("utf-8")
    return _MARK + zlib.compress(raw, LEVEL)


def _made(key: str, text: str) -> bool:
    """Whether `key` is the one `name_key` makes from `text`. A key with a colon (`num:`,
    `date:`, `region:`) is not, from a text in ASCII without one: no transliteration asked."""
    if ":" in key and text.isascii() and ":" not in text:
        return False
    return key == name_key(text)


def _json_row(
    language: str,
    gaz: str,
    answers: dict[str, list[str]],
    options: list[Option],
    surfaces: list[str],
) -> bytes:
    """The row as format 4 (deflated JSON) stores it."""
    data = {
        "format": 4,
        "language": language,
        "gaz": gaz,
        "answers": answers,
        "options": pack_options(options),
        "surfaces": surfaces,
    }
    packer = zlib.compressobj(LEVEL, zlib.DEFLATED, -15)
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    return packer.compress(text) + packer.flush()


NEAR = 8  # a key of an option this many places before or after one is referred to by place
_NEAR_ORDER = [d for k in range(1, NEAR + 1) for d in (-k, k)]


def _near_codes(keys: tuple[str, ...], at: Callable[[str], int]) -> Callable[[int, str], int]:
    """A function of option `i` and a key of it (its parent, a part): the place of an option
    near it with that key (-NEAR..NEAR, nearest first), else the key's place in the table
    beyond those numbers."""
    n = len(keys)

    def near(i: int, key: str) -> int:
        for d in _NEAR_ORDER:
            j = i + d
            if 0 <= j < n and keys[j] == key:
                return d
        code = at(key)
        return code + NEAR + 1 if code >= 0 else code - NEAR

    return near


def _differences(values: list[int]) -> list[int]:
    """Each value less the one before (`accumulate` undoes it)."""
    return list(map(sub, values, [0, *values[:-1]]))


def _skey_code(surface_key: str, at: Callable[[str], int]) -> int:
    """A surface key other than the key: its place in the table, stored ones from 1."""
    code = at(surface_key)
    return code + 1 if code >= 0 else code


def _text_codes(
    o_start: tuple[int, ...],
    o_end: tuple[int, ...],
    surfaces: list[str],
    stored_at: Callable[[str], int],
) -> tuple[list[int], list[int], list[int]]:
    """Starts and texts of the options. An option inside one shortly before it (whose text
    holds its text): its start within that one's, 1, and how many places before it is. Any
    other: its start after the start before it, 0, and the place of its text in the table
    after the place of the text before (new texts come in order: 1)."""
    starts, sliced, texts = [], [], []
    before = last = 0
    for i, (start, end, text) in enumerate(zip(o_start, o_end, surfaces, strict=True)):
        source = None
        lo = i - LOOK_BACK if i > LOOK_BACK else 0
        for j in range(i - 1, lo - 1, -1):  # the nearest first
            p_start = o_start[j]
            if (
                p_start <= start
                and end <= o_end[j]
                and surfaces[j][start - p_start : end - p_start] == text
            ):
                source = j
                break
        if source is None:
            starts.append(start - before)
            sliced.append(0)
            place = stored_at(text)
            texts.append(place - last)
            last = place
        else:
            starts.append(start - o_start[source])
            sliced.append(1)
            texts.append(i - source)
        before = start
    return starts, sliced, texts


class StoredOptions:
    """A stored options row: what decides whether it still holds (language, gazetteer,
    answers), the options themselves made on demand (`unpacked`)."""

    __slots__ = (
        "_columns",
        "_ends",
        "_json",
        "_keys",
        "_starts",
        "_surfaces",
        "_table",
        "answers",
        "gaz",
        "language",
    )

    def __init__(self, blob: bytes) -> None:
        self._json: dict[str, Any] | None = None
        if blob[:1] != _MARK[:1]:  # formats 2 to 4: deflated JSON
            data = json.loads(zlib.decompress(blob, -15))
            if data.get("format") not in READ_FORMATS:
                raise ValueError("unknown options format")
            self._json = data
            self.language, self.gaz, self.answers = data["language"], data["gaz"], data["answers"]
            return
        if blob[: len(_MARK)] != _MARK:
            raise ValueError("unknown options format")
        raw = zlib.decompress(blob[len(_MARK) :])
        pos, columns = 0, []
        for _ in range(_ARRAYS):
            column, pos = _column(raw, pos)
            columns.append(column)
        strings = [sys.intern(t) for t in raw[pos:].decode("utf-8").split(_SEP)]
        c = self._columns = columns
        self._starts, self._surfaces = _texts(c[1], c[2], c[6], c[11], strings)
        self._ends = list(map(add, self._starts, c[2]))
        self._keys, derived = _keys(list(accumulate(c[3])), self._surfaces, strings)
        self._table = strings + derived[::-1]  # -1 - i: the i-th key made from a text
        get = self._table.__getitem__
        self.language, self.gaz = map(get, c[0])
        words = iter(map(get, accumulate(c[13])))
        counts = c[12]
        self.answers = {
            get(counts[i]): list(islice(words, counts[i + 1])) for i in range(0, len(counts), 2)
        }

    def unpacked(self) -> tuple[list[Option], list[str]]:
        """The options and the text of each."""
        if self._json is not None:
            data = self._json
            return unpack_options(data["options"], data["format"]), interned(
                data.get("surfaces", [])
            )
        c, table, keys = self._columns, self._table, self._keys
        get = table.__getitem__
        skeys = [
            k if s == 0 else table[s - 1 if s > 0 else s] for k, s in zip(keys, c[5], strict=True)
        ]
        near = _Near(keys, table)
        parts_flat = iter(c[8])
        parts = [
            tuple(near(i, code) for code in islice(parts_flat, n)) if n else ()
            for i, n in enumerate(c[7])
        ]
        parents = [near(i, code) if code else "" for i, code in enumerate(c[9])]
        options = list(
            map(
                Option._make,
                zip(
                    self._starts,
                    self._ends,
                    keys,
                    map(get, c[4]),
                    skeys,
                    map(truth, map(and_, c[6], repeat(1))),
                    parts,
                    map(truth, map(and_, c[6], repeat(2))),
                    parents,
                    map(get, c[10]),
                    strict=True,  # columns of unequal lengths: damaged (ValueError)
                ),
            )
        )
        return options, self._surfaces


class _Near:
    """Reads a `_near_codes` code of option `i`."""

    __slots__ = ("keys", "table")

    def __init__(self, keys: list[str], table: list[str]) -> None:
        self.keys, self.table = keys, table

    def __call__(self, i: int, code: int) -> str:
        if -NEAR <= code <= NEAR:
            if code == 0 or not 0 <= i + code < len(self.keys):
                raise ValueError("damaged options: a key of no option")
            return self.keys[i + code]
        return self.table[code - NEAR - 1 if code > 0 else code + NEAR]


def _keys(codes: list[int], surfaces: list[str], strings: list[str]) -> tuple[list[str], list[str]]:
    """Each option's key (a stored one, or made from its text) and the keys made, in order."""
    if len(codes) != len(surfaces):
        raise ValueError("damaged options: one key an option")
    keys: list[str] = []
    derived: list[str] = []
    intern = sys.intern
    for code, text in zip(codes, surfaces, strict=True):
        if code >= 0:
            keys.append(strings[code])
            continue
        key = intern(name_key(text))
        if -1 - code == len(derived):
            derived.append(key)
        elif -1 - code > len(derived) or derived[-1 - code] != key:
            raise ValueError("damaged options: a key made from a text")
        keys.append(key)
    return keys, derived


def _texts(
    starts: array, lengths: array, flags: array, codes: array, strings: list[str]
) -> tuple[list[int], list[str]]:
    """The start and the text of each option from their codes (`_text_codes`)."""
    if not len(starts) == len(lengths) == len(flags) == len(codes):
        raise ValueError("damaged options: columns of unequal lengths")
    intern = sys.intern
    out_starts: list[int] = []
    out: list[str] = []
    before = last = 0
    for i, (start, n, f, code) in enumerate(zip(starts, lengths, flags, codes, strict=True)):
        if f & 4:
            j = i - code
            if not 0 <= j < i:
                raise ValueError("damaged options: a text before the first")
            before = out_starts[j] + start
            out.append(intern(out[j][start : start + n]))
        else:
            before += start
            last += code
            if last < 0:
                raise ValueError("damaged options: a text before the first")
            out.append(strings[last])
        out_starts.append(before)
    return out_starts, out
