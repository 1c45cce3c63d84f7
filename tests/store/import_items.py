"""Annotations for the exchange tests: a store filled in two scripts, and items and collections as
a hand-written W3C import file holds them (imported by name by the store tests)."""

from __future__ import annotations

from store_helpers import make_doc

from reader.store.annotations import Store
from reader.store.exchange import ANNO_CONTEXT

TEXT_VI = "Hôm nay Trung Quốc và Việt Nam ký hiệp định về sông Mê Kông 😀 tại Hà Nội."
TEXT_KM = "ប្រទេសកម្ពុជា និង ប្រទេសចិន បានចុះហត្ថលេខាលើកិច្ចព្រមព្រៀង។"


def _valid_item() -> dict:
    return {
        "@context": ANNO_CONTEXT,
        "id": "urn:uuid:6f1b1d3c-8a43-4a8e-9a55-0d4c7a3d2b11",
        "type": "Annotation",
        "created": "2024-05-01T10:00:00Z",
        "modified": "2024-05-01T10:00:00Z",
        "body": {"type": "TextualBody", "value": "note", "purpose": "commenting"},
        "target": {
            "type": "SpecificResource",
            "source": {"id": "urn:corpus-reader:doc:a.txt", "schema:sha256": "ab" * 32},
            "selector": [
                {"type": "TextQuoteSelector", "exact": "Hello", "suffix": " world"},
                {"type": "TextPositionSelector", "start": 0, "end": 5},
            ],
        },
    }


def _collection(*items: dict) -> dict:
    return {
        "@context": ANNO_CONTEXT,
        "id": "urn:uuid:11111111-2222-4333-8444-555555555555",
        "type": "AnnotationCollection",
        "total": len(items),
        "first": {
            "id": "urn:uuid:11111111-2222-4333-8444-666666666666",
            "type": "AnnotationPage",
            "items": list(items),
        },
    }


def _second_item() -> dict:
    item = _valid_item()
    item["id"] = "urn:uuid:7f1b1d3c-8a43-4a8e-9a55-0d4c7a3d2b11"
    return item


def fill(store: Store) -> None:
    vi = make_doc(TEXT_VI, "vi/tin tức #1.txt")
    km = make_doc(TEXT_KM, "km/ព័ត៌មាន.md")
    s = TEXT_VI.index("Trung Quốc")
    store.annotate(vi, s, s + 10, note="**China** in _Vietnamese_", tags=["place", "cn"])
    s = TEXT_VI.index("😀")
    store.annotate(vi, s, s + 5, color="#ffd54f")
    store.annotate(km, 0, 13, tags=["km"], color="teal")
    gone = store.annotate(km, 20, 25, note="deleted later")
    store.delete(gone.id)
