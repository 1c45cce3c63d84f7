"""The command line keeps the small promises its help and README make."""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

import pytest

from reader.cli import build_parser, main

TEXT = "Hôm nay Thủ tướng gặp đại diện tại Hà Nội.\n"


def _run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be"])
def test_utf16_without_a_bom_is_read_with_a_warning_in_docs_json(tmp_path, capsys, encoding):
    (tmp_path / "vi.txt").write_bytes(TEXT.encode(encoding))
    code, out, _err = _run(capsys, "docs", str(tmp_path), "--json")
    data = json.loads(out)
    assert code == 0 and [d["path"] for d in data["documents"]] == ["vi.txt"], data
    assert data["skipped"] == []
    [warning] = data["warnings"]
    assert warning["path"] == "vi.txt" and encoding.upper() in warning["warning"]


def test_an_encoding_warning_reaches_the_table_and_the_json(tmp_path, capsys):
    (tmp_path / "pt.txt").write_bytes(
        "Informação sobre a ponte de Lisboa, não é?\n".encode("cp1252")
    )
    code, out, err = _run(capsys, "docs", str(tmp_path))
    assert code == 0 and "pt.txt: not UTF-8" in err and "not UTF-8" not in out
    data = json.loads(_run(capsys, "docs", str(tmp_path), "--json")[1])
    assert data["warnings"][0]["path"] == "pt.txt"


def test_docs_lists_skipped_files_on_stderr_not_in_the_table(tmp_path, capsys):
    (tmp_path / "ok.txt").write_text("A small text about a river.\n", "utf-8")
    (tmp_path / "bin.txt").write_bytes(b"\x00\x01\x02")
    code, out, err = _run(capsys, "docs", str(tmp_path))
    assert code == 0 and "bin.txt" not in out and "skipped bin.txt: binary" in err


@pytest.mark.parametrize("command", ["docs", "entities", "topics"])
def test_an_empty_corpus_says_so(tmp_path, capsys, command):
    code, _out, err = _run(capsys, command, str(tmp_path))
    assert code == 0 and "no documents" in err


def test_an_imported_note_whose_file_exists_nowhere_is_flagged(tmp_path, capsys):
    from reader.store.annotations import Store
    from reader.store.exchange import annotation_to_w3c

    db = str(tmp_path / "s.sqlite3")
    with Store(tmp_path / "other.sqlite3") as other:
        ann = other.add("gone/away.txt", "ab" * 32, 0, 5, "Hello", note="n")
        (tmp_path / "in.json").write_text(json.dumps(annotation_to_w3c(ann)), "utf-8")
    assert _run(capsys, "import", str(tmp_path / "in.json"), "--db", db)[0] == 0
    code, out, err = _run(capsys, "annotations", "--json", "--db", db)
    [listed] = json.loads(out)["annotations"]
    assert code == 0 and listed["file_missing"] is True and "gone/away.txt" in err
    (tmp_path / "c").mkdir()
    code, out, err = _run(capsys, "annotations", "--db", db, "--corpus", str(tmp_path / "c"))
    assert "file missing" in out


def test_top_level_help_shows_the_app_usage_and_a_typo_is_an_unknown_command(capsys):
    with pytest.raises(SystemExit):
        main(["--help"])
    out = capsys.readouterr().out
    assert "corpus-reader [DIR] [--db PATH]" in out
    code, out, err = _run(capsys, "serch", "ferry")
    assert code == 2 and err == (
        "corpus-reader: error: unknown command 'serch' (commands: docs, passages, annotate, "
        "annotations, export, import, entities, index, search, tmx, topics, align, align-links, "
        "coverage, compare)\n"
    )


def test_every_argument_has_help_and_the_store_is_always_db_path():
    _parser, sub = build_parser()
    for name, command in sub.choices.items():
        for action in command._actions:
            if isinstance(action, argparse._HelpAction):
                continue
            assert action.help, f"{name} {action.dest} has no help"
            if action.dest == "db":
                assert action.metavar == "PATH", name


def test_refusals_have_the_same_error_prefix(tmp_path, capsys):
    bad = tmp_path / "bad.sqlite3"
    bad.write_bytes(b"not a database at all, just text")
    for argv in (["docs", str(tmp_path)], ["annotations"], ["index", str(tmp_path), "--quiet"]):
        code, _out, err = _run(capsys, *argv, "--db", str(bad))
        assert code == 1 and err.startswith("corpus-reader: error: "), (argv, err)


def test_readme_says_how_many_worker_processes_index_uses():
    readme = (Path(__file__).parents[1] / "README.md").read_text("utf-8")
    assert "Two worker processes" not in readme
    assert "one per core" in readme
    _parser, sub = build_parser()
    workers = next(a for a in sub.choices["index"]._actions if a.dest == "workers")
    assert "one per core" in workers.help


def test_the_gui_usage_error_for_a_missing_folder_is_one_line():
    done = subprocess.run(
        [sys.executable, "-m", "reader", "./no/such/folder"], capture_output=True, text=True
    )
    assert done.returncode == 2 and done.stderr == (
        "corpus-reader: error: not a folder: ./no/such/folder\n"
    )
