"""What the index stores and reports: kinds, versions, progress, results of one file."""

from __future__ import annotations

import contextlib
import hashlib
import os
from array import array
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import icu

from reader import __version__
from reader.corpus.formats import format_of
from reader.paths import resource

PIPELINE = 3

KIND_DOCUMENT = "index.document"
KIND_SENTENCES = "index.sentences"
KIND_CANDIDATES = "index.candidates"
KINDS = (KIND_DOCUMENT, KIND_SENTENCES, KIND_CANDIDATES)
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
    candidates: bytes | None = None
    language: str = ""
    shadows: list[tuple[int, int, int, str, str, bytes]] = field(default_factory=list)


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


def file_format(rel: str) -> str:
    """The format the loader reads a file as, from its suffix (`text` when unknown)."""
    return format_of(rel) or "text"


def corpus_root(root: str | os.PathLike[str]) -> str:
    """The key of a corpus folder in the index: its resolved absolute path."""
    return str(Path(root).expanduser().resolve())


def _spans_blob(spans: list[tuple[int, int]]) -> bytes:
    flat = array("i", [x for span in spans for x in span])
    return flat.tobytes()


class BlobSpans(Sequence[tuple[int, int]]):
    """The token spans of one passage, read from its blob only as far as they are used."""

    __slots__ = ("_flat",)

    def __init__(self, blob: bytes) -> None:
        self._flat = array("i")
        if len(blob) % 8 == 0:  # else damaged: no spans (its passage shows no hits), no crash
            self._flat.frombytes(blob)

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
_DAMAGED = (ValueError, KeyError, TypeError, IndexError, AttributeError)
