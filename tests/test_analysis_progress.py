"""The analysis of a large folder counts the documents it has read, and stops when cancelled."""

from __future__ import annotations

import pytest

from reader.corpus import entities as entities_module
from reader.corpus.loading import load_corpus
from reader.corpus.pipeline import Cancelled, analyse_with_progress
from reader.paths import seeds_dir


def test_finding_entities_reports_documents_read(monkeypatch) -> None:
    monkeypatch.setattr(entities_module, "PROGRESS_EVERY", 2)
    corpus = load_corpus(seeds_dir())
    seen: list[tuple[int, int, str]] = []
    analyse_with_progress(corpus, progress=lambda d, t, what: seen.append((d, t, what)))
    counted = [(d, t) for d, t, what in seen if what == "entities" and d < t]
    n = len(corpus.documents)
    assert counted == [(0, n), (2, n), (4, n)][: len(counted)] and len(counted) >= 2
    stages = [what for d, t, what in seen if d == t]
    assert stages[:2] == ["entities", "topics"]


def test_cancelling_while_documents_are_read_stops_the_analysis(monkeypatch) -> None:
    monkeypatch.setattr(entities_module, "PROGRESS_EVERY", 1)
    corpus = load_corpus(seeds_dir())
    counts: list[int] = []

    def progress(done: int, total: int, what: str) -> None:
        if what == "entities" and done < total:
            counts.append(done)

    with pytest.raises(Cancelled):
        analyse_with_progress(corpus, progress=progress, cancelled=lambda: len(counts) >= 2)
    assert counts == [0, 1], "stopped at the next document once cancelled"
