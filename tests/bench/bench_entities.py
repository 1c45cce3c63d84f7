"""Print shared-entity quality on the hand-made gold sets, and speed on 1,000 documents.

    uv run python tests/bench/bench_entities.py [--seeds-only] [--docs 1000] [--verbose]
        [--also NAME ...]

Quality (see tests/data/entities/README.md for the gold and the matching rule):
- recall of gold entities shared across languages: a predicted entity links documents of two
  or more languages with the gold surface forms;
- recall by script: gold names with an English form and a form in a document of that script
  (Han, Thai, Khmer, Latin...) that one predicted entity links in both documents;
- precision of predicted shared entities (cross-language ones, and all of them), and how many
  shared entities are made only of non-names (single letters, function words, titles,
  weekday and month names).
Speed: 1,000 synthetic news-length documents made by recombining the seeds' sentences.

With `--baseline CHECKOUT` (another checkout of this repository, e.g. `/work/main`, with its
own `uv sync` done) speed is measured side by side, each run in a fresh process, alternating,
on the same files: the synthetic documents, and a generated six-script corpus
(`gen_corpus.py --topic-sizes 1,3,6,12,20,24,30 --seed 11`: stories in en, vi, pt, km, th,
zh; `--six-docs N` files, 1,000 by default).
"""

from __future__ import annotations

import argparse
import json
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from reader.corpus.entities import Entity, find_entities
from reader.corpus.gazetteer import fold, gazetteer_for
from reader.corpus.loading import document_from_bytes, load_corpus
from reader.corpus.model import Document
from reader.corpus.text import UNSPACED_SCRIPTS, script_of_char, sentence_spans
from reader.paths import seeds_dir

DATA = Path(__file__).resolve().parent.parent / "data" / "entities"


def _norm(s: str) -> str:
    return " ".join(fold(s).split())


def _boundary(left: str, right: str) -> bool:
    """A word boundary between two characters; always one in scripts written without spaces."""
    if not left.isalnum() or not right.isalnum():
        return True
    return script_of_char(left) in UNSPACED_SCRIPTS or script_of_char(right) in UNSPACED_SCRIPTS


def surface_matches(found: str, gold: str) -> bool:
    """Equal after folding, the digits of a number with a scale word, or a whole-word part
    covering at least half of the gold form."""
    f, g = _norm(found), _norm(gold)
    if f == g:
        return True
    if f[:1].isdigit() and g.startswith(f + " ") and not any(c.isdigit() for c in g[len(f) :]):
        return True  # the digits of `3 million` / `3 ล้าน` (a number's span stays on its digits)
    if not f or len(f) < 0.5 * len(g):
        return False
    i = g.find(f)
    while i >= 0:
        before = g[i - 1] if i else " "
        after = g[i + len(f)] if i + len(f) < len(g) else " "
        if _boundary(before, f[0]) and _boundary(f[-1], after):
            return True
        i = g.find(f, i + 1)
    return False


def matched_docs(entity: Entity, gold: dict, paths: dict[str, str]) -> set[str]:
    """Documents (paths) where the entity has an occurrence that is one of the gold forms."""
    out = set()
    for occ in entity.occurrences:
        path = paths[occ.doc]
        forms = gold["surfaces"].get(path, ())
        if any(surface_matches(occ.text, g) for g in forms):
            out.add(path)
    return out


def evaluate(name: str, docs: list[Document], gold_file: Path, verbose: bool) -> None:
    gold = json.loads(gold_file.read_text("utf-8"))["entities"]
    paths = {d.id: d.path for d in docs}
    lang_of = {d.path: d.language for d in docs}
    start = time.perf_counter()
    index = find_entities(docs)
    elapsed = time.perf_counter() - start
    predicted = index.entities

    def languages(doc_paths: set[str]) -> set[str]:
        return {lang_of[p] for p in doc_paths}

    # Precision: a predicted entity is right when, in two or more of its documents (and at
    # least half of them), it occurs with the forms of one gold entity.
    right_all = right_cross = n_cross = 0
    wrong: list[str] = []
    for ent in predicted:
        cross = len(ent.languages) >= 2
        n_cross += cross
        best = max((matched_docs(ent, g, paths) for g in gold), key=len, default=set())
        ok = len(best) >= 2 and len(best) * 2 >= len(ent.documents)
        right_all += ok
        if cross and ok and len(languages(best)) >= 2:
            right_cross += 1
        if not ok or (cross and len(languages(best)) < 2):
            forms = sorted({o.text for o in ent.occurrences})[:4]
            wrong.append(f"{ent.key!r} {ent.languages} {forms}")
    # Recall: a gold entity is found when one predicted entity links its forms in 2+ documents
    # (for the cross-language figure: documents of 2+ languages).
    cross_gold = [g for g in gold if len(languages(set(g["surfaces"]))) >= 2]
    found_cross = found_all = 0
    coverage = 0.0
    missed: list[str] = []
    for g in gold:
        best = max((matched_docs(e, g, paths) for e in predicted), key=len, default=set())
        is_cross = g in cross_gold
        found_all += len(best) >= 2
        if is_cross and len(languages(best)) >= 2:
            found_cross += 1
        elif is_cross or len(best) < 2:
            missed.append(g["name"])
        coverage += len(best) / len(g["surfaces"]) if len(best) >= 2 else 0.0

    def ratio(a: int, b: int) -> str:
        return f"{a / b:.3f} ({a}/{b})" if b else "n/a"

    print(f"{name}: {len(docs)} documents, {len(predicted)} shared entities, {elapsed:.2f} s")
    print(f"  recall, entities shared across languages: {ratio(found_cross, len(cross_gold))}")
    print(f"  recall, all shared entities:              {ratio(found_all, len(gold))}")
    print(f"  precision, cross-language entities:       {ratio(right_cross, n_cross)}")
    print(f"  precision, all shared entities:           {ratio(right_all, len(predicted))}")
    print(f"  mean share of a gold entity's documents linked: {coverage / len(gold):.3f}")
    print(f"  shared entities made only of non-names: {len(non_names(predicted, docs))}")
    by_script = script_recall(gold, predicted, paths, {d.path: d for d in docs})
    if by_script:
        parts = [f"{s} {ratio(a, b)}" for s, (a, b) in sorted(by_script.items())]
        print("  recall with the English form, by script: " + ", ".join(parts))
    if verbose:
        for line in missed:
            print("  missed:", line)
        for line in wrong:
            print("  wrong: ", line)


def non_names(predicted: list[Entity], docs: list[Document]) -> list[str]:
    """Shared name entities whose every mention is a single letter, a function word, a title
    or a weekday or month name (`I`, `Mr`, `Saturday`)."""
    from reader.corpus.calendar_words import month_keys, weekday_names
    from reader.corpus.candidates import TITLES, function_words

    language = {d.id: d.language for d in docs}
    out = []
    for e in predicted:
        if e.kind in ("number", "date"):
            continue
        bad = True
        for o in e.occurrences:
            lang = language[o.doc]
            word = o.text.casefold().rstrip(".")
            if not (
                len(word) <= 1
                or word in function_words(lang)
                or word in TITLES
                or word in weekday_names(lang)
                or word in month_keys(lang)
            ):
                bad = False
                break
        if bad:
            out.append(e.key)
    return out


def script_recall(
    gold: list[dict], predicted: list[Entity], paths: dict[str, str], docs: dict[str, Document]
) -> dict[str, tuple[int, int]]:
    """Per script of the other document: gold names with a form in an English document and one
    in a document of that script (not English), and how many of them one predicted entity
    links in both documents."""
    out: dict[str, list[int]] = {}
    matched = [matched_docs(e, g, paths) for g in gold for e in predicted]
    per_gold = [matched[i * len(predicted) : (i + 1) * len(predicted)] for i in range(len(gold))]
    for g, found in zip(gold, per_gold, strict=True):
        english = [p for p in g["surfaces"] if docs[p].language == "en"]
        if not english:
            continue
        for other in g["surfaces"]:
            if docs[other].language == "en":
                continue
            tally = out.setdefault(docs[other].script, [0, 0])
            tally[1] += 1
            tally[0] += any(other in m and any(e in m for e in english) for m in found)
    return {s: (a, b) for s, (a, b) in out.items()}


def synthetic_documents(n: int, seed: int = 7) -> list[Document]:
    """`n` news-length documents recombined from the seeds' sentences, per language."""
    corpus = load_corpus(seeds_dir())
    pools: dict[str, list[str]] = {}
    for doc in corpus.documents:
        for p in doc.passages:
            if p.kind == "boilerplate":
                continue
            text = doc.passage_text(p)
            pools.setdefault(doc.language, []).extend(
                text[s:e] for s, e in sentence_spans(text, doc.language)
            )
    rng = random.Random(seed)
    langs = sorted(pools)
    docs = []
    for i in range(n):
        pool = pools[langs[i % len(langs)]]
        paras = []
        for _ in range(rng.randint(6, 12)):
            paras.append(" ".join(rng.choice(pool) for _ in range(rng.randint(2, 4))))
        data = "\n\n".join(paras).encode("utf-8")
        docs.append(document_from_bytes(f"synthetic/{i:05d}.txt", data))
    return docs


def _python_speed() -> float:
    """CPU seconds for a 10-million-step Python loop: how fast this machine runs Python."""
    start = time.process_time()
    total = 0
    for i in range(10_000_000):
        total += i
    return time.process_time() - start


def speed(n: int) -> None:
    docs = synthetic_documents(n)
    chars = sum(len(d.text) for d in docs)
    gazetteer_for.cache_clear()
    start = time.perf_counter()
    gazetteer_for(frozenset(d.language for d in docs))
    gaz_time = time.perf_counter() - start
    wall = time.perf_counter()
    cpu = time.process_time()
    index = find_entities(docs)
    cpu = time.process_time() - cpu
    wall = time.perf_counter() - wall
    print(
        f"speed: {n} synthetic documents ({chars / n:.0f} characters each on average): "
        f"{wall:.2f} s wall, {cpu:.2f} s CPU for entities ({n / wall:.0f} documents/s), "
        f"{len(index.entities)} shared entities; gazetteer build {gaz_time:.2f} s (cached after)"
    )
    print(
        f"  for scale: this machine runs a 10-million-step Python loop in "
        f"{_python_speed():.2f} s CPU (about 0.5 s on a current desktop)"
    )


# Run inside a checkout (its own code): the CPU and wall seconds of `find_entities` on a folder,
# the gazetteer built before (as `speed` does).
_TIMING = """
import json, sys, time
from pathlib import Path
from reader.corpus.entities import find_entities
from reader.corpus.gazetteer import gazetteer_for
from reader.corpus.loading import load_corpus
docs = load_corpus(Path(sys.argv[1])).documents
gazetteer_for(frozenset(d.language for d in docs))
wall, cpu = time.perf_counter(), time.process_time()
index = find_entities(docs)
print(json.dumps({"cpu": time.process_time() - cpu, "wall": time.perf_counter() - wall,
                  "docs": len(docs), "shared": len(index.entities)}))
"""


def _timed_in(checkout: Path, folder: Path) -> dict:
    python = checkout / ".venv" / "bin" / "python"
    exe = str(python) if python.exists() else sys.executable
    out = subprocess.run(
        [exe, "-c", _TIMING, str(folder)], cwd=checkout, capture_output=True, text=True, check=True
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def compare_speed(baseline: Path, n: int, six_docs: int, runs: int = 2) -> None:
    """`find_entities` here and in `baseline`, fresh processes, alternating, same files."""
    here = Path(__file__).resolve().parents[2]
    with tempfile.TemporaryDirectory() as tmp:
        synthetic = Path(tmp) / "synthetic"
        synthetic.mkdir()
        for i, doc in enumerate(synthetic_documents(n)):
            (synthetic / f"{i:05d}.txt").write_text(doc.text, encoding="utf-8")
        six = Path(tmp) / "six"
        subprocess.run(
            [sys.executable, str(here / "tests/bench/gen_corpus.py"), str(six), "--docs",
             str(six_docs), "--topic-sizes", "1,3,6,12,20,24,30", "--seed", "11"],
            check=True, capture_output=True,
        )  # fmt: skip
        for name, folder in ((f"{n} synthetic (vi, km, pt)", synthetic),
                             (f"{six_docs} six-script (en vi pt km th zh)", six)):  # fmt: skip
            figures: dict[str, list[dict]] = {"baseline": [], "this branch": []}
            for _ in range(runs):
                figures["baseline"].append(_timed_in(baseline, folder))
                figures["this branch"].append(_timed_in(here, folder))
            for who, found in figures.items():
                cpu = ", ".join(f"{f['cpu']:.2f}" for f in found)
                wall = ", ".join(f"{f['wall']:.2f}" for f in found)
                print(
                    f"speed, {name}, {who}: {cpu} s CPU ({wall} s wall) over {runs} runs, "
                    f"{found[0]['shared']} shared entities"
                )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds-only", action="store_true", help="skip the held-out set")
    parser.add_argument("--docs", type=int, default=1000, help="synthetic documents for speed")
    parser.add_argument("--verbose", action="store_true", help="list misses and wrong entities")
    parser.add_argument(
        "--also",
        nargs="*",
        default=[],
        help="more gold sets in tests/data/entities (folder name; its gold is NAME_gold.json)",
    )
    parser.add_argument(
        "--baseline",
        type=Path,
        help="another checkout (e.g. /work/main): measure its speed beside this one's",
    )
    parser.add_argument(
        "--six-docs", type=int, default=1000, help="files of the six-script corpus (--baseline)"
    )
    args = parser.parse_args()
    seeds = load_corpus(seeds_dir()).documents
    evaluate("seeds", seeds, DATA / "seeds_gold.json", args.verbose)
    if not args.seeds_only:
        for name in ("heldout", "heldout2", "scripts_dev", "scripts_heldout", *args.also):
            docs = load_corpus(DATA / name).documents
            evaluate(name, docs, DATA / f"{name}_gold.json", args.verbose)
    if args.docs:
        speed(args.docs)
    if args.baseline:
        compare_speed(args.baseline, args.docs or 1000, args.six_docs)


if __name__ == "__main__":
    main()
