"""The streaming JSON reader gives what `json.loads` gives, whatever the chunk boundaries."""

from __future__ import annotations

import io
import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reader.store import json_stream
from reader.store.json_stream import JsonStreamError, Streamed, read_streamed

numbers = st.integers() | st.floats(allow_nan=False, allow_infinity=False)
scalars = st.none() | st.booleans() | numbers | st.text()
values = st.recursive(
    scalars,
    lambda kids: st.lists(kids, max_size=4)
    | st.dictionaries(st.sampled_from(["first", "items", "id", "a", "é", "\ud800"]), kids,
                      max_size=4),
    max_leaves=30,
)  # fmt: skip


def _unstream(value, streamed: dict[str, list]):
    """`value` with each Streamed list replaced by the elements handed to the callback."""
    if isinstance(value, Streamed):
        return streamed.get(value.path, [])
    if isinstance(value, dict):
        return {k: _unstream(v, streamed) for k, v in value.items()}
    return value


@settings(max_examples=300, deadline=None)
@given(values, st.integers(1, 64), st.sampled_from([None, 0, 2]))
def test_streamed_reading_equals_json_loads(value, chunk, indent):
    text = json.dumps(value, indent=indent, ensure_ascii=indent is None)
    streamed: dict[str, list] = {}
    old = json_stream.CHUNK_BYTES
    json_stream.CHUNK_BYTES = chunk  # tiny chunks: every value crosses a boundary
    try:
        result = read_streamed(
            io.BytesIO(text.encode("utf-8", "surrogatepass")),
            lambda item, path, i: streamed.setdefault(path, []).append(item),
        )
    except JsonStreamError:
        # only text json.loads refuses too (a lone surrogate written raw is not UTF-8)
        with pytest.raises((ValueError, UnicodeDecodeError)):
            json.loads(text.encode("utf-8", "surrogatepass").decode("utf-8"))
        return
    finally:
        json_stream.CHUNK_BYTES = old
    assert _unstream(result, streamed) == json.loads(text)


@pytest.mark.parametrize(
    "text",
    ['{"first": {"items": [1, 2,]}}', '[1 2]', '{"a" 1}', '{"a": 1', "[1, 2", "", "  ",
     '{"a": 1} x', "[NaN]", '{"items": [{"x": 1}, ]}'],
)  # fmt: skip
def test_broken_json_is_a_one_line_error_with_its_place(text):
    with pytest.raises(JsonStreamError) as err:
        read_streamed(io.BytesIO(text.encode()), lambda *a: None)
    assert "\n" not in str(err.value)
    if text.strip() and "NaN" not in text:
        assert "line 1, column" in str(err.value)
