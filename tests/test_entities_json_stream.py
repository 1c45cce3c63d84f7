"""`entities --json` is written an entity at a time, and reads exactly as one JSON document."""

from __future__ import annotations

import json

import pytest

from reader.cli import print_json, print_json_stream


@pytest.mark.parametrize(
    "items",
    [
        [],
        [{"a": 1}],
        [{"key": "Trung Quốc", "docs": ["x", "y"], "empty": [], "n": {}}, {"b": []}],
        # escapes, a tab and line breaks inside text, scripts, 2**63, none, true
        [{"text": 'a"b\\c\n\t\x00\x1f\x7f\u2028 ចិន 特朗普 𝔸', "n": 2**63 - 1, "x": None}],
        [{"a": [1, 2]}, {"big": 2**70}],  # refused by orjson: json writes it
    ],
)
def test_a_streamed_list_prints_the_same_bytes_as_the_whole(capsys, items):
    head = {"documents": [{"id": "d1", "path": "a.txt"}], "count": 0}
    print_json({**head, "entities": items})
    whole = capsys.readouterr().out
    assert whole == json.dumps({**head, "entities": items}, ensure_ascii=False, indent=2) + "\n"
    print_json_stream(head, "entities", iter(items))
    assert capsys.readouterr().out == whole
    assert json.loads(whole)["entities"] == items


def test_entities_json_is_one_document(capsys, tmp_path):
    from reader.cli import main
    from reader.paths import seeds_dir

    assert main(["entities", str(seeds_dir()), "--json", "--db", str(tmp_path / "s.db")]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["entities"] and {"documents", "entities"} == set(data)
    assert all(e["occurrences"] for e in data["entities"])


@pytest.mark.parametrize(
    "data", [{"score": 1e-07, "n": [0.5, 2.0]}, {"a": [1, "x"]}, {1: "int key"}]
)
def test_json_printed_whole_is_what_python_writes(capsys, data):
    print_json(data)
    assert capsys.readouterr().out == json.dumps(data, ensure_ascii=False, indent=2) + "\n"


@pytest.mark.parametrize("encoding", ["utf-8", "latin-1", "utf-16"])
def test_a_streamed_list_is_written_in_the_encoding_of_stdout(monkeypatch, encoding):
    """To a UTF-8 stdout the items go as bytes; to any other the text is encoded as ever."""
    import io
    import sys

    items = [{"text": "São Tomé\n", "n": 3}, {"docs": ["é", "x"]}]
    head = {"documents": [{"id": "d1", "path": "ç.txt"}]}
    raw = io.BytesIO()
    out = io.TextIOWrapper(raw, encoding=encoding, newline="")
    monkeypatch.setattr(sys, "stdout", out)
    print_json_stream(head, "entities", iter(items))
    out.flush()
    whole = json.dumps({**head, "entities": items}, ensure_ascii=False, indent=2) + "\n"
    assert raw.getvalue() == whole.encode(encoding)
