"""What the index stores and reports: kinds, versions, progress, results of one file."""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import zlib
from array import array
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import cache
from itertools import accumulate, chain
from operator import sub
from pathlib import Path
from typing import Any

import icu
import orjson

from reader import __version__
from reader.corpus.formats import format_of
from reader.corpus.loading import document_id
from reader.corpus.model import Document, Link, Passage
from reader.paths import resource

PIPELINE = 5

KIND_DOCUMENT = "index.document"
KIND_SENTENCES = "index.sentences"
# Phase 2: what entity finding knows of a document on its own (`reader.corpus.entity_facts`),
# and its options under the vocabulary of its folder with the answers they used
# (`reader.store.index.entities`).
KIND_FACTS = "index.facts"
KIND_OPTIONS = "index.options"
# A document's title, language, script and sizes without its text: what a corpus of 100,000
# documents opens with (`reader.store.index.lazy_read`).
KIND_META = "index.meta"
KINDS = (KIND_DOCUMENT, KIND_SENTENCES, KIND_FACTS, KIND_OPTIONS, KIND_META)
KIND_DIRTY = "index-dirty"  # a refresh wrote and has not collected garbage yet
KIND_MIXED = "index-mixed"  # several folders, or files with the same content

CHUNK_FILES = 8  # files per worker task
INLINE_MAX_FILES = 24  # fewer files to process than this: no worker processes
COMMIT_SECONDS = 1.0  # longest time results wait in memory before they are committed
COMMIT_FILES = 400

ProgressFn = Callable[["IndexProgress"], None]


# --- data ----------------------------------------------------------------------------------


@dataclass(slots=True)
class IndexProgress:
    """How far a refresh is: files and bytes to process, done so far, elapsed seconds."""

    done: int
    total: int
    bytes_done: int
    bytes_total: int
    elapsed: float
    path: str = ""
    phase: int = 1  # 1: texts, passages, sentences, search; 2: entity candidates

    @property
    def mb_per_s(self) -> float:
        return self.bytes_done / 1e6 / self.elapsed if self.elapsed > 0 else 0.0

    @property
    def eta(self) -> float | None:
        """Seconds left, estimated from the bytes rate; None before anything is done."""
        if not self.bytes_done or self.elapsed <= 0:
            return None
        return (self.bytes_total - self.bytes_done) * self.elapsed / self.bytes_done


@dataclass(slots=True)
class IndexReport:
    """What one refresh did."""

    root: str
    files: int = 0  # files found in the folder
    unchanged: int = 0  # same path, size and mtime: not read
    reused: int = 0  # read, but the content was already indexed
    processed: int = 0  # processed now
    deleted: int = 0  # gone from the folder, dropped from the index
    errors: int = 0  # could not be read as text (listed as skipped)
    bytes_processed: int = 0
    seconds: float = 0.0
    cancelled: bool = False
    entities_processed: int = 0  # documents given their entity candidates now (phase 2)
    entities_pending: int = 0  # documents still without them (phase 2 not complete)

    def to_json(self) -> dict[str, Any]:
        return {
            "root": self.root,
            "files": self.files,
            "unchanged": self.unchanged,
            "reused": self.reused,
            "processed": self.processed,
            "deleted": self.deleted,
            "errors": self.errors,
            "bytes_processed": self.bytes_processed,
            "seconds": round(self.seconds, 3),
            "cancelled": self.cancelled,
            "entities_processed": self.entities_processed,
            "entities_pending": self.entities_pending,
        }


@dataclass(slots=True)
class _FileState:
    size: int
    mtime_ns: int
    sha256: str
    format: str
    pipeline: int
    error: str | None


@dataclass(slots=True)
class _Todo:
    rel: str
    size: int
    format: str


@dataclass(slots=True)
class _Result:
    """A processed file, ready to write (built in a worker process)."""

    rel: str
    size: int
    mtime_ns: int
    sha256: str
    format: str
    error: str | None = None
    document: bytes = b""
    sentences: bytes = b""
    facts: bytes | None = None  # phase 2, packed JSON (`reader.corpus.entity_facts`)
    language: str = ""
    # Per passage: index, start, end, words (FTS), inner suffixes (FTS), the words and their
    # spans packed (`pack_passage`: stored as it comes, so the writing process compresses
    # nothing).
    shadows: list[tuple[int, int, int, str, str, bytes]] = field(default_factory=list)
    meta: bytes = b""  # `_meta_json`


@cache
def pipeline_version() -> int:
    """Fingerprint of what derived data depends on: PIPELINE, the app version, the ICU version
    and the language and alias tables. Data of another fingerprint is processed again."""
    digest = hashlib.blake2b(f"{PIPELINE}|{__version__}|{icu.ICU_VERSION}".encode(), digest_size=7)
    for folder in ("languages", "aliases"):
        for path in sorted(resource(folder).glob("*")):
            with contextlib.suppress(OSError):
                digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return int.from_bytes(digest.digest(), "big")


@cache
def facts_version() -> int:
    """Version of stored facts and options: the pipeline and the code they are made with
    (`reader.corpus.entity_facts` and the modules of `reader` it imports, transitively: a
    change to the corpus-level decisions or to topics leaves them valid)."""
    h = hashlib.blake2b(f"{pipeline_version()}|".encode(), digest_size=7)
    for path in _modules_of(Path(__file__).resolve().parents[3], "reader.corpus.entity_facts"):
        h.update(path.read_bytes())
    return int.from_bytes(h.digest(), "big")


# An import statement at the start of a line: `from X import names` (names in parentheses may
# span lines) or `import X, Y`. Found by a regex, not by parsing each module (`ast.parse` of
# these 11 modules took 50-80 ms of every `index`, even one that found nothing to do; a test
# checks that both find the same modules).
_IMPORT = re.compile(
    r"^[ \t]*(?:from[ \t]+([\w.]+)[ \t]+import[ \t]+(\([^)]*\)|[^\n#;]*)|import[ \t]+([^\n#;]+))",
    re.M,
)

_COMMENT = re.compile(r"#[^\n]*")


def _imports(source: str) -> list[str]:
    """Modules an absolute import in `source` names, and `module.name` for each name taken
    from a module (which may be a submodule)."""
    out: list[str] = []
    for module, names, plain in _IMPORT.findall(_COMMENT.sub("", source)):
        if module:
            if module.startswith("."):
                continue  # relative: not followed
            out.append(module)
            for name in names.strip("()").split(","):
                name = name.split()[0] if name.split() else ""
                if name:
                    out.append(f"{module}.{name}")
        else:
            out += [part.split()[0] for part in plain.split(",") if part.split()]
    return out


def _modules_of(top: Path, module: str) -> list[Path]:
    """Source files of `module` and of the `reader` modules it imports, transitively."""
    seen: dict[str, Path] = {}
    todo = [module]
    while todo:
        name = todo.pop()
        base = top.joinpath(*name.split("."))
        path = base / "__init__.py" if base.is_dir() else base.with_suffix(".py")
        if name in seen or not path.is_file():
            continue
        seen[name] = path
        todo += _imports(path.read_text("utf-8"))
    return [seen[k] for k in sorted(seen) if k.startswith("reader")]


def file_format(rel: str) -> str:
    """The format the loader reads a file as, from its suffix (`text` when unknown)."""
    return format_of(rel) or "text"


def corpus_root(root: str | os.PathLike[str]) -> str:
    """The key of a corpus folder in the index: its resolved absolute path."""
    return str(Path(root).expanduser().resolve())


SMALL_BLOB = 4096  # below this a small deflate window: its set-up costs much less than zlib's
LEVEL = 6  # deflate level (level 1 stored 2,000 generated documents' texts in 25% more bytes)
# Passages' words and spans: level 1 compresses them 20% faster than 6 for 6% more bytes
# (2,000 generated documents: 5.31 instead of 5.00 MB, 0.15 s less CPU).
PASSAGE_LEVEL = 1


def pack(data: bytes, level: int = LEVEL) -> bytes:
    """A stored blob: raw deflate (reading texts shrink about 3.5x).

    Most blobs are one passage's words and spans (a few hundred bytes): for them the window
    and the memory level are small, which is where the time of compressing short data goes
    (at level 6 that is faster than level 1 with the full window, and as small).
    """
    if len(data) < SMALL_BLOB:
        packer = zlib.compressobj(level, zlib.DEFLATED, -12, 4)
    else:
        packer = zlib.compressobj(level, zlib.DEFLATED, -15, 8)
    return packer.compress(data) + packer.flush()


def unpack(blob: bytes) -> bytes:
    """The bytes of a stored blob; raises zlib.error (one of `_DAMAGED`) when it is damaged."""
    return zlib.decompress(blob, -15)


def pack_passage(tokens: list[str], spans: list[tuple[int, int]], text: str = "") -> bytes:
    """A passage's search words and their spans, stored as one blob (one deflate call).

    The words (UTF-8, single spaces), a NUL, then the spans: kind `g` when every word is as
    long as its span (the usual case: then only the gaps between words are kept) or `d` (every
    difference between successive offsets), an array type code, the first start (4 bytes,
    little-endian) and the numbers, 1 byte each when they fit. Rows of this form have an empty
    `spans` column; rows written before (session 9) keep their spans there (`_spans_flat`).
    `text`: the tokens joined by spaces, when the caller has it.
    """
    words = (text or " ".join(tokens)).encode("utf-8")
    if not spans:
        return pack(words + b"\0", PASSAGE_LEVEL)
    flat = list(chain.from_iterable(spans))
    deltas = list(map(sub, flat[1:], flat[:-1]))
    if deltas[0::2] == list(map(len, tokens)):
        kind, values = b"g", deltas[1::2]
    else:
        kind, values = b"d", deltas
    code = _array_code(values)
    head = kind + code.encode("ascii") + flat[0].to_bytes(4, "little")
    return pack(b"".join((words, b"\0", head, array(code, values).tobytes())), PASSAGE_LEVEL)


def _array_code(values: list[int]) -> str:
    if not values:
        return "B"
    low, high = min(values), max(values)
    if low < 0:
        return "i"
    return "B" if high < 256 else "H" if high < 65536 else "I"


def unpack_passage(blob: bytes, spans_blob: bytes = b"") -> tuple[str, BlobSpans]:
    """The search words and spans of a stored passage (`words` and `spans` columns); no
    words (no hits, no crash) when the blob is damaged."""
    try:
        data = unpack(blob)
        raw, _, tail = data.partition(b"\0")
        words = raw.decode("utf-8")
    except (zlib.error, UnicodeDecodeError):
        return "", BlobSpans(b"")
    if spans_blob:  # a row written before session 9
        return words, BlobSpans(spans_blob)
    return words, BlobSpans.from_flat(_passage_flat(words, tail))


def _passage_flat(words: str, tail: bytes) -> array:
    """The offsets (start, end, start, end, ...) of a passage's words from `pack_passage`'s
    tail; empty when it does not fit the words (a damaged row)."""
    n = words.count(" ") + 1 if words else 0
    if n == 0 or len(tail) < 6 or tail[:1] not in (b"g", b"d"):
        return array("i")
    code = tail[1:2].decode("ascii", "replace")
    if code not in ("B", "H", "I", "i"):
        return array("i")
    values = array(code)
    try:
        values.frombytes(tail[6:])
    except ValueError:
        return array("i")
    base = int.from_bytes(tail[2:6], "little")
    if tail[:1] == b"g":
        if len(values) != n - 1:
            return array("i")
        lengths = list(map(len, words.split(" ")))
        pairs = chain.from_iterable(zip(values, lengths[1:], strict=True))
        deltas = chain((base, lengths[0]), pairs)
    else:
        if len(values) != 2 * n - 1:
            return array("i")
        deltas = chain((base,), values)
    return array("i", accumulate(deltas))


def _spans_flat(blob: bytes) -> array:
    """The offsets of a span blob (start, end, start, end, ...); raises on a damaged blob."""
    code = blob[:1].decode("ascii")
    if code not in ("H", "I"):
        raise ValueError("unknown span blob")
    deltas = array(code)
    deltas.frombytes(unpack(blob[1:]))
    return array("i", accumulate(deltas))


def unpack_words(blob: bytes) -> str:
    """The search words of a stored passage (`words` column, either form); "" when damaged
    (no hits, no crash)."""
    try:
        return unpack(blob).partition(b"\0")[0].decode("utf-8")
    except (zlib.error, UnicodeDecodeError):
        return ""


class BlobSpans(Sequence[tuple[int, int]]):
    """The token spans of one passage, read from its blob only as far as they are used."""

    __slots__ = ("_flat",)

    def __init__(self, blob: bytes) -> None:
        try:
            self._flat = _spans_flat(blob)
        except (zlib.error, ValueError, OverflowError):
            self._flat = array("i")  # damaged: no spans (its passage shows no hits), no crash
        if len(self._flat) % 2:
            self._flat = array("i")

    @classmethod
    def from_flat(cls, flat: array) -> BlobSpans:
        spans = cls.__new__(cls)
        spans._flat = flat if len(flat) % 2 == 0 else array("i")
        return spans

    def fits(self, words: str) -> bool:
        """Whether there is one span per word of the shadow text `words` (else damaged)."""
        return len(self) == (words.count(" ") + 1 if words else 0)

    def __len__(self) -> int:
        return len(self._flat) // 2

    def __getitem__(self, k):  # type: ignore[override]
        if isinstance(k, slice):
            return [self[i] for i in range(*k.indices(len(self)))]
        if k < 0:
            k += len(self)
        return self._flat[2 * k], self._flat[2 * k + 1]


def _spans_from_blob(blob: bytes) -> list[tuple[int, int]]:
    return list(BlobSpans(blob))


# A cache row that cannot be read (damaged on disk, written by a broken version): a cache miss.
_DAMAGED = (ValueError, KeyError, TypeError, IndexError, AttributeError, zlib.error)


# --- the stored form of a document ---------------------------------------------------------


def _document_json(doc: Document) -> bytes:
    """The stored form of a document: its reading text, passages and metadata (packed JSON)."""
    data = {
        "title": doc.title,
        "language": doc.language,
        "script": doc.script,
        "encoding": doc.encoding,
        "warnings": doc.warnings,
        "links": [[link.start, link.end, link.href] for link in doc.links],
        "passages": [
            [p.start, p.end, p.kind, list(p.source_lines) if p.source_lines else None]
            + ([p.extra()] if p.extra() else [])
            for p in doc.passages
        ],
        "text": doc.text,
    }
    # orjson writes what `json.dumps(..., ensure_ascii=False, separators=(",", ":"))` wrote,
    # in a fifth of the time (0.1 ms a document).
    return pack(orjson.dumps(data))


def _meta_json(doc: Document) -> bytes:
    """What a document is without its text (JSON): title, language, script, encoding,
    reading text length in code points and number of passages."""
    data = [doc.title, doc.language, doc.script, doc.encoding, len(doc.text), len(doc.passages)]
    # Plain JSON (not packed): 100,000 of these are read at once, in one parse.
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def _document_from_json(
    rel: str, sha: str, fmt: str, data: bytes, abs_path: Path | None
) -> Document:
    """A document from its stored form (raises one of `_DAMAGED` when that is damaged)."""
    d = orjson.loads(unpack(data))
    passages = [
        Passage(i, s, e, kind, tuple(lines) if lines else None, *_passage_extra(rest))
        for i, (s, e, kind, lines, *rest) in enumerate(d["passages"])
    ]
    return Document(
        id=document_id(rel),
        path=rel,
        title=d["title"],
        language=d["language"],
        script=d["script"],
        sha256=sha,
        text=d["text"],
        passages=passages,
        format=fmt,
        encoding=d["encoding"],
        warnings=list(d["warnings"]),
        links=[Link(s, e, href) for s, e, href in d["links"]],
        abs_path=abs_path,
    )


def _passage_extra(rest: list[Any]) -> tuple[str | None, int | None, tuple[float, float] | None]:
    """`chapter`, `page` and `time` of a stored passage (absent for most formats)."""
    extra = rest[0] if rest else {}
    time = extra.get("time")
    return extra.get("chapter"), extra.get("page"), (time[0], time[1]) if time else None
