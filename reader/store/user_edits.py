"""The user's entity links and topic edits from the store, in the shape the core analysis takes."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from reader.store.annotations import EntityLink, Store, TopicEdit
from reader.store.db import resolve_path


def entity_link_records(links: Iterable[EntityLink]) -> list[tuple[str, str, bool]]:
    """`(key_a, key_b, linked)` triples for `find_entities(links=...)`."""
    return [(link.key_a, link.key_b, link.action == "link") for link in links]


def topic_edit_records(edits: Iterable[TopicEdit]) -> list[tuple[str, dict[str, Any]]]:
    """`(op, args)` records, in order, for `find_topics(edits=...)`."""
    records: list[tuple[str, dict[str, Any]]] = []
    for e in edits:
        if e.kind == "move":
            records.append(("move", {"document": e.document, "topic": e.topic}))
        elif e.kind == "rename":
            records.append(("rename", {"topic": e.topic, "label": e.value}))
        elif e.kind == "merge":
            records.append(("merge", {"source": e.topic, "target": e.value}))
    return records


def stored_user_edits(
    db: str | None,
) -> tuple[list[tuple[str, str, bool]], list[tuple[str, dict[str, Any]]]]:
    """Links and topic edits of the store at `db` (or the default one); none when it doesn't exist.

    Never creates a store: commands that only read the corpus must not leave files behind.
    """
    path = resolve_path(db)
    if not path.is_file():
        return [], []
    with Store.open_for_reading(path) as store:
        return entity_link_records(store.entity_links()), topic_edit_records(store.topic_edits())
