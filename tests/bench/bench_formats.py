"""Reading speed of each document format, and a large book.

    uv run --extra test python tests/bench/bench_formats.py [--book-chars 1500000] [--pdf-pages 50]

Writes the test files of `tests/format_files.py` (news page, EPUB, DOCX, SRT, PDF) into a
temporary folder, plus an EPUB of about --book-chars characters (100 chapters) and a PDF of
--pdf-pages pages, and prints the time `load_document` takes for each, with its size in
characters and passages: the first read (which imports the format's library) and the best of
3 more. Reading is the whole loader: format reader, language, title.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parents[1]))

from format_files import SRT, write_docx, write_epub3, write_news, write_pdf

from reader.corpus.loading import load_document


def big_pdf(path: Path, pages: int) -> Path:
    from fpdf import FPDF

    pdf = FPDF(format="A4")
    pdf.set_auto_page_break(False)
    line = "A cidade registou o ano mais chuvoso da década, segundo o instituto de meteorologia,"
    for n in range(1, pages + 1):
        pdf.add_page()
        pdf.set_font("Helvetica", size=9)
        pdf.set_xy(20, 10)
        pdf.cell(0, 5, "Relatório anual")
        pdf.set_xy(100, 285)
        pdf.cell(0, 5, f"Página {n}")
        pdf.set_font("Helvetica", size=11)
        y = 30.0
        for i in range(40):
            pdf.set_xy(20, y)
            pdf.cell(0, 6, line if i % 8 != 7 else "e o abastecimento está garantido.")
            y += 5.5 if i % 8 != 7 else 9
    pdf.output(str(path))
    return path


def timed(path: Path) -> tuple[float, float, int, int]:
    """First read (with the format's imports), best of 3 later reads, chars, passages."""
    times = []
    for _ in range(4):
        start = time.perf_counter()
        doc = load_document(path, path.parent)
        times.append(time.perf_counter() - start)
    return times[0], min(times[1:]), len(doc.text), len(doc.passages)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--book-chars", type=int, default=1_500_000)
    parser.add_argument("--pdf-pages", type=int, default=50)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        para = "Era uma vez uma cidade à beira do rio, onde as pessoas liam livros à noite. " * 4
        per_chapter = max(1, args.book_chars // (100 * len(para)))
        chapters = [(f"Capítulo {n}", [f"{n}: {para}"] * per_chapter) for n in range(1, 101)]
        files = {
            "news page (HTML)": write_news(root / "news.html"),
            "book, 2 chapters (EPUB)": write_epub3(root / "book.epub"),
            f"book, ~{args.book_chars / 1e6:.1f} M chars (EPUB)": write_epub3(
                root / "big.epub", chapters
            ),
            "report (DOCX)": write_docx(root / "report.docx"),
            "subtitles (SRT)": root / "film.srt",
            "report, 2 pages (PDF)": write_pdf(root / "report.pdf"),
            f"report, {args.pdf_pages} pages (PDF)": big_pdf(root / "big.pdf", args.pdf_pages),
        }
        (root / "film.srt").write_bytes(SRT.encode())
        head = ("file", "bytes", "chars", "passages", "first s", "best s")
        print(f"{head[0]:34} " + " ".join(f"{h:>10}" for h in head[1:]))
        for label, path in files.items():
            first, best, chars, passages = timed(path)
            size = path.stat().st_size
            print(
                f"{label:34} {size:>10,} {chars:>10,} {passages:>10,} {first:>10.3f} {best:>10.3f}"
            )


if __name__ == "__main__":
    main()
