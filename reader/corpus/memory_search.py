"""Search over loaded documents without a database (the documents of one topic, the
concordance): the same queries and hits as the index, ranked with BM25 over passages."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from reader.corpus.model import Document
from reader.corpus.search import Hit, Query, Term, find_in_shadow, parse_query
from reader.corpus.search_words import Shadow, document_shadows


@dataclass(slots=True)
class _DocShadows:
    doc: Document
    shadows: list[Shadow]


@dataclass(slots=True)
class MemorySearch:
    """Search over loaded documents without a database (e.g. the documents of one topic).

    Shadows are built on first use and kept per document. Results are ranked with BM25 over
    passages, or given in reading order.
    """

    documents: list[Document]
    _cache: dict[str, _DocShadows] = field(default_factory=dict)

    def _shadows(self, doc: Document) -> list[Shadow]:
        entry = self._cache.get(doc.id)
        if entry is None or entry.doc is not doc:
            entry = _DocShadows(doc, document_shadows(doc))
            self._cache[doc.id] = entry
        return entry.shadows

    def search(
        self,
        query: str | Query,
        language: str | None = None,
        exact: bool = False,
        order: str = "rank",
    ) -> list[Hit]:
        """All hits of `query` (`order`: "rank" by BM25, or "position" in reading order)."""
        if order not in ("rank", "position"):
            raise ValueError(f"unknown order {order!r}")
        q = query if isinstance(query, Query) else parse_query(query, language or "", exact)
        docs = [d for d in self.documents if not language or d.language == language]
        scored: list[tuple[float, int, list[Hit]]] = []
        total_len = 0
        n_passages = 0
        df = [0] * len(q.terms)
        matched: list[tuple[Document, Shadow, list[tuple[int, int]]]] = []
        for doc in docs:
            for sh in self._shadows(doc):
                n_passages += 1
                total_len += len(sh.tokens)
                spans = find_in_shadow(q, sh.text, sh.spans, doc.text)
                if spans:
                    matched.append((doc, sh, spans))
                for t, term in enumerate(q.terms):
                    if any(_token_matches(term, tok) for tok in sh.tokens):
                        df[t] += 1
        avg_len = total_len / n_passages if n_passages else 0.0
        for rank_pos, (doc, sh, spans) in enumerate(matched):
            score = _bm25(q, sh.tokens, df, n_passages, avg_len) if order == "rank" else 0.0
            hits = [Hit(doc.id, doc.path, doc.language, sh.passage, s, e, score) for s, e in spans]
            scored.append((score, rank_pos, hits))
        if order == "rank":
            scored.sort(key=lambda x: (-x[0], x[1]))
        return [h for _, _, hits in scored for h in hits]


def _token_matches(term: Term, token: str) -> bool:
    """Whether `token` matches the term's first token (as a prefix for one-word prefix terms)."""
    if term.inside_words:
        return "".join(term.tokens) in token
    first = term.tokens[0]
    return token.startswith(first) if term.prefix and len(term.tokens) == 1 else token == first


def _bm25(
    q: Query,
    tokens: list[str],
    df: list[int],
    n: int,
    avg_len: float,
    k1: float = 1.2,
    b: float = 0.75,
) -> float:
    """Okapi BM25 of one passage (higher is better), counting each term's first token."""
    score = 0.0
    length = len(tokens) or 1
    for t, term in enumerate(q.terms):
        tf = sum(1 for tok in tokens if _token_matches(term, tok))
        if not tf:
            continue
        idf = math.log(1 + (n - df[t] + 0.5) / (df[t] + 0.5))
        score += idf * tf * (k1 + 1) / (tf + k1 * (1 - b + b * length / (avg_len or 1)))
    return score
