"""Read a big JSON file one array element at a time, with the standard `json` module.

An export of hundreds of thousands of annotations is hundreds of megabytes; `json.loads` of it
needs gigabytes. `read_streamed` walks the top of the document itself and hands each element of
the arrays at `STREAMED` paths (the annotation lists of a W3C file) to a callback as soon as it
is parsed, so memory holds one annotation at a time. Everything else is kept and returned,
with each streamed array replaced by an empty `Streamed` list. Errors are `JsonStreamError`
with the line and column in the whole file, like `json.loads` gives them.
"""

from __future__ import annotations

import codecs
import json
from collections.abc import Callable
from typing import Any, BinaryIO

CHUNK_BYTES = 1 << 20
MAX_VALUE_CHARS = 256 * 1024 * 1024  # one annotation (or other value) can be at most this long
#: Where arrays are streamed: the top-level list, a page's items, a collection's first page's.
STREAMED = ("", "items", "first.items")
_WHITESPACE = " \t\n\r"
_NUMBER_GOES_ON = "0123456789+-.eE"


class JsonStreamError(ValueError):
    """The file is not JSON (or not UTF-8); the message says where."""


class Streamed(list):
    """Stands for a streamed array: empty, with the number of elements it had."""

    def __init__(self, path: str) -> None:
        super().__init__()
        self.path = path
        self.count = 0


OnItem = Callable[[Any, str, int], None]


class _Reader:
    def __init__(self, fh: BinaryIO, parse_constant: Callable[[str], Any]) -> None:
        self.fh = fh
        self.decoder = codecs.getincrementaldecoder("utf-8-sig")("strict")
        self.json = json.JSONDecoder(parse_constant=parse_constant)
        self.buf = ""
        self.pos = 0
        self.base = 0  # offset in the file's text of buf[0]
        self.lines = 0  # line feeds before buf[0]
        self.last_lf = -1  # offset of the last of them
        self.bytes_read = 0
        self.eof = False

    # buffer -----------------------------------------------------------------------------------

    def _fill(self, size: int | None = None) -> bool:
        if self.eof:
            return False
        if self.pos:
            done = self.buf[: self.pos]
            count = done.count("\n")
            if count:
                self.lines += count
                self.last_lf = self.base + done.rindex("\n")
            self.buf = self.buf[self.pos :]
            self.base += self.pos
            self.pos = 0
        data = self.fh.read(size or CHUNK_BYTES)
        try:
            text = self.decoder.decode(data, final=not data)
        except UnicodeDecodeError as exc:
            raise JsonStreamError(f"not UTF-8 text (byte {self.bytes_read + exc.start})") from None
        self.bytes_read += len(data)
        self.eof = not data
        self.buf += text
        return True

    def peek(self) -> str:
        """The next character that is not white space ('' at the end)."""
        while True:
            while self.pos < len(self.buf) and self.buf[self.pos] in _WHITESPACE:
                self.pos += 1
            if self.pos < len(self.buf) or not self._fill():
                return self.buf[self.pos] if self.pos < len(self.buf) else ""

    def expect(self, char: str) -> None:
        if self.peek() != char:
            self.fail(f"Expecting '{char}'", self.pos)
        self.pos += 1

    def value(self) -> Any:
        """The next complete JSON value, read further into the file as long as it needs."""
        size = CHUNK_BYTES
        while True:
            self.peek()
            try:
                value, end = self.json.raw_decode(self.buf, self.pos)
            except json.JSONDecodeError as exc:
                if self.eof or len(self.buf) - self.pos > MAX_VALUE_CHARS:
                    self.fail(exc.msg, exc.pos)
                self._fill(size)
                size *= 2
                continue
            except RecursionError:
                raise JsonStreamError("JSON nested too deeply") from None
            rest = self.buf[end:]
            number = isinstance(value, int | float) and not isinstance(value, bool)
            if number and not self.eof and len(rest) <= 2 and rest.strip(_NUMBER_GOES_ON) == "":
                self._fill(size)  # `0` of `0.5`, `1e` of `1e3`: the number may go on
                continue
            self.pos = end
            return value

    def fail(self, message: str, pos: int) -> None:
        line = self.lines + self.buf.count("\n", 0, pos) + 1
        lf = self.buf.rfind("\n", 0, pos)
        column = pos - lf if lf >= 0 else self.base + pos - self.last_lf
        raise JsonStreamError(f"broken JSON at line {line}, column {column}: {message}")

    # structure --------------------------------------------------------------------------------

    def read(self, path: str, on_item: OnItem) -> Any:
        char = self.peek()
        if char == "[" and path in STREAMED:
            return self._array(path, on_item)
        if char == "{" and any(p.startswith(path + ".") or not path for p in STREAMED if p):
            return self._object(path, on_item)
        return self.value()

    def _array(self, path: str, on_item: OnItem) -> Streamed:
        self.expect("[")
        streamed = Streamed(path)
        if self.peek() == "]":
            self.pos += 1
            return streamed
        while True:
            on_item(self.value(), path, streamed.count)
            streamed.count += 1
            char = self.peek()
            self.pos += 1
            if char == "]":
                return streamed
            if char != ",":
                self.fail("Expecting ',' delimiter", self.pos - 1)

    def _object(self, path: str, on_item: OnItem) -> dict[str, Any]:
        self.expect("{")
        result: dict[str, Any] = {}
        if self.peek() == "}":
            self.pos += 1
            return result
        while True:
            if self.peek() != '"':
                self.fail("Expecting property name enclosed in double quotes", self.pos)
            key = self.value()
            self.expect(":")
            result[key] = self.read(f"{path}.{key}" if path else key, on_item)
            char = self.peek()
            self.pos += 1
            if char == "}":
                return result
            if char != ",":
                self.fail("Expecting ',' delimiter", self.pos - 1)


def read_streamed(
    fh: BinaryIO, on_item: OnItem, parse_constant: Callable[[str], Any] | None = None
) -> Any:
    """Parse the JSON file `fh` (UTF-8, a BOM allowed); call `on_item(element, path, index)`
    for each element of an array at a STREAMED path instead of keeping it."""
    reader = _Reader(fh, parse_constant or _refuse_constant)
    if not reader.peek():
        reader.fail("Expecting value", reader.pos)
    result = reader.read("", on_item)
    if reader.peek():
        reader.fail("Extra data", reader.pos)
    return result


def _refuse_constant(name: str) -> Any:
    raise JsonStreamError(f"not valid JSON: {name}")
