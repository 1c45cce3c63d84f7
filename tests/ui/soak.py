"""Seeded random key sequences against a window, checking after every key what a reader
relies on: the window within the screen, the cursor passage on screen in the focused column,
the mode and the status bar telling the truth.

Used by tests/ui/test_soak.py (a short run in the suite) and tests/bench/soak.py (the long
run before a submission).
"""

from __future__ import annotations

import random
import time
from dataclasses import dataclass, field

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from reader.ui.layout_guard import available
from reader.ui.modes import Mode

K = Qt.Key
CTRL = Qt.KeyboardModifier.ControlModifier
SHIFT = Qt.KeyboardModifier.ShiftModifier
NONE = Qt.KeyboardModifier.NoModifier

# (weight, keys): a plain string is typed character by character; a tuple is (key, modifier)
ACTIONS: list[tuple[int, object]] = [
    (14, "j"), (6, "k"), (4, "l"), (3, "h"), (2, "gg"), (2, "G"), (3, "]"), (2, "["),
    (3, "e"), (1, "E"), (2, "3j"), (1, (K.Key_D, CTRL)), (1, (K.Key_U, CTRL)),
    (2, "vww"), (1, "v)"), (1, "v}y"), (2, (K.Key_Escape, NONE)), (1, "x"), (1, "X"),
    (1, "<"), (1, ">"), (1, "s"), (1, "u"), (1, (K.Key_R, CTRL)), (1, "n"), (1, "N"),
    (1, (K.Key_T, CTRL)), (1, (K.Key_Equal, CTRL)), (1, (K.Key_Minus, CTRL)),
    (1, (K.Key_Backspace, NONE)), (1, "?"), (1, "note"), (1, "search"), (1, "palette"),
    (1, "alone"), (1, "concordance"), (1, "ga"), (1, "link"),
    (1, "M"), (2, "gm"), (1, "gM"), (1, (K.Key_M, CTRL | SHIFT)),
]  # fmt: skip


@dataclass
class SoakReport:
    keys: int = 0
    problems: list[str] = field(default_factory=list)
    topics_seen: set[int] = field(default_factory=set)
    timings: list[tuple[float, str]] = field(default_factory=list)  # seconds, action


def _press(w, key: object) -> None:
    target = QApplication.focusWidget() or w
    if isinstance(key, tuple):
        QTest.keyClick(target, key[0], key[1])
    elif key.isupper() or key in "?<>{}():":
        QTest.keyClick(target, key, SHIFT if key.isupper() else NONE)
    else:
        QTest.keyClick(target, key)
    QApplication.processEvents()


def _type(w, text: str) -> None:
    for ch in text:
        _press(w, ch)


def _act(w, action: object, rng: random.Random) -> None:
    if action == "note":
        _press(w, "a")
        if w.modes.mode == Mode.INSERT:
            w.note_editor.editor.insertPlainText(rng.choice(["ok", "# note\n- point", "ghi chú"]))
            if rng.random() < 0.6:
                QTest.keyClick(w.note_editor.editor, K.Key_Return, CTRL)
            else:
                QTest.keyClick(w.note_editor.editor, K.Key_Escape)
                QTest.keyClick(w.note_editor.editor, K.Key_Escape)
    elif action == "search":
        _press(w, "/")
        w.search_bar.line.insert(rng.choice(["the", "2026", "Bank", "ล้าน", "万"]))  # QTest: ASCII
        QTest.keyClick(w.search_bar.line, K.Key_Return)
    elif action == "palette":
        _press(w, ":")
        QTest.keyClicks(w.palette_widget.input, rng.choice(["column-wider", "zoom-in 2", "theme"]))
        QTest.keyClick(w.palette_widget.input, K.Key_Return)
    elif action == "alone":
        w.registry.run(f"open-document {w.area.column.doc.id}" if w.area.columns else "escape")
    elif action == "concordance":
        _press(w, (K.Key_K, CTRL))
        if w.concordance is not None and w.concordance.query_box.hasFocus():
            QTest.keyClicks(w.concordance.query_box, "the")
            QTest.keyClick(w.concordance.query_box, K.Key_Return)
        QTest.keyClick(QApplication.focusWidget() or w, K.Key_Escape)
    elif action == "link":
        _type(w, "e")
        _press(w, (K.Key_L, SHIFT))
        _press(w, "l")
        _type(w, "e")
        _press(w, (K.Key_L, SHIFT))
    elif isinstance(action, str):
        _type(w, action)
    else:
        _press(w, action)
    settle_events()


def settle_events() -> None:
    """Let the events an action posted run (layouts, timers of 0 ms): what the reader sees
    one frame later. Showing a column takes a chain of such rounds (layout request, resize,
    fitting the line length, levelling), each well under a millisecond."""
    from PySide6.QtCore import QEvent

    for _ in range(8):
        QApplication.processEvents()
        QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)  # as the app's loop does
        time.sleep(0.002)


def check(w) -> list[str]:
    """What is wrong with the window right now (empty: all is well)."""
    problems = []
    area = available(w)
    if area is not None and (w.width() > area.width() or w.height() > area.height()):
        problems.append(f"window {w.width()}x{w.height()} larger than the screen")
    mode = w.modes.mode
    if w.mode_label.text().strip().lower() != mode.value:
        problems.append(f"status says {w.mode_label.text()!r} in {mode.value} mode")
    if mode == Mode.NORMAL and w.palette_widget.isVisible():
        problems.append("palette open in normal mode")
    if w.area.columns and mode in (Mode.NORMAL, Mode.VISUAL):
        view = w.area.view
        top = view.passage_top(view.current)
        bottom = top + view.passage_height(view.current)
        if bottom < 0 or top > view.viewport().height():
            problems.append(f"cursor passage {view.current} off screen ({top:.0f}..{bottom:.0f})")
        expected = f"¶ {view.current + 1}/{view.passage_count}"
        if not w.passage_label.text().startswith(expected):
            problems.append(f"status {w.passage_label.text()!r}, cursor {expected}")
        if w.area.column.doc.title not in w.doc_label.text_shown():
            problems.append("status names another document")
        if w.area.column.isHidden():
            problems.append("the focused column is hidden")
        problems.extend(_level_problems(w))
    return problems


def _level_problems(w) -> list[str]:
    """With sync on, partners of the cursor passage sit level with it (where the partner's
    column can scroll that far)."""
    area = w.area
    if not area.sync or len(area.visible_columns()) < 2:
        return []
    view = area.view
    y = view.passage_top(view.current)
    partners = area.partners(view.doc.id, view.current)
    out = []
    for column in area.on_screen_columns():
        other = column.view
        found = partners.get(column.doc.id)
        if column is area.column or not found or not other.is_built:
            continue
        bar = other.verticalScrollBar()
        if bar.value() in (bar.minimum(), bar.maximum()):
            continue  # it cannot scroll further
        top = other.passage_top(found[0])
        if abs(top - y) > 3:
            out.append(f"{column.doc.title[:20]!r} partner at {top:.0f}, cursor at {y:.0f}")
    return out


def run_soak(w, keys: int, seed: int, settle=None) -> SoakReport:
    """Press `keys` random actions; collect every problem `check` finds after each."""
    rng = random.Random(seed)
    weights = [a[0] for a in ACTIONS]
    report = SoakReport()
    for n in range(keys):
        action = rng.choices(ACTIONS, weights)[0][1]
        started = time.perf_counter()
        _act(w, action, rng)
        report.timings.append((time.perf_counter() - started, repr(action)))
        if settle is not None and n % 25 == 0:
            settle()
        if w.modes.mode in (Mode.NORMAL, Mode.VISUAL):
            for problem in check(w):
                report.problems.append(f"key {n} ({action!r}): {problem}")
        else:  # a dialog-like mode left open by the action: leave it as a reader would
            QTest.keyClick(QApplication.focusWidget() or w, K.Key_Escape)
            QTest.keyClick(QApplication.focusWidget() or w, K.Key_Escape)
        if w.session.topic_index is not None:
            report.topics_seen.add(w.session.topic_index)
        report.keys += 1
    return report
