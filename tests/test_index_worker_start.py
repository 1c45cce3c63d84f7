"""Worker processes are forked from a process that runs one thread (the command line: they
start with every module imported) and spawned when other threads run (the app, where a fork
can hang); both give the index one process gives (issue 13, phase 1, session 9)."""

from __future__ import annotations

import subprocess
import sys
import threading
from pathlib import Path

import pytest

from reader.store.db import connect
from reader.store.index import refresh_index, search_index
from reader.store.index.pool import LocalWorkers
from tests.index.helpers import _gen_module

HERE = Path(__file__).parent


@pytest.fixture(scope="module")
def generated(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("generated")
    _gen_module().generate(root, 60, seed=5)
    return root


def _in_thread(fn):
    out: list = []
    t = threading.Thread(target=lambda: out.append(fn()))
    t.start()
    t.join()
    return out[0]


_START_METHODS = """
import threading
from reader.store.index.pool import start_context
print(start_context().get_start_method())
stop = threading.Event()
other = threading.Thread(target=stop.wait)
other.start()
print(start_context().get_start_method())
stop.set()
"""


def test_workers_are_forked_from_one_thread_and_spawned_beside_others() -> None:
    # a fresh interpreter: the test runner itself may run other threads
    done = subprocess.run(
        [sys.executable, "-c", _START_METHODS], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["fork", "spawn"]


def _hits(conn, root) -> dict[str, list[tuple[str, int, int]]]:
    return {
        q: [(h.path, h.start, h.end) for h in search_index(conn, root, q, limit=None).hits]
        for q in ("nguyen", "lisboa", "ភ្នំពេញ", '"aurea bank"')
    }


def test_forked_and_spawned_workers_give_the_index_of_one_process(generated, tmp_path) -> None:
    dbs = {name: tmp_path / f"{name}.sqlite3" for name in ("one", "forked", "spawned")}

    def index(name: str, workers: int | LocalWorkers) -> None:
        conn = connect(dbs[name])
        try:
            assert refresh_index(conn, generated, workers=workers, entities=False).processed == 60
        finally:
            conn.close()

    index("one", 1)
    # the command line, in a process of one thread: its workers are forked
    done = subprocess.run(
        [sys.executable, "-m", "reader", "index", str(generated), "--db", str(dbs["forked"]),
         "--workers", "2", "--no-entities", "--quiet"],
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    pool = LocalWorkers(2)
    try:
        _in_thread(lambda: index("spawned", pool))
        assert pool.executor()._mp_context.get_start_method() == "spawn"  # type: ignore[attr-defined]
    finally:
        pool.close()
    found = {}
    for name, db in dbs.items():
        conn = connect(db)
        try:
            found[name] = _hits(conn, generated)
        finally:
            conn.close()
    assert all(found["one"].values())
    assert found["forked"] == found["one"] == found["spawned"]


def _ast_imports(source: str) -> list[str]:
    """What `facts_version` followed before session 9: the imports `ast` finds."""
    import ast

    out: list[str] = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            out.append(node.module)
            out += [f"{node.module}.{a.name}" for a in node.names]
        elif isinstance(node, ast.Import):
            out += [a.name for a in node.names]
    return out


def test_the_facts_version_follows_the_imports_a_parser_finds() -> None:
    """The version of stored facts hashes the modules entity finding imports, found by a
    regex; on every module of `reader` it finds what a parser finds (else stored facts would be
    kept after a change that alters them, or dropped for nothing)."""
    from reader.store.index.model import _imports

    top = HERE.parent / "reader"
    modules = sorted(top.rglob("*.py"))
    assert len(modules) > 100
    for path in modules:
        source = path.read_text("utf-8")
        assert sorted(set(_imports(source))) == sorted(set(_ast_imports(source))), path
