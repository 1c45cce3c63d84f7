"""The corpus-wide sums an updated resolution starts from are those before with the changed
documents' sets taken out and put in again (`resolution_sums.Sums`): they must be the
sums counted from every document again (`tallies`), which decide which keys are shared
and which parts of runs do not count."""

from __future__ import annotations

import random

from reader.corpus.resolution_sums import DocState, Sums, tallies


def _state(rng: random.Random, language: str) -> DocState:
    keys = rng.sample([f"k{n}" for n in range(30)], rng.randint(0, 8))
    parted = tuple(k for k in keys if rng.random() < 0.3)
    runs = [f"k{n}" for n in range(30, 36)]
    parts = tuple(x for k in parted for x in (k, rng.choice(runs)))
    return DocState(language, "fp", tuple(keys), parted, parts, (), (), (), False, ())


def test_sums_with_documents_taken_out_and_put_in_are_those_counted_again() -> None:
    for seed in range(200):
        rng = random.Random(seed)
        before = {f"d{n}": _state(rng, rng.choice("ab")) for n in range(rng.randint(1, 12))}
        after = dict(before)
        for doc_id in rng.sample(sorted(before), rng.randint(0, len(before))):
            if rng.random() < 0.2:
                del after[doc_id]  # removed
            else:
                after[doc_id] = _state(rng, rng.choice("ab"))  # changed
        for n in range(rng.randint(0, 3)):
            after[f"new{n}"] = _state(rng, rng.choice("ab"))  # added
        sums = Sums(before.values())
        assert sums.tallies() == tallies(before.values())
        for doc_id, s in before.items():
            if after.get(doc_id) is not s:
                sums.add(s, -1)
        for doc_id, s in after.items():
            if before.get(doc_id) is not s:
                sums.add(s)
        df, bad = sums.tallies()
        expected_df, expected_bad = tallies(after.values())
        assert (df, bad) == (expected_df, expected_bad), seed
        assert all(n > 0 for n in df.values())
