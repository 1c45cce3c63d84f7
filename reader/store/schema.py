"""The store's schema: `MIGRATIONS`, an ordered list of steps; step *n* takes
`PRAGMA user_version` from *n-1* to *n*. Append only: never edit or reorder a released step."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable

Migration = str | Callable[[sqlite3.Connection], None]


# Step 1: documents seen, annotations (with tombstones) and their tags.
STEP1_ANNOTATIONS = """
        CREATE TABLE documents (
            path      TEXT PRIMARY KEY,            -- corpus-relative, POSIX separators
            sha256    TEXT NOT NULL,               -- hash of the file's bytes last seen
            length    INTEGER CHECK (length >= 0), -- reading text in code points; NULL: unknown
            location  TEXT,                        -- absolute path last opened by the user
            seen      TEXT NOT NULL                -- UTC ISO 8601
        );
        CREATE TABLE annotations (
            id        TEXT PRIMARY KEY,            -- UUID, lower-case, no urn: prefix
            document  TEXT NOT NULL REFERENCES documents(path) ON UPDATE CASCADE,
            sha256    TEXT NOT NULL,               -- version of the document the span refers to
            start     INTEGER NOT NULL CHECK (start >= 0),
            "end"     INTEGER NOT NULL CHECK ("end" >= start),
            quote     TEXT NOT NULL,
            prefix    TEXT NOT NULL DEFAULT '',
            suffix    TEXT NOT NULL DEFAULT '',
            note      TEXT NOT NULL DEFAULT '',
            color     TEXT NOT NULL DEFAULT '',
            status    TEXT NOT NULL DEFAULT 'anchored'
                      CHECK (status IN ('anchored', 'moved', 'orphaned')),
            created   TEXT NOT NULL,
            modified  TEXT NOT NULL,
            deleted   TEXT                         -- tombstone: time of deletion, else NULL
        );
        CREATE INDEX annotations_document ON annotations(document, start);
        CREATE TABLE annotation_tags (
            annotation TEXT NOT NULL REFERENCES annotations(id) ON DELETE CASCADE,
            tag        TEXT NOT NULL,
            position   INTEGER NOT NULL,
            PRIMARY KEY (annotation, tag)
        );
        CREATE INDEX annotation_tags_tag ON annotation_tags(tag);
"""


# Step 2: the user's entity links and topic edits.
STEP2_USER_EDITS = """
CREATE TABLE entity_links (
    key_a    TEXT NOT NULL,                    -- entity keys, key_a < key_b
    key_b    TEXT NOT NULL,
    action   TEXT NOT NULL CHECK (action IN ('link', 'unlink')),
    modified TEXT NOT NULL,
    PRIMARY KEY (key_a, key_b),
    CHECK (key_a < key_b)
);
CREATE TABLE topic_edits (
    id       INTEGER PRIMARY KEY AUTOINCREMENT, -- order of application
    kind     TEXT NOT NULL CHECK (kind IN ('move', 'rename', 'merge')),
    document TEXT,                              -- move: corpus-relative path
    topic    TEXT NOT NULL,                     -- move: target topic; rename/merge: the topic
    value    TEXT,                              -- rename: new label; merge: topic merged into
    created  TEXT NOT NULL,
    CHECK (kind != 'move' OR document IS NOT NULL),
    CHECK (kind = 'move' OR value IS NOT NULL)
);
"""

# Step 3: caches of derived data keyed by document hash (filled by the index).
STEP3_DOC_CACHE = """
CREATE TABLE doc_cache (
    sha256   TEXT NOT NULL,                     -- document version the data was derived from
    kind     TEXT NOT NULL,                     -- e.g. 'passages', 'entities'
    version  INTEGER NOT NULL DEFAULT 1,        -- format version of `data` for this kind
    data     BLOB NOT NULL,
    created  TEXT NOT NULL,
    PRIMARY KEY (sha256, kind)
);
"""

# Step 4: the corpus index (reader/store/index/): files seen per corpus folder, and the
# search shadow text of every passage in an FTS5 table (rowid = index_passages.id).
STEP4_SEARCH_INDEX = """
CREATE TABLE index_files (
    root      TEXT NOT NULL,                    -- corpus folder, resolved absolute path
    path      TEXT NOT NULL,                    -- corpus-relative, POSIX separators
    size      INTEGER NOT NULL,
    mtime_ns  INTEGER NOT NULL,                 -- -1: changed while read, look again
    sha256    TEXT NOT NULL,                    -- '' when the file could not be read
    format    TEXT NOT NULL CHECK (format IN ('text', 'markdown')),
    pipeline  INTEGER NOT NULL,                 -- version of the processing that saw it
    error     TEXT,                             -- why the file is skipped; NULL: indexed
    PRIMARY KEY (root, path)
);
CREATE INDEX index_files_content ON index_files(sha256, format);
CREATE TABLE index_passages (
    id        INTEGER PRIMARY KEY,              -- rowid in index_fts
    sha256    TEXT NOT NULL,
    format    TEXT NOT NULL,
    passage   INTEGER NOT NULL,                 -- index of the passage in the document
    start     INTEGER NOT NULL,
    "end"     INTEGER NOT NULL,
    spans     BLOB NOT NULL                     -- int32 (start, end) of each shadow word
);
CREATE INDEX index_passages_content ON index_passages(sha256, format);
CREATE VIRTUAL TABLE index_fts USING fts5(
    words, inner, lang,                         -- shadow words, inner suffixes, language
    tokenize = "unicode61 remove_diacritics 0 categories 'L* M* N* P* S* Co'"
);
"""

# Step 5: index_files accepts every document format (reader/corpus/formats), not only text and
# Markdown; SQLite cannot change a CHECK, so the table is copied into its new shape.
STEP5_INDEX_FORMATS = """
CREATE TABLE index_files_new (
    root      TEXT NOT NULL,
    path      TEXT NOT NULL,
    size      INTEGER NOT NULL,
    mtime_ns  INTEGER NOT NULL,
    sha256    TEXT NOT NULL,
    format    TEXT NOT NULL CHECK (format GLOB '[a-z]*'),  -- text, markdown, html, epub, pdf, …
    pipeline  INTEGER NOT NULL,
    error     TEXT,
    PRIMARY KEY (root, path)
);
INSERT INTO index_files_new SELECT root, path, size, mtime_ns, sha256, format, pipeline, error
    FROM index_files;
DROP TABLE index_files;
ALTER TABLE index_files_new RENAME TO index_files;
CREATE INDEX index_files_content ON index_files(sha256, format);
"""

# Ordered schema steps: MIGRATIONS[i] takes user_version i to i + 1. Append only.
MIGRATIONS: list[Migration] = [STEP1_ANNOTATIONS, STEP2_USER_EDITS, STEP3_DOC_CACHE]
MIGRATIONS.append(STEP4_SEARCH_INDEX)
MIGRATIONS.append(STEP5_INDEX_FORMATS)

# Step 6 (issue 16): mismatches between versions the reader dismissed, and kinds they hid.
STEP6_MISMATCH_DECISIONS = """
CREATE TABLE mismatch_dismissals (
    fingerprint TEXT PRIMARY KEY,               -- Mismatch.fingerprint: both paths, kind, keys
    kind        TEXT NOT NULL CHECK (kind IN ('number', 'date', 'name')),
    doc_a       TEXT NOT NULL,                  -- corpus-relative paths of the two documents
    doc_b       TEXT NOT NULL,
    text_a      TEXT NOT NULL DEFAULT '',       -- what each side says ('' when it says nothing)
    text_b      TEXT NOT NULL DEFAULT '',
    created     TEXT NOT NULL
);
CREATE TABLE mismatch_hidden_kinds (
    kind        TEXT PRIMARY KEY CHECK (kind IN ('number', 'date', 'name')),
    created     TEXT NOT NULL
);
"""
MIGRATIONS.append(STEP6_MISMATCH_DECISIONS)

# Step 7: the reader's corrections of passage alignment (reader/store/alignment_links.py).
# Each row links passages of two documents (or forbids a link), every passage anchored by its
# text with context, so the link survives re-indexing and edits of the files.
STEP7_ALIGNMENT_LINKS = """
CREATE TABLE alignment_links (
    id        TEXT PRIMARY KEY,                 -- UUID
    doc_a     TEXT NOT NULL,                    -- corpus-relative paths
    doc_b     TEXT NOT NULL,
    sha_a     TEXT NOT NULL,                    -- file versions the link was made on
    sha_b     TEXT NOT NULL,
    kind      TEXT NOT NULL CHECK (kind IN ('user', 'confirmed', 'unlink')),
    passages  TEXT NOT NULL,                    -- JSON {"a": [anchor], "b": [anchor]}
    created   TEXT NOT NULL,
    modified  TEXT NOT NULL,
    deleted   INTEGER NOT NULL DEFAULT 0,       -- tombstone, for undo and import
    CHECK (doc_a != doc_b)
);
CREATE INDEX alignment_links_docs ON alignment_links(doc_a, doc_b);
"""
MIGRATIONS.append(STEP7_ALIGNMENT_LINKS)


# Step 8: a smaller index (reader/store/index/). The search shadow words move to index_passages
# with the passage's language; index_fts becomes contentless (words and inner suffixes are
# indexed, not stored a second time; deleting a row gives its values back, see writer.py).
# The index is derived data: it is dropped here and rebuilt by the next refresh.
STEP8_SMALLER_INDEX = """
DROP TABLE index_fts;
DROP TABLE index_passages;
DELETE FROM index_files;
DELETE FROM doc_cache WHERE kind LIKE 'index.%' OR kind LIKE 'index-%';
CREATE TABLE index_passages (
    id        INTEGER PRIMARY KEY,              -- rowid in index_fts
    sha256    TEXT NOT NULL,
    format    TEXT NOT NULL,
    passage   INTEGER NOT NULL,                 -- index of the passage in the document
    start     INTEGER NOT NULL,
    "end"     INTEGER NOT NULL,
    lang      TEXT NOT NULL,                    -- language of the document
    words     BLOB NOT NULL,                    -- zlib of the shadow words, space-separated
    spans     BLOB NOT NULL                     -- (start, end) of each word, delta-coded, zlib
);
CREATE INDEX index_passages_content ON index_passages(sha256, format);
CREATE VIRTUAL TABLE index_fts USING fts5(
    words, inner, lang,                         -- shadow words, inner suffixes, language
    content = '',
    tokenize = "unicode61 remove_diacritics 0 categories 'L* M* N* P* S* Co'"
);
"""
MIGRATIONS.append(STEP8_SMALLER_INDEX)

# Step 9 (issue 13): entities from the index. The vocabulary of each indexed folder (word
# counts per language, JSON in `data`) and the contents it counts, so that a changed file
# changes the counts by its own words only. Phase 2 now stores facts (`index.facts.*`) in place
# of candidates.
STEP9_ENTITY_VOCABULARY = """
DELETE FROM doc_cache WHERE kind LIKE 'index.candidates.%';
CREATE TABLE entity_vocab (
    root      TEXT PRIMARY KEY,                 -- corpus folder, as in index_files
    version   INTEGER NOT NULL,                 -- version of the facts it was counted from
    data      BLOB NOT NULL                     -- deflated JSON of the counts
);
CREATE TABLE entity_vocab_docs (
    root      TEXT NOT NULL,
    sha256    TEXT NOT NULL,                    -- a content counted in the folder's vocabulary
    format    TEXT NOT NULL,
    language  TEXT NOT NULL,                    -- the language its words were counted in
    n         INTEGER NOT NULL,                 -- how many files of the folder hold it
    PRIMARY KEY (root, sha256, format)
);
CREATE INDEX entity_vocab_docs_content ON entity_vocab_docs(sha256, format);
"""
MIGRATIONS.append(STEP9_ENTITY_VOCABULARY)

# Step 10 (issue 13): the documents of an indexed folder as one row (`index_listing`), so a
# folder of 100,000 files opens with one read instead of a join over every file. Any change to
# the folder's files drops its row (the triggers); the next opening writes it again.
STEP10_INDEX_LISTING = """
CREATE TABLE index_listing (
    root      TEXT PRIMARY KEY,                 -- corpus folder, as in index_files
    version   INTEGER NOT NULL,                 -- version of the listing's form
    data      BLOB NOT NULL                     -- deflated JSON, by column
);
CREATE TRIGGER index_listing_inserted AFTER INSERT ON index_files BEGIN
    DELETE FROM index_listing WHERE root = NEW.root;
END;
CREATE TRIGGER index_listing_updated AFTER UPDATE ON index_files BEGIN
    DELETE FROM index_listing WHERE root = OLD.root OR root = NEW.root;
END;
CREATE TRIGGER index_listing_deleted AFTER DELETE ON index_files BEGIN
    DELETE FROM index_listing WHERE root = OLD.root;
END;
"""
MIGRATIONS.append(STEP10_INDEX_LISTING)

# Step 11 (issue 13, store size): the passages of a content are found by the first 8 digits of
# its hash (the writer checks the whole hash on the rows found) instead of an index of the
# whole hash and format, a fifth of its size.
STEP11_PASSAGE_CONTENT_PREFIX = """
DROP INDEX IF EXISTS index_passages_content;
CREATE INDEX IF NOT EXISTS index_passages_sha8 ON index_passages(substr(sha256, 1, 8));
"""
MIGRATIONS.append(STEP11_PASSAGE_CONTENT_PREFIX)


def apply_step(conn: sqlite3.Connection, step: Migration) -> None:
    if isinstance(step, str):
        for statement in _split_sql(step):
            conn.execute(statement)
    else:
        step(conn)


def _split_sql(script: str) -> list[str]:
    """Split a script of plain SQL into statements (executescript would commit)."""
    statements, current = [], ""
    for line in script.splitlines(keepends=True):
        current += line
        if sqlite3.complete_statement(current):
            statements.append(current.strip())
            current = ""
    if current.strip():
        statements.append(current.strip())
    return [s for s in statements if s]
