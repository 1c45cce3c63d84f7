"""Search: `/` in the topic (an in-memory search kept per topic), `Ctrl+f` everywhere (the
index's full-text search when it is fresh), `n`/`N` through hits, and the concordance."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from reader.ui.commands import CommandError, command
from reader.ui.modes import Mode
from reader.ui.session import SearchHit

if TYPE_CHECKING:
    from reader.corpus.model import Document
    from reader.ui.window import MainWindow

log = logging.getLogger(__name__)


def memory_search(w: MainWindow, docs: list[Document]) -> Any:
    """The in-memory search of these documents (one kept per set of documents)."""
    from reader.corpus.memory_search import MemorySearch

    key = tuple(d.id for d in docs)
    cached = w.search_cache
    if cached.get("key") != key:
        cached.clear()
        cached.update(key=key, search=MemorySearch(list(docs)))
    return cached["search"]


def _ordered_hits(w: MainWindow, docs: list[Document], query: str) -> list[SearchHit]:
    from reader.corpus.search import QueryError

    try:
        found = memory_search(w, docs).search(query, order="position")
    except QueryError as exc:
        raise CommandError(f"Cannot search for “{query}”: {exc}") from exc
    order = {d.id: n for n, d in enumerate(docs)}
    ranked = sorted({(order[h.doc], h.start, h.end, h.doc) for h in found if h.doc in order})
    return [SearchHit(doc, s, e) for _, s, e, doc in ranked]


INDEX_PAGE = 500  # hits of an index search fetched at a time (a page costs 30-300 ms at 100k)
PREFETCH_AT = 100  # hits left before the end of those fetched: the next page is fetched now


class HitPages:
    """The pages of an index search after the first: fetched in the background as `n` comes
    near the end of those fetched (`prefetch`), or here when it reaches the end first."""

    def __init__(self, conn: Any, root: Any, query: str, known: set[str], first: Any) -> None:
        self.conn, self.root, self.query, self.known = conn, root, query, known
        self.fetched = len(first.hits)  # rows asked for so far (hits of unknown documents too)
        self.total, self.exact = first.total, first.total_exact
        self.done = self.fetched < INDEX_PAGE or (self.exact and self.fetched >= self.total)
        self.pending = False  # a page is being fetched in the background

    def next(self) -> list[SearchHit]:
        """The next page's hits (none, and `done`, when there are no more)."""
        if self.done:
            return []
        return self.take(self.search(self.conn, self.fetched), self.fetched)

    def search(self, conn: Any, offset: int) -> Any:
        """The index's page of hits from `offset` (None when the store went away)."""
        from reader.store.index import search_index

        try:
            return search_index(conn, self.root, self.query, limit=INDEX_PAGE, offset=offset)
        except Exception as exc:  # the store went away: the hits so far stay
            log.warning("next page of hits for %r: %s", self.query, exc)
            return None

    def take(self, found: Any, offset: int) -> list[SearchHit]:
        """The hits of a page fetched from `offset` (none when the hits moved on since)."""
        if offset != self.fetched or self.done:
            return []
        if found is None or not found.hits:
            self.done = True
            return []
        self.fetched += len(found.hits)
        self.done = len(found.hits) < INDEX_PAGE
        return [SearchHit(h.doc, h.start, h.end) for h in found.hits if h.doc in self.known]


def _prefetch(w: MainWindow) -> None:
    """Fetch the next page of an index search in the background when the hits shown come
    near the end of those fetched (`n` then never waits for the index)."""
    session = w.session
    pages = session.hit_pages
    if pages is None or pages.done or pages.pending:
        return
    if len(session.hits) - session.hit_index > PREFETCH_AT:
        return
    from reader.store.db import _db_path

    path = _db_path(pages.conn)
    if path is None:
        return  # a store without a file: `n` fetches it when it gets there
    db, offset = str(path.absolute()), pages.fetched
    pages.pending = True

    def fetch() -> Any:
        import sqlite3

        from reader.store.db import thread_reader

        try:
            return pages.search(thread_reader(db), offset)
        except sqlite3.Error:  # the store went away: `n` tries itself at the end
            return None

    def landed(found: Any) -> None:
        pages.pending = False
        if session.hit_pages is not pages:
            return  # another search since
        session.hits.extend(pages.take(found, offset))
        total, at_least = _hit_total(session)
        w.search_bar.set_count(session.hit_index, total, at_least)

    w.jobs.submit("hit-page", fetch, landed)


def _index_hits(w: MainWindow, query: str) -> tuple[list[SearchHit], HitPages] | None:
    """The first page of hits from the store's full-text index, ranked, and the pages after
    it; None when the index is not fresh."""
    analysis = w.session.analysis
    conn = getattr(w.store, "conn", None)
    if not w.index_fresh or conn is None or analysis is None:
        return None
    from reader.corpus.search import QueryError
    from reader.store.index import search_index

    root = analysis.corpus.root
    try:
        found = search_index(conn, root, query, limit=INDEX_PAGE)
    except QueryError as exc:
        raise CommandError(f"Cannot search for “{query}”: {exc}") from exc
    known = {d.id for d in analysis.corpus.documents}
    hits = [SearchHit(h.doc, h.start, h.end) for h in found.hits if h.doc in known]
    return hits, HitPages(conn, root, query, known, found)


def run_search(w: MainWindow, query: str, scope: str = "topic") -> list[SearchHit]:
    analysis = w.session.analysis
    if analysis is None:
        raise CommandError("No corpus loaded")
    query = query.strip()
    if not query:
        w.session.set_hits([])  # the old hits' highlights go too
        return []
    if scope == "topic":
        docs = [c.doc for c in w.area.columns]
        if docs:
            focused = w.area.column.doc
            docs = [focused] + [d for d in docs if d is not focused]
        hits = _ordered_hits(w, docs, query)
    pages = None
    if scope != "topic":
        indexed = _index_hits(w, query)
        if indexed is None:
            hits = _ordered_hits(w, analysis.corpus.documents, query)
        else:
            hits, pages = indexed
    w.session.search_scope = scope
    w.session.set_hits(hits, pages=pages)
    return hits


def submitted(w: MainWindow, query: str, scope: str) -> None:
    """The search bar's Enter."""
    try:
        hits = run_search(w, query, scope)
    except CommandError as exc:
        w.show_error(str(exc))
        return
    if w.modes.mode == Mode.COMMAND:
        w.modes.leave()
    w.focus_columns()
    if not hits:
        w.search_bar.set_count(-1, 0)
        if query.strip():
            w.show_message(f"No hits for “{query.strip()}”")
        else:  # Enter on an empty search bar clears the hits
            w.show_message("Search cleared: type words to search for")
        return
    goto_hit(w, 0)


def goto_hit(w: MainWindow, index: int) -> None:
    session = w.session
    if not session.hits:
        raise CommandError("No search hits (/ searches)")
    pages = session.hit_pages
    while pages is not None and index >= len(session.hits) and not pages.done:
        session.hits.extend(pages.next())  # the next page of an index search
    session.hit_index = index % len(session.hits)
    hit = session.hits[session.hit_index]
    w.reveal(hit.doc, hit.start)
    session.hits_changed.emit()
    total, at_least = _hit_total(session)
    w.search_bar.set_count(session.hit_index, total, at_least)
    if w.concordance is not None and w.concordance.isVisible():
        w.concordance.select_hit(hit.doc, hit.start)
    more = "+" if at_least else ""
    w.show_message(f"Hit {session.hit_index + 1:,} of {total:,}{more}")
    _prefetch(w)


def _hit_total(session: Any) -> tuple[int, bool]:
    """How many hits there are (and whether that is a lower bound)."""
    pages = session.hit_pages
    if pages is None or pages.done:
        return len(session.hits), False
    return max(pages.total, len(session.hits)), not pages.exact


@command()
def search(w: MainWindow) -> None:
    """Search in this topic"""
    w.modes.enter(Mode.COMMAND)
    w.search_bar.open("topic")


@command()
def search_everywhere(w: MainWindow) -> None:
    """Search in every document of the corpus"""
    w.modes.enter(Mode.COMMAND)
    w.search_bar.open("all")


@command()
def search_next(w: MainWindow, count: int = 1) -> None:
    """Next search hit"""
    goto_hit(w, w.session.hit_index + max(1, count))


@command()
def search_prev(w: MainWindow, count: int = 1) -> None:
    """Previous search hit"""
    goto_hit(w, w.session.hit_index - max(1, count))


def close_search(w: MainWindow) -> None:
    w.search_bar.hide()
    if w.modes.mode == Mode.COMMAND:
        w.modes.leave()
    w.focus_columns()


@command()
def concordance(w: MainWindow, *query: str) -> None:
    """Concordance (KWIC) of this topic, with the aligned passages of the others"""
    from PySide6.QtCore import Qt

    analysis = w.session.analysis
    if analysis is None or not w.area.columns:
        raise CommandError("No document open")
    docs = [c.doc for c in w.area.columns]
    ids = [d.id for d in docs]
    memory = memory_search(w, docs)

    def search_fn(q: str, exact: bool) -> Any:
        return memory.search(q, exact=exact)

    def align(doc_id: str, passage: int) -> dict[str, list[int]]:
        return analysis.partners(ids, doc_id, passage)

    view = w.concordance_view()
    view.set_documents(docs, search_fn, align_fn=align if len(ids) > 1 else None)
    topic = w.session.topic
    label = topic.label if topic and not w.session.single_doc else docs[0].title
    assert w.concordance_dock is not None
    w.concordance_dock.setWindowTitle(f"Concordance — {label[:40]}")
    w.concordance_dock.show()
    w.concordance_dock.raise_()
    seed = " ".join(query) or w.search_bar.line.text().strip()
    if seed:
        view.search(seed)
    if not seed or not view.hits():
        view.query_box.setText(seed)
        view.query_box.selectAll()
        view.query_box.setFocus(Qt.FocusReason.OtherFocusReason)
    else:
        view.table.setFocus(Qt.FocusReason.OtherFocusReason)


def goto_span(w: MainWindow, doc_id: str, start: int, end: int) -> None:
    """A concordance hit chosen: show it, and let n / N step through the concordance's hits."""
    if not w.reveal(doc_id, start):
        w.show_error(f"No document {doc_id}")
        return
    shown = w.concordance.hits() if w.concordance is not None else []
    hits = [SearchHit(h.doc, h.start, h.end) for h in shown]
    target = SearchHit(doc_id, start, end)
    if target not in hits:
        hits.append(target)
    w.session.set_hits(hits, hits.index(target))
    w.focus_columns()
    doc = w.session.document(doc_id)
    if doc is not None:
        w.show_message(f"{doc.title[:40]}: “{doc.text[start:end][:40]}”")


def concordance_view(w: MainWindow) -> Any:
    """The concordance view in its dock (bottom), made the first time it is asked for."""
    if w.concordance is None:
        from PySide6.QtCore import Qt

        from reader.ui.concordance import ConcordanceView
        from reader.ui.layout_guard import tab_with_bottom_docks

        view = ConcordanceView()
        view.owns_keyboard = True  # its table and query box read their own keys
        view.hit_activated.connect(lambda d, s, e: goto_span(w, d, s, e))
        view.closed.connect(w._concordance_closed)
        w.concordance = view
        w.concordance_dock = w._dock("Concordance", view, Qt.DockWidgetArea.BottomDockWidgetArea)
        tab_with_bottom_docks(w, w.concordance_dock)  # beside the mismatches panel: one tab each
        view.splitter.setOrientation(Qt.Orientation.Horizontal)
        view.splitter.setSizes([3000, 2000])
        height = max(240, w.height() * 2 // 5)
        w.resizeDocks([w.concordance_dock], [height], Qt.Orientation.Vertical)
        from reader.ui.wiring import zoom_panels

        zoom_panels(w, w.zoom)
    return w.concordance
