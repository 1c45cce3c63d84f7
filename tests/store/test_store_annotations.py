"""The Store API the CLI and the GUI use: annotations, tombstones, undo, user edits, caches."""

from __future__ import annotations

from dataclasses import replace

import pytest
from store_helpers import make_doc

from reader.store.annotations import (
    Annotation,
    AnnotationError,
    Change,
    Store,
    parse_time,
)

TEXT = "Trung Quốc và Việt Nam ký hiệp định về sông Mê Kông tại Hà Nội hôm thứ Hai."


def test_annotate_records_quote_context_document_and_times(store: Store):
    doc = make_doc(TEXT)
    start = TEXT.index("Việt Nam")
    ann = store.annotate(doc, start, start + 8, note="*hi*", tags=["vn", "vn ", "place"])
    assert ann.quote == "Việt Nam" and ann.prefix == TEXT[:start]
    assert ann.suffix == TEXT[start + 8 : start + 8 + 32]
    assert ann.tags == ("vn", "place")  # trimmed, duplicates dropped, order kept
    assert ann.created == ann.modified and ann.created.endswith("Z")
    assert ann.status == "anchored" and ann.deleted is None
    assert store.get(ann.id) == ann
    record = store.document("news/a.txt")
    assert record is not None and record.sha256 == doc.sha256 and record.length == len(TEXT)


@pytest.mark.parametrize(("start", "end"), [(-1, 3), (5, 5), (7, 3), (0, len(TEXT) + 1)], ids=str)
def test_annotate_refuses_spans_outside_the_text(store: Store, start: int, end: int):
    with pytest.raises(AnnotationError):
        store.annotate(make_doc(TEXT), start, end)
    assert store.list() == []


@pytest.mark.parametrize(
    "kwargs",
    [
        {"color": "red; background: url(x)"},
        {"color": "#12345"},
        {"tags": ["ok", ""]},
        {"tags": "one string"},
        {"tags": ["x" * 101]},
    ],
    ids=["css-injection", "bad-hex", "empty-tag", "tags-string", "long-tag"],
)
def test_bad_values_are_refused_with_a_reason(store: Store, kwargs):
    with pytest.raises(AnnotationError):
        store.annotate(make_doc(TEXT), 0, 5, **kwargs)
    assert store.list(include_deleted=True) == []


@pytest.mark.parametrize("path", ["/etc/passwd", "../x.txt", "a/../../b", "C:/x", "a\\b", ""])
def test_document_paths_must_stay_inside_the_corpus(store: Store, path: str):
    with pytest.raises(AnnotationError):
        store.add(path, "ab" * 32, 0, 1, "x")


def test_update_changes_only_what_is_given_and_modified_grows(store: Store):
    ann = store.annotate(make_doc(TEXT), 0, 5, note="a", tags=["t"], color="#FFD54F")
    assert ann.color == "#ffd54f"
    newer = store.update(ann.id, note="b")
    assert (newer.note, newer.tags, newer.color) == ("b", ("t",), "#ffd54f")
    assert parse_time(newer.modified) > parse_time(ann.modified)
    assert newer.created == ann.created
    again = store.update(ann.id, tags=[], color="")
    assert (again.note, again.tags, again.color) == ("b", (), "")


def test_delete_leaves_a_tombstone_and_restore_undoes_it(store: Store):
    ann = store.annotate(make_doc(TEXT), 0, 5, note="keep me", tags=["t"])
    before = store.delete(ann.id)
    assert before == ann  # what it was, for undo
    assert store.get(ann.id) is None and store.list() == []
    tomb = store.get(ann.id, include_deleted=True)
    assert tomb is not None and tomb.deleted is not None and tomb.note == "keep me"
    assert store.tags() == []
    back = store.restore(ann.id)
    assert back.deleted is None and (back.note, back.tags) == ("keep me", ("t",))
    assert store.tags() == [("t", 1)]


def test_put_writes_an_earlier_state_back_for_undo(store: Store):
    ann = store.annotate(make_doc(TEXT), 0, 5, note="first")
    store.update(ann.id, note="second", tags=["x"])
    undone = store.put(ann)
    assert (undone.note, undone.tags) == ("first", ())
    assert parse_time(undone.modified) > parse_time(ann.modified)


def test_unknown_ids(store: Store):
    assert store.get("not-a-uuid") is None
    with pytest.raises(AnnotationError):
        store.update("6f1b1d3c-8a43-4a8e-9a55-0d4c7a3d2b11", note="x")
    with pytest.raises(AnnotationError):
        store.delete("6f1b1d3c-8a43-4a8e-9a55-0d4c7a3d2b11")


def test_list_filters_and_tags_counts(store: Store):
    doc_a, doc_b = make_doc(TEXT, "a.txt"), make_doc(TEXT, "b.txt")
    a1 = store.annotate(doc_a, 10, 15, tags=["x", "y"])
    a0 = store.annotate(doc_a, 0, 5, tags=["x"])
    b0 = store.annotate(doc_b, 0, 5)
    assert store.list() == [a0, a1, b0]  # document, then position
    assert store.list(document="a.txt") == [a0, a1]
    assert store.list(tag="y") == [a1]
    assert store.tags() == [("x", 2), ("y", 1)]


def test_subscribers_hear_what_changed(store: Store):
    heard: list[Change] = []
    stop = store.subscribe(heard.append)
    ann = store.annotate(make_doc(TEXT), 0, 5)
    store.update(ann.id, note="n")
    store.delete(ann.id)
    stop()
    store.restore(ann.id)
    assert [(c.kind, c.action, c.ids) for c in heard] == [
        ("annotation", "added", (ann.id,)),
        ("annotation", "updated", (ann.id,)),
        ("annotation", "deleted", (ann.id,)),
    ]


def test_a_failed_write_notifies_nobody_and_changes_nothing(store: Store):
    heard: list[Change] = []
    store.subscribe(heard.append)
    with pytest.raises(AnnotationError):
        store.annotate(make_doc(TEXT), 0, 5, color="not a colour!")
    assert heard == [] and store.list() == [] and store.documents() == []


def test_merge_newer_modified_wins_and_tombstones_count(store: Store):
    ann = store.annotate(make_doc(TEXT), 0, 5, note="mine")
    older = replace(ann, note="older", modified="2000-01-01T00:00:00.000000Z")
    newer = replace(ann, note="newer", modified="2999-01-01T00:00:00.000000Z")
    fresh = replace(ann, id="6f1b1d3c-8a43-4a8e-9a55-0d4c7a3d2b11", note="fresh")
    result = store.merge([older, fresh])
    assert (result.added, result.updated, result.unchanged) == ([fresh.id], [], [ann.id])
    assert store.get(ann.id).note == "mine"
    store.merge([newer])
    assert store.get(ann.id).note == "newer"
    # deleted here after the file was written: the file's older copy does not resurrect it
    store.delete(fresh.id)
    result = store.merge([fresh])
    assert result.unchanged == [fresh.id] and result.deleted_here == [fresh.id]
    assert "1 not restored" in result.summary()
    assert store.get(fresh.id) is None
    # restoring a backup on purpose brings it back
    result = store.merge([fresh], restore_deleted=True)
    assert result.restored == [fresh.id] and store.get(fresh.id).note == "fresh"


def test_merge_is_all_or_nothing(store: Store):
    good = Annotation(
        id="6f1b1d3c-8a43-4a8e-9a55-0d4c7a3d2b11",
        document="a.txt",
        sha256="ab" * 32,
        start=0,
        end=5,
        quote="Hello",
        created="2024-01-01T00:00:00Z",
        modified="2024-01-01T00:00:00Z",
    )
    bad = replace(good, id="7f1b1d3c-8a43-4a8e-9a55-0d4c7a3d2b11", end=9)  # quote length 5
    with pytest.raises(AnnotationError):
        store.merge([good, bad])
    assert store.list(include_deleted=True) == []


def test_entity_links_topic_edits_and_caches(store: Store):
    link = store.link_entities("my", "eua")
    assert (link.key_a, link.key_b, link.action) == ("eua", "my", "link")
    store.unlink_entities("eua", "my")  # the user changed their mind: one row, latest wins
    assert [(e.key_a, e.key_b, e.action) for e in store.entity_links()] == [("eua", "my", "unlink")]
    assert store.forget_entity_link("my", "eua") is not None and store.entity_links() == []
    with pytest.raises(AnnotationError):
        store.link_entities("same", "same")

    move = store.move_document("news/a.txt", "topic-1")
    store.rename_topic("topic-1", "Bridge over the Mekong")
    store.merge_topics("topic-2", "topic-1")
    assert [(e.kind, e.topic, e.document, e.value) for e in store.topic_edits()] == [
        ("move", "topic-1", "news/a.txt", None),
        ("rename", "topic-1", None, "Bridge over the Mekong"),
        ("merge", "topic-2", None, "topic-1"),
    ]
    store.remove_topic_edit(move.id)
    assert [e.kind for e in store.topic_edits()] == ["rename", "merge"]

    sha = "cd" * 32
    assert store.cache_get(sha, "passages") is None
    store.cache_put(sha, "passages", b"\x00\x01", version=2)
    assert store.cache_get(sha, "passages", version=2) == b"\x00\x01"
    assert store.cache_get(sha, "passages", version=1) is None  # a stale format is a miss
    store.cache_put("ef" * 32, "passages", b"x")
    assert store.cache_drop(keep=[sha]) == 1
    assert store.cache_get(sha, "passages", version=2) == b"\x00\x01"
