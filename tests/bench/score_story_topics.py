"""How well the topics found match the stories written by `gen_corpus.py --topic-sizes`.

    uv run corpus-reader docs DIR --json > docs.json
    uv run corpus-reader topics DIR --json > topics.json
    uv run python tests/bench/score_story_topics.py DIR docs.json topics.json

Reads `DIR/stories.json` (the intended story of each file) and the two CLI outputs, and prints,
per intended story size: how many stories came out whole (all versions in one topic) and
exactly (a topic holding those versions and nothing else), and the share of versions in their
story's main topic; then B-cubed precision/recall over all documents, the sizes of the topics
found, and the languages `docs` reported against the file names (`en_000001.txt`).
"""

from __future__ import annotations

import argparse
import json
from collections import Counter, defaultdict
from pathlib import Path


def bcubed(predicted: dict[str, str], gold: dict[str, int]) -> tuple[float, float]:
    """B-cubed precision and recall of `predicted` (doc -> topic) against `gold`."""
    by_topic: dict[str, set[str]] = defaultdict(set)
    by_story: dict[int, set[str]] = defaultdict(set)
    for doc, topic in predicted.items():
        by_topic[topic].add(doc)
    for doc, story in gold.items():
        by_story[story].add(doc)
    p = r = 0.0
    for doc in gold:
        same_topic, same_story = by_topic[predicted[doc]], by_story[gold[doc]]
        both = len(same_topic & same_story)
        p += both / len(same_topic)
        r += both / len(same_story)
    return p / len(gold), r / len(gold)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", type=Path)
    parser.add_argument("docs_json", type=Path)
    parser.add_argument("topics_json", type=Path)
    args = parser.parse_args()
    stories = json.loads((args.corpus / "stories.json").read_text(encoding="utf-8"))["stories"]
    docs = json.loads(args.docs_json.read_text(encoding="utf-8"))["documents"]
    topics = json.loads(args.topics_json.read_text(encoding="utf-8"))["topics"]
    path_of = {d["id"]: d["path"] for d in docs}
    story_of = {path: int(s) for s, paths in stories.items() for path in paths}
    predicted = {path_of[d]: t["id"] for t in topics for d in t["documents"] if d in path_of}
    gold = {p: s for p, s in story_of.items() if p in predicted}
    missing = len(story_of) - len(gold)
    topic_members: dict[str, set[str]] = defaultdict(set)
    for path, topic in predicted.items():
        topic_members[topic].add(path)

    by_size: dict[int, list[list[str]]] = defaultdict(list)
    for paths in stories.values():
        by_size[len(paths)].append(paths)
    print(f"{len(gold)} story documents in {len(topics)} topics ({missing} not found)")
    for size in sorted(by_size):
        group = by_size[size]
        whole = exact = in_main = 0
        for paths in group:
            counts = Counter(predicted.get(p) for p in paths)
            main_topic, n = counts.most_common(1)[0]
            in_main += n
            whole += n == len(paths)
            exact += n == len(paths) and topic_members[main_topic] == set(paths)
        print(
            f"  stories of {size:>2}: {len(group):>3}; whole {whole}/{len(group)}, exact "
            f"{exact}/{len(group)}; versions in their story's main topic "
            f"{in_main}/{size * len(group)} ({in_main / (size * len(group)):.1%})"
        )
    p, r = bcubed(predicted, gold)
    f = 2 * p * r / (p + r) if p + r else 0.0
    print(f"  B-cubed P={p:.3f} R={r:.3f} F1={f:.3f}")
    found = Counter(len(m) for m in topic_members.values())
    print(
        "  topic sizes found (size x count): "
        + ", ".join(f"{s}x{n}" for s, n in sorted(found.items()))
    )
    wrong = Counter(
        (d["path"].rsplit("/", 1)[-1][:2], d["language"])
        for d in docs
        if d["path"].rsplit("/", 1)[-1][:2] != d["language"]
    )
    langs = Counter(d["language"] for d in docs)
    print(
        f"  languages: {dict(sorted(langs.items()))}; differing from the file name: {dict(wrong)}"
    )


if __name__ == "__main__":
    main()
