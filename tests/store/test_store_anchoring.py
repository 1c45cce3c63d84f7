"""Re-anchoring: annotations follow their text when a document changes, or are orphaned."""

from __future__ import annotations

import unicodedata
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st
from store_helpers import make_doc

from reader.corpus.loading import load_document
from reader.store.anchoring import _myers_scores, approximate_matches, find_anchor
from reader.store.annotations import Store, quote_context

STORY = (
    "The council of Phnom Penh met on Monday to discuss the new bridge. "
    "After a long debate it approved the budget for the bridge, 1.677 million dollars. "
    "Fishermen on the river said they were worried about the works. "
    "The mayor promised that the river would stay open to boats during the building."
)


def _annotate(store: Store, text: str, quote: str, occurrence: int = 1, path: str = "a.txt"):
    doc = make_doc(text, path)
    pos = -1
    for _ in range(occurrence):
        pos = doc.text.index(quote, pos + 1)
    return doc, store.annotate(doc, pos, pos + len(quote), note="mine")


def _reanchored(store: Store, ann_id: str, new_text: str, path: str = "a.txt"):
    doc = make_doc(new_text, path)
    store.reanchor(doc)
    ann = store.get(ann_id)
    assert ann is not None
    if ann.status != "orphaned":
        assert doc.text[ann.start : ann.end] == ann.quote
    return doc, ann


def test_unchanged_document_keeps_annotation_as_is(store: Store):
    doc, ann = _annotate(store, STORY, "approved the budget")
    assert store.reanchor(doc) == []
    assert store.get(ann.id) == ann


def test_moved_quote_is_found_and_marked_moved(store: Store):
    _, ann = _annotate(store, STORY, "approved the budget")
    new = "Breaking news from Cambodia.\n\n" + STORY
    doc, moved = _reanchored(store, ann.id, new)
    assert moved.status == "moved"
    assert moved.start == ann.start + len("Breaking news from Cambodia.\n\n")
    assert moved.sha256 == doc.sha256 and moved.note == "mine"


def test_paragraphs_reordered_quote_follows(store: Store):
    parts = STORY.split(". ")
    _, ann = _annotate(store, STORY, "worried about the works")
    _, moved = _reanchored(store, ann.id, ". ".join(reversed(parts)))
    assert moved.status == "moved" and moved.quote == "worried about the works"


def test_swapped_sentences_quote_follows_its_own_sentence_not_its_old_offset(store: Store):
    text = (
        "In the north, officials said the river rose again overnight. "
        "In the south, officials said the river rose again after the storm."
    )
    quote = "officials said the river rose again"
    _, ann = _annotate(store, text, quote, occurrence=2)  # the south
    new = (
        "In the south, officials said the river rose again after the storm. "
        "In the north, officials said the river rose again overnight."
    )
    _, moved = _reanchored(store, ann.id, new)
    assert moved.start == new.index(quote) and moved.suffix.startswith(" after the storm")


def test_same_place_after_a_change_elsewhere_stays_anchored(store: Store):
    _, ann = _annotate(store, STORY, "Phnom Penh")
    _, same = _reanchored(store, ann.id, STORY.replace("boats", "ferries"))
    assert (same.start, same.end, same.status) == (ann.start, ann.end, "anchored")


def test_edited_quote_is_found_approximately(store: Store):
    _, ann = _annotate(store, STORY, "it approved the budget for the bridge")
    edited = STORY.replace(
        "it approved the budget for the bridge", "it approved a budget for the bridges"
    )
    _, moved = _reanchored(store, ann.id, edited)
    assert moved.status == "moved"
    assert moved.quote == "it approved a budget for the bridges"


def test_heavily_rewritten_quote_is_orphaned_not_guessed(store: Store):
    _, ann = _annotate(store, STORY, "it approved the budget for the bridge")
    rewritten = STORY.replace(
        "After a long debate it approved the budget for the bridge",
        "Members finally voted money through for construction",
    )
    _, orphan = _reanchored(store, ann.id, rewritten)
    assert orphan.status == "orphaned"
    # kept with its old quote, context and version, and still listed
    assert (orphan.quote, orphan.start, orphan.sha256) == (ann.quote, ann.start, ann.sha256)
    assert orphan in store.list() and store.list(status="orphaned") == [orphan]


def test_deleted_quote_is_orphaned_even_when_a_look_alike_exists(store: Store):
    text = STORY + " Later the council approved the budget for schools."
    _, ann = _annotate(store, text, "approved the budget")  # the bridge budget
    deleted = text.replace("After a long debate it approved the budget for the bridge, ", "")
    _, orphan = _reanchored(store, ann.id, deleted)
    # "approved the budget" still occurs (for schools) but in a different context
    assert "approved the budget" in deleted
    assert orphan.status == "orphaned"


def test_short_quote_without_its_context_is_orphaned(store: Store):
    _, ann = _annotate(store, STORY, "river", occurrence=2)
    new = "The river is wide. " + "Nothing else remains of the old story at all."
    _, orphan = _reanchored(store, ann.id, new)
    assert orphan.status == "orphaned"


def test_duplicated_paragraph_keeps_the_original_occurrence(store: Store):
    para1 = "Fishermen said they were worried about the works on the river."
    para2 = "The mayor promised boats could pass."
    text = f"{para1}\n\n{para2}"
    _, ann = _annotate(store, text, "worried about the works")
    # the first paragraph is copied to the end: the same words and context twice
    _, kept = _reanchored(store, ann.id, f"{para1}\n\n{para2}\n\n{para1}")
    assert (kept.start, kept.status) == (ann.start, "anchored")
    # and a copy put in front: the nearer one with the same context is the original's
    _, moved = _reanchored(store, ann.id, f"Intro.\n\n{para1}\n\n{para2}\n\n{para1}")
    assert moved.start == ann.start + len("Intro.\n\n")


def test_duplicated_quote_picks_the_occurrence_with_the_right_context(store: Store):
    text = "In Hanoi the rain stopped. In Phnom Penh the rain stopped only at night."
    _, ann = _annotate(store, text, "the rain stopped", occurrence=2)
    new = "In Phnom Penh the rain stopped only at night. In Hanoi the rain stopped."
    _, moved = _reanchored(store, ann.id, new)
    assert moved.prefix.endswith("In Phnom Penh ")
    assert moved.start == new.index("the rain stopped")


def test_orphan_comes_back_when_the_text_returns_and_can_be_reattached(store: Store):
    _, ann = _annotate(store, STORY, "Fishermen on the river")
    _, orphan = _reanchored(store, ann.id, "Completely different text about elections.")
    assert orphan.status == "orphaned"
    _, back = _reanchored(store, ann.id, STORY)
    assert (back.start, back.status) == (ann.start, "anchored")
    _, orphan = _reanchored(store, ann.id, "Elections were held. Fishermen voted too.")
    doc = make_doc("Elections were held. Fishermen voted too.", "a.txt")
    fixed = store.reattach(ann.id, doc, 21, 30)
    assert (fixed.quote, fixed.status, fixed.note) == ("Fishermen", "anchored", "mine")


# --- code points: NFD on disk, astral characters ---------------------------------------------

VI = "Hôm nay, Thủ tướng Việt Nam gặp đại diện của Trung Quốc tại Hà Nội để bàn về sông Mê Kông."


def test_nfd_vietnamese_on_disk_offsets_are_code_points_of_the_nfc_text(
    store: Store, tmp_path: Path
):
    path = tmp_path / "vi.txt"
    path.write_bytes(unicodedata.normalize("NFD", VI).encode("utf-8"))
    doc = load_document(path, tmp_path)
    assert doc.text == unicodedata.normalize("NFC", VI)  # the reading text is NFC
    start = doc.text.index("Trung Quốc")
    ann = store.annotate(doc, start, start + len("Trung Quốc"))
    assert ann.end - ann.start == 10  # NFC code points; in NFD it would be 13
    path.write_bytes(unicodedata.normalize("NFD", "Tin mới: " + VI).encode("utf-8"))
    doc2 = load_document(path, tmp_path)
    store.reanchor(doc2)
    moved = store.get(ann.id)
    assert moved is not None and moved.status == "moved"
    assert doc2.text[moved.start : moved.end] == "Trung Quốc"
    assert moved.start == start + len("Tin mới: ")


def test_a_match_never_splits_a_letter_from_its_combining_marks():
    # "x̃" has no precomposed form: it stays x + U+0303 in NFC, so the exact quote "about x"
    # now occurs as the start of "about x̃"; cutting there would strand the tilde
    old = "We talked about x here and nowhere else."
    start = old.index("about x")
    _, prefix, suffix = quote_context(old, start, start + 7)
    new = unicodedata.normalize("NFC", "We talked about x\u0303 here and nowhere else.")
    found = find_anchor(new, "about x", prefix, suffix, start)
    assert found is not None
    assert new[found.start : found.end] == "about x\u0303"
    assert not found.exact


def test_emoji_and_astral_characters_count_one(store: Store):
    text = "Good news 😀👍🏽 from 𝐏𝐡𝐧𝐨𝐦 Penh: the bridge 🌉 opens today."
    _, ann = _annotate(store, text, "the bridge 🌉 opens")
    assert ann.start == text.index("the bridge")
    assert ann.end - ann.start == 18  # code points; UTF-16 would count 19
    assert len("the bridge 🌉 opens".encode("utf-16-le")) // 2 == 19
    new = "🎉🎉🎉 " + text.replace("Good news", "Very good news")
    _, moved = _reanchored(store, ann.id, new)
    assert moved.quote == "the bridge 🌉 opens" and moved.start == new.index("the bridge")
    assert moved.start == ann.start + len("🎉🎉🎉 Very ")


# --- the approximate search itself -----------------------------------------------------------


def _edit_distance_best_substring(pattern: str, text: str) -> list[int]:
    prev = [0] * (len(text) + 1)
    rows = [prev]
    for i, pc in enumerate(pattern, start=1):
        cur = [i]
        for j, tc in enumerate(text, start=1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (pc != tc)))
        rows.append(cur)
        prev = cur
    return rows[-1][1:]


@settings(max_examples=200, deadline=None)
@given(st.text("abcé😀", min_size=1, max_size=12), st.text("abcdé😀", max_size=30))
def test_myers_matches_the_textbook_edit_distance(pattern: str, text: str):
    assert list(_myers_scores(pattern, text, free_start=True)) == (
        _edit_distance_best_substring(pattern, text)
    )


@settings(max_examples=100, deadline=None)
@given(st.integers(0, 300), st.integers(5, 40), st.data())
def test_approximate_matches_find_a_lightly_edited_copy(offset: int, length: int, data):
    base = STORY * 2
    offset = min(offset, len(base) - length)
    quote = base[offset : offset + length]
    pos = data.draw(st.integers(0, length - 1))
    edited = base[: offset + pos] + "#" + base[offset + pos + 1 :]  # one substitution
    spans = approximate_matches(edited, quote, max(1, length // 4))
    assert any(abs(s - offset) <= 1 and abs(e - (offset + length)) <= 1 for s, e, _ in spans)


def test_quote_context_uses_32_characters_each_side():
    text = "x" * 50 + "QUOTE" + "y" * 50
    quote, prefix, suffix = quote_context(text, 50, 55)
    assert (quote, len(prefix), len(suffix)) == ("QUOTE", 32, 32)


def test_orphans_are_searched_once_per_version_of_the_text(store: Store, monkeypatch):
    import reader.store.reanchor as annotations_module

    _, ann = _annotate(store, STORY, "Fishermen on the river")
    calls = []
    real = annotations_module.find_anchor

    def counting(*args, **kwargs):
        calls.append(args[1])
        return real(*args, **kwargs)

    monkeypatch.setattr(annotations_module, "find_anchor", counting)
    other = make_doc("A different story about elections in the north.", "a.txt")
    store.reanchor(other)
    assert store.get(ann.id).status == "orphaned" and len(calls) == 1
    store.reanchor(other)  # the same text: nothing new to find
    assert len(calls) == 1
    # a new annotation made on this text does not hide the orphan from the next version
    store.annotate(other, 0, 10)
    changed = make_doc("Elections. " + STORY, "a.txt")
    store.reanchor(changed)
    assert calls.count(ann.quote) == 2 and store.get(ann.id).status == "moved"


PARAS = [
    "The council of Phnom Penh met on Monday to discuss the new bridge over the river.",
    "After a long debate it approved the budget for the bridge, 1.677 million dollars.",
    "Fishermen on the river said on Tuesday that they were worried about the works near the "
    "old market, and that the boats would need a new landing place before the rains.",
    "The mayor promised that the river would stay open to boats during the building.",
]


def test_a_paragraph_copied_above_its_quote_does_not_take_the_annotation(store: Store):
    text = "\n\n".join(PARAS)
    quote = "worried about the works"  # mid-paragraph: the copy has the same context
    _, ann = _annotate(store, text, quote)
    copied = "\n\n".join([PARAS[0], PARAS[2], PARAS[1], PARAS[2], PARAS[3]])
    doc, moved = _reanchored(store, ann.id, copied)
    assert moved.start == doc.text.rindex(quote)  # the original, shifted by the copy
    # and a copy below it leaves it where it was
    _, other = _annotate(store, text, "approved the budget", path="b.txt")
    below = "\n\n".join([PARAS[0], PARAS[1], PARAS[2], PARAS[1], PARAS[3]])
    doc, stayed = _reanchored(store, other.id, below, path="b.txt")
    assert stayed.start == doc.text.index("approved the budget") == other.start


def test_a_quote_is_not_found_inside_a_khmer_consonant_stack(store: Store):
    text = "ព័ត៌មាន ថ្ងៃនេះ យើង ឃើញ សម នៅ ក្នុង ផ្សារ ហើយ គេ និយាយ ថា ល្អ ណាស់ ។"
    _, ann = _annotate(store, text, "សម")
    # the word became part of a stack: "ក្ស" + "ម"; the letters សម are there, the word is not
    changed = text.replace(" សម ", " ក្សម ")
    doc, after = _reanchored(store, ann.id, changed)
    if after.status != "orphaned":
        start = after.start
        assert doc.text[start - 1] != "\u17d2", "anchored inside a consonant stack"
