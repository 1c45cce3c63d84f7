"""Fixtures for the index tests: the small three-script corpus, a store, a generated corpus."""

from __future__ import annotations

from pathlib import Path

import pytest

from reader.store.db import connect
from tests.index.helpers import FILES, _gen_module, write


@pytest.fixture
def corpus_dir(tmp_path: Path) -> Path:
    root = tmp_path / "corpus"
    write(root, FILES)
    return root


@pytest.fixture
def conn(tmp_path: Path):
    c = connect(tmp_path / "store.sqlite3")
    yield c
    c.close()


@pytest.fixture(scope="module")
def generated(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("generated")
    _gen_module().generate(root, 120, seed=3)
    return root
