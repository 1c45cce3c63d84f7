"""A document's entity options as the index stores them (JSON inside `index.options.*`).

Format 4 stores them by column: every string once in a table, each field a list of numbers
(indexes into the table, starts, lengths, flags), so reading builds the `Option` tuples with
C-level `map` and `zip` calls instead of a Python loop over every option (a corpus holds about
150 options a document). Formats 2 and 3 (one JSON row an option) are still read.
"""

from __future__ import annotations

import sys
from operator import add
from typing import Any

from reader.corpus.candidates import Option

OPTIONS_FORMAT = 4  # 2: rows; 3: rows and surfaces; 4: columns and surfaces
READ_FORMATS = (2, 3, 4)  # options of format 2 are used as they are (surfaces from the text)

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
