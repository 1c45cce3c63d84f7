"""The store's records (annotations, documents seen, entity links, topic edits, change
notices, merge results) and the checks every value passes before it is written."""

from __future__ import annotations

import re
import unicodedata
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from pathlib import PurePosixPath
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    pass

CONTEXT_CHARS = 32
STATUSES = ("anchored", "moved", "orphaned")
MAX_TAG_CHARS = 100
MAX_NOTE_CHARS = 1_000_000
MAX_OFFSET = 2**31 - 1  # far beyond any reading text (files are capped at 32 MB)
_COLOR = re.compile(r"#[0-9a-fA-F]{3}|#[0-9a-fA-F]{6}|[a-zA-Z]{1,20}")
# The CSS (SVG 1.1) colour keywords, which the app and browsers draw.
_CSS_COLORS = """aliceblue antiquewhite aqua aquamarine azure beige bisque black blanchedalmond blue
    blueviolet brown burlywood cadetblue chartreuse chocolate coral cornflowerblue cornsilk
    crimson cyan darkblue darkcyan darkgoldenrod darkgray darkgreen darkgrey darkkhaki
    darkmagenta darkolivegreen darkorange darkorchid darkred darksalmon darkseagreen
    darkslateblue darkslategray darkslategrey darkturquoise darkviolet deeppink deepskyblue
    dimgray dimgrey dodgerblue firebrick floralwhite forestgreen fuchsia gainsboro ghostwhite
    gold goldenrod gray green greenyellow grey honeydew hotpink indianred indigo ivory khaki
    lavender lavenderblush lawngreen lemonchiffon lightblue lightcoral lightcyan
    lightgoldenrodyellow lightgray lightgreen lightgrey lightpink lightsalmon lightseagreen
    lightskyblue lightslategray lightslategrey lightsteelblue lightyellow lime limegreen linen
    magenta maroon mediumaquamarine mediumblue mediumorchid mediumpurple mediumseagreen
    mediumslateblue mediumspringgreen mediumturquoise mediumvioletred midnightblue mintcream
    mistyrose moccasin navajowhite navy oldlace olive olivedrab orange orangered orchid
    palegoldenrod palegreen paleturquoise palevioletred papayawhip peachpuff peru pink plum
    powderblue purple rebeccapurple red rosybrown royalblue saddlebrown salmon sandybrown
    seagreen seashell sienna silver skyblue slateblue slategray slategrey snow springgreen
    steelblue tan teal thistle tomato turquoise violet wheat white whitesmoke yellow
    yellowgreen"""
COLOR_NAMES = frozenset(_CSS_COLORS.split())
_SHA256 = re.compile(r"[0-9a-f]{64}")
_SURROGATE = re.compile("[\ud800-\udfff]")  # JSON can carry them; UTF-8 (and SQLite) cannot
_FIELDS = ("document", "quote", "prefix", "suffix", "note", "color")


class AnnotationError(ValueError):
    """An annotation (or a value for one) is not acceptable; the message says which field."""


# --- time and small helpers ------------------------------------------------------------------


def now_iso() -> str:
    """The current UTC time as ISO 8601 with microseconds and `Z`."""
    return format_time(datetime.now(UTC))


def format_time(moment: datetime) -> str:
    """`moment` in the store's canonical form, `YYYY-MM-DDTHH:MM:SS.ffffffZ` (UTC)."""
    if moment.tzinfo is None:
        raise AnnotationError("time without a time zone")
    m = moment.astimezone(UTC)
    # not strftime: its %Y does not pad years before 1000 on every platform
    return (
        f"{m.year:04d}-{m.month:02d}-{m.day:02d}T{m.hour:02d}:{m.minute:02d}:{m.second:02d}"
        f".{m.microsecond:06d}Z"
    )


def parse_time(value: str) -> datetime:
    """Parse an ISO 8601 date-time that names its offset (or `Z`); raise AnnotationError."""
    if not isinstance(value, str) or not re.fullmatch(
        r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})", value
    ):
        raise AnnotationError(f"not an ISO 8601 date-time with a time zone: {value!r}")
    text = re.sub(r"(\.\d{6})\d+", r"\1", value)  # Python keeps microseconds
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00")).astimezone(UTC)
    except (ValueError, OverflowError) as exc:  # e.g. 9999-12-31T23:59:59-23:59 is year 10000
        raise AnnotationError(f"not a valid date-time (or out of range): {value!r}") from exc


def canonical_time(value: str) -> str:
    """Any accepted ISO 8601 date-time rewritten in the canonical UTC form."""
    return format_time(parse_time(value))


def later_than(previous: str) -> str:
    """Now, but strictly after `previous` (clocks can step back; `modified` must grow)."""
    now = datetime.now(UTC)
    before = parse_time(previous)
    if now <= before:
        try:
            now = before + timedelta(microseconds=1)
        except OverflowError:  # the last microsecond of year 9999: nothing is later
            now = before
    return format_time(now)


def quote_context(text: str, start: int, end: int) -> tuple[str, str, str]:
    """(quote, prefix, suffix) of `text[start:end]`, with CONTEXT_CHARS of context each side."""
    return (
        text[start:end],
        text[max(0, start - CONTEXT_CHARS) : start],
        text[end : end + CONTEXT_CHARS],
    )


def check_document_path(path: str) -> str:
    """A corpus-relative POSIX path, or AnnotationError: never absolute, never `..`."""
    if not isinstance(path, str) or not path or len(path) > 4096:
        raise AnnotationError("document path must be a non-empty relative path")
    if "\\" in path or "\x00" in path:  # other control characters are legal in file names
        raise AnnotationError(f"document path has forbidden characters: {path!r}")
    pure = PurePosixPath(path)
    if pure.is_absolute() or re.match(r"[A-Za-z]:", path):
        raise AnnotationError(f"document path must be relative to the corpus: {path!r}")
    parts = path.split("/")
    if any(p in ("", ".", "..") for p in parts):
        raise AnnotationError(f"document path must not contain empty, '.' or '..' parts: {path!r}")
    return path


def check_tags(tags: Iterable[str]) -> tuple[str, ...]:
    """Tags trimmed, NFC, without duplicates (first kept); AnnotationError for bad ones."""
    if isinstance(tags, str):
        raise AnnotationError("tags must be a list of strings, not one string")
    seen: list[str] = []
    for tag in tags:
        if not isinstance(tag, str):
            raise AnnotationError(f"a tag must be a string, not {type(tag).__name__}")
        clean = unicodedata.normalize("NFC", " ".join(tag.split()))
        if not clean:
            raise AnnotationError("a tag must not be empty")
        if len(clean) > MAX_TAG_CHARS:
            raise AnnotationError(f"a tag is longer than {MAX_TAG_CHARS} characters")
        if clean not in seen:
            seen.append(clean)
    return tuple(seen)


def check_color(color: str | None, *, known: bool = False) -> str:
    """'' (no colour), `#rgb`, `#rrggbb` or a colour name, stored lower-case.

    With `known` (what a person types), a name must be a CSS colour name (`yellow`); stored
    and imported values keep any plain name, so older notes stay readable and editable.
    """
    if color is None or color == "":
        return ""
    if not isinstance(color, str) or not _COLOR.fullmatch(color):
        raise AnnotationError(f"colour must be #rgb, #rrggbb or a colour name: {color!r}")
    if known and not color.startswith("#") and color.lower() not in COLOR_NAMES:
        raise AnnotationError(
            f"unknown colour {color!r}: use #rgb, #rrggbb or a CSS colour name such as yellow"
        )
    return color.lower()


def check_uuid(value: str) -> str:
    """A UUID in canonical lower-case form (a `urn:uuid:` prefix is accepted)."""
    if not isinstance(value, str):
        raise AnnotationError("id must be a string")
    raw = value[9:] if value.lower().startswith("urn:uuid:") else value
    try:
        parsed = uuid.UUID(raw)
    except ValueError as exc:
        raise AnnotationError(f"id is not a UUID: {value!r}") from exc
    if str(parsed) != raw.lower():
        raise AnnotationError(f"id is not a UUID in canonical form: {value!r}")
    return str(parsed)


# --- records ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Annotation:
    """One annotation. Offsets are code points of the document's reading text."""

    id: str
    document: str
    sha256: str
    start: int
    end: int
    quote: str
    prefix: str = ""
    suffix: str = ""
    note: str = ""
    tags: tuple[str, ...] = ()
    color: str = ""
    status: str = "anchored"
    created: str = ""
    modified: str = ""
    deleted: str | None = None

    def to_json(self) -> dict[str, Any]:
        """The stable JSON shape (see README, `annotations --json`)."""
        return {
            "id": self.id,
            "document": self.document,
            "sha256": self.sha256,
            "start": self.start,
            "end": self.end,
            "quote": self.quote,
            "prefix": self.prefix,
            "suffix": self.suffix,
            "note": self.note,
            "tags": list(self.tags),
            "color": self.color,
            "status": self.status,
            "created": self.created,
            "modified": self.modified,
        }

    def validated(self) -> Annotation:
        """This annotation with canonical values; AnnotationError naming the first bad field."""
        for name in ("document", "sha256", "quote", "prefix", "suffix", "note", "status"):
            if not isinstance(getattr(self, name), str):
                raise AnnotationError(f"{name} must be a string")
        for name in ("start", "end"):
            value = getattr(self, name)
            if not isinstance(value, int) or isinstance(value, bool) or value < 0:
                raise AnnotationError(f"{name} must be a non-negative integer")
            if value > MAX_OFFSET:
                raise AnnotationError(f"{name} is too large ({value})")
        for name in ("document", "quote", "prefix", "suffix", "note", "color", *self.tags):
            value = getattr(self, name, name)
            if isinstance(value, str) and _SURROGATE.search(value):
                raise AnnotationError(
                    f"{name if name in _FIELDS else 'a tag'} has a lone surrogate"
                )
        if self.end < self.start:
            raise AnnotationError(f"end ({self.end}) is before start ({self.start})")
        if self.end - self.start != len(self.quote):
            raise AnnotationError(
                f"quote has {len(self.quote)} characters but the span has {self.end - self.start}"
            )
        if self.sha256 and not _SHA256.fullmatch(self.sha256):
            raise AnnotationError("sha256 must be 64 lower-case hex digits (or empty: unknown)")
        if self.status not in STATUSES:
            raise AnnotationError(f"status must be one of {', '.join(STATUSES)}")
        if len(self.note) > MAX_NOTE_CHARS:
            raise AnnotationError(f"note is longer than {MAX_NOTE_CHARS} characters")
        if len(self.prefix) > CONTEXT_CHARS or len(self.suffix) > CONTEXT_CHARS:
            raise AnnotationError(f"prefix and suffix hold at most {CONTEXT_CHARS} characters")
        created = canonical_time(self.created)
        modified = canonical_time(self.modified)
        deleted = canonical_time(self.deleted) if self.deleted is not None else None
        return replace(
            self,
            id=check_uuid(self.id),
            document=check_document_path(self.document),
            tags=check_tags(self.tags),
            color=check_color(self.color),
            created=created,
            modified=modified,
            deleted=deleted,
        )


@dataclass(frozen=True, slots=True)
class DocumentRecord:
    """A document the store has seen: its corpus-relative path and last known version."""

    path: str
    sha256: str
    length: int | None
    location: str | None
    seen: str


@dataclass(frozen=True, slots=True)
class EntityLink:
    """The user's decision that two entity keys are (`link`) or are not (`unlink`) the same."""

    key_a: str
    key_b: str
    action: str
    modified: str


@dataclass(frozen=True, slots=True)
class TopicEdit:
    """One user edit of the topics, applied in `id` order.

    `move`: `document` goes to `topic`; `rename`: `topic` gets the label `value`;
    `merge`: `topic` is merged into topic `value`.
    """

    id: int
    kind: str
    topic: str
    document: str | None
    value: str | None
    created: str


@dataclass(frozen=True, slots=True)
class Change:
    """What a write changed, for views to refresh only that."""

    kind: str  # "annotation", "document", "entity_link", "topic_edit", "cache"
    action: str  # "added", "updated", "deleted", "restored", "reanchored", "imported", ...
    ids: tuple[str, ...] = ()


@dataclass(slots=True)
class MergeResult:
    """What `Store.merge` did with a batch of incoming annotations."""

    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)  # ours was as new or newer
    deleted_here: list[str] = field(default_factory=list)  # deleted here after the file was made
    restored: list[str] = field(default_factory=list)  # deleted here, brought back on request

    def to_json(self) -> dict[str, Any]:
        return {
            "added": self.added,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "deleted_here": self.deleted_here,
            "restored": self.restored,
        }

    def summary(self) -> str:
        """One line for people: what the import did."""
        parts = [f"{len(self.added)} added", f"{len(self.updated)} updated"]
        if self.restored:
            parts.append(f"{len(self.restored)} deleted notes restored")
        if self.deleted_here:
            parts.append(
                f"{len(self.deleted_here)} not restored (deleted here after the file was "
                "written; import again with restore to bring them back)"
            )
        kept = len(self.unchanged) - len(self.deleted_here)
        if kept:
            parts.append(f"{kept} unchanged")
        return ", ".join(parts)
