"""The gap band of a column: a blank band where a passage of another column has no partner here,
laid out as the top margin of the block it sits before. Mixed into `DocumentView`.

Qt lays a new QTextDocument out lazily, a few blocks per timer tick. A block format changed
before that has finished leaves the blocks after it placed but never laid out: blank, zero
high, until the document is made again (the cursor then vanishes into a band of nothing). So
the margin waits until the layout has reached the last block; the band is drawn only once the
margin is in the document.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QRectF, QTimer
from PySide6.QtGui import QTextBlockFormat, QTextCursor, QTextDocument

if TYPE_CHECKING:
    from PySide6.QtWidgets import QScrollBar, QWidget

LAYOUT_WAIT_MS = 15  # how often to look whether Qt's lazy layout has finished


class GapBand:
    """`set_gap(before, height)` opens the band; `gap_rect()` is where to paint it."""

    passage_count: int
    _built: bool
    _base: int
    _stop: int

    if TYPE_CHECKING:

        def _spacing(self) -> float: ...

        def block_rect(self, index: int) -> QRectF: ...

        def verticalScrollBar(self) -> QScrollBar: ...

        def viewport(self) -> QWidget: ...

        def _qt_document(self) -> QTextDocument: ...

        rewrapped: object

    def _init_gap(self) -> None:
        self._gap: tuple[int, float] | None = None  # (block the band sits before, height)
        self._margin: tuple[int, float] | None = None  # the band as the document has it now
        self._waited = False  # the margin waited for the layout: level the columns again
        self._layout_wait = QTimer(self)  # type: ignore[arg-type]
        self._layout_wait.setSingleShot(True)
        self._layout_wait.setInterval(LAYOUT_WAIT_MS)
        self._layout_wait.timeout.connect(self._sync_gap)

    def set_gap(self, before: int | None, height: float = 0.0) -> None:
        """Open a blank band of `height` before passage `before` (None: no gap)."""
        new = None if before is None else (max(0, min(before, self.passage_count)), height)
        if new == self._gap:
            return
        self._gap = new
        self._sync_gap()
        self.viewport().update()

    @property
    def gap(self) -> tuple[int, float] | None:
        return self._gap

    def _new_document(self) -> None:
        """A new QTextDocument is set: it has no margin yet."""
        self._margin = None
        self._sync_gap()

    def _sync_gap(self) -> None:
        """Put the wanted band into the document once its layout allows a format change."""
        wanted = self._gap if self._gap is not None and self._gap_shown(self._gap[0]) else None
        if not self._built or wanted == self._margin:
            return
        if not self._laid_out():
            self._waited = True
            self._layout_wait.start()
            return
        if self._margin is not None:
            self._set_top_margin(self._margin[0], 0.0)
        if wanted is not None:
            self._set_top_margin(*wanted)
        self._margin = wanted
        self.viewport().update()
        if self._waited:
            self._waited = False
            self.rewrapped.emit()  # type: ignore[attr-defined]  (level the columns again)

    def _laid_out(self) -> bool:
        """Whether Qt's lazy layout has reached the last block (it goes in order)."""
        layout = self._qt_document().lastBlock().layout()
        return layout is not None and layout.lineCount() > 0

    def _gap_shown(self, before: int) -> bool:
        """Whether the block that carries a gap before `before` is in the window."""
        return self._built and (
            self._base <= before < self._stop
            or (before >= self.passage_count and self._stop == self.passage_count)
        )

    def _set_top_margin(self, index: int, margin: float) -> None:
        qdoc = self._qt_document()
        fmt = QTextBlockFormat()
        if index >= self.passage_count:  # after the last passage: grow its bottom margin
            block = qdoc.lastBlock()
            fmt.setBottomMargin(self._spacing() + margin)
        else:
            block = qdoc.findBlockByNumber(index - self._base)
            fmt.setTopMargin(margin)
        QTextCursor(block).mergeBlockFormat(fmt)

    def gap_rect(self) -> QRectF | None:
        """The gap band in viewport coordinates: the margin above passage `before` (or below
        the last passage), never over text; None until the margin is in the document."""
        if self._margin is None:
            return None
        index, height = self._margin
        if index >= self.passage_count:
            top = self.block_rect(self.passage_count - 1).bottom() + self._spacing()
        else:
            top = self.block_rect(index).top() - height
        top -= self.verticalScrollBar().value()
        return QRectF(6, top + 2, self.viewport().width() - 12, max(0.0, height - 6))
