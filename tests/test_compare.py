"""What the versions disagree on: mismatches of aligned passages, passages without partner,
the topic strips, stored dismissals and the `compare` command."""

from __future__ import annotations

import json
import shutil
import tomllib
from pathlib import Path

import pytest

from reader.cli import main
from reader.corpus.compare import Comparison, compare_pair
from reader.corpus.compare_topic import compare_topic
from reader.corpus.compare_values import same_stem, text_values
from reader.corpus.entities import find_entities
from reader.corpus.loading import document_from_bytes
from reader.corpus.model import Document
from reader.store.annotations import Store
from reader.store.mismatch_decisions import (
    dismiss,
    dismissals,
    dismissed,
    hidden_kinds,
    hide_kind,
    restore,
    show_kind,
)

DATA = Path(__file__).parent / "data" / "compare"
PAIRS = ("floods-en-vi", "startup-pt-km", "battery-en-pt")
DOC_KEYS = {"id", "path", "title", "language", "script", "sha256", "chars", "passages"}


def load(pair: str, name: str) -> Document:
    return document_from_bytes(f"{pair}/{name}.txt", (DATA / pair / f"{name}.txt").read_bytes())


def compare(a: Document, b: Document) -> Comparison:
    return compare_pair(a, b, find_entities([a, b]))


def listed(c: Comparison) -> set[tuple[str, str, str]]:
    return {(m.kind, m.a.text if m.a else "", m.b.text if m.b else "") for m in c.visible()}


@pytest.mark.parametrize("pair", PAIRS)
def test_a_faithful_translation_shows_no_mismatch(pair: str) -> None:
    """Numbers in other digits and conventions (`1,8 tỷ`, `១,២ ពាន់លាន`, `4.500`) agree."""
    c = compare(load(pair, "a"), load(pair, "b"))
    assert c.groups and c.visible() == []
    assert c.unmatched_a == [] and c.unmatched_b == []


@pytest.mark.parametrize("pair", PAIRS)
def test_each_altered_value_and_the_dropped_passage_are_found(pair: str) -> None:
    gold = tomllib.loads((DATA / pair / "gold.toml").read_text("utf-8"))
    c = compare(load(pair, "a"), load(pair, "b_altered"))
    found = listed(c)
    for g in gold["mismatch"]:
        assert any(k == g["kind"] and g["a"] in a and g["b"] in b for k, a, b in found), (
            f"{pair}: {g} not in {found}"
        )
    assert c.unmatched_a == gold["unmatched_a"]
    assert len(found) == len(gold["mismatch"])  # nothing else is listed


def test_each_kind_is_covered_by_the_gold_data() -> None:
    kinds = {
        g["kind"]
        for pair in PAIRS
        for g in tomllib.loads((DATA / pair / "gold.toml").read_text("utf-8"))["mismatch"]
    }
    assert kinds == {"number", "date", "name"}


def test_mismatch_sides_are_exact_spans_of_the_reading_text() -> None:
    a, b = load("battery-en-pt", "a"), load("battery-en-pt", "b_altered")
    c = compare(a, b)
    for m in c.mismatches:
        for doc, side in ((a, m.a), (b, m.b)):
            if side is not None:
                assert doc.text[side.start : side.end] == side.text
                p = doc.passages[side.passage]
                assert p.start <= side.start < side.end <= p.end


def test_comparing_the_other_way_round_swaps_the_sides() -> None:
    a, b = load("floods-en-vi", "a"), load("floods-en-vi", "b_altered")
    forward, backward = compare(a, b), compare(b, a)
    assert {(k, x, y) for k, y, x in listed(backward)} == listed(forward)
    assert backward.unmatched_b == forward.unmatched_a
    fingerprints = {forward.fingerprint(m) for m in forward.visible()}
    assert {backward.fingerprint(m) for m in backward.visible()} == fingerprints


def test_a_day_shifted_is_a_date_mismatch_with_both_sides() -> None:
    a = document_from_bytes("a.txt", b"The talks began on 16 February in Hanoi.\n")
    text_b = "As conversações começaram em 26 de fevereiro em Hanói.\n"
    b = document_from_bytes("b.txt", text_b.encode())
    (m,) = compare(a, b).visible()
    assert (m.kind, m.a.text, m.b.text) == ("date", "16 February", "26 de fevereiro")
    assert m.confidence >= 0.8


def test_values_across_scripts_and_conventions() -> None:
    assert 1_800_000_000 in text_values("Chính phủ dành 1,8 tỷ đồng", "vi").values
    assert 1_200_000_000 in text_values("ថវិកា ១,២ ពាន់លាន រៀល", "km").values
    assert 1677 in text_values("អតិថិជន ១៦៧៧ នាក់", "km").values
    assert 1_200_000_000 in text_values("received 1.2 billion dollars", "en").values
    assert 12_300_000_000 in text_values("nousi 12,3 miljardiin dollariin", "fi").values
    assert 120_000_000 not in text_values("received 1.2 billion dollars", "en").values


def test_inflected_names_are_one_name_and_misspelt_ones_are_not() -> None:
    assert same_stem("corbyn", "corbynin") and same_stem("kyrgios", "kyrgioksen")
    assert not same_stem("liang", "lang") and not same_stem("hales", "haes")


def test_a_name_kept_in_one_form_by_each_version_ranks_below_the_floor() -> None:
    """`England` / `Englanti` throughout is the translation's convention, not a mistake."""
    a = document_from_bytes("a.txt", b"England won in London.\n\nEngland lost again on Sunday.\n")
    b = document_from_bytes(
        "b.txt", "Englanti voitti Lontoossa.\n\nEnglanti hävisi taas sunnuntaina.\n".encode()
    )
    assert compare(a, b).visible() == []


def test_visible_honours_dismissals_hidden_kinds_and_the_floor() -> None:
    c = compare(load("battery-en-pt", "a"), load("battery-en-pt", "b_altered"))
    shown = c.visible()
    first = shown[0]
    assert first not in c.visible(dismissed={c.fingerprint(first)})
    assert all(m.kind != "number" for m in c.visible(hidden_kinds={"number"}))
    assert len(c.visible(min_confidence=0.0)) >= len(shown)
    assert [m.confidence for m in shown] == sorted((m.confidence for m in shown), reverse=True)


# --- a topic ------------------------------------------------------------------------------


def topic_docs() -> list[Document]:
    return [load("floods-en-vi", "a"), load("floods-en-vi", "b"), load("floods-en-vi", "b_altered")]


def test_topic_compares_every_pair_and_draws_each_strip() -> None:
    docs = topic_docs()
    t = compare_topic(docs, find_entities(docs))
    assert [(c.doc_a.id, c.doc_b.id) for c in t.pairs] == [
        (docs[0].id, docs[1].id),
        (docs[0].id, docs[2].id),
        (docs[1].id, docs[2].id),
    ]
    strip = t.strip(docs[0].id)
    assert [c.passage for c in strip] == [p.index for p in docs[0].passages]
    states = {c.passage: c.state for c in strip}
    assert states[0] == "aligned"  # the title: same in all three
    assert states[1] == "mismatch"  # 1,250 villages -> 1.205 in the altered version
    assert states[5] == "aligned"  # dropped from one version, kept in the other
    altered = {c.passage: c.state for c in t.strip(docs[2].id)}
    assert altered[1] == "mismatch" and altered[2] == "mismatch"


def test_topic_marks_step_through_a_document_in_text_order() -> None:
    docs = topic_docs()
    t = compare_topic(docs, find_entities(docs))
    marks = t.in_document(docs[2].id)
    assert marks and [m.start for m in marks] == sorted(m.start for m in marks)
    for mark in marks:
        m = mark.mismatch
        here = m.b if t.pairs[mark.pair].doc_b.id == docs[2].id else m.a
        assert docs[2].text[mark.start : mark.end] == (here.text if here else "")
    strip = t.strip(docs[2].id, hidden_kinds={"number", "date", "name"})
    assert "mismatch" not in {c.state for c in strip}


def test_a_passage_without_partner_anywhere_is_unmatched_in_the_strip() -> None:
    a, b = load("battery-en-pt", "a"), load("battery-en-pt", "b_altered")
    t = compare_topic([a, b], find_entities([a, b]))
    assert {c.passage: c.state for c in t.strip(a.id)}[4] == "unmatched"
    (pair,) = t.pairs
    assert [m.text for m in pair.unmatched_mentions("a")[4]] == ["March 2025"]


# --- the store ----------------------------------------------------------------------------


def test_dismissals_and_hidden_kinds_are_stored_undoable_and_announced(tmp_path: Path) -> None:
    changes = []
    with Store(tmp_path / "s.sqlite3") as store:
        store.subscribe(changes.append)
        dismiss(store, "mabc", "name", "a.txt", "b.txt", "Xu Liang", "")
        dismiss(store, "mabc", "name", "a.txt", "b.txt", "Xu Liang", "")  # twice: one
        hide_kind(store, "date")
    with Store(tmp_path / "s.sqlite3") as store:
        assert dismissed(store) == {"mabc"} and hidden_kinds(store) == {"date"}
        assert [(d.kind, d.text_a) for d in dismissals(store)] == [("name", "Xu Liang")]
        assert restore(store, "mabc").fingerprint == "mabc"
        show_kind(store, "date")
        assert dismissed(store) == set() and hidden_kinds(store) == set()
    assert [(c.kind, c.action) for c in changes] == [
        ("mismatch", "dismissed"),
        ("mismatch", "dismissed"),
        ("mismatch", "hidden"),
    ]


def test_an_unknown_kind_is_refused(tmp_path: Path) -> None:
    from reader.store.annotations import AnnotationError

    with Store(tmp_path / "s.sqlite3") as store, pytest.raises(AnnotationError):
        hide_kind(store, "colour")


# --- the command --------------------------------------------------------------------------


def run_json(capsys, *argv: str) -> dict:
    assert main(list(argv)) == 0
    return json.loads(capsys.readouterr().out)


def test_compare_json_has_exactly_the_documented_shape(capsys) -> None:
    pair = DATA / "battery-en-pt"
    data = run_json(capsys, "compare", str(pair / "a.txt"), str(pair / "b_altered.txt"), "--json")
    assert set(data) == {"a", "b", "mismatches", "unmatched"}
    assert set(data["a"]) == DOC_KEYS and set(data["unmatched"]) == {"a", "b"}
    assert data["unmatched"] == {"a": [4], "b": []}
    text_b = (pair / "b_altered.txt").read_text("utf-8")
    assert len(data["mismatches"]) == 4
    for m in data["mismatches"]:
        assert set(m) == {"kind", "a", "b", "confidence"}
        assert m["kind"] in ("number", "date", "name") and 0 <= m["confidence"] <= 1
        for side in (m["a"], m["b"]):
            assert side is None or set(side) == {"passage", "start", "end", "text"}
        assert text_b[m["b"]["start"] : m["b"]["end"]] == m["b"]["text"]


def test_compare_table_and_dismissing_from_it(tmp_path: Path, capsys) -> None:
    pair = DATA / "battery-en-pt"
    files = [str(pair / "a.txt"), str(pair / "b_altered.txt")]
    db = str(tmp_path / "s.sqlite3")
    assert main(["compare", *files, "--db", db]) == 0
    table = capsys.readouterr().out
    assert "Xu Lang" in table and "has no partner: March 2025" in table
    assert main(["compare", *files, "--db", db, "--dismiss", "1"]) == 0
    assert capsys.readouterr().out.startswith("dismissed 1: name")
    data = run_json(capsys, "compare", *files, "--db", db, "--json")
    assert len(data["mismatches"]) == 3
    assert all(m["kind"] != "name" for m in data["mismatches"])
    everything = run_json(capsys, "compare", *files, "--db", db, "--json", "--all")
    assert len(everything["mismatches"]) >= 4


def test_compare_usage_errors_are_one_line(tmp_path: Path, capsys) -> None:
    a = str(DATA / "battery-en-pt" / "a.txt")
    assert main(["compare", a]) == 2
    assert main(["compare", a, str(tmp_path / "missing.txt")]) == 2
    assert main(["compare", a, a, "--dismiss", "9", "--db", str(tmp_path / "s.db")]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 3 and "Traceback" not in err


def test_compare_topic_json(tmp_path: Path, capsys) -> None:
    for name in ("a", "b", "b_altered"):
        shutil.copy(DATA / "floods-en-vi" / f"{name}.txt", tmp_path / f"{name}.txt")
    (tmp_path / "topics.toml").write_text(
        '[[topic]]\nname = "Floods"\ndocuments = ["*.txt"]\n', "utf-8"
    )
    topics = run_json(capsys, "topics", str(tmp_path), "--json")["topics"]
    (topic,) = topics
    data = run_json(capsys, "compare", str(tmp_path), "--topic", topic["id"], "--json")
    assert set(data) == {"topic", "documents", "pairs", "strips"}
    assert data["topic"]["id"] == topic["id"] and len(data["pairs"]) == 3
    for pair in data["pairs"]:
        assert set(pair) == {"a", "b", "mismatches", "unmatched"}
    assert set(data["strips"]) == {d["id"] for d in data["documents"]}
    assert main(["compare", str(tmp_path), "--topic", "nope"]) == 2


def test_a_name_inflected_in_the_other_language_is_no_mismatch() -> None:
    """Finnish writes `Tuukan` where English writes `Tuukka`: grammar, not an error."""
    a = document_from_bytes("a.txt", b"Minister Tuukka opened the new bridge in Oulu.\n")
    b = document_from_bytes("b.txt", b"Ministeri Tuukan avaama uusi silta Oulussa.\n")
    c = compare(a, b)
    assert c.visible() == []
    below = [m.kind for m in c.visible(min_confidence=0.4)]
    assert below and set(below) == {"name"}  # still listed below the floor


def test_numbers_written_in_words_or_as_year_spans_agree() -> None:
    a = document_from_bytes(
        "a.txt",
        b"The war has displaced more than 4 million people since the 2014-15 season.\n",
    )
    b = document_from_bytes(
        "b.txt",
        "Sota on ajanut yli neljä miljoonaa ihmistä pakoon kauden 2014–2015 jälkeen.\n".encode(),
    )
    assert compare(a, b).visible() == []
    changed = document_from_bytes(
        "c.txt",
        "Sota on ajanut yli viisi miljoonaa ihmistä pakoon kauden 2014–2016 jälkeen.\n".encode(),
    )
    assert {m.kind for m in compare(a, changed).visible()} == {"number"}
