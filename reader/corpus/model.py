"""Plain data objects of the corpus core: documents, passages, blocks, skipped files."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

PASSAGE_KINDS = (
    "paragraph",
    "heading",
    "list_item",
    "quote",
    "code",
    "table",
    "cue",
    "boilerplate",
)


@dataclass(frozen=True, slots=True)
class Span:
    """A `[start, end)` range in code points of a reading text."""

    start: int
    end: int

    def __post_init__(self) -> None:
        if not 0 <= self.start <= self.end:
            raise ValueError(f"bad span [{self.start}, {self.end})")


@dataclass(slots=True)
class Passage:
    """A paragraph-sized unit of reading text; `kind` is one of PASSAGE_KINDS.

    `chapter` is the title of the book chapter (EPUB) the passage belongs to, `page` the
    PDF page it starts on (from 1), `time` a subtitle cue's `(start, end)` in seconds.
    """

    index: int
    start: int
    end: int
    kind: str = "paragraph"
    source_lines: tuple[int, int] | None = None
    chapter: str | None = None
    page: int | None = None
    time: tuple[float, float] | None = None

    def extra(self) -> dict[str, object]:
        """`chapter`, `page` and `time` when set: the optional keys of a passage's JSON."""
        out: dict[str, object] = {}
        if self.chapter is not None:
            out["chapter"] = self.chapter
        if self.page is not None:
            out["page"] = self.page
        if self.time is not None:
            out["time"] = [self.time[0], self.time[1]]
        return out

    def text(self, reading_text: str) -> str:
        """The passage's text, exactly `reading_text[start:end]`."""
        return reading_text[self.start : self.end]


def time_overlap(a: list[Passage], b: list[Passage]) -> float:
    """How much the times of two groups of subtitle cues overlap, from 0 to 1: the shared time
    over the shorter group's span (0 when a group has no times). For aligning two subtitle
    files of one film, where a cue and its translation are on screen together."""
    spans_a = [p.time for p in a if p.time is not None]
    spans_b = [p.time for p in b if p.time is not None]
    if not spans_a or not spans_b:
        return 0.0
    start_a, end_a = min(s for s, _ in spans_a), max(e for _, e in spans_a)
    start_b, end_b = min(s for s, _ in spans_b), max(e for _, e in spans_b)
    shorter = min(end_a - start_a, end_b - start_b)
    if shorter <= 0:
        return 0.0
    return max(0.0, min(end_a, end_b) - max(start_a, start_b)) / shorter


@dataclass(frozen=True, slots=True)
class Link:
    """A hyperlink in a Markdown document's reading text (never followed automatically)."""

    start: int
    end: int
    href: str


@dataclass(slots=True)
class Document:
    """One source file turned into a reading text with passages.

    `path` is relative to the corpus root (POSIX separators) and is the document's
    identity; `sha256` of the file's bytes is its version.
    """

    id: str
    path: str
    title: str
    language: str
    script: str
    sha256: str
    text: str
    passages: list[Passage] = field(default_factory=list)
    format: str = "text"
    encoding: str = "utf-8"
    warnings: list[str] = field(default_factory=list)
    links: list[Link] = field(default_factory=list)
    abs_path: Path | None = None

    @property
    def chars(self) -> int:
        """Length of the reading text in code points."""
        return len(self.text)

    def passage_text(self, passage: Passage) -> str:
        """Text of one of this document's passages."""
        return self.text[passage.start : passage.end]

    @property
    def passage_count(self) -> int:
        """How many passages the document has."""
        return len(self.passages)

    def summary(self) -> dict[str, object]:
        """The stable JSON shape of a document (see README, `docs --json`)."""
        return {
            "id": self.id,
            "path": self.path,
            "title": self.title,
            "language": self.language,
            "script": self.script,
            "sha256": self.sha256,
            "chars": self.chars,
            "passages": self.passage_count,
        }


@dataclass(slots=True)
class Skipped:
    """A file that was not loaded, and why."""

    path: str
    reason: str

    def to_json(self) -> dict[str, str]:
        return {"path": self.path, "reason": self.reason}


@dataclass(slots=True)
class Corpus:
    """A folder of documents, in path order, plus the files that were skipped."""

    root: Path
    documents: list[Document] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    _ids: dict[str, Document] = field(default_factory=dict, repr=False, compare=False)
    _paths: dict[str, Document] = field(default_factory=dict, repr=False, compare=False)
    warnings: list[str] = field(default_factory=list)  # e.g. damaged index rows recomputed

    @property
    def name(self) -> str:
        return self.root.name or str(self.root)

    def _lookups(self) -> None:
        if len(self._ids) != len(self.documents) or len(self._paths) != len(self.documents):
            self._ids = {d.id: d for d in self.documents}
            self._paths = {d.path: d for d in self.documents}

    def make_lookups(self, ids: Sequence[str], paths: Sequence[str]) -> None:
        """The lookups by id and path from the documents' ids and paths in their order (a
        caller holding them as columns: no pass over 100,000 documents at the first `by_id`)."""
        self._ids = dict(zip(ids, self.documents, strict=True))
        self._paths = dict(zip(paths, self.documents, strict=True))

    def by_id(self, doc_id: str) -> Document:
        """The document with this id (KeyError when there is none)."""
        self._lookups()
        doc = self._ids.get(doc_id)
        if doc is None or doc.id != doc_id:
            self._ids = {}
            self._lookups()
            doc = self._ids[doc_id]
        return doc

    def by_path(self, path: str) -> Document:
        """The document at this corpus-relative path (KeyError when there is none)."""
        self._lookups()
        doc = self._paths.get(path)
        if doc is None or doc.path != path:
            self._paths = {}
            self._lookups()
            doc = self._paths[path]
        return doc
