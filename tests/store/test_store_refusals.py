"""Refused stores: one line, nothing created beside them; a read-only store can be read."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from store_helpers import REPO

from reader.store.annotations import Store
from reader.store.db import schema_version


def cli(*argv: str, prefix: tuple[str, ...] = ()) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    return subprocess.run(
        [*prefix, sys.executable, "-m", "reader", *argv],
        capture_output=True, text=True, env=env, timeout=60,
    )  # fmt: skip


def _filled(path: Path, n: int = 3) -> None:
    with Store(path) as store:
        for i in range(n):
            store.add("a.txt", "ab" * 32, i, i + 5, "Hello", note="x" * 200)


def _beside(path: Path) -> list[str]:
    return sorted(p.name for p in path.parent.iterdir() if p.name != path.name)


def test_several_integrity_problems_make_one_line(tmp_path: Path):
    db = tmp_path / "s.sqlite3"
    _filled(db, 300)
    conn = sqlite3.connect(db)
    conn.execute("PRAGMA writable_schema = ON")
    conn.execute("DELETE FROM sqlite_master WHERE name = 'annotations_document'")
    conn.commit()
    conn.close()
    done = cli("annotations", "--db", str(db))
    assert done.returncode == 1 and done.stdout == ""
    assert done.stderr.count("\n") == 1 and "problems, first: Page" in done.stderr, done.stderr


@pytest.mark.parametrize("damage", ["truncated", "newer"])
def test_a_refused_store_gets_no_wal_or_shm_beside_it(tmp_path: Path, damage: str):
    db = tmp_path / "s.sqlite3"
    _filled(db)
    if damage == "truncated":
        with db.open("r+b") as fh:
            fh.truncate(db.stat().st_size // 2)
    else:
        conn = sqlite3.connect(db)
        conn.execute(f"PRAGMA user_version = {schema_version() + 1}")
        conn.close()
    before = db.read_bytes()
    assert _beside(db) == []
    for argv in (["annotations"], ["export"], ["annotate", str(db), "--start", "0", "--end", "1"]):
        done = cli(*argv, "--db", str(db))
        assert done.returncode in (1, 2) and done.stderr.count("\n") == 1, done.stderr
    assert _beside(db) == [] and db.read_bytes() == before


def _unprivileged() -> tuple[str, ...]:
    if os.geteuid() != 0:
        return ()
    if not shutil.which("setpriv"):
        pytest.skip("running as root without setpriv: permissions cannot be tested")
    return ("setpriv", "--bounding-set=-dac_override,-dac_read_search")


@pytest.mark.parametrize("what", ["file", "folder"])
def test_a_read_only_store_can_be_exported_and_listed(tmp_path: Path, what: str):
    folder = tmp_path / "ro"
    folder.mkdir()
    corpus = tmp_path / "c"
    corpus.mkdir()
    (corpus / "a.txt").write_text("The ferry left at dawn.\n", "utf-8")
    db = folder / "s.sqlite3"
    made = cli("annotate", str(corpus / "a.txt"), "--quote", "dawn", "--db", str(db))
    assert made.returncode == 0, made.stderr
    (corpus / "a.txt").write_text("Later: the ferry left at dawn.\n", "utf-8")  # must move
    (db if what == "file" else folder).chmod(0o555 if what == "folder" else 0o444)
    try:
        prefix = _unprivileged()
        exported = cli("export", "--db", str(db), prefix=prefix)
        listed = cli("annotations", "--json", "--corpus", str(corpus), "--db", str(db),
                     prefix=prefix)  # fmt: skip
        written = cli("annotate", str(corpus / "a.txt"), "--quote", "ferry", "--db", str(db),
                      prefix=prefix)  # fmt: skip
    finally:
        folder.chmod(0o755)
        db.chmod(0o644)
    assert exported.returncode == 0, exported.stderr
    assert json.loads(exported.stdout)["total"] == 1
    assert listed.returncode == 0, listed.stderr
    [ann] = json.loads(listed.stdout)["annotations"]
    assert ann["status"] == "moved" and ann["start"] == len("Later: the ferry left at ")
    assert "not saved" in listed.stderr
    assert written.returncode == 1 and "read-only" in written.stderr
    with Store(db) as store:  # nothing was written
        [stored] = store.list()
        assert stored.status == "anchored" and stored.start == len("The ferry left at ")
