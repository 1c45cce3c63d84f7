"""Many short texts (the titles of an index's documents, the labels of a stored analysis's
topics) stored in chunks, each deflated on its own: the first one a window shows inflates
one chunk (1 ms), not 100,000 texts (120 ms), and none is read at an opening that shows
none."""

from __future__ import annotations

import json
import struct
import sys
import zlib
from array import array
from collections.abc import Callable, Sequence
from itertools import accumulate
from typing import Any

_LENGTH = struct.Struct("<I")
_CHUNK = 1024  # texts a chunk


def packed_texts(texts: list[str]) -> bytes:
    """The texts in chunks of `_CHUNK`, each deflated on its own after a table of their
    sizes: the first text a window shows inflates one chunk (1 ms), not 100,000 texts
    (120 ms)."""
    chunks = [
        zlib.compress(json.dumps(texts[i : i + _CHUNK], ensure_ascii=False).encode("utf-8"), 1)
        for i in range(0, len(texts), _CHUNK)
    ]
    sizes = array("I", map(len, chunks))
    if sys.byteorder != "little":
        sizes.byteswap()
    return _LENGTH.pack(len(chunks)) + sizes.tobytes() + b"".join(chunks)


class ChunkedTexts(Sequence[str]):
    """The `count` texts `packed_texts` made, each chunk decoded when one of its texts is
    first asked for (ValueError, or another error of a damaged row, for a damaged chunk)."""

    def __init__(self, data: bytes, count: int) -> None:
        if len(data) < _LENGTH.size:
            raise ValueError("no texts")
        (chunks,) = _LENGTH.unpack_from(data)
        if chunks != -(-count // _CHUNK):
            raise ValueError("texts for another number of documents")
        sizes = array("I")
        sizes.frombytes(data[_LENGTH.size : _LENGTH.size + 4 * chunks])
        if sys.byteorder != "little":
            sizes.byteswap()
        self._data, self._count, self._done = data, count, {}
        self._starts = list(accumulate(sizes, initial=_LENGTH.size + 4 * chunks))

    def __len__(self) -> int:
        return self._count

    def __getitem__(self, at):  # type: ignore[no-untyped-def]
        if not isinstance(at, int) or not 0 <= at < self._count:
            raise IndexError(at)
        chunk, within = divmod(at, _CHUNK)
        texts = self._done.get(chunk)
        if texts is None:
            start, end = self._starts[chunk], self._starts[chunk + 1]
            texts = json.loads(zlib.decompress(self._data[start:end]))
            wanted = min(_CHUNK, self._count - chunk * _CHUNK)
            if len(texts) != wanted or not set(map(type, texts)) <= {str}:
                raise ValueError("a damaged chunk of texts")
            self._done[chunk] = texts
        return texts[within]


class TextColumn:
    """Texts of many things (a listing's document titles, an analysis's topic labels), read
    when the first is asked for: `read()` gives them all (a sequence that may decode them in
    parts, `ChunkedTexts`). A text that cannot be had (`read` fails, gives another number of
    them, or a damaged chunk) is None: the caller says what stands in for it."""

    __slots__ = ("_count", "_read", "_texts")

    def __init__(self, read: Callable[[], Any], count: int) -> None:
        self._read, self._count = read, count
        self._texts: Sequence[str] | None = None

    def of(self, at: int) -> str | None:
        if self._texts is None:
            try:
                texts = self._read()
                if len(texts) != self._count:
                    raise ValueError("texts of another number of things")
            except (ValueError, TypeError, KeyError, IndexError, AttributeError, zlib.error):
                texts = []
            self._texts = texts
        try:
            found = self._texts[at] if at < len(self._texts) else None
        except (ValueError, TypeError, KeyError, IndexError, zlib.error):
            found = None  # a damaged chunk
        return found if isinstance(found, str) else None
