"""Write a synthetic multilingual corpus (Vietnamese, Khmer, Portuguese news-like stories).

    uv run python tests/bench/gen_corpus.py OUT_DIR --docs 1000 [--seed 7]
    uv run python tests/bench/gen_corpus.py OUT_DIR --docs 1000 --topic-sizes 6,24 [--big-doc 10]

Each document is a title and 5-12 paragraphs of 3-6 sentences made from templates written for
this benchmark, filled with varied people, places, organisations, products and numbers
(locale-formatted: `1.234,5` in vi/pt, `1,234.5` in km, sometimes Khmer digits). About one file
in ten is Markdown. Files go into sub-folders of 500. The output is deterministic for a seed.

With `--topic-sizes` (gen_stories.py) the corpus is instead stories told in six languages (en,
vi, pt, km, th, zh), each story in as many versions as the sizes say, taken in turn; `--big-doc MB`
adds one document of about that size (in either mode). See tests/bench/README.md for recipes.
"""

from __future__ import annotations

import argparse
import random
import sys
from pathlib import Path

LANGS = ("vi", "km", "pt")

# --- names (invented combinations; organisations are shared across languages) ---------------

VI_FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô"]
VI_MIDDLE = ["Văn", "Thị", "Minh", "Thanh", "Quang", "Hữu", "Ngọc", "Đức"]
VI_GIVEN = [
    "An", "Bình", "Châu", "Dũng", "Giang", "Hạnh", "Khoa", "Lan", "Long", "Mai",
    "Nam", "Phúc", "Quân", "Sơn", "Tâm", "Uyên", "Vy", "Hiếu", "Trang", "Đạt",
]  # fmt: skip
PT_GIVEN = [
    "Ana", "Bruno", "Carla", "Diogo", "Eduarda", "Filipe", "Gabriela", "Henrique", "Inês",
    "João", "Luísa", "Miguel", "Nuno", "Raquel", "Sofia", "Tiago", "Vânia", "Rúben",
]  # fmt: skip
PT_FAMILY = [
    "Almeida", "Barbosa", "Carvalho", "Duarte", "Esteves", "Ferreira", "Gonçalves", "Lopes",
    "Marques", "Nogueira", "Pacheco", "Ribeiro", "Sampaio", "Teixeira", "Valente", "Brandão",
]  # fmt: skip
KM_FAMILY = ["សុខ", "ចាន់", "ហេង", "គឹម", "លី", "ម៉ៅ", "ស៊ុន", "ពៅ", "ឈឹម", "អ៊ុំ"]
KM_GIVEN = [
    "ដារ៉ា", "សុភា", "វិចិត្រ", "ចន្ថា", "បុប្ផា", "រតនា", "សម្បត្តិ", "ពិសិដ្ឋ", "ស្រីមុំ",
    "វណ្ណា", "សុវណ្ណ", "ធារី",
]  # fmt: skip
ORGS = [
    "Nexora", "Baltic Grid", "Mekong Data", "Solaris Group", "Aurea Bank", "Vinaxa",
    "Lumen Labs", "Orbital Foods", "Kestrel Motors", "Tidewater Energy", "Granite Pay",
    "BlueHarbor", "Quanta Rail", "Verdant Agro", "Helix Pharma", "NorthStar Telecom",
]  # fmt: skip
PLACES = {
    "vi": ["Hà Nội", "Đà Nẵng", "Cần Thơ", "Huế", "Hải Phòng", "Nha Trang", "Quy Nhơn",
           "Vũng Tàu", "Buôn Ma Thuột", "Lạng Sơn"],
    "pt": ["Lisboa", "Porto", "Coimbra", "Braga", "Recife", "Salvador", "Curitiba", "Manaus",
           "Luanda", "Maputo", "Évora", "Belém"],
    "km": ["ភ្នំពេញ", "សៀមរាប", "បាត់ដំបង", "កំពត", "កែប", "ព្រះសីហនុ", "ក្រចេះ", "តាកែវ",
           "កំពង់ចាម", "ស្ទឹងត្រែង"],
}  # fmt: skip
PRODUCTS = {
    "vi": ["gạo", "cà phê", "xăng", "thép", "điện", "hạt điều", "cao su"],
    "pt": ["arroz", "café", "combustível", "aço", "cimento", "caju", "borracha"],
    "km": ["អង្ករ", "កាហ្វេ", "ប្រេងសាំង", "ដែក", "ស៊ីម៉ងត៍", "ស្វាយចន្ទី", "កៅស៊ូ"],
}
SECTORS = {
    "vi": ["năng lượng", "nông nghiệp", "du lịch", "giáo dục", "y tế", "vận tải"],
    "pt": ["energia", "agricultura", "turismo", "educação", "saúde", "transportes"],
    "km": ["ថាមពល", "កសិកម្ម", "ទេសចរណ៍", "អប់រំ", "សុខាភិបាល", "ដឹកជញ្ជូន"],
}
MONTHS = {
    "vi": [f"tháng {i}" for i in range(1, 13)],
    "pt": ["janeiro", "fevereiro", "março", "abril", "maio", "junho", "julho", "agosto",
           "setembro", "outubro", "novembro", "dezembro"],
    "km": ["មករា", "កុម្ភៈ", "មីនា", "មេសា", "ឧសភា", "មិថុនា", "កក្កដា", "សីហា", "កញ្ញា",
           "តុលា", "វិច្ឆិកា", "ធ្នូ"],
}  # fmt: skip

# --- sentence templates (written for this benchmark) ---------------------------------------

TEMPLATES = {
    "vi": [
        "{person} cho biết {org} sẽ đầu tư {big} tỉ đồng vào {place} trong năm {year}.",
        "Theo báo cáo của {org}, khoảng {pct}% người dân ở {place} đã dùng dịch vụ này.",
        "Ngày {day} {month}, đoàn công tác do {person} dẫn đầu đã đến thăm {place}.",
        "Giá {product} tại {place} tăng {pct}% so với cùng kỳ năm ngoái.",
        "Các chuyên gia của {org} nhận định thị trường sẽ phục hồi vào quý {quarter}.",
        "Dự án có tổng vốn {big} triệu USD và dự kiến hoàn thành vào năm {year}.",
        "Ông {person} nói rằng đây là bước tiến quan trọng cho ngành {sector}.",
        "Nhiều doanh nghiệp tại {place} đang tìm cách giảm chi phí và tăng năng suất.",
        "Trong {small} tháng đầu năm, kim ngạch xuất khẩu {product} đạt {big} triệu USD.",
        "Bà {person}, giám đốc {org}, khẳng định công ty không thay đổi kế hoạch.",
        "Khoảng {big} lao động ở {place} được đào tạo lại để làm việc trong ngành {sector}.",
        "Đại diện {org} từ chối bình luận về con số {dec} tỉ đồng được nêu trong báo cáo.",
    ],
    "pt": [
        "{person} afirmou que a {org} vai investir {big} milhões de euros em {place} até {year}.",
        "Segundo um relatório da {org}, cerca de {pct}% dos moradores de {place} usam o serviço.",
        "Em {day} de {month}, uma delegação liderada por {person} visitou {place}.",
        "O preço do {product} em {place} subiu {pct}% em relação ao ano passado.",
        "Os analistas da {org} esperam que o mercado se recupere no {quarter}.º trimestre.",
        "O projeto, orçado em {big} milhões de dólares, deve ficar pronto em {year}.",
        "Para {person}, trata-se de um passo importante para o setor de {sector}.",
        "Muitas empresas de {place} procuram reduzir custos e aumentar a produtividade.",
        "Nos primeiros {small} meses do ano, as exportações de {product} somaram {big} milhões.",
        "A diretora da {org}, {person}, garantiu que a empresa mantém os seus planos.",
        "Cerca de {big} trabalhadores de {place} vão receber formação no setor de {sector}.",
        "Um porta-voz da {org} não comentou o valor de {dec} milhões citado no relatório.",
    ],
    "km": [
        "{person} បាននិយាយថា {org} នឹងវិនិយោគ {big} លានដុល្លារនៅ{place}ក្នុងឆ្នាំ{year}។",
        "យោងតាមរបាយការណ៍របស់ {org} ប្រជាជនប្រហែល {pct}% នៅ{place}បានប្រើសេវានេះ។",
        "នៅថ្ងៃទី{day} ខែ{month} គណៈប្រតិភូដឹកនាំដោយ {person} បានទៅទស្សនា{place}។",
        "តម្លៃ{product}នៅ{place}បានកើនឡើង {pct}% បើធៀបនឹងឆ្នាំមុន។",
        "អ្នកជំនាញរបស់ {org} ជឿថាទីផ្សារនឹងងើបឡើងវិញនៅត្រីមាសទី{quarter}។",
        "គម្រោងនេះមានទុនសរុប {big} លានដុល្លារ ហើយគ្រោងនឹងបញ្ចប់នៅឆ្នាំ{year}។",
        "លោក {person} បាននិយាយថា នេះជាជំហានដ៏សំខាន់សម្រាប់វិស័យ{sector}។",
        "ក្រុមហ៊ុនជាច្រើននៅ{place}កំពុងស្វែងរកវិធីកាត់បន្ថយចំណាយ និងបង្កើនផលិតភាព។",
        "ក្នុងរយៈពេល {small} ខែដំបូងនៃឆ្នាំ ការនាំចេញ{product}បានឈានដល់ {big} លានដុល្លារ។",
        "លោកស្រី {person} នាយិកានៃ {org} បានអះអាងថាក្រុមហ៊ុនមិនផ្លាស់ប្តូរផែនការទេ។",
        "កម្មករប្រហែល {big} នាក់នៅ{place}នឹងទទួលការបណ្តុះបណ្តាលក្នុងវិស័យ{sector}។",
        "អ្នកនាំពាក្យ {org} មិនបានអត្ថាធិប្បាយលើតួលេខ {dec} លានដុល្លារនៅក្នុងរបាយការណ៍ទេ។",
    ],
}

KHMER_DIGITS = str.maketrans("0123456789", "០១២៣៤៥៦៧៨៩")


def person(rng: random.Random, lang: str) -> str:
    if lang == "vi":
        return f"{rng.choice(VI_FAMILY)} {rng.choice(VI_MIDDLE)} {rng.choice(VI_GIVEN)}"
    if lang == "pt":
        return f"{rng.choice(PT_GIVEN)} {rng.choice(PT_FAMILY)}"
    if rng.random() < 0.2:  # Khmer stories quote foreign names in Latin letters too
        return f"{rng.choice(PT_GIVEN)} {rng.choice(PT_FAMILY)}"
    return f"{rng.choice(KM_FAMILY)} {rng.choice(KM_GIVEN)}"


def group_digits(n: int, lang: str) -> str:
    text = f"{n:,}"
    return text.replace(",", ".") if lang in ("vi", "pt") else text


def decimal(x: float, lang: str) -> str:
    text = f"{x:,.1f}"
    if lang in ("vi", "pt"):
        text = text.replace(",", " ").replace(".", ",").replace(" ", ".")
    return text


def fill(template: str, rng: random.Random, lang: str) -> str:
    values = {
        "person": person(rng, lang),
        "org": rng.choice(ORGS),
        "place": rng.choice(PLACES[lang]),
        "product": rng.choice(PRODUCTS[lang]),
        "sector": rng.choice(SECTORS[lang]),
        "month": rng.choice(MONTHS[lang]),
        "year": str(rng.randint(2015, 2030)),
        "day": str(rng.randint(1, 28)),
        "quarter": str(rng.randint(1, 4)),
        "small": str(rng.randint(2, 11)),
        "pct": decimal(rng.uniform(0.5, 60), lang),
        "big": group_digits(rng.randint(120, 2_000_000), lang),
        "dec": decimal(rng.uniform(1, 9999), lang),
    }
    text = template.format(**values)
    if lang == "km" and rng.random() < 0.3:
        text = text.translate(KHMER_DIGITS)
    return text


def paragraph(rng: random.Random, lang: str) -> str:
    sep = "" if lang == "km" and rng.random() < 0.5 else " "
    return sep.join(fill(rng.choice(TEMPLATES[lang]), rng, lang) for _ in range(rng.randint(3, 6)))


def document(rng: random.Random, lang: str, markdown: bool) -> str:
    title = fill(rng.choice(TEMPLATES[lang]), rng, lang).rstrip(".។")
    paras = [paragraph(rng, lang) for _ in range(rng.randint(5, 12))]
    if markdown:
        head = f"# {title}\n\n"
        if rng.random() < 0.5:
            paras.insert(len(paras) // 2, f"## {fill(rng.choice(TEMPLATES[lang]), rng, lang)}")
        return head + "\n\n".join(paras) + "\n"
    return title + "\n\n" + "\n\n".join(paras) + "\n"


def generate(out: Path, docs: int, seed: int = 7) -> list[Path]:
    """Write `docs` files below `out`; return their paths."""
    rng = random.Random(seed)
    paths = []
    for i in range(docs):
        lang = LANGS[i % len(LANGS)]
        markdown = rng.random() < 0.1
        folder = out / f"{i // 500:03d}"
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"{lang}_{i:06d}.{'md' if markdown else 'txt'}"
        path.write_text(document(rng, lang, markdown), encoding="utf-8")
        paths.append(path)
    return paths


def query_words(seed: int = 11) -> dict[str, list[str]]:
    """Words and names that occur in generated corpora, per language, for search benchmarks."""
    rng = random.Random(seed)
    words = {
        "vi": VI_GIVEN + VI_FAMILY + PLACES["vi"] + PRODUCTS["vi"] + SECTORS["vi"],
        "pt": PT_GIVEN + PT_FAMILY + PLACES["pt"] + PRODUCTS["pt"] + SECTORS["pt"],
        "km": KM_GIVEN + KM_FAMILY + PLACES["km"] + PRODUCTS["km"] + SECTORS["km"],
    }
    for ws in words.values():
        rng.shuffle(ws)
    return words


def sizes_arg(text: str) -> list[int]:
    try:
        sizes = [int(x) for x in text.split(",") if x.strip()]
    except ValueError:
        sizes = []
    if not sizes or min(sizes) < 1:
        raise argparse.ArgumentTypeError(
            f"expected sizes like 6,24 (each at least 1), got {text!r}"
        )
    return sizes


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--docs", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument(
        "--topic-sizes",
        type=sizes_arg,
        metavar="N,N,...",
        help="six-language stories with these numbers of versions, taken in turn "
        "(e.g. 6,24: stories of 6 and 24 documents); the last story fills --docs",
    )
    parser.add_argument("--big-doc", type=float, metavar="MB", help="add one document of ~MB")
    parser.add_argument(
        "--big-lang",
        default="vi",
        choices=("en", "vi", "pt", "km", "th", "zh"),
        help="language of --big-doc (default vi)",
    )
    args = parser.parse_args()
    if args.topic_sizes or args.big_doc:
        sys.path.insert(0, str(Path(__file__).parent))
        import gen_stories
    if args.topic_sizes:
        paths = gen_stories.generate_stories(args.out, args.docs, args.topic_sizes, args.seed)
    else:
        paths = generate(args.out, args.docs, args.seed)
    if args.big_doc:
        paths.append(
            gen_stories.write_big_document(args.out, args.big_doc, args.big_lang, args.seed)
        )
    size = sum(p.stat().st_size for p in paths)
    print(f"wrote {len(paths)} files, {size / 1e6:.1f} MB, to {args.out}")


if __name__ == "__main__":
    main()
