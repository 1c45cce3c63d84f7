"""Assemble a reading text block by block, keeping each block's passage and links."""

from __future__ import annotations

import re
import unicodedata

from reader.corpus.model import Link, Passage

BLOCK_SEPARATOR = "\n\n"
_SPACES = re.compile(r"[^\S\n]+")
_BLANK_LINES = re.compile(r"\n{2,}")


def tidy(text: str) -> str:
    """Collapse runs of spaces, keep single line breaks, trim each line and the whole."""
    text = _SPACES.sub(" ", text.replace("\r", "\n").replace("\xa0", " "))
    text = "\n".join(line.strip() for line in text.split("\n"))
    return _BLANK_LINES.sub("\n", text).strip()


class TextBuilder:
    """Collects blocks into one reading text, one passage per block, separated by blank lines."""

    def __init__(self, max_chars: int | None = None) -> None:
        self.parts: list[str] = []
        self.passages: list[Passage] = []
        self.links: list[Link] = []
        self.pos = 0
        self.max_chars = max_chars

    def add(
        self,
        text: str,
        kind: str = "paragraph",
        links: list[tuple[int, int, str]] | None = None,
        **extra: object,
    ) -> Passage | None:
        """Add one block (already tidied); `links` are spans inside `text`. Empty blocks vanish."""
        nfc = unicodedata.normalize("NFC", text)
        if nfc != text and links:  # offsets move only when normalisation changed the length
            links = [
                (
                    len(unicodedata.normalize("NFC", text[:s])),
                    len(unicodedata.normalize("NFC", text[:e])),
                    href,
                )
                for s, e, href in links
            ]
        text = nfc
        if not text.strip():
            return None
        if self.max_chars is not None and self.pos + len(text) > self.max_chars:
            raise OverflowError(f"more than {self.max_chars:,} characters of text")
        if self.parts:
            self.parts.append(BLOCK_SEPARATOR)
            self.pos += len(BLOCK_SEPARATOR)
        self.parts.append(text)
        passage = Passage(len(self.passages), self.pos, self.pos + len(text), kind, **extra)  # type: ignore[arg-type]
        self.passages.append(passage)
        for s, e, href in links or ():
            s, e = max(0, s), min(len(text), e)
            if e > s and href:
                self.links.append(Link(self.pos + s, self.pos + e, href))
        self.pos += len(text)
        return passage

    def text(self) -> str:
        return "".join(self.parts)
