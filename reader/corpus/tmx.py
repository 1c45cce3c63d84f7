"""Export the alignment of a topic as TMX 1.4, the translation-memory format CAT tools read.

One `<tu>` per group of aligned passages: passages linked directly or through other documents
of the topic form one group. Each document of the group gives one `<tuv xml:lang=…>` whose
`<seg>` is its passages' text (joined by a space when a step linked two passages); a
`<prop type="x-document">` names the document, since a topic may hold two versions in one
language. Groups where only one document has text are left out unless asked for.
"""

from __future__ import annotations

import re
import time
import xml.etree.ElementTree as ET
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from reader import __version__
from reader.corpus.disjoint import DisjointSets
from reader.corpus.model import Corpus, Document

TMX_VERSION = "1.4"
DOCTYPE = '<!DOCTYPE tmx SYSTEM "tmx14.dtd">'
# Characters XML 1.0 does not allow, even escaped.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


class TmxError(ValueError):
    """The topic cannot be exported (unknown id, fewer than two documents)."""


@dataclass(frozen=True, slots=True)
class AlignedGroup:
    """Passages of several documents that say the same thing: doc id -> passage indexes."""

    passages: dict[str, tuple[int, ...]]
    kind: str = "auto"  # "user" or "confirmed" when the reader made or checked a link of it


def aligned_groups(
    documents: Sequence[Document],
    edges: Mapping[tuple[str, str], Any],
    singletons: bool = False,
) -> list[AlignedGroup]:
    """Connected groups of aligned passages over the alignments `edges` ((a, b) -> Alignment).

    With `singletons`, every non-boilerplate passage without a partner is a group of its own.
    Groups come in reading order of the first document that has them.
    """
    sets: DisjointSets[tuple[str, int]] = DisjointSets()
    find = sets.find

    if singletons:
        for doc in documents:
            for p in doc.passages:
                if p.kind != "boilerplate":
                    find((doc.id, p.index))
    kinds: dict[tuple[str, int], str] = {}
    for (a, b), alignment in edges.items():
        for pair in alignment.pairs:
            nodes = [(a, i) for i in pair.a] + [(b, j) for j in pair.b]
            for node in nodes[1:]:
                sets.union(nodes[0], node)
            if pair.kind != "auto":
                kinds[nodes[0]] = pair.kind
    members: dict[tuple[str, int], list[tuple[str, int]]] = {}
    for node in sets:
        members.setdefault(find(node), []).append(node)
    order = {d.id: n for n, d in enumerate(documents)}
    groups = []
    for nodes in members.values():
        by_doc: dict[str, list[int]] = {}
        for doc_id, passage in nodes:
            by_doc.setdefault(doc_id, []).append(passage)
        ordered = {d: tuple(sorted(by_doc[d])) for d in sorted(by_doc, key=order.__getitem__)}
        found = {kinds[n] for n in nodes if n in kinds}
        kind = "user" if "user" in found else "confirmed" if found else "auto"
        groups.append(AlignedGroup(ordered, kind))
    groups.sort(key=lambda g: next((order[d], p) for d, p in g.passages.items()))
    return groups


def _clean(text: str) -> str:
    return _NOT_XML.sub("", text)


def groups_tmx(
    documents: Sequence[Document],
    groups: Iterable[AlignedGroup],
    topic_label: str = "",
    all_groups: bool = False,
) -> bytes:
    """TMX 1.4 of aligned groups as UTF-8 bytes."""
    by_id = {d.id: d for d in documents}
    langs = {d.language for d in documents}
    root = ET.Element("tmx", version=TMX_VERSION)
    header = ET.SubElement(
        root,
        "header",
        creationtool="corpus-reader",
        creationtoolversion=__version__,
        segtype="paragraph",
        adminlang="en",
        srclang=documents[0].language if len(langs) == 1 else "*all*",
        datatype="plaintext",
        creationdate=time.strftime("%Y%m%dT%H%M%SZ", time.gmtime()),
    )
    header.set("o-tmf", "corpus-reader")
    if topic_label:
        ET.SubElement(header, "prop", type="x-topic").text = _clean(topic_label)
    body = ET.SubElement(root, "body")
    n = 0
    for group in groups:
        if len(group.passages) < 2 and not all_groups:
            continue
        n += 1
        tu = ET.SubElement(body, "tu", tuid=str(n))
        ET.SubElement(tu, "prop", type="x-alignment").text = group.kind
        for doc_id, indexes in group.passages.items():
            doc = by_id[doc_id]
            text = " ".join(" ".join(doc.passage_text(doc.passages[i]).split()) for i in indexes)
            tuv = ET.SubElement(tu, "tuv")
            tuv.set(XML_LANG, doc.language or "und")
            ET.SubElement(tuv, "prop", type="x-document").text = _clean(doc.path)
            ET.SubElement(tuv, "prop", type="x-passages").text = ",".join(map(str, indexes))
            ET.SubElement(tuv, "seg").text = _clean(text)
    ET.indent(root, "  ")
    xml = ET.tostring(root, encoding="unicode")
    return f'<?xml version="1.0" encoding="UTF-8"?>\n{DOCTYPE}\n{xml}\n'.encode()


def topic_tmx(
    corpus: Corpus,
    topic_id: str,
    *,
    links: Sequence[tuple[str, str, bool]] = (),
    edits: Iterable[tuple[str, Mapping[str, Any]]] = (),
    all_groups: bool = False,
    alignment_links: Sequence[Any] = (),
) -> bytes:
    """TMX of one topic of `corpus`: entities, topics (manifest and `edits`) and alignment.

    `links` and `edits` are the user's entity links and topic edits from the store;
    `alignment_links` the reader's passage links (`reader.store.alignment_links`), which the
    alignment keeps and each `<tu>` marks in `<prop type="x-alignment">` (auto/user/confirmed).
    Raises TmxError for an unknown topic or one with fewer than two documents.
    """
    from reader.corpus.align import align_topic
    from reader.corpus.entities import find_entities
    from reader.corpus.topics import ManifestError, find_topics, read_manifest

    try:
        manifest = read_manifest(corpus.root)
    except ManifestError as exc:
        raise TmxError(str(exc)) from exc
    index = find_entities(corpus.documents, links=links)
    topics = find_topics(corpus.documents, index, manifest=manifest, edits=list(edits))
    try:
        topic = topics.by_id(topic_id)
    except KeyError:
        known = ", ".join(t.id for t in topics.topics[:10])
        raise TmxError(f"no topic {topic_id!r} in this corpus (topics: {known})") from None
    docs = [corpus.by_id(d) for d in topic.documents]
    if len(docs) < 2:
        raise TmxError(f"topic {topic_id!r} has one document; nothing is aligned")
    user = None
    if alignment_links:
        from reader.store.alignment_links import user_alignment

        user = user_alignment(alignment_links)
    alignment = align_topic(docs, index, user)
    groups = aligned_groups(docs, alignment.edges, singletons=all_groups)
    return groups_tmx(docs, groups, topic.label, all_groups)
