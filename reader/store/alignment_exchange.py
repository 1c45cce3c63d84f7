"""The reader's alignment links between machines: a JSON of our own (see the README).

`{"format": "corpus-reader/alignment-links", "version": 1, "links": [link.to_json()]}`.
Import checks the whole file first, then writes all of it or nothing; a link already in the
store (same id) is replaced only when the file's `modified` is newer.
"""

from __future__ import annotations

from typing import Any

from reader.store.alignment_links import (
    KINDS,
    AlignmentLink,
    LinkError,
    PassageAnchor,
    _write,
    all_links,
)
from reader.store.annotations import Change, Store, canonical_time
from reader.store.db import transaction

EXCHANGE_FORMAT = "corpus-reader/alignment-links"
EXCHANGE_VERSION = 1


def export_json(links: list[AlignmentLink] | Store) -> dict[str, Any]:
    """Links (or all live links of a store) as {"format", "version", "links": [...]}."""
    if isinstance(links, Store):
        links = all_links(links)
    return {
        "format": EXCHANGE_FORMAT,
        "version": EXCHANGE_VERSION,
        "links": [link.to_json() for link in links],
    }


def _parse(item: Any, where: str) -> AlignmentLink:
    def need(cond: bool, what: str) -> None:
        if not cond:
            raise LinkError(f"{where}: {what}")

    need(isinstance(item, dict), "must be an object")
    need(isinstance(item.get("id"), str) and bool(item["id"]), "id must be a non-empty string")
    need(item.get("kind") in KINDS, f"kind must be one of {', '.join(KINDS)}")
    sides = []
    for side in ("a", "b"):
        s = item.get(side)
        need(isinstance(s, dict), f"{side} must be an object")
        need(
            isinstance(s.get("document"), str) and bool(s["document"]),
            f"{side}.document must be a path",
        )
        need(isinstance(s.get("sha256", ""), str), f"{side}.sha256 must be a string")
        ps = s.get("passages")
        need(isinstance(ps, list) and bool(ps), f"{side}.passages must be a non-empty list")
        anchors = []
        for n, p in enumerate(ps):
            at = f"{side}.passages[{n}]"
            need(isinstance(p, dict), f"{at} must be an object")
            for key in ("start", "end"):
                need(
                    isinstance(p.get(key), int) and p[key] >= 0,
                    f"{at}.{key} must be a non-negative integer",
                )
            for key in ("quote", "prefix", "suffix"):
                need(isinstance(p.get(key), str), f"{at}.{key} must be a string")
            need(bool(p["quote"]), f"{at}.quote must not be empty")
            anchors.append(
                PassageAnchor(p["start"], p["end"], p["quote"], p["prefix"], p["suffix"])
            )
        sides.append((s["document"], s.get("sha256", ""), tuple(anchors)))
    need(sides[0][0] != sides[1][0], "a and b must be different documents")
    try:
        created = canonical_time(item.get("created", ""))
        modified = canonical_time(item.get("modified", item.get("created", "")))
    except Exception:
        raise LinkError(f"{where}: created/modified must be ISO 8601 times") from None
    return AlignmentLink(
        item["id"],
        sides[0][0],
        sides[1][0],
        sides[0][1],
        sides[1][1],
        item["kind"],
        sides[0][2],
        sides[1][2],
        created,
        modified,
    )


def import_json(store: Store, data: Any) -> dict[str, list[str]]:
    """Validate a whole exported file, then write all of it or nothing. A link already here
    (same id) is replaced only when the file's `modified` is newer."""
    if not isinstance(data, dict) or data.get("format") != EXCHANGE_FORMAT:
        raise LinkError(f"not an alignment-links file (format must be {EXCHANGE_FORMAT!r})")
    if data.get("version") != EXCHANGE_VERSION:
        raise LinkError(
            f"unsupported version {data.get('version')!r} (this app reads {EXCHANGE_VERSION})"
        )
    items = data.get("links")
    if not isinstance(items, list):
        raise LinkError("links must be a list")
    incoming = [_parse(item, f"links[{n}]") for n, item in enumerate(items)]
    result: dict[str, list[str]] = {"added": [], "updated": [], "unchanged": []}
    with transaction(store.conn):
        for link in incoming:
            row = store.conn.execute(
                "SELECT modified FROM alignment_links WHERE id = ?", (link.id,)
            ).fetchone()
            if row is None:
                result["added"].append(link.id)
            elif row[0] < link.modified:
                result["updated"].append(link.id)
            else:
                result["unchanged"].append(link.id)
                continue
            _write(store, link)
    store._notify(Change("alignment_link", "imported", tuple(result["added"] + result["updated"])))
    return result
