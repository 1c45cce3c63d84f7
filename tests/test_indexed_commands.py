"""Reading commands use the index when there is a store: same JSON, and changed files show."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
from pathlib import Path

import pytest

from reader.cli import main
from reader.paths import seeds_dir


def run_json(capsys, *argv: str) -> dict:
    assert main(list(argv)) == 0
    return json.loads(capsys.readouterr().out)


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    root = tmp_path / "corpus"
    shutil.copytree(seeds_dir(), root)
    return root


@pytest.fixture
def no_default_store(tmp_path: Path, monkeypatch) -> Path:
    path = tmp_path / "default" / "store.sqlite3"
    monkeypatch.setenv("CORPUS_READER_DB", str(path))
    return path


@pytest.mark.parametrize("command", ["docs", "entities", "topics"])
def test_json_is_the_same_from_files_and_from_the_index(
    capsys, corpus, tmp_path, no_default_store, command
) -> None:
    db = str(tmp_path / "index.sqlite3")
    from_files = run_json(capsys, command, str(corpus), "--json")
    assert not no_default_store.exists()  # reading never creates a store unasked
    built = run_json(capsys, command, str(corpus), "--json", "--db", db)
    assert Path(db).is_file()
    warm = run_json(capsys, command, str(corpus), "--json", "--db", db)
    assert from_files == built == warm


def test_an_existing_default_store_is_used(capsys, corpus, no_default_store) -> None:
    no_default_store.parent.mkdir()
    run_json(capsys, "docs", str(corpus), "--json", "--db", str(no_default_store))
    (corpus / "extra.txt").write_text("Hội An\n\nPhố cổ Hội An đón khách.\n", encoding="utf-8")
    data = run_json(capsys, "docs", str(corpus), "--json")  # no --db: the default store
    assert "extra.txt" in [d["path"] for d in data["documents"]]
    with sqlite3.connect(no_default_store) as conn:
        indexed = {row[0] for row in conn.execute("SELECT path FROM index_files")}
    assert "extra.txt" in indexed


def test_a_changed_file_is_picked_up(capsys, corpus, tmp_path, no_default_store) -> None:
    db = str(tmp_path / "index.sqlite3")
    before = run_json(capsys, "docs", str(corpus), "--json", "--db", db)
    target = sorted(corpus.glob("*.txt"))[0]
    text = target.read_text(encoding="utf-8") + "\n\nZanzibar Quillfeather visited Lisbon.\n"
    target.write_text(text, encoding="utf-8")
    st = target.stat()
    os.utime(target, ns=(st.st_atime_ns, st.st_mtime_ns + 2_000_000_000))
    after = run_json(capsys, "docs", str(corpus), "--json", "--db", db)
    old = {d["path"]: d for d in before["documents"]}
    new = {d["path"]: d for d in after["documents"]}
    assert new[target.name]["sha256"] != old[target.name]["sha256"]
    assert new[target.name]["chars"] > old[target.name]["chars"]
    assert after == run_json(capsys, "docs", str(corpus), "--json")  # as the files say
    found = run_json(capsys, "entities", str(corpus), "--json", "--all", "--db", db)
    labels = {e["label"] for e in found["entities"]}
    assert any("Zanzibar" in label for label in labels)


def test_align_is_the_same_from_files_and_from_the_index(
    capsys, corpus, tmp_path, no_default_store
) -> None:
    db = str(tmp_path / "index.sqlite3")
    a, b = (str(p) for p in sorted(corpus.glob("*.txt"))[:2])
    from_files = run_json(capsys, "align", a, b, "--json")
    run_json(capsys, "docs", str(corpus), "--json", "--db", db)  # indexes the folder
    assert run_json(capsys, "align", a, b, "--json", "--db", db) == from_files


def test_align_error_names_the_unreadable_file(capsys, tmp_path, no_default_store) -> None:
    good = tmp_path / "good.txt"
    good.write_text("Москва — столица России.\n", encoding="utf-8")
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"\x00\x01\x02 not text")
    assert main(["align", str(good), str(bad)]) == 2
    err = capsys.readouterr().err
    assert "bad.txt" in err and "binary" in err and len(err.strip().splitlines()) == 1


def test_a_second_reading_command_uses_the_stored_analysis(
    capsys, corpus, tmp_path, no_default_store, monkeypatch
) -> None:
    """`topics` analyses once; `entities`, `topics` and `coverage` then read what it stored,
    until a file, a link or `topics.toml` changes."""
    import reader.commands.analysed as analysed

    db = str(tmp_path / "index.sqlite3")
    first = run_json(capsys, "topics", str(corpus), "--json", "--db", db)
    real = analysed.analyse
    calls: list[int] = []

    def counting(*args, **kwargs):
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(analysed, "analyse", counting)
    assert run_json(capsys, "topics", str(corpus), "--json", "--db", db) == first
    entities = run_json(capsys, "entities", str(corpus), "--json", "--db", db)
    assert entities["entities"] and not calls

    (corpus / "topics.toml").write_text(
        '[[topic]]\nname = "Named here"\ndocuments = ["000_*"]\n', "utf-8"
    )
    named = run_json(capsys, "topics", str(corpus), "--json", "--db", db)
    assert calls == [1]
    assert "Named here" in [t["label"] for t in named["topics"]]
    (corpus / "topics.toml").unlink()
    assert run_json(capsys, "topics", str(corpus), "--json", "--db", db) == first
    assert calls == [1]  # the first analysis is still stored


def test_index_ends_with_the_entities_and_topics_every_command_then_reads(
    capsys, corpus, tmp_path, no_default_store, monkeypatch
) -> None:
    """`index` finds the shared entities and topics once; `topics` and `entities` read them
    (the same JSON as from the files); `--no-analysis` leaves them to the first reader."""
    import reader.commands.analysed as analysed

    from_files = run_json(capsys, "topics", str(corpus), "--json")
    db = str(tmp_path / "index.sqlite3")
    report = run_json(capsys, "index", str(corpus), "--db", db, "--json", "--quiet")
    assert report["analysis"]["topics"] == len(from_files["topics"])
    assert report["analysis"]["entities"] > 0
    real, calls = analysed.analyse, []
    monkeypatch.setattr(analysed, "analyse", lambda *a, **k: calls.append(1) or real(*a, **k))
    assert run_json(capsys, "topics", str(corpus), "--json", "--db", db) == from_files
    assert run_json(capsys, "entities", str(corpus), "--json", "--db", db)["entities"]
    assert not calls, "read from what `index` stored"

    other = str(tmp_path / "other.sqlite3")
    report = run_json(capsys, "index", str(corpus), "--db", other, "--json", "--no-analysis")
    assert report["analysis"] is None
    assert run_json(capsys, "topics", str(corpus), "--json", "--db", other) == from_files
    assert calls == [1], "found by the first command that needed it"
