"""A damaged cache row in the index is a cache miss: recomputed, one warning, no traceback."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from reader.cli import main


@pytest.fixture
def indexed(tmp_path: Path, capsys) -> tuple[Path, str]:
    root = tmp_path / "c"
    root.mkdir()
    (root / "a.txt").write_text("The ferry to Phnom Penh left at dawn.\n\nIt was late.\n", "utf-8")
    (root / "b.md").write_text("# Bến phà\n\nChuyến phà đi Phnom Penh rời bến lúc bình minh.\n")
    db = str(tmp_path / "s.sqlite3")
    assert main(["index", str(root), "--db", db, "--quiet"]) == 0
    capsys.readouterr()
    return root, db


def _damage(db: str) -> None:
    conn = sqlite3.connect(db)
    with conn:  # a stray leading byte: the file still passes integrity_check
        conn.execute("UPDATE doc_cache SET data = x'ff' || data WHERE kind LIKE 'index.%'")
        conn.execute("UPDATE index_listing SET data = x'ff' || data")
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    conn.close()


def _without_warnings(data: dict) -> dict:
    return {k: v for k, v in data.items() if k != "warnings"}


@pytest.mark.parametrize(
    "argv",
    [["docs", "--json"], ["search", "Phnom", "--json"], ["entities", "--json"],
     ["topics", "--json"]],
)  # fmt: skip
def test_commands_recompute_a_damaged_row_and_warn_once(indexed, capsys, argv):
    root, db = indexed
    command, *rest = argv
    assert main([command, *rest[:1], str(root), *rest[1:], "--db", db]) == 0
    intact = _without_warnings(json.loads(capsys.readouterr().out))
    _damage(db)
    code = main([command, *rest[:1], str(root), *rest[1:], "--db", db])
    out, err = capsys.readouterr()
    assert code == 0, err
    assert _without_warnings(json.loads(out)) == intact
    assert err.count("damaged") == 1 and "Traceback" not in err, err
    # recomputed and saved: the next run is quiet
    assert main([command, *rest[:1], str(root), *rest[1:], "--db", db]) == 0
    assert "damaged" not in capsys.readouterr().err


def test_search_survives_a_damaged_span_row(indexed, capsys):
    root, db = indexed
    conn = sqlite3.connect(db)
    with conn:
        conn.execute("UPDATE index_passages SET spans = x'ff' || spans")
    conn.close()
    code = main(["search", "ferry", str(root), "--db", db, "--json"])
    out, err = capsys.readouterr()
    assert code == 0 and "Traceback" not in err and "hits" in json.loads(out)
