"""Reading one W3C Web Annotation into an `Annotation`: every check, with where it failed.

The names the exchange format shares (context, source IRIs, the colour key) live here too;
`reader.store.exchange` re-exports them.
"""

from __future__ import annotations

import re
import unicodedata
import uuid
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, unquote

from reader.store.annotations import (
    CONTEXT_CHARS,
    MAX_OFFSET,
    Annotation,
    AnnotationError,
    canonical_time,
    check_color,
    check_document_path,
    check_tags,
    check_uuid,
    now_iso,
)

ANNO_CONTEXT = "http://www.w3.org/ns/anno.jsonld"
SOURCE_PREFIX = "urn:corpus-reader:doc:"
SHA256_KEY = "schema:sha256"
COLOR_KEY = "schema:color"
_EXPORT_NAMESPACE = uuid.UUID("0f6e1c52-7f1a-4a57-9a0e-6c0b7e4cbd11")
_IRI_SAFE = "/!$&'()*+,;=:@-._~"
_MARKDOWN_SPECIAL = set("\\`*_[]<>|~")
_SURROGATE = re.compile("[\ud800-\udfff]")


class ExchangeError(Exception):
    """An import file cannot be used; the message names what is wrong and where."""


# --- source IRIs -----------------------------------------------------------------------------


def source_iri(path: str) -> str:
    """The IRI naming a corpus-relative document path (non-ASCII letters kept readable)."""
    return SOURCE_PREFIX + "".join(
        c if ord(c) > 127 or c.isalnum() or c in _IRI_SAFE else quote(c, safe="") for c in path
    )


def path_from_iri(iri: str) -> str:
    """The corpus-relative path an IRI from `source_iri` names; AnnotationError otherwise.

    Any other IRI (file:, http:, a relative reference) is refused: documents are only ever
    looked up by corpus-relative path inside the corpus the reader opened.
    """
    if not iri.startswith(SOURCE_PREFIX):
        raise AnnotationError(f"not a corpus document IRI (expected {SOURCE_PREFIX}PATH): {iri!r}")
    raw = iri[len(SOURCE_PREFIX) :]
    try:
        path = unquote(raw, errors="strict")
    except UnicodeDecodeError as exc:
        raise AnnotationError(f"badly encoded document IRI: {iri!r}") from exc
    return check_document_path(unicodedata.normalize("NFC", path))


# --- import ----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Where:
    """A JSON location for messages, e.g. `first.items[3].target.selector[0].start`."""

    path: str

    def __truediv__(self, key: str | int) -> _Where:
        if isinstance(key, int):
            return _Where(f"{self.path}[{key}]")
        return _Where(f"{self.path}.{key}" if self.path else key)

    def __str__(self) -> str:
        return self.path or "the top level"


def _fail(where: _Where, message: str) -> ExchangeError:
    return ExchangeError(f"{where}: {message}")


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def _string(obj: dict, key: str, where: _Where, *, required: bool = True) -> str | None:
    if key not in obj:
        if required:
            raise _fail(where, f"missing {key!r}")
        return None
    value = obj[key]
    if not isinstance(value, str):
        raise _fail(where / key, f"must be a string, not {_json_type(value)}")
    return value


def _json_type(value: Any) -> str:
    return {
        dict: "an object",
        list: "a list",
        str: "a string",
        bool: "true/false",
        int: "a number",
        float: "a number",
        type(None): "null",
    }.get(type(value), type(value).__name__)


def _types(obj: dict, where: _Where) -> list[str]:
    if "type" not in obj:
        return []
    types = _as_list(obj["type"])
    if not types or not all(isinstance(t, str) for t in types):
        raise _fail(where / "type", "must be a string or a list of strings")
    return types


def _check_context(obj: dict, where: _Where, *, required: bool) -> None:
    if "@context" not in obj:
        if required:
            raise _fail(where, f"missing '@context' (must include {ANNO_CONTEXT})")
        return
    contexts = _as_list(obj["@context"])
    if ANNO_CONTEXT not in contexts:
        raise _fail(where / "@context", f"must include {ANNO_CONTEXT}")


def _items(data: Any) -> list[tuple[Any, _Where]]:
    """The annotation objects of any accepted top-level shape, each with its location."""
    root = _Where("")
    if isinstance(data, list):
        return [(item, root / i) for i, item in enumerate(data)]
    if not isinstance(data, dict):
        raise _fail(root, f"expected a JSON object or list, found {_json_type(data)}")
    _check_context(data, root, required=True)
    types = _types(data, root)
    if "Annotation" in types:
        return [(data, root)]
    if "AnnotationPage" in types:
        return _page_items(data, root)
    if "AnnotationCollection" in types:
        if "first" not in data:
            total = data.get("total", 0)
            if total not in (0, None):
                raise _fail(root, "collection has a total but no embedded 'first' page")
            return []
        first = data["first"]
        if not isinstance(first, dict):
            raise _fail(root / "first", "pages must be embedded objects (links are not followed)")
        found = _page_items(first, root / "first")
        if "next" in first:
            raise _fail(root / "first" / "next", "only a single embedded page can be imported")
        return found
    raise _fail(root / "type", "expected Annotation, AnnotationPage or AnnotationCollection")


def _page_items(page: dict, where: _Where) -> list[tuple[Any, _Where]]:
    if "AnnotationPage" not in _types(page, where):
        raise _fail(where / "type", "must be AnnotationPage")
    if "items" not in page:
        raise _fail(where, "missing 'items'")
    items = page["items"]
    if not isinstance(items, list):
        raise _fail(where / "items", f"must be a list, found {_json_type(items)}")
    return [(item, where / "items" / i) for i, item in enumerate(items)]


def _body_parts(item: dict, where: _Where) -> tuple[str, list[str]]:
    """(note, tags) from `body` / `bodyValue`."""
    notes: list[str] = []
    tags: list[str] = []
    if "bodyValue" in item:
        value = _string(item, "bodyValue", where)
        assert value is not None
        notes.append(value)
    if "body" in item:
        raw = item["body"]
        bodies = raw if isinstance(raw, list) else [raw]
        for i, body in enumerate(bodies):
            at = (where / "body" / i) if isinstance(raw, list) else where / "body"
            if not isinstance(body, dict):
                raise _fail(at, "only embedded TextualBody objects can be imported")
            types = _types(body, at)
            if types and "TextualBody" not in types:
                raise _fail(at / "type", f"unsupported body type {types[0]!r} (need TextualBody)")
            value = _string(body, "value", at)
            assert value is not None
            purpose = body.get("purpose", "commenting")
            if isinstance(purpose, list) and len(purpose) == 1:
                purpose = purpose[0]
            if purpose == "tagging":
                tags.append(value)
            elif purpose in ("commenting", "describing", "replying"):
                fmt = body.get("format", "text/plain")
                if fmt not in ("text/markdown", "text/plain"):
                    raise _fail(at / "format", f"unsupported note format {fmt!r}")
                notes.append(value)
            else:
                raise _fail(at / "purpose", f"unsupported purpose {purpose!r}")
    if len(notes) > 1:
        raise _fail(where / "body", "more than one note (commenting body)")
    return (notes[0] if notes else ""), tags


def _selector_parts(selectors: Any, where: _Where) -> tuple[str, str, str, tuple[int, int] | None]:
    """(exact, prefix, suffix, (start, end) or None) from a target's selectors."""
    quote_sel: dict | None = None
    position: tuple[int, int] | None = None
    quote_at = where
    for i, sel in enumerate(_as_list(selectors)):
        at = (where / i) if isinstance(selectors, list) else where
        if not isinstance(sel, dict):
            raise _fail(at, "a selector must be an object")
        types = _types(sel, at)
        if not types:
            raise _fail(at, "selector has no 'type'")
        if "TextQuoteSelector" in types:
            if quote_sel is not None:
                raise _fail(at, "more than one TextQuoteSelector")
            quote_sel, quote_at = sel, at
            for key in ("exact", "prefix", "suffix"):
                _string(sel, key, at, required=key == "exact")
        elif "TextPositionSelector" in types:
            if position is not None:
                raise _fail(at, "more than one TextPositionSelector")
            values = []
            for key in ("start", "end"):
                value = sel.get(key)
                if not isinstance(value, int) or isinstance(value, bool) or value < 0:
                    raise _fail(at / key, "must be a non-negative integer")
                if value > MAX_OFFSET:
                    raise _fail(at / key, f"is too large ({value})")
                values.append(value)
            if values[1] < values[0]:
                raise _fail(at, f"end ({values[1]}) is before start ({values[0]})")
            position = (values[0], values[1])
        else:
            raise _fail(at / "type", f"unsupported selector {types[0]!r}")
    if quote_sel is None:
        raise _fail(where, "a TextQuoteSelector is needed")
    exact = quote_sel["exact"]
    if not exact:
        raise _fail(quote_at / "exact", "must not be empty")
    if position is not None:
        span = position[1] - position[0]
        if span not in (len(exact), len(unicodedata.normalize("NFC", exact))):
            raise _fail(
                where,
                f"TextPositionSelector spans {span} characters but TextQuoteSelector.exact "
                f"has {len(exact)} (positions must count Unicode code points)",
            )
    return exact, quote_sel.get("prefix", ""), quote_sel.get("suffix", ""), position


def _target_parts(item: dict, where: _Where) -> tuple[str, str, Any, _Where]:
    """(path, sha256, selectors, where) of the single target."""
    if "target" not in item:
        raise _fail(where, "missing 'target'")
    raw = item["target"]
    at = where / "target"
    if isinstance(raw, list):
        if len(raw) != 1:
            raise _fail(at, "exactly one target is supported")
        raw, at = raw[0], at / 0
    if not isinstance(raw, dict):
        raise _fail(at, "the target must be an object with a source and selectors")
    if "source" not in raw:
        raise _fail(at, "missing 'source'")
    source = raw["source"]
    sha = ""
    if isinstance(source, dict):
        iri = _string(source, "id", at / "source")
        sha_value = _string(source, SHA256_KEY, at / "source", required=False)
        sha = (sha_value or "").lower()
    elif isinstance(source, str):
        iri = source
    else:
        raise _fail(at / "source", "must be an IRI or an object with an 'id'")
    assert iri is not None
    try:
        path = path_from_iri(iri)
    except AnnotationError as exc:
        raise _fail(at / "source", str(exc)) from None
    if sha and (len(sha) != 64 or any(c not in "0123456789abcdef" for c in sha)):
        raise _fail(at / "source" / SHA256_KEY, "must be 64 hex digits")
    if "selector" not in raw:
        raise _fail(at, "missing 'selector'")
    return path, sha, raw["selector"], at / "selector"


def annotation_from_w3c(item: Any, where: _Where | None = None) -> Annotation:
    """Validate one W3C annotation object and turn it into an Annotation (not yet stored)."""
    where = where or _Where("")
    if not isinstance(item, dict):
        raise _fail(where, f"an annotation must be an object, found {_json_type(item)}")
    _refuse_surrogates(item, where)
    _check_context(item, where, required=False)
    if "Annotation" not in _types(item, where):
        raise _fail(where / "type", "must be Annotation")
    raw_id = _string(item, "id", where)
    assert raw_id is not None
    try:
        ann_id = check_uuid(raw_id)
    except AnnotationError:
        if ":" not in raw_id or any(c.isspace() for c in raw_id):
            raise _fail(where / "id", f"must be an IRI, found {raw_id!r}") from None
        ann_id = str(uuid.uuid5(uuid.NAMESPACE_URL, raw_id))
    note, tags = _body_parts(item, where)
    path, sha, selectors, sel_where = _target_parts(item, where)
    exact, prefix, suffix, position = _selector_parts(selectors, sel_where)
    times = {}
    for key in ("created", "modified"):
        value = _string(item, key, where, required=False)
        if value is not None:
            try:
                times[key] = canonical_time(value)
            except AnnotationError as exc:
                raise _fail(where / key, str(exc)) from None
    created = times.get("created") or times.get("modified") or now_iso()
    modified = times.get("modified") or created
    try:
        color = check_color(item.get(COLOR_KEY, ""))
    except AnnotationError as exc:
        raise _fail(where / COLOR_KEY, str(exc)) from None
    try:
        tags_t = check_tags(tags)
    except AnnotationError as exc:
        raise _fail(where / "body", str(exc)) from None
    nfc = [unicodedata.normalize("NFC", s) for s in (exact, prefix, suffix)]
    status = "anchored"
    if position is None or position[1] - position[0] != len(nfc[0]):
        start = position[0] if position else 0
        position = (start, start + len(nfc[0]))
        status = "orphaned"  # found again by quote when the document is next opened
    ann = Annotation(
        id=ann_id,
        document=path,
        sha256=sha,
        start=position[0],
        end=position[1],
        quote=nfc[0],
        prefix=nfc[1][-CONTEXT_CHARS:],
        suffix=nfc[2][:CONTEXT_CHARS],
        note=note,
        tags=tags_t,
        color=color,
        status=status,
        created=created,
        modified=modified,
    )
    try:
        return ann.validated()
    except AnnotationError as exc:
        raise _fail(where, str(exc)) from None


def _refuse_surrogates(value: Any, where: _Where) -> None:
    """ExchangeError when any string (key or value) in `value` holds a lone surrogate:
    JSON can escape one (`\\ud800`), UTF-8 and SQLite cannot store it."""
    if not _has_surrogate(value):
        return
    if isinstance(value, str):
        if _SURROGATE.search(value):
            raise _fail(where, "has a lone surrogate (\\ud800-\\udfff), which is not text")
    elif isinstance(value, dict):
        for key, item in value.items():
            if _SURROGATE.search(key):
                raise _fail(where, "has a key with a lone surrogate, which is not text")
            _refuse_surrogates(item, where / key)
    elif isinstance(value, list):
        for i, item in enumerate(value):
            _refuse_surrogates(item, where / i)


def _has_surrogate(value: Any) -> bool:
    if isinstance(value, str):
        return _SURROGATE.search(value) is not None
    if isinstance(value, dict):
        return any(_has_surrogate(k) or _has_surrogate(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_has_surrogate(v) for v in value)
    return False
