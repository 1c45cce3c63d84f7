"""The window stays within the screen and keeps its layout, whatever the topic or the note."""

from __future__ import annotations

import base64

from PySide6.QtCore import QRect, Qt
from PySide6.QtWidgets import QApplication

from reader.ui.columns_area import MIN_COLUMN_WIDTH
from reader.ui.layout_guard import available
from reader.ui.state import ReaderState, save_state
from tests.ui.big_corpus import big_analysis, biggest_topic
from tests.ui.helpers import CTRL, make_window, press, settle, sora_topic


def within_screen(w) -> bool:
    area: QRect = available(w)
    return w.width() <= area.width() and w.height() <= area.height()


def test_a_topic_of_24_documents_scrolls_sideways_inside_the_screen(qtbot, tmp_path):
    analysis = big_analysis()
    w = make_window(qtbot, tmp_path, analysis=analysis)
    w.open_topic(biggest_topic(analysis))
    settle(qtbot, w)
    assert len(w.area.columns) == 24
    assert within_screen(w), f"window {w.width()}x{w.height()} on a smaller screen"
    assert all(c.width() >= MIN_COLUMN_WIDTH for c in w.area.columns)
    assert w.area.horizontalScrollBar().maximum() > 0, "the columns scroll sideways"
    press(qtbot, w, "l" * 12)
    column = w.area.column
    left = w.area.horizontalScrollBar().value()
    assert column.geometry().left() >= left - 1
    assert column.geometry().right() <= left + w.area.viewport().width() + 1, "focused column shown"
    built = sum(c.view.is_built for c in w.area.columns)
    assert built < 24, "columns never scrolled into view are not laid out"
    panel = w.topics_panel
    right = panel.header().sectionViewportPosition(1) + panel.columnWidth(1)
    assert right <= panel.viewport().width(), "the document count is inside the panel"
    counts = [panel.row_text(i, 1) for i in range(panel.row_count())]
    widest = max(panel.fontMetrics().horizontalAdvance(c) for c in counts)
    assert "24" in counts and widest + 6 <= panel.columnWidth(1), "counts are not clipped"


def test_annotating_a_long_khmer_paragraph_keeps_the_window_and_save_button_on_screen(
    qtbot, tmp_path, store
):
    w = make_window(qtbot, tmp_path, store)
    w.open_topic(sora_topic(w.analysis))
    km = next(c for c in w.area.columns if c.doc.path.startswith("003"))
    w.area.set_focus(w.area.columns.index(km))
    longest = max(
        range(len(km.doc.passages)), key=lambda i: len(km.doc.passage_text(km.doc.passages[i]))
    )
    w.area.move_to(longest)
    width = w.width()
    press(qtbot, w, "a")
    QApplication.processEvents()
    assert w.width() <= max(width, available(w).width())
    assert within_screen(w)
    button = w.note_editor.save_button
    assert button.isVisible()
    top_left = button.mapTo(w, button.rect().topLeft())
    assert top_left.x() >= 0 and top_left.x() + button.width() <= w.width(), "Save is reachable"


def test_theme_toggle_with_a_note_keeps_the_docks_and_columns_as_they_were(qtbot, tmp_path, store):
    w = make_window(qtbot, tmp_path, store)
    w.open_topic(sora_topic(w.analysis))
    press(qtbot, w, "a")
    qtbot.keyClicks(w.note_editor.editor, "a note with **Markdown** that is long enough " * 4)
    qtbot.keyClick(w.note_editor.editor, Qt.Key.Key_Return, CTRL)
    QApplication.processEvents()
    before = (w.topics_dock.width(), [c.width() for c in w.area.visible_columns()])
    for _ in range(3):
        press(qtbot, w, "t", CTRL)
        QApplication.processEvents()
    assert w.topics_dock.width() <= max(before[0], int(w.width() * 0.4))
    assert min(c.width() for c in w.area.visible_columns()) >= MIN_COLUMN_WIDTH - 1


def test_a_saved_size_bigger_than_the_screen_is_corrected_on_start(qtbot, tmp_path):
    from PySide6.QtWidgets import QMainWindow

    probe = QMainWindow()
    probe.resize(6000, 4000)
    geometry = base64.b64encode(bytes(probe.saveGeometry().data())).decode("ascii")
    probe.deleteLater()
    save_state(ReaderState(geometry=geometry), tmp_path / "state.json")
    w = make_window(qtbot, tmp_path, restore=True)
    QApplication.processEvents()
    assert within_screen(w)


def test_layout_reset_brings_docks_back_and_equal_columns(qtbot, tmp_path):
    w = make_window(qtbot, tmp_path)
    w.open_topic(sora_topic(w.analysis))
    w.topics_dock.hide()
    press(qtbot, w, "l")
    w.registry.run("column-wider 3")
    sizes = w.area.splitter.sizes()
    assert max(sizes) - min(sizes) > 100
    assert w.registry.run("layout-reset")
    QApplication.processEvents()
    assert w.topics_dock.isVisible()
    sizes = w.area.splitter.sizes()
    assert max(sizes) - min(sizes) <= 2


def test_repeated_resizes_settle_the_reading_margin_without_recursion(qtbot, tmp_path):
    w = make_window(qtbot, tmp_path)
    view = w.area.view
    for width in (1200, 700, 1500, 900, 1400, 800) * 5:
        w.resize(width, 800)
        QApplication.processEvents()
    QApplication.processEvents()
    em = view.fontMetrics().averageCharWidth() * 2
    from reader.ui.document_view import BAR_SPACE, MAX_LINE_EM

    spare = view.width() - 2 * view.frameWidth() - BAR_SPACE - MAX_LINE_EM * em
    assert view.viewportMargins().left() == int(max(0, spare) / 2)


def test_the_gap_band_sits_above_the_passage_not_over_it(qtbot, tmp_path):
    w = make_window(qtbot, tmp_path)
    w.open_topic(sora_topic(w.analysis))
    settle(qtbot, w)
    view = w.area.view
    qtbot.waitUntil(view._laid_out, timeout=5000)  # a band waits for Qt's lazy layout
    view.set_gap(3, 60.0)
    band = view.gap_rect()
    assert band is not None
    assert band.bottom() <= view.passage_top(3) + 0.5, "the band ends where the text starts"
    assert band.top() >= view.passage_top(2) + view.passage_height(2) - 0.5


def test_gaps_opened_while_qt_still_lays_a_column_out_leave_no_passage_blank(qtbot, tmp_path):
    """Moving the cursor at once after the columns are made opens gap bands while Qt is still
    laying the documents out a step at a time; no passage may end up blank and zero high."""
    w = make_window(qtbot, tmp_path)
    w.open_topic(sora_topic(w.analysis))
    press(qtbot, w, "gg16j")
    for key in "klkk":
        press(qtbot, w, key)
        qtbot.wait(150)
    settle(qtbot, w)
    qtbot.wait(300)
    for column in w.area.columns:
        view = column.view
        heights = [view.passage_height(i) for i in range(view.passage_count)]
        blank = [i for i, h in enumerate(heights) if h < 1]
        assert not blank, f"{column.doc.path}: passages {blank} are blank"
