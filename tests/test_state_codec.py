"""The resolution's state written after an update copies the chunks of documents that did
not change (`state_codec`): read back, it must be the state itself, as a state written
from scratch is; a damaged one is refused."""

from __future__ import annotations

import random

import pytest

from reader.corpus import state_codec
from reader.corpus.resolution_sums import DocState, ResolutionState


def _doc(rng: random.Random, words: list[str]) -> DocState:
    def some(n: int) -> tuple[str, ...]:
        return tuple(rng.sample(words, rng.randint(0, n)))

    parts = tuple(x for k in some(3) for x in (k, rng.choice(words)))
    again = rng.random() < 0.2
    return DocState(
        rng.choice(["vi", "km"]), f"fp{rng.random()}", some(9), some(2), parts, some(2),
        some(5), some(4), again, some(5) if again else (),
    )  # fmt: skip


def _state(rng: random.Random, n: int, words: list[str]) -> ResolutionState:
    docs = {f"d{i}": _doc(rng, words) for i in range(n)}
    docs = {d: s if s.again else s._replace(chosen=s.first) for d, s in docs.items()}
    asked = {d: tuple(rng.sample(words, rng.randint(0, 3))) for d in docs}
    return ResolutionState(docs, {"d1": b"\x00row"}, {"langs": {}, "mid": {}}, asked)


def _plain(state: ResolutionState) -> tuple:
    return state.docs, state.rows, state.vocabulary, state.asked


def test_a_state_read_back_is_the_state_and_unchanged_chunks_are_copied(monkeypatch) -> None:
    monkeypatch.setattr(state_codec, "CHUNK", 7)
    rng = random.Random(3)
    words = [f"w{n}" for n in range(300)]
    state = _state(rng, 40, words)
    read = ResolutionState.load(state.dump())
    assert _plain(read) == _plain(state)
    # an update: two documents change (one naming strings never seen), the rest are kept
    docs = dict(read.docs)
    docs["d3"] = _doc(rng, ["new1", "new2", *words[:10]])._replace(again=False)
    docs["d3"] = docs["d3"]._replace(chosen=docs["d3"].first)
    docs["d30"] = _doc(rng, words)._replace(again=True)
    asked = dict(read.asked)
    asked["d31"] = ("new3",)
    updated = read._replace(docs=docs, asked=asked)
    blob = updated.dump()
    again = ResolutionState.load(blob)
    assert _plain(again) == _plain(updated)
    assert _plain(ResolutionState.load(updated._replace(base=None).dump())) == _plain(updated)
    kept = [k for k, (_, packed) in enumerate(again.base.chunks) if packed in state.dump()]
    assert kept and 0 not in kept and 4 not in kept  # d3: chunk 0; d30, d31: chunk 4


def test_a_damaged_state_is_refused() -> None:
    state = _state(random.Random(1), 20, [f"w{n}" for n in range(50)])
    blob = state.dump()
    for damaged in (blob[:-3], blob[:40], b"\x05\x00\x00\x00abcde", blob + b"x"):
        with pytest.raises(ValueError):
            ResolutionState.load(damaged)


def test_a_state_read_answers_as_its_documents_do_and_an_update_over_it_too(monkeypatch) -> None:
    """What an update asks of every document (which hold one of some strings in a field,
    how many documents count each string, the keys in all) is answered from the numbers of
    a state read, without making its documents' states, as from the states themselves; so
    is it of an update's states over those read (some changed, one removed), which written
    again copies the chunks it did not touch and reads back as the states it holds."""
    from reader.corpus.state_docs import FIELDS, AskedView, Changed, PlainDocs

    monkeypatch.setattr(state_codec, "CHUNK", 6)
    rng = random.Random(7)
    words = [f"w{n}" for n in range(120)]
    state = _state(rng, 40, words)
    read = ResolutionState.load(state.dump())
    plain = PlainDocs(state.docs)
    some = set(rng.sample(words, 6))
    for field in FIELDS[:-1]:
        assert read.docs.docs_where(field, some.__contains__) == plain.docs_where(
            field, some.__contains__
        )
    assert read.docs.docs_where("asked", some.__contains__) == {
        d for d, q in state.asked.items() if not some.isdisjoint(q)
    }
    for field in ("keys", "first", "chosen"):
        assert read.docs.field_counts(field) == plain.field_counts(field)
    assert read.docs.key_total() == plain.key_total()
    assert not read.docs.made  # no document's state made for these answers
    ids = [d for d in state.docs if d != "d20"]  # d20 removed
    update = Changed(ids, read.docs)
    update["d3"] = _doc(rng, ["new1", *words[:5]])._replace(again=False, chosen=())
    update["d3"] = update["d3"]._replace(chosen=update["d3"].first)
    update["d31"] = _doc(rng, words)._replace(again=True)
    expected = PlainDocs({d: update[d] for d in ids})
    for field in ("keys", "mine", "counted"):
        assert update.docs_where(field, some.__contains__) == expected.docs_where(
            field, some.__contains__
        )
    for field in ("first", "chosen"):
        assert update.field_counts(field) == expected.field_counts(field)
    assert update.key_total() == expected.key_total()
    asked = AskedView(ids, {"d3": ("new2",)}, {d: d for d in ids if d != "d3"}, read.asked)
    written = read._replace(docs=update, asked=asked).dump()
    again = ResolutionState.load(written)
    assert dict(again.docs) == {d: update[d] for d in ids}
    assert dict(again.asked) == {d: asked[d] for d in ids}
    copied = [k for k, (_, packed) in enumerate(again.base.chunks) if packed in state.dump()]
    assert copied == [1, 2]  # d3: chunk 0, d20 removed from chunk 3 on: the rest moved
