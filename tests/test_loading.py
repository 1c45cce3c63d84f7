"""Loading a folder: encodings, hostile files, normalisation, skipped reasons."""

from __future__ import annotations

import codecs
import unicodedata
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reader.corpus.loading import LoadError, document_from_bytes, load_corpus, load_document

VI = "Trung Quốc đã đạt được tiến bộ nhanh chóng trong lĩnh vực trí tuệ nhân tạo."


def write(root: Path, name: str, data: bytes) -> Path:
    path = root / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


def test_utf8_with_and_without_bom_read_the_same(tmp_path: Path) -> None:
    a = load_document(write(tmp_path, "a.txt", VI.encode()), tmp_path)
    b = load_document(write(tmp_path, "b.txt", codecs.BOM_UTF8 + VI.encode()), tmp_path)
    assert a.text == b.text == VI
    assert not a.warnings and not b.warnings


@pytest.mark.parametrize("codec", ["utf-16", "utf-16-be", "utf-16-le"])
def test_utf16_with_bom(tmp_path: Path, codec: str) -> None:
    data = VI.encode(codec)
    if codec != "utf-16":
        bom = codecs.BOM_UTF16_BE if codec.endswith("be") else codecs.BOM_UTF16_LE
        data = bom + data
    doc = load_document(write(tmp_path, "u.txt", data), tmp_path)
    assert doc.text == VI


def test_legacy_encoding_is_detected_with_a_warning(tmp_path: Path) -> None:
    text = "Le gouvernement a annoncé des réformes économiques très attendues à Genève."
    doc = load_document(write(tmp_path, "fr.txt", text.encode("latin-1")), tmp_path)
    assert doc.text == text
    assert doc.warnings and "not UTF-8" in doc.warnings[0]


def test_crlf_cr_and_nfd_are_normalised(tmp_path: Path) -> None:
    nfd = unicodedata.normalize("NFD", "Quốc gia\r\nĐà Nẵng\rHà Nội")
    doc = load_document(write(tmp_path, "n.txt", nfd.encode()), tmp_path)
    assert doc.text == "Quốc gia\nĐà Nẵng\nHà Nội"
    assert unicodedata.is_normalized("NFC", doc.text)
    assert [doc.passage_text(p) for p in doc.passages] == ["Quốc gia", "Đà Nẵng", "Hà Nội"]


def test_bad_files_are_skipped_with_reasons_and_good_ones_load(tmp_path: Path) -> None:
    write(tmp_path, "good.txt", VI.encode())
    write(tmp_path, "empty.txt", b"")
    write(tmp_path, "blank.md", b"  \n\n \t\n")
    write(tmp_path, "binary.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    write(tmp_path, "huge.txt", b"a" * 2048)
    write(tmp_path, ".hidden.txt", VI.encode())
    write(tmp_path, ".git/config.txt", VI.encode())
    write(tmp_path, "image.png", b"\x89PNG")
    (tmp_path / "dangling.txt").symlink_to(tmp_path / "missing-target.txt")
    corpus = load_corpus(tmp_path, max_bytes=1024)
    assert [d.path for d in corpus.documents] == ["good.txt"]
    reasons = {s.path: s.reason for s in corpus.skipped}
    assert set(reasons) == {"empty.txt", "blank.md", "binary.txt", "huge.txt", "dangling.txt"}
    assert "empty" in reasons["empty.txt"]
    assert "empty" in reasons["blank.md"]
    assert "binary" in reasons["binary.txt"]
    assert "too large" in reasons["huge.txt"]
    assert "unreadable" in reasons["dangling.txt"]


def test_nested_folders_load_in_path_order_with_relative_paths(tmp_path: Path) -> None:
    write(tmp_path, "b/two.md", b"# Two\n\nText two.")
    write(tmp_path, "a/one.txt", b"Text one.")
    write(tmp_path, "c.markdown", b"Three")
    corpus = load_corpus(tmp_path)
    assert [d.path for d in corpus.documents] == ["a/one.txt", "b/two.md", "c.markdown"]
    assert corpus.by_path("b/two.md").title == "Two"
    assert len({d.id for d in corpus.documents}) == 3


def test_document_id_and_hash_are_stable(tmp_path: Path) -> None:
    write(tmp_path, "x.txt", VI.encode())
    first = load_corpus(tmp_path).documents[0]
    second = load_corpus(tmp_path).documents[0]
    assert (first.id, first.sha256) == (second.id, second.sha256)
    write(tmp_path, "x.txt", (VI + " Thêm.").encode())
    changed = load_corpus(tmp_path).documents[0]
    assert changed.id == first.id and changed.sha256 != first.sha256


def test_long_first_line_title_is_its_first_sentence(tmp_path: Path) -> None:
    doc = load_document(write(tmp_path, "t.txt", (VI + " " + VI).encode()), tmp_path)
    assert doc.title == VI


def test_long_first_sentence_title_is_cut_at_a_word(tmp_path: Path) -> None:
    long_line = " ".join(["palavra"] * 60)
    doc = load_document(write(tmp_path, "t.txt", long_line.encode()), tmp_path)
    assert doc.title.endswith("…") and len(doc.title) <= 121
    assert long_line.startswith(doc.title[:-1])


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(st.binary(max_size=2000))
def test_any_bytes_either_load_cleanly_or_give_a_reason(data: bytes) -> None:
    try:
        doc = document_from_bytes("fuzz.txt", data)
    except LoadError as exc:
        assert str(exc)
        return
    assert doc.text.strip()
    assert unicodedata.is_normalized("NFC", doc.text)
    assert "\r" not in doc.text
    last = 0
    for p in doc.passages:
        assert last <= p.start < p.end <= len(doc.text)
        last = p.end


_TEXT = st.text(
    alphabet=st.one_of(
        st.characters(blacklist_categories=("Cc", "Cs"), blacklist_characters="\ufeff"),
        st.sampled_from(["\n", "\r", "\t", " "]),
    ),
    min_size=1,
    max_size=400,
)


@settings(max_examples=200, deadline=None)
@given(_TEXT)
def test_any_text_in_any_utf_encoding_reads_back_exactly(text: str) -> None:
    expected = unicodedata.normalize("NFC", text.replace("\r\n", "\n").replace("\r", "\n"))
    for data in (text.encode("utf-8"), text.encode("utf-16"), codecs.BOM_UTF8 + text.encode()):
        if not expected.strip():
            with pytest.raises(LoadError):
                document_from_bytes("t.txt", data)
            continue
        assert document_from_bytes("t.txt", data).text == expected


def test_too_large_names_the_limit_the_readme_gives(tmp_path: Path) -> None:
    with open(tmp_path / "big.txt", "wb") as f:
        f.truncate(33 * 1024 * 1024)  # sparse: the size is refused before anything is read
    assert [s.reason for s in load_corpus(tmp_path).skipped] == ["too large: 33.0 MB (limit 32 MB)"]
