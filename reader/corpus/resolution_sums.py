"""What the kept resolution is made of: each document's sets and choices (`DocState`), the
corpus-wide sums they add up to (`Sums`), and the whole state (`ResolutionState`);
`reader.corpus.resolution_state` updates them after a change, `state_codec` stores them."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from itertools import repeat
from typing import Any, NamedTuple


class DocState(NamedTuple):
    """What one document adds to the corpus's sums, and what it chose."""

    language: str
    fingerprint: str  # of its options (they are read again when it changes)
    keys: tuple[str, ...]  # the keys of its options
    parted: tuple[str, ...]  # those only of options that are parts of a run
    parts: tuple[str, ...]  # key, run, key, run...: of the options that are parts of a run
    # the options made of parts (`GPU Nvidia`): their key and parts joined by `JOIN` (whether
    # the run gives way to its parts compares the counts of these keys)
    counted: tuple[str, ...]
    first: tuple[str, ...]  # the keys of its first choice
    mine: tuple[str, ...]  # its keys shared by any option (after dropped parts)
    again: bool  # chose a second time (holds a key the first choices no longer share)
    chosen: tuple[str, ...]  # the keys of its final choice


JOIN = "\x1f"


class ResolutionState(NamedTuple):
    """Every document's `DocState`, by id; `rows`: candidate rows of the first resolution
    where they differ from the stored analysis's (links across scripts changed them)."""

    docs: Mapping[str, DocState]  # read from bytes: `state_docs.StoredDocs`
    rows: dict[str, bytes]
    vocabulary: Any = None  # the vocabulary its documents' options were checked against (JSON)
    # by document, the questions its options asked of the vocabulary ("o:word", see
    # `reader.store.index.resolved`): they hold again unless one of those answers changed
    asked: Mapping[str, tuple[str, ...]] | None = None

    # a state read from bytes: what writing it again copies (`state_codec.Base`)
    base: Any = None
    sums: Sums | None = None  # the sums of `docs` (None: counted from them when wanted)

    def dump(self) -> bytes:
        """The state as bytes (`state_codec`: a JSON header and the numbers in chunks)."""
        from reader.corpus.state_codec import dump_state

        return dump_state(self)

    @classmethod
    def load(cls, blob: bytes) -> ResolutionState:
        """The state `dump` wrote; ValueError when it is not one (or damaged)."""
        from reader.corpus.state_codec import load_state

        return load_state(blob, cls, DocState, Sums)


def tallies(states: Iterable[DocState]) -> tuple[Counter[str], set[str]]:
    """`StreamedResolution._counts` from the documents' kept sets: the document frequency of
    every key once the parts of runs that do not count are dropped, and those parts' keys."""
    return Sums(states).tallies()


class Sums:
    """The sums `tallies` reads, as counts of documents: documents can be taken out and put
    in (the sums after a few documents changed, from those before)."""

    def __init__(self, states: Iterable[DocState] = ()) -> None:
        self.df: Counter[str] = Counter()  # documents holding each key
        self.alone: Counter[str] = Counter()  # ... holding it not only as a part of a run
        self.parts: Counter[tuple[str, str, str]] = Counter()  # ... (part, run, language)
        for s in states:
            self.add(s)

    def holds(self, states: Iterable[DocState]) -> bool:
        """Whether these sums may be those of `states` (as many keys counted)."""
        return self.holds_total(sum(len(s.keys) for s in states))

    def holds_total(self, keys: int) -> bool:
        """Whether these sums may be those of documents holding `keys` keys in all."""
        return sum(self.df.values()) == keys

    def add(self, s: DocState, times: int = 1) -> None:
        """Count a document's sets in (`times` = -1: take them out)."""
        keys = s.keys
        alone = keys if not s.parted else set(keys).difference(s.parted)
        flat = s.parts
        parts = set(zip(flat[::2], flat[1::2], repeat(s.language))) if flat else ()
        if times > 0:
            self.df.update(keys)
            self.alone.update(alone)
            self.parts.update(parts)
            return
        sums: tuple[tuple[Counter[Any], Iterable[Any]], ...] = (
            (self.df, keys),
            (self.alone, alone),
            (self.parts, parts),
        )
        for counts, items in sums:
            for x in items:
                n = counts[x] - 1
                if n > 0:
                    counts[x] = n
                else:
                    del counts[x]

    def tallies(self) -> tuple[Counter[str], set[str]]:
        """The document frequencies (a copy) and the parts' keys that do not count."""
        df = Counter(self.df)
        alone = self.alone
        part_languages: dict[str, set[str]] = defaultdict(set)
        for key, parent, lang in self.parts:
            if df[parent] < 2:
                part_languages[key].add(lang)
        bad = {
            key
            for key, _, _ in self.parts
            if key not in alone and len(part_languages.get(key, ())) <= 1
        }
        for key in bad:
            df.pop(key, None)
        return df, bad


def changed_counts(old: Counter[str], new: Counter[str]) -> set[str]:
    """The keys whose count differs."""
    found = {k for k, n in new.items() if old.get(k) != n}
    found.update(k for k in old if k not in new)
    return found


class GivesWay:
    """Whether an option made of parts gives way to its parts (`resolve.select`: each part in
    more documents than the run) under other counts than before, for any of a document's
    options (`DocState.counted`)."""

    def __init__(self, before: Counter[str], after: Counter[str]) -> None:
        self.before, self.after = before, after
        self.changed = changed_counts(before, after)
        self.flips: dict[str, bool] = {}  # by joined option: the same for every document

    def __call__(self, counted: tuple[str, ...]) -> bool:
        if not self.changed:
            return False
        flips = self.flips
        for joined in counted:
            found = flips.get(joined)
            if found is None:
                keys = joined.split(JOIN)
                found = flips[joined] = not self.changed.isdisjoint(keys) and (
                    self._gives_way(self.before, keys) != self._gives_way(self.after, keys)
                )
            if found:
                return True
        return False

    @staticmethod
    def _gives_way(df: Counter[str], keys: list[str]) -> bool:
        n = df.get(keys[0], 0)
        return all(df.get(p, 0) > n for p in keys[1:])
