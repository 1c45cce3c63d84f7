"""Documents whose text is read when first used: a corpus of 100,000 documents opens from the
index with titles, languages and sizes only, and a column reads its document's text when it
shows it.

A `LazyDocument` is a `Document` in every way (same fields, same answers); only `text`,
`passages`, `links` and `warnings` come from its source on first use. `chars` and the number
of passages are known without reading. Pickled, it stays lazy (a worker process or the app
reads the text itself, from the same source).
"""

from __future__ import annotations

from pathlib import Path, PurePosixPath
from typing import Any, Protocol

from reader.corpus.chunked_texts import TextColumn
from reader.corpus.model import Document, Link, Passage

_LAZY = ("text", "passages", "links", "warnings")
_SLOTS = {name: Document.__dict__[name] for name in _LAZY}
_ABS_PATH = Document.__dict__["abs_path"]
_TITLE = Document.__dict__["title"]


class DocumentSource(Protocol):
    """Where a lazy document's contents are (picklable): `load()` returns the full document
    (raising OSError or ValueError when it cannot)."""

    def load(self) -> Document: ...


class DocumentSources:
    """The sources of many documents (a folder's listing in the index), each made when a
    document first asks for its own (`source_of`)."""

    __slots__ = ()

    def source_of(self, doc: LazyDocument) -> DocumentSource:
        raise NotImplementedError


class LazyDocument(Document):
    """A document read from its source on first use of `text`, `passages`, `links` or
    `warnings` (see the module docstring)."""

    __slots__ = ("_chars", "_loaded", "_passage_count", "_src", "_titles")

    def __init__(
        self,
        *,
        id: str,
        path: str,
        title: str,
        language: str,
        script: str,
        sha256: str,
        format: str = "text",
        encoding: str = "utf-8",
        abs_path: Path | None = None,
        chars: int = 0,
        passage_count: int = 0,
        source: DocumentSource | None = None,
        text: str | None = None,
        passages: list[Passage] | None = None,
        links: list[Link] | None = None,
        warnings: list[str] | None = None,
    ) -> None:
        """Lazy with a `source`; with `text` (as `dataclasses.replace` passes every field)
        already read."""
        self.id, self.path, self.title = id, path, title
        self.language, self.script, self.sha256 = language, script, sha256
        self.format, self.encoding, self.abs_path = format, encoding, abs_path
        self._source, self._chars, self._passage_count = source, chars, passage_count
        self._loaded = text is not None or source is None
        if self._loaded:
            for name, value in zip(_LAZY, (text or "", passages, links, warnings), strict=True):
                _SLOTS[name].__set__(self, value if value is not None else [])
            self._chars, self._passage_count = len(self.text), len(self.passages)

    @property
    def _source(self) -> DocumentSource | None:
        """Where its contents are: given, or made by the listing's `DocumentSources` when
        first asked for (100,000 documents open without a source object each)."""
        src = self._src
        return src.source_of(self) if isinstance(src, DocumentSources) else src

    @_source.setter
    def _source(self, value: DocumentSource | None) -> None:
        self._src = value

    # ------------------------------------------------------------------ lazily read fields

    def _load(self) -> None:
        try:
            full = self._source.load()
            text, passages = full.text, full.passages
            links, warnings = full.links, full.warnings
        except (OSError, ValueError, KeyError) as exc:
            text, passages, links = "", [], []
            warnings = [f"could not read {self.path}: {exc}"]
        for name, value in zip(_LAZY, (text, passages, links, warnings), strict=True):
            _SLOTS[name].__set__(self, value)
        self._loaded = True

    def _get(self, name: str) -> Any:
        if not self._loaded:
            self._load()
        return _SLOTS[name].__get__(self, LazyDocument)

    def _set(self, name: str, value: Any) -> None:
        if not self._loaded:  # a field set before reading: read the others first
            self._load()
        _SLOTS[name].__set__(self, value)
        self._source = None  # changed here: pickled with its contents

    text = property(lambda self: self._get("text"), lambda self, v: self._set("text", v))
    passages = property(
        lambda self: self._get("passages"), lambda self, v: self._set("passages", v)
    )
    links = property(lambda self: self._get("links"), lambda self, v: self._set("links", v))
    warnings = property(
        lambda self: self._get("warnings"), lambda self, v: self._set("warnings", v)
    )

    @property  # type: ignore[override]
    def title(self) -> str:
        """Given, or read from the listing's titles when first asked for."""
        try:
            return _TITLE.__get__(self, LazyDocument)
        except AttributeError:
            column, at = self._titles
            found = column.of(at)
            if found is None:  # the listing's titles gone or damaged: the file's name
                found = PurePosixPath(self.path).stem
            _TITLE.__set__(self, found)
            return found

    @title.setter
    def title(self, value: str) -> None:
        _TITLE.__set__(self, value)

    @property  # type: ignore[override]
    def abs_path(self) -> Path | None:
        """Where the file is: given, or made from the source's folder when first asked for."""
        found = _ABS_PATH.__get__(self, LazyDocument)
        if found is None:
            root = getattr(self._source, "root", None)
            if root is not None:
                found = Path(root) / self.path
                _ABS_PATH.__set__(self, found)
        return found

    @abs_path.setter
    def abs_path(self, value: Path | None) -> None:
        _ABS_PATH.__set__(self, value)

    def unload(self) -> None:
        """Forget the text read (it is read again when next used): a pass over a whole corpus
        keeps one document's text at a time."""
        if self._loaded and self._source is not None:
            for name in _LAZY:
                _SLOTS[name].__delete__(self)
            self._loaded = False

    @property
    def loaded(self) -> bool:
        """True once the text has been read."""
        return self._loaded

    @property
    def chars(self) -> int:
        return len(self.text) if self._loaded else self._chars

    @property
    def passage_count(self) -> int:
        return len(self.passages) if self._loaded else self._passage_count

    # ------------------------------------------------------------------ pickling

    def __reduce__(self) -> tuple:
        """Pickled without its text when it has a source (the receiver reads it there)."""
        if self._source is None:
            loaded = (self.text, self.passages, self.links, self.warnings)
        else:
            loaded = None
        meta = (
            self.id,
            self.path,
            self.title,
            self.language,
            self.script,
            self.sha256,
            self._chars,
            self._passage_count,
            self._source,
            self.format,
            self.encoding,
            _ABS_PATH.__get__(self, LazyDocument),  # None: made again where it lands
        )
        return (_restore, (meta, loaded))

    def __getstate__(self) -> Any:  # never used: __reduce__ says everything
        return None

    def __repr__(self) -> str:
        return f"LazyDocument(id={self.id!r}, path={self.path!r}, loaded={self._loaded})"


_NEW = object.__new__
_SET_ABS_PATH = _ABS_PATH.__set__


def stored_document(
    id: str,
    path: str,
    title: tuple[TextColumn, int],
    language: str,
    script: str,
    sha256: str,
    format: str,
    encoding: str,
    chars: int,
    passage_count: int,
    source: DocumentSource | DocumentSources,
) -> LazyDocument:
    """A lazy document with its source and its title's place in a listing's titles, made
    without `__init__`'s keywords (an index opens 100,000 of them; this takes a third of the
    time)."""
    doc = _NEW(LazyDocument)
    doc.id, doc.path, doc._titles = id, path, title
    doc.language, doc.script, doc.sha256 = language, script, sha256
    doc.format, doc.encoding = format, encoding
    doc._src, doc._chars, doc._passage_count, doc._loaded = source, chars, passage_count, False
    _SET_ABS_PATH(doc, None)
    return doc


def _restore(meta: tuple, loaded: tuple | None) -> LazyDocument:
    (id_, path, title, language, script, sha, chars, count, source, fmt, enc, abs_path) = meta
    text, passages, links, warnings = loaded if loaded is not None else (None,) * 4
    return LazyDocument(
        id=id_,
        path=path,
        title=title,
        language=language,
        script=script,
        sha256=sha,
        chars=chars,
        passage_count=count,
        source=source,
        format=fmt,
        encoding=enc,
        abs_path=abs_path,
        text=text,
        passages=passages,
        links=links,
        warnings=warnings,
    )
