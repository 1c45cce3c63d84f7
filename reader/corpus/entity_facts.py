"""What entity finding knows of one document on its own, and the corpus vocabulary made of it.

`document_facts` is a pure function of a document: its reading ranges, name units, word bounds
(unspaced scripts) and the words it contributes to its language's vocabulary. The index stores
it per document (phase 2); `CorpusVocabulary` adds and subtracts documents' contributions, so a
changed file changes the counts by its own words only.

The options of a document (`candidates.DocumentOptions`) depend on the vocabulary only through
four questions: is a word ordinary, is a pair of words a common phrase, is a name seen
mid-sentence anywhere, does a word start sentences alone. `document_options` records the
answers it used; `answers_hold` tells whether options computed earlier still hold for the
vocabulary of today, so only documents whose answers changed are looked at again.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from itertools import chain
from typing import Any

from reader.corpus.candidates import DocumentOptions, Option
from reader.corpus.document_units import Analysis, analyse
from reader.corpus.gazetteer import Gazetteer
from reader.corpus.model import Document
from reader.corpus.names import _NEXT_LOWER, Unit, Vocabulary

Facts = dict[str, Any]  # JSON-ready: see `document_facts`
Answers = dict[str, list[str]]  # "o1"/"o0" (ordinary yes/no), "p1"/"p0", "m1"/"m0", "i1"/"i0"


# --------------------------------------------------------------------------- one document


def document_facts(doc: Document) -> Facts:
    """The document's analysis and vocabulary contribution, as JSON-ready data."""
    vocab = Vocabulary()
    a = analyse(doc, vocab)
    return {
        "ranges": [list(r) for r in a.ranges],
        "units": [[s, e, int(i), int(d)] for s, e, _, i, d in a.units],
        "words": None if a.words is None else list(chain.from_iterable(a.words)),
        "vocab": {
            "lower": dict(vocab.lower),
            "capital": dict(vocab.capital),
            "pairs": sorted(map(" ".join, vocab.lower_pairs)),
            "mid": sorted(vocab.mid_keys),
            "initial": sorted(vocab.initial_alone),
        },
    }


def analysis_from_facts(doc: Document, facts: Facts) -> Analysis:
    """The `document_units.Analysis` the facts were made from (no text is scanned)."""
    text = doc.text
    units = [Unit(s, e, text[s:e], bool(i), bool(d)) for s, e, i, d in facts["units"]]
    flat = facts["words"]
    words = None if flat is None else list(zip(flat[::2], flat[1::2], strict=True))
    return Analysis(doc, [(s, e) for s, e in facts["ranges"]], units, words)


# --------------------------------------------------------------------------- the corpus


class CorpusVocabulary:
    """Word counts per language over a set of documents, kept as documents come and go.

    Counts words (lower case, capitalised mid-sentence) and, for the sets of `Vocabulary`, the
    number of documents holding each member, so a document can be taken out again.
    """

    def __init__(self) -> None:
        self.langs: dict[str, dict[str, Counter[str]]] = {}
        self.mid: Counter[str] = Counter()  # names seen mid-sentence count for every language
        self._vocabs: dict[str, Vocabulary] | None = None

    def _lang(self, language: str) -> dict[str, Counter[str]]:
        found = self.langs.get(language)
        if found is None:
            found = self.langs[language] = {
                k: Counter() for k in ("lower", "capital", "pairs", "initial")
            }
        return found

    def add(self, language: str, facts: Facts, times: int = 1) -> None:
        """Count a document's contribution in (`times` < 0 takes it out)."""
        v = facts["vocab"]
        counts = self._lang(language)
        for kind in ("lower", "capital"):
            target = counts[kind]
            for w, n in v[kind].items():
                target[w] += n * times
        for target, members in (
            (counts["pairs"], v["pairs"]),
            (counts["initial"], v["initial"]),
            (self.mid, v["mid"]),
        ):
            if times == 1:
                target.update(members)  # counted in C, as the loop below counts
            else:
                for w in members:
                    target[w] += times
        self._vocabs = None

    def to_json(self) -> dict[str, Any]:
        def clean(c: Counter[str]) -> dict[str, int]:
            return {k: n for k, n in c.items() if n > 0}

        langs = {
            lang: {k: clean(c) for k, c in counts.items()} for lang, counts in self.langs.items()
        }
        return {
            "langs": {lang: c for lang, c in langs.items() if any(c.values())},
            "mid": clean(self.mid),
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> CorpusVocabulary:
        out = cls()
        for lang, counts in data["langs"].items():
            out.langs[lang] = {k: Counter(c) for k, c in counts.items()}
        out.mid = Counter(data["mid"])
        return out

    def vocabulary(self, language: str) -> Vocabulary:
        """The `Vocabulary` of a language, as the in-memory analysis builds it."""
        if self._vocabs is None:
            mid = {k for k, n in self.mid.items() if n > 0}
            self._vocabs = {}
            for lang, c in self.langs.items():
                self._vocabs[lang] = Vocabulary(
                    lower=+c["lower"],
                    capital=+c["capital"],
                    lower_pairs={tuple(p.split(" ", 1)) for p, n in c["pairs"].items() if n > 0},
                    mid_keys=mid,
                    initial_alone={w for w, n in c["initial"].items() if n > 0},
                )
        found = self._vocabs.get(language)
        if found is None:
            found = self._vocabs[language] = Vocabulary(
                mid_keys={k for k, n in self.mid.items() if n > 0}
            )
        return found


# --------------------------------------------------------------------------- options


class _Recorded:
    """A set whose membership tests are written down."""

    def __init__(self, members: set[Any], yes: list[str], no: list[str]) -> None:
        self._members, self._yes, self._no = members, yes, no

    def __contains__(self, item: object) -> bool:
        found = item in self._members
        (self._yes if found else self._no).append(str(item))
        return found


class RecordingVocabulary:
    """A `Vocabulary` for `DocumentOptions` that writes down every question asked of it."""

    def __init__(self, vocab: Vocabulary) -> None:
        self._vocab = vocab
        self.answers: Answers = {k: [] for k in ("o1", "o0", "p1", "p0", "m1", "m0", "i1", "i0")}
        a = self.answers
        self.mid_keys = _Recorded(vocab.mid_keys, a["m1"], a["m0"])
        self.initial_alone = _Recorded(vocab.initial_alone, a["i1"], a["i0"])

    def ordinary(self, word: str) -> bool:
        found = self._vocab.ordinary(word)
        self.answers["o1" if found else "o0"].append(word.lower())
        return found

    def starts_phrase(self, text: str, unit: Unit) -> bool:
        m = _NEXT_LOWER.match(text, unit.end)
        if m is None:
            return False
        pair = (unit.text.lower(), m.group(1))
        found = pair in self._vocab.lower_pairs
        self.answers["p1" if found else "p0"].append(" ".join(pair))
        return found


class _RecordingOptions(DocumentOptions):
    """`DocumentOptions` whose memo of a name run's options (shared by the documents of a
    language) also keeps the answers of the vocabulary that made them."""

    def __init__(self, *args: Any, answers: dict[tuple, Answers], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._answers = answers

    def run_options(self, run: list[Unit]) -> list[Option]:
        memo_key = self.run_key(run)
        recorded: Answers = self.vocab.answers  # type: ignore[attr-defined]
        known = self._answers.get(memo_key)
        found = self._runs.get(memo_key) if known is not None else None
        if found is not None:  # a run met before: its options moved to where it starts
            for kind, words in known.items():  # type: ignore[union-attr]
                recorded[kind].extend(words)
            first = run[0].start
            make = Option._make
            return [make((first + s, first + e, *rest)) for s, e, rest in found]
        before = {k: len(v) for k, v in recorded.items()}
        found = self._options_of(run, memo_key)
        self._answers[memo_key] = {
            k: v[before[k] :] for k, v in recorded.items() if len(v) > before[k]
        }
        return found


RunMemo = tuple[dict, dict]  # options and vocabulary answers of name runs, per language


def document_options(
    analysis: Analysis,
    vocab: Vocabulary,
    gaz: Gazetteer,
    keys: dict[str, tuple[str, str, tuple[str, ...]]] | None = None,
    memo: RunMemo | None = None,
) -> tuple[list[Option], Answers]:
    """The document's options under `vocab`, and the answers of the vocabulary they used.

    `memo` (one per language and vocabulary) lets documents share the options of a name run.
    """
    doc = analysis.doc
    recorder = RecordingVocabulary(vocab)
    runs, answers_memo = memo if memo is not None else ({}, {})
    builder = _RecordingOptions(
        gaz, recorder, doc.language, doc.text, keys, runs, answers=answers_memo
    )  # type: ignore[arg-type]
    found = builder.options(analysis)
    answers = {k: sorted(set(v)) for k, v in recorder.answers.items() if v}
    return found, answers


def answers_hold(answers: Answers, vocab: Vocabulary) -> bool:
    """Whether `vocab` answers every recorded question as it was answered then."""
    lower, capital = vocab.lower, vocab.capital

    def ordinary(w: str) -> bool:
        n = lower.get(w, 0)
        return n > 0 and n >= capital.get(w, 0)

    checks = (
        ("o", ordinary),
        ("p", lambda p: tuple(p.split(" ", 1)) in vocab.lower_pairs),
        ("m", vocab.mid_keys.__contains__),
        ("i", vocab.initial_alone.__contains__),
    )
    for kind, test in checks:
        for w in answers.get(kind + "1", ()):
            if not test(w):
                return False
        for w in answers.get(kind + "0", ()):
            if test(w):
                return False
    return True


def options_json(options: Iterable[Option]) -> list[list[Any]]:
    """Options as JSON rows (the fields of `Option` in order, defaults left out)."""
    out = []
    for o in options:
        row = list(o)
        while len(row) > 6 and row[-1] in ("", (), False):
            row.pop()
        if len(row) > 6:
            row[6] = list(row[6])
        out.append(row)
    return out


def options_from_json(rows: Iterable[list[Any]]) -> list[Option]:
    out = []
    for row in rows:
        if len(row) > 6:
            row[6] = tuple(row[6])
        out.append(Option(*row))
    return out
