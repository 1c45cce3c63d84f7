"""Mismatches in the window: the comparison of the open topic, its outlines in the columns, the
panel with the strips and the list, stepping, jumping, dismissing and hiding kinds.

The comparison runs in the worker process (`reader.compare_jobs.linked_comparison_job`) once
the topic's alignment is known, and only while the reader uses it (outlines on, the panel
shown, or a step asked for): it compares the pairs the alignment links directly. A result for
other columns or another alignment than the ones on screen is dropped. Dismissals and hidden
kinds are stored (`reader.store.mismatch_decisions`) through the operations path, so `u` and
`Ctrl+r` undo and redo them; the views then filter again without comparing again.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from pathlib import PurePosixPath
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Qt, QTimer

from reader.plural import counted
from reader.ui.mismatch_marks import MarkSpan
from reader.ui.mismatch_model import Shown, fingerprints
from reader.ui.mismatch_panel import MismatchPanel, PanelRow
from reader.ui.mismatch_strip import StripRow
from reader.ui.ops import ChangeSet
from reader.ui.registry import CommandError

if TYPE_CHECKING:
    from reader.corpus.compare import Comparison, Mismatch
    from reader.corpus.compare_topic import TopicComparison
    from reader.ui.window import MainWindow

MISMATCHES = "mismatches"  # ChangeSet kind of dismissals and hidden kinds
DOCK_HEIGHT = 230


class MismatchView(QObject):
    """The open topic's mismatches as the window shows them."""

    def __init__(self, w: MainWindow) -> None:
        super().__init__(w)
        self.w = w
        self.marks = False  # outlines in the columns (M)
        self.result: TopicComparison | None = None
        self.current: str | None = None  # key (see Shown) of the mismatch last jumped to
        self.dismissed: set[str] = set()
        self.hidden: set[str] = set()
        self._key: tuple | None = None  # what `result` was computed for
        self._alignment: Any = None
        self._asked: tuple | None = None  # what the running job computes
        self._waiting: list[Callable[[], None]] = []  # run when the result arrives
        self._keys: list[list[str]] = []  # fingerprints of `result`, by pair
        self.shown: Shown | None = None  # what is visible of `result`
        self._listed: list[str] | None = None  # keys in the panel's list
        self.panel = MismatchPanel()
        self.dock = w._dock("Mismatches", self.panel, Qt.DockWidgetArea.BottomDockWidgetArea)
        self.dock.hide()
        self.panel.docked()
        self.panel.strip.theme_source = lambda: w.theme
        self.panel.chosen.connect(lambda key: self._guard(self.jump, key))
        self.panel.dismiss_requested.connect(lambda key: self._guard(self.dismiss, key))
        self.panel.passage_chosen.connect(lambda d, p: self._guard(self.goto_passage, d, p))
        self.panel.leave.connect(w.focus_columns)
        self.dock.visibilityChanged.connect(self._dock_shown)
        w.session.topic_changed.connect(self._topic_changed)
        w.session.analysis_changed.connect(self._topic_changed)
        w.area.cursor_moved.connect(lambda *_: self._cursors_moved())
        w.area.layout_changed.connect(self._cursors_moved)
        w.jobs.busy_changed.connect(self._job_state)
        w.jobs.failed.connect(self._failed)
        w.ops.changed.connect(self._changed)

    def _guard(self, func: Callable[..., None], *args: Any) -> None:
        try:
            func(*args)
        except CommandError as exc:
            self.w.show_error(str(exc))

    # ----- computing -----------------------------------------------------------------------

    def wanted(self) -> bool:
        return self.marks or self.dock.isVisible()

    def _topic_changed(self) -> None:
        if self.wanted():
            self.ensure()
        else:
            self._set_result(None)
            self.redraw()

    def _dock_shown(self, visible: bool) -> None:
        if visible:
            self.ensure()
            self.redraw()

    def _job_state(self, kind: str, busy: bool) -> None:
        if kind == "align" and not busy and self.wanted():
            # the alignment has arrived (or changed): compare along it — on the next turn of
            # the event loop, as the job's end is announced before its result is stored
            QTimer.singleShot(0, self._aligned)

    def _aligned(self) -> None:
        if self.wanted():
            self.ensure()

    def _failed(self, kind: str, _message: str) -> None:
        if kind == "compare":
            self._asked = None
            self._waiting.clear()

    def _set_result(self, result: TopicComparison | None, key: tuple | None = None) -> None:
        self.result, self._key = result, key
        self.current = None  # keys point into one result
        self._keys = fingerprints(result) if result is not None else []
        self._reshow()

    def _reshow(self) -> None:
        """Work out what is visible again (a new result or new decisions)."""
        if self.result is None:
            self.shown = None
        else:
            self.shown = Shown.of(self.result, self._keys, self.dismissed, self.hidden)

    def _wanted_key(self) -> tuple[tuple | None, Any]:
        """(key of the comparison the screen needs, its alignment); key None: nothing to
        compare (fewer than two columns, or the alignment is not known yet)."""
        w = self.w
        analysis, ids = w.session.analysis, w.area.ids()
        if analysis is None or len(ids) < 2 or w.session.single_doc:
            return None, None
        try:
            align_key = analysis.align_key(ids)
        except KeyError:  # the columns are still another corpus's (a new one being opened)
            return None, None
        known, alignment = analysis.alignments.get(align_key)
        if not known:
            return None, None
        return (id(analysis), tuple(ids), id(alignment)), alignment

    def ensure(self, then: Callable[[], None] | None = None) -> None:
        """Have the comparison of the columns on screen; `then` runs once it is there."""
        key, alignment = self._wanted_key()
        if key is not None and key == self._key and alignment is self._alignment:
            if then is not None:
                then()
            return
        if then is not None:
            self._waiting.append(then)
        if self.result is not None and key != self._key:  # other columns: not theirs
            self._set_result(None)
        if key is None:
            if not self.w.area.ids() or len(self.w.area.ids()) < 2:
                self._waiting.clear()
            self.redraw()
            return
        if key == self._asked:
            return
        from reader.compare_jobs import linked_comparison_job

        analysis = self.w.session.analysis
        assert analysis is not None
        ids = list(key[1])
        docs = [analysis.corpus.by_id(i) for i in ids]
        job = functools.partial(linked_comparison_job, docs, analysis.sub_index(ids), alignment)
        self._asked = key
        self.w.jobs.submit(
            "compare", job, lambda pairs: self._arrived(key, alignment, docs, pairs), process=True
        )
        self.redraw()

    def _arrived(self, key: tuple, alignment: Any, docs: list, pairs: list) -> None:
        from reader.compare_jobs import with_documents

        self._asked = None
        now, now_alignment = self._wanted_key()
        if now != key or now_alignment is not alignment:  # another topic or alignment by now
            if self.wanted():
                self.ensure()
            return
        self._alignment = alignment
        self._load_decisions()
        self._set_result(with_documents(docs, pairs, alignment), key)
        self.redraw()
        if self.marks and not self._waiting and self.shown is not None:
            count = len(self.shown.order)
            self.w.status.passing(
                f"{counted(count, 'mismatch', 'mismatches')} outlined — gm / gM step through them",
                over=("Mismatch outlines on", "Comparing the versions"),
            )
        waiting, self._waiting = self._waiting, []
        for then in waiting:
            self._guard(then)

    def _load_decisions(self) -> None:
        store = self.w.store
        if store is None:
            return
        from reader.store.mismatch_decisions import dismissed, hidden_kinds

        try:
            self.dismissed, self.hidden = dismissed(store), hidden_kinds(store)
        except Exception as exc:  # an old store without the tables
            self.w.show_error(f"Mismatch decisions not read: {exc}")

    # ----- what is visible -------------------------------------------------------------------

    def visible(self) -> list[tuple[int, Mismatch]]:
        """(pair index, mismatch) the reader sees, most confident first."""
        shown = self.shown
        return [shown.by_key[k] for k in shown.order] if shown is not None else []

    def redraw(self) -> None:
        """Outlines, list and strips from the result and the reader's decisions."""
        self._redraw_marks()
        if self.dock.isVisible():
            self._fill_panel()

    def _redraw_marks(self) -> None:
        shown = self.shown
        for column in self.w.area.columns:
            marks: list[MarkSpan] = []
            if self.marks and shown is not None:
                marks = [
                    MarkSpan(x.start, x.end, x.passage, x.key == self.current)
                    for x in shown.spots.get(column.doc.id, [])
                ]
            if marks != column.view.deco.mismatches:
                column.view.update_decorations(mismatches=marks)
                column.view.viewport().update()

    def _fill_panel(self) -> None:
        shown = self.shown
        if shown is None:
            busy = self.w.jobs.busy("compare") or self.w.jobs.busy("align")
            note = "Comparing the versions…" if busy else "No topic with two versions open"
            if self._listed != []:
                self.panel.set_rows([], note)
                self._listed = []
            self.panel.summary.setText(note)
            self.panel.set_strips([], self.w.theme, note)
            return
        hidden = f" · hidden: {', '.join(sorted(self.hidden))}" if self.hidden else ""
        summary = (
            f"{counted(len(shown.order), 'mismatch', 'mismatches')} between "
            f"{counted(len(shown.result.pairs), 'aligned pair')}"
            f" of versions{hidden} · outlines {'on' if self.marks else 'off'} (M) · Enter jumps,"
            " d dismisses, Tab: the strips (arrows, Enter)"
        )
        if self._listed != shown.order:  # rebuilding the list costs: only when it changed
            rows = [self._row(key) for key in shown.order]
            self.panel.set_rows(rows, summary)
            self._listed = list(shown.order)
        self.panel.summary.setText(summary)
        self.panel.set_strips(self._strips(), self.w.theme)

    def _row(self, key: str) -> PanelRow:
        assert self.shown is not None
        n, m = self.shown.by_key[key]
        c = self.shown.result.pairs[n]

        def side(mention: Any) -> str:
            return mention.text if mention is not None else "— (not said)"

        languages = [d.language for d in self.shown.result.documents]

        def name(doc: Any) -> str:  # the language, and the file where it alone is ambiguous
            if languages.count(doc.language) < 2:
                return doc.language
            stem = PurePosixPath(doc.path).stem
            return f"{doc.language} {stem if len(stem) <= 20 else stem[:9] + '…' + stem[-10:]}"

        docs = f"{name(c.doc_a)} ↔ {name(c.doc_b)}"
        tip = (
            f"{m.kind}, confidence {m.confidence:.2f}\n"
            f"{c.doc_a.title} ({c.doc_a.language}): {side(m.a)}\n"
            f"{c.doc_b.title} ({c.doc_b.language}): {side(m.b)}"
        )
        return PanelRow(key, m.kind, m.confidence, side(m.a), side(m.b), docs, tip)

    def _strips(self) -> list[StripRow]:
        shown = self.shown
        if shown is None:
            return []
        area = self.w.area
        focused = area.column.doc.id if area.columns else None
        if set(area.ids()) != {d.id for d in shown.result.documents}:
            return []
        rows = []
        for column in area.columns:
            doc = column.doc
            hidden = " (hidden)" if doc.id in area.hidden else ""
            rows.append(
                StripRow(
                    doc.id,
                    f"{doc.language} {doc.title}{hidden}",
                    doc.title,
                    shown.strip(doc.id),
                    column.view.current,
                    doc.id == focused,
                )
            )
        return rows

    def _cursors_moved(self) -> None:
        strip = self.panel.strip
        if not self.dock.isVisible() or not strip.rows:
            return
        area = self.w.area
        by_id = {c.doc.id: c for c in area.columns}
        focused = area.column.doc.id if area.columns else None
        if [r.doc_id for r in strip.rows] != area.ids():
            self._fill_panel()
            return
        for row in strip.rows:
            row.cursor = by_id[row.doc_id].view.current
            row.focused = row.doc_id == focused
        strip.update()

    # ----- moving ----------------------------------------------------------------------------

    def sides(self, key: str) -> tuple[tuple[str, int, int], tuple[str, int, int]]:
        """Each side of a visible mismatch: (document id, offset, passage)."""
        n, m = self._listed_mismatch(key)
        assert self.result is not None
        c = self.result.pairs[n]
        out = []
        for doc, mention, passages in (
            (c.doc_a, m.a, c.groups[m.group][0]),
            (c.doc_b, m.b, c.groups[m.group][1]),
        ):
            if mention is not None:
                out.append((doc.id, mention.start, mention.passage))
            else:
                p = doc.passages[passages[0]]
                out.append((doc.id, p.start, p.index))
        return out[0], out[1]

    def _listed_mismatch(self, key: str) -> tuple[int, Mismatch]:
        if self.shown is None or key not in self.shown.by_key:
            raise CommandError("That mismatch is no longer listed")
        return self.shown.by_key[key]

    def jump(self, key: str, focus_doc: str | None = None) -> None:
        """Put each column's cursor on its side of the mismatch (the focused column stays
        focused when it is one of the two sides)."""
        a, b = self.sides(key)
        area = self.w.area
        here = focus_doc or (area.column.doc.id if area.columns else None)
        first, other = (b, a) if here == b[0] else (a, b)
        index = area.index_of(other[0])
        if index is not None:
            column = area.columns[index]
            if other[0] in area.hidden:
                area.hidden.discard(other[0])
                column.show()
                area.layout_changed.emit()
            column.view.set_current(other[2], scroll=False)
        self.current = key
        self.w.reveal(first[0], first[1])
        if index is not None and area.columns[index].view.current != other[2]:
            area.columns[index].view.set_current(other[2])
        if index is not None:  # both sides in view when they fit side by side
            area.ensure_pair_visible(area.column, area.columns[index])
        self._redraw_marks()
        self.panel.select(key)
        n, m = self._listed_mismatch(key)
        assert self.result is not None
        self.w.show_message(self._describe(self.result.pairs[n], m), 8000)

    @staticmethod
    def _describe(c: Comparison, m: Mismatch) -> str:
        a = f"“{m.a.text}”" if m.a else "nothing"
        b = f"“{m.b.text}”" if m.b else "nothing"
        return (
            f"{m.kind} mismatch ({m.confidence:.2f}): {c.doc_a.language} says {a}, "
            f"{c.doc_b.language} says {b} — d in the panel dismisses"
        )

    def step(self, direction: int) -> None:
        """Next (1) or previous (-1) mismatch of the focused column, in text order."""
        shown = self.shown
        area = self.w.area
        if shown is None or not area.columns:
            raise CommandError("No comparison yet")
        view = area.view
        doc_id = view.doc.id
        located = shown.spots.get(doc_id, [])
        if not located:  # the next column (in this direction) that has some
            ids = [c.doc.id for c in area.visible_columns()]
            n = ids.index(doc_id) if doc_id in ids else 0
            for other in [ids[(n + direction * k) % len(ids)] for k in range(1, len(ids))]:
                there = shown.spots.get(other, [])
                if there:
                    self.jump(there[0 if direction > 0 else -1].key, focus_doc=other)
                    return
            raise CommandError("No mismatches in the open columns")
        keys = [x.key for x in located]
        p = view.passage(view.current)
        if self.current in keys and located[keys.index(self.current)].passage == view.current:
            n = (keys.index(self.current) + direction) % len(keys)
        elif direction > 0:
            n = next((i for i, x in enumerate(located) if x.start >= p.start), 0)
        else:
            before = [i for i, x in enumerate(located) if x.start < p.end]
            n = before[-1] if before else len(located) - 1
        self.jump(keys[n], focus_doc=doc_id)

    def goto_passage(self, doc_id: str, passage: int) -> None:
        """From the strips: that passage as its column's cursor."""
        doc = self.w.session.document(doc_id)
        if doc is None or not 0 <= passage < len(doc.passages):
            raise CommandError("That passage is not open")
        self.w.reveal(doc_id, doc.passages[passage].start)

    # ----- decisions ---------------------------------------------------------------------------

    def _store(self) -> Any:
        if self.w.store is None:
            raise CommandError("No store: decisions about mismatches cannot be saved")
        return self.w.store

    def dismiss(self, key: str) -> None:
        """Dismiss one mismatch (stored; u undoes)."""
        from reader.store.mismatch_decisions import dismiss, restore

        store = self._store()
        n, m = self._listed_mismatch(key)
        assert self.result is not None and self.shown is not None
        c = self.result.pairs[n]
        fingerprint = self.shown.fingerprint[key]
        keys = self.panel.keys()
        after = keys[keys.index(key) + 1 :] + keys[: keys.index(key)][::-1] if key in keys else []
        text_a, text_b = (m.a.text if m.a else ""), (m.b.text if m.b else "")
        self.w.ops.run(
            "dismiss mismatch",
            lambda: dismiss(store, fingerprint, m.kind, c.doc_a.path, c.doc_b.path, text_a, text_b),
            lambda: restore(store, fingerprint),
            ChangeSet(MISMATCHES, (fingerprint,), {"action": "dismiss"}),
        )
        remaining = set(self.panel.keys())  # one dismissal may take several rows
        following = next((k for k in after if k in remaining), None)
        if following is not None:
            self.panel.select(following)
        self.w.show_message(
            f"Dismissed the {m.kind} mismatch {text_a or '—'} / {text_b or '—'} — u undoes"
        )

    def set_kind_hidden(self, kind: str, hide: bool) -> None:
        """Hide (or show again) every mismatch of a kind (stored; u undoes)."""
        from reader.store.mismatch_decisions import MISMATCH_KINDS, hide_kind, show_kind

        if kind not in MISMATCH_KINDS:
            raise CommandError(f"Mismatch kind must be one of {', '.join(MISMATCH_KINDS)}")
        store = self._store()
        self._load_decisions()
        if (kind in self.hidden) == hide:
            raise CommandError(
                f"{kind.capitalize()} mismatches are already {'hidden' if hide else 'shown'}"
            )
        do, undo = (hide_kind, show_kind) if hide else (show_kind, hide_kind)
        self.w.ops.run(
            f"{'hide' if hide else 'show'} {kind} mismatches",
            lambda: do(store, kind),
            lambda: undo(store, kind),
            ChangeSet(MISMATCHES, (kind,), {"action": "hide" if hide else "show"}),
        )
        self.w.show_message(
            f"{kind.capitalize()} mismatches {'hidden' if hide else 'shown'} — u undoes"
        )

    def _changed(self, change: ChangeSet) -> None:
        if change.kind == MISMATCHES:
            self._load_decisions()
            self._reshow()
            self.redraw()

    # ----- toggles ----------------------------------------------------------------------------

    def toggle_marks(self) -> bool:
        self.marks = not self.marks
        if self.marks:
            self.ensure()
        self.redraw()
        return self.marks

    def focus_panel(self) -> None:
        self.dock.show()
        self.dock.raise_()
        if self.dock.height() < DOCK_HEIGHT // 2:
            self.w.resizeDocks([self.dock], [DOCK_HEIGHT], Qt.Orientation.Vertical)
        self.ensure()
        self.redraw()
        self.panel.focus_list()


def install(w: MainWindow) -> MismatchView:
    """Add the mismatches panel and outlines to a window (once, after its views are wired)."""
    w.mismatches = MismatchView(w)
    return w.mismatches
