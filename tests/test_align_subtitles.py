"""Two subtitle files of one film align by the time each cue is on screen, also where the
translation splits a cue in two and where the content shares no name."""

from __future__ import annotations

from reader.corpus.align import align_pair
from reader.corpus.entities import find_entities
from reader.corpus.loading import document_from_bytes

EN = """1
00:00:01,000 --> 00:00:03,500
Where were you last night?

2
00:00:04,000 --> 00:00:07,000
At the harbour, waiting for the boat that never came.

3
00:00:08,000 --> 00:00:10,000
Then we leave tomorrow.

4
00:00:11,000 --> 00:00:13,000
I am not coming with you.
"""

PT = """1
00:00:01,100 --> 00:00:03,400
Onde estiveste ontem à noite?

2
00:00:04,100 --> 00:00:05,400
No porto,

3
00:00:05,500 --> 00:00:06,900
à espera do barco que nunca veio.

4
00:00:11,100 --> 00:00:12,900
Não vou contigo.
"""


def test_cues_link_by_time_and_a_split_cue_is_one_to_two():
    a = document_from_bytes("film.en.srt", EN.encode())
    b = document_from_bytes("film.pt.srt", PT.encode())
    assert all(p.time is not None for p in a.passages + b.passages)
    alignment = align_pair(a, b, find_entities([a, b]))
    links = sorted((p.a, p.b) for p in alignment.pairs)
    assert links == [((0,), (0,)), ((1,), (1, 2)), ((3,), (3,))]
    assert alignment.unlinked_a == [2], "a cue the other file leaves out has no partner"
