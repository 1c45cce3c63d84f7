"""Counts in messages read as words, not `file(s)`."""

from reader.plural import counted


def test_one_is_singular_and_any_other_number_plural():
    assert counted(1, "file") == "1 file"
    assert counted(0, "file") == "0 files"
    assert counted(1204, "mismatch", "mismatches") == "1,204 mismatches"
    assert counted(1, "mismatch", "mismatches") == "1 mismatch"
