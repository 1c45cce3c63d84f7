"""The passage window of a very long document: only passages around the cursor are in the
view's QTextDocument (about WINDOW_CHARS of text), so `G` on a 10 MB file lays out a few hundred
passages, not all of them. Mixed into `DocumentView`."""

from __future__ import annotations

from typing import TYPE_CHECKING

WINDOW_CHARS = 300_000  # a longer document shows a window of passages this long around the cursor

if TYPE_CHECKING:
    from reader.corpus.model import Passage


class PassageWindow:
    """`_base`..`_stop` are the passages in the QTextDocument (all of them unless windowed)."""

    _passages: list[Passage]
    _base: int
    _stop: int
    _windowed: bool
    _built: bool

    def _window_around(self, index: int) -> tuple[int, int]:
        """Passages around `index` holding about WINDOW_CHARS of text."""
        n = len(self._passages)
        lo = hi = max(0, min(index, n - 1))
        budget = WINDOW_CHARS
        while budget > 0 and (lo > 0 or hi < n - 1):
            if hi < n - 1:
                hi += 1
                budget -= self._passages[hi].end - self._passages[hi].start
            if lo > 0:
                lo -= 1
                budget -= self._passages[lo].end - self._passages[lo].start
        return lo, hi + 1

    def _ensure_in_window(self, index: int) -> None:
        """Move the window so that passage `index` is in it (the view keeps what it shows
        where it can)."""
        if not self._built or self._base <= index < self._stop:
            return
        self._rewindow(index)

    def _rewindow(self, index: int) -> None:
        self._base, self._stop = self._window_around(index)
        self._display = None
        self.setDocument(self._build_document())
        self._new_document()
        self.schedule_refresh()

    def in_window(self, index: int) -> bool:
        return self._base <= index < self._stop

    def _follow_window_edge(self) -> None:
        """Scrolled by hand to an end of the window: move the window on, keeping the passage
        at the top of the screen where it is."""
        if not self._windowed or not self._built:
            return
        bar = self.verticalScrollBar()
        near_end = bar.value() >= bar.maximum() - 2 and self._stop < self.passage_count
        near_start = bar.value() <= bar.minimum() + 2 and self._base > 0
        if not (near_end or near_start):
            return
        anchor = self.passage_at_y(0)
        y = self.passage_top(anchor)
        self._rewindow(anchor)
        self.scroll_passage_to(anchor, y)

