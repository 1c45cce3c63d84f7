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

from reader.corpus.candidates import Option

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

_MARK = b"O"  # first byte of a format-5 row; as the start of raw deflate it is invalid (BTYPE 11)
LEVEL = 9  # rows are small: the highest level costs little more than the lowest
_SEP = "\x00"
_CODES = (("B", 0, 0xFF), ("H", 0, 0xFFFF), ("b", -0x80, 0x7F), ("h", -0x8000, 0x7FFF))
_ARRAYS = 14  # the integer columns of a format-5 row (see `options_row`)


def _ints(values: list[int]) -> bytes:
    """A column as the narrowest array that holds it, after its type code and length."""
    lo, hi = (min(values), max(values)) if values else (0, 0)
    code = next((c for c, a, b in _CODES if a <= lo and hi <= b), "q")
    return code.encode() + len(values).to_bytes(4, "little") + array(code, values).tobytes()


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
    deflated; what can be made again from the rest is not stored: a start as the difference
    from the one before, a key as the difference of its place from the key before, a surface
    key equal to the key as 0, the text of an option inside an option shortly before it as
    that option's distance (its text is a slice of that one's), flags in one number.
    """
    if len(surfaces) != len(options):
        raise ValueError("one surface an option")
    table: dict[str, int] = {}

    def at(text: str) -> int:
        found = table.get(text)
        if found is None:
            found = table[text] = len(table)
        return found

    keys = [at(o.key) for o in options]  # first: new keys come in order (differences of 1)
    starts = [o.start for o in options]
    groups = [k for k, v in answers.items() if v]
    columns = [
        [at(language), at(gaz)],
        list(map(sub, starts, [0, *starts[:-1]])),
        [o.end - o.start for o in options],
        list(map(sub, keys, [-1, *keys[:-1]])),
        [at(o.kind) for o in options],
        [0 if o.surface_key == o.key else at(o.surface_key) + 1 for o in options],
        [o.fallback | o.part << 1 for o in options],
        [len(o.parts) for o in options],
        [at(p) for o in options for p in o.parts],
        [at(o.parent) for o in options],
        [at(o.evidence) for o in options],
        _surface_codes(options, surfaces, at),
        [x for k in groups for x in (at(k), len(answers[k]))],
        [at(w) for k in groups for w in answers[k]],
    ]
    if any(_SEP in s for s in table):
        raise ValueError("a string holds the separator")
    raw = b"".join(map(_ints, columns)) + _SEP.join(table).encode("utf-8")
    return _MARK + zlib.compress(raw, LEVEL)


LOOK_BACK = 8  # options looked at before one for an option that holds it


def _surface_codes(
    options: list[Option], surfaces: list[str], at: Callable[[str], int]
) -> list[int]:
    """Per option: -k when its text is a slice of the text of the option k places before
    (whose span holds its span), else the place of its text in the table."""
    codes = []
    for i, (o, text) in enumerate(zip(options, surfaces, strict=True)):
        code = None
        for j in range(max(0, i - LOOK_BACK), i):
            p = options[j]
            if (
                p.start <= o.start
                and o.end <= p.end
                and surfaces[j][o.start - p.start : o.end - p.start] == text
            ):
                code = j - i
        codes.append(at(text) if code is None else code)
    return codes


class StoredOptions:
    """A stored options row, read as far as deciding whether it still holds; the options
    themselves made on demand (`unpacked`)."""

    __slots__ = ("_columns", "_json", "_strings", "answers", "gaz", "language")

    def __init__(self, blob: bytes) -> None:
        self._json: dict[str, Any] | None = None
        if blob[:1] != _MARK:  # formats 2 to 4: deflated JSON
            data = json.loads(zlib.decompress(blob, -15))
            if data.get("format") not in READ_FORMATS:
                raise ValueError("unknown options format")
            self._json = data
            self.language, self.gaz, self.answers = data["language"], data["gaz"], data["answers"]
            return
        raw = zlib.decompress(blob[1:])
        pos, columns = 0, []
        for _ in range(_ARRAYS):
            code = chr(raw[pos])
            n = int.from_bytes(raw[pos + 1 : pos + 5], "little")
            column = array(code)
            end = pos + 5 + column.itemsize * n
            column.frombytes(raw[pos + 5 : end])
            if len(column) != n:
                raise ValueError("damaged options: short column")
            columns.append(column)
            pos = end
        strings = [sys.intern(t) for t in raw[pos:].decode("utf-8").split(_SEP)]
        self._columns, self._strings = columns, strings
        get = strings.__getitem__
        self.language, self.gaz = map(get, columns[0])
        words = iter(map(get, columns[13]))
        counts = columns[12]
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
        c, strings = self._columns, self._strings
        get = strings.__getitem__
        keys = list(map(get, islice(accumulate(c[3], initial=-1), 1, None)))
        skeys = [k if s == 0 else strings[s - 1] for k, s in zip(keys, c[5], strict=True)]
        parts_flat = iter(map(get, c[8]))
        parts = [tuple(islice(parts_flat, n)) if n else () for n in c[7]]
        starts = list(accumulate(c[1]))
        fallback = map(truth, map(and_, c[6], repeat(1)))
        part = map(truth, map(and_, c[6], repeat(2)))
        options = list(
            map(
                Option._make,
                zip(
                    starts,
                    map(add, starts, c[2]),
                    keys,
                    map(get, c[4]),
                    skeys,
                    fallback,
                    parts,
                    part,
                    map(get, c[9]),
                    map(get, c[10]),
                    strict=True,  # columns of unequal lengths: damaged (ValueError)
                ),
            )
        )
        return options, _surfaces(c[11], starts, options, strings)


def _surfaces(
    codes: array, starts: list[int], options: list[Option], strings: list[str]
) -> list[str]:
    """The text of each option from its code (`_surface_codes`)."""
    intern = sys.intern
    out: list[str] = []
    for i, code in enumerate(codes):
        if code >= 0:
            out.append(strings[code])
        else:
            j = i + code
            if j < 0:
                raise ValueError("damaged options: a surface before the first")
            at = starts[i] - starts[j]
            out.append(intern(out[j][at : at + options[i].end - starts[i]]))
    if len(out) != len(options):
        raise ValueError("damaged options: one surface an option")
    return out
