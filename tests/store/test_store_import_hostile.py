"""Hostile and random W3C imports: each names its problem and changes nothing, or is taken whole."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from import_items import _collection, _second_item, _valid_item
from store_helpers import make_doc

from reader.store.annotations import Store
from reader.store.exchange import (
    ANNO_CONTEXT,
    ExchangeError,
    export_w3c_json,
    import_w3c,
    parse_import,
)

# --- hostile imports -------------------------------------------------------------------------


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
