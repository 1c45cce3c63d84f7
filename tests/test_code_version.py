"""A stored analysis is a miss once the code that computes it or the code that stores it
changes (an update starts from a stored state: an old format must not be read as new)."""

from __future__ import annotations

import shutil
from pathlib import Path

from reader.corpus.analysis_cache import code_version, source_hash

PACKAGE = Path(__file__).resolve().parents[1] / "reader"


def copy_of_sources(tmp_path: Path) -> Path:
    top = tmp_path / "reader"
    for folder in ("corpus", "store", "ui"):
        shutil.copytree(
            PACKAGE / folder, top / folder, ignore=shutil.ignore_patterns("__pycache__")
        )
    return top


def test_the_code_version_is_the_hash_of_the_installed_sources() -> None:
    assert code_version() == source_hash(PACKAGE)


def test_a_change_to_the_analysis_or_its_stored_form_is_a_new_version(tmp_path) -> None:
    top = copy_of_sources(tmp_path)
    before = source_hash(top)
    for changed in ("corpus/topics.py", "store/analysis_store.py", "store/index/resolved.py"):
        path = top / changed
        text = path.read_text("utf-8")
        path.write_text(text + "\n# changed\n", "utf-8")
        assert source_hash(top) != before, changed
        path.write_text(text, "utf-8")
        assert source_hash(top) == before
    (top / "ui" / "window.py").write_text("# the window only\n", "utf-8")
    assert source_hash(top) == before  # the app's window does not change what is stored
