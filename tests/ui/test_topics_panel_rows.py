"""A corpus of many thousands of topics: the panel is given its rows as it is scrolled, yet
every topic can be reached by key, chosen by number, and counted."""

from __future__ import annotations

from PySide6.QtCore import Qt

from reader.corpus.lazy_document import LazyDocument
from reader.corpus.topics import Topic
from reader.ui.topics_panel import TOPIC_ROLE, TopicsPanel

N = 7000


def _panel(qtbot) -> TopicsPanel:
    docs = {
        f"d{i}": LazyDocument(
            id=f"d{i}",
            path=f"{i}.txt",
            title=f"Story {i}",
            language="en",
            script="Latn",
            sha256="0" * 64,
        )
        for i in range(N)
    }
    topics = [Topic(f"t{i}", f"Topic {i}", [f"d{i}"]) for i in range(N)]
    panel = TopicsPanel()
    qtbot.addWidget(panel)
    panel.resize(400, 600)
    panel.show()
    panel.set_topics(topics, docs)
    return panel


def test_the_view_is_given_a_first_screenful_not_every_topic(qtbot):
    panel = _panel(qtbot)
    model = panel.topics_model
    assert model.rowCount() < N and panel.row_count() == N
    assert panel.header_text() == "Topic"


def test_a_topic_far_down_is_chosen_and_shown(qtbot):
    panel = _panel(qtbot)
    panel.select_topic(6500)
    assert panel.currentIndex().data(TOPIC_ROLE) == 6500
    assert panel.currentIndex().data() == "Topic 6500"
    assert panel.row_text(N - 1) == f"Topic {N - 1}"


def test_end_reaches_the_last_topic_and_scrolling_gives_more_rows(qtbot):
    panel = _panel(qtbot)
    panel.setFocus()
    panel.select_topic(0)
    qtbot.keyClick(panel, Qt.Key.Key_End)
    assert panel.currentIndex().data(TOPIC_ROLE) == N - 1
    other = _panel(qtbot)
    before = other.topics_model.rowCount()
    other.scrollToBottom()
    bar = other.verticalScrollBar()
    bar.setValue(bar.maximum())  # the view asks for more rows at the bottom
    assert other.topics_model.rowCount() > before
