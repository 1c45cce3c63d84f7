"""The reader corrects the alignment: links kept in the store, through edits, TMX and exchange."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from reader.cli import main
from reader.corpus.loading import load_corpus
from reader.store import alignment_links as al
from reader.store.annotations import Store

EN = (
    "Lucas Moreira joined Atlético Madrid from Palmeiras for 45 million.\n\n"
    "Diego Simeone said he had followed the player for two years.\n\n"
    "In Tokyo, Toyota reported record sales of 11.2 million cars in Japan and Europe.\n\n"
    "Moreira will make his debut against Sevilla on 14 September.\n"
)
PT = (
    "Lucas Moreira trocou o Palmeiras pelo Atlético de Madrid por 45 milhões.\n\n"
    "Diego Simeone disse que acompanhava o jogador havia dois anos.\n\n"
    "A estreia de Moreira deve ser contra o Sevilla, em 14 de setembro.\n"
)


@pytest.fixture
def story(tmp_path: Path) -> tuple[Path, Path, str]:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "en.txt").write_text(EN, encoding="utf-8")
    (corpus / "pt.txt").write_text(PT, encoding="utf-8")
    return corpus / "en.txt", corpus / "pt.txt", str(tmp_path / "store.sqlite3")


def run_json(capsys, *argv: str) -> dict:
    assert main(list(argv)) == 0, capsys.readouterr().err
    return json.loads(capsys.readouterr().out)


def pairs_of(data: dict) -> dict[tuple[tuple[int, ...], tuple[int, ...]], str]:
    return {(tuple(p["a"]), tuple(p["b"])): p["kind"] for p in data["pairs"]}


def test_user_and_confirmed_links_show_in_align_and_the_rest_is_aligned_around_them(story, capsys):
    en, pt, db = story
    before = pairs_of(run_json(capsys, "align", str(en), str(pt), "--json", "--db", db))
    assert before == {((0,), (0,)): "auto", ((1,), (1,)): "auto", ((3,), (2,)): "auto"}
    # the reader decides the Toyota paragraph goes with the debut (a wrong but deliberate link)
    run_json(capsys, "align-links", "link", str(en), str(pt), "--a", "2", "--b", "2", "--db", db)
    run_json(capsys, "align-links", "confirm", str(en), str(pt), "--a", "0", "--b", "0", "--db", db)
    after = pairs_of(run_json(capsys, "align", str(en), str(pt), "--json", "--db", db))
    assert after[((2,), (2,))] == "user"
    assert after[((0,), (0,))] == "confirmed"
    assert after[((1,), (1,))] == "auto"  # recomputed between the fixed points
    assert not any(3 in a or (2 in b and a != (2,)) for a, b in after)  # b 2 is taken
    table = main(["align", str(en), str(pt), "--db", db])
    assert table == 0 and " user " in capsys.readouterr().out


def test_an_unlinked_pair_is_never_linked_again_and_undo_brings_the_link_back(story, capsys):
    en, pt, db = story
    run_json(capsys, "align-links", "unlink", str(en), str(pt), "--a", "1", "--b", "1", "--db", db)
    data = run_json(capsys, "align", str(en), str(pt), "--json", "--db", db)
    assert ((1,), (1,)) not in pairs_of(data)
    assert 1 in data["unlinked"]["a"]
    # the core API the app's operation path calls: every change can be reverted (undo/redo)
    corpus = load_corpus(en.parent)
    doc_en, doc_pt = corpus.by_path("en.txt"), corpus.by_path("pt.txt")
    with Store(db) as store:
        change = al.add_link(store, doc_en, doc_pt, [1], [1])
        assert [f.a for f in al.resolve(store, doc_en, doc_pt).fixed] == [(1,)]
        assert not al.resolve(store, doc_en, doc_pt).forbidden  # the link lifted the unlink
        redo = al.revert(store, change)
        resolved = al.resolve(store, doc_en, doc_pt)
        assert resolved.fixed == [] and resolved.forbidden == {(1, 1)}
        al.revert(store, redo)
        assert [f.a for f in al.resolve(store, doc_en, doc_pt).fixed] == [(1,)]


def test_splitting_a_group_keeps_the_rest_of_it(story):
    en, _pt, db = story
    corpus = load_corpus(en.parent)
    doc_en, doc_pt = corpus.by_path("en.txt"), corpus.by_path("pt.txt")
    with Store(db) as store:
        al.add_link(store, doc_en, doc_pt, [0, 1], [0])  # merge: two passages with one
        al.unlink(store, doc_en, doc_pt, 1, 0)  # split one off again
        resolved = al.resolve(store, doc_en, doc_pt)
    assert [(f.a, f.b) for f in resolved.fixed] == [((0,), (0,))]
    assert resolved.forbidden == {(1, 0)}


def test_links_survive_an_edit_of_the_file_and_a_lost_one_is_reported_not_dropped(story, capsys):
    en, pt, db = story
    run_json(capsys, "align-links", "link", str(en), str(pt), "--a", "2", "--b", "2", "--db", db)
    run_json(capsys, "align-links", "link", str(en), str(pt), "--a", "1", "--b", "0", "--db", db)
    # a new first paragraph and a reworded one: the links follow their passages
    en.write_text(
        "BREAKING: transfer news.\n\n" + EN.replace("for two years", "for almost two years"),
        encoding="utf-8",
    )
    data = run_json(capsys, "align", str(en), str(pt), "--json", "--db", db)
    assert pairs_of(data)[((3,), (2,))] == "user"
    assert pairs_of(data)[((2,), (0,))] == "user"
    assert data["lost"] == []
    # the Toyota paragraph goes: that link cannot be placed, is reported and kept
    en.write_text(EN.replace(EN.split("\n\n")[2] + "\n\n", ""), encoding="utf-8")
    assert main(["align", str(en), str(pt), "--json", "--db", db]) == 0
    out, err = capsys.readouterr()
    lost = json.loads(out)["lost"]
    assert len(lost) == 1 and f"alignment link {lost[0]}" in err and "gone" in err
    listed = run_json(capsys, "align-links", "list", "--json", "--db", db)
    assert lost[0] in {x["id"] for x in listed["links"]}


def test_tmx_carries_the_readers_corrections(story, capsys, tmp_path):
    en, pt, db = story
    (en.parent / "topics.toml").write_text(
        '[[topic]]\nname = "Moreira"\ndocuments = ["en.txt", "pt.txt"]\n', encoding="utf-8"
    )
    topics = run_json(capsys, "topics", str(en.parent), "--json", "--db", db)
    topic = next(t["id"] for t in topics["topics"] if len(t["documents"]) == 2)
    run_json(capsys, "align-links", "link", str(en), str(pt), "--a", "2", "--b", "2", "--db", db)
    out = tmp_path / "out.tmx"
    assert main(["tmx", str(en.parent), "--topic", topic, "-o", str(out), "--db", db]) == 0
    xml = out.read_text(encoding="utf-8")
    units = xml.split("<tu ")[1:]
    toyota = next(u for u in units if "Toyota" in u)
    assert '<prop type="x-alignment">user</prop>' in toyota and "estreia" in toyota
    assert all('<prop type="x-alignment">auto</prop>' in u for u in units if u is not toyota)


def test_links_travel_between_machines_as_json(story, capsys, tmp_path):
    en, pt, db = story
    run_json(capsys, "align-links", "link", str(en), str(pt), "--a", "2", "--b", "2", "--db", db)
    exported = tmp_path / "links.json"
    assert main(["align-links", "export", "-o", str(exported), "--db", db]) == 0
    data = json.loads(exported.read_text(encoding="utf-8"))
    assert data["format"] == "corpus-reader/alignment-links" and len(data["links"]) == 1
    other = str(tmp_path / "other.sqlite3")
    result = run_json(capsys, "align-links", "import", str(exported), "--db", other)
    assert result["added"] == [data["links"][0]["id"]]
    assert (
        pairs_of(run_json(capsys, "align", str(en), str(pt), "--json", "--db", other))[((2,), (2,))]
        == "user"
    )
    again = run_json(capsys, "align-links", "import", str(exported), "--db", other)
    assert again["unchanged"] == result["added"]
    # a broken file: one line naming the problem, nothing written
    data["links"].append({**data["links"][0], "id": "x", "kind": "maybe"})
    exported.write_text(json.dumps(data), encoding="utf-8")
    assert main(["align-links", "import", str(exported), "--db", other]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "links[1]: kind" in err and "nothing was imported" in err
    assert len(run_json(capsys, "align-links", "list", "--json", "--db", other)["links"]) == 1


def test_bad_link_arguments_are_one_line_usage_errors(story, capsys):
    en, pt, db = story
    assert main(["align-links", "link", str(en), str(pt), "--a", "9", "--b", "0", "--db", db]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "no passage 9" in err
    assert main(["align-links", "link", str(en), "--a", "0", "--b", "0", "--db", db]) == 2
    assert "FILE_A FILE_B" in capsys.readouterr().err
    assert main(["align-links", "remove", "nope", "--db", db]) == 2
    assert "no alignment link" in capsys.readouterr().err


def test_moving_a_passage_to_another_group_keeps_what_is_left_of_its_old_group(story):
    en, _pt, db = story
    corpus = load_corpus(en.parent)
    doc_en, doc_pt = corpus.by_path("en.txt"), corpus.by_path("pt.txt")
    with Store(db) as store:
        al.add_link(store, doc_en, doc_pt, [0, 1], [0])
        change = al.add_link(store, doc_en, doc_pt, [1], [1])
        groups = sorted((f.a, f.b) for f in al.resolve(store, doc_en, doc_pt).fixed)
        assert groups == [((0,), (0,)), ((1,), (1,))]
        al.revert(store, change)
        groups = sorted((f.a, f.b) for f in al.resolve(store, doc_en, doc_pt).fixed)
        assert groups == [((0, 1), (0,))]


def test_the_worker_job_reports_lost_links_and_a_changed_topic_stays_shown_until_redone(
    story,
):
    from reader.corpus.entities import find_entities
    from reader.corpus.pipeline import AlignmentCache
    from reader.load_jobs import align_with_links

    en_path, pt_path, db = story
    docs = load_corpus(en_path.parent).documents
    en, pt = sorted(docs, key=lambda d: d.path)
    with Store(Path(db)) as store:
        al.add_link(store, en, pt, [3], [2])
        al.confirm(store, en, pt, [0], [0])
        links = al.all_links(store)
    last = "Moreira will make his debut against Sevilla on 14 September."
    en_path.write_text(EN.replace(last, "Weather: rain all week, 8 to 11 degrees."), "utf-8")
    pt_path.write_text(PT.replace("Diego Simeone", "O treinador"), encoding="utf-8")
    docs = load_corpus(en_path.parent).documents
    aligned = align_with_links(docs, find_entities(docs), links)
    user = next(x.id for x in links if x.kind == "user")
    assert aligned.lost == [user], "the user link lost its text; the confirmed one holds"

    cache = AlignmentCache()
    key = (("en", "1"), ("pt", "1"))
    other = (("x", "1"), ("y", "1"))
    cache.put(key, aligned)
    cache.put(other, None)
    cache.invalidate(["pt"])
    assert cache.get(key) == (False, None), "to be aligned again"
    assert cache.shown(key) is aligned, "shown meanwhile, so the columns do not jump"
    assert cache.get(other)[0], "other documents' alignments are kept"
    cache.put(key, None)
    assert cache.shown(key) is None
