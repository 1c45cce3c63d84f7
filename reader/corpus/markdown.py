"""Markdown -> reading text and blocks, through markdown-it-py (raw HTML off)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from markdown_it import MarkdownIt
from markdown_it.token import Token

from reader.corpus.model import Link, Passage
from reader.corpus.passages import mark_boilerplate

BLOCK_SEPARATOR = "\n\n"
# YAML front matter (Jekyll, Hugo, Pandoc): `---` on the first line, `key:` lines, `---` or `...`
FRONT_MATTER = re.compile(
    r"\A---[ \t]*\n[A-Za-z_][\w-]*[ \t]*:.*\n(?:.*\n)*?(?:---|\.\.\.)[ \t]*$", re.M
)


def parser() -> MarkdownIt:
    """The one Markdown parser configuration of the app: CommonMark, tables, no raw HTML."""
    return MarkdownIt("commonmark", {"html": False, "linkify": False}).enable("table")


@dataclass(slots=True)
class MarkdownText:
    """A Markdown file's reading text with its block passages and links."""

    text: str
    passages: list[Passage] = field(default_factory=list)
    links: list[Link] = field(default_factory=list)
    title: str | None = None


def _inline_text(children: list[Token], base: int, links: list[Link]) -> str:
    out: list[str] = []
    length = 0
    open_links: list[tuple[int, str]] = []
    for tok in children:
        piece = ""
        if tok.type in ("text", "code_inline", "html_inline"):
            piece = tok.content
        elif tok.type == "softbreak":
            piece = " "
        elif tok.type == "hardbreak":
            piece = "\n"
        elif tok.type == "image":
            piece = tok.content or "".join(c.content for c in tok.children or [])
        elif tok.type == "link_open":
            open_links.append((length, str(tok.attrs.get("href", ""))))
        elif tok.type == "link_close" and open_links:
            start, href = open_links.pop()
            if href and length > start:
                links.append(Link(base + start, base + length, href))
        out.append(piece)
        length += len(piece)
    return "".join(out)


def parse_markdown(source: str) -> MarkdownText:
    """Turn Markdown source into a reading text with one passage per block."""
    front = FRONT_MATTER.match(source)
    if front:  # metadata, not reading text; blank lines keep the source line numbers
        source = "\n" * front.group().count("\n") + source[front.end() :]
    tokens = parser().parse(source)
    parts: list[str] = []
    passages: list[Passage] = []
    links: list[Link] = []
    title: str | None = None
    pos = 0
    context: list[str] = []
    table_rows: list[str] = []
    table_cells: list[str] = []
    table_map: tuple[int, int] | None = None

    def add(text: str, kind: str, lines: tuple[int, int] | None) -> None:
        nonlocal pos
        text = text.strip("\n")
        if not text.strip():
            return
        if parts:
            parts.append(BLOCK_SEPARATOR)
            pos += len(BLOCK_SEPARATOR)
        parts.append(text)
        passages.append(Passage(len(passages), pos, pos + len(text), kind, lines))
        pos += len(text)

    heading_lines: tuple[int, int] | None = None
    para_lines: tuple[int, int] | None = None
    in_cell = False
    for tok in tokens:
        lines = tuple(tok.map) if tok.map else None
        if tok.type in ("bullet_list_open", "ordered_list_open"):
            context.append("list")
        elif tok.type in ("blockquote_open",):
            context.append("quote")
        elif tok.type in ("bullet_list_close", "ordered_list_close", "blockquote_close"):
            context.pop()
        elif tok.type == "heading_open":
            heading_lines = lines  # type: ignore[assignment]
            context.append("heading")
        elif tok.type == "heading_close":
            context.pop()
        elif tok.type == "paragraph_open":
            para_lines = lines  # type: ignore[assignment]
        elif tok.type == "table_open":
            table_rows, table_map = [], lines  # type: ignore[assignment]
        elif tok.type in ("th_open", "td_open"):
            in_cell = True
        elif tok.type in ("th_close", "td_close"):
            in_cell = False
        elif tok.type == "tr_close":
            table_rows.append(" | ".join(table_cells))
            table_cells = []
        elif tok.type == "table_close":
            add("\n".join(table_rows), "table", table_map)
        elif tok.type in ("fence", "code_block"):
            add(tok.content, "code", lines)  # type: ignore[arg-type]
        elif tok.type == "inline":
            start = pos + (len(BLOCK_SEPARATOR) if parts else 0)
            if context and context[-1] == "heading":
                text = _inline_text(tok.children or [], start, links)
                add(text, "heading", heading_lines)
                if title is None and text.strip():
                    title = text.strip()
            elif in_cell:
                table_cells.append(_inline_text(tok.children or [], 0, []))
            else:
                kind = {"list": "list_item", "quote": "quote"}.get(context[-1] if context else "")
                text = _inline_text(tok.children or [], start, links)
                add(text, kind or "paragraph", para_lines)
    text = "".join(parts)
    mark_boilerplate(text, passages)
    return MarkdownText(text, passages, links, title)
