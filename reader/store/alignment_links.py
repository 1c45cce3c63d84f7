"""The reader's corrections of passage alignment, kept in the store.

A link joins passages of document a with passages of document b: `user` (the reader made it),
`confirmed` (the reader checked an automatic link) or `unlink` (the reader said these two do
not belong together; the aligner never links them again). Each passage is anchored like an
annotation: its span, its text and 32 characters of context each side, plus the file hashes.
When a file changes, each passage is found again by its text (`reader.store.anchoring`); a link
with a passage that cannot be found is reported as lost, never dropped.

Every write returns a `LinkChange` (ids added and removed); `revert(change)` undoes it, so the
app's operation path can push it on its undo stack. Nothing here imports Qt.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from reader.corpus.align import FixedLink
from reader.corpus.model import Document
from reader.store.anchoring import find_anchor
from reader.store.annotations import Change, Store, now_iso, quote_context
from reader.store.db import transaction

KINDS = ("user", "confirmed", "unlink")


class LinkError(ValueError):
    """A link that cannot be made or read (one line)."""


@dataclass(frozen=True, slots=True)
class PassageAnchor:
    """One passage of a link: its span then, its text and context."""

    start: int
    end: int
    quote: str
    prefix: str
    suffix: str

    def to_json(self) -> dict[str, Any]:
        return {
            "start": self.start,
            "end": self.end,
            "quote": self.quote,
            "prefix": self.prefix,
            "suffix": self.suffix,
        }


@dataclass(frozen=True, slots=True)
class AlignmentLink:
    id: str
    doc_a: str
    doc_b: str
    sha_a: str
    sha_b: str
    kind: str
    a: tuple[PassageAnchor, ...]
    b: tuple[PassageAnchor, ...]
    created: str
    modified: str
    deleted: bool = False

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "kind": self.kind,
            "a": {
                "document": self.doc_a,
                "sha256": self.sha_a,
                "passages": [p.to_json() for p in self.a],
            },
            "b": {
                "document": self.doc_b,
                "sha256": self.sha_b,
                "passages": [p.to_json() for p in self.b],
            },
            "created": self.created,
            "modified": self.modified,
        }


@dataclass(slots=True)
class LinkChange:
    """What one operation did: ids of links added and of links it removed (tombstoned)."""

    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)


@dataclass(slots=True)
class ResolvedLinks:
    """Stored links of two documents as they are now (passage indexes of a and b).

    `links` pairs each usable link with its passages; `lost` are links with a passage whose
    text is gone (kept in the store, reported); `moved` ids had to be found again.
    """

    fixed: list[FixedLink] = field(default_factory=list)
    forbidden: set[tuple[int, int]] = field(default_factory=set)
    links: list[tuple[AlignmentLink, tuple[int, ...], tuple[int, ...]]] = field(
        default_factory=list
    )
    lost: list[AlignmentLink] = field(default_factory=list)
    moved: list[str] = field(default_factory=list)


# --- reading and writing rows -------------------------------------------------------------------

_COLUMNS = "id, doc_a, doc_b, sha_a, sha_b, kind, passages, created, modified, deleted"


def _from_row(row: Sequence[Any]) -> AlignmentLink:
    passages = json.loads(row[6])
    return AlignmentLink(
        row[0],
        row[1],
        row[2],
        row[3],
        row[4],
        row[5],
        tuple(PassageAnchor(**p) for p in passages["a"]),
        tuple(PassageAnchor(**p) for p in passages["b"]),
        row[7],
        row[8],
        bool(row[9]),
    )


def _write(store: Store, link: AlignmentLink) -> None:
    passages = json.dumps(
        {"a": [p.to_json() for p in link.a], "b": [p.to_json() for p in link.b]},
        ensure_ascii=False,
    )
    store.conn.execute(
        f"INSERT OR REPLACE INTO alignment_links({_COLUMNS}) VALUES (?,?,?,?,?,?,?,?,?,?)",
        (
            link.id,
            link.doc_a,
            link.doc_b,
            link.sha_a,
            link.sha_b,
            link.kind,
            passages,
            link.created,
            link.modified,
            int(link.deleted),
        ),
    )


def all_links(store: Store, *, include_deleted: bool = False) -> list[AlignmentLink]:
    where = "" if include_deleted else "WHERE deleted = 0"
    rows = store.conn.execute(
        f"SELECT {_COLUMNS} FROM alignment_links {where} ORDER BY created, id"
    )
    return [_from_row(r) for r in rows]


def links_between(store: Store, path_a: str, path_b: str) -> list[AlignmentLink]:
    """Live links of two documents, oriented a -> b (links stored the other way are flipped)."""
    rows = store.conn.execute(
        f"SELECT {_COLUMNS} FROM alignment_links WHERE deleted = 0 AND "
        "((doc_a = ? AND doc_b = ?) OR (doc_a = ? AND doc_b = ?)) ORDER BY created, id",
        (path_a, path_b, path_b, path_a),
    )
    return [_oriented(_from_row(r), path_a) for r in rows]


def _oriented(link: AlignmentLink, path_a: str) -> AlignmentLink:
    if link.doc_a == path_a:
        return link
    return AlignmentLink(
        link.id,
        link.doc_b,
        link.doc_a,
        link.sha_b,
        link.sha_a,
        link.kind,
        link.b,
        link.a,
        link.created,
        link.modified,
        link.deleted,
    )


def _anchor(doc: Document, index: int) -> PassageAnchor:
    if not 0 <= index < len(doc.passages):
        raise LinkError(f"{doc.path} has no passage {index} (it has {len(doc.passages)})")
    p = doc.passages[index]
    quote, prefix, suffix = quote_context(doc.text, p.start, p.end)
    return PassageAnchor(p.start, p.end, quote, prefix, suffix)


def _set_deleted(store: Store, ids: Iterable[str], deleted: bool) -> None:
    for link_id in ids:
        store.conn.execute(
            "UPDATE alignment_links SET deleted = ?, modified = ? WHERE id = ?",
            (int(deleted), now_iso(), link_id),
        )


# --- operations (each one transaction, each returns what to revert) ---------------------------


def add_link(
    store: Store,
    doc_a: Document,
    doc_b: Document,
    a: Sequence[int],
    b: Sequence[int],
    kind: str = "user",
) -> LinkChange:
    """Link passages `a` of doc_a with passages `b` of doc_b (passage indexes).

    A passage belongs to one group: these passages leave the stored groups they were in
    (what is left of such a group stays linked), so linking a union merges groups and
    confirming replaces an earlier link; unlinks between these passages are lifted.
    """
    if kind not in ("user", "confirmed"):
        raise LinkError("a link is 'user' or 'confirmed'")
    if doc_a.path == doc_b.path:
        raise LinkError("a passage link needs two different documents")
    if not a or not b:
        raise LinkError("a link needs at least one passage on each side")
    stamp = now_iso()
    link = _new_link(doc_a, doc_b, kind, sorted(set(a)), sorted(set(b)), stamp)
    resolved = resolve(store, doc_a, doc_b)
    replaced = [
        (old, ia, ib)
        for old, ia, ib in resolved.links
        if (set(ia) & set(a) or set(ib) & set(b))
        and (old.kind != "unlink" or (set(ia) & set(a) and set(ib) & set(b)))
    ]
    # what is left of a replaced group once these passages moved to the new one stays linked
    rest = []
    for old, ia, ib in replaced:
        keep_a = [i for i in ia if i not in a]
        keep_b = [j for j in ib if j not in b]
        if old.kind != "unlink" and keep_a and keep_b:
            rest.append(_new_link(doc_a, doc_b, old.kind, keep_a, keep_b, stamp))
    removed = [old.id for old, _, _ in replaced]
    with transaction(store.conn):
        _set_deleted(store, removed, True)
        for new in (link, *rest):
            _write(store, new)
    added = [link.id, *(x.id for x in rest)]
    store._notify(Change("alignment_link", "added", (*added, *removed)))
    return LinkChange(added, removed)


def _new_link(
    doc_a: Document,
    doc_b: Document,
    kind: str,
    a: Sequence[int],
    b: Sequence[int],
    stamp: str,
) -> AlignmentLink:
    """A new link of `kind` between passages `a` of doc_a and `b` of doc_b, anchored now."""
    return AlignmentLink(
        str(uuid.uuid4()),
        doc_a.path,
        doc_b.path,
        doc_a.sha256,
        doc_b.sha256,
        kind,
        tuple(_anchor(doc_a, i) for i in a),
        tuple(_anchor(doc_b, j) for j in b),
        stamp,
        stamp,
    )


def confirm(
    store: Store, doc_a: Document, doc_b: Document, a: Sequence[int], b: Sequence[int]
) -> LinkChange:
    """Mark a group as checked by the reader."""
    return add_link(store, doc_a, doc_b, a, b, "confirmed")


def unlink(store: Store, doc_a: Document, doc_b: Document, i: int, j: int) -> LinkChange:
    """Passage i of doc_a and passage j of doc_b do not belong together.

    A stored group holding both is split: it loses passage j of b (or i of a when j is its
    only b passage), and the pair is remembered so the aligner never links it again.
    """
    if doc_a.path == doc_b.path:
        raise LinkError("a passage link needs two different documents")
    stamp = now_iso()
    unlinked = _new_link(doc_a, doc_b, "unlink", [i], [j], stamp)
    resolved = resolve(store, doc_a, doc_b)
    change = LinkChange()
    rest: list[AlignmentLink] = []
    for link, ia, ib in resolved.links:
        if link.kind == "unlink" or i not in ia or j not in ib:
            continue
        change.removed.append(link.id)
        keep_a = [x for x in ia if x != i] if len(ib) == 1 else list(ia)
        keep_b = [y for y in ib if y != j] if len(ib) > 1 else list(ib)
        if keep_a and keep_b:
            rest.append(_new_link(doc_a, doc_b, link.kind, keep_a, keep_b, stamp))
    rest.append(unlinked)
    with transaction(store.conn):
        _set_deleted(store, change.removed, True)
        for link in rest:
            _write(store, link)
    change.added = [link.id for link in rest]
    store._notify(Change("alignment_link", "unlinked", (*change.added, *change.removed)))
    return change


def remove(store: Store, link_id: str) -> LinkChange:
    """Forget one stored link (it becomes a tombstone)."""
    if not store.conn.execute(
        "SELECT 1 FROM alignment_links WHERE id = ? AND deleted = 0", (link_id,)
    ).fetchone():
        raise LinkError(f"no alignment link {link_id!r}")
    with transaction(store.conn):
        _set_deleted(store, [link_id], True)
    store._notify(Change("alignment_link", "deleted", (link_id,)))
    return LinkChange([], [link_id])


def revert(store: Store, change: LinkChange) -> LinkChange:
    """Undo an operation: its added links go, the links it removed come back. Returns the
    change that redoes it."""
    with transaction(store.conn):
        _set_deleted(store, change.added, True)
        _set_deleted(store, change.removed, False)
    store._notify(Change("alignment_link", "reverted", (*change.added, *change.removed)))
    return LinkChange(list(change.removed), list(change.added))


# --- the links as they are now ------------------------------------------------------------------


def _find_passage(
    doc: Document, anchor: PassageAnchor, same_version: bool
) -> tuple[int | None, bool]:
    """Index of the passage the anchor points at now, and whether it had to be looked for."""
    if same_version:
        for p in doc.passages:
            if p.start == anchor.start and p.end == anchor.end:
                return p.index, False
    found = find_anchor(doc.text, anchor.quote, anchor.prefix, anchor.suffix, anchor.start)
    if found is None:
        return None, True
    best, overlap = None, 0
    for p in doc.passages:
        o = min(p.end, found.end) - max(p.start, found.start)
        if o > overlap:
            best, overlap = p.index, o
    moved = doc.passages[best].start != anchor.start if best is not None else True
    return best, moved


def resolve(store: Store, doc_a: Document, doc_b: Document) -> ResolvedLinks:
    """The stored links of two documents, found again in their present text."""
    return resolve_links(links_between(store, doc_a.path, doc_b.path), doc_a, doc_b)


def user_alignment(links: Sequence[AlignmentLink]):
    """For `align_topic(user=...)`: (doc_a, doc_b) -> (fixed links, forbidden pairs), from
    links read out of the store beforehand (the store may be closed by then). The ids of
    links whose text is gone gather in the function's `lost` set."""

    lost: set[str] = set()

    def between(doc_a: Document, doc_b: Document) -> tuple[list[FixedLink], set[tuple[int, int]]]:
        mine = [
            _oriented(x, doc_a.path)
            for x in links
            if {x.doc_a, x.doc_b} == {doc_a.path, doc_b.path} and not x.deleted
        ]
        resolved = resolve_links(mine, doc_a, doc_b)
        lost.update(x.id for x in resolved.lost)
        return resolved.fixed, resolved.forbidden

    between.lost = lost  # type: ignore[attr-defined]
    return between


def resolve_links(
    links: Iterable[AlignmentLink], doc_a: Document, doc_b: Document
) -> ResolvedLinks:
    """Links (oriented doc_a -> doc_b) found again in the documents' present text."""
    out = ResolvedLinks()
    for link in links:
        found_a = [_find_passage(doc_a, p, link.sha_a == doc_a.sha256) for p in link.a]
        found_b = [_find_passage(doc_b, p, link.sha_b == doc_b.sha256) for p in link.b]
        ia = tuple(sorted({i for i, _ in found_a if i is not None}))
        ib = tuple(sorted({j for j, _ in found_b if j is not None}))
        if len(ia) < len(link.a) or len(ib) < len(link.b):
            out.lost.append(link)
            continue
        if any(m for _, m in found_a + found_b):
            out.moved.append(link.id)
        out.links.append((link, ia, ib))
        if link.kind == "unlink":
            out.forbidden.update((i, j) for i in ia for j in ib)
        else:
            out.fixed.append(FixedLink(ia, ib, link.kind))
    # a passage in two groups (e.g. after an edit merged two paragraphs): the newest wins
    taken_a: set[int] = set()
    taken_b: set[int] = set()
    kept = []
    for f in reversed(out.fixed):
        if not (taken_a & set(f.a) or taken_b & set(f.b)):
            kept.append(f)
            taken_a.update(f.a)
            taken_b.update(f.b)
    out.fixed = kept[::-1]
    return out
