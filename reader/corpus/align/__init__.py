"""Passages of one document <-> passages of another, and of all versions of a topic.

Two documents are aligned by dynamic programming over their passages (boilerplate
skipped) with 1-1, 1-2, 2-1, 1-0 and 0-1 steps. A step scores the entity keys and numbers
the passages share (weighted by how few passages carry them) plus a Gale–Church length
prior on each passage's share of its document (scripts differ in characters per meaning,
shares do not). A version that keeps only part of the story is aligned inside the part it
covers (skips before and after it are cheap; `path`). News rewrites reorder, merge and drop
paragraphs, so after the monotonic path: a pair whose passages name different things is
undone, a passage left without a partner links to its best match when that match is clear,
moved blocks grow from their links, a passage merged into a moved one joins it, and
otherwise a passage stays unlinked — a gap (`pair`). The reader's own links are fixed
points and the pairs they unlinked are never linked (`FixedLink`, stored by
`reader.store.alignment_links`). Long texts are searched in a band (`path`).

Modules: `model` (AlignedPair, Alignment), `scoring` (keys, weights, length prior), `path`
(the dynamic programme), `pair` (two documents), `topic` (all versions of a story),
`compare` (word edits of aligned passages, what a version lacks).

Three or more versions align through the strongest pairs: the pairwise alignments form a
maximum spanning tree and passages of two documents are linked through the tree path, so a
Vietnamese and a Khmer column line up through the Portuguese one.
"""

from reader.corpus.align.model import AlignedPair, Alignment
from reader.corpus.align.pair import FixedLink, align_pair
from reader.corpus.align.scoring import content_passages, passage_keys
from reader.corpus.align.topic import TopicAlignment, align_topic

__all__ = [
    "AlignedPair",
    "Alignment",
    "FixedLink",
    "TopicAlignment",
    "align_pair",
    "align_topic",
    "content_passages",
    "passage_keys",
]
