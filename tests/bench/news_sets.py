"""Real news with professional translations, for the alignment and comparison benchmarks.

Source: WMT21 news test sets (newstest2021) of https://github.com/wmt-conference/wmt21-news-systems
(`xml/newstest2021.<pair>.all.xml`: each story's original and human reference translations,
sentence by sentence). Get them with the search tool's `fetch
github:wmt-conference/wmt21-news-systems`; they are read from the mirror under /work/.mirror
(or $WMT21_NEWS, a git directory) and never copied into the repository. One story is one
document, one sentence a paragraph (news sites write one-sentence paragraphs); the sentence id
is the gold.

Split (fixed before anything was measured): a story is `dev` when the first byte of the SHA-1
of its document id is even, `held-out` otherwise. Only `dev` was looked at while building.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from functools import cache
from pathlib import Path

MIRROR = Path("/work/.mirror/wmt-conference+wmt21-news-systems/repo")
# The pairs whose files the mirror holds (some are over its size limit), source -> target.
PAIRS = ("en-ja", "ja-en", "ru-en", "en-is", "is-en", "de-fr", "fr-de")
SPLITS = ("dev", "held-out")


@dataclass(frozen=True)
class Story:
    """One news story in its original language and one human translation."""

    doc_id: str
    pair: str
    source: tuple[str, ...]  # sentences of the original
    target: tuple[str, ...]  # the translation, sentence by sentence (same ids)
    second: tuple[str, ...] | None = None  # another translator's version, when there is one


def mirror() -> Path | None:
    path = Path(os.environ.get("WMT21_NEWS", MIRROR))
    return path if (path / "HEAD").exists() or (path / ".git").exists() else None


def split_of(doc_id: str) -> str:
    return "dev" if hashlib.sha1(doc_id.encode()).digest()[0] % 2 == 0 else "held-out"


def _segments(node: ET.Element | None) -> tuple[str, ...]:
    if node is None:
        return ()
    return tuple(" ".join((s.text or "").split()) for s in node.iter("seg"))


@cache
def stories(pair: str) -> tuple[Story, ...]:
    root = mirror()
    assert root is not None
    xml = subprocess.run(
        ["git", "--git-dir", str(root), "show", f"HEAD:xml/newstest2021.{pair}.all.xml"],
        capture_output=True,
        check=True,
    ).stdout
    out = []
    for doc in ET.fromstring(xml).iter("doc"):
        refs = sorted(doc.findall("ref"), key=lambda r: r.get("translator", ""))
        source = _segments(doc.find("src"))
        target = _segments(refs[0] if refs else None)
        if not source or len(source) != len(target) or not all(source) or not all(target):
            continue
        second = _segments(refs[1]) if len(refs) > 1 else None
        if second is not None and (len(second) != len(source) or not all(second)):
            second = None
        out.append(Story(doc.get("id", ""), pair, source, target, second))
    return tuple(out)


def split_stories(pair: str, split: str, limit: int, min_sentences: int = 6) -> list[Story]:
    """Up to `limit` stories of `split` with at least `min_sentences` sentences, in file order."""
    found = [
        s for s in stories(pair) if split_of(s.doc_id) == split and len(s.source) >= min_sentences
    ]
    return found[:limit]
