"""`topics.toml`: a corpus may name its topics, which overrides clustering for the documents
it names."""

from __future__ import annotations

import fnmatch
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from reader.corpus.model import Document

MANIFEST_NAME = "topics.toml"


class ManifestError(ValueError):
    """`topics.toml` cannot be used; the message says where and why."""


@dataclass(frozen=True, slots=True)
class ManifestTopic:
    """A topic named in `topics.toml`: its name and the document paths (or globs) it holds."""

    name: str
    documents: tuple[str, ...]


def parse_manifest(text: str, source: str = MANIFEST_NAME) -> list[ManifestTopic]:
    """Topics of a manifest:

    ```toml
    [[topic]]
    name = "Sora and China's AI race"
    documents = ["000_ec4c.txt", "vi/*.txt"]
    ```
    """
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ManifestError(f"{source}: not valid TOML: {exc}") from exc
    entries = data.get("topic", [])
    if not isinstance(entries, list):
        raise ManifestError(f"{source}: `topic` must be an array of tables ([[topic]])")
    topics = []
    for n, entry in enumerate(entries, 1):
        if not isinstance(entry, dict):
            raise ManifestError(f"{source}: topic {n} is not a table")
        name = entry.get("name")
        docs = entry.get("documents")
        if not isinstance(name, str) or not name.strip():
            raise ManifestError(f"{source}: topic {n} needs a `name` (text)")
        if not isinstance(docs, list) or not all(isinstance(d, str) for d in docs):
            raise ManifestError(f"{source}: topic {name!r} needs `documents`, a list of paths")
        topics.append(ManifestTopic(name.strip(), tuple(d.strip().lstrip("./") for d in docs)))
    return topics


def read_manifest(root: Path) -> list[ManifestTopic]:
    """Topics named in `root/topics.toml`; none when there is no such file."""
    path = Path(root) / MANIFEST_NAME
    if not path.is_file():
        return []
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise ManifestError(f"{path}: unreadable: {exc}") from exc
    return parse_manifest(text, str(path))


def manifest_assignments(
    documents: Sequence[Document], manifest: Sequence[ManifestTopic], warnings: list[str]
) -> dict[str, ManifestTopic]:
    """doc id -> the first manifest topic that names it."""
    assigned: dict[str, ManifestTopic] = {}
    for mt in manifest:
        for pattern in mt.documents:
            hits = [
                d for d in documents if d.path == pattern or fnmatch.fnmatchcase(d.path, pattern)
            ]
            if not hits:
                warnings.append(f"topics.toml: {mt.name!r} names {pattern!r}, not in the corpus")
            for doc in hits:
                if doc.id in assigned and assigned[doc.id] is not mt:
                    warnings.append(
                        f"topics.toml: {doc.path} is in {assigned[doc.id].name!r} "
                        f"and {mt.name!r}; kept the first"
                    )
                    continue
                assigned[doc.id] = mt
    return assigned
