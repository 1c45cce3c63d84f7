"""Find the text files of a folder and turn each into a Document; bad files are skipped."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Iterator
from pathlib import Path

from reader.corpus import formats
from reader.corpus.language import detect_language
from reader.corpus.model import Corpus, Document, Skipped
from reader.corpus.text import sentence_spans

TEXT_SUFFIXES = frozenset({".txt", ".text"})
MARKDOWN_SUFFIXES = frozenset({".md", ".markdown"})
SUFFIXES = formats.SUFFIXES  # every format of reader.corpus.formats
MAX_FILE_BYTES = 32 * 1024 * 1024
TITLE_MAX = 120


class LoadError(Exception):
    """A file could not be loaded; the message is the reason shown to the user."""


def document_id(rel_path: str) -> str:
    """Stable short id of a document, derived from its corpus-relative path."""
    return hashlib.blake2s(rel_path.encode("utf-8"), digest_size=6).hexdigest()


def is_hidden(name: str) -> bool:
    return name.startswith(".") or name.startswith("~$")


def find_files(root: Path) -> Iterator[Path]:
    """Readable files below `root` (see SUFFIXES), in path order, skipping hidden files and
    folders and links to files outside `root` (see `list_corpus`)."""
    yield from list_corpus(root)[0]


# --- what the corpus folder holds and what is left out (issue 15) ---------------------------

OUTSIDE_ROOT = "a link to a file outside the corpus folder; not read"


def inside_root(path: Path, root: Path) -> bool:
    """Whether `path`, links followed, is inside the folder `root` (links followed too)."""
    try:
        return Path(os.path.realpath(path)).is_relative_to(os.path.realpath(root))
    except (OSError, ValueError):
        return False


def list_corpus(root: Path) -> tuple[list[Path], list[Skipped]]:
    """The files of the corpus folder `root` in path order, and what the user should hear
    was left out: links to files outside `root` (never read) and folders that cannot be read.

    Every command lists a corpus through here (or `corpus_entries`), so all decide alike
    about a file.
    """
    entries, skipped = corpus_entries(root)
    return [Path(path) for _, path in entries], skipped


def corpus_entries(root: Path) -> tuple[list[tuple[str, str]], list[Skipped]]:
    """`list_corpus` as (path relative to `root` with `/`, path) strings: what a walk of
    100,000 files needs, without a `Path` a file (3 s there before, 0.3 s now)."""
    found: list[tuple[str, str]] = []
    skipped: list[Skipped] = []
    top = os.fspath(root)
    folders = [(top, "")]
    while folders:
        folder, prefix = folders.pop()
        try:
            with os.scandir(folder) as it:
                entries = list(it)
        except OSError as exc:
            rel = prefix.rstrip("/") or "."
            skipped.append(Skipped(f"{rel}/", f"folder cannot be read: {exc.strerror or exc}"))
            continue
        for entry in entries:
            name = entry.name
            if is_hidden(name):
                continue
            try:
                is_dir = entry.is_dir()  # links followed, as os.walk decides
            except OSError:
                is_dir = False
            if is_dir:
                if not entry.is_symlink():  # a link to a folder is not walked into
                    folders.append((entry.path, f"{prefix}{name}/"))
                continue
            if os.path.splitext(name)[1].lower() not in SUFFIXES:
                continue
            rel = prefix + name
            if entry.is_symlink() and not inside_root(Path(entry.path), root):
                skipped.append(Skipped(rel, OUTSIDE_ROOT))
            else:
                found.append((rel, entry.path))
    found.sort()
    skipped.sort(key=lambda s: s.path)
    return found, skipped


def make_title(text: str, language: str = "") -> str:
    """First non-empty line; when long, its first sentence or a cut at a word boundary."""
    for line in text.split("\n"):
        line = " ".join(line.split())
        if line:
            if len(line) <= TITLE_MAX:
                return line
            first = sentence_spans(line[: TITLE_MAX * 4], language)
            if first and first[0][1] - first[0][0] <= TITLE_MAX:
                return line[first[0][0] : first[0][1]]
            cut = line.rfind(" ", 0, TITLE_MAX)
            return line[: cut if cut > TITLE_MAX // 2 else TITLE_MAX].rstrip(" ,;:") + "…"
    return ""


def load_document(
    path: Path, root: Path | None = None, max_bytes: int = MAX_FILE_BYTES
) -> Document:
    """Read one file into a Document; raise LoadError with the reason it cannot be read."""
    root = root or path.parent
    rel = path.relative_to(root).as_posix() if path.is_relative_to(root) else path.name
    if not inside_root(path, root):
        raise LoadError(OUTSIDE_ROOT)
    try:
        size = path.stat().st_size
        if size > max_bytes:
            raise LoadError(f"too large: {size / 2**20:.1f} MB (limit {max_bytes / 2**20:g} MB)")
        if size == 0:
            raise LoadError("empty file")
        data = path.read_bytes()
    except OSError as exc:
        raise LoadError(f"unreadable: {exc.strerror or exc}") from exc
    return document_from_bytes(rel, data, abs_path=path)


def document_from_bytes(rel: str, data: bytes, abs_path: Path | None = None) -> Document:
    """Build a Document from a file's bytes; raise LoadError when they are not usable text.

    The file's suffix chooses its reader in `reader.corpus.formats` (plain text when unknown).
    """
    fmt = formats.format_of(rel) or "text"
    try:
        found = formats.read(fmt, data)
    except formats.FormatError as exc:
        raise LoadError(str(exc)) from exc
    text = found.text
    if not text.strip():
        raise LoadError("no readable text")
    detected, script = detect_language(text)
    language, disagreement = formats.honour_declared(found.language, detected, script, text)
    warnings = [*found.warnings, *([disagreement] if disagreement else [])]
    return Document(
        id=document_id(rel),
        path=rel,
        title=found.title or make_title(text, language),
        language=language,
        script=script,
        sha256=hashlib.sha256(data).hexdigest(),
        text=text,
        passages=found.passages,
        format=fmt,
        encoding=found.encoding,
        warnings=warnings,
        links=found.links,
        abs_path=abs_path,
    )


def load_corpus(
    root: Path,
    max_bytes: int = MAX_FILE_BYTES,
    progress: Callable[[int, Path], None] | None = None,
) -> Corpus:
    """Load every readable file below `root`; one bad file never stops the load."""
    root = Path(root)
    if not root.is_dir():
        raise NotADirectoryError(f"not a folder: {root}")
    corpus = Corpus(root=root.resolve())
    files, corpus.skipped = list_corpus(root)
    for i, path in enumerate(files):
        if progress:
            progress(i, path)
        rel = path.relative_to(root).as_posix()
        try:
            corpus.documents.append(load_document(path, root, max_bytes))
        except LoadError as exc:
            corpus.skipped.append(Skipped(rel, str(exc)))
        except Exception as exc:
            corpus.skipped.append(Skipped(rel, f"could not be read: {type(exc).__name__}: {exc}"))
    return corpus
