"""The status bar: mode, topic, document, passage, one line of message, progress and keys
typed so far. Messages are always one line, cut to fit with …, never raw Markdown."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QLabel, QProgressBar, QPushButton, QStatusBar

from reader.ui.columns import ElidedLabel

if TYPE_CHECKING:
    from reader.ui.window import MainWindow


def one_line(text: str) -> str:
    """Whitespace (newlines included) folded to single spaces."""
    return " ".join(text.split())


class MessageLabel(ElidedLabel):
    """A status-bar label: one line of message, as much as fits, the whole on hover."""

    def __init__(self, name: str = "messageLabel", elide=Qt.TextElideMode.ElideRight) -> None:
        super().__init__("", elide=elide)
        self.setObjectName(name)
        self.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

    def set_message(self, text: str) -> None:
        self.set_full_text(one_line(text))
        self.setToolTip(self.full_text if len(self.full_text) > 60 else "")

    def text_shown(self) -> str:
        return self.full_text


class StatusBar:
    """The window's status bar widgets and what writes to them."""

    def __init__(self, bar: QStatusBar, window: MainWindow) -> None:
        self.window = window
        self.mode_label = QLabel(" NORMAL ")
        self.mode_label.setObjectName("modeLabel")
        self.topic_label = MessageLabel("topicLabel", Qt.TextElideMode.ElideMiddle)
        self.doc_label = MessageLabel("docLabel", Qt.TextElideMode.ElideMiddle)
        self.passage_label = QLabel("")
        self.pending_label = QLabel("")
        self.pending_label.setObjectName("pendingLabel")
        self.message_label = MessageLabel()
        self.progress = QProgressBar()
        room = self.progress.fontMetrics().horizontalAdvance("00000/00000 entities") + 24
        self.progress.setMinimumWidth(room)  # the count stays readable beside long messages
        self.progress.setMaximumWidth(max(200, room))
        self.progress.hide()
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.hide()
        bar.addWidget(self.mode_label)
        bar.addWidget(self.topic_label, 2)
        bar.addWidget(self.doc_label, 2)
        bar.addWidget(self.passage_label)
        bar.addWidget(self.message_label, 5)
        bar.addPermanentWidget(self.progress)
        bar.addPermanentWidget(self.cancel_button)
        bar.addPermanentWidget(self.pending_label)
        self._timer = QTimer(window)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(lambda: self.message_label.set_message(""))
        # the window's old attribute names
        window.mode_label = self.mode_label
        window.topic_label = self.topic_label
        window.doc_label = self.doc_label
        window.passage_label = self.passage_label
        window.pending_label = self.pending_label
        window.progress = self.progress
        window.cancel_button = self.cancel_button

    def message(self, text: str, msecs: int = 5000) -> None:
        self.message_label.setStyleSheet("")
        self.message_label.set_message(text)
        if msecs:
            self._timer.start(msecs)
        else:
            self._timer.stop()

    def passing(self, text: str, over: tuple[str, ...] = (), msecs: int = 5000) -> None:
        """A message from work that finished in the background: shown unless another timed
        message is still on screen (one starting with any of `over`, what it answers, is
        replaced), so that "Hit 3 of 12" is not wiped by what a jump started."""
        shown = self.message_label.full_text
        if shown and self._timer.isActive() and not shown.startswith(over):
            return
        self.message(text, msecs)

    def error(self, text: str, colour: str) -> None:
        self.message_label.setStyleSheet(f"color: {colour};")
        self.message_label.set_message(text)
        self._timer.start(10000)

    def update(self) -> None:
        """Say where the reader is: topic, document, passage, selection."""
        w = self.window
        session = w.session
        topic = session.topic
        analysis = session.analysis
        if session.single_doc:
            text = "Document alone" + (f" · topic {topic.label}" if topic else "")
            text += " · Backspace: back"
        elif topic is not None and analysis is not None and session.topic_index is not None:
            text = f"Topic {session.topic_index + 1}/{len(analysis.topics)}: {topic.label}"
        else:
            text = ""
        self.topic_label.set_message(text)
        if not w.area.columns:
            self.doc_label.set_message("")
            self.passage_label.setText("")
            return
        column = w.area.column
        self.doc_label.set_message(f"{column.doc.title} [{column.doc.language}]")
        view = column.view
        text = f"¶ {view.current + 1}/{view.passage_count}"
        passage = view.passage(view.current) if view.passage_count else None
        kind = passage.kind if passage else ""
        if kind and kind != "paragraph":
            text += f" {kind}"
        if passage is not None:
            text += _where(passage)
        if session.selection:
            text += f" · {len(session.selected_text())} selected"
        if not w.area.sync:
            text += " · sync off"
        if w.jobs.busy("align"):
            text += " · aligning…"
        self.passage_label.setText(text)


def _where(passage) -> str:
    """Chapter, page or cue time of a passage, when its format has them."""
    parts = []
    chapter = getattr(passage, "chapter", None)
    page = getattr(passage, "page", None)
    cue = getattr(passage, "time", None)
    if chapter:
        parts.append(chapter if len(chapter) <= 30 else chapter[:29] + "…")
    if page:
        parts.append(f"p. {page}")
    if cue:
        start = int(cue[0])
        parts.append(f"{start // 3600:d}:{start // 60 % 60:02d}:{start % 60:02d}")
    return (" · " + " · ".join(parts)) if parts else ""
