"""The store's SQLite file: where it lives, how it is opened, checked and migrated.

Every connection runs in WAL mode with `foreign_keys=ON` and a busy timeout, in autocommit
mode: writers open their own transaction with `transaction()` (`BEGIN IMMEDIATE`), so a second
process waits for the first instead of failing half-way.

Opening is careful. Before anything is written, the file is checked read-only: a file that is
not SQLite, a corrupt file, or a schema newer than this app is refused with a `StoreError`
whose message is one line, and the file is left byte-identical (`reader.store.store_checks`
does the looking). Schema changes are the steps of
`MIGRATIONS` in `reader/store/schema.py`.
"""

from __future__ import annotations

import contextlib
import errno
import os
import shutil
import sqlite3
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

from reader.store.schema import MIGRATIONS, apply_step

ENV_VAR = "CORPUS_READER_DB"
APP_NAME = "corpus-reader"
DEFAULT_FILE_NAME = "store.sqlite3"
BUSY_TIMEOUT_MS = 10_000
FULL_CHECK_MAX_BYTES = 64 * 1024 * 1024  # above this, opening runs quick_check, not integrity_check
# Above this (an index of 100,000 documents is ~2 GB, a whole-file check ~2 s), opening checks
# the reader's own tables only: the rest is the index, a cache `index --rebuild` makes again.
WHOLE_CHECK_MAX_BYTES = 512 * 1024 * 1024
USER_TABLES_CHECK = "quick_check:user-tables"
CACHE_TABLE_PREFIXES = ("doc_cache", "index_", "entity_vocab", "analysis_", "sqlite_")
SQLITE_MAGIC = b"SQLite format 3\x00"


class StoreError(Exception):
    """The store cannot be used or written; the message is one line meant for the user.

    `reason` is "full" (no space left), "readonly" (the file or its folder cannot be written)
    or "" (anything else): reading commands open a store they cannot write read-only.
    """

    def __init__(self, message: str, reason: str = "") -> None:
        super().__init__(" ".join(message.split("\n")))
        self.reason = reason


def schema_version() -> int:
    """The schema version this app writes (the number of migration steps)."""
    return len(MIGRATIONS)


# --- location --------------------------------------------------------------------------------


def default_path() -> Path:
    """`$CORPUS_READER_DB` if set, else `store.sqlite3` in the user data directory."""
    env = os.environ.get(ENV_VAR)
    if env:
        return Path(env).expanduser()
    from platformdirs import user_data_dir

    return Path(user_data_dir(APP_NAME, appauthor=False)) / DEFAULT_FILE_NAME


def resolve_path(path: str | os.PathLike[str] | None) -> Path:
    """The store file to use: `path` (from `--db`) when given, else `default_path()`."""
    return Path(path).expanduser() if path else default_path()


# --- opening ---------------------------------------------------------------------------------


def describe(exc: BaseException, path: Path | None = None) -> str:
    """A short reason for an sqlite3 or OS error, for one-line messages.

    With `path`, a disk I/O error where the store's disk has (almost) no space left is said
    to be what it is: SQLite reports a full disk while growing its shared-memory file so.
    """
    if isinstance(exc, OSError):
        if exc.errno == errno.ENOSPC:
            return "the disk is full"
        return (exc.strerror or str(exc)).lower()
    text = str(exc)
    lowered = text.lower()
    if "disk is full" in lowered or "database or disk is full" in lowered:
        return "the disk is full"
    if "disk i/o error" in lowered and path is not None and _disk_full(path):
        return "the disk is full"
    if "readonly" in lowered or "read-only" in lowered:
        return "the location is read-only"
    if "locked" in lowered or "busy" in lowered:
        return "another program kept the store busy too long"
    return text.splitlines()[0] if text else type(exc).__name__


def _uri(path: Path, mode: str, immutable: bool = False) -> str:
    return f"file:{quote(str(path.absolute()))}?mode={mode}" + ("&immutable=1" if immutable else "")


DISK_FULL_BYTES = 1 << 20  # less free space than this where an I/O error happens: "full"


def _disk_full(path: Path) -> bool:
    try:
        return shutil.disk_usage(path.parent if not path.is_dir() else path).free < DISK_FULL_BYTES
    except OSError:
        return False


def _reason(message: str) -> str:
    if "the disk is full" in message:
        return "full"
    if "read-only" in message:
        return "readonly"
    return ""


def _side_files(path: Path) -> list[Path]:
    return [path.with_name(path.name + s) for s in ("-wal", "-shm", "-journal")]


def _quiet_open(path: Path) -> bool:
    """Whether the file can be read as it is on disk, creating no -wal or -shm beside it:
    no other connection is writing it (no non-empty -wal, no -journal)."""
    wal, _, journal = _side_files(path)
    try:
        return not journal.exists() and (not wal.exists() or wal.stat().st_size == 0)
    except OSError:
        return False


def _prepare_location(path: Path) -> None:
    """Make the parent folder of a new store, or explain why it cannot be made."""
    parent = path.parent
    try:
        parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise StoreError(f"{path}: cannot create the store here: {describe(exc)}") from exc
    if not parent.is_dir():
        raise StoreError(f"{path}: cannot create the store here: not a folder")
    if not os.access(parent, os.W_OK | os.X_OK):
        raise StoreError(f"{path}: cannot create the store here: the folder is read-only")


def _check_writable(path: Path) -> None:
    """SQLite writes the store and, in WAL mode, two files beside it: all must be writable."""
    if not os.access(path, os.W_OK):
        raise StoreError(f"{path}: the store file is read-only; left untouched", "readonly")
    if not os.access(path.parent, os.W_OK | os.X_OK):
        raise StoreError(f"{path}: the store's folder is read-only; left untouched", "readonly")


def connect(
    path: str | os.PathLike[str] | None = None,
    *,
    check: str | None = None,
    migrate: bool = True,
    mode: str = "rwc",
) -> sqlite3.Connection:
    """Open (creating if needed), check and migrate the store; raise StoreError when refused.

    `check` is the integrity pragma run on an existing file: `integrity_check` by default,
    `quick_check` for files above FULL_CHECK_MAX_BYTES (caches can make them big), and only of
    the reader's own tables above WHOLE_CHECK_MAX_BYTES (USER_TABLES_CHECK).
    `mode` is SQLite's URI open mode: `rwc` normally, `ro` to read only (see
    `connect_for_reading`). A store this call created is removed again if it fails.
    """
    path = resolve_path(path)
    exists = path.exists()
    if exists:
        from reader.store.store_checks import check_header, inspect_store

        check_header(path)
        if mode != "ro":
            _check_writable(path)
        if check is None:
            size = path.stat().st_size
            check = (
                USER_TABLES_CHECK
                if size > WHOLE_CHECK_MAX_BYTES
                else "quick_check"
                if size > FULL_CHECK_MAX_BYTES
                else "integrity_check"
            )
        version = inspect_store(path, check)
    else:
        if mode == "ro":
            raise StoreError(f"{path}: no store file here")
        _prepare_location(path)
        version = 0
    if mode == "ro":
        return _open_read_only(path, version)
    left_before = {p for p in [path, *_side_files(path)] if p.exists()}
    try:
        return _open_read_write(path, exists, version, migrate)
    except StoreError:
        if not exists:  # leave nothing behind: a 0-byte file would later pass for a store
            for p in [path, *_side_files(path)]:
                if p not in left_before:
                    with contextlib.suppress(OSError):
                        p.unlink()
        raise


def _open_read_write(path: Path, exists: bool, version: int, migrate: bool) -> sqlite3.Connection:
    try:
        conn = sqlite3.connect(
            _uri(path, "rwc"), uri=True, isolation_level=None, check_same_thread=False
        )
    except sqlite3.Error as exc:
        reason = describe(exc, path)
        raise StoreError(f"{path}: cannot open the store: {reason}", _reason(reason)) from exc
    try:
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        conn.execute("PRAGMA foreign_keys = ON")
        if not exists or version < schema_version() or not _is_wal(conn):
            _set_wal(conn)
        # FULL: a commit is on disk before it returns, so a power cut cannot lose it either.
        conn.execute("PRAGMA synchronous = FULL")
        if migrate and version < schema_version():
            migrate_to(conn, schema_version())
    except StoreError as exc:
        conn.close()
        reason = describe(exc.__cause__, path) if exc.__cause__ else str(exc)
        raise StoreError(str(exc), exc.reason or _reason(reason)) from exc
    except sqlite3.Error as exc:
        conn.close()
        reason = describe(exc, path)
        raise StoreError(f"{path}: cannot prepare the store: {reason}", _reason(reason)) from exc
    return conn


def _open_read_only(path: Path, version: int) -> sqlite3.Connection:
    """The store opened for reading only; immutable when nothing else is writing it, so no
    -shm has to be created (a full disk, a read-only folder)."""
    if version < schema_version():
        raise StoreError(
            f"{path}: the store cannot be written and was made by an older version of "
            "corpus-reader; it cannot be upgraded here"
        )
    last: sqlite3.Error | None = None
    for immutable in (False, True):
        if immutable and not _quiet_open(path):
            break
        try:
            conn = sqlite3.connect(
                _uri(path, "ro", immutable), uri=True, isolation_level=None, check_same_thread=False
            )
        except sqlite3.Error as exc:
            last = exc
            continue
        try:
            conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            conn.execute("PRAGMA query_only = 1")
            conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
            return conn
        except sqlite3.Error as exc:
            conn.close()
            last = exc
    reason = describe(last, path) if last else "unknown error"
    raise StoreError(f"{path}: cannot read the store: {reason}", _reason(reason))


def connect_for_reading(
    path: str | os.PathLike[str] | None = None, *, check: str | None = None
) -> tuple[sqlite3.Connection, bool]:
    """`(connection, read_only)`: the store as `connect` opens it, or, when it exists but
    cannot be written (a read-only file or folder, a full disk), opened read-only."""
    try:
        return connect(path, check=check), False
    except StoreError as exc:
        if exc.reason not in ("full", "readonly") or not resolve_path(path).is_file():
            raise
    return connect(path, check=check, mode="ro"), True


def _is_wal(conn: sqlite3.Connection) -> bool:
    return conn.execute("PRAGMA journal_mode").fetchone()[0].lower() == "wal"


def _set_wal(conn: sqlite3.Connection) -> None:
    """Switch to WAL; another process switching at the same moment may hold the lock briefly."""
    deadline = time.monotonic() + BUSY_TIMEOUT_MS / 1000
    while True:
        try:
            conn.execute("PRAGMA journal_mode = WAL").fetchone()
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() > deadline:
                raise
            time.sleep(0.02)


def migrate_to(conn: sqlite3.Connection, target: int) -> int:
    """Apply migration steps up to `target` in one transaction; return the version reached."""
    with transaction(conn):
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        if version > len(MIGRATIONS):
            raise StoreError(f"store schema {version} is newer than this app's {len(MIGRATIONS)}")
        for number in range(version, target):
            apply_step(conn, MIGRATIONS[number])
            conn.execute(f"PRAGMA user_version = {number + 1}")
        reached = max(version, target)
        problems = list(conn.execute("PRAGMA foreign_key_check"))
        if problems:
            raise StoreError(f"migration left broken references: {problems[0]}")
    return reached


@contextlib.contextmanager
def transaction(conn: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """One write transaction (`BEGIN IMMEDIATE`): commit on success, roll back on any error.

    sqlite3 errors are turned into StoreError with a one-line reason (e.g. the disk is full).
    """
    try:
        conn.execute("BEGIN IMMEDIATE")
    except sqlite3.Error as exc:
        reason = describe(exc, _db_path(conn))
        raise StoreError(f"cannot write to the store: {reason}", _reason(reason)) from exc
    try:
        yield conn
    except BaseException as exc:
        with contextlib.suppress(sqlite3.Error):
            conn.execute("ROLLBACK")
        if isinstance(exc, sqlite3.Error):
            reason = describe(exc, _db_path(conn))
            raise StoreError(
                f"could not save to the store: {reason}; nothing was changed", _reason(reason)
            ) from exc
        raise
    try:
        conn.execute("COMMIT")
    except sqlite3.Error as exc:
        with contextlib.suppress(sqlite3.Error):
            conn.execute("ROLLBACK")
        reason = describe(exc, _db_path(conn))
        raise StoreError(
            f"could not save to the store: {reason}; nothing was changed", _reason(reason)
        ) from exc


def _db_path(conn: sqlite3.Connection) -> Path | None:
    """The main database file of a connection (to tell a full disk from other I/O errors)."""
    try:
        row = conn.execute("PRAGMA database_list").fetchone()
    except sqlite3.Error:
        return None
    return Path(row[2]) if row and row[2] else None


_readers = threading.local()
_opened_readers: list[sqlite3.Connection] = []


def thread_reader(path: str) -> sqlite3.Connection:
    """A connection to the store file `path` for this thread and process, opened once, for
    reading a document's text or a stored row when it is shown (no check; it only reads).

    It is opened read-write where it can be, and closed when the process exits: the last
    connection to close checkpoints the write-ahead log and removes it, so a command leaves no
    `-wal` file behind (and a full disk stays full for the next writer)."""
    conns: dict[tuple[int, str], sqlite3.Connection] = _readers.__dict__.setdefault("conns", {})
    key = (os.getpid(), path)
    conn = conns.get(key)
    if conn is None:
        timeout = BUSY_TIMEOUT_MS / 1000
        try:
            conn = sqlite3.connect(_uri(Path(path), "rw"), uri=True, timeout=timeout)
        except sqlite3.Error:
            conn = sqlite3.connect(_uri(Path(path), "ro"), uri=True, timeout=timeout)
        if not _opened_readers:
            import atexit

            atexit.register(_close_readers)
        _opened_readers.append(conn)
        conns[key] = conn
    return conn


def _close_readers() -> None:
    for conn in _opened_readers:
        with contextlib.suppress(sqlite3.Error):
            conn.close()
    _opened_readers.clear()
