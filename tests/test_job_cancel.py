"""Cancelling a job whose child process has already ended returns at once: a child that ends
while it waits on the job's multiprocessing Event would leave a sleeper nobody wakes, and the
window closing after an index refresh would hang on `set()`."""

from __future__ import annotations

import multiprocessing
import threading

from reader import load_jobs
from tests.indexed_texts import TEXTS


def test_cancelling_an_index_job_after_its_process_ended_returns(tmp_path):
    root = tmp_path / "corpus"
    root.mkdir()
    for name, text in TEXTS.items():
        (root / name).write_text(text, encoding="utf-8")
    context = multiprocessing.get_context("spawn")
    cancel = context.Event()
    parent_end, child_end = context.Pipe(duplex=False)
    db = str(tmp_path / "store.sqlite3")
    job = context.Process(target=load_jobs.run, args=("index", child_end, cancel, str(root), db))
    job.start()
    child_end.close()
    messages = []
    while not messages or messages[-1][0] == "progress":
        messages.append(parent_end.recv())
    job.join(60)
    assert messages[-1][0] == "ok" and job.exitcode == 0
    setter = threading.Thread(target=cancel.set, daemon=True)
    setter.start()
    setter.join(10)
    assert not setter.is_alive(), "cancel.set() waited for a process that has ended"
