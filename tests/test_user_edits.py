"""Topic edits and entity links made in the app (stored) also shape what the CLI prints."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from reader.cli import main
from reader.store.annotations import Store
from reader.store.user_edits import stored_user_edits


def topics_json(capsys, *extra: str) -> dict:
    assert main(["topics", "--json", *extra]) == 0
    return json.loads(capsys.readouterr().out)


def test_stored_rename_and_move_show_in_topics_command(tmp_path: Path, capsys) -> None:
    db = tmp_path / "store.sqlite3"
    before = topics_json(capsys)
    biggest = max(before["topics"], key=lambda t: len(t["documents"]))
    moved = biggest["documents"][-1]
    with Store(db) as store:
        store.rename_topic(biggest["id"], "Sora and the AI race")
        path = next(d["path"] for d in json.loads(_docs(capsys))["documents"] if d["id"] == moved)
        store.move_document(path, "my-own-topic")
    after = topics_json(capsys, "--db", str(db))
    renamed = next(t for t in after["topics"] if t["id"] == biggest["id"])
    assert renamed["label"] == "Sora and the AI race"
    assert moved not in renamed["documents"]
    assert any(moved in t["documents"] for t in after["topics"] if t["id"] != biggest["id"])


def test_reading_edits_never_creates_a_store(tmp_path: Path) -> None:
    db = tmp_path / "absent.sqlite3"
    assert stored_user_edits(str(db)) == ([], [])
    assert not db.exists()


@pytest.mark.parametrize(
    "argv",
    [["topics", "--json"], ["entities", "--json"], ["docs", "--json"], ["search", "x", "--json"]],
)
def test_a_refused_store_is_one_clear_line_and_exit_1(tmp_path: Path, capsys, argv) -> None:
    bad = tmp_path / "not-a-store.sqlite3"
    bad.write_text("hello", "utf-8")
    assert main([*argv, "--db", str(bad)]) == 1
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1 and bad.read_text("utf-8") == "hello"


def _docs(capsys) -> str:
    assert main(["docs", "--json"]) == 0
    return capsys.readouterr().out


def test_stored_entity_unlink_shows_in_entities_command(tmp_path: Path, capsys) -> None:
    db = tmp_path / "store.sqlite3"

    def us_mentions(*extra: str) -> set[str]:
        assert main(["entities", "--json", *extra]) == 0
        data = json.loads(capsys.readouterr().out)
        [us] = [e for e in data["entities"] if e["key"] == "region:US"]
        return {o["text"] for o in us["occurrences"]}

    assert "Mỹ" in us_mentions()
    with Store(db) as store:
        store.unlink_entities("region:US", "my")  # the reader says Mỹ is not the US here
    after = us_mentions("--db", str(db))
    assert "Mỹ" not in after and {"EUA", "Estados Unidos"} & after
