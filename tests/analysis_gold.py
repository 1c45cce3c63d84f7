"""Gold data for topics and alignment (tests/data/topics, tests/data/alignment) and its scores."""

from __future__ import annotations

import itertools
import tomllib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from reader.corpus.loading import load_corpus
from reader.corpus.model import Corpus, Document

DATA = Path(__file__).parent / "data"
SPLITS = ("tuned", "held-out", "held-out-2")


def topic_corpus(split: str) -> Corpus:
    """The mixed corpus of one split; a document's gold story is its folder."""
    return load_corpus(DATA / "topics" / split)


def gold_story(doc: Document) -> str:
    return doc.path.split("/")[0]


def bcubed(predicted: Mapping[str, str], gold: Mapping[str, str]) -> tuple[float, float, float]:
    """B-cubed precision, recall and F1 of a clustering (item -> cluster) against gold."""
    items = list(gold)
    p = r = 0.0
    for i in items:
        same_pred = {j for j in items if predicted[j] == predicted[i]}
        same_gold = {j for j in items if gold[j] == gold[i]}
        both = len(same_pred & same_gold)
        p += both / len(same_pred)
        r += both / len(same_gold)
    p, r = p / len(items), r / len(items)
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


@dataclass(frozen=True)
class Version:
    """One language version of a parallel story: its document and the ids of each unit.

    A unit is a line (one sentence a line) or a blank-line separated paragraph; units that
    share an id translate each other. `unit_lines` is each unit's first source line.
    """

    doc: Document
    unit_ids: tuple[frozenset[str], ...]
    unit_lines: tuple[int, ...]

    def passage_of_unit(self) -> dict[int, int]:
        """Unit number -> index of the passage holding its first line."""
        passage_of_line = {}
        for p in self.doc.passages:
            if p.source_lines:
                for line in range(*p.source_lines):
                    passage_of_line[line] = p.index
        return {u: passage_of_line[line] for u, line in enumerate(self.unit_lines)}


def _units(text: str, paragraphs: bool) -> list[int]:
    lines = text.split("\n")
    if not paragraphs:
        return [n for n, line in enumerate(lines) if line.strip()]
    return [
        n for n, line in enumerate(lines) if line.strip() and (n == 0 or not lines[n - 1].strip())
    ]


def parallel_stories(split: str, corpus: Corpus | None = None) -> dict[str, list[Version]]:
    """story folder -> its versions, from tests/data/alignment/<split>.toml."""
    gold = tomllib.loads((DATA / "alignment" / f"{split}.toml").read_text(encoding="utf-8"))
    corpus = corpus or load_corpus(DATA / gold["corpus"])
    stories = {}
    for story in gold["story"]:
        versions = []
        paragraphs = "paragraphs" in story
        for lang, ids in story["paragraphs" if paragraphs else "lines"].items():
            doc = corpus.by_path(f"{story['folder']}/{lang}.txt")
            units = _units(doc.text, paragraphs)
            if len(units) != len(ids):
                raise ValueError(f"{doc.path}: {len(units)} units, gold has {len(ids)}")
            versions.append(Version(doc, tuple(frozenset(x.split(",")) for x in ids), tuple(units)))
        stories[story["folder"]] = versions
    return stories


@dataclass
class LinkScore:
    correct: int = 0  # sentences whose predicted partners are exactly their translations
    with_partner: int = 0  # sentences that have a translation in the other version
    gaps_kept: int = 0  # sentences without translation left unlinked
    gaps: int = 0

    @property
    def accuracy(self) -> float:
        return self.correct / self.with_partner if self.with_partner else 1.0

    def add(self, other: LinkScore) -> None:
        self.correct += other.correct
        self.with_partner += other.with_partner
        self.gaps_kept += other.gaps_kept
        self.gaps += other.gaps


def score_links(a: Version, b: Version, partners_in_b: Callable[[int], Sequence[int]]) -> LinkScore:
    """Score the partners of each unit of `a` in `b` against the gold ids."""
    score = LinkScore()
    pass_a, pass_b = a.passage_of_unit(), b.passage_of_unit()
    unit_b = {p: unit for unit, p in pass_b.items()}
    for unit, ids in enumerate(a.unit_ids):
        gold = {m for m, other in enumerate(b.unit_ids) if ids & other}
        got = {unit_b[p] for p in partners_in_b(pass_a[unit]) if p in unit_b}
        if gold:
            score.with_partner += 1
            score.correct += got == gold
        else:
            score.gaps += 1
            score.gaps_kept += not got
    return score


def version_pairs(versions: Sequence[Version]):
    return list(itertools.permutations(versions, 2))


def seed_gold_links() -> tuple[str, str, list[tuple[int, int]]]:
    """The km (003) <-> pt (004) paragraph links: (a path, b path, [(a, b)])."""
    gold = tomllib.loads((DATA / "alignment" / "seeds.toml").read_text(encoding="utf-8"))
    return gold["a"], gold["b"], [(x[0], x[1]) for x in gold["links"]]


def seed_rewrite_links() -> tuple[str, str, list[tuple[list[int], list[int]]]]:
    """The vi (000) <-> pt (004) rewrite: (a path, b path, [(a group, b group)])."""
    gold = tomllib.loads((DATA / "alignment" / "seeds.toml").read_text(encoding="utf-8"))
    rw = gold["rewrite"]
    return rw["a"], rw["b"], [(x[0], x[1]) for x in rw["links"]]


def score_groups(
    groups: Sequence[tuple[Sequence[int], Sequence[int]]],
    content_a: Sequence[int],
    partners_in_b: Callable[[int], Sequence[int]],
) -> LinkScore:
    """Score passage partners against gold groups given by passage index."""
    score = LinkScore()
    for i in content_a:
        gold = {j for ga, gb in groups if i in ga for j in gb}
        got = set(partners_in_b(i))
        if gold:
            score.with_partner += 1
            score.correct += got == gold
        else:
            score.gaps += 1
            score.gaps_kept += not got
    return score
