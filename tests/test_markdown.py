"""Markdown files become a reading text of blocks with spans and source lines."""

from __future__ import annotations

from reader.corpus.loading import document_from_bytes

SOURCE = """# Eleições **municipais**

O prefeito de [Lisboa](https://example.org/lisboa) falou
com jornalistas na segunda-feira.

- Primeiro ponto
- Segundo ponto

> Uma citação importante.

```python
print("code stays code")
```

<script>alert("x")</script>

![Foto do rio](http://remote.example/rio.png)
"""


def blocks(doc):
    return [(p.kind, doc.passage_text(p)) for p in doc.passages]


def test_blocks_kinds_and_text() -> None:
    doc = document_from_bytes("a.md", SOURCE.encode())
    assert doc.format == "markdown"
    assert doc.title == "Eleições municipais"
    assert blocks(doc) == [
        ("heading", "Eleições municipais"),
        ("paragraph", "O prefeito de Lisboa falou com jornalistas na segunda-feira."),
        ("list_item", "Primeiro ponto"),
        ("list_item", "Segundo ponto"),
        ("quote", "Uma citação importante."),
        ("code", 'print("code stays code")'),
        ("paragraph", '<script>alert("x")</script>'),
        ("paragraph", "Foto do rio"),
    ]


def test_source_lines_point_back_into_the_file() -> None:
    doc = document_from_bytes("a.md", SOURCE.encode())
    lines = SOURCE.split("\n")
    para = doc.passages[1]
    start, end = para.source_lines
    assert lines[start].startswith("O prefeito") and end - start == 2
    assert lines[doc.passages[4].source_lines[0]].startswith("> Uma")


def test_raw_html_is_text_not_markup_and_links_are_kept_not_followed() -> None:
    doc = document_from_bytes("a.md", SOURCE.encode())
    assert '<script>alert("x")</script>' in doc.text
    [link] = doc.links
    assert doc.text[link.start : link.end] == "Lisboa"
    assert link.href == "https://example.org/lisboa"


def test_spans_are_exact_slices_of_the_reading_text() -> None:
    doc = document_from_bytes("a.md", ("# 😀 Emoji\n\nTexto com 😀 no meio.\n" + SOURCE).encode())
    for p in doc.passages:
        assert doc.text[p.start : p.end] == doc.passage_text(p)
        assert doc.passage_text(p) == doc.passage_text(p).strip()
    assert doc.passage_text(doc.passages[1]) == "Texto com 😀 no meio."


def test_markdown_table_is_one_block() -> None:
    doc = document_from_bytes("t.md", b"| a | b |\n|---|---|\n| 1 | 2 |\n")
    assert blocks(doc) == [("table", "a | b\n1 | 2")]


def test_yaml_front_matter_is_not_reading_text() -> None:
    source = "---\ntitle: Notas\ntags: [a, b]\n---\n\n# Eleições\n\nO prefeito falou.\n"
    doc = document_from_bytes("a.md", source.encode())
    assert doc.title == "Eleições"
    assert blocks(doc) == [("heading", "Eleições"), ("paragraph", "O prefeito falou.")]
    assert source.split("\n")[doc.passages[1].source_lines[0]] == "O prefeito falou."


def test_a_rule_then_a_setext_heading_is_not_front_matter() -> None:
    doc = document_from_bytes("a.md", b"---\n\nTexto comum\n---\n")
    assert blocks(doc) == [("heading", "Texto comum")]


def test_a_very_long_markdown_paragraph_is_read_as_plain_text_with_a_warning(tmp_path, capsys):
    import json

    from reader.cli import main
    from reader.corpus.markdown import MAX_BLOCK_CHARS

    line = " ".join(["the *ferry* crossed [the river](x) at `dawn`"] * (MAX_BLOCK_CHARS // 30))
    (tmp_path / "long.md").write_text(f"# Title\n\n{line}\n\nA *short* one.\n", "utf-8")
    assert main(["docs", str(tmp_path), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    [doc] = data["documents"]
    assert doc["passages"] == 3 and doc["chars"] == len("Title") + len(line) + 12 + 4
    [warning] = data["warnings"]
    assert warning["path"] == "long.md" and "plain text" in warning["warning"]
    assert main(["passages", str(tmp_path / "long.md"), "--json"]) == 0
    passages = json.loads(capsys.readouterr().out)["passages"]
    assert [p["text"] for p in passages] == ["Title", line, "A short one."]
