"""Same-language compare (word edits of aligned passages) and what a version lacks."""

from __future__ import annotations

import json
from pathlib import Path

from reader.cli import main
from reader.corpus.align import align_pair
from reader.corpus.align.compare import coverage, word_diff
from reader.corpus.entities import find_entities
from reader.corpus.loading import document_from_bytes

WIRE = (
    "Heavy rain flooded 40 villages in Quang Nam province on Monday, officials said.\n\n"
    "About 1,200 families were moved to schools and temples.\n\n"
    "The weather agency expects more rain until Thursday.\n"
)
REWRITE = (
    "Heavy rain flooded 45 villages in Quang Nam province on Monday, officials said.\n\n"
    "About 1,200 families were moved to schools.\n\n"
    "The national weather agency expects more heavy rain until Thursday.\n"
)


def test_align_diff_gives_word_edits_with_offsets_into_each_text(tmp_path: Path, capsys):
    (tmp_path / "wire.txt").write_text(WIRE, encoding="utf-8")
    (tmp_path / "site.txt").write_text(REWRITE, encoding="utf-8")
    argv = ["align", str(tmp_path / "wire.txt"), str(tmp_path / "site.txt"), "--json", "--diff"]
    assert main(argv) == 0
    data = json.loads(capsys.readouterr().out)
    diffs = [p["diff"] for p in data["pairs"]]
    assert [e["op"] for e in diffs[0]] == ["replace"]
    assert (diffs[0][0]["a_text"], diffs[0][0]["b_text"]) == ("40", "45")
    assert [(e["op"], e["a_text"]) for e in diffs[1]] == [("delete", "and temples")]
    assert [(e["op"], e["b_text"]) for e in diffs[2]] == [
        ("insert", "national"),
        ("insert", "heavy"),
    ]
    for edits in diffs:
        for e in edits:  # offsets are code points of each document's reading text
            assert WIRE[e["a"][0] : e["a"][1]] == e["a_text"]
            assert REWRITE[e["b"][0] : e["b"][1]] == e["b_text"]
    assert main(argv[:-1]) == 0 and "diff" not in json.loads(capsys.readouterr().out)["pairs"][0]


def test_word_diff_compares_unspaced_scripts_word_by_word():
    a = document_from_bytes("a.txt", "ក្រុមហ៊ុនបានលក់រថយន្តចំនួន ១០០ គ្រឿង។\n".encode())
    b = document_from_bytes("b.txt", "ក្រុមហ៊ុនបានលក់ឡានចំនួន ១០០ គ្រឿង។\n".encode())
    edits = word_diff(a, [(0, len(a.text) - 1)], b, [(0, len(b.text) - 1)])
    assert [(e.op, e.a_text, e.b_text) for e in edits] == [("replace", "រថយន្ត", "ឡាន")]


def test_coverage_names_the_runs_a_version_lacks(tmp_path: Path, capsys):
    long = [
        "Tesla opened a factory in Berlin in 2022.",
        "The plant in Grünheide employs 11,000 people.",
        "Elon Musk visited the site on 13 March.",
        "Sales of the Model Y reached 250,000 in Germany.",
        "The union IG Metall asked for higher wages.",
        "Brandenburg approved an extension over 100 hectares.",
    ]
    short = [
        "A união IG Metall pediu salários mais altos.",
        "Brandemburgo aprovou uma ampliação de 100 hectares.",
    ]
    en = document_from_bytes("en.txt", "\n\n".join(long).encode())
    pt = document_from_bytes("pt.txt", "\n\n".join(short).encode())
    alignment = align_pair(en, pt, find_entities([en, pt]))
    runs = coverage(en, pt, alignment)
    assert [(r.lacking, r.passages) for r in runs] == [(pt.id, (0, 1, 2, 3))]
    assert runs[0].label("pt", "en") == "pt lacks ¶1–¶4 of en"
    (tmp_path / "en.txt").write_text("\n\n".join(long), encoding="utf-8")
    (tmp_path / "pt.txt").write_text("\n\n".join(short), encoding="utf-8")
    (tmp_path / "topics.toml").write_text(
        '[[topic]]\nname = "Tesla"\ndocuments = ["*.txt"]\n', encoding="utf-8"
    )
    assert main(["topics", str(tmp_path), "--json"]) == 0
    topic = json.loads(capsys.readouterr().out)["topics"][0]["id"]
    assert main(["coverage", str(tmp_path), "--topic", topic, "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["missing"] == [
        {
            "lacking": "pt.txt",
            "of": "en.txt",
            "passages": [0, 1, 2, 3],
            "label": "pt lacks ¶1–¶4 of en",
        }
    ]
    assert main(["align", str(tmp_path / "en.txt"), str(tmp_path / "pt.txt")]) == 0
    assert "pt lacks ¶1–¶4 of en" in capsys.readouterr().out
