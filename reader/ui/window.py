"""The reading window: a topic's documents side by side, aligned, with entities and notes.

Every action is a command in one registry (keys, palette and buttons all run commands); the
window asks the core (`reader.ui.analysis`, the store) for everything it shows. Errors from a
command show in the status bar, never as a traceback.
"""

from __future__ import annotations

import base64
import contextlib
import logging
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6 import QtCore  # QtCore.Qt is built on first use, after the first paint
from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import (
    QApplication,
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QVBoxLayout,
    QWidget,
)

from reader.ui.commands import CommandError, CommandRegistry
from reader.ui.modes import Mode, ModeManager
from reader.ui.state import ReaderState, load_state, save_state
from reader.ui.theme import (
    DEFAULT_NOTE_COLOUR,
    THEME_CHOICES,
    apply_theme,
    resolve_theme,
    system_prefers_dark,
)

if TYPE_CHECKING:  # imported where used: the window paints before these are loaded
    from PySide6.QtGui import QCloseEvent, QFont
    from PySide6.QtWidgets import QDockWidget

    from reader.corpus.model import Document
    from reader.ui.analysis import Analysis, EntityInfo, TopicInfo
    from reader.ui.columns import DocumentColumn
    from reader.ui.document_view import DocumentView
    from reader.ui.search_bar import SearchHit
    from reader.ui.selection import Units

log = logging.getLogger(__name__)

ZOOM_STEP = 1.0
ZOOM_LIMITS = (-6.0, 24.0)
SAVE_DELAY_MS = 800


class MainWindow(QMainWindow):
    """The reading window of one corpus (or none yet, while it loads)."""

    analysis_changed = Signal()

    def __init__(
        self,
        analysis: Analysis | None = None,
        *,
        store: Any = None,
        state_path: Path | None = None,
        keymap_path: Path | None = None,
        restore: bool = True,
        defer: bool = False,
    ) -> None:
        """With `defer`, only a light frame is built (so it paints at once): call
        `finish_build()` soon after showing it, before anything else."""
        super().__init__()
        self.setWindowTitle("Corpus Reader")
        self.store = store
        self.state_path = state_path
        self.state = load_state(state_path) if restore else ReaderState()
        # "system" starts with the scheme seen last time; finish_build asks the desktop.
        self.theme = resolve_theme(self.state.theme, self.state.system_dark if defer else None)
        self.zoom = self.state.zoom
        self.sync = self.state.sync
        self.analysis: Analysis | None = None
        self.topic_index: int | None = None
        self.single_doc: str | None = None
        self.columns: list[DocumentColumn] = []
        self.hidden: set[str] = set()
        self.focus = 0
        self.selection: tuple[str, int, int] | None = None  # doc id, anchor, head
        self.hits: list[SearchHit] = []
        self.hit_index = -1
        self.focus_entity: str | None = None
        self.entity_cursor: tuple[str, int] | None = None
        self.link_source: tuple[str, str] | None = None  # (key, label)
        self.annotations: list[Any] = []
        self._units: dict[str, Units] = {}
        self._syncing = False
        self.loader: Any = None
        self.indexer: Any = None  # the background index refresh, while it runs
        self.index_fresh = False  # the store's index matches the files of this corpus
        self.concordance: Any = None  # the concordance view, made on first use
        self.concordance_dock: QDockWidget | None = None
        self._pending = (analysis, keymap_path, restore)
        if defer:
            self._build_frame(restore)
        else:
            self.finish_build()

    def _build_frame(self, restore: bool) -> None:
        """What shows before `finish_build`: the window at its remembered size, “Loading…”."""
        frame = QWidget()  # “Loading…” in the middle, placed by stretches (no Qt namespace yet)
        rows, row = QVBoxLayout(frame), QHBoxLayout()
        row.addStretch()
        row.addWidget(QLabel("Loading…"))
        row.addStretch()
        rows.addStretch()
        rows.addLayout(row)
        rows.addStretch()
        self.setCentralWidget(frame)
        if restore and self.state.geometry:
            from PySide6.QtCore import QByteArray

            with contextlib.suppress(ValueError):
                self.restoreGeometry(QByteArray(base64.b64decode(self.state.geometry)))

    def finish_build(self) -> None:
        """Commands, keys, panels and docks (once; `MainWindow(defer=True)` leaves this)."""
        if self._pending is None:
            return
        from PySide6.QtGui import QUndoStack

        analysis, keymap_path, restore = self._pending
        self._pending = None
        self.statusBar().clearMessage()
        self.undo_stack = QUndoStack(self)
        self.registry = CommandRegistry(self)
        self.modes = ModeManager(self)
        self.registry.error.connect(self.show_error)
        self.keymap = self._load_keymap(keymap_path)
        self._register_commands()
        self._build_ui()
        self.dispatcher = self._install_keys()
        self.modes.entered.connect(self._mode_entered)
        self._save_timer = QTimer(self)
        self._save_timer.setSingleShot(True)
        self._save_timer.setInterval(SAVE_DELAY_MS)
        self._save_timer.timeout.connect(self.save_state)
        if self.store is not None:
            self.attach_store(self.store)
        if restore:
            self._restore_window()
        if analysis is not None:
            self.set_analysis(analysis)
        self._follow_desktop_scheme()

    def _follow_desktop_scheme(self) -> None:
        """With the "system" theme: take the desktop's scheme now (the first frame used the one
        seen last time) and whenever the desktop switches."""
        from PySide6.QtGui import QGuiApplication

        if self.state.theme == "system" and system_prefers_dark() != self.theme.dark:
            self.apply_theme_choice("system")
        if isinstance(QGuiApplication.instance(), QGuiApplication):
            hints = QGuiApplication.styleHints()
            hints.colorSchemeChanged.connect(self._desktop_scheme_changed)

    def _desktop_scheme_changed(self, *_: object) -> None:
        if self.state.theme == "system" and system_prefers_dark() != self.theme.dark:
            self.apply_theme_choice("system")

    # ----- construction -------------------------------------------------------------------

    def attach_store(self, store: Any) -> None:
        """Use `store` for notes, links, topic edits and the corpus index (the app opens it
        after the first paint)."""
        self.store = store
        if hasattr(store, "subscribe"):
            store.subscribe(self._store_changed)
        if self.analysis is not None:
            self.reload_annotations()

    def _load_keymap(self, path: Path | None) -> dict[str, dict[str, str]]:
        try:
            from reader.ui.keymap import load_keymap

            return load_keymap(path) if path is not None else load_keymap()
        except Exception as exc:
            log.warning("keymap not loaded: %s", exc)
            return {}

    def _install_keys(self) -> Any:
        """Key dispatcher, palette and key help from the keyboard modules (if present)."""
        self.palette_widget = None
        self.help_widget = None
        try:
            from reader.ui.keys import install_keyboard

            keyboard = install_keyboard(self, self.registry, self.modes, self.keymap or None)
        except Exception as exc:  # the window still opens without its keyboard layer
            log.warning("keyboard unavailable: %s", exc)
            return None
        self.palette_widget = keyboard.palette
        self.help_widget = keyboard.help
        self.keymap = keyboard.keymap
        keyboard.dispatcher.pending_changed.connect(self._pending_changed)
        for problem in keyboard.errors[:1]:
            QTimer.singleShot(0, lambda p=problem: self.show_error(f"Keymap: {p}"))
        return keyboard.dispatcher

    def _build_ui(self) -> None:
        from PySide6.QtWidgets import QProgressBar, QPushButton, QSplitter

        from reader.ui.annotations_panel import AnnotationsPanel
        from reader.ui.chooser import Chooser
        from reader.ui.entities_panel import EntitiesPanel
        from reader.ui.note_editor import NoteEditor
        from reader.ui.search_bar import SearchBar
        from reader.ui.topics_panel import TopicsPanel

        self.splitter = QSplitter(QtCore.Qt.Orientation.Horizontal)
        self.splitter.setChildrenCollapsible(False)
        self.splitter.setHandleWidth(6)
        self.splitter.splitterMoved.connect(lambda *_: self._schedule_save())
        self.search_bar = SearchBar()
        self.search_bar.hide()
        self.search_bar.submitted.connect(self._search_submitted)
        self.search_bar.closed.connect(self.close_search)
        self.empty = QLabel("Loading…")
        self.empty.setAlignment(QtCore.Qt.AlignmentFlag.AlignCenter)
        central = QWidget()
        central.setObjectName("central")
        central.setFocusPolicy(QtCore.Qt.FocusPolicy.StrongFocus)
        layout = QVBoxLayout(central)
        layout.setContentsMargins(4, 4, 4, 0)
        layout.setSpacing(2)
        layout.addWidget(self.empty, 1)
        layout.addWidget(self.splitter, 1)
        layout.addWidget(self.search_bar)
        self.central = central
        self.setCentralWidget(central)
        self.chooser = Chooser(central)

        self.topics_panel = TopicsPanel()
        self.topics_panel.topic_chosen.connect(lambda i: self.open_topic(i))
        self.topics_panel.document_chosen.connect(self.open_document)
        self.topics_panel.leave.connect(self.focus_columns)
        self.entities_panel = EntitiesPanel()
        self.entities_panel.entity_chosen.connect(self.cycle_entity)
        self.entities_panel.leave.connect(self.focus_columns)
        self.annotations_panel = AnnotationsPanel()
        self.annotations_panel.annotation_chosen.connect(self.goto_annotation)
        self.annotations_panel.edit_requested.connect(self.edit_annotation)
        self.annotations_panel.delete_requested.connect(self.delete_annotation)
        self.annotations_panel.reattach_requested.connect(self.reattach_annotation)
        self.annotations_panel.export_requested.connect(lambda: self.registry.run("export"))
        self.annotations_panel.import_requested.connect(lambda: self.registry.run("import"))
        self.annotations_panel.leave.connect(self.focus_columns)
        self.note_editor = NoteEditor()
        self.note_editor.save_requested.connect(lambda: self.registry.run("note-save"))
        self.note_editor.cancel_requested.connect(lambda: self.registry.run("escape"))
        self.note_editor.link_clicked.connect(self.confirm_open_link)

        self.topics_dock = self._dock(
            "Topics", self.topics_panel, QtCore.Qt.DockWidgetArea.LeftDockWidgetArea
        )
        self.entities_dock = self._dock(
            "Entities", self.entities_panel, QtCore.Qt.DockWidgetArea.LeftDockWidgetArea
        )
        self.annotations_dock = self._dock(
            "Annotations", self.annotations_panel, QtCore.Qt.DockWidgetArea.LeftDockWidgetArea
        )
        self.tabifyDockWidget(self.entities_dock, self.annotations_dock)
        self.entities_dock.raise_()
        self.note_dock = self._dock(
            "Note", self.note_editor, QtCore.Qt.DockWidgetArea.RightDockWidgetArea
        )
        self.note_dock.hide()
        self.resizeDocks([self.topics_dock], [300], QtCore.Qt.Orientation.Horizontal)
        self.resizeDocks([self.note_dock], [380], QtCore.Qt.Orientation.Horizontal)

        bar = self.statusBar()
        self.mode_label = QLabel(" NORMAL ")
        self.mode_label.setObjectName("modeLabel")
        self.topic_label = QLabel("")
        self.doc_label = QLabel("")
        self.passage_label = QLabel("")
        self.pending_label = QLabel("")
        self.pending_label.setObjectName("pendingLabel")
        self.message_label = QLabel("")
        self.message_label.setObjectName("messageLabel")
        self.message_label.setTextInteractionFlags(
            QtCore.Qt.TextInteractionFlag.TextSelectableByMouse
        )
        self.progress = QProgressBar()
        self.progress.setMaximumWidth(200)
        self.progress.hide()
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.hide()
        self.cancel_button.clicked.connect(self.cancel_loading)
        bar.addWidget(self.mode_label)
        bar.addWidget(self.topic_label)
        bar.addWidget(self.doc_label)
        bar.addWidget(self.passage_label)
        bar.addWidget(self.message_label, 1)
        bar.addPermanentWidget(self.progress)
        bar.addPermanentWidget(self.cancel_button)
        bar.addPermanentWidget(self.pending_label)
        self._message_timer = QTimer(self)
        self._message_timer.setSingleShot(True)
        self._message_timer.timeout.connect(lambda: self.message_label.setText(""))

    def _dock(self, title: str, widget: QWidget, area: QtCore.Qt.DockWidgetArea) -> QDockWidget:
        from PySide6.QtWidgets import QDockWidget

        dock = QDockWidget(title, self)
        dock.setObjectName(f"{title.lower()}Dock")
        dock.setWidget(widget)
        dock.setFeatures(
            QDockWidget.DockWidgetFeature.DockWidgetClosable
            | QDockWidget.DockWidgetFeature.DockWidgetMovable
        )
        self.addDockWidget(area, dock)
        return dock

    # ----- commands -----------------------------------------------------------------------

    def _register_commands(self) -> None:
        r = self.registry
        normal = ("normal",)
        nv = ("normal", "visual")
        table: list[tuple[str, Callable[..., object], tuple[str, ...]]] = [
            ("passage-next", self.cmd_passage_next, nv),
            ("passage-prev", self.cmd_passage_prev, nv),
            ("column-next", self.cmd_column_next, normal),
            ("column-prev", self.cmd_column_prev, normal),
            ("passage-first", self.cmd_passage_first, nv),
            ("passage-last", self.cmd_passage_last, nv),
            ("half-page-down", self.cmd_half_page_down, nv),
            ("half-page-up", self.cmd_half_page_up, nv),
            ("topic-next", self.cmd_topic_next, normal),
            ("topic-prev", self.cmd_topic_prev, normal),
            ("entity-next", self.cmd_entity_next, normal),
            ("entity-prev", self.cmd_entity_prev, normal),
            ("visual", self.cmd_visual, normal),
            ("select-word-next", self.cmd_select_word_next, ("visual",)),
            ("select-word-prev", self.cmd_select_word_prev, ("visual",)),
            ("select-sentence-next", self.cmd_select_sentence_next, ("visual",)),
            ("select-sentence-prev", self.cmd_select_sentence_prev, ("visual",)),
            ("select-passage-next", self.cmd_select_passage_next, ("visual",)),
            ("select-passage-prev", self.cmd_select_passage_prev, ("visual",)),
            ("copy", self.cmd_copy, ("visual",)),
            ("annotate", self.cmd_annotate, nv),
            ("note-save", self.cmd_note_save, ("insert",)),
            ("escape", self.cmd_escape, ("normal", "visual", "insert", "command")),
            ("search", self.cmd_search, normal),
            ("search-everywhere", self.cmd_search_everywhere, normal),
            ("search-next", self.cmd_search_next, normal),
            ("search-prev", self.cmd_search_prev, normal),
            ("quit", self.cmd_quit, normal),
            ("toggle-sync", self.cmd_toggle_sync, normal),
            ("column-hide", self.cmd_column_hide, normal),
            ("columns-show-all", self.cmd_columns_show_all, normal),
            ("column-move-left", self.cmd_column_move_left, normal),
            ("column-move-right", self.cmd_column_move_right, normal),
            ("column-wider", self.cmd_column_wider, normal),
            ("column-narrower", self.cmd_column_narrower, normal),
            ("open-document", self.cmd_open_document, normal),
            ("open-topic", self.cmd_open_topic, normal),
            ("focus-topics", self.cmd_focus_topics, normal),
            ("focus-entities", self.cmd_focus_entities, normal),
            ("focus-annotations", self.cmd_focus_annotations, normal),
            ("undo", self.cmd_undo, normal),
            ("redo", self.cmd_redo, normal),
            ("zoom-in", self.cmd_zoom_in, normal),
            ("zoom-out", self.cmd_zoom_out, normal),
            ("zoom-reset", self.cmd_zoom_reset, normal),
            ("theme-toggle", self.cmd_theme_toggle, normal),
            ("theme", self.cmd_theme, normal),
            ("annotation-next", self.cmd_annotation_next, normal),
            ("annotation-prev", self.cmd_annotation_prev, normal),
            ("edit-annotation", self.cmd_edit_annotation, normal),
            ("delete-annotation", self.cmd_delete_annotation, normal),
            ("reattach-annotation", self.cmd_reattach_annotation, nv),
            ("link-entity", self.cmd_link_entity, nv),
            ("unlink-entity", self.cmd_unlink_entity, normal),
            ("export", self.cmd_export, normal),
            ("import", self.cmd_import, normal),
            ("open-corpus", self.cmd_open_corpus, normal),
            ("cancel-loading", self.cmd_cancel_loading, normal),
            ("open-link", self.cmd_open_link, normal),
            ("topic-rename", self.cmd_topic_rename, normal),
            ("topic-merge", self.cmd_topic_merge, normal),
            ("document-move", self.cmd_document_move, normal),
            ("concordance", self.cmd_concordance, normal),
        ]
        for name, func, modes in table:
            r.register(name, func, modes=modes)

    # ----- analysis and topics ------------------------------------------------------------

    def set_analysis(self, analysis: Analysis) -> None:
        """Show a loaded corpus: its topics, then the remembered (or first) topic."""
        self.analysis = analysis
        self._units.clear()
        corpus = analysis.corpus
        self.setWindowTitle(f"{corpus.name} — Corpus Reader")
        same_corpus = self.state.corpus == str(corpus.root)
        if not same_corpus:
            self.state = ReaderState(
                corpus=str(corpus.root),
                theme=self.state.theme,
                zoom=self.state.zoom,
                sync=self.state.sync,
                geometry=self.state.geometry,
                window_state=self.state.window_state,
            )
        docs = {d.id: d for d in corpus.documents}
        self.topics_panel.set_topics(analysis.topics, docs)
        self._reanchor_annotations()
        self.reload_annotations()
        problems = [f"{s.path}: {s.reason}" for s in corpus.skipped]
        if problems:
            self.show_message(f"{len(problems)} file(s) skipped — first: {problems[0]}", 10000)
        if not corpus.documents:
            self._show_columns([])
            self.empty.setText(f"No readable documents in {corpus.root}")
            return
        topic_ids = [t.id for t in analysis.topics]
        focus_doc = self.state.document
        if (
            self.state.topic
            and self.state.topic.startswith("doc:")
            and self.state.topic[4:] in docs
        ):
            self.open_document(self.state.topic[4:])
        elif self.state.topic in topic_ids:
            self.open_topic(topic_ids.index(self.state.topic))
        else:
            self.open_topic(0)
        ids = [c.doc.id for c in self.columns]
        if focus_doc in ids:
            self._set_focus(ids.index(focus_doc))
        self.analysis_changed.emit()

    @property
    def topic(self) -> TopicInfo | None:
        if self.analysis is None or self.topic_index is None:
            return None
        return self.analysis.topics[self.topic_index]

    def topic_key(self) -> str:
        if self.single_doc:
            return f"doc:{self.single_doc}"
        return self.topic.id if self.topic else ""

    def open_topic(self, index: int) -> None:
        """Show topic `index`'s documents side by side."""
        if self.analysis is None or not self.analysis.topics:
            raise CommandError("No topics")
        index = max(0, min(index, len(self.analysis.topics) - 1))
        self.topic_index = index
        self.single_doc = None
        topic = self.analysis.topics[index]
        docs = self.analysis.documents_of(topic)
        order = self.state.order.get(topic.id)
        if order:
            rank = {d: n for n, d in enumerate(order)}
            docs.sort(key=lambda d: rank.get(d.id, len(rank)))
        self.hidden = set(self.state.hidden.get(topic.id, [])) & {d.id for d in docs}
        self._show_columns(docs)
        self.topics_panel.select_topic(index)
        self.state.topic = topic.id
        self._after_layout_change()

    def open_document(self, doc_id: str) -> None:
        """Read one document alone."""
        if self.analysis is None:
            return
        try:
            doc = self.analysis.corpus.by_id(doc_id)
        except KeyError:
            raise CommandError(f"No document {doc_id}") from None
        self.single_doc = doc.id
        topic = self.analysis.topic_of(doc.id)
        self.topic_index = self.analysis.topics.index(topic) if topic else None
        self.hidden = set()
        self._show_columns([doc])
        self.state.topic = f"doc:{doc.id}"
        self._after_layout_change()

    def _show_columns(self, docs: list[Document]) -> None:
        for column in self.columns:
            column.setParent(None)
            column.deleteLater()
        self.columns = []
        self.selection = None
        self.hits = [h for h in self.hits if self.state.search_scope == "all"]
        for doc in docs:
            from reader.ui.columns import DocumentColumn
            from reader.ui.document_view import DocumentView

            view = DocumentView(doc, self.theme, self.zoom)
            column = DocumentColumn(doc, view)
            view.passage_clicked.connect(lambda i, c=column: self._clicked(c, i))
            view.hovered.connect(lambda offset, pos, c=column: self._hovered(c, offset, pos))
            view.link_activated.connect(self.confirm_open_link)
            view.user_scrolled.connect(lambda c=column: self._user_scrolled(c))
            column.hide_requested.connect(lambda c=column: self._hide_column(c))
            column.move_requested.connect(lambda step, c=column: self._move_column(c, step))
            column.focus_requested.connect(lambda c=column: self._set_focus(self.columns.index(c)))
            self.columns.append(column)
            self.splitter.addWidget(column)
            column.setVisible(doc.id not in self.hidden)
        self.empty.setVisible(not docs)
        self.splitter.setVisible(bool(docs))
        sizes = self.state.sizes.get(self.topic_key())
        if sizes and len(sizes) == len(docs):
            self.splitter.setSizes(sizes)
        else:
            self.splitter.setSizes([1000] * len(docs))
        self.focus = 0
        visible = self.visible_columns()
        remembered = [c for c in visible if c.doc.id == self.state.document]
        if remembered or visible:
            self.focus = self.columns.index((remembered or visible)[0])
        for column in self.columns:
            start = self.state.positions.get(column.doc.id, 0)
            column.view.set_current(start, scroll=False)
        self._refresh_entities()
        self._refresh_notes()
        self._refresh_hits()
        QTimer.singleShot(0, self._initial_scroll)

    def _initial_scroll(self) -> None:
        for column in self.columns:
            column.view.scroll_to_passage(column.view.current)
        self._after_move()

    def _after_layout_change(self) -> None:
        self._mark_focus()
        self._update_entities_panel()
        self._after_move()
        self._schedule_save()

    def visible_columns(self) -> list[DocumentColumn]:
        return [c for c in self.columns if c.doc.id not in self.hidden]

    @property
    def column(self) -> DocumentColumn:
        if not self.columns:
            raise CommandError("No document open")
        return self.columns[self.focus]

    @property
    def view(self) -> DocumentView:
        return self.column.view

    def _set_focus(self, index: int) -> None:
        if not 0 <= index < len(self.columns):
            return
        self.focus = index
        self._mark_focus()
        self._after_move()

    def _mark_focus(self) -> None:
        for n, column in enumerate(self.columns):
            column.set_focused(n == self.focus)

    def focus_columns(self) -> None:
        self.central.setFocus(QtCore.Qt.FocusReason.OtherFocusReason)

    # ----- moving -------------------------------------------------------------------------

    def _move_to(self, index: int) -> None:
        view = self.view
        view.set_current(index)
        if self.modes.mode == Mode.VISUAL and self.selection:
            doc_id, anchor, _ = self.selection
            p = view.display.passages[view.current]
            head = p.end if p.start >= anchor else max(anchor, p.start)
            self._set_selection(doc_id, anchor, head)
        self._after_move()

    def _after_move(self) -> None:
        """Light up the partners of the current passage, keep columns level, update status."""
        if not self.columns:
            self._update_status()
            return
        focused = self.column
        for column in self.columns:
            column.view.active = column is focused
        self.state.positions[focused.doc.id] = focused.view.current
        self.state.document = focused.doc.id
        partners = self._partners(focused.doc.id, focused.view.current)
        focused.view.set_gap(None)
        focused.view.update_decorations(partners=set())
        for column in self.visible_columns():
            if column is focused:
                continue
            found = partners.get(column.doc.id, [])
            column.view.update_decorations(partners=set(found))
            if found and column.view.current not in found:
                column.view.current = found[0]
        if self.sync:
            self._level_columns(focused, partners)
        else:
            for column in self.columns:
                column.view.set_gap(None)
        self._update_status()
        self._schedule_save()

    def _partners(self, doc_id: str, passage: int) -> dict[str, list[int]]:
        if self.analysis is None or len(self.visible_columns()) < 2:
            return {}
        ids = [c.doc.id for c in self.columns]
        return self.analysis.partners(ids, doc_id, passage)

    def _level_columns(self, focused: DocumentColumn, partners: dict[str, list[int]]) -> None:
        """Scroll the other columns so aligned passages sit level with the current one."""
        view = focused.view
        index = view.current
        y = view.passage_top(index)
        kind = view.display.passages[index].kind
        self._syncing = True
        try:
            for column in self.visible_columns():
                if column is focused:
                    continue
                other = column.view
                found = partners.get(column.doc.id, [])
                if found:
                    other.set_gap(None)
                    other.scroll_passage_to(found[0], y)
                    continue
                before = self._gap_position(focused.doc.id, index, column.doc.id)
                if before is None:
                    other.set_gap(None)
                    continue
                if kind != "boilerplate":
                    other.set_gap(before, self._gap_height(view, index))
                else:
                    other.set_gap(None)
                other.current = min(before, other.passage_count - 1)
                if before < other.passage_count:
                    other.scroll_passage_to(before, y + (other.gap[1] if other.gap else 0.0))
        finally:
            self._syncing = False

    @staticmethod
    def _gap_height(view: DocumentView, index: int) -> float:
        """A band as tall as the unmatched passage, within two and four lines."""
        line = view.fontMetrics().lineSpacing()
        return max(2.2 * line, min(view.passage_height(index), 4 * line))

    def _gap_position(self, doc_id: str, index: int, other_id: str) -> int | None:
        """Where in `other_id` the unpartnered passage `index` of `doc_id` would sit."""
        if self.analysis is None or len(self.visible_columns()) < 2:
            return None
        for i in range(index - 1, -1, -1):
            found = self._partners(doc_id, i).get(other_id)
            if found:
                return max(found) + 1
        return 0

    def _user_scrolled(self, column: DocumentColumn) -> None:
        """Wheel or scroll bar in one column: the others follow along the alignment."""
        if not self.sync or self._syncing or len(self.visible_columns()) < 2:
            return
        view = column.view
        anchor = view.passage_at_y(view.viewport().height() * 0.3)
        partners = self._partners(column.doc.id, anchor)
        y = view.passage_top(anchor)
        self._syncing = True
        try:
            for other in self.visible_columns():
                if other is column:
                    continue
                found = partners.get(other.doc.id)
                other.view.set_gap(None)
                if found:
                    other.view.scroll_passage_to(found[0], y)
        finally:
            self._syncing = False

    def _clicked(self, column: DocumentColumn, index: int) -> None:
        self.focus = self.columns.index(column)
        self._mark_focus()
        self._after_move()

    def cmd_passage_next(self, count: int = 1) -> None:
        """Next passage (a count moves further: 3j)"""
        self._move_to(self.view.current + max(1, count))

    def cmd_passage_prev(self, count: int = 1) -> None:
        """Previous passage"""
        self._move_to(self.view.current - max(1, count))

    def cmd_passage_first(self) -> None:
        """First passage"""
        self._move_to(0)

    def cmd_passage_last(self) -> None:
        """Last passage"""
        self._move_to(self.view.passage_count - 1)

    def cmd_half_page_down(self, count: int = 1) -> None:
        """Half a page down"""
        for _ in range(max(1, count)):
            self._move_to(self.view.half_page_passages(1))

    def cmd_half_page_up(self, count: int = 1) -> None:
        """Half a page up"""
        for _ in range(max(1, count)):
            self._move_to(self.view.half_page_passages(-1))

    def _step_column(self, step: int) -> None:
        visible = self.visible_columns()
        if not visible:
            raise CommandError("No document open")
        current = self.column if self.column in visible else visible[0]
        n = visible.index(current)
        target = visible[max(0, min(len(visible) - 1, n + step))]
        self._set_focus(self.columns.index(target))

    def cmd_column_next(self, count: int = 1) -> None:
        """Next column (to the right)"""
        self._step_column(max(1, count))

    def cmd_column_prev(self, count: int = 1) -> None:
        """Previous column (to the left)"""
        self._step_column(-max(1, count))

    def cmd_topic_next(self, count: int = 1) -> None:
        """Next topic"""
        if self.analysis is None:
            raise CommandError("No corpus loaded")
        current = self.topic_index if self.topic_index is not None else -1
        self.open_topic((current + max(1, count)) % len(self.analysis.topics))

    def cmd_topic_prev(self, count: int = 1) -> None:
        """Previous topic"""
        if self.analysis is None:
            raise CommandError("No corpus loaded")
        current = self.topic_index if self.topic_index is not None else 0
        self.open_topic((current - max(1, count)) % len(self.analysis.topics))

    def cmd_open_topic(self, number: int = 0) -> None:
        """Open a topic by number (1 = first), or choose one"""
        if self.analysis is None:
            raise CommandError("No corpus loaded")
        if number:
            self.open_topic(number - 1)
            return
        items = [
            (f"{t.label}  ({len(t.documents)})", str(n)) for n, t in enumerate(self.analysis.topics)
        ]
        self._choose("Open topic", items, lambda v: self.open_topic(int(v)))

    def cmd_open_document(self, path: str = "") -> None:
        """Open one document alone (choose from a list)"""
        if self.analysis is None:
            raise CommandError("No corpus loaded")
        docs = self.analysis.corpus.documents
        if path:
            match = [d for d in docs if d.path == path or d.id == path]
            if not match:
                raise CommandError(f"No document {path}")
            self.open_document(match[0].id)
            return
        items = [(f"{d.title}  [{d.language}] {d.path}", d.id) for d in docs]
        self._choose("Open a document alone", items, self.open_document)

    def _choose(
        self, title: str, items: list[tuple[str, str]], pick: Callable[[str], None]
    ) -> None:
        self.modes.enter(Mode.COMMAND)

        def done(value: str) -> None:
            try:
                pick(value)
            except CommandError as exc:
                self.show_error(str(exc))

        self.chooser.open(title, items, done, on_close=self._chooser_closed)

    def _chooser_closed(self) -> None:
        if self.modes.mode == Mode.COMMAND:
            self.modes.leave()
        self.focus_columns()

    # ----- columns ------------------------------------------------------------------------

    def _hide_column(self, column: DocumentColumn) -> None:
        if len(self.visible_columns()) <= 1:
            raise CommandError("The last visible column cannot be hidden")
        self.hidden.add(column.doc.id)
        column.hide()
        if self.columns[self.focus] is column:
            self.focus = self.columns.index(self.visible_columns()[0])
        self._store_layout()
        self._after_layout_change()
        self.show_message(f"Hid {column.doc.title[:40]} — X shows all columns")

    def cmd_column_hide(self) -> None:
        """Hide the current column"""
        self._hide_column(self.column)

    def cmd_columns_show_all(self) -> None:
        """Show all hidden columns"""
        self.hidden.clear()
        for column in self.columns:
            column.show()
        self._store_layout()
        self._after_layout_change()

    def _move_column(self, column: DocumentColumn, step: int) -> None:
        n = self.columns.index(column)
        target = max(0, min(len(self.columns) - 1, n + step))
        if target == n:
            return
        focused = self.column
        sizes = self.splitter.sizes()
        self.columns.insert(target, self.columns.pop(n))
        sizes.insert(target, sizes.pop(n))
        self.splitter.insertWidget(target, column)
        self.splitter.setSizes(sizes)
        self.focus = self.columns.index(focused)
        self._store_layout()
        self._after_layout_change()

    def cmd_column_move_left(self) -> None:
        """Move the current column one place left"""
        self._move_column(self.column, -1)

    def cmd_column_move_right(self) -> None:
        """Move the current column one place right"""
        self._move_column(self.column, 1)

    def _resize_column(self, delta: int) -> None:
        sizes = self.splitter.sizes()
        n = self.focus
        others = [i for i, s in enumerate(sizes) if i != n and s > 0]
        if not others:
            return
        sizes[n] = max(120, sizes[n] + delta)
        for i in others:
            sizes[i] = max(120, sizes[i] - delta // len(others))
        self.splitter.setSizes(sizes)
        self._store_layout()

    def cmd_column_wider(self) -> None:
        """Make the current column wider"""
        self._resize_column(80)

    def cmd_column_narrower(self) -> None:
        """Make the current column narrower"""
        self._resize_column(-80)

    def _store_layout(self) -> None:
        key = self.topic_key()
        if not key or self.single_doc:
            return
        self.state.order[key] = [c.doc.id for c in self.columns]
        self.state.hidden[key] = sorted(self.hidden)
        self.state.sizes[key] = self.splitter.sizes()
        self._schedule_save()

    def cmd_toggle_sync(self) -> None:
        """Scroll columns in step along the alignment (on/off)"""
        self.sync = not self.sync
        self.state.sync = self.sync
        self._after_move()
        self.show_message("Columns follow the alignment" if self.sync else "Columns scroll freely")

    # ----- entities -----------------------------------------------------------------------

    def _refresh_entities(self) -> None:
        from reader.ui.document_view import EntitySpan

        if self.analysis is None:
            return
        for column in self.columns:
            spans = [
                EntitySpan(s, e, colour, ent)
                for s, e, colour, ent in self.analysis.entity_spans(column.doc.id)
            ]
            column.view.update_decorations(entities=spans, focus_entity=self.focus_entity)

    def _update_entities_panel(self) -> None:
        if self.analysis is None:
            return
        docs = [c.doc for c in self.columns]
        entities = self.analysis.topic_entities([d.id for d in docs])
        self.entities_panel.set_entities(entities, docs, self.theme)
        self.entities_panel.select_entity(self.focus_entity)

    def entity_at(self, doc_id: str, offset: int) -> EntityInfo | None:
        if self.analysis is None:
            return None
        for s, e, _, ent in self.analysis.entity_spans(doc_id):
            if s <= offset < e:
                return self.analysis.entities.get(ent)
        return None

    def entity_summary(self, entity: EntityInfo) -> str:
        """Where else an entity occurs: document titles with counts."""
        assert self.analysis is not None
        counts = entity.counts()
        parts = []
        for doc_id, n in counts.most_common():
            try:
                doc = self.analysis.corpus.by_id(doc_id)
            except KeyError:
                continue
            shown = "" if any(c.doc.id == doc_id for c in self.columns) else " (other topic)"
            parts.append(f"{doc.language} “{doc.title[:30]}” ×{n}{shown}")
        return f"{entity.label} ({entity.kind}) — " + "; ".join(parts)

    def _hovered(self, column: DocumentColumn, offset: int, pos: Any) -> None:
        from PySide6.QtWidgets import QToolTip

        entity = self.entity_at(column.doc.id, offset) if offset >= 0 else None
        if entity is None:
            QToolTip.hideText()
            return
        QToolTip.showText(pos, self.entity_summary(entity), column.view)

    def _focus_occurrence(self, doc_id: str, start: int, entity_id: str) -> None:
        ids = [c.doc.id for c in self.columns]
        if doc_id not in ids:
            raise CommandError("That occurrence is in a document that is not open")
        if doc_id in self.hidden:
            self.hidden.discard(doc_id)
            self.columns[ids.index(doc_id)].show()
        self.focus = ids.index(doc_id)
        self._mark_focus()
        self.focus_entity = entity_id
        self.entity_cursor = (doc_id, start)
        for column in self.columns:
            column.view.update_decorations(focus_entity=entity_id)
        self._move_to(self.view.passage_at_offset(start))
        self.entities_panel.select_entity(entity_id)
        entity = self.analysis.entities.get(entity_id) if self.analysis else None
        if entity is not None:
            self.show_message(self.entity_summary(entity), 8000)

    def _step_entity(self, direction: int) -> None:
        if self.analysis is None:
            raise CommandError("No corpus loaded")
        doc_id = self.column.doc.id
        spans = self.analysis.entity_spans(doc_id)
        if not spans:
            raise CommandError("No shared entities in this document")
        if self.entity_cursor and self.entity_cursor[0] == doc_id:
            here = self.entity_cursor[1]
            p = self.view.display.passages[self.view.current]
            if not p.start <= here <= p.end:
                here = p.start - 1 if direction > 0 else p.end
        else:
            p = self.view.display.passages[self.view.current]
            here = p.start - 1 if direction > 0 else p.end
        if direction > 0:
            after = [s for s in spans if s[0] > here]
            target = after[0] if after else spans[0]
        else:
            before = [s for s in spans if s[0] < here]
            target = before[-1] if before else spans[-1]
        self._focus_occurrence(doc_id, target[0], target[3])

    def cmd_entity_next(self, count: int = 1) -> None:
        """Next shared entity occurrence in this column"""
        for _ in range(max(1, count)):
            self._step_entity(1)

    def cmd_entity_prev(self, count: int = 1) -> None:
        """Previous shared entity occurrence in this column"""
        for _ in range(max(1, count)):
            self._step_entity(-1)

    def cycle_entity(self, entity_id: str) -> None:
        """Step to the entity's next occurrence across the open columns."""
        if self.analysis is None or entity_id not in self.analysis.entities:
            return
        order = {c.doc.id: n for n, c in enumerate(self.columns)}
        occurrences = sorted(
            (o for o in self.analysis.entities[entity_id].occurrences if o.doc in order),
            key=lambda o: (order[o.doc], o.start),
        )
        if not occurrences:
            raise CommandError("The entity does not occur in the open documents")
        keys = [(o.doc, o.start) for o in occurrences]
        n = 0
        if self.focus_entity == entity_id and self.entity_cursor in keys:
            n = (keys.index(self.entity_cursor) + 1) % len(keys)
        target = occurrences[n]
        self._focus_occurrence(target.doc, target.start, entity_id)

    def _selection_key(self) -> tuple[str, str, str]:
        """(key, label, doc id) of what the user points at: selection, else entity cursor."""
        if self.analysis is None:
            raise CommandError("No corpus loaded")
        span = self._target_span(allow_passage=False)
        if span is None:
            raise CommandError("Select a name (v, then w) or move onto an entity (e) first")
        doc_id, start, end = span
        doc = self.analysis.corpus.by_id(doc_id)
        text = doc.text[start:end].strip()
        index = self.analysis.index
        candidates = getattr(index, "candidates", {}).get(doc_id, []) if index else []
        for cand in candidates:
            if cand.start < end and start < cand.end:
                return cand.key, cand.text, doc_id
        if not text:
            raise CommandError("Nothing selected")
        return _match_key(text), text, doc_id

    def cmd_link_entity(self) -> None:
        """Link two names as one entity: press on the first, then on the second"""
        if self.store is None:
            raise CommandError("No store: links cannot be saved")
        key, label, _ = self._selection_key()
        if self.link_source is None:
            self.link_source = (key, label)
            self._leave_visual()
            self.show_message(
                f"Linking “{label}”: select the other name and press L (Esc cancels)", 15000
            )
            return
        key_a, label_a = self.link_source
        self.link_source = None
        self._leave_visual()
        if key_a == key:
            raise CommandError(f"“{label_a}” and “{label}” are already the same entity")
        self._entity_link_change("link", [(key_a, key)])
        self.show_message(f"Linked “{label_a}” ↔ “{label}”")

    def cmd_unlink_entity(self) -> None:
        """Unlink a wrong match: the entity under the cursor no longer takes this name"""
        if self.store is None:
            raise CommandError("No store: links cannot be saved")
        if self.analysis is None or self.entity_cursor is None or self.focus_entity is None:
            raise CommandError("Move onto an entity occurrence first (e / E)")
        doc_id, start = self.entity_cursor
        entity = self.analysis.entities.get(self.focus_entity)
        occurrence = (
            next((o for o in entity.occurrences if o.doc == doc_id and o.start == start), None)
            if entity
            else None
        )
        if entity is None or occurrence is None:
            raise CommandError("No entity here")
        surface = _match_key(occurrence.text)
        if surface != entity.key:
            pairs = [(entity.key, surface)]
        else:  # on the entity's own name: undo the user's links to it
            pairs = [
                (link.key_a, link.key_b)
                for link in self.store.entity_links()
                if link.action == "link" and entity.key in (link.key_a, link.key_b)
            ]
            if not pairs:
                raise CommandError(
                    f"“{occurrence.text}” is this entity's own name: move onto the wrong match"
                )
        self._entity_link_change("unlink", pairs)
        self.show_message(f"Names no longer matched with {entity.label}: undo with u")

    def _entity_link_change(self, action: str, pairs: list[tuple[str, str]]) -> None:
        """Link or unlink key pairs in the store (one undo step), then re-highlight."""
        store = self.store
        before = {
            frozenset((a, b)): [
                link for link in store.entity_links() if {link.key_a, link.key_b} == {a, b}
            ]
            for a, b in pairs
        }

        def do() -> None:
            for a, b in pairs:
                store.set_entity_link(a, b, action)
            self.reanalyse()

        def undo() -> None:
            for a, b in pairs:
                previous = before[frozenset((a, b))]
                if previous:
                    last = previous[-1]
                    store.set_entity_link(last.key_a, last.key_b, last.action)
                else:
                    store.forget_entity_link(a, b)
            self.reanalyse()

        self._do(f"{action} entities", do, undo)

    def reanalyse(self) -> None:
        """Recompute entities and topics with the user's links and edits; keep the view."""
        if self.analysis is None:
            return
        from reader.ui.analysis import analyse

        links = self.store.entity_links() if self.store is not None else []
        edits = self.store.topic_edits() if self.store is not None else []
        topic_id = self.topic.id if self.topic else None
        single = self.single_doc
        focus_doc = self.column.doc.id if self.columns else None
        self.state.positions.update({c.doc.id: c.view.current for c in self.columns})
        analysis = analyse(self.analysis.corpus, links, edits)
        self.analysis = analysis
        docs = {d.id: d for d in analysis.corpus.documents}
        self.topics_panel.set_topics(analysis.topics, docs)
        if single:
            self.open_document(single)
        else:
            ids = [t.id for t in analysis.topics]
            if topic_id in ids:
                self.open_topic(ids.index(topic_id))
            elif focus_doc and analysis.topic_of(focus_doc):
                self.open_topic(analysis.topics.index(analysis.topic_of(focus_doc)))
            else:
                self.open_topic(0)
        if focus_doc:
            ids = [c.doc.id for c in self.columns]
            if focus_doc in ids:
                self._set_focus(ids.index(focus_doc))
        if self.focus_entity and self.focus_entity not in analysis.entities:
            self.focus_entity = None
            self.entity_cursor = None
        self.analysis_changed.emit()

    # ----- visual selection ---------------------------------------------------------------

    def units(self, doc: Document) -> Units:
        if doc.id not in self._units:
            from reader.ui.selection import Units

            self._units[doc.id] = Units(doc)
        return self._units[doc.id]

    def _set_selection(self, doc_id: str, anchor: int, head: int) -> None:
        self.selection = (doc_id, anchor, head)
        for column in self.columns:
            sel = (min(anchor, head), max(anchor, head)) if column.doc.id == doc_id else None
            column.view.update_decorations(selection=sel)
        self._update_status()

    def cmd_visual(self) -> None:
        """Visual mode: select text by word, sentence or passage"""
        view = self.view
        doc = self.column.doc
        if not doc.passages:
            raise CommandError("Nothing to select")
        units = self.units(doc)
        if self.entity_cursor and self.entity_cursor[0] == doc.id:
            start = self.entity_cursor[1]
            entity = self.entity_at(doc.id, start)
            occ = (
                next((o for o in entity.occurrences if o.doc == doc.id and o.start == start), None)
                if entity
                else None
            )
            anchor, head = (start, occ.end) if occ else units.first_word(view.current)
        else:
            anchor, head = units.first_word(view.current)
        self.modes.enter(Mode.VISUAL)
        self._set_selection(doc.id, anchor, head)

    def _extend(self, kind: str, direction: int, count: int) -> None:
        if self.selection is None:
            raise CommandError("Nothing selected")
        doc_id, anchor, head = self.selection
        doc = self.column.doc
        if doc.id != doc_id:
            raise CommandError("The selection is in another column")
        units = self.units(doc)
        floor = units.first_word(doc.passages and self.view.display.passage_at(anchor))[1]
        floor = max(floor, anchor + 1)
        for _ in range(max(1, count)):
            head = (
                units.next_end(kind, head) if direction > 0 else units.prev_end(kind, head, floor)
            )
        self._set_selection(doc_id, anchor, head)
        index = self.view.display.passage_at(max(anchor, head - 1))
        self.view.set_current(index)
        self._update_status()

    def cmd_select_word_next(self, count: int = 1) -> None:
        """Extend the selection by a word"""
        self._extend("word", 1, count)

    def cmd_select_word_prev(self, count: int = 1) -> None:
        """Shrink the selection by a word"""
        self._extend("word", -1, count)

    def cmd_select_sentence_next(self, count: int = 1) -> None:
        """Extend the selection to the end of the sentence"""
        self._extend("sentence", 1, count)

    def cmd_select_sentence_prev(self, count: int = 1) -> None:
        """Shrink the selection by a sentence"""
        self._extend("sentence", -1, count)

    def cmd_select_passage_next(self, count: int = 1) -> None:
        """Extend the selection to the end of the passage"""
        self._extend("passage", 1, count)

    def cmd_select_passage_prev(self, count: int = 1) -> None:
        """Shrink the selection by a passage"""
        self._extend("passage", -1, count)

    def selected_text(self) -> str:
        if self.selection is None or self.analysis is None:
            return ""
        doc_id, a, b = self.selection
        return self.analysis.corpus.by_id(doc_id).text[min(a, b) : max(a, b)]

    def cmd_copy(self) -> None:
        """Copy the selected text"""
        from PySide6.QtGui import QGuiApplication

        text = self.selected_text()
        if not text:
            raise CommandError("Nothing selected")
        QGuiApplication.clipboard().setText(text)
        self._leave_visual()
        self.show_message(f"Copied {len(text)} characters")

    def _leave_visual(self) -> None:
        self.selection = None
        for column in self.columns:
            column.view.update_decorations(selection=None)
        if self.modes.mode == Mode.VISUAL:
            self.modes.leave()
        self._update_status()

    def _target_span(self, allow_passage: bool = True) -> tuple[str, int, int] | None:
        """The span to act on: visual selection, mouse selection, entity, or current passage."""
        if self.selection is not None:
            doc_id, a, b = self.selection
            if a != b:
                return doc_id, min(a, b), max(a, b)
        if self.columns:
            mouse = self.view.mouse_selection()
            if mouse:
                return self.column.doc.id, mouse[0], mouse[1]
        if self.entity_cursor and self.focus_entity and self.analysis:
            doc_id, start = self.entity_cursor
            entity = self.analysis.entities.get(self.focus_entity)
            for o in entity.occurrences if entity else []:
                if (
                    o.doc == doc_id
                    and o.start == start
                    and self.columns
                    and doc_id == self.column.doc.id
                ):
                    return doc_id, o.start, o.end
        if allow_passage and self.columns:
            p = self.view.display.passages[self.view.current]
            return self.column.doc.id, p.start, p.end
        return None

    # ----- annotations --------------------------------------------------------------------

    def _require_store(self) -> Any:
        if self.store is None:
            raise CommandError("No annotation store is open")
        return self.store

    def reload_annotations(self) -> None:
        if self.store is None or self.analysis is None:
            self.annotations = []
        else:
            paths = {d.path for d in self.analysis.corpus.documents}
            self.annotations = [a for a in self.store.list() if a.document in paths]
        titles = {d.path: d.title for d in self.analysis.corpus.documents} if self.analysis else {}
        self.annotations_panel.set_annotations(self.annotations, titles, self.theme)
        self._refresh_notes()

    def _reanchor_annotations(self) -> None:
        if self.store is None or self.analysis is None or not hasattr(self.store, "reanchor"):
            return
        known = {a.document for a in self.store.list()}
        for doc in self.analysis.corpus.documents:
            if doc.path in known:
                try:
                    self.store.reanchor(doc)
                except Exception as exc:
                    self.show_error(f"Could not re-anchor notes of {doc.path}: {exc}")

    def _refresh_notes(self) -> None:
        from reader.ui.document_view import NoteSpan

        by_path: dict[str, list[NoteSpan]] = {}
        for ann in self.annotations:
            if ann.status != "orphaned":
                by_path.setdefault(ann.document, []).append(
                    NoteSpan(ann.start, ann.end, ann.color or DEFAULT_NOTE_COLOUR, ann.id)
                )
        for column in self.columns:
            column.view.update_decorations(notes=by_path.get(column.doc.path, []))

    def _store_changed(self, change: Any) -> None:
        if getattr(change, "kind", "") in ("annotation", "document"):
            QTimer.singleShot(0, self.reload_annotations)

    def cmd_annotate(self) -> None:
        """Annotate the selection, or the current passage (opens the note editor)"""
        self._require_store()
        span = self._target_span()
        if span is None:
            raise CommandError("No document open")
        doc_id, start, end = span
        doc = self.analysis.corpus.by_id(doc_id) if self.analysis else None
        if doc is None:
            return
        self._leave_visual()
        self.view.clear_mouse_selection()
        known = [t for t, _ in self.store.tags()] if hasattr(self.store, "tags") else []
        self.note_dock.show()
        self.note_dock.raise_()
        self.modes.enter(Mode.INSERT)
        self.note_editor.open(
            (doc_id, start, end),
            doc.text[start:end],
            known_tags=known,
            font=_font_for_script(doc.script, 11),
        )

    def edit_annotation(self, annotation_id: str) -> None:
        store = self._require_store()
        ann = store.get(annotation_id)
        if ann is None:
            raise CommandError("That annotation no longer exists")
        doc = self._doc_by_path(ann.document)
        self.note_dock.show()
        self.note_dock.raise_()
        self.modes.enter(Mode.INSERT)
        self.note_editor.open(
            (doc.id if doc else "", ann.start, ann.end),
            ann.quote,
            note=ann.note,
            tags=ann.tags,
            colour=ann.color or DEFAULT_NOTE_COLOUR,
            annotation_id=ann.id,
            known_tags=[t for t, _ in store.tags()],
        )

    def cmd_note_save(self) -> None:
        """Save the note being edited"""
        store = self._require_store()
        editor = self.note_editor
        if editor.target is None:
            raise CommandError("No note is being edited")
        note, tags, colour = editor.values()
        if editor.annotation_id:
            old = store.get(editor.annotation_id)
            if old is None:
                raise CommandError("That annotation no longer exists")
            ann_id = old.id

            def do() -> None:
                store.update(ann_id, note=note, tags=tags, color=colour)

            def undo() -> None:
                store.put(old)

            self._do("edit note", do, undo)
        else:
            doc_id, start, end = editor.target
            doc = self.analysis.corpus.by_id(doc_id) if self.analysis else None
            if doc is None:
                raise CommandError("The document is no longer open")
            created: list[Any] = []

            def do_add() -> None:
                if created:
                    store.restore(created[0].id)
                else:
                    created.append(
                        store.annotate(
                            doc,
                            start,
                            end,
                            note=note,
                            tags=tags,
                            color=colour,
                            location=doc.abs_path,
                        )
                    )

            def undo_add() -> None:
                store.delete(created[0].id)

            self._do("add note", do_add, undo_add)
        self._close_editor()
        self.reload_annotations()
        self.show_message("Note saved")

    def _close_editor(self) -> None:
        self.note_editor.target = None
        self.note_editor.annotation_id = None
        self.note_dock.hide()
        if self.modes.mode == Mode.INSERT:
            self.modes.leave()
        self.focus_columns()

    def _annotation_here(self) -> Any:
        if not self.columns:
            raise CommandError("No document open")
        doc = self.column.doc
        p = self.view.display.passages[self.view.current]
        chosen = self.annotations_panel.current_id()
        here = [
            a
            for a in self.annotations
            if a.document == doc.path and a.start < p.end and p.start < a.end
        ]
        for a in here:
            if a.id == chosen:
                return a
        if here:
            return here[0]
        if chosen:
            return next((a for a in self.annotations if a.id == chosen), None)
        return None

    def cmd_edit_annotation(self) -> None:
        """Edit the note on the current passage"""
        ann = self._annotation_here()
        if ann is None:
            raise CommandError("No note here")
        self.edit_annotation(ann.id)

    def delete_annotation(self, annotation_id: str) -> None:
        store = self._require_store()
        if store.get(annotation_id) is None:
            raise CommandError("That annotation no longer exists")

        def do() -> None:
            store.delete(annotation_id)

        def undo() -> None:
            store.restore(annotation_id)

        self._do("delete note", do, undo)
        self.reload_annotations()
        self.show_message("Note deleted — u undoes")

    def cmd_delete_annotation(self) -> None:
        """Delete the note on the current passage (u undoes)"""
        ann = self._annotation_here()
        if ann is None:
            raise CommandError("No note here")
        self.delete_annotation(ann.id)

    def reattach_annotation(self, annotation_id: str) -> None:
        """Put an (orphaned) annotation on the current selection or passage."""
        store = self._require_store()
        old = store.get(annotation_id)
        if old is None:
            raise CommandError("That annotation no longer exists")
        span = self._target_span()
        if span is None or self.analysis is None:
            raise CommandError("Select the text to attach it to")
        doc = self.analysis.corpus.by_id(span[0])

        def do() -> None:
            store.reattach(annotation_id, doc, span[1], span[2])

        def undo() -> None:
            store.put(old)

        self._do("re-attach note", do, undo)
        self._leave_visual()
        self.reload_annotations()
        self.show_message("Note re-attached")

    def cmd_reattach_annotation(self) -> None:
        """Re-attach the note chosen in the panel to the selection (or current passage)"""
        chosen = self.annotations_panel.current_id()
        if not chosen:
            raise CommandError("Choose a note in the annotations panel first (Ctrl+a)")
        self.reattach_annotation(chosen)

    def goto_annotation(self, annotation_id: str) -> None:
        ann = next((a for a in self.annotations if a.id == annotation_id), None)
        if ann is None or self.analysis is None:
            return
        if ann.status == "orphaned":
            self.show_message("This note lost its place: select text and choose Re-attach", 8000)
            return
        doc = self._doc_by_path(ann.document)
        if doc is None:
            raise CommandError(f"{ann.document} is not in this corpus")
        ids = [c.doc.id for c in self.columns]
        if doc.id not in ids:
            topic = self.analysis.topic_of(doc.id)
            if topic is not None:
                self.open_topic(self.analysis.topics.index(topic))
            else:
                self.open_document(doc.id)
            ids = [c.doc.id for c in self.columns]
        self.focus = ids.index(doc.id)
        self._mark_focus()
        self._move_to(self.view.passage_at_offset(ann.start))
        self.focus_columns()

    def _step_annotation(self, direction: int) -> None:
        doc = self.column.doc
        mine = sorted(
            (a for a in self.annotations if a.document == doc.path and a.status != "orphaned"),
            key=lambda a: a.start,
        )
        if not mine:
            raise CommandError("No notes in this document")
        p = self.view.display.passages[self.view.current]
        if direction > 0:
            after = [a for a in mine if a.start >= p.end]
            target = after[0] if after else mine[0]
        else:
            before = [a for a in mine if a.end <= p.start]
            target = before[-1] if before else mine[-1]
        self._move_to(self.view.passage_at_offset(target.start))
        self.annotations_panel.select(target.id)
        self.show_message(f"Note: {target.note[:80] or target.quote[:80]}", 6000)

    def cmd_annotation_next(self) -> None:
        """Next note in this document"""
        self._step_annotation(1)

    def cmd_annotation_prev(self) -> None:
        """Previous note in this document"""
        self._step_annotation(-1)

    def _doc_by_path(self, path: str) -> Document | None:
        if self.analysis is None:
            return None
        try:
            return self.analysis.corpus.by_path(path)
        except KeyError:
            return None

    def _do(self, text: str, do: Callable[[], None], undo: Callable[[], None]) -> None:
        """Run one undoable change; errors from the store become status bar errors."""
        from reader.ui.columns import UndoStep

        try:
            do()
        except CommandError:
            raise
        except Exception as exc:
            raise CommandError(f"Could not {text}: {exc}") from exc
        self.undo_stack.push(UndoStep(text, self._guarded(do), self._guarded(undo)))

    def _guarded(self, func: Callable[[], None]) -> Callable[[], None]:
        def run() -> None:
            try:
                func()
            except Exception as exc:
                self.show_error(f"{type(exc).__name__}: {exc}")
            self.reload_annotations()

        return run

    def cmd_undo(self) -> None:
        """Undo the last change (notes, links, topic edits)"""
        if not self.undo_stack.canUndo():
            raise CommandError("Nothing to undo")
        text = self.undo_stack.undoText()
        self.undo_stack.undo()
        self.show_message(f"Undid: {text}")

    def cmd_redo(self) -> None:
        """Redo what was undone"""
        if not self.undo_stack.canRedo():
            raise CommandError("Nothing to redo")
        text = self.undo_stack.redoText()
        self.undo_stack.redo()
        self.show_message(f"Redid: {text}")

    def cmd_export(self, path: str = "") -> None:
        """Export notes: W3C Web Annotation JSON, or Markdown when the file ends in .md"""
        from PySide6.QtWidgets import QFileDialog

        store = self._require_store()
        if not path:
            path, _ = QFileDialog.getSaveFileName(
                self,
                "Export notes",
                "annotations.json",
                "W3C JSON (*.json *.jsonld);;Markdown (*.md)",
            )
            if not path:
                return
        try:
            from reader.store import exchange
        except ImportError:
            raise CommandError("Export is not available (reader.store.exchange missing)") from None
        markdown = path.lower().endswith((".md", ".markdown"))
        try:
            text = _call_export(exchange, store, markdown)
            Path(path).write_text(text, encoding="utf-8")
        except OSError as exc:
            raise CommandError(f"Cannot write {path}: {exc.strerror or exc}") from exc
        self.show_message(f"Exported notes to {path}")

    def cmd_import(self, path: str = "") -> None:
        """Import notes from a W3C Web Annotation JSON file"""
        from PySide6.QtWidgets import QFileDialog

        store = self._require_store()
        if not path:
            path, _ = QFileDialog.getOpenFileName(
                self, "Import notes", "", "W3C JSON (*.json *.jsonld)"
            )
            if not path:
                return
        try:
            from reader.store import exchange
        except ImportError:
            raise CommandError("Import is not available (reader.store.exchange missing)") from None
        try:
            data = Path(path).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise CommandError(f"Cannot read {path}: {exc}") from exc
        try:
            result = _call_import(exchange, store, data)
        except Exception as exc:
            raise CommandError(f"Import refused, nothing changed: {exc}") from exc
        self._reanchor_annotations()
        self.reload_annotations()
        self.show_message(f"Imported notes from {Path(path).name}: {result}")

    # ----- topic edits --------------------------------------------------------------------

    def _topic_edit(self, text: str, do: Callable[[], Any]) -> None:
        store = self._require_store()
        made: list[Any] = []

        def redo() -> None:
            made.append(do())
            self.reanalyse()

        def undo() -> None:
            edit = made.pop() if made else None
            if edit is not None:
                store.remove_topic_edit(edit.id)
            self.reanalyse()

        self._do(text, redo, undo)

    def cmd_topic_rename(self, *name: str) -> None:
        """Rename the current topic"""
        from PySide6.QtWidgets import QInputDialog

        topic = self.topic
        if topic is None:
            raise CommandError("No topic open")
        label = " ".join(name).strip()
        if not label:
            label, ok = QInputDialog.getText(self, "Rename topic", "New name:", text=topic.label)
            if not ok or not label.strip():
                return
        self._topic_edit("rename topic", lambda: self.store.rename_topic(topic.id, label.strip()))
        self.show_message(f"Topic renamed to “{label.strip()}”")

    def cmd_topic_merge(self, target: str = "") -> None:
        """Merge the current topic into another one"""
        topic = self.topic
        if topic is None or self.analysis is None:
            raise CommandError("No topic open")
        others = [t for t in self.analysis.topics if t.id != topic.id]
        if target:
            found = [t for t in others if t.id == target or t.label == target]
            if not found:
                raise CommandError(f"No topic {target}")
            self._topic_edit("merge topics", lambda: self.store.merge_topics(topic.id, found[0].id))
            return
        items = [(f"{t.label}  ({len(t.documents)})", t.id) for t in others]
        self._choose(
            f"Merge “{topic.label}” into…",
            items,
            lambda tid: self._topic_edit(
                "merge topics", lambda: self.store.merge_topics(topic.id, tid)
            ),
        )

    def cmd_document_move(self, target: str = "") -> None:
        """Move the current document to another topic"""
        if self.analysis is None or not self.columns:
            raise CommandError("No document open")
        doc = self.column.doc
        topics = self.analysis.topics

        def move(tid: str) -> None:
            self._topic_edit("move document", lambda: self.store.move_document(doc.path, tid))
            self.show_message(f"Moved {doc.title[:40]}")

        if target:
            move(target)
            return
        items = [
            (f"{t.label}  ({len(t.documents)})", t.id) for t in topics if doc.id not in t.documents
        ]
        items.append(("A new topic of its own", f"user-{doc.id}"))
        self._choose(f"Move “{doc.title[:40]}” to…", items, move)

    # ----- search -------------------------------------------------------------------------

    def cmd_search(self) -> None:
        """Search in this topic"""
        self.modes.enter(Mode.COMMAND)
        self.search_bar.open("topic")

    def cmd_search_everywhere(self) -> None:
        """Search in every document of the corpus"""
        self.modes.enter(Mode.COMMAND)
        self.search_bar.open("all")

    def run_search(self, query: str, scope: str = "topic") -> list[SearchHit]:
        from reader.ui.search_bar import find_hits

        if self.analysis is None:
            raise CommandError("No corpus loaded")
        docs = (
            [c.doc for c in self.columns]
            if scope == "topic"
            else list(self.analysis.corpus.documents)
        )
        if scope == "topic" and self.columns:
            focus_doc = self.column.doc
            docs = [focus_doc] + [d for d in docs if d is not focus_doc]
        indexed = self._search_index(query) if scope == "all" else None
        self.hits = indexed if indexed is not None else find_hits(docs, query)
        self.state.search_scope = scope
        self.hit_index = -1
        self._refresh_hits()
        return self.hits

    def _search_index(self, query: str) -> list[SearchHit] | None:
        """Hits of `query` in the whole corpus from the store's full-text index, ranked; None
        when the index is not fresh or cannot answer (the caller searches in memory)."""
        from reader.ui.search_bar import SearchHit

        conn = getattr(self.store, "conn", None)
        if not self.index_fresh or conn is None or self.analysis is None or not query.strip():
            return None
        try:
            from reader.store.index import search_index

            found = search_index(conn, self.analysis.corpus.root, query, limit=None)
        except Exception as exc:  # e.g. a query FTS cannot take: the memory search decides
            log.info("index search failed, searching in memory: %s", exc)
            return None
        known = {d.id for d in self.analysis.corpus.documents}
        return [SearchHit(h.doc, h.start, h.end) for h in found.hits if h.doc in known]

    def _search_submitted(self, query: str, scope: str) -> None:
        try:
            hits = self.run_search(query, scope)
        except CommandError as exc:
            self.show_error(str(exc))
            return
        if self.modes.mode == Mode.COMMAND:
            self.modes.leave()
        self.focus_columns()
        if not hits:
            self.search_bar.set_count(-1, 0)
            self.show_message(f"No hits for “{query}”")
            return
        self._goto_hit(0)

    def _refresh_hits(self) -> None:
        for column in self.columns:
            mine = [(h.start, h.end) for h in self.hits if h.doc == column.doc.id]
            current = -1
            if (
                0 <= self.hit_index < len(self.hits)
                and self.hits[self.hit_index].doc == column.doc.id
            ):
                hit = self.hits[self.hit_index]
                current = mine.index((hit.start, hit.end))
            column.view.update_decorations(hits=mine, current_hit=current)

    def _goto_hit(self, index: int) -> None:
        if not self.hits:
            raise CommandError("No search hits (/ searches)")
        self.hit_index = index % len(self.hits)
        hit = self.hits[self.hit_index]
        ids = [c.doc.id for c in self.columns]
        if hit.doc not in ids and self.analysis is not None:
            topic = self.analysis.topic_of(hit.doc)
            if topic is not None:
                self.open_topic(self.analysis.topics.index(topic))
            else:
                self.open_document(hit.doc)
            ids = [c.doc.id for c in self.columns]
        if hit.doc in self.hidden:
            self.hidden.discard(hit.doc)
            self.columns[ids.index(hit.doc)].show()
        self.focus = ids.index(hit.doc)
        self._mark_focus()
        self._refresh_hits()
        self._move_to(self.view.passage_at_offset(hit.start))
        self.search_bar.set_count(self.hit_index, len(self.hits))
        self.show_message(f"Hit {self.hit_index + 1} of {len(self.hits)}")

    def cmd_search_next(self, count: int = 1) -> None:
        """Next search hit"""
        self._goto_hit(self.hit_index + max(1, count))

    def cmd_search_prev(self, count: int = 1) -> None:
        """Previous search hit"""
        self._goto_hit(self.hit_index - max(1, count))

    def close_search(self) -> None:
        self.search_bar.hide()
        if self.modes.mode == Mode.COMMAND:
            self.modes.leave()
        self.focus_columns()

    # ----- concordance ---------------------------------------------------------------------

    def cmd_concordance(self, *query: str) -> None:
        """Concordance (KWIC) of this topic, with the aligned passages of the others"""
        if self.analysis is None or not self.columns:
            raise CommandError("No document open")
        docs = [c.doc for c in self.columns]
        ids = [d.id for d in docs]
        analysis = self.analysis

        def align(doc_id: str, passage: int) -> dict[str, list[int]]:
            return analysis.partners(ids, doc_id, passage)

        view = self._concordance_view()
        view.set_documents(docs, align_fn=align if len(ids) > 1 else None)
        assert self.concordance_dock is not None
        label = self.topic.label if self.topic and not self.single_doc else docs[0].title
        self.concordance_dock.setWindowTitle(f"Concordance — {label[:40]}")
        self.concordance_dock.show()
        self.concordance_dock.raise_()
        seed = " ".join(query) or self.search_bar.line.text().strip()
        if seed:
            view.search(seed)
        if not seed or not view.hits():
            view.query_box.setText(seed)
            view.query_box.selectAll()
            view.query_box.setFocus(QtCore.Qt.FocusReason.OtherFocusReason)

    def _concordance_view(self) -> Any:
        """The concordance view in its dock (bottom), made the first time it is asked for."""
        if self.concordance is None:
            from reader.ui.concordance import ConcordanceView

            view = ConcordanceView()
            view.owns_keyboard = True  # its table and query box read their own keys
            view.hit_activated.connect(self.goto_span)
            view.closed.connect(self._concordance_closed)
            self.concordance = view
            self.concordance_dock = self._dock(
                "Concordance", view, QtCore.Qt.DockWidgetArea.BottomDockWidgetArea
            )
            view.splitter.setOrientation(
                QtCore.Qt.Orientation.Horizontal
            )  # hits | aligned passages
            view.splitter.setSizes([3000, 2000])
            height = max(300, self.height() * 2 // 5)
            self.resizeDocks([self.concordance_dock], [height], QtCore.Qt.Orientation.Vertical)
        return self.concordance

    def _concordance_closed(self) -> None:
        if self.concordance_dock is not None:
            self.concordance_dock.hide()
        self.focus_columns()

    def goto_span(self, doc_id: str, start: int, end: int) -> None:
        """Show `[start, end)` of a document: its column gets the focus, the passage is current."""
        from reader.ui.search_bar import SearchHit

        if self.analysis is None:
            return
        ids = [c.doc.id for c in self.columns]
        if doc_id not in ids:
            topic = self.analysis.topic_of(doc_id)
            if topic is not None:
                self.open_topic(self.analysis.topics.index(topic))
            else:
                self.open_document(doc_id)
            ids = [c.doc.id for c in self.columns]
        if doc_id not in ids:
            self.show_error(f"No document {doc_id}")
            return
        if doc_id in self.hidden:
            self.hidden.discard(doc_id)
            self.columns[ids.index(doc_id)].show()
        self.focus = ids.index(doc_id)
        self._mark_focus()
        self._move_to(self.view.passage_at_offset(start))
        shown = self.concordance.hits() if self.concordance is not None else []
        self.hits = [SearchHit(h.doc, h.start, h.end) for h in shown]
        target = SearchHit(doc_id, start, end)
        if target not in self.hits:
            self.hits.append(target)
        self.hit_index = self.hits.index(target)  # n / N step through the concordance's hits
        self._refresh_hits()
        self.focus_columns()
        doc = self.column.doc
        self.show_message(f"{doc.title[:40]}: “{doc.text[start:end][:40]}”")

    # ----- focus, look, misc --------------------------------------------------------------

    def cmd_focus_topics(self) -> None:
        """Go to the topics panel (Enter opens, Esc returns)"""
        self.topics_dock.show()
        self.topics_dock.raise_()
        self.topics_panel.setFocus(QtCore.Qt.FocusReason.OtherFocusReason)
        if self.topics_panel.currentItem() is None and self.topics_panel.topLevelItemCount():
            self.topics_panel.setCurrentItem(self.topics_panel.topLevelItem(0))

    def cmd_focus_entities(self) -> None:
        """Go to the entities panel (Enter steps through occurrences)"""
        self.entities_dock.show()
        self.entities_dock.raise_()
        self.entities_panel.setFocus(QtCore.Qt.FocusReason.OtherFocusReason)
        if self.entities_panel.currentItem() is None and self.entities_panel.topLevelItemCount():
            self.entities_panel.setCurrentItem(self.entities_panel.topLevelItem(0))

    def cmd_focus_annotations(self) -> None:
        """Go to the annotations panel (Enter jumps to a note)"""
        self.annotations_dock.show()
        self.annotations_dock.raise_()
        self.annotations_panel.focus_list()

    def _set_zoom(self, zoom: float) -> None:
        self.zoom = max(ZOOM_LIMITS[0], min(ZOOM_LIMITS[1], zoom))
        self.state.zoom = self.zoom
        for column in self.columns:
            column.view.set_zoom(self.zoom)
        self._after_move()
        self.show_message(f"Reading size {12 + self.zoom:g} pt")

    def cmd_zoom_in(self) -> None:
        """Larger text"""
        self._set_zoom(self.zoom + ZOOM_STEP)

    def cmd_zoom_out(self) -> None:
        """Smaller text"""
        self._set_zoom(self.zoom - ZOOM_STEP)

    def cmd_zoom_reset(self) -> None:
        """Normal text size"""
        self._set_zoom(0.0)

    def apply_theme_choice(self, choice: str) -> None:
        if choice not in THEME_CHOICES:
            raise CommandError(f"Theme must be one of {', '.join(THEME_CHOICES)}")
        self.state.theme = choice
        self.theme = resolve_theme(choice)
        if choice == "system":
            self.state.system_dark = self.theme.dark  # the first frame of the next start
        app = QApplication.instance()
        if isinstance(app, QApplication):
            apply_theme(app, self.theme)
        for column in self.columns:
            column.view.set_theme(self.theme)
        self._update_entities_panel()
        self.reload_annotations()
        self._schedule_save()

    def cmd_theme_toggle(self) -> None:
        """Switch between light and dark"""
        self.apply_theme_choice("light" if self.theme.dark else "dark")
        self.show_message(
            f"{self.theme.name.capitalize()} theme (:theme system follows the desktop)"
        )

    def cmd_theme(self, choice: str = "system") -> None:
        """Choose the theme: light, dark or system"""
        self.apply_theme_choice(choice)

    def cmd_escape(self) -> None:
        """Cancel: close the editor, leave visual mode, clear highlights"""
        mode = self.modes.mode
        if mode == Mode.INSERT:
            self._close_editor()
            self.show_message("Note discarded")
            return
        if mode == Mode.VISUAL:
            self._leave_visual()
            return
        if mode == Mode.COMMAND:
            if self.chooser.isVisible():
                self.chooser.close_chooser()
            if self.search_bar.isVisible() and not self.hits:
                self.search_bar.hide()
            for widget in (self.palette_widget,):
                if widget is not None and widget.isVisible():
                    widget.hide()
            self.modes.leave()
            self.focus_columns()
            return
        if self.help_widget is not None and self.help_widget.isVisible():
            self.help_widget.hide()
            return
        if self.link_source is not None:
            self.link_source = None
            self.show_message("Linking cancelled")
            return
        if self.hits or self.search_bar.isVisible():
            self.hits = []
            self.hit_index = -1
            self.search_bar.hide()
            self._refresh_hits()
            return
        if self.focus_entity is not None:
            self.focus_entity = None
            self.entity_cursor = None
            for column in self.columns:
                column.view.update_decorations(focus_entity=None)
            return
        if self.columns:
            self.view.clear_mouse_selection()
        self.focus_columns()

    def cmd_quit(self) -> None:
        """Quit (the state is saved)"""
        self.close()

    def confirm_open_link(self, href: str) -> None:
        """Open a link only after showing its address, and only http(s)."""
        from PySide6.QtCore import QUrl
        from PySide6.QtGui import QDesktopServices
        from PySide6.QtWidgets import QMessageBox

        url = QUrl(href)
        if url.scheme().lower() not in ("http", "https"):
            self.show_error(f"Not opened: only http(s) links open ({href[:80]})")
            return
        answer = QMessageBox.question(
            self, "Open link", f"Open this address in your browser?\n\n{url.toString()}"
        )
        if answer == QMessageBox.StandardButton.Yes:
            QDesktopServices.openUrl(url)

    def cmd_open_link(self) -> None:
        """Open a link of the current passage (asks first, http(s) only)"""
        links = self.view.links_in_passage(self.view.current)
        if not links:
            raise CommandError("No link in this passage")
        if len(links) == 1:
            self.confirm_open_link(links[0])
            return
        self._choose("Open which link?", [(h, h) for h in links], self.confirm_open_link)

    # ----- loading ------------------------------------------------------------------------

    def load_corpus(self, root: Path, refresh: bool = True) -> None:
        """Load and analyse a corpus in a worker thread; the window stays responsive.

        With a store, a folder its index knows opens from the index at once; then the index
        is refreshed in the background (`refresh=False`: not again) and, if files changed,
        the corpus is shown again from the refreshed index.
        """
        from reader.ui.loader import CorpusLoader

        if self.loader is not None:
            self.loader.cancel()
        self._stop_indexing()
        self.index_fresh = False
        links = self.store.entity_links() if self.store is not None else []
        edits = self.store.topic_edits() if self.store is not None else []
        db = self._index_db()
        loader = CorpusLoader(Path(root), links, edits, self, db=db)
        loader.progress.connect(self._load_progress)
        loader.loaded.connect(lambda analysis, ld=loader: self._loaded(analysis, ld, refresh))
        loader.failed.connect(lambda message, ld=loader: self._load_failed(message, ld))
        self.loader = loader
        self.progress.setRange(0, 0)
        self.progress.show()
        self.cancel_button.show()
        if self.analysis is None or self.analysis.corpus.root != Path(root):
            self.empty.setText(f"Loading {root}…")
        self.show_message(f"Loading {root}…", 0)
        loader.start()

    def _index_db(self) -> Path | None:
        """The store's file, which holds the corpus index (None without a store on disk)."""
        path = getattr(self.store, "path", None)
        return Path(path) if path is not None and str(path) != ":memory:" else None

    def _load_progress(self, done: int, total: int, what: str) -> None:
        self.progress.setRange(0, max(total, 1))
        self.progress.setValue(done)
        self.progress.setFormat(f"{done}/{total} {what[:20]}")

    def _loaded(self, analysis: Analysis, loader: Any = None, refresh: bool = True) -> None:
        if loader is not None and loader is not self.loader:
            return  # a load that was replaced by a newer one
        self.loader = None
        self.progress.hide()
        self.cancel_button.hide()
        self.message_label.setText("")
        self.set_analysis(analysis)
        for warning in analysis.warnings[:1]:
            self.show_message(warning, 8000)
        db = self._index_db()
        if db is not None and refresh:
            self._start_indexing(analysis.corpus.root, db, bool(loader and loader.from_index))
        elif db is not None:
            self.index_fresh = True

    def _start_indexing(self, root: Path, db: Path, from_index: bool) -> None:
        """Refresh the index of `root` in the background, with progress and Cancel."""
        from reader.ui.loader import IndexRefresher

        indexer = IndexRefresher(Path(root), db, self)
        indexer.progress.connect(self._load_progress)
        indexer.refreshed.connect(lambda report, ix=indexer: self._indexed(report, ix, from_index))
        indexer.failed.connect(self._index_failed)
        self.indexer = indexer
        self.progress.setRange(0, 0)
        self.progress.setFormat("indexing")
        self.progress.show()
        self.cancel_button.show()
        indexer.start()

    def _indexed(self, report: Any, indexer: Any, from_index: bool) -> None:
        if indexer is not self.indexer:
            return
        self.indexer = None
        self.progress.hide()
        self.cancel_button.hide()
        if report.cancelled:
            self.show_message("Indexing cancelled; the next start continues it", 8000)
            return
        self.index_fresh = True
        changed = report.processed + report.reused + report.deleted
        if not changed:
            return
        self.show_message(
            f"Index updated: {report.processed + report.reused} new or changed, "
            f"{report.deleted} removed",
            8000,
        )
        if from_index and self.analysis is not None:
            self.load_corpus(self.analysis.corpus.root, refresh=False)

    def _index_failed(self, message: str) -> None:
        self.indexer = None
        self.progress.hide()
        self.cancel_button.hide()
        self.show_error(message)

    def _stop_indexing(self) -> None:
        if self.indexer is not None:
            self.indexer.cancel()
            self.indexer = None

    def _load_failed(self, message: str, loader: Any = None) -> None:
        if loader is not None and loader is not self.loader:
            return  # a replaced load (cancelled by the newer one)
        self.loader = None
        self.progress.hide()
        self.cancel_button.hide()
        self.empty.setText(message)
        self.show_error(message)

    def cancel_loading(self) -> None:
        if self.loader is not None:
            self.loader.cancel()
        if self.indexer is not None:
            self.indexer.cancel()

    def cmd_cancel_loading(self) -> None:
        """Stop loading or indexing the corpus"""
        if self.loader is None and self.indexer is None:
            raise CommandError("Nothing is loading")
        self.cancel_loading()

    def cmd_open_corpus(self, path: str = "") -> None:
        """Open another corpus folder"""
        from PySide6.QtWidgets import QFileDialog

        if not path:
            path = QFileDialog.getExistingDirectory(self, "Open a corpus folder")
            if not path:
                return
        root = Path(path).expanduser()
        if not root.is_dir():
            raise CommandError(f"Not a folder: {path}")
        self.load_corpus(root)

    # ----- status and state ---------------------------------------------------------------

    def _mode_entered(self, mode: str) -> None:
        self.mode_label.setText(f" {mode.upper()} ")
        if mode == Mode.NORMAL and self.selection is not None:
            self.selection = None
            for column in self.columns:
                column.view.update_decorations(selection=None)
        self._update_status()

    def _pending_changed(self, keys: str) -> None:
        self.pending_label.setText(keys)

    def _update_status(self) -> None:
        topic = self.topic
        if self.single_doc:
            self.topic_label.setText(
                "Document alone" + (f" · topic {topic.label[:30]}" if topic else "")
            )
        elif topic is not None:
            self.topic_label.setText(
                f"Topic {self.topic_index + 1}/{len(self.analysis.topics)}: {topic.label[:40]}"
            )
        else:
            self.topic_label.setText("")
        if not self.columns:
            self.doc_label.setText("")
            self.passage_label.setText("")
            return
        column = self.column
        self.doc_label.setText(f"{column.doc.title[:36]} [{column.doc.language}]")
        view = column.view
        text = f"¶ {view.current + 1}/{view.passage_count}"
        kind = view.display.passages[view.current].kind if view.passage_count else ""
        if kind and kind != "paragraph":
            text += f" {kind}"
        if self.selection:
            text += f" · {len(self.selected_text())} selected"
        if not self.sync:
            text += " · sync off"
        self.passage_label.setText(text)

    def show_message(self, text: str, msecs: int = 5000) -> None:
        self.message_label.setObjectName("messageLabel")
        self.message_label.setStyleSheet("")
        self.message_label.setText(text)
        if msecs:
            self._message_timer.start(msecs)

    def show_error(self, text: str) -> None:
        """Errors appear in the status bar, in the theme's error colour."""
        self.message_label.setStyleSheet(f"color: {self.theme.error};")
        self.message_label.setText(text)
        self._message_timer.start(10000)

    def _schedule_save(self) -> None:
        self._save_timer.start()

    def save_state(self) -> None:
        if self.columns:
            self.state.positions.update({c.doc.id: c.view.current for c in self.columns})
            if not self.single_doc:
                self.state.sizes[self.topic_key()] = self.splitter.sizes()
        self.state.zoom = self.zoom
        self.state.sync = self.sync
        self.state.geometry = base64.b64encode(bytes(self.saveGeometry().data())).decode("ascii")
        self.state.window_state = base64.b64encode(bytes(self.saveState().data())).decode("ascii")
        try:
            save_state(self.state, self.state_path)
        except OSError as exc:
            self.show_error(f"Could not save the window state: {exc}")

    def _restore_window(self) -> None:
        from PySide6.QtCore import QByteArray

        try:
            if self.state.geometry:
                self.restoreGeometry(QByteArray(base64.b64decode(self.state.geometry)))
            if self.state.window_state:
                self.restoreState(QByteArray(base64.b64decode(self.state.window_state)))
        except ValueError:
            pass
        self.note_dock.hide()

    def closeEvent(self, event: QCloseEvent) -> None:
        for worker in (self.loader, self.indexer):
            if worker is not None:
                worker.cancel()
                worker.wait(3000)
        self.save_state()
        super().closeEvent(event)

    def reading_font(self) -> QFont:
        from PySide6.QtGui import QFont

        return self.view.reading_font() if self.columns else QFont()


def _font_for_script(script: str, size: float) -> Any:
    """`reader.ui.fonts.font_for_script`, imported on first use."""
    from reader.ui.fonts import font_for_script

    return font_for_script(script, size)


def _match_key(surface: str) -> str:
    """`reader.corpus.text.match_key`, imported on first use (ICU is not needed to paint)."""
    from reader.corpus.text import match_key

    return match_key(surface)


def build_registry_for_tests() -> CommandRegistry:
    """A window's command registry (with every command the keymap binds), for tests."""
    if QApplication.instance() is None:
        QApplication([])
    window = MainWindow(restore=False)
    window.setAttribute(QtCore.Qt.WidgetAttribute.WA_DeleteOnClose, False)
    return window.registry


def _call_export(exchange: Any, store: Any, markdown: bool) -> str:
    """Text of an export through the store's exchange module (W3C JSON or Markdown)."""
    if markdown:
        return exchange.export_markdown(store.list())
    return exchange.export_w3c_json(store)


def _call_import(exchange: Any, store: Any, data: str) -> str:
    """Validate and merge an import (all or nothing); a summary of what changed."""
    result = exchange.import_w3c(store, data)
    summary = result.to_json()
    return ", ".join(f"{len(v)} {k}" for k, v in summary.items())
