"""A big import without holding the store's write lock while the file is read.

Checked annotations go to a temporary table of this connection (its own file, which takes no
lock on the store), then one short transaction merges them as `Store.merge` would: new ids are
added, known ids (tombstones included) replaced only when the incoming `modified` is later.
Times are compared as text, which is right for the store's one fixed-width UTC form.
"""

from __future__ import annotations

import contextlib
import json
import sqlite3
from collections.abc import Iterator

from reader.store.annotation_rows import _COLUMNS, UPSERT, row_of
from reader.store.annotations import Annotation, Change, MergeResult, Store, now_iso
from reader.store.db import StoreError, describe, transaction

BATCH = 2000
_ADDED, _UPDATED, _UNCHANGED, _RESTORED, _DELETED_HERE = 0, 1, 2, 3, 4
_STAGE = (
    "CREATE TEMP TABLE IF NOT EXISTS import_stage (n INTEGER PRIMARY KEY, id TEXT NOT NULL, "
    'document TEXT, sha256 TEXT, start INTEGER, "end" INTEGER, quote TEXT, prefix TEXT, '
    "suffix TEXT, note TEXT, color TEXT, status TEXT, created TEXT, modified TEXT, "
    "deleted TEXT, tags TEXT)"
)


class StagedImport:
    """`add` checked annotations (no lock taken), then `commit` merges them all at once."""

    def __init__(self, store: Store, restore_deleted: bool = False) -> None:
        self.store = store
        self.restore = restore_deleted
        self.conn = store.conn
        self._rows: list[tuple] = []
        self._count = 0
        with _staging_errors():
            if store.read_only:
                raise sqlite3.OperationalError("the store is read-only")
            self.conn.execute(_STAGE)
            self.conn.execute("DROP TABLE IF EXISTS temp.import_decision")
            self.conn.execute("DELETE FROM temp.import_stage")

    def add(self, ann: Annotation) -> None:
        """Stage an annotation `Annotation.validated` returned."""
        tags = json.dumps(list(ann.tags), ensure_ascii=False)
        self._rows.append((self._count, *row_of(ann), tags))
        self._count += 1
        if len(self._rows) >= BATCH:
            self._flush()

    def _flush(self) -> None:
        with _staging_errors():
            self._insert()

    def _insert(self) -> None:
        self.conn.executemany(
            f"INSERT INTO temp.import_stage (n, {_COLUMNS}, tags) "
            "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
            self._rows,
        )
        self._rows.clear()

    def discard(self) -> None:
        """Forget what was staged (after an error)."""
        self._rows.clear()
        with contextlib.suppress(sqlite3.Error):
            self.conn.execute("DELETE FROM temp.import_stage")

    def commit(self) -> MergeResult:
        """Merge what was staged in one transaction; return what happened to each id."""
        self._flush()
        conn = self.conn
        cols = ", ".join(f"s.{c.strip()}" for c in _COLUMNS.split(","))
        with transaction(conn):
            conn.execute(
                "CREATE TEMP TABLE import_decision AS SELECT s.n AS n, s.id AS id, CASE "
                f"WHEN a.id IS NULL THEN {_ADDED} "
                f"WHEN a.deleted IS NOT NULL AND s.deleted IS NULL AND {int(self.restore)} "
                f"THEN {_RESTORED} WHEN s.modified > a.modified THEN {_UPDATED} "
                f"WHEN a.deleted IS NOT NULL AND s.deleted IS NULL THEN {_DELETED_HERE} "
                f"ELSE {_UNCHANGED} END AS what FROM temp.import_stage s "
                "LEFT JOIN main.annotations a ON a.id = s.id"
            )
            # the next re-anchoring of these documents looks at every annotation again
            conn.execute(
                "UPDATE documents SET length = NULL "
                "WHERE path IN (SELECT document FROM temp.import_stage)"
            )
            written = f"d.what IN ({_ADDED}, {_UPDATED}, {_RESTORED})"
            conn.execute(
                "INSERT OR IGNORE INTO documents (path, sha256, length, location, seen) "
                "SELECT s.document, s.sha256, NULL, NULL, ? FROM temp.import_stage s "
                f"JOIN temp.import_decision d ON d.n = s.n WHERE {written} ORDER BY s.n",
                (now_iso(),),
            )
            conn.execute(
                f"INSERT INTO annotations ({_COLUMNS}) SELECT {cols} FROM temp.import_stage s "
                f"JOIN temp.import_decision d ON d.n = s.n WHERE {written} ORDER BY s.n "
                + UPSERT
            )
            conn.execute(
                "DELETE FROM annotation_tags WHERE annotation IN "
                f"(SELECT id FROM temp.import_decision WHERE what IN ({_UPDATED}, {_RESTORED}))"
            )
            conn.execute(
                "INSERT INTO annotation_tags (annotation, tag, position) "
                "SELECT s.id, j.value, j.key FROM temp.import_stage s "
                f"JOIN temp.import_decision d ON d.n = s.n, json_each(s.tags) j WHERE {written}"
            )
        result = MergeResult()
        lists = (result.added, result.updated, result.unchanged, result.restored)
        for ann_id, what in conn.execute("SELECT id, what FROM temp.import_decision ORDER BY n"):
            if what == _DELETED_HERE:
                result.unchanged.append(ann_id)
                result.deleted_here.append(ann_id)
            else:
                lists[what].append(ann_id)
        conn.execute("DROP TABLE temp.import_decision")
        conn.execute("DELETE FROM temp.import_stage")
        changed = (*result.added, *result.updated, *result.restored)
        if changed:
            self.store._notify(Change("annotation", "imported", changed))
        return result


@contextlib.contextmanager
def _staging_errors() -> Iterator[None]:
    """sqlite3 errors while staging (e.g. no room for the temporary table) as StoreError."""
    try:
        yield
    except sqlite3.Error as exc:
        raise StoreError(f"cannot import: {describe(exc)}; nothing was changed") from exc
