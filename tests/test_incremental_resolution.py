"""`topics` and `entities` after files changed, updated from the previous analysis's
resolution state (`reader.corpus.resolution_state`), against a full recompute of the same
store with every stored analysis deleted: the JSON must be byte for byte the same."""

from __future__ import annotations

import json
import random
import shutil
import sqlite3
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from reader.cli import main
from reader.store.index import resolved

sys.path.insert(0, str(Path(__file__).parent / "bench"))
import gen_corpus

DATA = Path(__file__).parent / "data"
# Names written into files by the edits (made up; each new to the generated corpus)
NAMES = ["Zorvath Kimble", "Quillon Marsh", "Bereniko Tall", "Oszkar Vendl"]


def outputs(root: Path, db: str, capsys) -> tuple[str, str]:
    """The `topics --json` and `entities --json` of the folder with store `db`."""
    out = []
    for command in ("topics", "entities"):
        assert main([command, str(root), "--json", "--db", db]) == 0
        out.append(capsys.readouterr().out)
    return out[0], out[1]


def recomputed(root: Path, db: str, tmp_path: Path, capsys) -> tuple[str, str]:
    """The same outputs from a copy of the store without any stored analysis (a new file
    each time: a process keeps its readers of a store path open)."""
    copy = tmp_path / f"full{len(list(tmp_path.glob('full*')))}.sqlite3"
    source, conn = sqlite3.connect(db), sqlite3.connect(copy)
    source.backup(conn)  # the store is in WAL mode: its file alone is not all of it
    source.close()
    with conn:
        conn.execute("DELETE FROM doc_cache WHERE kind LIKE 'analysis%'")
    conn.close()
    found = outputs(root, str(copy), capsys)
    assert resolved.last_report["incremental"] == 0
    return found


def corpus(tmp_path: Path, docs: int) -> Path:
    """Generated vi/km/pt documents and the four-script stories of `scripts_dev` (Khmer and
    Thai versions linked by sound to English ones: links across scripts)."""
    root = tmp_path / "corpus"
    gen_corpus.generate(root / "gen", docs, seed=5)
    shutil.copytree(DATA / "entities" / "scripts_dev", root / "stories")
    return root


def append(path: Path, text: str) -> None:
    path.write_text(path.read_text(encoding="utf-8") + f"\n\n{text}\n", encoding="utf-8")


def edit(rng: random.Random, root: Path, step: int) -> str:
    """One random edit of the folder; its description."""
    files = sorted(p for p in root.rglob("*") if p.is_file())
    kind = ["shared", "unshared", "added", "removed", "two"][step % 5]
    if kind == "shared":  # a name new in one file, then in another: it becomes shared
        name = NAMES[step % len(NAMES)]
        a, b = rng.sample(files, 2)
        append(a, f"{name} met reporters in Lisbon.")
        append(b, f"Ông {name} nói chuyện tại Hà Nội.")
        return f"{name} in {a.name} and {b.name}"
    if kind == "unshared":  # a file that shared a name loses it
        holders = [p for p in files if any(n in p.read_text(encoding="utf-8") for n in NAMES)]
        target = holders[0] if holders else rng.choice(files)
        text = target.read_text(encoding="utf-8")
        for n in NAMES:
            text = text.replace(n, "the visitor")
        target.write_text(text, encoding="utf-8")
        return f"names taken out of {target.name}"
    if kind == "added":
        source = rng.choice(files)
        new = source.with_name(f"added_{step}{source.suffix}")
        new.write_text(source.read_text(encoding="utf-8") + "\n\nNexora Quantum.\n", "utf-8")
        return f"{new.name} added"
    if kind == "removed":
        gone = rng.choice(files)
        gone.unlink()
        return f"{gone.name} removed"
    a, b = rng.sample(files, 2)
    append(a, "Aurea Bank and Helix Pharma signed in Porto.")
    append(b, "Quanta Rail chose Mekong Data.")
    return f"{a.name} and {b.name} changed"


@pytest.mark.parametrize("seed", [1, 2])
def test_after_random_edits_the_update_equals_a_full_recompute(tmp_path, capsys, seed) -> None:
    root = corpus(tmp_path, 24)
    db = str(tmp_path / "store.sqlite3")
    assert main(["index", str(root), "--db", db, "--quiet"]) == 0
    capsys.readouterr()
    outputs(root, db, capsys)  # the first analysis: computed whole, its state kept
    assert resolved.last_report["incremental"] == 0
    rng = random.Random(seed)
    for step in range(6):
        what = edit(rng, root, step)
        resolved.last_report.clear()
        updated = outputs(root, db, capsys)
        report = dict(resolved.last_report)
        assert report["incremental"] == 1, what  # updated, not recomputed
        assert report["changed"] < report["documents"], what
        # the unchanged documents' key counts came from the analysis before, not their rows
        assert report["counts_kept"] > 0, what
        if what.startswith(tuple(NAMES)) or what.startswith("names"):
            # the same documents, a rare name: the topics' pairs were updated too
            assert report.get("pairs_incremental") == 1, what
        full = recomputed(root, db, tmp_path, capsys)
        assert updated[0] == full[0], f"topics differ after: {what}"
        assert updated[1] == full[1], f"entities differ after: {what}"


def _damage(db: str, part: str, damaged: Callable[[bytes], bytes]) -> None:
    """Replace the stored analysis part `part` (`counts`, `resolution`...) by `damaged(it)`."""
    conn = sqlite3.connect(db)
    with conn:
        where = f"WHERE sha256 LIKE '%/{part}'"
        blob = conn.execute(f"SELECT data FROM doc_cache {where}").fetchone()[0]
        conn.execute(f"UPDATE doc_cache SET data = ? {where}", (damaged(bytes(blob)),))
    conn.close()


def _updated_after_damage(
    tmp_path, capsys, part: str, damaged: Callable[[bytes], bytes]
) -> tuple[dict, tuple[str, str], tuple[str, str]]:
    """Index and analyse a corpus, damage a part of its stored analysis, change a file: the
    update's report, its outputs and those of a recompute."""
    root = corpus(tmp_path, 9)
    db = str(tmp_path / "store.sqlite3")
    assert main(["index", str(root), "--db", db, "--quiet"]) == 0
    outputs(root, db, capsys)
    _damage(db, part, damaged)
    append(sorted(root.rglob("*.txt"))[0], "Zorvath Kimble met reporters in Lisbon.")
    updated = outputs(root, db, capsys)
    report = dict(resolved.last_report)
    return report, updated, recomputed(root, db, tmp_path, capsys)


def test_damaged_key_counts_are_counted_from_the_rows(tmp_path, capsys) -> None:
    # one number changed: the chunk's CRC or numbers no longer hold
    report, updated, full = _updated_after_damage(
        tmp_path, capsys, "counts", lambda blob: blob[:-9] + b"x"
    )
    assert report["incremental"] == 1
    assert report["counts_kept"] == 0
    assert updated == full


def test_a_damaged_state_is_recomputed_whole(tmp_path, capsys) -> None:
    report, updated, full = _updated_after_damage(
        tmp_path, capsys, "resolution", lambda _: b"\x00\xff"
    )
    assert report["incremental"] == 0  # the state could not be read
    assert updated == full


def _label(entities_json: str, key: str) -> str | None:
    found = [e["label"] for e in json.loads(entities_json)["entities"] if e["key"] == key]
    return found[0] if found else None


def test_an_entitys_label_follows_its_mentions_after_an_update(tmp_path, capsys) -> None:
    """Shared entities whose mentions did not change keep their label from the previous
    analysis; one whose mentions changed is labelled again (here, by its spelling now most
    used), and a damaged part of labels is no label at all."""
    root = corpus(tmp_path, 12)
    db = str(tmp_path / "store.sqlite3")
    files = sorted(p for p in (root / "gen").rglob("*.txt") if p.name.startswith("vi_"))
    append(files[0], "Hôm qua Zorvath Kimble đến Lisbon.")
    append(files[1], "Hôm nay Zorvath Kimble đến Porto.")
    assert main(["index", str(root), "--db", db, "--quiet"]) == 0
    before = outputs(root, db, capsys)
    assert _label(before[1], "zorvath kimble") == "Zorvath Kimble"
    append(files[2], "Ông Zorváth Kimble, bà Zorváth Kimble và Zorváth Kimble ở Hà Nội.")
    updated = outputs(root, db, capsys)
    assert resolved.last_report["incremental"] == 1
    # its kinds and surfaces were the previous analysis's, patched by the changed document
    assert resolved.last_report["labels_patched"] >= 1
    assert _label(updated[1], "zorvath kimble") == "Zorváth Kimble"
    assert updated == recomputed(root, db, tmp_path, capsys)
    # kinds and surfaces unreadable: the labels are counted from the mentions
    _damage(db, "mentions", lambda _: b"\x00\xff")
    append(files[2], "Zorvath Kimble, Zorvath Kimble, Zorvath Kimble.")
    updated = outputs(root, db, capsys)
    assert resolved.last_report["incremental"] == 1
    assert resolved.last_report.get("labels_patched", 0) == 0
    assert _label(updated[1], "zorvath kimble") == "Zorvath Kimble"
    assert updated == recomputed(root, db, tmp_path, capsys)
    _damage(db, "labels", lambda _: b"\x00\xff")
    append(files[3], "Zorvath Kimble.")
    again = outputs(root, db, capsys)
    assert resolved.last_report["incremental"] == 1
    assert again == recomputed(root, db, tmp_path, capsys)


def test_a_retitled_document_is_described_anew_after_an_update(tmp_path, capsys) -> None:
    """Topics whose documents did not change keep their description from the previous
    analysis; one whose document's title changed (a letter of a plain word, so no candidate
    moved) is labelled by its new title."""
    root = corpus(tmp_path, 12)
    db = str(tmp_path / "store.sqlite3")
    assert main(["index", str(root), "--db", db, "--quiet"]) == 0
    capsys.readouterr()
    topics, entities = outputs(root, db, capsys)
    paths = {d["id"]: d["path"] for d in json.loads(entities)["documents"]}

    def plain(title: str) -> int | None:  # a lower-case word early in the title
        words = title.split(" ")[:6]
        return next(
            (n for n, w in enumerate(words) if len(w) >= 4 and w.isalpha() and w.islower()), None
        )

    alone = [t for t in json.loads(topics)["topics"] if len(t["documents"]) == 1]
    topic = next(
        t
        for t in alone
        if paths[t["documents"][0]].startswith("gen/") and plain(t["label"]) is not None
    )
    path = root / paths[topic["documents"][0]]
    text = path.read_text(encoding="utf-8")
    title, rest = text.split("\n", 1)
    words = title.split(" ")
    at = plain(title)
    assert at is not None and topic["label"].startswith(" ".join(words[: at + 1]))
    words[at] = words[at][:-1] + ("x" if words[at][-1] != "x" else "z")
    path.write_text(" ".join(words) + "\n" + rest, encoding="utf-8")
    updated = outputs(root, db, capsys)
    assert resolved.last_report["incremental"] == 1
    labels = {t["id"]: t["label"] for t in json.loads(updated[0])["topics"]}
    assert labels[topic["id"]] != topic["label"]
    assert labels[topic["id"]].startswith(" ".join(words[: at + 1]))
    assert updated == recomputed(root, db, tmp_path, capsys)


class _Pipe:
    def send(self, message) -> None:
        pass


def test_the_app_updates_the_analysis_the_cli_stored(tmp_path, capsys) -> None:
    import threading

    from reader.load_jobs import _load
    from reader.store.db import connect
    from reader.store.index import refresh_index

    root = corpus(tmp_path, 9)
    db = str(tmp_path / "store.sqlite3")
    assert main(["index", str(root), "--db", db, "--quiet"]) == 0
    outputs(root, db, capsys)  # the CLI's analysis, its state kept
    append(sorted(root.rglob("*.txt"))[0], "Zorvath Kimble met reporters in Lisbon.")
    conn = connect(db)
    refresh_index(conn, root, workers=1)  # the app's refresh job
    conn.close()
    resolved.last_report.clear()
    _, _parts, from_index = _load(_Pipe(), threading.Event(), str(root), [], [], db)
    assert from_index and resolved.last_report["incremental"] == 1
    assert resolved.last_report["changed"] == 1
    # what the app stored is what the CLI reads back, and what a full recompute prints
    assert outputs(root, db, capsys) == recomputed(root, db, tmp_path, capsys)


def test_a_dropped_analysis_leaves_nothing_to_start_from(tmp_path) -> None:
    from reader.corpus.pipeline import analyse, analysis_parts_of
    from reader.store.analysis_store import KEEP, keep_analysis, previous_resolution
    from reader.store.db import connect
    from reader.store.index import load_indexed_corpus
    from reader.store.index.entities import entities_from_index

    root = corpus(tmp_path, 6)
    db = str(tmp_path / "store.sqlite3")
    assert main(["index", str(root), "--db", db, "--quiet"]) == 0
    conn = connect(db)
    found = load_indexed_corpus(conn, root)
    lines = [[(f"name{n}", f"other{n}", True)] for n in range(KEEP + 1)]  # other links each
    for links in lines:
        analysis = analyse(found, links, [], entities=entities_from_index(conn, found, links))
        assert keep_analysis(conn, found, links, [], analysis_parts_of(analysis))
    assert previous_resolution(conn, found, lines[0]) is None  # its analysis was dropped
    assert all(previous_resolution(conn, found, links) for links in lines[1:])
    count = "SELECT count(*) FROM doc_cache WHERE kind = 'analysis.lineage'"
    assert conn.execute(count).fetchone()[0] == KEEP
    conn.close()


def _languages_of(entities_json: str, key: str) -> list[str]:
    found = [e["languages"] for e in json.loads(entities_json)["entities"] if e["key"] == key]
    return found[0] if found else []


def test_links_across_scripts_follow_each_update_of_a_state_in_many_chunks(
    tmp_path, capsys, monkeypatch
) -> None:
    """A state written in chunks of three documents (most of them copied, not read, by an
    update): a name that links a Khmer and a Thai version to the English one by sound is
    taken out of the English version (the link goes: Manchester is no longer shared in
    Khmer and Thai), put back, the English file deleted and then written again as a new
    file; after each, `topics` and `entities` are those of a full recompute (each step
    leaves a folder not analysed before: an update each time)."""
    from reader.corpus import state_codec

    monkeypatch.setattr(state_codec, "CHUNK", 3)
    root = corpus(tmp_path, 12)
    db = str(tmp_path / "store.sqlite3")
    assert main(["index", str(root), "--db", db, "--quiet"]) == 0
    capsys.readouterr()
    before = outputs(root, db, capsys)
    assert {"en", "km", "th"} <= set(_languages_of(before[1], "manchester"))
    english = root / "stories" / "a_corbyn_en.txt"
    text = english.read_text(encoding="utf-8")
    steps = [  # each a folder not analysed before (else its stored analysis is read)
        ("Manchester taken out", lambda: english.write_text(text.replace("Manchester", "town"))),
        ("Manchester put back", lambda: english.write_text(text + "\n\nMay replied.\n")),
        ("the English version deleted", english.unlink),
        ("the English version new again", lambda: english.write_text(text + "\n\nNo.\n")),
    ]
    for what, change in steps:
        change()
        resolved.last_report.clear()
        updated = outputs(root, db, capsys)
        assert resolved.last_report["incremental"] == 1, what
        assert updated == recomputed(root, db, tmp_path, capsys), what
        languages = set(_languages_of(updated[1], "manchester"))
        if what == "Manchester taken out":
            assert not {"en", "km"} <= languages, what  # no English name to link to
        else:
            assert {"en", "km", "th"} <= languages or what.endswith("deleted"), what
