"""A one-line label cut to its width: cut again when the font or width changes, and as before
when they come back (a theme change passes every label through two fonts)."""

from __future__ import annotations

from PySide6.QtWidgets import QApplication

from reader.ui.columns import ElidedLabel

LONG = "Analysts at Saigon Metro Rail expect the market to recover in the fourth quarter"


def _label(qtbot) -> ElidedLabel:
    label = ElidedLabel(LONG)
    qtbot.addWidget(label)
    label.resize(160, 30)
    label.show()
    QApplication.processEvents()
    return label


def test_a_bigger_font_cuts_more_and_the_old_font_cuts_as_before(qtbot):
    label = _label(qtbot)
    small = label.text()
    assert "…" in small and label.fontMetrics().horizontalAdvance(small) <= 160
    font = label.font()
    font.setPointSizeF(font.pointSizeF() * 2)
    label.setFont(font)
    QApplication.processEvents()
    big = label.text()
    assert len(big) < len(small) and label.fontMetrics().horizontalAdvance(big) <= 160
    font.setPointSizeF(font.pointSizeF() / 2)
    label.setFont(font)
    QApplication.processEvents()
    assert label.text() == small


def test_new_text_and_a_wider_label_are_cut_for_what_they_are_now(qtbot):
    label = _label(qtbot)
    label.set_full_text("Short title")
    assert label.text() == "Short title"
    label.set_full_text(LONG)
    narrow = label.text()
    label.resize(2000, 30)
    QApplication.processEvents()
    assert label.text() == LONG and narrow != LONG
