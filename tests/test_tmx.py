"""TMX 1.4 export of a topic's alignment."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from reader.cli import main
from reader.corpus.align import AlignedPair, Alignment, align_topic
from reader.corpus.entities import find_entities
from reader.corpus.loading import document_from_bytes
from reader.corpus.model import Document, Passage
from reader.corpus.tmx import XML_LANG, aligned_groups, groups_tmx
from reader.corpus.topics import find_topics


def doc(name: str, *paragraphs: str):
    return document_from_bytes(name, "\n\n".join(paragraphs).encode("utf-8"))


def raw_doc(name: str, text: str) -> Document:
    """A one-passage document with exactly this text (no loader clean-up)."""
    return Document(name, name, "", "en", "Latn", "0" * 64, text, [Passage(0, 0, len(text))])


def parse(data: bytes) -> ET.Element:
    assert data.startswith(b'<?xml version="1.0" encoding="UTF-8"?>')
    return ET.fromstring(data)


VI = doc(
    "vi.txt",
    "Cảng Đà Nẵng đón 1.200 tàu trong năm 2023.",
    "Ông Lê Văn Minh cho biết cảng sẽ mở rộng.",
    "Dự án mới trị giá 300 triệu USD.",
)
PT = doc(
    "pt.txt",
    "O porto de Da Nang recebeu 1.200 navios em 2023.",
    "Lê Văn Minh disse que o porto vai crescer.",
    "O novo projeto custa 300 milhões de dólares.",
    "Um parágrafo sem par.",
)
KM = doc(
    "km.txt",
    "កំពង់ផែដាណាំងបានទទួលកប៉ាល់ 1,200 គ្រឿងក្នុងឆ្នាំ 2023។",
    "គម្រោងថ្មីមានតម្លៃ 300 លានដុល្លារ។",
)


def test_groups_follow_the_alignment_and_join_one_to_two_steps():
    edges = {
        (VI.id, PT.id): Alignment(
            VI.id,
            PT.id,
            [AlignedPair((0,), (0,), 0.9), AlignedPair((1, 2), (1,), 0.7)],
            unlinked_b=[2, 3],
        )
    }
    groups = aligned_groups([VI, PT], edges)
    assert [g.passages for g in groups] == [
        {VI.id: (0,), PT.id: (0,)},
        {VI.id: (1, 2), PT.id: (1,)},
    ]
    root = parse(groups_tmx([VI, PT], groups))
    tus = root.findall("body/tu")
    assert len(tus) == 2
    segs = [[tuv.findtext("seg") for tuv in tu.findall("tuv")] for tu in tus]
    assert segs[1][0] == (
        "Ông Lê Văn Minh cho biết cảng sẽ mở rộng. Dự án mới trị giá 300 triệu USD."
    )
    assert segs[1][1] == "Lê Văn Minh disse que o porto vai crescer."


def test_three_documents_link_through_the_middle_one():
    edges = {
        (VI.id, PT.id): Alignment(VI.id, PT.id, [AlignedPair((0,), (0,), 1.0)]),
        (PT.id, KM.id): Alignment(
            PT.id, KM.id, [AlignedPair((0,), (0,), 1.0), AlignedPair((2,), (1,), 1.0)]
        ),
    }
    groups = aligned_groups([VI, PT, KM], edges)
    assert [g.passages for g in groups] == [
        {VI.id: (0,), PT.id: (0,), KM.id: (0,)},
        {PT.id: (2,), KM.id: (1,)},
    ]
    root = parse(groups_tmx([VI, PT, KM], groups))
    first = root.find("body/tu")
    assert first is not None
    assert [tuv.get(XML_LANG) for tuv in first.findall("tuv")] == ["vi", "pt", "km"]


def test_header_has_the_attributes_tmx_requires():
    root = parse(groups_tmx([VI, PT], [], "Port story"))
    assert root.tag == "tmx" and root.get("version") == "1.4"
    header = root.find("header")
    assert header is not None
    for attr in (
        "creationtool",
        "creationtoolversion",
        "segtype",
        "o-tmf",
        "adminlang",
        "srclang",
        "datatype",
    ):
        assert header.get(attr), attr
    assert header.get("srclang") == "*all*"
    assert root.find("body") is not None


def test_single_language_groups_are_left_out_unless_asked_and_bad_characters_dropped():
    odd = raw_doc("odd.txt", "Text with a \x07bell and a form feed\x0c inside.")
    edges = {(VI.id, odd.id): Alignment(VI.id, odd.id, [AlignedPair((0,), (0,), 1.0)])}
    groups = aligned_groups([VI, odd], edges, singletons=True)
    assert len(groups) == 3  # one aligned pair, VI's two other passages alone
    assert len(parse(groups_tmx([VI, odd], groups)).findall("body/tu")) == 1
    root = parse(groups_tmx([VI, odd], groups, all_groups=True))
    assert len(root.findall("body/tu")) == 3
    assert "with a bell and a form feed inside" in ET.tostring(root, encoding="unicode")


def test_a_seed_topic_exports_one_tu_per_aligned_group(seeds):
    index = find_entities(seeds.documents)
    topics = find_topics(seeds.documents, index)
    topic = max(topics.topics, key=lambda t: len(t.documents))
    docs = [seeds.by_id(d) for d in topic.documents]
    assert len(docs) >= 2
    alignment = align_topic(docs, index)
    groups = [g for g in aligned_groups(docs, alignment.edges) if len(g.passages) >= 2]
    root = parse(groups_tmx(docs, groups, topic.label))
    tus = root.findall("body/tu")
    assert len(tus) == len(groups) > 0
    langs = {d.id: d.language for d in docs}
    for tu, group in zip(tus, groups, strict=True):
        assert [tuv.get(XML_LANG) for tuv in tu.findall("tuv")] == [
            langs[d] for d in group.passages
        ]
        assert all((tuv.findtext("seg") or "").strip() for tuv in tu.findall("tuv"))


def test_cli_tmx_writes_a_file_and_refuses_unknown_topics(tmp_path: Path, capsys):
    corpus = tmp_path / "c"
    corpus.mkdir()
    for d in (VI, PT):
        (corpus / d.path).write_text(d.text, encoding="utf-8")
    (corpus / "topics.toml").write_text(
        '[[topic]]\nname = "Port"\ndocuments = ["vi.txt", "pt.txt"]\n', encoding="utf-8"
    )
    db = str(tmp_path / "s.sqlite3")
    assert main(["topics", str(corpus), "--json"]) == 0
    [topic] = [t for t in json.loads(capsys.readouterr().out)["topics"] if t["label"] == "Port"]
    topic_id = topic["id"]
    out = tmp_path / "port.tmx"
    assert main(["tmx", str(corpus), "--topic", topic_id, "-o", str(out), "--db", db]) == 0
    root = parse(out.read_bytes())
    assert {tuv.get(XML_LANG) for tuv in root.iter("tuv")} == {"vi", "pt"}
    assert main(["tmx", str(corpus), "--topic", "nope", "--db", db]) == 2
    assert "no topic" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("bad", "seg"),
    [("\x0b", "before after"), ("\x01", "beforeafter"), ("\ufffe", "beforeafter")],
)
def test_characters_xml_cannot_hold_are_removed(bad, seg):
    d = raw_doc("x.txt", f"before{bad}after")
    edges = {(d.id, VI.id): Alignment(d.id, VI.id, [AlignedPair((0,), (0,), 1.0)])}
    root = parse(groups_tmx([d, VI], aligned_groups([d, VI], edges)))
    assert root.findtext("body/tu/tuv/seg") == seg
