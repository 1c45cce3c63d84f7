"""The `docs` and `passages` commands: stable JSON, readable tables, clear errors."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from reader.cli import main
from reader.paths import seeds_dir

DOC_KEYS = {"id", "path", "title", "language", "script", "sha256", "chars", "passages"}


def run_json(capsys, *argv: str) -> dict:
    assert main(list(argv)) == 0
    return json.loads(capsys.readouterr().out)


def test_docs_json_contract(capsys) -> None:
    data = run_json(capsys, "docs", str(seeds_dir()), "--json")
    assert set(data) == {"corpus", "documents", "skipped", "warnings"}
    assert len(data["documents"]) == 5 and data["skipped"] == []
    for doc in data["documents"]:
        assert set(doc) == DOC_KEYS
        assert not Path(doc["path"]).is_absolute()
        assert len(doc["sha256"]) == 64
    langs = sorted(d["language"] for d in data["documents"])
    assert langs == ["km", "pt", "vi", "vi", "vi"]


def test_docs_defaults_to_seeds(capsys) -> None:
    assert len(run_json(capsys, "docs", "--json")["documents"]) == 5


def test_docs_lists_skipped_files(tmp_path: Path, capsys) -> None:
    (tmp_path / "ok.txt").write_text("Um texto qualquer em português.", "utf-8")
    (tmp_path / "bin.txt").write_bytes(b"\x00\x01\x02")
    data = run_json(capsys, "docs", str(tmp_path), "--json")
    assert [d["path"] for d in data["documents"]] == ["ok.txt"]
    assert data["skipped"] == [{"path": "bin.txt", "reason": "binary file (NUL or control bytes)"}]


def test_passages_json_text_is_exact_slice(capsys) -> None:
    path = seeds_dir() / "003_747cb3057f661c92.txt"
    data = run_json(capsys, "passages", str(path), "--json")
    reading_text = path.read_text("utf-8")  # the Khmer seed is already NFC with LF line ends
    assert set(data["document"]) == DOC_KEYS
    assert data["document"]["script"] == "Khmr"
    for i, p in enumerate(data["passages"]):
        assert set(p) == {"index", "start", "end", "kind", "text"}
        assert p["index"] == i
        assert p["text"] == reading_text[p["start"] : p["end"]]


def test_passages_table_is_readable(capsys) -> None:
    assert main(["passages", str(seeds_dir() / "004_6c45e3670363a357.txt")]) == 0
    out = capsys.readouterr().out
    assert "pt/Latn" in out and "boilerplate" in out


@pytest.mark.parametrize(
    "argv",
    [["docs", "/no/such/folder"], ["passages", "/no/such/file.txt"], ["docs", "--bogus"]],
)
def test_bad_arguments_exit_2_with_one_line(argv: list[str]) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "reader", *argv], capture_output=True, text=True, check=False
    )
    assert proc.returncode == 2
    assert proc.stdout == ""
    assert len(proc.stderr.strip().splitlines()) == 1
    assert "error" in proc.stderr


def test_passages_of_a_binary_file_is_a_clear_error(tmp_path: Path, capsys) -> None:
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"\x00\xff\x00")
    assert main(["passages", str(bad), "--json"]) == 2
    assert "binary" in capsys.readouterr().err


def test_help_lists_every_command_and_each_command_loads_only_its_module(capsys) -> None:
    from reader.cli import COMMANDS, build_parser

    with pytest.raises(SystemExit) as exit_:
        main(["--help"])
    assert exit_.value.code == 0
    listing = capsys.readouterr().out
    for module, names in COMMANDS.items():
        _, sub = build_parser((module,))
        assert set(sub.choices) == set(names)  # the map says what each module really adds
        for name in names:
            assert name in listing


def test_a_command_does_not_load_the_gui_or_other_commands() -> None:
    code = (
        "import sys; from reader.cli import main; main(['docs', '--json']);"
        "print(sorted(m for m in sys.modules if m.startswith(('PySide6', 'reader.commands'))))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    # reader.commands.progress is the shared terminal progress, not a command group
    expected = "['reader.commands', 'reader.commands.corpus', 'reader.commands.progress']"
    assert out.strip().splitlines()[-1] == expected


def test_ctrl_c_in_a_command_exits_130_with_one_line(monkeypatch, capsys) -> None:
    import reader.commands.corpus as corpus_commands

    def interrupted(args):  # type: ignore[no-untyped-def]
        raise KeyboardInterrupt

    monkeypatch.setattr(corpus_commands, "run_docs", interrupted)
    assert main(["docs"]) == 130
    assert capsys.readouterr().err == "corpus-reader: interrupted\n"
