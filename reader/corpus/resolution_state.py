"""The corpus-level resolution of entities kept between analyses, so that after a few files
changed only the documents whose inputs changed choose their candidates again.

`StreamedResolution` decides in three passes: the document frequency of every key (and which
parts of runs are dropped), each document's choice with the keys shared by any option, then a
second choice for the documents holding a key that choice no longer shares. Every decision is
a function of one document's options and of a few corpus-wide sums of per-document sets. The
state (`ResolutionState`) keeps, for every document, the sets it adds to those sums and what
it chose (`DocState`); `IncrementalResolution` then

1. recounts the sums from the kept sets, the changed documents' new ones replacing theirs;
2. chooses again (second pass) only the documents that changed or hold a key whose standing
   changed (shared by any option or not, a dropped part or not; for an option made of parts
   (`GPU Nvidia`), the exact counts of its key and parts);
3. chooses the third pass again only for documents whose need of it changed, or that need it
   and hold a key whose sharing after the first choice changed;
4. keeps every other document's candidate row as the previous analysis stored it.

The shared entities are then summarised from all rows as before. With no previous state every
document counts as changed: the same three passes as `StreamedResolution` (what its tests
check), recording the state on the way. Links across scripts add options to some documents;
the resolution made again with them is an incremental update of the first one (those
documents changed), and the state kept for the next analysis is the first one's.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from reader.corpus.entities import LONE_KEYS, _shared
from reader.corpus.key_counts import raw_candidates
from reader.corpus.mention_totals import Totals, kind_certain, patched
from reader.corpus.model import Document
from reader.corpus.packed_entities import PackedCandidates, PackedEntityIndex
from reader.corpus.resolution_sums import (
    JOIN,
    DocState,
    GivesWay,
    ResolutionState,
    Sums,
)
from reader.corpus.resolve import KeyMap, select
from reader.corpus.state_docs import Changed, PlainDocs, view
from reader.corpus.stored_parts import decode_candidates
from reader.corpus.streamed_resolution import KEPT_DOCUMENTS, ReadOptions, StreamedResolution

# Corpora of at most this many documents keep the state (every document's candidates are
# held decoded, as `StreamedResolution` holds them up to this size).
STATE_DOCUMENTS = KEPT_DOCUMENTS
# From this share of changed documents on, the previous state is not worth reading.
REDO_SHARE = 0.5


PreviousRow = Callable[[str], "bytes | None"]  # a document's candidate row of the last analysis


class IncrementalResolution(StreamedResolution):
    """`StreamedResolution` that records its state and, given the previous one, chooses again
    only what the changes reach (see the module docstring). `fingerprints`: each document's
    options' fingerprint; `previous_row(doc_id)`: its stored candidate row."""

    KEEP_TOTALS = True

    def __init__(
        self,
        documents: Sequence[Document],
        read: ReadOptions,
        keymap: KeyMap,
        fingerprints: dict[str, str],
        previous: ResolutionState | None = None,
        previous_row: PreviousRow | None = None,
        final_row: PreviousRow | None = None,
        labels: dict[str, tuple[str, str]] | None = None,
        totals: Totals | None = None,
    ) -> None:
        super().__init__(documents, read, keymap)
        self.fingerprints = fingerprints
        self.previous = previous
        self.previous_row: PreviousRow = previous_row or (lambda _doc: None)
        # the stored analysis's rows and its shared entities' labels and kinds, by key: kept
        # for the entities whose mentions did not change (the same documents, in order)
        same = previous is not None and list(previous.docs) == [d.id for d in documents]
        self.final_row = final_row if same else None
        self.labels = labels if same else None
        # the stored analysis's shared entities' kinds and surfaces with how often each
        self.totals = totals if same and labels is not None else None
        self.deltas: dict[str, tuple[Counter[str], Counter[str]]] = {}  # since, by key
        self.languages_moved = same and any(
            view(previous.docs).language(d.id) != d.language  # type: ignore[union-attr]
            for d in documents
        )
        self.dirty: set[str] = set()  # documents whose options gained extra ones
        self.state: Changed = Changed([], None)
        self.kept_state: ResolutionState | None = None  # what the next analysis starts from
        self.sums: Sums | None = None  # the sums of `state`
        # since the stored analysis (`_labels_kept`): the documents whose rows changed, the
        # keys they gained or lost
        self.rows_changed: set[str] | None = None
        self.counts_moved: set[str] | None = None
        self.base = previous.base if previous is not None else None  # what its bytes copy
        self.report: dict[str, int] = {}

    # ----- the passes --------------------------------------------------------------------

    def resolve(self) -> PackedEntityIndex:
        docs = self.documents
        prev = view(self.previous.docs) if self.previous is not None else PlainDocs({})
        # the states of the documents that change set over those read (`state_docs`)
        state = self.state = Changed([d.id for d in docs], prev if prev else None)
        changed: set[str] = set()
        for d in docs:
            fingerprint = prev.fingerprint(d.id)
            if (
                fingerprint is None
                or d.id in self.dirty
                or fingerprint != self.fingerprints[d.id]
                or prev.language(d.id) != d.language
            ):
                changed.add(d.id)
                state[d.id] = self._sets(d)
        if prev:  # the sums before, then with the changed documents' sets
            sums = self.previous.sums  # type: ignore[union-attr]
            if sums is None or not sums.holds_total(prev.key_total()):
                sums = Sums(prev.values())
            self.previous = self.previous._replace(sums=None)  # type: ignore[union-attr]
            df0, bad0 = sums.tallies()
            for doc_id in changed:
                if doc_id in prev:
                    sums.add(prev[doc_id], -1)
                sums.add(state[doc_id])
            for doc_id in set(prev) - state.keys():  # removed
                sums.add(prev[doc_id], -1)
            df, bad = sums.tallies()
        else:
            sums = Sums(state.values())
            df, bad = sums.tallies()
        self.sums = sums  # for the next analysis (copied by `state_codec`)
        del sums
        shared_any = _shared(df)
        dropped0: set[str] = set()
        if prev:
            shared_any0 = _shared(df0)
            standing = (shared_any0 ^ shared_any) | (bad0 ^ bad)
            gives_way = GivesWay(df0, df)
            # only documents holding such a key, or an option made of parts that gives way
            # now and did not before (or the reverse), can choose otherwise
            maybe = prev.docs_where("keys", standing.__contains__)
            if gives_way.changed:
                maybe |= prev.docs_where(
                    "counted", lambda joined: JOIN in joined and gives_way((joined,))
                )
            redo = changed | {
                d
                for d in maybe
                if d in state
                and (not standing.isdisjoint(state[d].keys) or gives_way(state[d].counted))
            }
            first0 = prev.field_counts("first")
            shared0 = _shared(first0)
            dropped0 = shared_any0 - shared0
            del standing, gives_way, df0, bad0, maybe, first0, shared_any0
        else:
            redo = {d.id for d in docs}
        rows = self.rows
        for d in docs:  # pass 2: the first choice
            if d.id not in redo:
                continue
            opts, surfaces = self.options(d)
            filtered = self._filtered(opts, bad)
            found = select(filtered, shared_any, df)
            keys = tuple({o[2] for o in found})
            mine = tuple({o[2] for o in filtered} & shared_any)
            state[d.id] = state[d.id]._replace(first=keys, mine=mine, again=False, chosen=keys)
            rows[d.id] = self._row(d, opts, surfaces, found)
        shared = _shared(state.field_counts("first"))
        dropped = shared_any - shared
        if prev:
            sharing = shared0 ^ shared
            # A document kept chose again (`again`) exactly when one of its shared keys was
            # dropped then (`dropped0`): only those holding a key dropped now or then, not
            # both, or a key whose sharing changed, may choose otherwise than they did.
            looked = redo | state.docs_where("mine", (dropped ^ dropped0).__contains__)
            looked |= state.docs_where("keys", sharing.__contains__)
            del shared0
        else:
            sharing = set()
            looked = redo
        chosen = len(redo)
        for d in docs:  # pass 3: the second choice, where a key is no longer shared
            if d.id not in looked:
                row = rows.get(d.id) or self.previous_row(d.id)
                if row is not None:
                    rows[d.id] = row
                    continue
            s = state[d.id]
            again = not dropped.isdisjoint(s.mine)
            if d.id in redo:
                if not again:
                    continue
            elif again == s.again and not (again and not sharing.isdisjoint(s.keys)):
                row = rows.get(d.id) or self.previous_row(d.id)
                if row is not None:
                    rows[d.id] = row
                    continue
            chosen += d.id not in redo
            opts, surfaces = self.options(d)
            found = select(self._filtered(opts, bad), shared if again else shared_any, df)
            keys = tuple({o[2] for o in found})
            state[d.id] = s._replace(again=again, chosen=keys)
            rows[d.id] = self._row(d, opts, surfaces, found)
        counts = state.field_counts("chosen")
        twice = {k for k, n in counts.items() if n >= 2 and not k.startswith(LONE_KEYS)}
        del counts, df, bad, shared_any, shared, dropped, sharing, dropped0, looked
        self.report = {
            "documents": len(docs),
            "changed": len(changed),
            "chosen": chosen,
            "incremental": int(bool(prev)),
        }
        return self._index(twice)

    def again(self, extra: dict[str, list]) -> PackedEntityIndex:
        """The index after the documents of `extra` gained these options: the first
        resolution updated for them; the state kept is the first resolution's."""
        first_rows = dict(self.rows)
        sums = self.sums
        kept = ResolutionState(self.state, {})
        self.previous, self.previous_row = kept, first_rows.get
        self.dirty = set(extra)
        index = super().again(extra)
        rows = self.rows
        self.kept_state = ResolutionState(
            kept.docs,
            {d: row for d, row in first_rows.items() if rows.get(d) != row},
            base=self.base,
            sums=sums,
        )
        return index

    def unchanged_entities(self) -> set[str]:
        """The keys of the last index's entities that are those of the stored analysis (the
        same mentions in the same documents of the same languages, in the same order)."""
        return set() if self.languages_moved else set(self.kept_labels)

    def stored_state(self) -> ResolutionState:
        """The state the next analysis starts from."""
        if self.kept_state is not None:
            return self.kept_state
        return ResolutionState(self.state, {}, base=self.base, sums=self.sums)

    def _labels_kept(self, candidates: PackedCandidates) -> dict[str, tuple[str, str]]:
        """The labels and kinds of the stored analysis's entities whose mentions are the same:
        every document whose row differs from its stored one mentions the key as it did
        (the same surfaces as often, the same kinds as often and first met in the same
        order: a label is the most used surface, a kind the most used kind, ties going to
        the first met)."""
        labels, final_row = self.labels, self.final_row
        self.rows_changed, self.counts_moved = None, None
        self.deltas = {}
        if not labels or final_row is None:
            return {}
        rows = self.rows
        moved: set[str] = set()
        changed: set[str] = set()  # documents whose row differs from the stored one
        counted: set[str] = set()  # keys such a document gained or lost
        for d in self.documents:
            row, before = rows[d.id], final_row(d.id)
            if row is before or row == before:
                continue
            changed.add(d.id)
            lists = candidates.entry(d.id, raw=True)[2]
            now = _mentions(lists if lists is not None else _lists(self._candidates(d.id)))
            then = _mentions(_row_lists(before))
            moved.update(k for k in now.keys() | then.keys() if now.get(k) != then.get(k))
            counted.update(now.keys() ^ then.keys())
            for sign, found in ((1, now), (-1, then)):
                for k, (kinds, surfaces) in found.items():
                    delta = self.deltas.get(k)
                    if delta is None:
                        delta = self.deltas[k] = (Counter(), Counter())
                    for kind, n in kinds:
                        delta[0][kind] += sign * n
                    for surface, n in surfaces.items():
                        delta[1][surface] += sign * n
        self.rows_changed, self.counts_moved = changed, counted
        return {k: v for k, v in labels.items() if k not in moved}

    def _totals_patched(self, kept: dict[str, tuple[str, str]]) -> Totals:
        """The kinds and surfaces of the stored analysis's shared entities whose mentions
        changed (not `kept`), patched by what the changed documents' rows mention now and
        mentioned then; a key whose kind would be decided by the order kinds are first met
        (a tie) is left out (counted from its mentions)."""
        before, deltas = self.totals, self.deltas
        if not before or self.rows_changed is None:
            return {}
        out: Totals = {}
        for key, (d_kinds, d_surfaces) in deltas.items():
            found = before.get(key)
            if found is None or key in kept:
                continue
            kinds = patched(found[0], d_kinds)
            surfaces = patched(found[1], d_surfaces)
            if kinds is None or surfaces is None or not kinds or not kind_certain(kinds):
                continue
            out[key] = (kinds, surfaces)
        self.report["labels_patched"] = len(out)
        return out

    def _totals_before(self) -> Totals:
        return self.totals or {}

    def description_changes(
        self, index: PackedEntityIndex
    ) -> tuple[set[str], set[str], set[str]] | None:
        """What changed since the stored analysis for the topics' descriptions
        (`describe_memo`): the documents whose rows changed, the keys whose number of
        documents changed or whose shared entity changed, and of those the keys that are a
        shared entity now if and only if they were before (their weight or label moved;
        None: not known)."""
        if self.rows_changed is None or self.counts_moved is None or self.labels is None:
            return None
        now = {e.key for e in index.entities}
        came_or_went = now ^ self.labels.keys()
        stale = self.counts_moved | (now - self.kept_labels) | came_or_went
        return set(self.rows_changed), stale, stale - came_or_went

    # ----- helpers -----------------------------------------------------------------------

    def _sets(self, d: Document) -> DocState:
        """A document's sets from its options (its choices are filled in later)."""
        opts, _ = self.options(d)
        keys = {o[2] for o in opts}
        runs = [o for o in opts if o[6]]
        joined = any(JOIN in k for o in runs for k in (o[2], *o[6]))
        in_parts = [o for o in opts if o[7]]
        return DocState(
            d.language,
            "" if joined else self.fingerprints[d.id],  # "": chosen again next time
            tuple(keys),
            tuple({o[2] for o in in_parts} - {o[2] for o in opts if not o[7]}) if in_parts else (),
            tuple(x for pair in {(o[2], o[8]) for o in in_parts} for x in pair),
            tuple({JOIN.join((o[2], *o[6])) for o in runs}),
            (),
            (),
            False,
            (),
        )

    @staticmethod
    def _filtered(opts: list, bad: set[str]) -> list:
        return [o for o in opts if not (o[7] and o[2] in bad)] if bad else opts

    def _row(self, doc: Document, opts: list, surfaces: Sequence[str], chosen: list) -> bytes:
        row = super()._row(doc, opts, surfaces, chosen)
        if doc.id not in self.kept:
            self.known.pop(doc.id, None)  # decoded again from the new row when wanted
        return row


def _lists(candidates: Iterable[Any]) -> list[tuple[Any, ...]]:
    return [(c.start, c.end, c.text, c.key, c.kind) for c in candidates]


def _row_lists(row: bytes | None) -> Sequence[Sequence[Any]]:
    """A stored candidate row's candidates as lists (none for no row)."""
    if not row:
        return []
    lists = raw_candidates(row)
    return lists if lists is not None else _lists(decode_candidates(row))


def _mentions(lists: Iterable[Sequence[Any]]) -> dict[str, tuple[list[Any], dict[str, int]]]:
    """By key, its kinds with how often (in the order first met) and its surfaces."""
    found: dict[str, tuple[dict[str, int], dict[str, int]]] = {}
    for c in lists:
        kinds, surfaces = found.setdefault(c[3], ({}, {}))
        kinds[c[4]] = kinds.get(c[4], 0) + 1
        surfaces[c[2]] = surfaces.get(c[2], 0) + 1
    return {k: (list(kinds.items()), surfaces) for k, (kinds, surfaces) in found.items()}
