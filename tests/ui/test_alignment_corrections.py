"""Correcting the passage alignment by keys (z chains): link, unlink, merge, split, confirm,
undo/redo, links that survive a re-open and an edit of the file, word differences and what
each version lacks."""

from __future__ import annotations

import shutil

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from reader.corpus.loading import load_corpus
from reader.corpus.pipeline import analyse
from reader.paths import seeds_dir
from reader.store.alignment_links import all_links
from reader.ui.window import MainWindow
from reader.ui.wiring import refresh_entities_panel
from tests.ui.helpers import CTRL, focus_doc, make_window, press, settle, sora_topic


def goto(qtbot, w: MainWindow, passage: int) -> None:
    press(qtbot, w, "gg")
    if passage:
        press(qtbot, w, f"{passage}j")
    assert w.area.view.current == passage


def between(w: MainWindow, a_prefix: str, b_prefix: str):
    a = next(c.doc for c in w.area.columns if c.doc.path.startswith(a_prefix))
    b = next(c.doc for c in w.area.columns if c.doc.path.startswith(b_prefix))
    alignment = w.analysis.shown_alignment(w.area.ids())
    assert alignment is not None
    return a, b, alignment.between(a.id, b.id)


def group_of(pairs, i):
    return next((p for p in pairs if i in p.a), None)


def column(w: MainWindow, prefix: str):
    return next(c for c in w.area.columns if c.doc.path.startswith(prefix))


def sora_window(qtbot, tmp_path, store, analysis=None):
    w = make_window(qtbot, tmp_path, store, analysis)
    w.open_topic(sora_topic(w.analysis))
    settle(qtbot, w)
    return w


def content(doc):
    return [p.index for p in doc.passages if p.kind != "boilerplate"]


def test_link_by_keys_realigns_marks_and_undo_redo(qtbot, tmp_path, store):
    w = sora_window(qtbot, tmp_path, store)
    km, pt, before = between(w, "003", "004")
    i = content(km)[3]
    old = group_of(before.pairs, i)
    j = next(x for x in content(pt)[5:] if old is None or x not in old.b)

    focus_doc(qtbot, w, "003")
    goto(qtbot, w, i)
    press(qtbot, w, "zl")
    assert "Link end" in w.message_label.text_shown()
    assert column(w, "003").view.deco.link_marks.get(i) == "pending"
    focus_doc(qtbot, w, "004")
    goto(qtbot, w, j)
    press(qtbot, w, "zl")
    assert f"¶{i + 1}" in w.message_label.text_shown()
    links = all_links(store)
    assert [(x.kind, x.doc_a[:3], x.doc_b[:3]) for x in links] == [("user", "003", "004")]
    settle(qtbot, w)
    _, _, after = between(w, "003", "004")
    pair = group_of(after.pairs, i)
    assert pair is not None and j in pair.b and pair.kind == "user", "the link is a fixed point"
    assert column(w, "003").view.deco.link_marks.get(i) == "user"
    assert column(w, "004").view.deco.link_marks.get(j) == "user"
    # the columns lit up the new partner: from pt ¶j, km ¶i is its partner
    assert i in w.area.partners(pt.id, j).get(km.id, [])

    press(qtbot, w, "u")
    assert all_links(store) == []
    settle(qtbot, w)
    _, _, undone = between(w, "003", "004")
    assert (group_of(undone.pairs, i) or pair).kind == "auto"
    assert i not in column(w, "003").view.deco.link_marks
    qtbot.keyClick(w.focusWidget() or w, Qt.Key.Key_R, CTRL)
    assert [x.kind for x in all_links(store)] == ["user"]
    settle(qtbot, w)
    _, _, redone = between(w, "003", "004")
    assert j in group_of(redone.pairs, i).b


def test_unlink_confirm_merge_and_split_by_keys(qtbot, tmp_path, store):
    w = sora_window(qtbot, tmp_path, store)
    km, _pt, shown = between(w, "003", "004")
    i = next(x for x in content(km)[2:] if group_of(shown.pairs, x) is not None)
    partners = list(group_of(shown.pairs, i).b)
    focus_doc(qtbot, w, "003")
    goto(qtbot, w, i)

    press(qtbot, w, "zu")
    assert "Unlinked" in w.message_label.text_shown()
    assert {x.kind for x in all_links(store)} == {"unlink"}
    settle(qtbot, w)
    _, _, after = between(w, "003", "004")
    now = group_of(after.pairs, i)
    assert now is None or not set(partners) & set(now.b), "an unlinked pair never comes back"
    press(qtbot, w, "u")
    assert all_links(store) == []
    settle(qtbot, w)

    # confirm what the cursor passage lights up: stored as checked, marked solid
    press(qtbot, w, "zc")
    kinds = {(x.kind, x.doc_a[:3], x.doc_b[:3]) for x in all_links(store)}
    assert ("confirmed", "003", "004") in kinds
    settle(qtbot, w)
    assert column(w, "003").view.deco.link_marks.get(i) == "confirmed"

    # merge the next passage into the group above it: a 2-1 group, then split it again
    press(qtbot, w, "j")
    press(qtbot, w, "zm")
    settle(qtbot, w)
    _, _, merged = between(w, "003", "004")
    group = group_of(merged.pairs, i + 1)
    assert group is not None and set(group.a) == {i, i + 1} and group.kind == "user"
    press(qtbot, w, "zs")
    assert "left to the aligner" in w.message_label.text_shown()
    settle(qtbot, w)
    _, _, split = between(w, "003", "004")
    kept = group_of(split.pairs, i)
    assert kept is not None and kept.a == (i,) and kept.kind == "user"
    press(qtbot, w, "u")
    settle(qtbot, w)
    _, _, back = between(w, "003", "004")
    assert set(group_of(back.pairs, i).a) == {i, i + 1}, "undo brings the 2-1 group back"


def test_escape_cancels_a_pending_link_end(qtbot, tmp_path, store):
    w = sora_window(qtbot, tmp_path, store)
    press(qtbot, w, "zl")
    assert w.area.view.deco.link_marks.get(w.area.view.current) == "pending"
    qtbot.keyClick(w.focusWidget() or w, Qt.Key.Key_Escape)
    assert "pending" not in w.area.view.deco.link_marks.values()
    assert all_links(store) == []


def _corpus_copy(tmp_path):
    root = tmp_path / "corpus"
    shutil.copytree(seeds_dir(), root)
    return root


def test_link_survives_reopen_and_an_edit_and_a_lost_one_is_reported(qtbot, tmp_path, store):
    root = _corpus_copy(tmp_path)
    w = sora_window(qtbot, tmp_path, store, analyse(load_corpus(root)))
    km, pt, shown = between(w, "003", "004")
    i = content(km)[4]
    old = group_of(shown.pairs, i)
    j = next(x for x in content(pt)[6:] if old is None or x not in old.b)
    k = content(km)[8]
    focus_doc(qtbot, w, "003")
    goto(qtbot, w, i)
    press(qtbot, w, "zl")
    focus_doc(qtbot, w, "004")
    goto(qtbot, w, j)
    press(qtbot, w, "zl")
    settle(qtbot, w)
    # a second link whose pt passage will be deleted from the file
    focus_doc(qtbot, w, "003")
    goto(qtbot, w, k)
    press(qtbot, w, "zc")
    settle(qtbot, w)
    gone_b = group_of(between(w, "003", "004")[2].pairs, k).b
    w.close()

    # the pt file gains a paragraph at the top and loses the confirmed passage's text
    path = root / pt.path
    paragraphs = path.read_text(encoding="utf-8").split("\n")
    texts = {pt.text[pt.passages[x].start : pt.passages[x].end] for x in gone_b}
    kept = [p for p in paragraphs if p.strip() not in texts]
    path.write_text("Um parágrafo novo no início.\n" + "\n".join(kept), encoding="utf-8")
    w2 = sora_window(qtbot, tmp_path, store, analyse(load_corpus(root)))
    settle(qtbot, w2)
    _km2, pt2, again = between(w2, "003", "004")
    quote = pt.text[pt.passages[j].start : pt.passages[j].end]
    j2 = next(p.index for p in pt2.passages if pt2.text[p.start : p.end] == quote)
    assert j2 == j + 1
    pair = group_of(again.pairs, i)
    assert pair is not None and pair.kind == "user" and j2 in pair.b, "found again by its text"
    assert "lost" in w2.message_label.text_shown(), "the link whose text is gone is reported"
    assert len(all_links(store)) == 2, "and kept in the store"


def _same_language_corpus(tmp_path):
    """Two versions of one Portuguese story: a word changed, one added, one dropped, and a
    paragraph the second version leaves out."""
    root = tmp_path / "pt"
    root.mkdir()
    text = (seeds_dir() / "004_6c45e3670363a357.txt").read_text(encoding="utf-8")
    paragraphs = [p for p in text.split("\n") if p.strip()][:8]
    (root / "a.txt").write_text("\n\n".join(paragraphs), encoding="utf-8")
    changed = list(paragraphs)
    changed[1] = changed[1].replace("China", "a China", 1)
    words = changed[2].split(" ")
    changed[2] = " ".join([*words[:3], "realmente", *words[3:]])
    words = changed[3].split(" ")
    changed[3] = " ".join(words[:2] + words[3:])
    del changed[6]
    (root / "b.txt").write_text("\n\n".join(changed), encoding="utf-8")
    (root / "topics.toml").write_text(
        '[[topic]]\nname = "one story"\ndocuments = ["a.txt", "b.txt"]\n', encoding="utf-8"
    )
    return root, paragraphs


def test_word_differences_and_what_a_version_lacks(qtbot, tmp_path, store):
    root, paragraphs = _same_language_corpus(tmp_path)
    w = make_window(qtbot, tmp_path, store, analyse(load_corpus(root)))
    w.open_topic(0)
    settle(qtbot, w)
    press(qtbot, w, "zd")
    qtbot.waitUntil(lambda: not w.jobs.busy("diff"), timeout=20000)
    QApplication.processEvents()
    a, b = column(w, "a."), column(w, "b.")
    ops_b = {(b.doc.text[s:e], op) for s, e, op in b.view.deco.diff}
    ops_a = {(a.doc.text[s:e], op) for s, e, op in a.view.deco.diff}
    assert ("realmente", "insert") in ops_b
    assert ("a", "insert") in ops_b or any(op == "replace" for _, op in ops_b)
    dropped = paragraphs[3].split(" ")[2].strip(",.")
    assert any(dropped in t and op == "delete" for t, op in ops_a)
    assert b.view.extraSelections(), "drawn"
    press(qtbot, w, "zd")
    assert b.view.deco.diff == [] and "hidden" in w.message_label.text_shown()

    press(qtbot, w, "zg")
    from reader.ui.coverage_panel import CoveragePanel

    panel = w.central.findChild(CoveragePanel)
    assert panel is not None and panel.isVisible()
    # Two Portuguese versions: each is named as its column's badge names it, not both `pt`.
    assert (a.label, b.label) in (("pt 1", "pt 2"), ("pt 2", "pt 1"))
    assert a.badge.text().startswith(a.label + " · ")
    assert f"{b.label} lacks ¶7 of {a.label}" in panel.browser.toPlainText()
    w.area.move_column(w.area.columns[0], 1)  # moved columns keep their names
    refresh_entities_panel(w)
    headers = w.entities_panel.headerItem()
    names = [headers.text(i) for i in range(2, headers.columnCount())]
    assert sorted(names) == ["pt 1", "pt 2"] and names == [c.label for c in w.area.columns]
    qtbot.keyClick(panel.browser, Qt.Key.Key_Escape)
    assert not panel.isVisible()


def test_the_keys_are_in_the_help_and_the_palette(qtbot, tmp_path):
    w = make_window(qtbot, tmp_path)
    rows = {r.command: r.keys for _, group in w.help_widget.rows() for r in group}
    for keys, name in (
        ("zl", "align-link"),
        ("zu", "align-unlink"),
        ("zm", "align-merge"),
        ("zs", "align-split"),
        ("zc", "align-confirm"),
        ("zd", "align-diff"),
        ("zg", "align-gaps"),
    ):
        assert keys in rows[name]
        assert w.registry.get(name).help


def test_a_marked_group_links_two_to_one_and_zm_joins_the_marked_group(qtbot, tmp_path, store):
    w = sora_window(qtbot, tmp_path, store)
    km, pt, _ = between(w, "003", "004")
    i = content(km)[5]
    j = content(pt)[5]
    # zl on two passages of km, then zl on one of pt: a 2-1 link
    focus_doc(qtbot, w, "003")
    goto(qtbot, w, i)
    press(qtbot, w, "zl")
    goto(qtbot, w, i + 1)
    press(qtbot, w, "zl")
    assert column(w, "003").view.deco.link_marks.get(i + 1) == "pending"
    focus_doc(qtbot, w, "004")
    goto(qtbot, w, j)
    press(qtbot, w, "zl")
    settle(qtbot, w)
    _, _, linked = between(w, "003", "004")
    group = group_of(linked.pairs, i)
    assert group.a == (i, i + 1) and group.b == (j,) and group.kind == "user"

    # mark pt ¶j+1, then zm on km ¶i+2: it joins the group pt ¶j+1 is in
    before = w.analysis.shown_alignment(w.area.ids()).between(pt.id, km.id)
    prior = group_of(before.pairs, j + 1)
    goto(qtbot, w, j + 1)
    press(qtbot, w, "zl")
    focus_doc(qtbot, w, "003")
    goto(qtbot, w, i + 2)
    press(qtbot, w, "zm")
    settle(qtbot, w)
    _, _, joined = between(w, "003", "004")
    group = group_of(joined.pairs, i + 2)
    assert j + 1 in group.b and group.kind == "user"
    assert prior is None or set(prior.b) <= set(group.a), "the marked passage's group grew"
    assert group_of(joined.pairs, i).b == (j,), "the first link is untouched"
