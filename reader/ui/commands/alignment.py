"""Correcting the passage alignment by keys (all chains start with `z`).

A correction works on the focused column's cursor passage and the groups it is in:

- `zl` twice: the first press marks the cursor passage as one end of a link (a wide bar at the
  column's edge; `zl` on more passages of the same column makes the end a group, `zl` on the
  marked passage or Escape cancels); the second press, in another column, links the mark with
  that column's cursor passage (replacing the groups either was in).
- `zm` adds the cursor passage to a group: to the marked passage's group when a mark is
  pending, else to the group of the passage above it (a 2-1 or 1-2 link).
- `zs` takes the cursor passage out of its group (the rest stays linked), `zu` unlinks it from
  every passage it lights up (the aligner never links them again), `zc` confirms the groups
  it lights up.
- `zd` shows word differences between versions in one language, `zg` what each version lacks.

Each change is one operation (`u` undoes, `Ctrl+r` redoes): it writes the stored links
(`reader.store.alignment_links`) and announces `ALIGNMENT_LINKS`; the topic is then aligned
again in the worker with the links as fixed points (`reader.ui.alignment_view`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from reader.ui.alignment_view import editing, refresh_marks, request_diffs, same_language_pairs
from reader.ui.commands import CommandError, command
from reader.ui.ops import ALIGNMENT_LINKS, ChangeSet

if TYPE_CHECKING:
    from reader.corpus.align import AlignedPair
    from reader.corpus.model import Document
    from reader.store.alignment_links import LinkChange
    from reader.ui.window import MainWindow


def _label(doc: Document, passages: list[int] | tuple[int, ...]) -> str:
    ps = sorted(passages)
    span = f"¶{ps[0] + 1}" if len(ps) == 1 else "¶" + ",".join(str(p + 1) for p in ps)
    return f"{doc.language} {span}"


def _store(w: MainWindow) -> Any:
    if w.store is None:
        raise CommandError("No store: alignment links cannot be saved")
    return w.store


def _cursor(w: MainWindow) -> tuple[Document, int]:
    if len(w.area.visible_columns()) < 2:
        raise CommandError("Alignment needs two columns side by side")
    column = w.area.column
    return column.doc, column.view.current


def _shown(w: MainWindow) -> Any:
    analysis = w.session.analysis
    alignment = analysis.shown_alignment(w.area.ids()) if analysis is not None else None
    if alignment is None:
        raise CommandError("The alignment is still being computed: try again in a moment")
    return alignment


def _group(w: MainWindow, doc: Document, other: Document, passage: int) -> AlignedPair | None:
    """The group of `passage` (of doc) in the alignment shown between doc and other."""
    try:
        between = _shown(w).between(doc.id, other.id)
    except (KeyError, IndexError):
        return None
    return next((p for p in between.pairs if passage in p.a), None)


def _lit_groups(w: MainWindow) -> list[tuple[Document, Document, AlignedPair]]:
    """(doc, other, group) for every visible column where the cursor passage has partners."""
    doc, passage = _cursor(w)
    _shown(w)
    out = []
    for column in w.area.visible_columns():
        if column.doc.id == doc.id:
            continue
        group = _group(w, doc, column.doc, passage)
        if group is not None:
            out.append((doc, column.doc, group))
    if not out:
        raise CommandError(f"{_label(doc, [passage])} has no partner in the other columns")
    return out


def run_change(
    w: MainWindow,
    text: str,
    perform: Callable[[Any], list[LinkChange]],
    docs: set[str],
    message: str,
) -> None:
    """One undoable operation over the stored links: `perform(store)` returns its changes."""
    from reader.store.alignment_links import LinkError, revert

    store = _store(w)
    state: dict[str, list[LinkChange]] = {}

    def do() -> None:
        if "undone" in state:  # a redo: bring back what the undo took away
            state["done"] = [revert(store, c) for c in reversed(state.pop("undone"))]
            return
        done: list[LinkChange] = []
        try:
            done.extend(perform(store))
        except LinkError as exc:
            for c in reversed(done):
                revert(store, c)
            raise CommandError(str(exc)) from exc
        state["done"] = done

    def undo() -> None:
        state["undone"] = [revert(store, c) for c in reversed(state.pop("done"))]

    w.ops.run(text, do, undo, ChangeSet(ALIGNMENT_LINKS, tuple(sorted(docs))))
    w.show_message(f"{message} — aligning again; u undoes", 8000)


# ----- the mark (one end of a link) ------------------------------------------------------------


def cancel_mark(w: MainWindow) -> bool:
    """Drop a pending link end (Escape); True if there was one."""
    state = editing(w)
    if state.mark is None:
        return False
    state.mark = None
    refresh_marks(w)
    w.show_message("Passage link cancelled")
    return True


def _marked(w: MainWindow) -> tuple[Document, list[int]] | None:
    state = editing(w)
    if state.mark is None:
        return None
    doc = w.session.document(state.mark[0])
    if doc is None or w.area.index_of(doc.id) is None:
        state.mark = None
        return None
    return doc, state.mark[1]


@command()
def align_link(w: MainWindow) -> None:
    """Link passages across columns: press on one end, then on the other (in another column)"""
    doc, passage = _cursor(w)
    state = editing(w)
    marked = _marked(w)
    if marked is None or marked[0].id == doc.id:
        passages = list(marked[1]) if marked else []
        if passage in passages:
            passages.remove(passage)
        else:
            passages.append(passage)
        if not passages:
            cancel_mark(w)
            return
        state.mark = (doc.id, sorted(passages))
        refresh_marks(w)
        w.show_message(
            f"Link end {_label(doc, passages)}: press zl on its partner in another column (zm"
            " there joins this group; zl here adds a passage; Esc cancels)",
            0,
        )
        return
    other, theirs = marked
    state.mark = None
    from reader.store.alignment_links import add_link

    run_change(
        w,
        "link passages",
        lambda store: [add_link(store, other, doc, theirs, [passage])],
        {doc.id, other.id},
        f"Linked {_label(other, theirs)} ↔ {_label(doc, [passage])}",
    )


@command()
def align_merge(w: MainWindow) -> None:
    """Add the cursor passage to a group: the marked passage's (zl), else the one above's"""
    from reader.store.alignment_links import add_link

    doc, passage = _cursor(w)
    marked = _marked(w)
    if marked is not None and marked[0].id != doc.id:
        other, theirs = marked
        editing(w).mark = None
        a, b = {passage}, set(theirs)
        for q in theirs:  # the groups of the marked passages, seen from this column
            group = _group(w, other, doc, q)
            if group is not None:
                a |= set(group.b)
                b |= set(group.a)
        run_change(
            w,
            "merge passages",
            lambda store: [add_link(store, doc, other, sorted(a), sorted(b))],
            {doc.id, other.id},
            f"Grouped {_label(doc, sorted(a))} ↔ {_label(other, sorted(b))}",
        )
        return
    if passage == 0:
        raise CommandError("The first passage has no passage above to join (mark one with zl)")
    above = passage - 1
    targets = []
    for column in w.area.visible_columns():
        if column.doc.id == doc.id:
            continue
        group = _group(w, doc, column.doc, above)
        if group is not None:
            targets.append((column.doc, sorted({*group.a, passage}), list(group.b)))
    if not targets:
        raise CommandError(f"{_label(doc, [above])} has no partner to join")

    def perform(store: Any) -> list[LinkChange]:
        return [add_link(store, doc, other, a, b) for other, a, b in targets]

    said = "; ".join(f"{_label(doc, a)} ↔ {_label(o, b)}" for o, a, b in targets)
    run_change(w, "merge passages", perform, {doc.id, *(o.id for o, _, _ in targets)}, said)


@command()
def align_split(w: MainWindow) -> None:
    """Take the cursor passage out of its group (the rest stays linked)"""
    from reader.store.alignment_links import add_link

    doc, passage = _cursor(w)
    plans = []
    for _, other, group in _lit_groups(w):
        if len(group.a) > 1:
            plans.append((other, [i for i in group.a if i != passage], list(group.b), []))
        elif len(group.b) > 1:  # alone on its side: keep the first partner, free the rest
            plans.append((other, [passage], list(group.b[:1]), list(group.b[1:])))
    if not plans:
        raise CommandError("Its groups are one to one: nothing to split (zu unlinks)")

    def perform(store: Any) -> list[LinkChange]:
        return [add_link(store, doc, other, a, b) for other, a, b, _ in plans]

    parts = []
    for other, a, b, freed in plans:
        kept = f"{_label(doc, a)} ↔ {_label(other, b)} kept"
        gone = _label(other, freed) if freed else _label(doc, [passage])
        parts.append(f"{kept}, {gone} left to the aligner")
    run_change(w, "split group", perform, {doc.id, *(p[0].id for p in plans)}, "; ".join(parts))


@command()
def align_unlink(w: MainWindow) -> None:
    """Unlink the cursor passage from the passages it lights up (never linked again)"""
    from reader.store.alignment_links import unlink

    doc, passage = _cursor(w)
    groups = _lit_groups(w)

    def perform(store: Any) -> list[LinkChange]:
        return [unlink(store, doc, other, passage, j) for _, other, g in groups for j in g.b]

    said = ", ".join(_label(other, g.b) for _, other, g in groups)
    run_change(
        w,
        "unlink passages",
        perform,
        {doc.id, *(o.id for _, o, _ in groups)},
        f"Unlinked {_label(doc, [passage])} from {said}",
    )


@command()
def align_confirm(w: MainWindow) -> None:
    """Confirm the groups the cursor passage lights up (kept as checked)"""
    from reader.store.alignment_links import confirm

    doc, _passage = _cursor(w)
    groups = _lit_groups(w)

    def perform(store: Any) -> list[LinkChange]:
        return [confirm(store, doc, other, g.a, g.b) for _, other, g in groups]

    said = "; ".join(f"{_label(doc, g.a)} ↔ {_label(o, g.b)}" for _, o, g in groups)
    run_change(
        w, "confirm group", perform, {doc.id, *(o.id for _, o, _ in groups)}, f"Confirmed {said}"
    )


# ----- comparing -------------------------------------------------------------------------------


@command()
def align_diff(w: MainWindow) -> None:
    """Show or hide word differences between versions in one language"""
    state = editing(w)
    if state.diff_on:
        state.diff_on = False
        state.diffs = {}
        refresh_marks(w)
        w.show_message("Word differences hidden")
        return
    _shown(w)
    pairs = same_language_pairs(w)
    if not pairs:
        raise CommandError("No two columns here are in one language: nothing to compare")
    state.diff_on = True
    request_diffs(w)
    names = ", ".join(f"{a.language} “{a.title[:20]}” / “{b.title[:20]}”" for a, b, _ in pairs)
    w.show_message(
        f"Word differences of {names}: green added, red struck dropped, amber wavy replaced"
        " — zd hides",
        10000,
    )


@command()
def align_gaps(w: MainWindow) -> None:
    """What each version of the topic lacks of the others (zg again or Escape closes)"""
    from reader.ui.coverage_panel import coverage_lines, show_coverage

    state = editing(w)
    if state.panel is not None and state.panel.isVisible():
        state.panel.close_panel()
        return
    _cursor(w)
    shown = w.area.visible_columns()
    labels = {c.doc.id: c.label for c in shown}
    lines = coverage_lines(w.session.analysis, [c.doc for c in shown], _shown(w), labels)
    show_coverage(w, lines)
