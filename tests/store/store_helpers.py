"""Helpers shared by the store tests (imported by name; pytest puts this folder on sys.path)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from reader.corpus.loading import document_from_bytes
from reader.corpus.model import Document

REPO = Path(__file__).resolve().parents[2]


def make_doc(text: str, path: str = "news/a.txt") -> Document:
    """A Document whose reading text is `text` (as the loader makes it from UTF-8 bytes)."""
    return document_from_bytes(path, text.encode("utf-8"))


def integrity(path: Path) -> str:
    """`PRAGMA integrity_check` of a store file, from a separate connection."""
    conn = sqlite3.connect(path)
    try:
        return conn.execute("PRAGMA integrity_check").fetchone()[0]
    finally:
        conn.close()
