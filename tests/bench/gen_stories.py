"""Stories told in six languages (en, vi, pt, km, th, zh): a corpus whose topics have known sizes.

Called by `gen_corpus.py --topic-sizes ...` (see tests/bench/README.md). A story is a list of
paragraphs of facts (a template number and language-independent values: people, organisations,
places, numbers, dates). Each version of a story renders those facts in one language and is a
rewrite: paragraphs dropped or moved, sentences dropped, sometimes only the first paragraphs,
its own date style, digits (Khmer or Thai digits now and then) and headline. A story of size n
has n versions spread over the six languages (24 versions: four per language).

Next to the documents it writes `stories.json`: the intended topic of each file (the loader
reads only .txt/.md files, so it stays out of the corpus).
"""

from __future__ import annotations

import json
import random
import unicodedata
from dataclasses import dataclass
from itertools import cycle
from pathlib import Path

from six_languages import (
    COUNTRIES6,
    LANGS6,
    MONTHS6,
    ORGS6,
    PEOPLE,
    PLACES6,
    PRODUCTS6,
    QUARTERS_EN,
    SECTORS6,
    TEMPLATES6,
)

COLUMN = {lang: n for n, lang in enumerate(LANGS6)}  # column of PLACES6 etc.
SCRIPT_COLUMN = {"km": 2, "th": 3, "zh": 4}  # column of PEOPLE
NATIVE_DIGITS = {
    "km": (str.maketrans("0123456789", "០១២៣៤៥៦៧៨៩"), 0.3),
    "th": (str.maketrans("0123456789", "๐๑๒๓๔๕๖๗๘๙"), 0.1),
}
SENTENCE_GAP = {"en": " ", "vi": " ", "pt": " ", "km": "", "th": " ", "zh": ""}
FOLDER_SIZE = 500

Fact = tuple[int, dict[str, int]]


@dataclass(frozen=True, slots=True)
class Style:
    """How one version writes things that are not the facts."""

    date_variant: int  # en: "March 5, 2024" / "5 March 2024"; vi: "5/3/2024" / words
    latin_names: bool  # km/th/zh: foreign people in Latin letters


def cast(rng: random.Random) -> dict[str, list[int]]:
    """Who and where a story is mostly about: its facts name these more often than others."""
    return {
        "person": rng.sample(range(len(PEOPLE)), 3),
        "org": rng.sample(range(len(ORGS6)), 2),
        "place": rng.sample(range(len(PLACES6)), 2),
        "country": rng.sample(range(len(COUNTRIES6)), 1),
    }


def fact(rng: random.Random, template: int, main: dict[str, list[int]] | None = None) -> Fact:
    """One sentence of a story: a template number and language-independent values."""

    def pick(kind: str, pool: int) -> int:
        if main and rng.random() < 0.75:
            return rng.choice(main[kind])
        return rng.randrange(pool)

    p1 = pick("person", len(PEOPLE))
    p2 = next(p for p in iter(lambda: pick("person", len(PEOPLE)), None) if p != p1)
    o1 = pick("org", len(ORGS6))
    o2 = next(o for o in iter(lambda: pick("org", len(ORGS6)), None) if o != o1)
    return template, {
        "person": p1,
        "person2": p2,
        "org": o1,
        "org2": o2,
        "place": pick("place", len(PLACES6)),
        "country": pick("country", len(COUNTRIES6)),
        "product": rng.randrange(len(PRODUCTS6)),
        "sector": rng.randrange(len(SECTORS6)),
        "year": rng.randint(2016, 2030),
        "month": rng.randint(1, 12),
        "day": rng.randint(1, 28),
        "quarter": rng.randint(1, 4),
        "small": rng.randint(2, 11),
        "big": rng.randint(120, 2_000_000),
        "amount": rng.randint(12, 9_800),
        "dec": rng.randint(10, 99_999),  # tenths
        "pct": rng.randint(5, 600),  # tenths
    }


def random_facts(rng: random.Random, n: int, main: dict[str, list[int]] | None) -> list[Fact]:
    """`n` facts with different templates."""
    return [fact(rng, t, main) for t in rng.sample(range(len(TEMPLATES6["en"])), n)]


def _plain_latin(name: str) -> str:
    decomposed = unicodedata.normalize("NFD", name.replace("Đ", "D").replace("đ", "d"))
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def person_name(n: int, lang: str, style: Style) -> str:
    origin, latin, *scripts = PEOPLE[n]
    if lang == "en" and origin == "vi":
        return _plain_latin(latin)
    if lang in SCRIPT_COLUMN and (origin == lang or not style.latin_names):
        return scripts[SCRIPT_COLUMN[lang] - 2]
    return latin


def whole(n: int, lang: str) -> str:
    text = f"{n:,}"
    return text.replace(",", ".") if lang in ("vi", "pt") else text


def tenths(n: int, lang: str) -> str:
    text = f"{n / 10:,.1f}"
    if lang in ("vi", "pt"):
        text = text.replace(",", " ").replace(".", ",").replace(" ", ".")
    return text


def year_of(year: int, lang: str) -> str:
    return str(year + 543) if lang == "th" else str(year)  # Thai news counts Buddhist years


def date_text(y: int, m: int, d: int, lang: str, style: Style) -> str:
    if lang == "en":
        month = MONTHS6["en"][m - 1]
        return f"{month} {d}, {y}" if style.date_variant == 0 else f"{d} {month} {y}"
    if lang == "vi":
        return f"{d}/{m}/{y}" if style.date_variant == 0 else f"{d} tháng {m} năm {y}"
    if lang == "pt":
        return f"{d} de {MONTHS6['pt'][m - 1]} de {y}"
    if lang == "km":
        return f"ថ្ងៃទី{d} ខែ{MONTHS6['km'][m - 1]} ឆ្នាំ{y}"
    if lang == "th":
        return f"{d} {MONTHS6['th'][m - 1]} {year_of(y, 'th')}"
    return f"{y}年{m}月{d}日"


def render(f: Fact, lang: str, style: Style, rng: random.Random) -> str:
    """One fact as a sentence in `lang`."""
    n, v = f
    col = COLUMN[lang]
    values = {
        "person": person_name(v["person"], lang, style),
        "person2": person_name(v["person2"], lang, style),
        "org": ORGS6[v["org"]],
        "org2": ORGS6[v["org2"]],
        "place": PLACES6[v["place"]][col],
        "country": COUNTRIES6[v["country"]][col],
        "product": PRODUCTS6[v["product"]][col],
        "sector": SECTORS6[v["sector"]][col],
        "date": date_text(v["year"], v["month"], v["day"], lang, style),
        "year": year_of(v["year"], lang),
        "quarter": QUARTERS_EN[v["quarter"] - 1] if lang == "en" else str(v["quarter"]),
        "small": str(v["small"]),
        "big": whole(v["big"], lang),
        "amount": whole(v["amount"], lang),
        "dec": tenths(v["dec"], lang),
        "pct": tenths(v["pct"], lang),
    }
    text = TEMPLATES6[lang][n].format(**values)
    if lang in NATIVE_DIGITS and rng.random() < NATIVE_DIGITS[lang][1]:
        text = text.translate(NATIVE_DIGITS[lang][0])
    return text


def new_story(rng: random.Random) -> list[list[Fact]]:
    main = cast(rng)
    return [random_facts(rng, rng.randint(2, 4), main) for _ in range(rng.randint(5, 10))]


def rewrite(rng: random.Random, paragraphs: list[list[Fact]]) -> list[list[Fact]]:
    """One version's paragraphs: some dropped or moved, some sentences dropped."""
    ids = list(range(len(paragraphs)))
    if rng.random() < 0.15:  # a short version: the first few paragraphs
        ids = ids[: rng.randint(2, 4)]
    else:
        kept = [i for i in ids if rng.random() > 0.15]
        ids = kept if len(kept) >= 3 else ids[:3]
    if len(ids) > 2 and rng.random() < 0.4:  # two paragraphs change places
        k = rng.randrange(len(ids) - 1)
        ids[k], ids[k + 1] = ids[k + 1], ids[k]
    if len(ids) > 3 and rng.random() < 0.2:  # a later paragraph moves to the top
        ids.insert(0, ids.pop(rng.randrange(1, len(ids))))
    out = []
    for i in ids:
        facts = [f for f in paragraphs[i] if rng.random() > 0.1]
        out.append(facts or paragraphs[i][:1])
    return out


def version_text(
    rng: random.Random, paragraphs: list[list[Fact]], lang: str, markdown: bool
) -> str:
    style = Style(date_variant=rng.randrange(2), latin_names=rng.random() < 0.2)
    paras = rewrite(rng, paragraphs)
    headline = paragraphs[0][0] if rng.random() < 0.7 else rng.choice(paras)[0]
    title = render(headline, lang, style, rng).rstrip(".。។")
    gap = SENTENCE_GAP[lang] if lang != "km" or rng.random() < 0.5 else " "
    blocks = [gap.join(render(f, lang, style, rng) for f in p) for p in paras]
    if markdown:
        if len(blocks) > 3 and rng.random() < 0.5:
            sub = render(rng.choice(paras)[-1], lang, style, rng).rstrip(".。។")
            blocks.insert(len(blocks) // 2, f"## {sub}")
        return f"# {title}\n\n" + "\n\n".join(blocks) + "\n"
    return title + "\n\n" + "\n\n".join(blocks) + "\n"


def plan(docs: int, sizes: list[int], rng: random.Random) -> list[tuple[int, str]]:
    """(story, language) of each document: stories take the sizes in turn; the last one is
    cut to fill `docs` exactly. Languages go round a shuffled order of the six."""
    out: list[tuple[int, str]] = []
    for story, size in enumerate(cycle(sizes)):
        if len(out) >= docs:
            break
        order = rng.sample(LANGS6, len(LANGS6))
        out += [(story, order[k % len(order)]) for k in range(min(size, docs - len(out)))]
    return out


def generate_stories(out: Path, docs: int, sizes: list[int], seed: int = 7) -> list[Path]:
    """Write `docs` story versions below `out` (shuffled over folders of 500) and
    `out/stories.json`; return the document paths."""
    if not sizes or min(sizes) < 1:
        raise ValueError("topic sizes must be whole numbers of at least 1")
    rng = random.Random(seed)
    entries = plan(docs, sizes, rng)
    stories = {s: new_story(rng) for s in sorted({s for s, _ in entries})}
    rng.shuffle(entries)
    paths, gold = [], {}
    for i, (story, lang) in enumerate(entries):
        markdown = rng.random() < 0.1
        folder = out / f"{i // FOLDER_SIZE:03d}"
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"{lang}_{i:06d}.{'md' if markdown else 'txt'}"
        path.write_text(version_text(rng, stories[story], lang, markdown), encoding="utf-8")
        paths.append(path)
        gold[path.relative_to(out).as_posix()] = story
    members: dict[int, list[str]] = {}
    for rel, story in gold.items():
        members.setdefault(story, []).append(rel)
    (out / "stories.json").write_text(
        json.dumps(
            {"seed": seed, "sizes": sizes, "stories": {str(s): m for s, m in members.items()}},
            ensure_ascii=False,
            indent=1,
        ),
        encoding="utf-8",
    )
    return paths


def write_big_document(out: Path, megabytes: float, lang: str = "vi", seed: int = 7) -> Path:
    """One document of about `megabytes` MB of UTF-8: a year of short news items in `lang`."""
    if lang not in LANGS6:
        raise ValueError(f"--big-lang must be one of {', '.join(LANGS6)}")
    rng = random.Random(f"big-{seed}-{lang}")
    target = int(megabytes * 1_000_000)
    gap = SENTENCE_GAP[lang]
    style = Style(date_variant=0, latin_names=False)
    blocks = [render(random_facts(rng, 1, None)[0], lang, style, rng).rstrip(".。។")]  # title
    size = len(blocks[0].encode("utf-8"))
    while size < target:
        facts = random_facts(rng, rng.randint(2, 6), None)
        para = gap.join(render(f, lang, style, rng) for f in facts)
        blocks.append(para)
        size += len(para.encode("utf-8")) + 2
    path = out / "big" / f"{lang}_big_{megabytes:g}mb.txt"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n\n".join(blocks) + "\n", encoding="utf-8")
    return path
