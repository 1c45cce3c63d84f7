"""The reading state of a window and the signals that say what changed.

The session holds what the reader is looking at: the analysis (corpus, topics, entities), the
open topic or document, the visual selection, the search hits, the entity cursor and the
annotations of the corpus. Views listen to its signals and never reach into each other; the
columns (`ColumnsArea`) own the per-column cursor and announce it through `cursor_moved`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Signal

if TYPE_CHECKING:
    from reader.corpus.entities import Entity
    from reader.corpus.model import Document
    from reader.corpus.pipeline import Analysis
    from reader.corpus.topics import Topic


@dataclass(frozen=True, slots=True)
class SearchHit:
    """A match of a search: document id and `[start, end)` in code points."""

    doc: str
    start: int
    end: int


class ReadingSession(QObject):
    """What the reader is looking at; emits what changed."""

    analysis_changed = Signal()  # a new analysis (corpus loaded, links or topics changed)
    topic_changed = Signal()  # another topic or document opened
    cursor_moved = Signal(str, int)  # document id, passage index of the focused column
    selection_changed = Signal()
    hits_changed = Signal()
    entity_focus_changed = Signal()
    annotations_changed = Signal()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.analysis: Analysis | None = None
        self.topic_index: int | None = None
        self.single_doc: str | None = None  # a document read alone
        self.return_topic: int | None = None  # where `back` goes from a document read alone
        self.selection: tuple[str, int, int] | None = None  # doc id, anchor, head
        self.hits: list[SearchHit] = []
        self.hit_index = -1
        self.hit_pages: Any = None  # more hits of an index search, fetched as `n` reaches them
        self.search_scope = "topic"
        self.focus_entity: str | None = None
        self.entity_cursor: tuple[str, int] | None = None  # doc id, start of the occurrence
        self.link_source: tuple[str, str] | None = None  # key, label
        self.annotations: list[Any] = []

    # ----- analysis and topic -------------------------------------------------------------

    def set_analysis(self, analysis: Analysis) -> None:
        self.analysis = analysis
        if self.focus_entity and self.focus_entity not in analysis.entities:
            self.focus_entity = None
            self.entity_cursor = None
        self.analysis_changed.emit()

    @property
    def topic(self) -> Topic | None:
        if self.analysis is None or self.topic_index is None:
            return None
        if not 0 <= self.topic_index < len(self.analysis.topics):
            return None
        return self.analysis.topics[self.topic_index]

    def topic_key(self) -> str:
        """What layout and positions are remembered under: the topic id or `doc:<id>`."""
        if self.single_doc:
            return f"doc:{self.single_doc}"
        return self.topic.id if self.topic else ""

    def document(self, doc_id: str) -> Document | None:
        if self.analysis is None:
            return None
        try:
            return self.analysis.corpus.by_id(doc_id)
        except KeyError:
            return None

    def document_by_path(self, path: str) -> Document | None:
        if self.analysis is None:
            return None
        try:
            return self.analysis.corpus.by_path(path)
        except KeyError:
            return None

    def entity(self, entity_id: str | None) -> Entity | None:
        if self.analysis is None or entity_id is None:
            return None
        return self.analysis.entities.get(entity_id)

    # ----- selection, hits, entity cursor --------------------------------------------------

    def set_selection(self, selection: tuple[str, int, int] | None) -> None:
        if selection != self.selection:
            self.selection = selection
            self.selection_changed.emit()

    def selected_text(self) -> str:
        if self.selection is None:
            return ""
        doc_id, a, b = self.selection
        doc = self.document(doc_id)
        return doc.text[min(a, b) : max(a, b)] if doc else ""

    def set_hits(self, hits: list[SearchHit], index: int = -1, pages: Any = None) -> None:
        """The hits to step through; `pages` (`HitPages`) fetches more when they run out."""
        self.hits = hits
        self.hit_index = index
        self.hit_pages = pages
        self.hits_changed.emit()

    def set_entity_focus(self, entity_id: str | None, cursor: tuple[str, int] | None) -> None:
        self.focus_entity = entity_id
        self.entity_cursor = cursor
        self.entity_focus_changed.emit()

    def set_annotations(self, annotations: list[Any]) -> None:
        self.annotations = annotations
        self.annotations_changed.emit()
