"""The store file: pragmas, migrations step by step, location, and refusals that touch nothing."""

from __future__ import annotations

import os
import sqlite3
import tempfile
import time
from pathlib import Path

import pytest
from store_helpers import integrity

from reader.store import db
from reader.store.annotations import Store
from reader.store.db import MIGRATIONS, StoreError, migrate_to, schema_version

SHA = "ab" * 32


def _tables(conn: sqlite3.Connection) -> set[str]:
    rows = conn.execute("SELECT name FROM sqlite_master WHERE type IN ('table', 'index')")
    return {r[0] for r in rows if not r[0].startswith("sqlite_")}


def _schema(conn: sqlite3.Connection) -> set[tuple[str, str]]:
    rows = conn.execute("SELECT name, sql FROM sqlite_master WHERE sql IS NOT NULL")
    return {(r[0], r[1]) for r in rows}


def _store_at_version(path: Path, version: int) -> None:
    """A store file as an older app would have left it: migrated up to `version` only."""
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA foreign_keys = ON")
    migrate_to(conn, version)
    if version >= 1:
        conn.execute(
            "INSERT INTO documents(path, sha256, length, location, seen) "
            "VALUES ('news/a.txt', ?, 11, NULL, '2024-01-01T00:00:00.000000Z')",
            (SHA,),
        )
        conn.execute(
            'INSERT INTO annotations(id, document, sha256, start, "end", quote, created, '
            "modified) VALUES ('6f1b1d3c-8a43-4a8e-9a55-0d4c7a3d2b11', 'news/a.txt', ?, 0, 5,"
            " 'Hello', '2024-01-01T00:00:00.000000Z', '2024-01-01T00:00:00.000000Z')",
            (SHA,),
        )
        conn.execute(
            "INSERT INTO annotation_tags VALUES ('6f1b1d3c-8a43-4a8e-9a55-0d4c7a3d2b11', 'old', 0)"
        )
    conn.close()


def test_new_store_is_wal_with_foreign_keys_busy_timeout_and_latest_schema(store: Store):
    conn = store.conn
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert conn.execute("PRAGMA busy_timeout").fetchone()[0] >= 1000
    assert conn.execute("PRAGMA user_version").fetchone()[0] == schema_version() == len(MIGRATIONS)


# The tables each of this helper's steps adds; later steps (other issues) are checked generically.
STEP_TABLES = {
    1: {"documents", "annotations", "annotation_tags"},
    2: {"entity_links", "topic_edits"},
    3: {"doc_cache"},
}
# Tables a step drops on purpose: step 8 makes the index's FTS5 table contentless; step 11
# replaces the index of passages by content with a smaller one.
STEP_DROPS = {8: {"index_fts_content"}, 11: {"index_passages_content"}}


def test_step5_keeps_indexed_files_and_accepts_every_document_format(tmp_path: Path):
    path = tmp_path / "s.sqlite3"
    _store_at_version(path, 4)
    conn = sqlite3.connect(path, isolation_level=None)
    row = ("/c", "a.md", 3, 1, SHA, "markdown", 1, None)
    conn.execute("INSERT INTO index_files VALUES (?, ?, ?, ?, ?, ?, ?, ?)", row)
    with pytest.raises(sqlite3.IntegrityError):
        conn.execute("INSERT INTO index_files VALUES ('/c', 'b.epub', 3, 1, '', 'epub', 1, NULL)")
    migrate_to(conn, 5)
    assert conn.execute("SELECT * FROM index_files").fetchall() == [row]
    conn.execute("INSERT INTO index_files VALUES ('/c', 'b.epub', 3, 1, '', 'epub', 1, NULL)")
    conn.close()


def test_step8_drops_the_old_index_and_keeps_the_rest(tmp_path: Path):
    """The index is derived data: step 8 drops it (the next refresh rebuilds it, smaller)."""
    path = tmp_path / "s.sqlite3"
    _store_at_version(path, 7)
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute(
        "INSERT INTO index_files VALUES ('/c', 'a.md', 3, 1, ?, 'markdown', 1, NULL)", (SHA,)
    )
    conn.execute(
        "INSERT INTO doc_cache VALUES (?, 'index.document.markdown', 1, x'00', ''), "
        "(?, 'analysis', 1, x'00', '')",
        (SHA, SHA),
    )
    migrate_to(conn, 8)
    assert conn.execute("SELECT count(*) FROM index_files").fetchone()[0] == 0
    assert conn.execute("SELECT kind FROM doc_cache").fetchall() == [("analysis",)]
    assert conn.execute("SELECT count(*) FROM annotations").fetchone()[0] > 0
    conn.close()


@pytest.mark.parametrize("step", range(1, len(MIGRATIONS) + 1))
def test_each_migration_step_changes_the_schema_and_keeps_it_sound(tmp_path: Path, step: int):
    path = tmp_path / "s.sqlite3"
    _store_at_version(path, step - 1)
    conn = sqlite3.connect(path, isolation_level=None)
    before, schema_before = _tables(conn), _schema(conn)
    assert migrate_to(conn, step) == step
    after = _tables(conn)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == step
    kept = before - STEP_DROPS.get(step, set())
    assert after >= kept and _schema(conn) != schema_before, "a step must change the schema"
    assert STEP_TABLES.get(step, set()) <= after - before
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert list(conn.execute("PRAGMA foreign_key_check")) == []
    conn.close()


@pytest.mark.parametrize("version", range(len(MIGRATIONS)))
def test_opening_an_older_store_migrates_it_and_keeps_its_annotations(tmp_path: Path, version: int):
    path = tmp_path / "s.sqlite3"
    _store_at_version(path, version)
    with Store(path) as store:
        assert store.conn.execute("PRAGMA user_version").fetchone()[0] == schema_version()
        annotations = store.list()
        if version >= 1:
            assert [(a.quote, a.tags) for a in annotations] == [("Hello", ("old",))]
        else:
            assert annotations == []
        # and the migrated store takes new writes
        store.add("news/b.txt", SHA, 0, 2, "Hi", note="new")
    assert integrity(path) == "ok"


def test_a_failing_migration_step_changes_nothing(tmp_path: Path, monkeypatch):
    path = tmp_path / "s.sqlite3"
    with Store(path):
        pass
    before = path.read_bytes()

    def broken(conn: sqlite3.Connection) -> None:
        conn.execute("CREATE TABLE half_done (x)")
        conn.execute("INSERT INTO no_such_table VALUES (1)")

    monkeypatch.setattr(db, "MIGRATIONS", [*MIGRATIONS, broken])
    with pytest.raises(StoreError) as err:
        Store(path)
    assert "\n" not in str(err.value)
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == len(MIGRATIONS)
    assert "half_done" not in _tables(conn)
    conn.close()
    assert integrity(path) == "ok"
    assert len(path.read_bytes()) == len(before)


def test_default_path_env_and_db_option(tmp_path: Path, monkeypatch):
    monkeypatch.delenv(db.ENV_VAR, raising=False)
    default = db.default_path()
    assert "corpus-reader" in str(default) and default.name == db.DEFAULT_FILE_NAME
    monkeypatch.setenv(db.ENV_VAR, str(tmp_path / "env.sqlite3"))
    assert db.resolve_path(None) == tmp_path / "env.sqlite3"
    assert db.resolve_path(tmp_path / "opt.sqlite3") == tmp_path / "opt.sqlite3"
    with Store() as store:
        assert store.path == tmp_path / "env.sqlite3"
    assert (tmp_path / "env.sqlite3").is_file()


# --- refusals: one line, and the file is byte-identical afterwards ---------------------------


def _refused(path: Path, *words: str) -> str:
    before = path.read_bytes() if path.is_file() else None
    with pytest.raises(StoreError) as err:
        Store(path)
    message = str(err.value)
    assert "\n" not in message
    for word in words:
        assert word in message.lower()
    if before is not None:
        assert path.read_bytes() == before, "a refused file must be left byte-identical"
    for suffix in ("-wal", "-journal"):
        side = Path(str(path) + suffix)
        assert not side.exists() or side.stat().st_size == 0
    return message


def _filled_store(path: Path) -> None:
    with Store(path) as store:
        for i in range(40):
            store.add("news/a.txt", SHA, i, i + 5, "Hello", note=f"note {i} " * 40)
    # closing the last connection checkpoints the WAL into the main file
    assert not Path(str(path) + "-wal").exists()


def test_refuses_a_file_that_is_not_sqlite(tmp_path: Path):
    path = tmp_path / "notes.sqlite3"
    path.write_text("These are my notes, not a database.\n" * 50)
    _refused(path, "not a sqlite file")


def test_refuses_a_corrupt_store(tmp_path: Path):
    path = tmp_path / "s.sqlite3"
    _filled_store(path)
    conn = sqlite3.connect(path)
    page_size = conn.execute("PRAGMA page_size").fetchone()[0]
    root = conn.execute("SELECT rootpage FROM sqlite_master WHERE name = 'annotations'").fetchone()
    conn.close()
    data = bytearray(path.read_bytes())
    # scribble over the cells at the end of the annotations table's root page; the file
    # header and schema stay intact, so SQLite opens it and only a check can tell
    end = root[0] * page_size
    data[end - 1500 : end] = b"\xff\x00\x13" * 500
    path.write_bytes(bytes(data))
    _refused(path, "corrupt")


def test_refuses_a_truncated_store(tmp_path: Path):
    path = tmp_path / "s.sqlite3"
    _filled_store(path)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2 + 100])
    _refused(path, "corrupt")


def test_refuses_a_newer_schema(tmp_path: Path):
    path = tmp_path / "s.sqlite3"
    _filled_store(path)
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version = {schema_version() + 5}")
    conn.commit()
    conn.close()
    message = _refused(path, "newer")
    assert str(schema_version() + 5) in message


def test_refuses_a_location_under_a_file_and_changes_that_file(tmp_path: Path):
    blocker = tmp_path / "plain.txt"
    blocker.write_text("I am a file, not a folder")
    _refused(blocker / "store.sqlite3", "cannot create")
    assert blocker.read_text() == "I am a file, not a folder"


def _as_unprivileged(func) -> tuple[int, str]:
    """Run `func()` (returns a message) as an unprivileged user: root ignores file modes, so
    when we are root a forked child drops to `nobody` first. Returns (exit code, message)."""
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # child
        code = 0
        try:
            os.close(read)
            if os.geteuid() == 0:
                os.setgroups([])
                os.setgid(65534)
                os.setuid(65534)
            message = func()
        except BaseException as exc:
            message, code = f"{type(exc).__name__}: {exc}", 3
        os.write(write, message.encode("utf-8", "replace"))
        os._exit(code)
    os.close(write)
    with os.fdopen(read, "rb") as fh:
        out = fh.read().decode()
    _, status = os.waitpid(pid, 0)
    return os.waitstatus_to_exitcode(status), out


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork")
def test_refuses_a_read_only_folder_and_leaves_the_store_byte_identical():
    # A real read-only location: a folder with mode 555 and a store with mode 444, opened by a
    # user who does not own them (when the test runs as root, a child process drops to nobody).
    base = Path(tempfile.mkdtemp(prefix="cr-ro-"))
    try:
        base.chmod(0o755)
        folder = base / "ro"
        folder.mkdir()
        path = folder / "store.sqlite3"
        _filled_store(path)
        before = path.read_bytes()
        path.chmod(0o444)
        folder.chmod(0o555)

        def open_it() -> str:
            try:
                Store(path)
            except StoreError as exc:
                return str(exc)
            return "opened"

        code, message = _as_unprivileged(open_it)
        assert code == 0, message
        assert "read-only" in message and "\n" not in message
        assert path.read_bytes() == before
        assert sorted(p.name for p in folder.iterdir()) == ["store.sqlite3"]

        def create_new() -> str:
            try:
                Store(folder / "new.sqlite3")
            except StoreError as exc:
                return str(exc)
            return "created"

        code, message = _as_unprivileged(create_new)
        assert code == 0, message
        assert "read-only" in message and not (folder / "new.sqlite3").exists()
    finally:
        for p in (base / "ro", base):
            if p.exists():
                p.chmod(0o755)
        for p in sorted(base.rglob("*"), reverse=True):
            p.chmod(0o755)
            p.unlink() if p.is_file() else p.rmdir()
        base.rmdir()


def test_a_full_disk_is_one_clear_line_and_loses_nothing(store: Store, store_path: Path):
    kept = [store.add("news/a.txt", SHA, 0, 5, "Hello", note=f"kept {i}") for i in range(5)]
    store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    main_before = store_path.read_bytes()
    # SQLite's page limit makes it answer SQLITE_FULL exactly as a full disk does
    pages = store.conn.execute("PRAGMA page_count").fetchone()[0]
    store.conn.execute(f"PRAGMA max_page_count = {pages}")
    with pytest.raises(StoreError) as err:
        store.add("news/a.txt", SHA, 0, 5, "Hello", note="x" * 200_000)
    assert "disk is full" in str(err.value) and "\n" not in str(err.value)
    assert "nothing was changed" in str(err.value)
    with pytest.raises(StoreError):
        store.update(kept[0].id, note="y" * 200_000)
    assert store_path.read_bytes() == main_before
    assert [a.note for a in store.list()] == [a.note for a in kept]
    # once there is room again the store works on
    store.conn.execute("PRAGMA max_page_count = 1073741823")
    store.add("news/a.txt", SHA, 0, 5, "Hello", note="after")
    assert len(store.list()) == 6
    assert integrity(store_path) == "ok"


def _scribble_over(path: Path, table: str) -> None:
    """Damage the cells of `table`'s root page (header and schema intact)."""
    conn = sqlite3.connect(path)
    page_size = conn.execute("PRAGMA page_size").fetchone()[0]
    root = conn.execute("SELECT rootpage FROM sqlite_master WHERE name = ?", (table,)).fetchone()
    conn.close()
    data = bytearray(path.read_bytes())
    end = root[0] * page_size
    data[end - 1500 : end] = b"\xff\x00\x13" * 500
    path.write_bytes(bytes(data))


def test_a_huge_store_still_refuses_damage_to_the_readers_own_tables(tmp_path, monkeypatch):
    import reader.store.db as db

    monkeypatch.setattr(db, "WHOLE_CHECK_MAX_BYTES", 0)  # as a 2 GB index would be
    path = tmp_path / "s.sqlite3"
    _filled_store(path)
    _scribble_over(path, "annotations")
    _refused(path, "corrupt")


def _settled_and_watched(path: Path, monkeypatch) -> list[str]:
    """The store's file left alone for 5 s; the list the integrity checks run are noted in."""
    import reader.store.store_checks as store_checks

    settled = time.time() - 5
    os.utime(path, (settled, settled))
    checks: list[str] = []
    real = store_checks._inspected
    monkeypatch.setattr(store_checks, "_inspected", lambda p, c: checks.append(c) or real(p, c))
    return checks


def _filled_store_with_index_rows(path: Path) -> None:
    """A store of 40 notes and 40 cached index texts (pages past the reader's own tables)."""
    _filled_store(path)
    conn = sqlite3.connect(path)
    with conn:
        conn.executemany(
            "INSERT INTO doc_cache (sha256, kind, version, data, created) VALUES (?, ?, 1, ?, '')",
            [(f"{i:064x}", "index.document.text", b"x" * 3000) for i in range(40)],
        )
    conn.close()


def test_a_huge_store_opens_without_reading_its_whole_index(tmp_path, monkeypatch):
    """Above WHOLE_CHECK_MAX_BYTES only the reader's own tables are checked at opening: a
    damaged index page (a cache `index --rebuild` makes again) does not refuse the notes."""
    import reader.store.db as db

    path = tmp_path / "s.sqlite3"
    _filled_store_with_index_rows(path)
    _scribble_over(path, "doc_cache")
    _refused(path, "corrupt")  # a whole-file check sees it
    monkeypatch.setattr(db, "WHOLE_CHECK_MAX_BYTES", 0)
    with Store(path) as store:
        assert len(store.list()) == 40


def test_a_big_store_is_checked_once_a_process_until_it_changes(tmp_path, monkeypatch):
    """Three openings of an unchanged big store by one command check it once; any change to
    the file, even damage in place, and it is checked again (and refused)."""
    import reader.store.db as db

    monkeypatch.setattr(db, "FULL_CHECK_MAX_BYTES", 0)  # as a 100 MB store would be
    path = tmp_path / "s.sqlite3"
    _filled_store(path)
    checks = _settled_and_watched(path, monkeypatch)
    for _ in range(3):
        db.connect(path, mode="ro").close()
    assert checks == ["quick_check"]
    size, mtime = path.stat().st_size, path.stat().st_mtime_ns
    _scribble_over(path, "annotations")
    os.utime(path, ns=(mtime, mtime + 1))  # changed within the same tick of a coarse clock
    assert path.stat().st_size == size
    _refused(path, "corrupt")
    assert len(checks) == 2

    fresh = tmp_path / "fresh.sqlite3"
    _filled_store(fresh)  # written just now: never taken as checked
    db.connect(fresh, mode="ro").close()
    db.connect(fresh, mode="ro").close()
    assert len(checks) == 4


def test_a_store_written_by_its_own_command_is_not_checked_again(tmp_path, monkeypatch):
    """A command that checked its big store, then wrote it (refreshing the index), opens it
    again without checking what it wrote itself; a change made after that is checked (and
    damage refused)."""
    import reader.store.db as db
    import reader.store.store_checks as store_checks

    monkeypatch.setattr(db, "FULL_CHECK_MAX_BYTES", 0)
    path = tmp_path / "s.sqlite3"
    _filled_store(path)  # written just now: its check is not remembered as settled
    checks: list[str] = []
    real = store_checks._inspected
    monkeypatch.setattr(store_checks, "_inspected", lambda p, c: checks.append(c) or real(p, c))
    with Store(path) as store:
        store.add("news/b.txt", SHA, 0, 5, "Hello", note="written by this command")
    assert checks == ["quick_check"]
    store_checks.written_here(path)
    with Store(path) as store:
        assert len(store.list()) == 41
    assert checks == ["quick_check"]
    size, mtime = path.stat().st_size, path.stat().st_mtime_ns
    _scribble_over(path, "annotations")
    os.utime(path, ns=(mtime, mtime + 1))
    assert path.stat().st_size == size
    _refused(path, "corrupt")
    assert len(checks) == 2

    other = tmp_path / "other.sqlite3"
    _filled_store(other)
    store_checks.written_here(other)  # never checked by this process: nothing remembered
    db.connect(other, mode="ro").close()
    assert len(checks) == 3


def test_a_big_store_found_sound_is_not_checked_whole_by_the_next_process(tmp_path, monkeypatch):
    """A settled big store found sound is remembered beside it: the next process checks only
    the reader's own tables while the file is as it was; written since (even with its mtime
    set back), or with a WAL, it is checked whole again (and damage refused)."""
    import reader.store.db as db
    import reader.store.store_checks as store_checks

    monkeypatch.setattr(db, "FULL_CHECK_MAX_BYTES", 0)
    path = tmp_path / "s.sqlite3"
    _filled_store_with_index_rows(path)
    checks = _settled_and_watched(path, monkeypatch)

    def next_process() -> None:  # what one process remembers, another does not
        monkeypatch.setattr(store_checks, "_CHECKED", {})
        monkeypatch.setattr(store_checks, "_SOUND", {})

    db.connect(path, mode="ro").close()
    assert checks == ["quick_check"]
    assert (tmp_path / "s.sqlite3-checked").is_file()
    next_process()
    with Store(path) as store:
        assert len(store.list()) == 40
    assert checks == ["quick_check", "quick_check:user-tables"]

    stat = path.stat()
    _scribble_over(path, "doc_cache")  # the index: not among the reader's own tables
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))  # the same mtime, a new ctime
    assert path.stat().st_mtime_ns == stat.st_mtime_ns and path.stat().st_size == stat.st_size
    next_process()
    _refused(path, "corrupt")
    assert checks[-1] == "quick_check"


def test_a_store_changed_just_before_its_check_is_not_remembered_for_later(tmp_path, monkeypatch):
    import reader.store.db as db

    monkeypatch.setattr(db, "FULL_CHECK_MAX_BYTES", 0)
    path = tmp_path / "s.sqlite3"
    _filled_store(path)  # written just now
    db.connect(path, mode="ro").close()
    assert not (tmp_path / "s.sqlite3-checked").exists()


def test_index_checks_its_big_store_once_though_it_writes_it(tmp_path, monkeypatch):
    """`index` checks the store it opens, then writes it (the changed files, the analysis):
    what it wrote itself is not checked again when it reads it back for the analysis."""
    import shutil

    import reader.store.db as db
    import reader.store.store_checks as store_checks
    from reader.cli import main
    from reader.paths import seeds_dir

    monkeypatch.setattr(db, "FULL_CHECK_MAX_BYTES", 0)
    root = tmp_path / "corpus"
    shutil.copytree(seeds_dir(), root)
    path = tmp_path / "s.sqlite3"
    assert main(["index", str(root), "--db", str(path), "--quiet"]) == 0
    changed = sorted(root.glob("*.txt"))[0]
    changed.write_text(changed.read_text(encoding="utf-8") + "\nOne more line.\n", "utf-8")
    checks: list[str] = []
    real = store_checks._inspected
    monkeypatch.setattr(store_checks, "_inspected", lambda p, c: checks.append(c) or real(p, c))
    monkeypatch.setattr(store_checks, "_CHECKED", {})  # as a new process
    monkeypatch.setattr(store_checks, "_SOUND", {})
    assert main(["index", str(root), "--db", str(path), "--quiet"]) == 0
    assert checks == ["quick_check"]
