"""The reading window: layout and wiring only.

What the reader looks at lives in the session (`reader.ui.session`), writes go through the
operations (`reader.ui.ops`), the commands are functions registered in `reader.ui.commands`,
the columns in `reader.ui.columns_area`, slow analysis in workers (`reader.ui.workers`), and
loading in `reader.ui.loading`. The window builds the widgets, connects the signals, keeps
itself within the screen and shows the status truthfully.
"""

from __future__ import annotations

import base64
import contextlib
import logging
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6 import QtCore  # QtCore.Qt is built on first use, after the first paint
from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import QApplication, QHBoxLayout, QLabel, QMainWindow, QVBoxLayout, QWidget

from reader.ui.modes import Mode, ModeManager
from reader.ui.registry import CommandError, CommandRegistry
from reader.ui.state import ReaderState, load_state
from reader.ui.theme import THEME_CHOICES, apply_theme, resolve_theme, system_prefers_dark

if TYPE_CHECKING:
    from PySide6.QtGui import QCloseEvent, QFont
    from PySide6.QtWidgets import QDockWidget

    from reader.corpus.pipeline import Analysis

log = logging.getLogger(__name__)

SAVE_DELAY_MS = 800
LEFT_DOCK_WIDTH = 300
NOTE_DOCK_WIDTH = 380
DOCK_MAX_SHARE = 0.4  # a side dock takes at most this share of the window's width


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
        self.index_fresh = False  # the store's index matches the files of this corpus
        self.units_cache: dict[str, Any] = {}
        self.search_cache: dict[str, Any] = {}
        self.concordance: Any = None
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
            self.fit_to_screen()

    def finish_build(self) -> None:
        """Session, operations, commands, keys, panels and docks (once)."""
        if self._pending is None:
            return
        from reader.ui.commands import register_all
        from reader.ui.loading import Loading
        from reader.ui.ops import Operations
        from reader.ui.session import ReadingSession
        from reader.ui.workers import Jobs

        analysis, keymap_path, restore = self._pending
        self._pending = None
        self.statusBar().clearMessage()
        self.session = ReadingSession(self)
        self.ops = Operations(self)
        self.jobs = Jobs(self)
        self.registry = CommandRegistry(self)
        self.modes = ModeManager(self)
        self.registry.error.connect(self.show_error)
        self.ops.failed.connect(self.show_error)
        self.jobs.failed.connect(lambda kind, msg: self.show_error(f"{kind} failed: {msg}"))
        from reader.ui.keymap import load_keymap

        self.keymap = load_keymap(keymap_path) if keymap_path is not None else load_keymap()
        register_all(self, self.registry)
        self._build_ui()
        self.loading = Loading(self)
        self.dispatcher = self._install_keys()
        from reader.ui.mismatches import install as install_mismatches
        from reader.ui.wiring import connect_views

        connect_views(self)
        install_mismatches(self)
        self._save_timer = QTimer(self)
        self._save_timer.setSingleShot(True)
        self._save_timer.setInterval(SAVE_DELAY_MS)
        self._save_timer.timeout.connect(self.save_state)
        if self.store is not None:
            self.attach_store(self.store)
        if restore:
            self._restore_window()
        self.fit_to_screen()
        if analysis is not None:
            self.set_analysis(analysis)
        self._follow_desktop_scheme()

    def _follow_desktop_scheme(self) -> None:
        """With the "system" theme: take the desktop's scheme now and whenever it switches."""
        from PySide6.QtGui import QGuiApplication

        self._desktop_scheme_changed()
        if isinstance(QGuiApplication.instance(), QGuiApplication):
            QGuiApplication.styleHints().colorSchemeChanged.connect(self._desktop_scheme_changed)

    def _desktop_scheme_changed(self, *_: object) -> None:
        if self.state.theme == "system" and system_prefers_dark() != self.theme.dark:
            self.apply_theme_choice("system")

    # ----- construction -------------------------------------------------------------------

    def attach_store(self, store: Any) -> None:
        """Use `store` for notes, links, topic edits and the corpus index."""
        self.store = store
        store.subscribe(self._store_changed)
        if self.session.analysis is not None:
            self.reload_annotations()

    def _install_keys(self) -> Any:
        """Key dispatcher, palette and key help."""
        from reader.ui.keys import install_keyboard

        keyboard = install_keyboard(self, self.registry, self.modes, self.keymap or None)
        self.palette_widget = keyboard.palette
        self.help_widget = keyboard.help
        self.keymap = keyboard.keymap
        keyboard.dispatcher.pending_changed.connect(lambda keys: self.pending_label.setText(keys))
        for problem in keyboard.errors[:1]:
            QTimer.singleShot(0, lambda p=problem: self.show_error(f"Keymap: {p}"))
        return keyboard.dispatcher

    def _build_ui(self) -> None:
        from reader.ui.annotations_panel import AnnotationsPanel
        from reader.ui.chooser import Chooser
        from reader.ui.columns_area import ColumnsArea
        from reader.ui.entities_panel import EntitiesPanel
        from reader.ui.note_editor import NoteEditor
        from reader.ui.search_bar import SearchBar
        from reader.ui.status import StatusBar
        from reader.ui.topics_panel import TopicsPanel

        Qt = QtCore.Qt
        self.area = ColumnsArea(self._partners)
        self.search_bar = SearchBar()
        self.search_bar.hide()
        self.empty = QLabel("Loading…")
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty.setWordWrap(True)
        central = QWidget()
        central.setObjectName("central")
        central.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        layout = QVBoxLayout(central)
        layout.setContentsMargins(4, 4, 4, 0)
        layout.setSpacing(2)
        layout.addWidget(self.empty, 1)
        layout.addWidget(self.area, 1)
        layout.addWidget(self.search_bar)
        self.central = central
        self.setCentralWidget(central)
        self.chooser = Chooser(central)
        self.topics_panel = TopicsPanel()
        self.entities_panel = EntitiesPanel()
        self.annotations_panel = AnnotationsPanel()
        self.note_editor = NoteEditor()
        left = Qt.DockWidgetArea.LeftDockWidgetArea
        self.topics_dock = self._dock("Topics", self.topics_panel, left)
        self.entities_dock = self._dock("Entities", self.entities_panel, left)
        self.annotations_dock = self._dock("Annotations", self.annotations_panel, left)
        self.tabifyDockWidget(self.entities_dock, self.annotations_dock)
        self.entities_dock.raise_()
        self.note_dock = self._dock("Note", self.note_editor, Qt.DockWidgetArea.RightDockWidgetArea)
        self.note_dock.hide()
        self.status = StatusBar(self.statusBar(), self)
        self.reset_dock_sizes()

    def _dock(self, title: str, widget: QWidget, area: Any) -> QDockWidget:
        from PySide6.QtWidgets import QDockWidget, QSizePolicy

        dock = QDockWidget(title, self)
        dock.setObjectName(f"{title.lower()}Dock")
        widget.setMinimumWidth(120)
        widget.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        dock.setWidget(widget)
        dock.setFeatures(
            QDockWidget.DockWidgetFeature.DockWidgetClosable
            | QDockWidget.DockWidgetFeature.DockWidgetMovable
        )
        self.addDockWidget(area, dock)
        return dock

    # ----- the columns' view of the analysis -----------------------------------------------

    def _partners(self, ids: list[str], doc_id: str, passage: int) -> dict[str, list[int]]:
        analysis = self.session.analysis
        return analysis.partners(ids, doc_id, passage) if analysis is not None else {}

    @property
    def analysis(self) -> Analysis | None:
        return self.session.analysis

    # ----- opening corpora, topics and documents -------------------------------------------

    def set_analysis(self, analysis: Analysis, keep_view: bool = False) -> None:
        """Show an analysis: a new corpus (its remembered or first topic), or with
        `keep_view` the same corpus again with the same topic, column and passages."""
        from reader.ui.wiring import place_after_new_analysis

        place_after_new_analysis(self, analysis, keep_view)

    def open_topic(self, index: int) -> None:
        """Show topic `index`'s documents side by side."""
        analysis = self.session.analysis
        if analysis is None or not analysis.topics:
            raise CommandError("No topics")
        index = max(0, min(index, len(analysis.topics) - 1))
        topic = analysis.topics[index]
        self._remember_positions()
        docs = analysis.documents_of(topic)
        order = self.state.order.get(topic.id)
        if order:
            rank = {d: n for n, d in enumerate(order)}
            docs.sort(key=lambda d: rank.get(d.id, len(rank)))
        self.session.topic_index = index
        self.session.single_doc = None
        self.state.topic = topic.id
        self._show(docs, set(self.state.hidden.get(topic.id, [])), self.state.sizes.get(topic.id))
        self.topics_panel.select_topic(index)

    def open_document(self, doc_id: str) -> None:
        """Read one document alone (`back` returns to its topic)."""
        doc = self.session.document(doc_id)
        if doc is None:
            raise CommandError(f"No document {doc_id}")
        analysis = self.session.analysis
        assert analysis is not None
        self._remember_positions()
        topic = analysis.topic_of(doc.id)
        self.session.return_topic = self.session.topic_index
        self.session.topic_index = analysis.topic_index(topic.id) if topic else None
        self.session.single_doc = doc.id
        self.state.topic = f"doc:{doc.id}"
        self.state.document = doc.id
        self._show([doc], set(), None)

    def _show(self, docs: list, hidden: set[str], sizes: list[int] | None) -> None:
        self.session.set_selection(None)
        if self.session.search_scope != "all":
            self.session.hits, self.session.hit_index = [], -1
        self.area.show_documents(
            docs, self.theme, self.zoom, hidden, self.state.positions, sizes, self.state.document
        )
        self.empty.setVisible(not docs)
        self.area.setVisible(bool(docs))
        self.session.topic_changed.emit()

    def _remember_positions(self) -> None:
        for column in self.area.columns:
            self.state.positions[column.doc.id] = column.view.current

    def reveal(self, doc_id: str, offset: int) -> bool:
        """Bring `offset` of a document into view, opening its topic (or the document alone)
        when it is not open; its column gets the focus. False for an unknown document."""
        analysis = self.session.analysis
        if analysis is None or self.session.document(doc_id) is None:
            return False
        if self.area.index_of(doc_id) is None:
            topic = analysis.topic_of(doc_id)
            if topic is not None:
                self.open_topic(analysis.topic_index(topic.id) or 0)
            else:
                self.open_document(doc_id)
        return self.area.reveal(doc_id, offset)

    def focus_columns(self) -> None:
        self.central.setFocus(QtCore.Qt.FocusReason.OtherFocusReason)

    def choose(self, title: str, items: list[tuple[str, str]], pick: Any) -> None:
        """Let the reader pick one of `items` (label, value) by typing; `pick(value)`."""
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

    # ----- annotations ----------------------------------------------------------------------

    def reload_annotations(self) -> None:
        """Read the corpus's annotations from the store once; the views follow."""
        analysis = self.session.analysis
        if self.store is None or analysis is None:
            self.session.set_annotations([])
            return
        paths = {d.path for d in analysis.corpus.documents}
        self.session.set_annotations([a for a in self.store.list() if a.document in paths])

    def reanchor_annotations(self) -> None:
        analysis = self.session.analysis
        if self.store is None or analysis is None:
            return
        known = {a.document for a in self.store.list()}
        for doc in analysis.corpus.documents:
            if doc.path in known:
                try:
                    self.store.reanchor(doc)
                except Exception as exc:
                    self.show_error(f"Could not re-anchor notes of {doc.path}: {exc}")

    def _store_changed(self, change: Any) -> None:
        """Another process (or the CLI) changed the store."""
        if getattr(change, "kind", "") in ("annotation", "document"):
            QTimer.singleShot(0, self.reload_annotations)

    # ----- look ---------------------------------------------------------------------------

    def apply_theme_choice(self, choice: str) -> None:
        if choice not in THEME_CHOICES:
            raise CommandError(f"Theme must be one of {', '.join(THEME_CHOICES)}")
        self.state.theme = choice
        self.theme = resolve_theme(choice)
        if choice == "system":
            self.state.system_dark = self.theme.dark
        app = QApplication.instance()
        if isinstance(app, QApplication):
            apply_theme(app, self.theme)
        self.area.set_theme(self.theme)
        from reader.ui.wiring import refresh_panels

        refresh_panels(self)
        self.keep_docks_in_bounds()
        self.schedule_save()

    def apply_zoom(self, zoom: float) -> None:
        """Reading size in the columns, and a matching size in the panels."""
        from reader.ui.wiring import zoom_panels

        self.zoom = zoom
        self.state.zoom = zoom
        self.area.set_zoom(zoom)
        zoom_panels(self, zoom)

    def reading_font(self) -> QFont:
        from PySide6.QtGui import QFont

        return self.area.view.reading_font() if self.area.columns else QFont()

    def concordance_view(self) -> Any:
        """The concordance view in its dock, made the first time it is asked for."""
        from reader.ui.commands.search import concordance_view

        return concordance_view(self)

    def _concordance_closed(self) -> None:
        if self.concordance_dock is not None:
            self.concordance_dock.hide()
        self.focus_columns()

    # ----- loading (see reader.ui.loading) ---------------------------------------------------

    def load_corpus(self, root: Path, refresh: bool = True) -> None:
        self.loading.load(Path(root), refresh)

    def cancel_loading(self) -> None:
        self.loading.cancel()

    @property
    def loader(self) -> Any:
        return self.loading.loader

    @property
    def indexer(self) -> Any:
        return self.loading.indexer

    # ----- status -----------------------------------------------------------------------------

    def show_message(self, text: str, msecs: int = 5000) -> None:
        self.status.message(text, msecs)

    def show_error(self, text: str) -> None:
        """Errors appear in the status bar, in the theme's error colour."""
        self.status.error(text, self.theme.error)

    @property
    def message_label(self) -> QLabel:
        return self.status.message_label

    # ----- size, layout and state ---------------------------------------------------------

    def fit_to_screen(self) -> None:
        """Keep the window within the available screen (a saved size from a bigger screen,
        or content asking for more room, never pushes it past the edges)."""
        from reader.ui.layout_guard import fit_window

        fit_window(self)

    def reset_dock_sizes(self) -> None:
        Qt = QtCore.Qt
        width = min(LEFT_DOCK_WIDTH, max(160, int(self.width() * 0.25)))
        self.resizeDocks([self.topics_dock], [width], Qt.Orientation.Horizontal)
        self.resizeDocks([self.note_dock], [NOTE_DOCK_WIDTH], Qt.Orientation.Horizontal)

    def keep_docks_in_bounds(self) -> None:
        from reader.ui.layout_guard import bound_docks

        bound_docks(self, DOCK_MAX_SHARE)

    def reset_layout(self) -> None:
        """Within the screen, side panels at their usual width, equal columns."""
        self.fit_to_screen()
        for dock in (self.topics_dock, self.entities_dock, self.annotations_dock):
            dock.setFloating(False)
            dock.show()
        self.reset_dock_sizes()
        self.area.equalise()
        QTimer.singleShot(0, self.area.after_move)

    def schedule_save(self) -> None:
        self._save_timer.start()

    def save_state(self) -> None:
        from reader.ui.window_state import save_window_state

        save_window_state(self)

    def _restore_window(self) -> None:
        from reader.ui.window_state import restore_window_state

        restore_window_state(self)

    def resizeEvent(self, event: Any) -> None:
        super().resizeEvent(event)
        if self._pending is None:
            QTimer.singleShot(0, self.fit_to_screen)

    def closeEvent(self, event: QCloseEvent) -> None:
        if self._pending is None:
            self.loading.stop(wait_ms=3000)
            self.jobs.shutdown()
            self.save_state()
        super().closeEvent(event)


def build_registry_for_tests() -> CommandRegistry:
    """A window's command registry (with every command the keymap binds), for tests."""
    if QApplication.instance() is None:
        QApplication([])
    window = MainWindow(restore=False)
    window.setAttribute(QtCore.Qt.WidgetAttribute.WA_DeleteOnClose, False)
    return window.registry
