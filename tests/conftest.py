"""Shared test setup: Qt runs offscreen; corpus helpers."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# Tests never read or write the user's own store, state or keymap.
_SANDBOX = tempfile.mkdtemp(prefix="corpus-reader-tests-")
os.environ["CORPUS_READER_DB"] = os.path.join(_SANDBOX, "store.sqlite3")
os.environ["CORPUS_READER_STATE"] = os.path.join(_SANDBOX, "state.json")
os.environ["XDG_CONFIG_HOME"] = os.path.join(_SANDBOX, "config")
os.environ["XDG_DATA_HOME"] = os.path.join(_SANDBOX, "data")

from reader.corpus.loading import load_corpus  # noqa: E402
from reader.corpus.model import Corpus  # noqa: E402
from reader.paths import seeds_dir  # noqa: E402

DATA = Path(__file__).parent / "data"


@pytest.fixture(scope="session")
def seeds() -> Corpus:
    """The bundled sample corpus, loaded once."""
    return load_corpus(seeds_dir())


def seed(corpus: Corpus, prefix: str):
    """The seed document whose file name starts with `prefix` (e.g. "003")."""
    return next(d for d in corpus.documents if d.path.startswith(prefix))
