"""A short soak: seeded random keys on a six-language corpus with a topic of 24 documents.
(The long run is tests/bench/soak.py.)"""

from __future__ import annotations

from tests.ui.big_corpus import big_analysis, biggest_topic
from tests.ui.helpers import make_window, settle
from tests.ui.soak import run_soak


def test_random_keys_never_break_the_window(qtbot, tmp_path, store):
    analysis = big_analysis()
    w = make_window(qtbot, tmp_path, store, analysis=analysis)
    w.open_topic(biggest_topic(analysis))
    settle(qtbot, w)
    report = run_soak(w, keys=220, seed=20261130, settle=lambda: settle(qtbot, w))
    assert report.problems == []
    assert len(report.topics_seen) > 1
