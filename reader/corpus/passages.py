"""Paragraph passages of plain text, sentence spans, and boilerplate marking."""

from __future__ import annotations

import re
from statistics import median

from reader.corpus.boilerplate import is_boilerplate, is_tail_label
from reader.corpus.model import Passage
from reader.corpus.text import sentence_spans

_BLOCK_SEP = re.compile(r"\n[ \t]*\n")
_SENTENCE_END = re.compile(r"[.!?。！？។៕။।…:;\"'”’»)\]]\s*$")


def _lines(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Non-blank line spans in text[start:end], trimmed."""
    out = []
    pos = start
    while pos < end:
        nl = text.find("\n", pos, end)
        stop = end if nl < 0 else nl
        s, e = pos, stop
        while s < e and text[s].isspace():
            s += 1
        while e > s and text[e - 1].isspace():
            e -= 1
        if e > s:
            out.append((s, e))
        pos = stop + 1
    return out


def is_hard_wrapped(lines: list[str]) -> bool:
    """True when consecutive lines look like one paragraph wrapped at a fixed width."""
    if len(lines) < 2:
        return False
    body = [len(line) for line in lines[:-1]]
    width = max(body)
    if width > 120 or width < 30:
        return False
    # Lines that mostly end sentences are one sentence a line, not a wrapped paragraph.
    if sum(bool(_SENTENCE_END.search(line)) for line in lines[:-1]) > (len(lines) - 1) / 2:
        return False
    # Wrapped lines fill the width closely; separate short paragraphs vary a lot.
    return min(body) >= 0.6 * width and len(lines[-1]) <= width + 5


def _block_paragraphs(text: str, start: int, end: int, wrapping: bool) -> list[tuple[int, int]]:
    """Paragraph spans in one blank-line-separated block."""
    lines = _lines(text, start, end)
    if not lines:
        return []
    texts = [text[s:e] for s, e in lines]
    if wrapping and is_hard_wrapped(texts) and not any(is_boilerplate(t) for t in texts):
        return [(lines[0][0], lines[-1][1])]
    return lines


def split_paragraphs(text: str) -> list[tuple[int, int, int]]:
    """Paragraph spans `(start, end, first_line)` of plain text.

    One paragraph a line, blank lines between paragraphs, and hard-wrapped paragraphs
    separated by blank lines all come out as one span per paragraph.
    """
    spans: list[tuple[int, int]] = []
    pos = 0
    # Without blank lines between paragraphs, each line is a paragraph.
    wrapping = _BLOCK_SEP.search(text.strip("\n")) is not None
    for sep in _BLOCK_SEP.finditer(text):
        spans.extend(_block_paragraphs(text, pos, sep.start(), wrapping))
        pos = sep.end()
    spans.extend(_block_paragraphs(text, pos, len(text), wrapping))
    # First source line of each span, counted in one pass.
    out: list[tuple[int, int, int]] = []
    line, counted = 0, 0
    for s, e in spans:
        line += text.count("\n", counted, s)
        counted = s
        out.append((s, e, line))
    return out


def plain_passages(text: str) -> list[Passage]:
    """Passages of a plain-text reading text, boilerplate marked."""
    passages = []
    for i, (s, e, line) in enumerate(split_paragraphs(text)):
        nlines = text.count("\n", s, e)
        passages.append(Passage(i, s, e, "paragraph", (line, line + nlines + 1)))
    mark_boilerplate(text, passages)
    return passages


TAIL_ZONE = 0.6  # a tail label only counts in the last 40% of a document


def mark_boilerplate(text: str, passages: list[Passage]) -> None:
    """Mark page furniture: lines that match the rules, repeats, and the related-links tail."""
    seen: set[str] = set()
    tail_from = len(passages)
    for p in passages:
        body = text[p.start : p.end].strip()
        if (p.kind != "code" and is_boilerplate(body)) or (body in seen and len(body) > 1):
            p.kind = "boilerplate"
        if (
            tail_from == len(passages)
            and p.index >= TAIL_ZONE * len(passages)
            and is_tail_label(body)
        ):
            tail_from = p.index
        seen.add(body)
    for p in passages[tail_from:]:
        p.kind = "boilerplate"


def passage_sentences(text: str, passage: Passage, language: str) -> list[tuple[int, int]]:
    """Sentence spans (document offsets) inside one passage."""
    return [
        (passage.start + s, passage.start + e)
        for s, e in sentence_spans(text[passage.start : passage.end], language)
    ]


def typical_passage_length(passages: list[Passage]) -> float:
    """Median length of non-boilerplate passages (0 when none)."""
    lengths = [p.end - p.start for p in passages if p.kind != "boilerplate"]
    return float(median(lengths)) if lengths else 0.0
