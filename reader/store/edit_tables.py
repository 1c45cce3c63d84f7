"""Tables of the user's edits besides annotations: entity links, topic edits, document cache.

A mixin of `Store` (reader/store/annotations.py): it uses the store's connection and its
change notification; every write is one transaction.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterable

from reader.store.db import transaction
from reader.store.records import (
    AnnotationError,
    Change,
    EntityLink,
    TopicEdit,
    check_document_path,
    now_iso,
)


class UserEdits:
    """Entity links, topic edits and the document cache of a store."""

    conn: sqlite3.Connection
    _notify: Callable[[Change], None]

    # entity links -----------------------------------------------------------------------------

    def set_entity_link(self, key_a: str, key_b: str, action: str = "link") -> EntityLink:
        """Record that two entity keys are the same (`link`) or not (`unlink`)."""
        if action not in ("link", "unlink"):
            raise AnnotationError("action must be 'link' or 'unlink'")
        if not key_a or not key_b or key_a == key_b:
            raise AnnotationError("an entity link needs two different, non-empty keys")
        a, b = sorted((key_a, key_b))
        stamp = now_iso()
        with transaction(self.conn):
            self.conn.execute(
                "INSERT INTO entity_links(key_a, key_b, action, modified) VALUES (?, ?, ?, ?) "
                "ON CONFLICT(key_a, key_b) DO UPDATE SET action = excluded.action, "
                "modified = excluded.modified",
                (a, b, action, stamp),
            )
        self._notify(Change("entity_link", action, (a, b)))
        return EntityLink(a, b, action, stamp)

    def link_entities(self, key_a: str, key_b: str) -> EntityLink:
        return self.set_entity_link(key_a, key_b, "link")

    def unlink_entities(self, key_a: str, key_b: str) -> EntityLink:
        return self.set_entity_link(key_a, key_b, "unlink")

    def forget_entity_link(self, key_a: str, key_b: str) -> EntityLink | None:
        """Remove the user's decision about two keys (undo); returns what was there."""
        a, b = sorted((key_a, key_b))
        with transaction(self.conn):
            row = self.conn.execute(
                "SELECT key_a, key_b, action, modified FROM entity_links "
                "WHERE key_a = ? AND key_b = ?",
                (a, b),
            ).fetchone()
            self.conn.execute("DELETE FROM entity_links WHERE key_a = ? AND key_b = ?", (a, b))
        if row:
            self._notify(Change("entity_link", "forgotten", (a, b)))
        return EntityLink(*row) if row else None

    def entity_links(self) -> list[EntityLink]:
        rows = self.conn.execute(
            "SELECT key_a, key_b, action, modified FROM entity_links ORDER BY key_a, key_b"
        )
        return [EntityLink(*r) for r in rows]

    # topic edits ------------------------------------------------------------------------------

    def _add_topic_edit(
        self, kind: str, topic: str, document: str | None, value: str | None
    ) -> TopicEdit:
        if not topic or (kind != "move" and not value):
            raise AnnotationError(f"a topic {kind} needs a topic and a value")
        stamp = now_iso()
        with transaction(self.conn):
            cur = self.conn.execute(
                "INSERT INTO topic_edits(kind, document, topic, value, created) "
                "VALUES (?, ?, ?, ?, ?)",
                (kind, document, topic, value, stamp),
            )
            edit = TopicEdit(int(cur.lastrowid or 0), kind, topic, document, value, stamp)
        self._notify(Change("topic_edit", kind, (str(edit.id),)))
        return edit

    def move_document(self, document: str, topic: str) -> TopicEdit:
        """The user put `document` (corpus-relative path) in `topic`."""
        return self._add_topic_edit("move", topic, check_document_path(document), None)

    def rename_topic(self, topic: str, label: str) -> TopicEdit:
        return self._add_topic_edit("rename", topic, None, label)

    def merge_topics(self, topic: str, into: str) -> TopicEdit:
        """The user merged `topic` into `into`."""
        return self._add_topic_edit("merge", topic, None, into)

    def topic_edits(self) -> list[TopicEdit]:
        """All topic edits in the order they were made (apply them in this order)."""
        rows = self.conn.execute(
            "SELECT id, kind, topic, document, value, created FROM topic_edits ORDER BY id"
        )
        return [TopicEdit(*r) for r in rows]

    def remove_topic_edit(self, edit_id: int) -> None:
        """Undo one topic edit."""
        with transaction(self.conn):
            self.conn.execute("DELETE FROM topic_edits WHERE id = ?", (edit_id,))
        self._notify(Change("topic_edit", "removed", (str(edit_id),)))

    # caches keyed by document hash ------------------------------------------------------------

    def cache_get(self, sha256: str, kind: str, version: int = 1) -> bytes | None:
        """Cached derived data for a document version, or None (also when the version differs)."""
        row = self.conn.execute(
            "SELECT CAST(data AS BLOB) FROM doc_cache "
            "WHERE sha256 = ? AND kind = ? AND version = ?",
            (sha256, kind, version),
        ).fetchone()
        return bytes(row[0]) if row else None

    def cache_put(self, sha256: str, kind: str, data: bytes, version: int = 1) -> None:
        with transaction(self.conn):
            self.conn.execute(
                "INSERT OR REPLACE INTO doc_cache(sha256, kind, version, data, created) "
                "VALUES (?, ?, ?, ?, ?)",
                (sha256, kind, version, data, now_iso()),
            )

    def cache_drop(self, keep: Iterable[str] | None = None) -> int:
        """Drop cached data of document versions not in `keep` (all when None); return rows."""
        with transaction(self.conn):
            if keep is None:
                cur = self.conn.execute("DELETE FROM doc_cache")
            else:
                self.conn.execute("CREATE TEMP TABLE IF NOT EXISTS keep_hashes(sha256 TEXT)")
                self.conn.execute("DELETE FROM keep_hashes")
                self.conn.executemany("INSERT INTO keep_hashes VALUES (?)", [(h,) for h in keep])
                cur = self.conn.execute(
                    "DELETE FROM doc_cache WHERE sha256 NOT IN (SELECT sha256 FROM keep_hashes)"
                )
        return cur.rowcount
