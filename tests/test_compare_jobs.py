"""The app's comparison of a topic: only the pairs its alignment links, sent without texts."""

from __future__ import annotations

import pickle
from pathlib import Path

from reader.compare_jobs import compare_linked, linked_comparison_job, linked_pairs, with_documents
from reader.corpus.align import align_topic
from reader.corpus.compare import compare_aligned
from reader.corpus.entities import find_entities
from reader.corpus.loading import document_from_bytes
from reader.corpus.model import Document

DATA = Path(__file__).parent / "data" / "compare" / "floods-en-vi"


def docs() -> list[Document]:
    return [
        document_from_bytes(f"floods/{n}.txt", (DATA / f"{n}.txt").read_bytes())
        for n in ("a", "b", "b_altered")
    ]


def test_only_the_pairs_the_alignment_links_are_compared_each_along_its_edge() -> None:
    ds = docs()
    index = find_entities(ds)
    alignment = align_topic(ds, index)
    ids = [d.id for d in ds]
    pairs = linked_pairs(ids, alignment)
    assert len(pairs) == len(ds) - 1, "a spanning tree: n-1 pairs, not every pair"
    assert all(ids.index(a) < ids.index(b) for a, b in pairs), "each in topic order"
    found = compare_linked(ds, index, alignment)
    assert [(c.doc_a.id, c.doc_b.id) for c in found.pairs] == pairs
    by_id = {d.id: d for d in ds}
    for c, (a, b) in zip(found.pairs, pairs, strict=True):
        alone = compare_aligned(by_id[a], by_id[b], index, alignment.edges[(a, b)])
        assert [m.to_json() for m in c.mismatches] == [m.to_json() for m in alone.mismatches]
    assert any(c.visible() for c in found.pairs), "the altered version disagrees somewhere"


def test_the_workers_answer_carries_no_texts_and_gives_the_same_comparison_back() -> None:
    ds = docs()
    index = find_entities(ds)
    alignment = align_topic(ds, index)
    answer = linked_comparison_job(ds, index, alignment)
    sent = pickle.dumps(answer)
    assert all(d.text[:200] not in sent.decode("utf-8", "ignore") for d in ds)
    back = with_documents(ds, pickle.loads(sent), alignment)
    direct = compare_linked(ds, index, alignment)
    assert back.to_json() == direct.to_json()
    for d in ds:
        assert back.strip(d.id) == direct.strip(d.id)


def test_no_alignment_no_pairs() -> None:
    ds = docs()
    assert compare_linked(ds, find_entities(ds), None).pairs == []
