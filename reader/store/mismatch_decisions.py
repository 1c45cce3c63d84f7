"""The reader's decisions about mismatches between versions: dismissed ones, hidden kinds.

A dismissal is keyed by `Mismatch.fingerprint` (the two documents' paths, the kind and the
keys of both sides), so it survives re-analysis and applies in either column order. Every write
is one transaction and announces a `Change("mismatch", ...)` to the store's subscribers; each
write has its inverse for undo (`dismiss` / `restore`, `hide_kind` / `show_kind`).
"""

from __future__ import annotations

from dataclasses import dataclass

from reader.store.annotations import AnnotationError, Change, Store, now_iso
from reader.store.db import resolve_path, transaction

MISMATCH_KINDS = ("number", "date", "name")


@dataclass(frozen=True, slots=True)
class Dismissal:
    """One dismissed mismatch, with what each side said (for listing and undo)."""

    fingerprint: str
    kind: str
    doc_a: str
    doc_b: str
    text_a: str
    text_b: str
    created: str


def _check_kind(kind: str) -> str:
    if kind not in MISMATCH_KINDS:
        raise AnnotationError(f"mismatch kind must be one of {', '.join(MISMATCH_KINDS)}")
    return kind


def dismiss(
    store: Store,
    fingerprint: str,
    kind: str,
    doc_a: str,
    doc_b: str,
    text_a: str = "",
    text_b: str = "",
) -> Dismissal:
    """Store that the reader dismissed this mismatch (again: keeps the first time)."""
    if not fingerprint:
        raise AnnotationError("a dismissal needs the mismatch's fingerprint")
    record = Dismissal(fingerprint, _check_kind(kind), doc_a, doc_b, text_a, text_b, now_iso())
    with transaction(store.conn):
        store.conn.execute(
            "INSERT OR IGNORE INTO mismatch_dismissals"
            "(fingerprint, kind, doc_a, doc_b, text_a, text_b, created) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)",
            (record.fingerprint, record.kind, doc_a, doc_b, text_a, text_b, record.created),
        )
    store._notify(Change("mismatch", "dismissed", (fingerprint,)))
    return record


def restore(store: Store, fingerprint: str) -> Dismissal | None:
    """Forget a dismissal (undo); returns what was stored, or None."""
    with transaction(store.conn):
        row = store.conn.execute(
            "SELECT fingerprint, kind, doc_a, doc_b, text_a, text_b, created "
            "FROM mismatch_dismissals WHERE fingerprint = ?",
            (fingerprint,),
        ).fetchone()
        store.conn.execute("DELETE FROM mismatch_dismissals WHERE fingerprint = ?", (fingerprint,))
    if row:
        store._notify(Change("mismatch", "restored", (fingerprint,)))
    return Dismissal(*row) if row else None


def dismissals(store: Store) -> list[Dismissal]:
    """Every dismissal, oldest first."""
    rows = store.conn.execute(
        "SELECT fingerprint, kind, doc_a, doc_b, text_a, text_b, created "
        "FROM mismatch_dismissals ORDER BY created, fingerprint"
    )
    return [Dismissal(*r) for r in rows]


def dismissed(store: Store) -> set[str]:
    """Fingerprints of the dismissed mismatches (what `Comparison.visible` takes)."""
    return {r[0] for r in store.conn.execute("SELECT fingerprint FROM mismatch_dismissals")}


def hide_kind(store: Store, kind: str) -> None:
    """The reader hides every mismatch of this kind."""
    with transaction(store.conn):
        store.conn.execute(
            "INSERT OR IGNORE INTO mismatch_hidden_kinds(kind, created) VALUES (?, ?)",
            (_check_kind(kind), now_iso()),
        )
    store._notify(Change("mismatch", "hidden", (kind,)))


def show_kind(store: Store, kind: str) -> None:
    """Undo `hide_kind`."""
    with transaction(store.conn):
        store.conn.execute("DELETE FROM mismatch_hidden_kinds WHERE kind = ?", (_check_kind(kind),))
    store._notify(Change("mismatch", "shown", (kind,)))


def hidden_kinds(store: Store) -> set[str]:
    return {r[0] for r in store.conn.execute("SELECT kind FROM mismatch_hidden_kinds")}


def stored_decisions(db: str | None) -> tuple[set[str], set[str]]:
    """(dismissed fingerprints, hidden kinds) of the store at `db`; none when it doesn't exist.

    Never creates a store: a command that only reads must not leave files behind.
    """
    path = resolve_path(db)
    if not path.is_file():
        return set(), set()
    with Store(path) as store:
        return dismissed(store), hidden_kinds(store)
