"""Links across scripts compare each document in a phonetic script with the versions in a
cased script most like it (`cross_script._partners`). Versions that cannot reach the
threshold are left out before they are weighed; the partners must be those every version
weighed gives (the straightforward computation below, as it was before)."""

from __future__ import annotations

import math
import random
from collections import defaultdict
from types import SimpleNamespace

from reader.corpus.cross_script import (
    MAX_SOURCES,
    NAME_SCRIPTS,
    PARTNER_MIN,
    RARE_KEY_DOCS,
    _partners,
)
from reader.corpus.entities import Candidate
from reader.corpus.topics import SMALL_SIDE_WEIGHT, idf_weights


def _every_version_weighed(documents, keys, targets):
    idf = idf_weights(list(keys.values()))
    mass = {i: sum(idf[k] for k in ks) for i, ks in keys.items()}
    script = {d.id: d.script for d in documents}
    postings = defaultdict(list)
    for d in documents:
        if d.script in NAME_SCRIPTS:
            for k in keys[d.id]:
                postings[k].append(d.id)
    limit = max(RARE_KEY_DOCS, int(2 * math.sqrt(len(documents))))
    out = {}
    for t in targets:
        shared = defaultdict(float)
        for k in keys[t.id]:
            docs = postings.get(k, ())
            if len(docs) <= limit:
                for a in docs:
                    if script[a] != t.script:
                        shared[a] += idf[k]
        scored = []
        for a, s in shared.items():
            small, large = sorted((mass[a], mass[t.id]))
            sim = s / (small**SMALL_SIDE_WEIGHT * large ** (1 - SMALL_SIDE_WEIGHT))
            if sim >= PARTNER_MIN:
                scored.append((-sim, a))
        if scored:
            out[t.id] = [a for _, a in sorted(scored)[:MAX_SOURCES]]
    return out


def _corpus(seed: int):
    """Stories told in Latin, Khmer and Cyrillic documents (a story's versions share rare
    keys), with common keys everywhere and a few documents naming one or two keys only."""
    rng = random.Random(seed)
    documents, keys = [], {}
    common = [f"common{n}" for n in range(8)]
    for story in range(rng.randint(5, 40)):
        own = [f"s{story}k{n}" for n in range(rng.randint(1, 12))]
        for v in range(rng.randint(1, 5)):
            script = rng.choice(["Latn", "Latn", "Khmr", "Cyrl"])
            picked = rng.sample(own, rng.randint(1, len(own)))
            if rng.random() < 0.7:
                picked += rng.sample(common, rng.randint(0, 6))
            if rng.random() < 0.3:  # a key of another story
                picked.append(f"s{rng.randint(0, story)}k0")
            doc_id = f"d{story}-{v}"
            documents.append(SimpleNamespace(id=doc_id, script=script))
            keys[doc_id] = sorted(set(picked))
    index = SimpleNamespace(
        candidates={
            d: [Candidate(n, n + 1, k, k, "person_org") for n, k in enumerate(ks)]
            for d, ks in keys.items()
        }
    )
    return documents, keys, index


def test_partners_are_those_every_version_weighed_gives():
    found_any = 0
    for seed in range(60):
        documents, keys, index = _corpus(seed)
        targets = [d for d in documents if d.script in ("Khmr", "Cyrl")]
        expected = _every_version_weighed(documents, keys, targets)
        assert _partners(documents, index, targets, None) == expected, seed
        found_any += bool(expected)
    assert found_any > 30  # the corpora do link versions


def test_groups_limit_the_partners():
    documents, _, index = _corpus(7)
    targets = [d for d in documents if d.script == "Khmr"]
    found = _partners(documents, index, targets, None)
    assert found
    target, partners = next(iter(found.items()))
    groups = [[target, *partners[1:]]]
    limited = _partners(documents, index, targets, groups)
    assert limited.get(target, []) == partners[1:]
    assert set(limited) <= {target}
