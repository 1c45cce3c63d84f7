"""Walk an (X)HTML tree into blocks: headings, paragraphs, list items, quotes, code, tables."""

from __future__ import annotations

import html
import re
from typing import Any

from reader.corpus.formats.build import TextBuilder, tidy

HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}
BLOCKS = HEADINGS | {
    "p",
    "div",
    "li",
    "blockquote",
    "pre",
    "table",
    "ul",
    "ol",
    "dl",
    "dt",
    "dd",
    "section",
    "article",
    "header",
    "footer",
    "main",
    "aside",
    "figure",
    "figcaption",
    "body",
    "html",
    "hr",
    "address",
    "center",
    "nav",
    "form",
    "fieldset",
    "details",
    "summary",
    "caption",
    "tr",
    "td",
    "th",
    "thead",
    "tbody",
    "tfoot",
    "hgroup",
}
SKIP = {
    "script",
    "style",
    "noscript",
    "template",
    "head",
    "title",
    "svg",
    "math",
    "iframe",
    "object",
    "embed",
    "button",
    "select",
    "input",
    "textarea",
    "video",
    "audio",
    "canvas",
}
_SPACE = re.compile(r"\s+")


def local_name(el: Any) -> str:
    """Lower-case tag name without namespace ('' for comments and processing instructions)."""
    tag = el.tag
    if not isinstance(tag, str):
        return ""
    return tag.rsplit("}", 1)[-1].lower()


class BlockWalker:
    """Adds the blocks of an element tree to a TextBuilder; `extra` goes on every passage.

    `anchors` maps element ids to chapter names: from an element with such an id on, passages
    carry that `chapter` (a book file holding several chapters)."""

    def __init__(
        self,
        builder: TextBuilder,
        skip: set[str] | None = None,
        anchors: dict[str, str] | None = None,
        **extra: object,
    ):
        self.builder = builder
        self.anchors = anchors or {}
        self.skip = SKIP | (skip or set())
        self.extra = extra
        self.buf: list[str] = []
        self.length = 0
        self.links: list[tuple[int, int, str]] = []
        self.context: list[str] = []
        self.headings: list[str] = []

    # --- inline text ---------------------------------------------------------------------
    def _text(self, text: str | None) -> None:
        if not text:
            return
        text = _SPACE.sub(" ", text)
        if (not self.buf or self.buf[-1].endswith((" ", "\n"))) and text.startswith(" "):
            text = text[1:]
        if text:
            self.buf.append(text)
            self.length += len(text)

    def _break(self) -> None:
        if self.buf and self.buf[-1].endswith(" "):
            self.buf[-1] = self.buf[-1][:-1]
            self.length -= 1
        self.buf.append("\n")
        self.length += 1

    def flush(self) -> None:
        raw = "".join(self.buf)
        self.buf, self.length = [], 0
        links, self.links = self.links, []
        text = raw.strip()
        if not text:
            return
        lead = len(raw) - len(raw.lstrip())
        links = [(s - lead, e - lead, href) for s, e, href in links]
        kind = self._kind()
        if kind == "heading":
            self.headings.append(text)
        self.builder.add(text, kind, links, **self.extra)

    def _kind(self) -> str:
        for ctx in reversed(self.context):
            if ctx in ("heading", "list_item", "quote", "code"):
                return ctx
        return "paragraph"

    # --- tree ----------------------------------------------------------------------------
    def walk(self, el: Any) -> None:
        name = local_name(el)
        if not name:  # comment, processing instruction, or an entity left unresolved
            if type(el).__name__ == "_Entity":  # &nbsp; in XHTML read without its DTD
                self._text(html.unescape(el.text or ""))
            self._text(el.tail)
            return
        if name in self.skip or el.get("hidden") is not None:
            self._text(el.tail)
            return
        if self.anchors and el.get("id") in self.anchors:
            self.flush()
            self.extra["chapter"] = self.anchors[el.get("id")]
        block = name in BLOCKS
        if block:
            self.flush()
        if name == "table":
            self._table(el)
        elif name == "pre":
            text = "".join(el.itertext()).strip("\n")
            self.builder.add(text, "code", **self.extra)
        elif name == "br":
            self._break()
        elif name == "img":  # alt text ("Illo1", "photo") is not reading text
            pass
        else:
            ctx = {"li": "list_item", "dt": "list_item", "blockquote": "quote"}.get(name)
            if name in HEADINGS:
                ctx = "heading"
            if ctx:
                self.context.append(ctx)
            link_start = self.length if name == "a" else -1
            self._text(el.text)
            for child in el:
                self.walk(child)
            if link_start >= 0 and el.get("href"):
                self.links.append((link_start, self.length, el.get("href")))
            if block:
                self.flush()
            if ctx:
                self.context.pop()
        self._text(el.tail)

    def _table(self, table: Any) -> None:
        rows = []
        for row in table.iter():
            if local_name(row) != "tr":
                continue
            cells = [
                tidy(" ".join(cell.itertext())) for cell in row if local_name(cell) in ("td", "th")
            ]
            if any(cells):
                rows.append(" | ".join(cells))
        self.builder.add("\n".join(rows), "table", **self.extra)


def add_tree(
    builder: TextBuilder, root: Any, anchors: dict[str, str] | None = None, **extra: object
) -> list[str]:
    """Add the blocks under `root` to `builder`; returns the headings found, in order."""
    walker = BlockWalker(builder, anchors=anchors, **extra)
    try:
        walker.walk(root)
    except RecursionError as exc:
        raise OverflowError("elements nested too deeply") from exc
    walker.flush()
    return walker.headings
