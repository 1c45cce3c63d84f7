"""W3C Web Annotation export and import, and the Markdown digest."""

from __future__ import annotations

import copy
import json
from datetime import datetime
from pathlib import Path

import jsonschema
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from store_helpers import make_doc

from reader.store.annotations import Store
from reader.store.exchange import (
    ANNO_CONTEXT,
    ExchangeError,
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
TEXT_VI = "Hôm nay Trung Quốc và Việt Nam ký hiệp định về sông Mê Kông 😀 tại Hà Nội."
TEXT_KM = "ប្រទេសកម្ពុជា និង ប្រទេសចិន បានចុះហត្ថលេខាលើកិច្ចព្រមព្រៀង។"


def _fill(store: Store) -> None:
    vi = make_doc(TEXT_VI, "vi/tin tức #1.txt")
    km = make_doc(TEXT_KM, "km/ព័ត៌មាន.md")
    s = TEXT_VI.index("Trung Quốc")
    store.annotate(vi, s, s + 10, note="**China** in _Vietnamese_", tags=["place", "cn"])
    s = TEXT_VI.index("😀")
    store.annotate(vi, s, s + 5, color="#ffd54f")
    store.annotate(km, 0, 13, tags=["km"], color="teal")
    gone = store.annotate(km, 20, 25, note="deleted later")
    store.delete(gone.id)


@pytest.fixture
def filled(store: Store) -> Store:
    _fill(store)
    return store


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


# --- hostile imports -------------------------------------------------------------------------


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


def _sel(item: dict, i: int) -> dict:
    return item["target"]["selector"][i]


HOSTILE = {
    "broken json": ('{"@context": "http://www.w3.org/ns/anno.jsonld", "type": ', "line 1"),
    "not utf-8": (b"\xff\xfe\x00{", "utf-8"),
    "a number": ("42", "top level"),
    "NaN": ('{"a": NaN}', "nan"),
    "no context": (json.dumps({"type": "Annotation"}), "@context"),
    "wrong type": (json.dumps({"@context": ANNO_CONTEXT, "type": "Note"}), "type"),
    "first as a link": (
        json.dumps({**_collection(), "first": "https://evil.example/page1"}),
        "first",
    ),
}


def _hostile_item(edit) -> str:
    second = _second_item()
    edit(second)
    return json.dumps(_collection(_valid_item(), second))


ITEM_EDITS = {
    "negative start": (lambda i: _sel(i, 1).update(start=-3), "items[1].target.selector[1].start"),
    "start is text": (lambda i: _sel(i, 1).update(start="0"), "selector[1].start"),
    "start is bool": (lambda i: _sel(i, 1).update(start=True), "selector[1].start"),
    "lone surrogate": (
        lambda i: i.update(body={"type": "TextualBody", "value": "a\ud800b"}),
        "surrogate",
    ),
    "huge offsets": (lambda i: _sel(i, 1).update(start=10**30, end=10**30 + 5), "too large"),
    "end before start": (lambda i: _sel(i, 1).update(start=4, end=2), "before start"),
    "span vs quote": (lambda i: _sel(i, 1).update(end=9), "spans 9"),
    "no exact": (lambda i: _sel(i, 0).pop("exact"), "exact"),
    "empty exact": (lambda i: _sel(i, 0).update(exact=""), "exact"),
    "unknown selector": (lambda i: _sel(i, 0).update(type="XPathSelector"), "XPathSelector"),
    "file source": (
        lambda i: i["target"].update(source="file:///home/me/.ssh/id_rsa"),
        "target.source",
    ),
    "parent path": (
        lambda i: i["target"]["source"].update(id="urn:corpus-reader:doc:../../x"),
        "target.source",
    ),
    "bad hash": (lambda i: i["target"]["source"].update({"schema:sha256": "zz"}), "sha256"),
    "bad date": (lambda i: i.update(modified="last Tuesday"), "items[1].modified"),
    "bad colour": (lambda i: i.update({"schema:color": "red;x"}), "items[1].schema:color"),
    "no target": (lambda i: i.pop("target"), "target"),
    "two targets": (lambda i: i.update(target=[i["target"], i["target"]]), "one target"),
    "external body": (lambda i: i.update(body="https://evil.example/x"), "body"),
    "bad id": (lambda i: i.update(id="two words"), "items[1].id"),
    "same id twice": (lambda i: i.update(id=_valid_item()["id"]), "same id"),
    "tag not text": (
        lambda i: i.update(body={"type": "TextualBody", "value": 5, "purpose": "tagging"}),
        "value",
    ),
}


@pytest.mark.parametrize("case", list(HOSTILE) + list(ITEM_EDITS))
def test_hostile_import_names_the_problem_and_changes_nothing(
    filled: Store, store_path: Path, case: str
):
    if case in HOSTILE:
        data, words = HOSTILE[case]
    else:
        edit, words = ITEM_EDITS[case]
        data = _hostile_item(edit)
    before = [a.to_json() for a in filled.list(include_deleted=True)]
    with pytest.raises(ExchangeError) as err:
        import_w3c(filled, data if isinstance(data, bytes) else data.encode("utf-8"))
    message = str(err.value)
    assert "\n" not in message
    assert words.lower() in message.lower(), message
    # the first, valid item of the file was not written either: all or nothing
    assert [a.to_json() for a in filled.list(include_deleted=True)] == before


def test_valid_hand_written_imports_are_accepted(store: Store):
    result = import_w3c(store, json.dumps(_collection(_valid_item(), _second_item())))
    assert len(result.added) == 2
    # a single annotation, a bare list, bodyValue, and a quote without a position
    single = _valid_item()
    single["id"] = "urn:uuid:8f1b1d3c-8a43-4a8e-9a55-0d4c7a3d2b11"
    single.pop("body")
    single["bodyValue"] = "plain note"
    single["target"]["selector"] = {"type": "TextQuoteSelector", "exact": "world"}
    import_w3c(store, json.dumps(single))
    ann = store.get("8f1b1d3c-8a43-4a8e-9a55-0d4c7a3d2b11")
    assert ann is not None and ann.note == "plain note"
    assert ann.status == "orphaned"  # placed by its quote when the document is next opened
    assert store.reanchor(make_doc("Hello world, again.", "a.txt"))
    assert store.get(ann.id).start == 6


def test_a_deeply_nested_file_is_an_error_not_a_crash(store: Store):
    with pytest.raises(ExchangeError):
        import_w3c(store, "[" * 100_000 + "]" * 100_000)


KEYS = ["@context", "id", "type", "first", "items", "target", "source", "selector", "exact"]
KEYS += ["start", "end", "body", "value", "purpose", "created", "modified", "bodyValue", "x"]
SETTINGS = {"deadline": None, "suppress_health_check": [HealthCheck.function_scoped_fixture]}
json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False)
    | st.text(max_size=20)
    | st.text(st.characters(categories=["Cs", "Mn", "So"]), max_size=5),
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(
            st.sampled_from(KEYS),
            children,
            max_size=6,
        )
    ),
    max_leaves=25,
)


@settings(max_examples=150, **SETTINGS)
@given(json_values)
def test_random_json_is_either_accepted_whole_or_refused_cleanly(store: Store, value):
    before = [a.to_json() for a in store.list(include_deleted=True)]
    try:
        parse_import(json.dumps(value))
    except ExchangeError as exc:
        assert str(exc) and "\n" not in str(exc)
        assert [a.to_json() for a in store.list(include_deleted=True)] == before


def _paths(value, prefix=()):
    yield prefix
    if isinstance(value, dict):
        for k, v in value.items():
            yield from _paths(v, (*prefix, k))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from _paths(v, (*prefix, i))


@settings(max_examples=200, **SETTINGS)
@given(st.data())
def test_a_valid_file_with_one_random_part_replaced_is_all_or_nothing(store: Store, data):
    doc = _collection(_valid_item(), _second_item())
    paths = [p for p in _paths(doc) if p]
    path = data.draw(st.sampled_from(paths))
    replacement = data.draw(json_values)
    target = doc
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = replacement
    try:
        annotations = parse_import(json.dumps(doc))
    except ExchangeError as exc:
        assert "\n" not in str(exc)
        return
    # accepted: every annotation it yields is complete and consistent
    for ann in annotations:
        assert ann.end - ann.start == len(ann.quote) and ann.quote
        assert ".." not in ann.document.split("/")
    result = store.merge(annotations)
    assert len(result.added) + len(result.updated) + len(result.unchanged) == len(annotations)


def _string_paths(value, prefix=()):
    """Paths of every string in `value`, keys included (a key as `(*path, ("key", k))`)."""
    if isinstance(value, str):
        yield prefix
    elif isinstance(value, dict):
        for k, v in value.items():
            yield (*prefix, ("key", k))
            yield from _string_paths(v, (*prefix, k))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from _string_paths(v, (*prefix, i))


@settings(max_examples=200, **SETTINGS)
@given(st.data())
def test_a_lone_surrogate_in_any_string_is_refused_cleanly(store: Store, data):
    doc = _collection(_valid_item(), _second_item())
    path = data.draw(st.sampled_from(list(_string_paths(doc))))
    surrogate = data.draw(st.characters(categories=["Cs"]))
    target = doc
    for key in path[:-1]:
        target = target[key]
    last = path[-1]
    if isinstance(last, tuple):  # a key: rename it
        target[last[1] + surrogate] = target.pop(last[1])
    else:
        at = data.draw(st.integers(0, len(target[last])))
        target[last] = target[last][:at] + surrogate + target[last][at:]
    text = json.dumps(doc)  # ASCII: the surrogate is an escape, as in a hostile file
    try:
        import_w3c(store, text.encode("ascii"))
    except ExchangeError as exc:
        assert "\n" not in str(exc)
    else:  # only a part the importer ignores may hold it, and nothing stored holds it
        stored = json.dumps([a.to_json() for a in store.list()], ensure_ascii=False)
        assert not any("\ud800" <= c <= "\udfff" for c in stored)


offsets = st.integers(-23 * 60 - 59, 23 * 60 + 59).map(
    lambda m: ("+" if m >= 0 else "-") + f"{abs(m) // 60:02d}:{abs(m) % 60:02d}"
)
edge_times = st.one_of(
    st.builds(
        lambda d, off: d.strftime("%Y-%m-%dT%H:%M:%S").rjust(19, "0") + off,
        st.datetimes(min_value=datetime(1, 1, 1), max_value=datetime(9999, 12, 31, 23, 59, 59))
        | st.sampled_from([datetime(1, 1, 1), datetime(9999, 12, 31, 23, 59, 59)]),
        offsets | st.just("Z"),
    ),
    st.sampled_from([
        "9999-12-31T23:59:59-23:59", "0001-01-01T00:00:00+23:59", "0000-01-01T00:00:00Z",
        "9999-12-31T23:59:59.9999999Z", "2024-02-30T00:00:00Z", "2024-01-01T24:00:00Z",
        "2024-01-01T00:00:60Z", "2024-01-01T00:00:00+24:00", "2024-01-01T00:00:00.000000001Z",
    ]),
)  # fmt: skip


@settings(max_examples=200, **SETTINGS)
@given(created=edge_times, modified=edge_times)
def test_dates_at_the_edges_are_accepted_or_refused_cleanly(store: Store, created, modified):
    item = _valid_item()
    item.update(created=created, modified=modified)
    try:
        result = import_w3c(store, json.dumps(_collection(item)))
    except ExchangeError as exc:
        assert "\n" not in str(exc) and ("created" in str(exc) or "modified" in str(exc))
        return
    ann = store.get(result.added[0] if result.added else item["id"][9:])
    assert ann is not None
    # what was stored can be edited, exported and read back
    store.update(ann.id, note="later")
    assert parse_import(export_w3c_json(store))


def test_cli_import_of_a_surrogate_id_or_an_overflowing_date_is_one_line(tmp_path, capsys):
    from reader.cli import main

    for case in ({"id": "urn:x:\ud800"}, {"created": "9999-12-31T23:59:59-23:59"}):
        item = {**_valid_item(), **case}
        path = tmp_path / "in.json"
        path.write_text(json.dumps(_collection(item)), "ascii")
        code = main(["import", str(path), "--db", str(tmp_path / "s.sqlite3")])
        out, err = capsys.readouterr()
        assert code == 1 and out == "", err
        assert err.count("\n") == 1 and "nothing was imported" in err, err


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
