"""What the index tests share: a small three-script corpus, the generated-corpus module, and
checks of a store's consistency."""

from __future__ import annotations

import importlib.util
import os
import sqlite3
from pathlib import Path

from reader.store.index import search_index

BENCH = Path(__file__).parents[1] / "bench"


def _gen_module():
    spec = importlib.util.spec_from_file_location("gen_corpus", BENCH / "gen_corpus.py")
    module = importlib.util.module_from_spec(spec)
    assert spec.loader is not None
    spec.loader.exec_module(module)
    return module


FILES = {
    "vi/cang.txt": "Cảng Đà Nẵng\n\nTrung Quốc và Việt Nam ký thỏa thuận về cảng Đà Nẵng.\n",
    "km/tonle.txt": "ទន្លេមេគង្គ\n\nទឹកទន្លេមេគង្គឡើងខ្ពស់នៅភ្នំពេញកាលពីម្សិលមិញ។\n",
    "pt/porto.md": "# O porto\n\nA China e o Vietname assinaram um acordo sobre o porto.\n",
}


def write(root: Path, files: dict[str, str | bytes]) -> None:
    for rel, content in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")


def paths_found(conn, root, query, **kw) -> list[str]:
    return sorted({h.path for h in search_index(conn, root, query, **kw).hits})


def bump_mtime(path: Path) -> None:
    st = path.stat()
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + 2_000_000_000))


def assert_consistent(db: Path) -> None:
    """Every indexed file has its reading text and passages; FTS matches the passage table."""
    c = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        assert c.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        c.execute("INSERT INTO index_fts(index_fts) VALUES('integrity-check')")
    except sqlite3.OperationalError as exc:  # read-only: the FTS check needs a write handle
        assert "readonly" in str(exc)
    finally:
        c.close()
    c = sqlite3.connect(db)
    try:
        c.execute("INSERT INTO index_fts(index_fts) VALUES('integrity-check')")
        missing = c.execute(
            "SELECT f.path FROM index_files f WHERE f.error IS NULL AND NOT EXISTS "
            "(SELECT 1 FROM doc_cache d WHERE d.sha256 = f.sha256 "
            "AND d.kind = 'index.document.' || f.format)"
        ).fetchall()
        assert missing == []
        fts = c.execute("SELECT count(*) FROM index_fts").fetchone()[0]
        passages = c.execute("SELECT count(*) FROM index_passages").fetchone()[0]
        assert fts == passages
    finally:
        c.close()
