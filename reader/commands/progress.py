"""Indexing progress on the terminal (the store reports progress; showing it is the CLI's)."""

from __future__ import annotations

import os
import sys
import threading
import time
from pathlib import Path
from typing import Any

from reader.corpus.model import Corpus
from reader.store.index import IndexProgress

MIN_RATE_SECONDS = 2.0  # progress shows a rate and an ETA only after this long


class StderrProgress:
    """Prints `count/total, MB/s, ETA` on stderr, on one updated line when it is a terminal."""

    def __init__(self, stream: Any = None, interval: float = 0.5) -> None:
        self.stream = stream or sys.stderr
        self.tty = bool(getattr(self.stream, "isatty", lambda: False)())
        self.interval = interval if self.tty else max(interval, 5.0)
        self._last = 0.0
        self._shown = False
        self._phase = 1

    def __call__(self, p: IndexProgress) -> None:
        now = time.monotonic()
        if p.phase != self._phase:  # phase 2 starts on a line of its own
            if self._shown and self.tty:
                self.stream.write("\n")
            self._phase, self._last = p.phase, 0.0
        if p.done < p.total and now - self._last < self.interval:
            return
        self._last = now
        what = "indexing" if p.phase == 1 else "entities of"
        line = f"{what} {p.done}/{p.total} files"
        if p.elapsed >= MIN_RATE_SECONDS and p.bytes_done:  # a rate of a moment means nothing
            rate = p.mb_per_s
            line += f"  {rate:.1f} MB/s" if rate >= 1 else f"  {rate * 1000:.0f} kB/s"
            if p.eta is not None and p.done < p.total:
                line += f"  ETA {_clock(p.eta)}"
        if self.tty:
            self.stream.write("\r" + line.ljust(60))
        else:
            self.stream.write(line + "\n")
        self._shown = True
        self.stream.flush()

    def finish(self) -> None:
        if self._shown and self.tty:
            self.stream.write("\n")
            self.stream.flush()


class ElapsedLine:
    """`label…` on stderr and, on a terminal, the time gone by on that line each second while
    a step with no count to show runs (`with ElapsedLine("finding topics"):`)."""

    def __init__(self, label: str, stream: Any = None, interval: float = 1.0) -> None:
        self.label, self.stream, self.interval = label, stream or sys.stderr, interval
        self.tty = bool(getattr(self.stream, "isatty", lambda: False)())
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._tick, daemon=True)
        self._started = time.monotonic()

    def __enter__(self) -> ElapsedLine:
        self.stream.write(f"corpus-reader: {self.label}…" + ("" if self.tty else "\n"))
        self.stream.flush()
        if self.tty:
            self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._done.set()
        if self.tty:
            self._thread.join()
            self._show()
            self.stream.write("\n")
            self.stream.flush()

    def _tick(self) -> None:
        while not self._done.wait(self.interval):
            self._show()

    def _show(self) -> None:
        gone = _clock(time.monotonic() - self._started)
        self.stream.write(f"\rcorpus-reader: {self.label}… {gone}")
        self.stream.flush()


def _clock(seconds: float) -> str:
    s = int(seconds + 0.5)
    if s >= 3600:
        return f"{s // 3600}:{s // 60 % 60:02d}:{s % 60:02d}"
    return f"{s // 60}:{s % 60:02d}"


def read_corpus(root: Path, db: str | os.PathLike[str] | None) -> Corpus:
    """`reader.store.indexed.read_corpus`, showing indexing progress when stderr is a terminal."""
    from reader.store.indexed import read_corpus as read

    progress = StderrProgress() if sys.stderr.isatty() else None
    try:
        return read(root, db, progress=progress)
    finally:
        if progress is not None:
            progress.finish()
