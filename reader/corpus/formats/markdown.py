"""Markdown: decoded like plain text, then parsed into blocks by markdown-it-py."""

from __future__ import annotations

from reader.corpus.formats import Extracted
from reader.corpus.formats.text import decode
from reader.corpus.markdown import parse_markdown


def read(data: bytes) -> Extracted:
    source, encoding, warnings = decode(data)
    md = parse_markdown(source)
    return Extracted(
        md.text, md.passages, md.links, md.title, encoding=encoding, warnings=warnings + md.warnings
    )
