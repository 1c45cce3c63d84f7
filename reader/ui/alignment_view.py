"""What the columns show of the reader's alignment corrections, and how they follow a change.

- Margin marks: a passage in a group the reader linked (`user`, a dashed bar) or checked
  (`confirmed`, a solid bar with a tick) carries a bar at the column's right edge, in colours
  made for each theme; the pending end of a link (`zl` pressed once) a wider bar.
- Same-language word differences (`zd`): inserted, deleted and replaced words of aligned
  passages, computed in the worker process and drawn as extra selections.
- After a change of the stored links (`ALIGNMENT_LINKS`), the alignments holding the touched
  documents are invalidated (still shown, stale, until the new one lands) and the topic is
  aligned again in the worker with the links as fixed points; the columns re-level when it
  lands. A link whose text is gone is reported in the status bar, never dropped.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QPainter, QPen, QTextCharFormat

if TYPE_CHECKING:
    from reader.corpus.align import TopicAlignment
    from reader.ui.document_view import DocumentView
    from reader.ui.ops import ChangeSet
    from reader.ui.window import MainWindow

# (light theme, dark theme): bars strong enough on the page colour of each theme; diff
# backgrounds pale under dark text (light) and deep under light text (dark).
MARK_COLOURS: dict[str, tuple[str, str]] = {
    "user": ("#7b3fc4", "#c9a6ff"),
    "confirmed": ("#1b7a2e", "#7fd88f"),
    "pending": ("#c55a00", "#ffb45c"),
}
DIFF_COLOURS: dict[str, tuple[str, str]] = {
    "insert": ("#c4f0c4", "#1f5a2a"),
    "delete": ("#ffd0d0", "#6e2323"),
    "replace": ("#ffe7a3", "#5c4a12"),
}
MARK_WIDTH = 4


def mark_colour(kind: str, dark: bool) -> QColor:
    light, deep = MARK_COLOURS[kind]
    return QColor(deep if dark else light)


def diff_format(op: str, dark: bool, text: str) -> QTextCharFormat:
    """Background per edit; inserted words underlined, deleted ones struck through, replaced
    ones with a wavy line (the shape tells them apart without colour; no metrics change)."""
    light, deep = DIFF_COLOURS[op]
    fmt = QTextCharFormat()
    fmt.setBackground(QColor(deep if dark else light))
    fmt.setForeground(QColor(text))
    if op == "insert":
        fmt.setFontUnderline(True)
    elif op == "delete":
        fmt.setFontStrikeOut(True)
    else:
        fmt.setUnderlineStyle(QTextCharFormat.UnderlineStyle.WaveUnderline)
    return fmt


@dataclass
class AlignEditing:
    """Per-window state of the alignment corrections."""

    mark: tuple[str, list[int]] | None = None  # pending link end: document id, passages
    diff_on: bool = False
    diffs: dict[str, list[tuple[int, int, str]]] = field(default_factory=dict)
    reported: tuple[str, ...] = ()  # lost links said last (not repeated on every landing)
    panel: Any = None


def editing(w: MainWindow) -> AlignEditing:
    state = w.__dict__.get("_align_editing")
    if state is None:
        state = w.__dict__["_align_editing"] = AlignEditing()
    return state


# ----- margin marks -------------------------------------------------------------------------


def link_marks(alignment: TopicAlignment | None, doc_id: str) -> dict[int, str]:
    """Passages of `doc_id` in a group the reader linked or confirmed (confirmed wins)."""
    marks: dict[int, str] = {}
    if alignment is None:
        return marks
    for (x, _y), al in alignment.edges.items():
        if x != doc_id:
            continue
        for pair in al.pairs:
            if pair.kind == "auto":
                continue
            for i in pair.a:
                if marks.get(i) != "confirmed":
                    marks[i] = pair.kind
    return marks


def refresh_marks(w: MainWindow) -> None:
    """Margin marks and word differences of every column, from the alignment shown."""
    analysis = w.session.analysis
    if analysis is None or not w.area.columns:
        return
    state = editing(w)
    alignment = analysis.shown_alignment(w.area.ids())
    for column in w.area.columns:
        marks = link_marks(alignment, column.doc.id)
        if state.mark is not None and state.mark[0] == column.doc.id:
            marks.update(dict.fromkeys(state.mark[1], "pending"))
        diff = state.diffs.get(column.doc.id, []) if state.diff_on else []
        column.view.update_decorations(link_marks=marks, diff=diff)
        column.view.viewport().update()


def paint_link_marks(view: DocumentView, painter: QPainter) -> None:
    """Bars at the right edge of the passages on screen that carry a mark."""
    marks = view.deco.link_marks
    if not marks or not view.is_built:
        return
    first, last = view.visible_passages()
    x = view.viewport().width() - MARK_WIDTH - 2
    dark = view.theme.dark
    for i in range(first, last + 1):
        kind = marks.get(i)
        if kind is None or not view.in_window(i):
            continue
        top, height = view.passage_top(i), max(view.passage_height(i), 6.0)
        colour = mark_colour(kind, dark)
        if kind == "user":  # dashed
            pen = QPen(colour, MARK_WIDTH)
            pen.setStyle(Qt.PenStyle.DashLine)
            pen.setCapStyle(Qt.PenCapStyle.FlatCap)
            painter.setPen(pen)
            painter.drawLine(x + MARK_WIDTH // 2, int(top), x + MARK_WIDTH // 2, int(top + height))
        elif kind == "confirmed":  # solid with a tick at its top
            painter.fillRect(QRectF(x, top, MARK_WIDTH, height), colour)
            pen = QPen(colour, 2)
            painter.setPen(pen)
            painter.drawLine(x - 9, int(top) + 5, x - 6, int(top) + 9)
            painter.drawLine(x - 6, int(top) + 9, x - 1, int(top) + 1)
        else:  # the pending end of a link: wider
            painter.fillRect(QRectF(x - MARK_WIDTH, top, 2 * MARK_WIDTH, height), colour)


def diff_selections(view: DocumentView, start: int, end: int) -> list[tuple[int, int, Any]]:
    """(start, end, format) of the word differences within `start`..`end` of a view."""
    t = view.theme
    return [
        (s, e, diff_format(op, t.dark, t.text))
        for s, e, op in view.deco.diff
        if s < end and e > start
    ]


# ----- after a change -------------------------------------------------------------------------


def links_changed(w: MainWindow, change: ChangeSet) -> None:
    """The stored links of these documents changed (or an undo/redo did): align again."""
    from reader.ui.wiring import ensure_alignment

    analysis = w.session.analysis
    if analysis is None:
        return
    analysis.alignments.invalidate(change.ids)
    ensure_alignment(w)


def alignment_shown(w: MainWindow, landed: TopicAlignment | None = None) -> None:
    """The open topic's alignment is there (cached, or `landed` from the worker)."""
    state = editing(w)
    if state.diff_on:
        request_diffs(w)
    refresh_marks(w)
    lost = tuple(landed.lost) if landed is not None else ()
    if lost and lost != state.reported:
        n = len(lost)
        w.show_message(
            f"{n} of your alignment link{'s' if n > 1 else ''} lost {'their' if n > 1 else 'its'}"
            " text after a file changed (kept, not applied; `corpus-reader align-links list`)",
            15000,
        )
    state.reported = lost


def same_language_pairs(w: MainWindow) -> list[tuple[Any, Any, Any]]:
    """(doc_a, doc_b, alignment between them) for visible columns in one language."""
    analysis = w.session.analysis
    alignment = analysis.shown_alignment(w.area.ids()) if analysis is not None else None
    if alignment is None:
        return []
    docs = [c.doc for c in w.area.visible_columns()]
    out = []
    for n, a in enumerate(docs):
        for b in docs[n + 1 :]:
            if a.language == b.language:
                try:
                    out.append((a, b, alignment.between(a.id, b.id)))
                except (KeyError, IndexError):
                    continue
    return out


def request_diffs(w: MainWindow) -> None:
    """Compute the word differences of same-language columns in the worker process."""
    from reader.load_jobs import same_language_diffs

    pairs = same_language_pairs(w)
    state = editing(w)
    if not pairs:
        state.diffs = {}
        return
    ids = w.area.ids()

    def done(diffs: dict[str, list[tuple[int, int, str]]]) -> None:
        if w.area.ids() == ids:
            state.diffs = diffs
            refresh_marks(w)

    w.jobs.submit("diff", functools.partial(same_language_diffs, pairs), done, process=True)
