"""A corpus from the index without its texts: `LazyDocument`s that read their text from the
store when first used (a 100,000-document folder opens in a fraction of a second and a few
tens of MB; a column reads the documents it shows).

Each document's title, language, script and sizes come from its `index.meta` row (written
in phase 1). A store indexed before those rows existed gets them on first use, from the
stored documents, once.
"""

from __future__ import annotations

import gc
import json
import os
import sqlite3
import struct
import sys
import zlib
from array import array
from collections.abc import Callable
from pathlib import Path
from typing import NamedTuple

from reader.corpus.chunked_texts import ChunkedTexts, TextColumn, packed_texts
from reader.corpus.lazy_document import DocumentSources, LazyDocument, stored_document
from reader.corpus.model import Corpus, Document, Skipped
from reader.store.db import StoreError, _db_path, thread_reader, transaction
from reader.store.index.model import (
    _DAMAGED,
    KIND_DOCUMENT,
    KIND_META,
    _document_from_json,
    _meta_json,
    corpus_root,
    document_id,
)


class StoredContent(NamedTuple):
    """A document's stored form in the index of store `db` (picklable `DocumentSource`).

    When the store no longer holds it (the index was refreshed and the content left), the file
    is read again; if the file changed since, ValueError says so.
    """

    db: str
    root: str
    rel: str
    sha256: str
    format: str

    def load(self) -> Document:
        row = None
        try:
            row = (
                thread_reader(self.db)
                .execute(
                    "SELECT CAST(data AS BLOB) FROM doc_cache WHERE sha256 = ? AND kind = ?",
                    (self.sha256, f"{KIND_DOCUMENT}.{self.format}"),
                )
                .fetchone()
            )
        except sqlite3.Error:
            row = None
        abs_path = Path(self.root) / self.rel
        if row is not None:
            try:
                return _document_from_json(self.rel, self.sha256, self.format, row[0], abs_path)
            except _DAMAGED:
                pass
        from reader.store.index.worker import process_file

        r = process_file(self.root, self.rel, entities=False)
        if r.error:
            raise ValueError(r.error)
        if r.sha256 != self.sha256:
            raise ValueError("the file changed since it was indexed; open the folder again")
        return _document_from_json(self.rel, r.sha256, r.format, r.document, abs_path)


class StoredFolder(DocumentSources):
    """The sources of an indexed folder's documents in store `db`: a document's
    `StoredContent` made from its path, hash and format when first asked for."""

    __slots__ = ("db", "root")

    def __init__(self, db: str, root: str) -> None:
        self.db, self.root = db, root

    def source_of(self, doc: LazyDocument) -> StoredContent:
        return StoredContent(self.db, self.root, doc.path, doc.sha256, doc.format)

    def __reduce__(self) -> tuple:
        return (StoredFolder, (self.db, self.root))


LISTING_VERSION = 4  # the form of an `index_listing` row: 2, the titles apart; 3, the titles
# in chunks (`ChunkedTexts`); 4, the columns packed (`_column`) after a small JSON head


class Listing(NamedTuple):
    """The documents of an indexed folder by column, in path order (`index_listing`), their
    titles (read when the first is asked for), and the files it skips with why; `complete` is
    False while a file is not indexed yet."""

    documents: dict[str, list]
    titles: Callable[[], list[str]]
    skipped: list[tuple[str, str]]
    complete: bool


_COLUMNS = ("path", "id", "sha", "format", "language", "script", "encoding")
_NUMBERS = ("chars", "count")
_LENGTH = struct.Struct("<I")  # a row: the length of the columns (JSON), them, the titles


def load_lazy_corpus(conn: sqlite3.Connection, root: str | os.PathLike[str]) -> Corpus | None:
    """The corpus as the index knows it, documents as `LazyDocument`s reading from the store
    file `conn` has open (None for a store without a file: load it whole)."""
    key = corpus_root(root)
    path = _db_path(conn)
    if path is None:
        return None
    listing = _stored_listing(conn, key)
    if listing is None:
        seen = _data_version(conn)
        listing = _listing_from_index(conn, key)
        if listing is None:
            return None  # a damaged row: the whole load recomputes (and says so)
        if listing.complete:
            _keep_listing(conn, key, listing, seen)
    return _corpus(listing, key, str(path.absolute()))


def _corpus(listing: Listing, key: str, db_path: str) -> Corpus:
    collecting = gc.isenabled()
    gc.disable()  # 200,000 objects without a cycle: the collector would only scan them
    try:
        return _made_corpus(listing, key, db_path)
    finally:
        if collecting:
            gc.enable()


def _made_corpus(listing: Listing, key: str, db_path: str) -> Corpus:
    corpus = Corpus(root=Path(key))
    corpus.skipped.extend(Skipped(rel, error) for rel, error in listing.skipped)
    columns = listing.documents
    rows = zip(*(columns[c] for c in (*_COLUMNS, *_NUMBERS)), strict=True)
    titles = TextColumn(listing.titles, len(columns["path"]))
    folder = StoredFolder(db_path, key)
    corpus.documents.extend(
        stored_document(
            doc_id,
            rel,
            (titles, at),
            language,
            script,
            sha,
            fmt,
            encoding,
            chars,
            count,
            folder,
        )
        for at, (rel, doc_id, sha, fmt, language, script, encoding, chars, count) in enumerate(rows)
    )
    corpus.make_lookups(columns["id"], columns["path"])
    return corpus


def _listing_from_index(conn: sqlite3.Connection, key: str) -> Listing | None:
    """The listing made from the folder's files and their `index.meta` rows (None: a damaged
    row)."""
    rows = conn.execute(
        "SELECT f.path, f.sha256, f.format, f.error, CAST(m.data AS BLOB) FROM index_files f "
        "LEFT JOIN doc_cache m ON m.sha256 = f.sha256 AND m.kind = ? || '.' || f.format "
        "WHERE f.root = ? ORDER BY f.path",
        (KIND_META, key),
    ).fetchall()
    missing: list[tuple[str, str, str]] = []
    metas: dict[tuple[str, str], list] = {}
    plain: list[tuple[tuple[str, str], bytes]] = []  # decoded together, in one parse
    for rel, sha, fmt, error, meta in rows:
        if error is not None:
            continue
        if meta is not None and meta[:1] == b"[":
            plain.append(((sha, fmt), meta))
        else:  # not written yet (an index made before these rows), or not JSON: made again
            missing.append((rel, sha, fmt))
    if plain:
        try:
            decoded = json.loads(b"[" + b",".join(m for _, m in plain) + b"]")
            metas.update(zip((c for c, _ in plain), decoded, strict=True))
        except (ValueError, TypeError):
            return None
    if missing:
        filled = _fill_metas(conn, missing)
        if filled is None:
            return None
        metas.update(filled)
    columns: dict[str, list] = {name: [] for name in (*_COLUMNS, *_NUMBERS)}
    titles: list[str] = []
    skipped: list[tuple[str, str]] = []
    complete = True
    for rel, sha, fmt, error, _meta in rows:
        data = metas.get((sha, fmt)) if error is None else None
        if data is None:
            complete = complete and error is not None
            skipped.append((rel, error or "not indexed yet"))
            continue
        title, language, script, encoding, chars, count = data
        values = (rel, document_id(rel), sha, fmt, language, script, encoding)
        for name, value in zip(_COLUMNS, values, strict=True):
            columns[name].append(value)
        titles.append(title)
        columns["chars"].append(chars)
        columns["count"].append(count)
    return Listing(columns, lambda: titles, skipped, complete)


def _stored_listing(conn: sqlite3.Connection, key: str) -> Listing | None:
    """The folder's stored listing (None: none, another form, or damaged)."""
    try:
        row = conn.execute(
            "SELECT data FROM index_listing WHERE root = ? AND version = ?",
            (key, LISTING_VERSION),
        ).fetchone()
        if row is None:
            return None
        blob = bytes(row[0])
        (length,) = _LENGTH.unpack_from(blob)
        at = _LENGTH.size + length
        head = json.loads(blob[_LENGTH.size : at])
        n, sizes, tables = int(head["count"]), head["sizes"], head["tables"]
        if len(sizes) != len(_COLUMNS) + len(_NUMBERS):
            raise ValueError("another number of columns")
        columns: dict[str, list] = {}
        for name, size in zip((*_COLUMNS, *_NUMBERS), sizes, strict=True):
            part = blob[at : at + size]
            if len(part) != size:
                raise ValueError("a column cut short")
            at += size
            columns[name] = _column(name, part, n, tables.get(name))
        titles = blob[at:]
        skipped = [(str(rel), str(error)) for rel, error in head["skipped"]]
        return Listing(columns, lambda: ChunkedTexts(titles, n), skipped, True)
    except (sqlite3.Error, struct.error, zlib.error, ValueError, TypeError, KeyError, IndexError):
        return None


def _column(name: str, part: bytes, n: int, table: list | None) -> list:
    """One column of a stored listing: strings joined by NUL (no path, id or hash holds
    one), numbers as 8-byte integers, a few repeated strings as indices into their `table`.
    Splitting and `array` make 100,000 values in milliseconds, where JSON took 0.2 s."""
    if name in _NUMBERS or name in _TABLED:
        values = array("q" if name in _NUMBERS else "I")
        values.frombytes(part)
        if sys.byteorder != "little":
            values.byteswap()
        found = (
            values.tolist() if name in _NUMBERS else list(map(_strings(table).__getitem__, values))
        )
    else:
        found = part.decode("utf-8").split("\0") if n else []
    if len(found) != n:
        raise ValueError(f"a {name} column of another length")
    return found


def _strings(table: list | None) -> list[str]:
    if not isinstance(table, list) or not all(isinstance(v, str) for v in table):
        raise ValueError("a damaged table of values")
    return table


def _packed_column(name: str, values: list) -> tuple[bytes, list[str] | None]:
    """`values` as `_column` reads them, and the table of a tabled column."""
    if name in _NUMBERS or name in _TABLED:
        table = list(dict.fromkeys(values)) if name in _TABLED else None
        if table is not None:
            at = {v: i for i, v in enumerate(table)}
            values = [at[v] for v in values]
        packed = array("q" if name in _NUMBERS else "I", values)
        if sys.byteorder != "little":
            packed.byteswap()
        return packed.tobytes(), table
    return "\0".join(values).encode("utf-8"), None


def _data_version(conn: sqlite3.Connection) -> int:
    """Changes to the store another connection made (`PRAGMA data_version`)."""
    return int(conn.execute("PRAGMA data_version").fetchone()[0])


def _keep_listing(conn: sqlite3.Connection, key: str, listing: Listing, seen: int) -> None:
    """Store the listing for the next opening, unless another connection wrote since it was
    read (`seen`: an index refresh may have changed the files). Nothing is lost when the store
    cannot be written: it is made again."""
    parts: list[bytes] = []
    sizes: list[int] = []
    tables: dict[str, list[str]] = {}
    for name in (*_COLUMNS, *_NUMBERS):
        part, table = _packed_column(name, listing.documents[name])
        parts.append(part)
        sizes.append(len(part))
        if table is not None:
            tables[name] = table
    count = len(listing.documents["path"])
    head = {"count": count, "sizes": sizes, "tables": tables, "skipped": listing.skipped}
    packed_head = json.dumps(head, ensure_ascii=False).encode("utf-8")
    titles = packed_texts(listing.titles())
    blob = _LENGTH.pack(len(packed_head)) + packed_head + b"".join(parts) + titles
    try:
        waited = conn.execute("PRAGMA busy_timeout").fetchone()[0]
        conn.execute("PRAGMA busy_timeout = 100")  # an index refresh writing: not now
        try:
            with transaction(conn):
                if _data_version(conn) == seen:
                    conn.execute(
                        "INSERT OR REPLACE INTO index_listing (root, version, data) "
                        "VALUES (?, ?, ?)",
                        (key, LISTING_VERSION, blob),
                    )
        finally:
            conn.execute(f"PRAGMA busy_timeout = {int(waited)}")
    except (sqlite3.Error, StoreError):
        pass  # read-only or busy: made again at the next opening


_TABLED = ("format", "language", "script", "encoding")  # a few values, each kept once


def _fill_metas(
    conn: sqlite3.Connection, missing: list[tuple[str, str, str]]
) -> dict[tuple[str, str], list] | None:
    """Metadata of documents indexed before `index.meta` rows existed, from their stored
    documents; written back when the store can be written (once). None when a stored document
    is damaged."""
    out: dict[tuple[str, str], list] = {}
    rows: list[tuple[str, str, bytes]] = []
    for rel, sha, fmt in missing:
        if (sha, fmt) in out:
            continue
        row = conn.execute(
            "SELECT CAST(data AS BLOB), version FROM doc_cache WHERE sha256 = ? AND kind = ?",
            (sha, f"{KIND_DOCUMENT}.{fmt}"),
        ).fetchone()
        if row is None:
            continue  # not indexed yet: skipped
        try:
            doc = _document_from_json(rel, sha, fmt, row[0], None)
        except _DAMAGED:
            return None
        blob = _meta_json(doc)
        out[(sha, fmt)] = json.loads(blob)
        rows.append((sha, f"{KIND_META}.{fmt}", row[1], blob))
    try:
        with transaction(conn):
            conn.executemany(
                "INSERT OR REPLACE INTO doc_cache (sha256, kind, version, data, created) "
                "VALUES (?, ?, ?, ?, datetime('now'))",
                rows,
            )
    except (sqlite3.Error, StoreError):
        pass  # read-only or busy: the next opening fills them again
    return out
