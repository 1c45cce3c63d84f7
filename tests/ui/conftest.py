"""Window tests delete their windows when each test ends."""

from __future__ import annotations

import pytest

from tests.ui.helpers import dispose, open_windows


@pytest.fixture(autouse=True)
def _dispose_windows():
    yield
    while open_windows:
        dispose(open_windows.pop())


@pytest.fixture
def store(tmp_path):
    """An annotation store in the test's folder."""
    from reader.store.annotations import Store

    s = Store(tmp_path / "notes.db")
    yield s
    s.close()
