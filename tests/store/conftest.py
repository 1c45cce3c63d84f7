"""Fixtures for the store tests: a fresh store file."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from reader.store.annotations import Store


@pytest.fixture
def store_path(tmp_path: Path) -> Path:
    return tmp_path / "store.sqlite3"


@pytest.fixture
def store(store_path: Path) -> Iterator[Store]:
    with Store(store_path) as opened:
        yield opened


@pytest.fixture
def filled(store: Store) -> Store:
    """A store with notes, tags and colours in Vietnamese and Khmer, one deleted."""
    from import_items import fill

    fill(store)
    return store
