"""Topics and alignment: quality on the gold data and speed on 1,000 synthetic documents.

    uv run --extra test python tests/bench/bench_analysis.py [--docs 1000] [--workers 2]

Quality (tests/data/alignment, tests/data/topics; see the README there):
- alignment: share of sentences (or paragraphs) whose partners are exactly their translation,
  for the tuned and the held-out parallel stories, pair by pair and through topic alignment;
  the Khmer <-> Portuguese seeds paragraph by paragraph; the Vietnamese seed 000 against the
  Portuguese 004 (a rewrite of the same report);
- topics: B-cubed precision, recall and F1 on the tuned and held-out mixed corpora, and
  whether the three Sora versions (seeds 000, 003, 004) share a topic.
Speed: entities, topics and the alignment of every topic for synthetic news stories, each
told in Vietnamese, Portuguese and Khmer (paragraphs dropped or swapped between versions),
built from the templates of gen_corpus.py. Also prints how well those topics and paragraph
links match the stories they were generated from.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import random
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

sys.path[:0] = [str(Path(__file__).parent), str(Path(__file__).parents[1])]

import gen_corpus as gen  # noqa: E402
from analysis_gold import (  # noqa: E402
    SPLITS,
    LinkScore,
    bcubed,
    gold_story,
    parallel_stories,
    score_groups,
    score_links,
    seed_gold_links,
    seed_rewrite_links,
    topic_corpus,
    version_pairs,
)

from reader.corpus.align import align_pair, align_topic, content_passages  # noqa: E402
from reader.corpus.entities import EntityIndex, find_entities  # noqa: E402
from reader.corpus.loading import document_from_bytes, load_corpus  # noqa: E402
from reader.corpus.model import Document  # noqa: E402
from reader.corpus.topics import find_topics  # noqa: E402
from reader.paths import seeds_dir  # noqa: E402


def ratio(score: LinkScore) -> str:
    return (
        f"{score.accuracy:.3f} ({score.correct}/{score.with_partner}), "
        f"gaps kept {score.gaps_kept}/{score.gaps}"
    )


def alignment_quality() -> None:
    for split in SPLITS:
        corpus = topic_corpus(split)
        index = find_entities(corpus.documents)
        direct, through = LinkScore(), LinkScore()
        for versions in parallel_stories(split, corpus).values():
            topic = align_topic([v.doc for v in versions], index)
            for a, b in version_pairs(versions):
                direct.add(score_links(a, b, align_pair(a.doc, b.doc, index).partners_in_b))
                through.add(
                    score_links(
                        a, b, lambda p, t=topic, a=a, b=b: t.partners(a.doc.id, p)[b.doc.id]
                    )
                )
        print(f"alignment, {split}: pairs {ratio(direct)}")
        print(f"alignment, {split}: through topic alignment {ratio(through)}")
    seeds = load_corpus(seeds_dir())
    index = find_entities(seeds.documents)
    path_a, path_b, links = seed_gold_links()
    km, pt = seeds.by_path(path_a), seeds.by_path(path_b)
    alignment = align_pair(km, pt, index)
    both = sum(
        alignment.partners_in_b(a) == [b] and alignment.partners_in_a(b) == [a] for a, b in links
    )
    print(f"alignment, seeds km 003 <-> pt 004 paragraphs: {both}/{len(links)} linked exactly")
    path_a, path_b, groups = seed_rewrite_links()
    vi, pt = seeds.by_path(path_a), seeds.by_path(path_b)
    alignment = align_pair(vi, pt, index)
    score = score_groups(groups, [p.index for p in content_passages(vi)], alignment.partners_in_b)
    flipped = [(b, a) for a, b in groups]
    score.add(
        score_groups(flipped, [p.index for p in content_passages(pt)], alignment.partners_in_a)
    )
    print(f"alignment, seeds vi 000 <-> pt 004 (a rewrite): {ratio(score)}")


def topic_quality() -> None:
    for split in SPLITS:
        corpus = topic_corpus(split)
        topics = find_topics(corpus.documents, find_entities(corpus.documents))
        predicted = {d: t.id for t in topics.topics for d in t.documents}
        gold = {d.id: gold_story(d) for d in corpus.documents}
        p, r, f = bcubed(predicted, gold)
        stories = len(set(gold.values()))
        print(
            f"topics, {split}: {len(corpus.documents)} documents, {stories} stories -> "
            f"{len(topics.topics)} topics; B-cubed P={p:.3f} R={r:.3f} F1={f:.3f}"
        )
    seeds = load_corpus(seeds_dir())
    topics = find_topics(seeds.documents, find_entities(seeds.documents))
    sora = {d.id for d in seeds.documents if d.path[:3] in ("000", "003", "004")}
    together = any(sora <= set(t.documents) for t in topics.topics)
    print(f"topics, seeds: Sora versions 000, 003, 004 share a topic: {together}")


# --- synthetic stories ------------------------------------------------------------------


def _fact(rng: random.Random) -> tuple[int, dict[str, object]]:
    """One sentence of a story: a template number and language-independent values."""
    return rng.randrange(len(gen.TEMPLATES["vi"])), {
        "person": f"{rng.choice(gen.PT_GIVEN)} {rng.choice(gen.PT_FAMILY)}",
        "org": rng.choice(gen.ORGS),
        "place": rng.randrange(10),
        "product": rng.randrange(7),
        "sector": rng.randrange(6),
        "month": rng.randrange(12),
        "year": rng.randint(2015, 2030),
        "day": rng.randint(1, 28),
        "quarter": rng.randint(1, 4),
        "small": rng.randint(2, 11),
        "pct": rng.uniform(0.5, 60),
        "big": rng.randint(120, 2_000_000),
        "dec": rng.uniform(1, 9999),
    }


def _render(fact: tuple[int, dict[str, object]], lang: str) -> str:
    n, v = fact
    values = {
        **{k: str(v[k]) for k in ("person", "org", "year", "day", "quarter", "small")},
        "place": gen.PLACES[lang][int(v["place"])],  # type: ignore[call-overload]
        "product": gen.PRODUCTS[lang][int(v["product"])],  # type: ignore[call-overload]
        "sector": gen.SECTORS[lang][int(v["sector"])],  # type: ignore[call-overload]
        "month": gen.MONTHS[lang][int(v["month"])],  # type: ignore[call-overload]
        "pct": gen.decimal(float(v["pct"]), lang),  # type: ignore[arg-type]
        "big": gen.group_digits(int(v["big"]), lang),  # type: ignore[call-overload]
        "dec": gen.decimal(float(v["dec"]), lang),  # type: ignore[arg-type]
    }
    return gen.TEMPLATES[lang][n].format(**values)


def synthetic_stories(n_docs: int, seed: int = 7):
    """Documents and, per story, each version's paragraph ids (for the gold of the links)."""
    rng = random.Random(seed)
    docs: list[Document] = []
    story_of: dict[str, int] = {}
    paragraph_ids: dict[str, list[int]] = {}
    story = 0
    while len(docs) < n_docs:
        paragraphs = [
            [_fact(rng) for _ in range(rng.randint(2, 4))] for _ in range(rng.randint(5, 10))
        ]
        for lang in rng.sample(gen.LANGS, rng.choice((2, 3, 3))):
            ids = [i for i in range(len(paragraphs)) if rng.random() > 0.1]
            if len(ids) > 2 and rng.random() < 0.3:  # two paragraphs change places
                k = rng.randrange(len(ids) - 1)
                ids[k], ids[k + 1] = ids[k + 1], ids[k]
            sep = "" if lang == "km" else " "
            text = "\n\n".join(sep.join(_render(f, lang) for f in paragraphs[i]) for i in ids)
            doc = document_from_bytes(f"{story:04d}/{lang}.txt", text.encode("utf-8"))
            docs.append(doc)
            story_of[doc.id] = story
            paragraph_ids[doc.id] = ids
        story += 1
    return docs[:n_docs], story_of, paragraph_ids


_JOBS: list[tuple[list[Document], EntityIndex]] = []  # inherited by forked workers


def _align_topics(n: int):
    docs, index = _JOBS[n]
    return align_topic(docs, index)


def speed(n_docs: int, workers: int) -> None:
    docs, story_of, paragraph_ids = synthetic_stories(n_docs)
    chars = sum(d.chars for d in docs) / len(docs)
    t0 = time.perf_counter()
    index = find_entities(docs)
    t1 = time.perf_counter()
    topics = find_topics(docs, index)
    t2 = time.perf_counter()
    by_id = {d.id: d for d in docs}
    groups = [[by_id[d] for d in t.documents] for t in topics.topics if len(t.documents) > 1]
    jobs = []
    for group in groups:  # each job carries only its own documents' candidates
        ids = {d.id for d in group}
        sub = EntityIndex([], {k: v for k, v in index.candidates.items() if k in ids})
        jobs.append((group, sub))
    _JOBS[:] = jobs
    if workers > 1 and "fork" in multiprocessing.get_all_start_methods():
        context = multiprocessing.get_context("fork")  # workers share the documents
        with ProcessPoolExecutor(workers, mp_context=context) as pool:
            aligned = list(pool.map(_align_topics, range(len(jobs)), chunksize=32))
    else:
        workers = 1
        aligned = [_align_topics(n) for n in range(len(jobs))]
    t3 = time.perf_counter()
    print(
        f"speed: {len(docs)} synthetic documents ({chars:.0f} characters each), "
        f"{len(set(story_of.values()))} stories, {workers} worker(s) for alignment"
    )
    print(
        f"  entities {t1 - t0:.2f} s, topics {t2 - t1:.2f} s, alignment of {len(groups)} topics "
        f"{t3 - t2:.2f} s; total {t3 - t0:.2f} s"
    )
    predicted = {d: t.id for t in topics.topics for d in t.documents}
    p, r, f = bcubed(predicted, {d: str(s) for d, s in story_of.items()})
    print(f"  synthetic topics: {len(topics.topics)}; B-cubed P={p:.3f} R={r:.3f} F1={f:.3f}")
    score = LinkScore()
    for topic in aligned:
        for a in topic.documents:
            for b in topic.documents:
                if a == b or story_of[a] != story_of[b]:
                    continue
                pos_b = {pid: n for n, pid in enumerate(paragraph_ids[b])}
                groups_ab = [
                    ([n], [pos_b[pid]]) for n, pid in enumerate(paragraph_ids[a]) if pid in pos_b
                ]
                score.add(
                    score_groups(
                        groups_ab,
                        list(range(len(paragraph_ids[a]))),
                        lambda i, t=topic, a=a, b=b: t.partners(a, i)[b],
                    )
                )
    print(f"  synthetic paragraph links through topic alignment: {ratio(score)}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=1000, help="synthetic documents (0: none)")
    parser.add_argument("--workers", type=int, default=min(2, os.cpu_count() or 1))
    args = parser.parse_args()
    alignment_quality()
    topic_quality()
    if args.docs:
        speed(args.docs, args.workers)


if __name__ == "__main__":
    main()
