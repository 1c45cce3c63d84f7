"""`annotate`, `annotations`, `export`, `import` on the command line: stable JSON, clear errors."""

from __future__ import annotations

import json
import unicodedata
from pathlib import Path

import pytest
from store_helpers import integrity

from reader.cli import main
from reader.store.db import ENV_VAR

KEYS = [
    "id", "document", "sha256", "start", "end", "quote", "prefix", "suffix",
    "note", "tags", "color", "status", "created", "modified", "file_missing",
]  # fmt: skip
TEXT = "Hôm nay Thủ tướng gặp đại diện Trung Quốc tại Hà Nội. Trung Quốc đồng ý 😀.\n"


@pytest.fixture
def corpus(tmp_path: Path, monkeypatch) -> Path:
    root = tmp_path / "corpus"
    (root / "vi").mkdir(parents=True)
    (root / "vi" / "tin.txt").write_bytes(unicodedata.normalize("NFD", TEXT).encode())
    monkeypatch.setenv(ENV_VAR, str(tmp_path / "env-store.sqlite3"))
    return root


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def listed(capsys, *argv: str) -> list[dict]:
    code, out, err = run(capsys, "annotations", "--json", *argv)
    assert code == 0, err
    data = json.loads(out)
    assert list(data) == ["annotations"]
    return data["annotations"]


def test_annotate_by_quote_and_occurrence_prints_the_id_last(corpus: Path, capsys):
    file = corpus / "vi" / "tin.txt"
    code, out, _ = run(
        capsys, "annotate", str(file), "--quote", "Trung Quốc", "--occurrence", "2",
        "--note", "*again*", "--tag", "cn", "--tag", "place", "--color", "#ABCDEF",
        "--corpus", str(corpus),
    )  # fmt: skip
    assert code == 0
    ann_id = out.strip().splitlines()[-1]
    [ann] = listed(capsys)
    assert list(ann) == KEYS
    nfc = unicodedata.normalize("NFC", TEXT)
    second = nfc.index("Trung Quốc", nfc.index("Trung Quốc") + 1)
    assert (ann["id"], ann["document"], ann["start"], ann["end"]) == (
        ann_id, "vi/tin.txt", second, second + 10,
    )  # fmt: skip
    assert (ann["note"], ann["tags"], ann["color"], ann["status"]) == (
        "*again*", ["cn", "place"], "#abcdef", "anchored",
    )  # fmt: skip


def test_annotate_by_span_and_the_db_option(corpus: Path, tmp_path: Path, capsys):
    db = tmp_path / "option.sqlite3"
    code, _, _ = run(capsys, "annotate", str(corpus / "vi" / "tin.txt"),
                     "--start", "0", "--end", "7", "--db", str(db))  # fmt: skip
    assert code == 0
    [ann] = listed(capsys, "--db", str(db))
    assert ann["quote"] == "Hôm nay" and ann["document"] == "tin.txt"  # default root: its folder
    assert listed(capsys) == []  # the environment's store was not touched


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["--quote", "Bangkok"], "does not occur"),
        (["--quote", "Trung Quốc", "--occurrence", "3"], "occurs 2 time"),
        (["--start", "5"], "--start needs --end"),
        (["--start", "5", "--end", "500"], "not inside"),
        (["--start", "5", "--end", "9", "--color", "url(x)"], "colour"),
        (["--start", "5", "--end", "9", "--color", "bananas"], "unknown colour 'bananas'"),
    ],
)
def test_annotate_usage_errors_exit_2_with_one_line(corpus: Path, capsys, args, words):
    code, out, err = run(capsys, "annotate", str(corpus / "vi" / "tin.txt"), *args)
    assert code == 2 and out == ""
    assert words in err and err.count("\n") == 1
    assert listed(capsys) == []


def test_annotations_reanchor_against_the_file_as_it_is_now(corpus: Path, capsys):
    file = corpus / "vi" / "tin.txt"
    run(capsys, "annotate", str(file), "--quote", "Hà Nội", "--corpus", str(corpus))
    # the file changes on disk (still NFD): the recorded location is read again
    file.write_bytes(unicodedata.normalize("NFD", "Tin nóng. " + TEXT).encode())
    [ann] = listed(capsys)
    nfc = unicodedata.normalize("NFC", "Tin nóng. " + TEXT)
    assert ann["status"] == "moved" and ann["start"] == nfc.index("Hà Nội")
    assert ann["sha256"] != "" and ann["quote"] == "Hà Nội"
    # the new position was stored: a plain listing without the file shows it too
    file.unlink()
    [again] = listed(capsys)
    assert again["start"] == ann["start"] and again["status"] == "moved"


def test_css_colour_names_are_accepted_in_any_case(corpus: Path, capsys):
    file = corpus / "vi" / "tin.txt"
    code, _, err = run(capsys, "annotate", str(file), "--quote", "Hà Nội", "--color", "Purple")
    assert code == 0, err
    assert [a["color"] for a in listed(capsys)] == ["purple"]


def test_notes_of_a_file_gone_from_its_place_say_so_and_are_kept(corpus: Path, capsys):
    file = corpus / "vi" / "tin.txt"
    run(capsys, "annotate", str(file), "--quote", "Hà Nội", "--corpus", str(corpus))
    file.rename(corpus / "vi" / "renamed.txt")
    code, out, err = run(capsys, "annotations")
    assert code == 0
    assert "anchored, file missing" in out and "Hà Nội" in out
    assert "vi/tin.txt: file not found" in err and "kept" in err
    code, out, err = run(capsys, "annotations", "--corpus", str(corpus))
    assert "file missing" in out and "file not found" in err
    [ann] = listed(capsys)
    assert ann["status"] == "anchored" and ann["quote"] == "Hà Nội"  # nothing was lost


def test_annotations_with_corpus_option_and_orphans(corpus: Path, tmp_path: Path, capsys):
    file = corpus / "vi" / "tin.txt"
    run(capsys, "annotate", str(file), "--quote", "Thủ tướng", "--corpus", str(corpus))
    moved_corpus = tmp_path / "copy"
    (moved_corpus / "vi").mkdir(parents=True)
    (moved_corpus / "vi" / "tin.txt").write_text("Một bài khác hẳn, không còn câu cũ.\n")
    [ann] = listed(capsys, "--corpus", str(moved_corpus))
    assert ann["status"] == "orphaned" and ann["quote"] == "Thủ tướng"
    _, out, _ = run(capsys, "annotations")
    assert "orphaned" in out and "Thủ tướng" in out


def test_export_import_round_trip_through_files(corpus: Path, tmp_path: Path, capsys):
    file = corpus / "vi" / "tin.txt"
    run(capsys, "annotate", str(file), "--quote", "😀", "--note", "smile", "--corpus", str(corpus))
    out_file = tmp_path / "out" / "notes.json"
    out_file.parent.mkdir()
    assert run(capsys, "export", "-o", str(out_file))[0] == 0
    other = tmp_path / "other.sqlite3"
    code, out, _ = run(capsys, "import", str(out_file), "--db", str(other))
    assert code == 0 and len(json.loads(out)["added"]) == 1
    code, out, _ = run(capsys, "export", "--db", str(other))
    assert out == out_file.read_text("utf-8")
    code, md, _ = run(capsys, "export", "--format", "markdown")
    assert "## vi/tin.txt" in md and "> 😀" in md and "smile" in md


def test_import_of_a_bad_file_exits_nonzero_and_changes_nothing(corpus: Path, tmp_path, capsys):
    db = Path(str(tmp_path / "env-store.sqlite3"))
    run(capsys, "annotate", str(corpus / "vi" / "tin.txt"), "--quote", "Hà Nội")
    before = listed(capsys)
    bad = tmp_path / "bad.json"
    bad.write_text('{"@context": "http://www.w3.org/ns/anno.jsonld", "type": "Annotation"')
    code, out, err = run(capsys, "import", str(bad))
    assert code == 1 and out == "" and "broken JSON at line 1" in err and "nothing" in err
    assert listed(capsys) == before
    assert integrity(db) == "ok"


def test_a_store_that_is_not_sqlite_is_refused_by_every_command(tmp_path: Path, capsys):
    notes = tmp_path / "notes.txt"
    notes.write_text("my notes\n" * 100)
    before = notes.read_bytes()
    for argv in (["annotations"], ["export"], ["import", str(notes)]):
        code, _, err = run(capsys, *argv, "--db", str(notes))
        assert code == 1 and "not a SQLite file" in err and err.count("\n") == 1
    assert notes.read_bytes() == before


def test_annotate_widens_a_span_that_cuts_a_character(tmp_path: Path, capsys):
    khmer = "ព័ត៌មាន ក្សត្រ ថ្មី ។\n"  # ក្សត្រ: two consonant stacks
    file = tmp_path / "km.txt"
    file.write_text(khmer, "utf-8")
    word = khmer.index("ក្សត្រ")
    code, _, err = run(capsys, "annotate", str(file), "--start", str(word),
                       "--end", str(word + 1), "--db", str(tmp_path / "s.sqlite3"))  # fmt: skip
    assert code == 0 and "widened" in err
    [ann] = listed(capsys, "--db", str(tmp_path / "s.sqlite3"))
    assert (ann["start"], ann["end"], ann["quote"]) == (word, word + 3, "ក្ស")
    # a quote that starts inside a stack is widened the same way
    code, _, err = run(capsys, "annotate", str(file), "--quote", "ត្", "--db",
                       str(tmp_path / "s.sqlite3"))  # fmt: skip
    assert code == 0 and "widened" in err
    quotes = [a["quote"] for a in listed(capsys, "--db", str(tmp_path / "s.sqlite3"))]
    assert sorted(quotes) == sorted(["ក្ស", "ត្រ"])
