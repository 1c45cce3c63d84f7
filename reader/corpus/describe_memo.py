"""Topic descriptions (top entities and label) kept between analyses: after a few files
changed, a topic with the same documents is described as before unless what its
description reads changed.

A topic's description (`topics._describe`) reads its documents' candidates (how often each
key is mentioned, the kind of its first mention), the weight of their keys (from the number
of documents holding each key, in a corpus of the same documents), which keys are shared
entities with their labels, and its first document's title. So it is the previous one when
the topic has the same documents, origin and renaming, none of them changed (its candidate
row, or its text: the title), and none of them holds a key whose number of documents changed
or whose shared entity changed (appeared, went, or was labelled or kinded anew).
"""

from __future__ import annotations

import zlib
from collections.abc import Collection, Mapping, Sequence
from typing import Any

import orjson

from reader.corpus.key_counts import key_counts
from reader.corpus.topics import TOP_ENTITIES, one_member_ranking

_JOIN = "\x1f"


def described(topics: Sequence[Any], shas: Mapping[str, str]) -> bytes:
    """The descriptions of `topics` (and the documents' hashes) as the stored part."""
    found = {
        _JOIN.join(t.documents): [t.origin, bool(t.renamed), t.label, list(t.entities)]
        for t in topics
    }
    return zlib.compress(orjson.dumps({"topics": found, "shas": dict(shas)}), 1)


def read_described(blob: bytes | None) -> dict[str, Any] | None:
    """What `described` wrote (None: none or damaged)."""
    if not blob:
        return None
    try:
        data = orjson.loads(zlib.decompress(blob))
        topics, shas = data["topics"], data["shas"]
    except (ValueError, zlib.error, TypeError, KeyError):
        return None
    if type(topics) is not dict or type(shas) is not dict:
        return None
    return {"topics": topics, "shas": shas}


class DescriptionMemo:
    """The previous analysis's descriptions, with what changed since: `stale_docs` (their
    rows changed), `stale_keys` (their number of documents or their entity changed)."""

    def __init__(
        self,
        previous: dict[str, Any],
        stale_docs: Collection[str],
        stale_keys: Collection[str],
        standing_keys: Collection[str] = (),
    ) -> None:
        self.topics: dict[str, Any] = previous["topics"]
        self.shas: dict[str, Any] = previous["shas"]
        self.stale_docs = set(stale_docs)
        self.stale_keys = set(stale_keys)
        # of the stale keys, those shared entities now if and only if before
        self.standing_keys = set(standing_keys)
        self.report = {"described_again": 0, "described_as_before": 0, "reranked": 0}
        self._key_of: tuple[Mapping[str, Any], dict[str, str]] | None = None

    def get(
        self,
        topic: Any,
        docs: Mapping[str, Any],
        index: Any,
        idf: Mapping[str, float] | None = None,
        by_key: Mapping[str, Any] | None = None,
    ) -> tuple[str, list] | None:
        """The previous (label, entities) of `topic` when they hold (see the module
        docstring), else None. With the corpus's `idf` and its entities `by_key`, a
        one-document topic named by its title, whose stale keys kept their standing (shared
        entities before and now, or neither), is ranked again from its previous top
        entities (`_reranked`)."""
        found = self.topics.get(_JOIN.join(topic.documents))
        if (
            found is None
            or type(found) is not list
            or len(found) != 4
            or found[0] != topic.origin
            or found[1] != bool(topic.renamed)
            or not all(type(x) is str for x in found[3])
            or type(found[2]) is not str
        ):
            return self._again()
        stale_keys, stale_docs, shas = self.stale_keys, self.stale_docs, self.shas
        for d in topic.documents:
            if d in stale_docs or shas.get(d) != docs[d].sha256:
                return self._again()
            mentions = key_counts(index, d).mentions
            if not stale_keys.isdisjoint(mentions):
                if idf is None or by_key is None or len(topic.documents) != 1:
                    return self._again()
                if not docs[d].title:  # its label is made of its entities' names
                    return self._again()
                held = stale_keys.intersection(mentions)
                if self._key_of is None or self._key_of[0] is not by_key:
                    self._key_of = (by_key, _keys_by_id(by_key))
                key_of = self._key_of[1]
                ranked = _reranked(
                    found[3], held, self.standing_keys, key_of, mentions, idf, by_key
                )
                if ranked is None:
                    return self._again()
                self.report["reranked"] += 1
                return found[2], ranked
        self.report["described_as_before"] += 1
        return found[2], list(found[3])

    def _again(self) -> None:
        self.report["described_again"] += 1
        return None


def _reranked(
    before: list[str],
    held: set[str],
    standing: set[str],
    key_of: Mapping[str, str],
    mentions: Mapping[str, int],
    idf: Mapping[str, float],
    by_key: Mapping[str, Any],
) -> list[str] | None:
    """A one-document topic's top entities (`topics._describe`) from its previous ones
    (`before`, ids; `key_of`: each entity's key by its id), when the stale keys it holds
    (`held`) are shared entities now if and only if they were before (`standing`: their
    weight, or label, moved). The other keys keep their scores and order, so the top is
    the same keys ranked again unless a reweighed key outside it now ranks above its last,
    or one inside it could have fallen below a key outside it (it is not above one of its
    keys that kept its score). None: described again."""
    if not held <= standing:
        return None
    keys = list(map(key_of.get, before))
    if None in keys or len(set(keys)) != len(keys) or not mentions.keys() >= set(keys):
        return None
    listed = set(keys)
    ranked = one_member_ranking(keys, mentions, idf)
    outside = [k for k in held - listed if k in by_key]
    if len(keys) < TOP_ENTITIES:  # every one of its entities was listed
        if outside:
            return None
    else:
        if ranked[-1][1] in held:  # a reweighed key is last: one outside may rank above it
            return None
        if outside and min(one_member_ranking(outside, mentions, idf)) < ranked[-1]:
            return None
    return [by_key[k].id for _, k in ranked][:TOP_ENTITIES]


def _keys_by_id(by_key: Mapping[str, Any]) -> dict[str, str]:
    """Each shared entity's key by its id, but for ids two keys share (a 40-bit hash can
    collide: such a topic is described anew)."""
    found: dict[str, str] = {}
    twice: set[str] = set()
    for k, e in by_key.items():
        if e.id in found:
            twice.add(e.id)
        found[e.id] = k
    for i in twice:
        del found[i]
    return found
