"""File names with control characters: escaped in tables, accepted in the store."""

from __future__ import annotations

import json
from pathlib import Path

from reader.cli import main

NAME = "red\x1b[31mflag\ttab.txt"


def test_control_characters_in_names_are_escaped_and_can_be_annotated(tmp_path: Path, capsys):
    root = tmp_path / "c"
    root.mkdir()
    (root / NAME).write_text("The ferry left at dawn.\n", "utf-8")
    db = str(tmp_path / "s.sqlite3")
    assert main(["docs", str(root)]) == 0
    out = capsys.readouterr().out
    assert "\x1b" not in out and "\t" not in out and "red\\x1b[31mflag\\ttab.txt" in out
    code = main(["annotate", str(root / NAME), "--quote", "ferry", "--db", db])
    out, err = capsys.readouterr()
    assert code == 0, err
    assert main(["annotations", "--db", db, "--corpus", str(root)]) == 0
    out = capsys.readouterr().out
    assert "\x1b" not in out and "red\\x1b[31mflag" in out and "ferry" in out
    assert main(["annotations", "--db", db, "--json"]) == 0  # JSON keeps the real name
    [ann] = json.loads(capsys.readouterr().out)["annotations"]
    assert ann["document"] == NAME
    out_file = tmp_path / "x.json"
    assert main(["export", "--db", db, "-o", str(out_file)]) == 0
    assert main(["import", str(out_file), "--db", str(tmp_path / "other.sqlite3")]) == 0
    assert json.loads(capsys.readouterr().out)["added"] == [ann["id"]]
    assert main(["export", "--db", db, "--format", "markdown"]) == 0
    assert "\x1b" not in capsys.readouterr().out
