"""A store open in one process keeps its writes when the same process opens the file again
(the app's loader does) and another process opens and closes it (the indexer does)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from reader.corpus.model import Document, Passage
from reader.store.annotations import Store
from reader.store.db import connect

TEXT = "A first sentence of the test document. A second one follows here."


def doc() -> Document:
    return Document(
        id="d", path="a.txt", title="a", language="en", script="Latn", sha256="ab" * 32,
        text=TEXT, passages=[Passage(0, 0, len(TEXT))],
    )  # fmt: skip


def notes_seen_by_a_new_process(db: Path) -> int:
    code = (
        "import sqlite3, sys; c = sqlite3.connect(sys.argv[1]); "
        "print(c.execute('SELECT count(*) FROM annotations WHERE deleted IS NULL').fetchone()[0])"
    )
    out = subprocess.run([sys.executable, "-c", code, str(db)], capture_output=True, text=True)
    return int(out.stdout.strip())


def test_a_second_connection_here_and_a_closing_one_elsewhere_lose_nothing(tmp_path: Path):
    db = tmp_path / "store.sqlite3"
    store = Store(db)
    store.annotate(doc(), 0, 7, note="before")
    connect(db).close()  # the loader reads the index through its own connection, here
    # another process (the indexer) opens the store and closes it again
    opener = f"from reader.store.db import connect; connect({str(db)!r}).close()"
    subprocess.run([sys.executable, "-c", opener], check=True)
    store.annotate(doc(), 8, 13, note="after")
    assert (db.parent / (db.name + "-wal")).exists(), "the WAL is still there"
    assert notes_seen_by_a_new_process(db) == 2, "both notes reached the store file"
    store.close()
    assert notes_seen_by_a_new_process(db) == 2
