"""W3C Web Annotation export and import, and the Markdown digest."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import jsonschema
import pytest
from import_items import TEXT_VI, _collection, _second_item, _valid_item
from store_helpers import make_doc

from reader.store.annotations import Store
from reader.store.exchange import (
    ANNO_CONTEXT,
    export_markdown,
    export_w3c_json,
    import_w3c,
    parse_import,
    path_from_iri,
    source_iri,
)

SCHEMA = json.loads(
    (Path(__file__).parents[1] / "data" / "w3c_annotation.schema.json").read_text("utf-8")
)


def _validator() -> jsonschema.Draft202012Validator:
    jsonschema.Draft202012Validator.check_schema(SCHEMA)
    return jsonschema.Draft202012Validator(SCHEMA)


def test_export_passes_the_w3c_schema_and_carries_every_field(filled: Store):
    data = json.loads(export_w3c_json(filled))
    _validator().validate(data)
    assert data["@context"] == ANNO_CONTEXT and data["type"] == "AnnotationCollection"
    assert data["total"] == 3 == len(data["first"]["items"])  # the tombstone is not exported
    assert data["first"]["partOf"] == data["id"]
    by_quote = {i["target"]["selector"][0]["exact"]: i for i in data["first"]["items"]}
    china = by_quote["Trung Quốc"]
    assert china["id"].startswith("urn:uuid:")
    assert china["body"][0] == {
        "type": "TextualBody",
        "value": "**China** in _Vietnamese_",
        "format": "text/markdown",
        "purpose": "commenting",
    }
    assert [b["value"] for b in china["body"][1:]] == ["place", "cn"]
    assert all(b["purpose"] == "tagging" for b in china["body"][1:])
    target = china["target"]
    assert target["source"]["id"] == "urn:corpus-reader:doc:vi/tin%20t%E1%BB%A9c%20%231.txt" or (
        path_from_iri(target["source"]["id"]) == "vi/tin tức #1.txt"
    )
    assert len(target["source"]["schema:sha256"]) == 64
    position = target["selector"][1]
    assert position == {"type": "TextPositionSelector", "start": 8, "end": 18}
    assert TEXT_VI[position["start"] : position["end"]] == "Trung Quốc"
    assert by_quote["😀 tại"]["schema:color"] == "#ffd54f"


def test_the_schema_rejects_what_the_w3c_model_forbids(filled: Store):
    good = json.loads(export_w3c_json(filled))
    validator = _validator()

    def broken(edit) -> dict:
        data = copy.deepcopy(good)
        edit(data)
        return data

    items = good["first"]["items"]
    china = next(i for i, it in enumerate(items) if isinstance(it.get("body"), list))
    item = ("first", "items", china)

    def at(data, path=item):
        for key in path:
            data = data[key]
        return data

    cases = {
        "no context": lambda d: d.pop("@context"),
        "other context": lambda d: d.update({"@context": "http://schema.org/"}),
        "collection without id": lambda d: d.pop("id"),
        "pages but no first": lambda d: d.pop("first"),
        "page without items": lambda d: d["first"].pop("items"),
        "annotation without target": lambda d: at(d).pop("target"),
        "annotation id not an IRI": lambda d: at(d).update({"id": "just words"}),
        "wrong annotation type": lambda d: at(d).update({"type": "Note"}),
        "body and bodyValue": lambda d: at(d).update({"bodyValue": "x"}),
        "textual body without value": lambda d: at(d)["body"][0].pop("value"),
        "quote without exact": lambda d: at(d)["target"]["selector"][0].pop("exact"),
        "negative start": lambda d: at(d)["target"]["selector"][1].update({"start": -1}),
        "start as text": lambda d: at(d)["target"]["selector"][1].update({"start": "8"}),
        "no source": lambda d: at(d)["target"].pop("source"),
        "created not a date": lambda d: at(d).update({"created": "yesterday"}),
    }
    for name, edit in cases.items():
        errors = list(validator.iter_errors(broken(edit)))
        assert errors, f"schema accepted: {name}"


def test_round_trip_export_import_export_is_identical(filled: Store, tmp_path: Path):
    first = export_w3c_json(filled)
    with Store(tmp_path / "other.sqlite3") as other:
        result = import_w3c(other, first.encode("utf-8"))
        assert len(result.added) == 3 and not result.updated
        second = export_w3c_json(other)
        assert [a.to_json() for a in other.list()] == [a.to_json() for a in filled.list()]
    assert second == first


def test_import_twice_changes_nothing_and_newer_file_wins(filled: Store, tmp_path: Path):
    exported = json.loads(export_w3c_json(filled))
    with Store(tmp_path / "other.sqlite3") as other:
        import_w3c(other, json.dumps(exported))
        assert len(import_w3c(other, json.dumps(exported)).unchanged) == 3
        item = exported["first"]["items"][0]
        item["modified"] = "2999-12-31T23:59:59Z"
        item["body"] = {"type": "TextualBody", "value": "edited elsewhere", "purpose": "commenting"}
        result = import_w3c(other, json.dumps(exported))
        assert len(result.updated) == 1 and len(result.unchanged) == 2
        ann = other.get(result.updated[0])
        assert ann is not None and ann.note == "edited elsewhere" and ann.tags == ()
        # an older copy of that annotation does not overwrite it
        item["modified"] = "1999-01-01T00:00:00+07:00"
        item["body"] = {"type": "TextualBody", "value": "stale", "purpose": "commenting"}
        assert import_w3c(other, json.dumps(exported)).updated == []
        assert other.get(ann.id).note == "edited elsewhere"


def test_source_iris_round_trip_and_foreign_iris_are_refused():
    for path in ["a.txt", "vi/tin tức #1.txt", "km/ព័ត៌មាន.md", "100%/x?.md"]:
        assert path_from_iri(source_iri(path)) == path
    for iri in [
        "file:///etc/passwd",
        "https://example.org/a.txt",
        "urn:corpus-reader:doc:../secret.txt",
        "urn:corpus-reader:doc:/etc/passwd",
        "urn:corpus-reader:doc:a/%2E%2E/%2E%2E/b.txt",
        "urn:corpus-reader:doc:a%5Cb.txt",
        "urn:corpus-reader:doc:",
        "a.txt",
    ]:
        with pytest.raises(ValueError):
            path_from_iri(iri)


def test_markdown_digest_groups_by_document_with_quotes_and_notes(filled: Store):
    text = export_markdown(filled.list())
    assert text.startswith("# Annotations\n")
    assert text.index("## km/ព័ត៌មាន.md") < text.index("## vi/tin tức #1.txt")
    assert "> Trung Quốc\n\n**China** in _Vietnamese_\n" in text
    assert "tags: place, cn" in text and "colour teal" in text
    assert "deleted later" not in text
    md_quote = export_markdown(
        [filled.list()[0].__class__(**{**filled.list()[0].to_json(), "tags": ()})]
    )
    assert md_quote.count("## ") == 1


def test_markdown_escapes_quotes_so_they_show_as_written(store: Store):
    doc = make_doc("Intro.\n\n# not a heading *nor bold* [nor a link](x)\n\nEnd.")
    start = doc.text.index("# not")
    store.annotate(doc, start, start + 44)
    text = export_markdown(store.list())
    assert r"> \# not a heading \*nor bold\* \[nor a link\](x)" in text


def test_streamed_exports_are_the_same_text_as_the_whole_ones(filled: Store):
    import io

    from reader.store.exporting import write_markdown, write_w3c

    for store_ in (filled,):
        out = io.StringIO()
        assert write_w3c(store_, out) == len(store_.list())
        assert out.getvalue() == export_w3c_json(store_)
        md = io.StringIO()
        write_markdown(store_.iter_annotations(batch=2), md)
        assert md.getvalue() == export_markdown(store_.list())


def test_streamed_export_of_an_empty_store(store: Store):
    import io

    from reader.store.exporting import write_markdown, write_w3c

    out, md = io.StringIO(), io.StringIO()
    assert write_w3c(store, out) == 0 and out.getvalue() == export_w3c_json(store)
    write_markdown([], md)
    assert md.getvalue() == export_markdown([])


def test_import_merges_like_merge_does(store_path: Path, tmp_path: Path):
    """The staged import and Store.merge agree on every case: new, newer, older, tombstone."""
    base = [_valid_item(), _second_item()]
    third = _valid_item()
    third["id"] = "urn:uuid:9f1b1d3c-8a43-4a8e-9a55-0d4c7a3d2b11"
    stores = []
    for name in ("merged", "imported"):
        s = Store(tmp_path / f"{name}.sqlite3")
        import_w3c(s, json.dumps(_collection(*base)))
        s.delete(base[1]["id"][9:])  # a tombstone
        s.update(base[0]["id"][9:], note="edited here, later than the file")
        stores.append(s)
    newer = copy.deepcopy(base[1])
    newer["modified"] = "2099-01-01T00:00:00Z"
    newer["body"] = [{"type": "TextualBody", "value": "back", "purpose": "commenting"},
                     {"type": "TextualBody", "value": "t2", "purpose": "tagging"}]  # fmt: skip
    incoming = _collection(base[0], newer, third)
    merged, imported = stores
    a = merged.merge(parse_import(json.dumps(incoming)))
    b = import_w3c(imported, json.dumps(incoming))
    assert a.to_json() == b.to_json()
    assert len(b.added) == 1 and len(b.updated) == 1 and len(b.unchanged) == 1
    for s in stores:
        assert s.get(newer["id"][9:]).tags == ("t2",)  # the newer copy replaced the tombstone

    def state(s: Store) -> list[dict]:  # `modified` of the local edit differs by its moment
        rows = [x.to_json() | {"deleted": x.deleted} for x in s.list(include_deleted=True)]
        return [r | {"modified": ""} if r["note"].startswith("edited") else r for r in rows]

    assert state(merged) == state(imported)
    assert merged.documents()[0].path == imported.documents()[0].path
    for s in stores:
        s.close()


def test_a_big_import_lets_another_connection_write_while_it_reads(store_path: Path):
    """The file is read without the store's write lock: another writer is not kept waiting."""
    import io

    from reader.store import json_stream
    from reader.store.exchange import import_stream

    items = []
    for i in range(50):
        item = _valid_item()
        item["id"] = f"urn:uuid:00000000-0000-4000-8000-{i:012d}"
        items.append(item)
    data = json.dumps(_collection(*items)).encode()
    other = Store(store_path)
    other.conn.execute("PRAGMA busy_timeout = 50")
    wrote: list[str] = []

    class Reading(io.BytesIO):
        def read(self, size=-1):  # type: ignore[override]
            if self.tell() > 0 and not wrote:  # half-way through the file
                wrote.append(other.add("b.txt", "ab" * 32, 0, 3, "abc").id)
            return super().read(size)

    old = json_stream.CHUNK_BYTES
    json_stream.CHUNK_BYTES = 2048
    try:
        with Store(store_path) as store:
            result = import_stream(store, Reading(data))
    finally:
        json_stream.CHUNK_BYTES = old
    assert wrote and len(result.added) == 50
    assert other.get(wrote[0]) is not None
    other.close()
