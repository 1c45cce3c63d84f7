"""The note editor: Markdown with a live preview, tags with completion, a colour.

Notes may come from strangers (imports), so the preview renders with raw HTML off, loads no
image or other resource, and opens no link by itself: a click asks the window, which shows the
address and opens only http(s).
"""

from __future__ import annotations

from functools import cache
from typing import Any

from PySide6.QtCore import QStringListModel, Qt, QTimer, QUrl, Signal
from PySide6.QtGui import QFont, QTextCursor, QTextOption
from PySide6.QtWidgets import (
    QComboBox,
    QCompleter,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSizePolicy,
    QSplitter,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from reader.ui.theme import DEFAULT_NOTE_COLOUR, NOTE_COLOURS

QUOTE_PREVIEW = 160
NOTE_POINT_SIZE = 11.0  # the note as typed and its preview (the UI's own size is ~9 pt)


@cache
def _markdown() -> Any:
    """The Markdown renderer, made on first use (markdown-it is not needed to open the window)."""
    from markdown_it import MarkdownIt

    return MarkdownIt("commonmark", {"html": False, "linkify": False})


def render_markdown(text: str) -> str:
    """HTML of a Markdown note, raw HTML off (it shows as text)."""
    return _markdown().render(text)


class SafeBrowser(QTextBrowser):
    """A QTextBrowser that fetches nothing: no images, no style sheets, no link navigation."""

    link_clicked = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setOpenLinks(False)
        self.setOpenExternalLinks(False)
        self.anchorClicked.connect(lambda url: self.link_clicked.emit(url.toString()))

    def loadResource(self, kind: int, name: QUrl) -> object:
        return None  # never read files or the network for a note's images


class TagsEdit(QLineEdit):
    """Comma-separated tags, completing the word being typed from the tags in use."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setPlaceholderText("tags, separated by commas")
        self._model = QStringListModel([], self)
        self._completer = QCompleter(self._model, self)
        self._completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self._completer.setWidget(self)
        self._completer.activated.connect(self._insert_completion)
        self.textEdited.connect(self._complete)

    def completer_popup(self) -> Any:
        return self._completer.popup()

    def set_known_tags(self, tags: list[str]) -> None:
        self._model.setStringList(tags)

    def tags(self) -> list[str]:
        return [t.strip() for t in self.text().split(",") if t.strip()]

    def set_tags(self, tags: list[str] | tuple[str, ...]) -> None:
        self.setText(", ".join(tags))

    def current_word(self) -> str:
        return self.text()[: self.cursorPosition()].rsplit(",", 1)[-1].strip()

    def _complete(self) -> None:
        word = self.current_word()
        if not word:
            self._completer.popup().hide()
            return
        self._completer.setCompletionPrefix(word)
        if self._completer.completionCount():
            self._completer.complete()
        else:
            self._completer.popup().hide()

    def _insert_completion(self, completion: str) -> None:
        text = self.text()
        pos = self.cursorPosition()
        head = text[:pos].rsplit(",", 1)
        before = (head[0] + ", ") if len(head) == 2 else ""
        self.setText(before + completion + ", " + text[pos:].lstrip(", "))
        self.setCursorPosition(len(before + completion) + 2)


class QuoteLabel(QPlainTextEdit):
    """The quoted text, wrapped anywhere (a long Khmer or Thai run has no spaces) in at most a
    few lines, so it never asks the dock, or the window, for more width."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("noteQuote")
        self.setReadOnly(True)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.setFrameShape(QPlainTextEdit.Shape.NoFrame)
        self.setWordWrapMode(QTextOption.WrapMode.WrapAtWordBoundaryOrAnywhere)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)
        self.setMinimumWidth(60)
        self._fit_height()

    def setFont(self, font: QFont) -> None:
        super().setFont(font)
        self._fit_height()

    def _fit_height(self) -> None:
        self.setFixedHeight(int(self.fontMetrics().lineSpacing() * 3.6) + 8)

    def setText(self, text: str) -> None:
        self.setPlainText(text)

    def text(self) -> str:
        return self.toPlainText()


class NoteEditor(QWidget):
    """Edit one note; the window saves it (Ctrl+Return) or cancels (Escape)."""

    save_requested = Signal()
    cancel_requested = Signal()
    link_clicked = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("noteEditor")
        self.target: tuple[str, int, int] | None = None  # (doc id, start, end)
        self.annotation_id: str | None = None
        self.quote = QuoteLabel()
        self.discard_armed = False  # Escape once warned that the note has changes
        self._opened_with: tuple[str, list[str], str] = ("", [], "")
        self.editor = QPlainTextEdit()
        self.editor.setObjectName("noteText")
        self.editor.setPlaceholderText("Note (Markdown). Ctrl+Return saves, Escape cancels.")
        self.editor.setTabChangesFocus(True)
        self.preview = SafeBrowser()
        self.preview.setObjectName("notePreview")
        for widget in (self.editor, self.preview):  # a note in Khmer or Thai, at a size to read
            font = widget.font()
            font.setPointSizeF(NOTE_POINT_SIZE)
            widget.setFont(font)
        self.preview.link_clicked.connect(self.link_clicked)
        self.tags = TagsEdit()
        self.colour = QComboBox()
        for name in NOTE_COLOURS:
            self.colour.addItem(name, name)
        self.save_button = QPushButton("Save (Ctrl+Return)")
        self.cancel_button = QPushButton("Cancel (Esc)")
        self.save_button.clicked.connect(self.save_requested)
        self.cancel_button.clicked.connect(self.cancel_requested)
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(self.editor)
        split.addWidget(self.preview)
        row = QHBoxLayout()
        row.addWidget(QLabel("Tags"))
        row.addWidget(self.tags, 1)
        row.addWidget(QLabel("Colour"))
        row.addWidget(self.colour)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.cancel_button)
        buttons.addWidget(self.save_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addWidget(self.quote)
        layout.addWidget(split, 1)
        layout.addLayout(row)
        layout.addLayout(buttons)
        self.preview.setFocusPolicy(Qt.FocusPolicy.ClickFocus)
        QWidget.setTabOrder(self.editor, self.tags)
        QWidget.setTabOrder(self.tags, self.colour)
        QWidget.setTabOrder(self.colour, self.save_button)
        self._preview_timer = QTimer(self)
        self._preview_timer.setSingleShot(True)
        self._preview_timer.setInterval(150)
        self._preview_timer.timeout.connect(self.update_preview)
        self.editor.textChanged.connect(self._preview_timer.start)

    def open(
        self,
        target: tuple[str, int, int],
        quote: str,
        note: str = "",
        tags: tuple[str, ...] | list[str] = (),
        colour: str = DEFAULT_NOTE_COLOUR,
        annotation_id: str | None = None,
        known_tags: list[str] | None = None,
        font: QFont | None = None,
    ) -> None:
        """Start editing a note on `target` and take the keyboard focus."""
        self.target = target
        self.annotation_id = annotation_id
        short = quote if len(quote) <= QUOTE_PREVIEW else quote[:QUOTE_PREVIEW] + "…"
        self.quote.setText(("Editing note on: " if annotation_id else "New note on: ") + short)
        if font is not None:
            self.quote.setFont(font)
        self.editor.setPlainText(note)
        self.editor.moveCursor(QTextCursor.MoveOperation.End)
        self.tags.set_tags(list(tags))
        self.tags.set_known_tags(known_tags or [])
        index = self.colour.findData(colour or DEFAULT_NOTE_COLOUR)
        self.colour.setCurrentIndex(max(0, index))
        self.update_preview()
        self.discard_armed = False
        self._opened_with = self.values()
        self.editor.setFocus(Qt.FocusReason.OtherFocusReason)

    def is_dirty(self) -> bool:
        """True when the note, tags or colour differ from what the editor opened with."""
        return self.target is not None and self.values() != self._opened_with

    def values(self) -> tuple[str, list[str], str]:
        """(note, tags, colour) as typed."""
        return self.editor.toPlainText(), self.tags.tags(), str(self.colour.currentData())

    def update_preview(self) -> None:
        self.preview.setHtml(render_markdown(self.editor.toPlainText()))
