"""Looking at an existing store file before it is opened for use (`reader.store.db.connect`):
is it SQLite at all (`check_header`), is it sound and of a schema this app knows
(`inspect_store`). Read-only throughout: a refused file is left byte-identical, with no -wal or
-shm made beside it when no other connection is writing it.
"""

from __future__ import annotations

import contextlib
import json
import os
import sqlite3
import time
from pathlib import Path

from reader.store.db import (
    BUSY_TIMEOUT_MS,
    CACHE_TABLE_PREFIXES,
    USER_TABLES_CHECK,
    StoreError,
    _quiet_open,
    _reason,
    _uri,
    describe,
    schema_version,
)


def check_header(path: Path) -> None:
    """Refuse a non-empty file that does not start with SQLite's magic string.

    The header is read through SQLite, never with open() and close(): closing a descriptor of
    the file drops every POSIX lock this process holds on it, so a store already open here
    would lose its locks and another process could then delete the WAL under it (its later
    writes would be lost). SQLite's own files keep those locks safe.
    """
    if path.is_dir():
        raise StoreError(f"{path}: is a folder, not a store file")
    if not os.access(path, os.R_OK):
        raise StoreError(f"{path}: cannot read the store: permission denied")
    try:
        probe = sqlite3.connect(
            _uri(path, "ro", immutable=_quiet_open(path)), uri=True, isolation_level=None
        )
    except sqlite3.Error as exc:
        raise StoreError(f"{path}: cannot read the store: {describe(exc)}") from exc
    try:
        probe.execute("PRAGMA schema_version").fetchone()
    except sqlite3.DatabaseError as exc:
        if "not a database" in str(exc) or "encrypted" in str(exc):
            raise StoreError(f"{path}: not a SQLite file; refusing to touch it") from None
        # a SQLite file with other damage: the integrity check says what is wrong
    finally:
        probe.close()


def _look(path: Path, check: str, immutable: bool) -> tuple[int, list[str]]:
    """(user_version, rows of the integrity pragma) from a read-only connection."""
    try:
        conn = sqlite3.connect(_uri(path, "ro", immutable), uri=True, isolation_level=None)
    except sqlite3.Error as exc:
        raise StoreError(f"{path}: cannot open the store: {describe(exc, path)}") from exc
    try:
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        rows = _check_rows(conn, check)
    except sqlite3.DatabaseError as exc:
        reason = describe(exc, path)
        if "not a database" in reason or "malformed" in reason:
            message = f"{path}: the store file is corrupt ({reason}); left untouched"
            raise StoreError(message) from exc
        raise StoreError(f"{path}: cannot read the store: {reason}", _reason(reason)) from exc
    finally:
        conn.close()
    return version, rows


def _check_rows(conn: sqlite3.Connection, check: str) -> list[str]:
    """Rows of the integrity pragma `check`; for USER_TABLES_CHECK, `quick_check` of each of the
    reader's own tables (annotations, links, edits...) and "ok" when all are."""
    if check != USER_TABLES_CHECK:
        return [r[0] for r in conn.execute(f"PRAGMA {check}")]
    tables = [
        name
        for (name,) in conn.execute("SELECT name FROM sqlite_schema WHERE type = 'table'")
        if not name.startswith(CACHE_TABLE_PREFIXES)
    ]
    problems: list[str] = []
    for name in tables:
        quoted = name.replace('"', '""')
        problems += [r[0] for r in conn.execute(f'PRAGMA quick_check("{quoted}")') if r[0] != "ok"]
    return problems or ["ok"]


# Stores above FULL_CHECK_MAX_BYTES found sound by this process, with their file's and WAL's
# (inode, size, mtime, ctime): a command opens its store three times, and each quick check of a
# 100 MB store took 80 ms. Smaller stores are checked at every opening (cheap there). Only a
# file untouched for SETTLED_NS before its check is remembered: a change after the check then
# gives it a later mtime, however coarse the clock of the file system.
_CHECKED: dict[tuple[str, str], tuple[tuple[int, ...], int]] = {}
SETTLED_NS = 200_000_000
# Every check found sound by this process (settled or not): what `written_here` may renew.
_SOUND: dict[tuple[str, str], int] = {}
# A settled store found sound is also remembered for later processes, in a file beside it
# (`<store>-checked`: its state then and its user_version). A later opening that finds the
# file in that state (same inode, size, mtime and ctime, no WAL: any write, and any `touch`
# that sets the mtime back, gives it a new ctime) checks only the reader's own tables, not
# the whole index again (a 145 MB store's quick check took 0.1 s of every command).
CHECKED_SUFFIX = "-checked"


def _file_state(path: Path) -> tuple[tuple[int, ...], int]:
    """(inode, size, mtime and ctime of the file, size and mtime of its WAL when not empty),
    and the latest mtime."""
    st = path.stat()
    state: tuple[int, ...] = (st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns)
    latest = st.st_mtime_ns
    try:
        wal = path.with_name(path.name + "-wal").stat()
    except OSError:
        return state, latest
    if wal.st_size:  # an empty WAL (a reader opened the store) holds nothing
        state += (wal.st_size, wal.st_mtime_ns)
        latest = max(latest, wal.st_mtime_ns)
    return state, latest


def inspect_store(path: Path, check: str) -> int:
    """The store's user_version after an integrity check (`_inspected`), remembered for big
    stores (see `_CHECKED`, `CHECKED_SUFFIX`)."""
    if check == "integrity_check":
        return _inspected(path, check)
    key = (str(path.absolute()), check)
    state, latest = _file_state(path)
    known = _CHECKED.get(key)
    if known is not None and known[0] == state:
        return known[1]
    settled = time.time_ns() - latest > SETTLED_NS
    whole = check != USER_TABLES_CHECK and not (settled and _checked_before(path, state))
    version = _inspected(path, check if whole else USER_TABLES_CHECK)
    _SOUND[key] = version
    if settled:
        _CHECKED[key] = (state, version)
        if whole:
            _remember_checked(path, state, version)
    return version


def _checked_path(path: Path) -> Path:
    return path.with_name(path.name + CHECKED_SUFFIX)


def _checked_before(path: Path, state: tuple[int, ...]) -> bool:
    """Whether a process found the store at `path` sound in exactly this `state` (no WAL)."""
    if len(state) != 4:
        return False
    try:
        data = json.loads(_checked_path(path).read_text(encoding="ascii"))
        return isinstance(data, dict) and data.get("state") == list(state)
    except (OSError, ValueError):
        return False


def _remember_checked(path: Path, state: tuple[int, ...], version: int) -> None:
    """Keep for later processes that the store at `path` was found sound in `state` (nothing
    when it has a WAL, or its folder cannot be written)."""
    if len(state) != 4:
        return
    target = _checked_path(path)
    temporary = target.with_name(f"{target.name}.{os.getpid()}")
    try:
        temporary.write_text(json.dumps({"state": list(state), "version": version}), "ascii")
        os.replace(temporary, target)
    except OSError:
        with contextlib.suppress(OSError):
            temporary.unlink()


def written_here(path: Path) -> None:
    """The store at `path`, found sound by a check of this process, has since been written by
    this process (a command refreshed its index): its file as it is now is remembered as
    checked, so the command's next opening does not check again what it wrote itself (a
    quick check of a 100 MB store is 70 ms)."""
    name = str(path.absolute())
    for (where, check), version in _SOUND.items():
        if where == name:
            _CHECKED[(where, check)] = (_file_state(path)[0], version)


def _inspected(path: Path, check: str) -> int:
    """Read-only look at an existing file: its user_version, after an integrity check.

    When no other connection is writing, the file is opened immutable, so a refused file gets
    no -wal or -shm beside it and a full disk does not stop the look. Should a writer start
    meanwhile and the look find a problem, it is looked at again the ordinary way."""
    quiet = _quiet_open(path)
    try:
        version, rows = _look(path, check, immutable=quiet)
    except StoreError:
        if not quiet or _quiet_open(path):
            raise
        version, rows = _look(path, check, immutable=False)
    if rows != ["ok"] and quiet and not _quiet_open(path):
        version, rows = _look(path, check, immutable=False)
    if rows != ["ok"]:
        # one row may hold several problems, one a line, under a "*** in database" header
        problems = [p for r in rows for p in str(r).splitlines() if p and not p.startswith("***")]
        first = problems[0] if problems else "no answer"
        count = f"{len(problems)} problems, first: " if len(problems) > 1 else ""
        raise StoreError(f"{path}: the store file is corrupt ({count}{first}); left untouched")
    if version > schema_version():
        raise StoreError(
            f"{path}: the store was written by a newer version of corpus-reader "
            f"(schema {version}, this app knows {schema_version()}); please upgrade"
        )
    return version
