"""The app's comparison of a topic, as a worker process runs it (no Qt).

The app compares only the pairs its alignment links directly — the edges of the topic's
spanning tree (`TopicAlignment.edges`): n-1 pairs for n versions instead of n(n-1)/2, so a topic
of 24 documents costs 23 comparisons, and every pair compared is one the columns level along.
`compare_topic` (the CLI's `compare --topic`) compares every pair instead.

A worker returns the comparisons without their documents (the window has them already; sending
24 texts back would cost the GUI thread the unpickling), and `with_documents` puts them back.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from reader.corpus.align import TopicAlignment
from reader.corpus.compare import Comparison, compare_aligned
from reader.corpus.compare_topic import TopicComparison
from reader.corpus.entities import EntityIndex
from reader.corpus.model import Document


def linked_pairs(doc_ids: Sequence[str], alignment: TopicAlignment | None) -> list[tuple[str, str]]:
    """The document pairs the alignment links directly, each in topic order (a before b)."""
    if alignment is None:
        return []
    order = {d: n for n, d in enumerate(doc_ids)}
    pairs = {
        (a, b) for a, b in alignment.edges if a in order and b in order and order[a] < order[b]
    }
    return sorted(pairs, key=lambda p: (order[p[0]], order[p[1]]))


def compare_linked(
    docs: Sequence[Document], index: EntityIndex, alignment: TopicAlignment | None
) -> TopicComparison:
    """Compare the pairs of `docs` that the topic alignment links directly."""
    docs = list(docs)
    by_id = {d.id: d for d in docs}
    edges = alignment.edges if alignment is not None else {}
    pairs = [
        compare_aligned(by_id[a], by_id[b], index, edges[(a, b)])
        for a, b in linked_pairs([d.id for d in docs], alignment)
    ]
    return TopicComparison(docs, pairs, alignment)


def linked_comparison_job(
    docs: Sequence[Document], index: EntityIndex, alignment: TopicAlignment | None
) -> list[tuple[str, str, Comparison]]:
    """A worker's job: `compare_linked`, each comparison as (doc a id, doc b id, comparison
    without its two documents)."""
    found = compare_linked(docs, index, alignment)
    return [
        (c.doc_a.id, c.doc_b.id, replace(c, doc_a=None, doc_b=None))  # type: ignore[arg-type]
        for c in found.pairs
    ]


def with_documents(
    docs: Sequence[Document],
    pairs: Sequence[tuple[str, str, Comparison]],
    alignment: TopicAlignment | None,
) -> TopicComparison:
    """The TopicComparison of a worker's result, its documents put back."""
    by_id = {d.id: d for d in docs}
    return TopicComparison(
        list(docs),
        [replace(c, doc_a=by_id[a], doc_b=by_id[b]) for a, b, c in pairs],
        alignment,
    )
