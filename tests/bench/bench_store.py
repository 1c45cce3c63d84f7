"""Annotation store speed: writes, listing, re-anchoring, export and import.

    uv run --extra test python tests/bench/bench_store.py [--annotations 1000] [--chars 200000]

Prints, on a fresh store in a temporary folder:
- add: one transaction per annotation (synchronous=FULL, so each waits for the disk);
- list: all annotations with their tags;
- re-anchor: a document of --chars characters (the seeds' paragraphs with shuffled words)
  whose text was edited (a paragraph inserted near the top, one character changed in every
  tenth paragraph), all its annotations found again; then the words of every paragraph in the
  second half put in reverse order (same words, no sentence left), so half
  of them are looked for in vain (the slow case) before they are orphaned;
- export to W3C JSON and import of that file into an empty store (one transaction).
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parents[1] / "store"))

from store_helpers import make_doc

from reader.corpus.loading import load_corpus
from reader.paths import seeds_dir
from reader.store.annotations import Store
from reader.store.exchange import export_w3c_json, import_w3c


def paragraphs(rng: random.Random, chars: int) -> list[str]:
    """Paragraphs made of the seeds' (multilingual) paragraphs with their words shuffled, so
    that no paragraph repeats another, up to `chars` characters."""
    pool = [
        doc.passage_text(p)
        for doc in load_corpus(seeds_dir()).documents
        for p in doc.passages
        if p.end - p.start > 80
    ]
    out, total = [], 0
    while total < chars:
        words = rng.choice(pool).split(" ")
        para = " ".join(rng.sample(words, len(words)))
        out.append(para)
        total += len(para) + 2
    return out


def timed(label: str, func, count: int | None = None):
    start = time.perf_counter()
    result = func()
    took = time.perf_counter() - start
    per = f"  ({took / count * 1000:.2f} ms each)" if count else ""
    print(f"{label:<46} {took:8.3f} s{per}")
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--annotations", type=int, default=1000)
    parser.add_argument("--chars", type=int, default=200_000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    paras = paragraphs(rng, args.chars)
    doc = make_doc("\n\n".join(paras), "bench.txt")
    n = args.annotations
    with tempfile.TemporaryDirectory() as tmp:
        store = Store(Path(tmp) / "store.sqlite3")
        spans = []
        for _ in range(n):
            start = rng.randrange(0, len(doc.text) - 60)
            spans.append((start, start + rng.randint(8, 60)))
        timed(
            f"add {n} annotations",
            lambda: [store.annotate(doc, s, e, note="note", tags=["t"]) for s, e in spans],
            n,
        )
        timed(f"list {n} annotations", store.list)

        edited = list(paras)
        edited.insert(1, "An inserted paragraph about something else entirely.")
        for i in range(0, len(edited), 10):
            cut = len(edited[i]) // 2
            edited[i] = edited[i][:cut] + "X" + edited[i][cut + 1 :]
        doc2 = make_doc("\n\n".join(edited), "bench.txt")
        changed = timed(f"re-anchor {n} after edits ({len(doc.text):,} chars)",
                        lambda: store.reanchor(doc2), n)  # fmt: skip
        statuses: dict[str, int] = {}
        for ann in store.list():
            statuses[ann.status] = statuses.get(ann.status, 0) + 1
        print(f"{'':<46} changed {len(changed)}, now {statuses}")

        half = len(edited) // 2
        scrambled = [" ".join(reversed(p.split(" "))) for p in edited[half:]]
        gone = make_doc("\n\n".join(edited[:half] + scrambled), "bench.txt")
        cut = len("\n\n".join(edited[:half]))
        lost = sum(a.start >= cut for a in store.list())
        timed(f"re-anchor, second half rewritten ({lost} lost)",
              lambda: store.reanchor(gone), n)  # fmt: skip
        orphans = len(store.list(status="orphaned"))
        print(f"{'':<46} orphaned {orphans}")
        timed("the same again (orphans are not searched twice)", lambda: store.reanchor(gone), n)

        text = timed(f"export {n} to W3C JSON", lambda: export_w3c_json(store))
        print(f"{'':<46} {len(text.encode()) / 1e6:.2f} MB")
        other = Store(Path(tmp) / "other.sqlite3")
        timed(f"import {n} into an empty store", lambda: import_w3c(other, text.encode()), n)
        other.close()
        store.close()


if __name__ == "__main__":
    main()
