"""Shared test setup: Qt runs offscreen; corpus helpers."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from reader.corpus.loading import load_corpus
from reader.corpus.model import Corpus
from reader.paths import seeds_dir

DATA = Path(__file__).parent / "data"


@pytest.fixture(scope="session")
def seeds() -> Corpus:
    """The bundled sample corpus, loaded once."""
    return load_corpus(seeds_dir())


def seed(corpus: Corpus, prefix: str):
    """The seed document whose file name starts with `prefix` (e.g. "003")."""
    return next(d for d in corpus.documents if d.path.startswith(prefix))
