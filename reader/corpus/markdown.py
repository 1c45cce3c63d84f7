"""Markdown -> reading text and blocks, through markdown-it-py (raw HTML off)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from markdown_it import MarkdownIt
from markdown_it.token import Token

from reader.corpus.model import Link, Passage
from reader.corpus.passages import mark_boilerplate

BLOCK_SEPARATOR = "\n\n"
#: A paragraph longer than this is read as plain text: markdown-it's time and memory grow too
#: fast on it (a 5 MB one-line file took 18 s and 900 MB).
MAX_BLOCK_CHARS = 100_000
_PLACEHOLDER = "corpusreaderplainblock{}x"
_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
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
    warnings: list[str] = field(default_factory=list)


def _set_aside_long_blocks(source: str) -> tuple[str, list[str]]:
    """`source` with each paragraph over MAX_BLOCK_CHARS replaced by a placeholder line (and
    blank lines, so line numbers stay), and those paragraphs' text, in order."""
    if len(source) <= MAX_BLOCK_CHARS:
        return source, []
    lines = source.split("\n")
    out: list[str] = []
    blocks: list[str] = []
    fence: str | None = None
    i = 0
    while i < len(lines):
        line = lines[i]
        mark = _FENCE.match(line)
        if fence is None and not mark and line.strip():
            j, size = i, 0
            while j < len(lines) and lines[j].strip() and not _FENCE.match(lines[j]):
                size += len(lines[j]) + 1
                j += 1
            if size > MAX_BLOCK_CHARS:
                blocks.append(" ".join(x.strip() for x in lines[i:j]))
                out.append(_PLACEHOLDER.format(len(blocks) - 1))
                out.extend([""] * (j - i - 1))
            else:
                out.extend(lines[i:j])
            i = j
            continue
        if mark:
            fence = None if fence and mark.group(1)[0] == fence else (fence or mark.group(1)[0])
        out.append(line)
        i += 1
    return "\n".join(out), blocks


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
    source, long_blocks = _set_aside_long_blocks(source)
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
            elif long_blocks and tok.content.startswith("corpusreaderplainblock"):
                number = tok.content[len("corpusreaderplainblock") : -1]
                if tok.content == _PLACEHOLDER.format(number) and number.isdigit():
                    add(long_blocks[int(number)], "paragraph", para_lines)
            else:
                kind = {"list": "list_item", "quote": "quote"}.get(context[-1] if context else "")
                text = _inline_text(tok.children or [], start, links)
                add(text, kind or "paragraph", para_lines)
    text = "".join(parts)
    mark_boilerplate(text, passages)
    warnings = []
    if long_blocks:
        warnings.append(
            f"{len(long_blocks)} paragraph(s) over {MAX_BLOCK_CHARS:,} characters read as plain "
            "text (Markdown marks in them are shown as written)"
        )
    return MarkdownText(text, passages, links, title, warnings)
