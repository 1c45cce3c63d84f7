"""Alter one version of a story the way rewrites and mistranslations do (for bench_compare).

Each alteration changes a number, date or name that both versions state (its entity key
occurs in both documents, by the entity finder), or drops a passage:
- `digit`: one digit of a number changed (`1,677` -> `1,617`);
- `unit`: a scale word swapped for one a thousand times bigger or smaller (`million` ->
  `billion`), or, for a number without one, a zero added (`350` -> `3500`);
- `day`: the day of a date shifted by ten (`16 February` -> `26 February`);
- `name`: a letter inside a name's longest word replaced or dropped (`Liang` -> `Lang`);
- `drop`: a passage deleted (run separately: it moves every later passage).
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass

from reader.corpus.entities import Candidate
from reader.corpus.numbers_dates import scale_words

KINDS = {"digit": "number", "unit": "number", "day": "date", "name": "name"}


@dataclass(frozen=True, slots=True)
class Injection:
    """One alteration: what kind, where in the altered text, and the line it is on."""

    change: str  # digit | unit | day | name | drop
    kind: str  # number | date | name (the mismatch kind it should show as)
    start: int
    end: int
    line: int  # line (= passage, for one-passage-a-line texts) of the altered version
    before: str
    after: str


def _digit(text: str, c: Candidate, rng: random.Random) -> str | None:
    positions = [i for i, ch in enumerate(c.text) if ch.isdigit()]
    if not positions:
        return None
    i = rng.choice(positions[1:] or positions)
    d = int(c.text[i])
    new = (d + rng.randint(1, 8)) % 10
    if i == positions[0] and new == 0:
        new = 1 if d != 1 else 2
    digit = str(new)
    if not c.text[i].isascii():  # keep the script's digits (Khmer, Thai...)
        digit = chr(ord(c.text[i]) - d + new)
    return c.text[:i] + digit + c.text[i + 1 :]


def _unit(text: str, c: Candidate, lang: str) -> tuple[int, str, str] | None:
    """(end of the changed span, old, new) for the unit change after or on a number."""
    words = scale_words(lang)
    after = re.match(r"\s?(\w+)", text[c.end :])
    if after and after.group(1).casefold() in words:
        word = after.group(1)
        mag = words[word.casefold()]
        swaps = [w for w, m in words.items() if m in (mag * 1000, mag // 1000) and " " not in w]
        if swaps:
            new = sorted(swaps)[0]
            new = new[:1].upper() + new[1:] if word[:1].isupper() else new
            end = c.end + after.end()
            old = text[c.start : end]
            return end, old, old[: len(old) - len(word)] + new
    if not re.fullmatch(r"num:\d+", c.key):
        return None  # a zero after a decimal part changes nothing
    last = max(i for i, ch in enumerate(c.text) if ch.isdigit())
    zero = "0" if c.text[last].isascii() else chr(ord(c.text[last]) - int(c.text[last]))
    return c.end, c.text, c.text[: last + 1] + zero + c.text[last + 1 :]


def _day(c: Candidate) -> str | None:
    m = re.fullmatch(r"date:(?:\d{4}-)?\d{2}-(\d{2})", c.key)
    if m is None:
        return None
    day = int(m.group(1))
    runs = [r for r in re.finditer(r"\d+", c.text) if int(r.group()) == day]
    if not runs:
        return None
    r = runs[0]
    shifted = day + 10 if day <= 18 else day - 10
    digits = str(shifted)
    if not r.group().isascii():
        base = ord(r.group()[0]) - int(r.group()[0])
        digits = "".join(chr(base + int(ch)) for ch in digits)
    return c.text[: r.start()] + digits + c.text[r.end() :]


_VOWELS = "aeiouy"


def _name(c: Candidate, rng: random.Random) -> str | None:
    words = list(re.finditer(r"[^\W\d_]{4,}", c.text))
    if not words:
        return None
    w = max(words, key=lambda m: len(m.group()))
    inner = list(range(w.start() + 1, w.end() - 1))
    i = rng.choice(inner)
    ch = c.text[i]
    if ch.lower() in _VOWELS and rng.random() < 0.5:
        others = [v for v in _VOWELS if v != ch.lower()]
        repl = rng.choice(others)
    else:
        repl = ""  # a letter dropped
    return c.text[:i] + repl + c.text[i + 1 :]


def inject(
    text: str,
    lang: str,
    candidates: list[Candidate],
    shared: set[str],
    rng: random.Random,
    changes: tuple[str, ...] = ("digit", "unit", "day", "name"),
) -> tuple[str, list[Injection]]:
    """Apply each change once (where the text has something to change), on distinct lines."""
    line_of = _line_index(text)
    used_lines: set[int] = set()
    edits: list[tuple[int, int, str, Injection]] = []
    pool = [c for c in candidates if c.key in shared]
    rng.shuffle(pool)
    taken: list[tuple[int, int]] = []
    for change in changes:
        for c in pool:
            line = line_of(c.start)
            if line in used_lines or any(s < c.end + 12 and c.start < e for s, e in taken):
                continue
            kind = KINDS[change]
            if change in ("digit", "unit") and c.kind != "number":
                continue
            if change == "day" and c.kind != "date":
                continue
            if change == "name" and c.kind not in ("person_org", "place"):
                continue
            end = c.end
            if change == "digit":
                new = _digit(text, c, rng)
            elif change == "unit":
                found = _unit(text, c, lang)
                new = None
                if found:
                    end, _, new = found
            elif change == "day":
                new = _day(c)
            else:
                new = _name(c, rng)
            if new is None or new == text[c.start : end]:
                continue
            used_lines.add(line)
            taken.append((c.start, end))
            before = text[c.start : end]
            inj = Injection(change, kind, c.start, c.start + len(new), line, before, new)
            edits.append((c.start, end, new, inj))
            break
    edits.sort(key=lambda e: e[0])
    out, shift, done = [], 0, []
    pos = 0
    for start, end, new, inj in edits:
        out.append(text[pos:start])
        out.append(new)
        pos = end
        done.append(
            Injection(inj.change, inj.kind, start + shift, start + shift + len(new), inj.line,
                      inj.before, new)
        )  # fmt: skip
        shift += len(new) - (end - start)
    out.append(text[pos:])
    return "".join(out), done


def drop_line(text: str, line: int) -> str:
    lines = text.split("\n")
    del lines[line]
    return "\n".join(lines)


def _line_index(text: str):
    starts = [0] + [m.end() for m in re.finditer("\n", text)]
    from bisect import bisect_right

    return lambda offset: bisect_right(starts, offset) - 1
