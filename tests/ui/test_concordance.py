"""The parallel concordance widget: KWIC rows, sorting, aligned passages, keys."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from reader.corpus.align import align_topic
from reader.corpus.entities import find_entities
from reader.corpus.loading import document_from_bytes
from reader.corpus.topics import find_topics
from reader.ui.concordance import ConcordanceView


def doc(name: str, *paragraphs: str):
    return document_from_bytes(name, "\n\n".join(paragraphs).encode("utf-8"))


VI = doc(
    "vi.txt",
    "Cảng Đà Nẵng đón tàu lớn.",
    "Một con tàu cập cảng Đà Nẵng hôm qua.",
    "Bến cảng Đà Nẵng sẽ mở rộng.",
)
PT = doc(
    "pt.txt",
    "O porto de Da Nang recebe navios grandes.",
    "Um navio atracou ontem no porto de Da Nang.",
    "O cais de Da Nang vai crescer.",
)
KM = doc(
    "km.txt",
    "កំពង់ផែដាណាំងទទួលកប៉ាល់ធំៗ។",
    "កប៉ាល់មួយបានចូលចតនៅកំពង់ផែដាណាំងកាលពីម្សិលមិញ។",
    "កំពង់ផែដាណាំងនឹងពង្រីក។",
)


def same_index(doc_id: str, passage: int) -> dict[str, list[int]]:
    """Every passage is aligned with the passage of the same number in the others."""
    return {d.id: [passage] for d in (VI, PT, KM) if d.id != doc_id}


@pytest.fixture
def view(qtbot):
    from reader.ui.fonts import register_bundled_fonts

    register_bundled_fonts()  # as the app does before any window: Qt lists them from then on
    w = ConcordanceView([VI, PT, KM], align_fn=same_index)
    qtbot.addWidget(w)
    w.resize(900, 600)
    w.show()
    return w


def test_hits_show_left_and_right_context(view):
    assert view.search("da nang") == 6
    rows = view.rows_text()
    assert {r[2] for r in rows} == {"Đà Nẵng", "Da Nang"}
    vi_rows = [r for r in rows if r[0].startswith("vi")]
    assert ("Một con tàu cập cảng ", "Đà Nẵng", " hôm qua.") in [r[1:] for r in vi_rows]
    assert view.status.text() == "6 hits"


def test_sorting_by_left_and_right_context(view):
    view.search("da nang", exact=False)
    view.sort_by("left")
    lefts = [r[1] for r in view.rows_text()]
    assert lefts == sorted(lefts, key=lambda s: s[::-1].casefold())
    view.sort_by("right")
    rights = [r[3] for r in view.rows_text()]
    assert rights == sorted(rights, key=str.casefold)
    view.sort_by("right", descending=True)
    assert [r[3] for r in view.rows_text()] == sorted(rights, key=str.casefold, reverse=True)


def test_the_parallel_pane_shows_the_aligned_passages_of_the_other_languages(view, qtbot):
    view.search("atracou")
    hit = view.current_hit()
    assert hit is not None and hit.doc == PT.id and hit.passage == 1
    assert view.parallel_passages() == [(PT.id, [1]), (VI.id, [1]), (KM.id, [1])]
    shown = view.parallel.toPlainText()
    assert "Um navio atracou ontem" in shown
    assert "Một con tàu cập cảng Đà Nẵng hôm qua." in shown
    assert "កប៉ាល់មួយបានចូលចត" in shown


def test_keys_move_between_hits_and_open_one(view, qtbot):
    view.query_box.setFocus()
    qtbot.keyClicks(view.query_box, "cang")
    qtbot.keyClick(view.query_box, Qt.Key.Key_Return)
    assert len(view.hits()) == 3
    first = view.current_hit()
    qtbot.keyClick(view.table, Qt.Key.Key_Down)
    second = view.current_hit()
    assert second is not None and second != first
    assert VI.text[second.start : second.end].casefold() == "cảng"
    with qtbot.waitSignal(view.hit_activated) as signal:
        qtbot.keyClick(view.table, Qt.Key.Key_Return)
    assert signal.args == [second.doc, second.start, second.end]
    with qtbot.waitSignal(view.closed):
        qtbot.keyClick(view.table, Qt.Key.Key_Escape)


def test_exact_mode_and_bad_queries(view):
    assert view.search("Đà Nẵng", exact=True) == 3
    assert view.search("đà nẵng", exact=True) == 0
    assert view.search('"unclosed') == 0
    assert "quote" in view.status.text()


def test_a_seed_topic_gives_a_parallel_concordance(seeds, qtbot):
    index = find_entities(seeds.documents)
    topic = max(find_topics(seeds.documents, index).topics, key=lambda t: len(t.documents))
    docs = [seeds.by_id(d) for d in topic.documents]
    alignment = align_topic(docs, index)
    w = ConcordanceView(docs, align_fn=alignment.partners)
    qtbot.addWidget(w)
    assert w.search("Sora") > 3
    with_partners = 0
    for row in range(len(w.hits())):
        w.table.selectRow(row)
        if len(w.parallel_passages()) > 1 and any(p for _, p in w.parallel_passages()[1:]):
            with_partners += 1
    assert with_partners > 0


def test_khmer_contexts_are_drawn_in_a_khmer_font_at_a_reading_size(view, qtbot):
    """At the UI's ~9 pt, stacked Khmer consonants in the rows were hard to read."""
    from PySide6.QtGui import QFontInfo, QFontMetrics

    from reader.ui.concordance import CONTEXT_POINT_SIZE, LEFT, MATCH
    from reader.ui.fonts import SCRIPT_FAMILIES, register_bundled_fonts

    register_bundled_fonts()
    view.search("ដាណាំង")
    assert view.hits() and all(h.doc == KM.id for h in view.hits())
    index = view.proxy.index(0, MATCH)
    font = index.data(Qt.ItemDataRole.FontRole)
    assert font.pointSizeF() == CONTEXT_POINT_SIZE > view.table.font().pointSizeF()
    assert set(font.families()) & set(SCRIPT_FAMILIES["Khmr"])
    assert view.proxy.index(0, LEFT).data(Qt.ItemDataRole.FontRole) == font
    row = view.table.rowHeight(0)
    assert row >= QFontMetrics(font).lineSpacing(), "the row is as tall as the Khmer line"
    assert QFontInfo(font).family() in SCRIPT_FAMILIES["Khmr"]
    view.table.selectRow(0)  # the parallel pane: each version in its script's font too
    block = view.parallel.document().begin()
    while block.isValid() and (block.text().startswith("km —") or "ដាណាំង" not in block.text()):
        block = block.next()  # past the headings to a Khmer passage
    assert block.isValid()
    shown = block.begin().fragment().charFormat().font()
    assert shown.pointSizeF() == CONTEXT_POINT_SIZE
    assert set(shown.families()) & set(SCRIPT_FAMILIES["Khmr"])
