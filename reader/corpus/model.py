"""Plain data objects of the corpus core: documents, passages, blocks, skipped files."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

PASSAGE_KINDS = ("paragraph", "heading", "list_item", "quote", "code", "table", "boilerplate")


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
    """A paragraph-sized unit of reading text; `kind` is one of PASSAGE_KINDS."""

    index: int
    start: int
    end: int
    kind: str = "paragraph"
    source_lines: tuple[int, int] | None = None

    def text(self, reading_text: str) -> str:
        """The passage's text, exactly `reading_text[start:end]`."""
        return reading_text[self.start : self.end]


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
            "passages": len(self.passages),
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
    warnings: list[str] = field(default_factory=list)  # e.g. damaged index rows recomputed

    @property
    def name(self) -> str:
        return self.root.name or str(self.root)

    def by_id(self, doc_id: str) -> Document:
        for doc in self.documents:
            if doc.id == doc_id:
                return doc
        raise KeyError(doc_id)

    def by_path(self, path: str) -> Document:
        for doc in self.documents:
            if doc.path == path:
                return doc
        raise KeyError(path)
