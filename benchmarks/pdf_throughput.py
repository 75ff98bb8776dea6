"""PDF reading cost: our reader (+ the parser) against pdfplumber's bare extract_text().

    .venv/bin/python benchmarks/pdf_throughput.py [--n 20] [--seed 0] [--repeat 3]

Renders N synthetic reports (pipeline.synth.pdf, random records and layout variants), then times,
best of ``--repeat`` rounds, per report:

* ``read_pdf`` (pypdfium2 for every page, pdfplumber tables only on the table pages), and
  ``read_pdf`` + ``parse_document`` when the parser is importable;
* the baseline: ``pdfplumber.open`` + ``page.extract_text()`` on every page, the cheapest use of
  pdfplumber that reads every page (no tables);

and prints the ratio (target <= 1.5) and where read_pdf's time goes, stage by stage, by running
the reader's own steps one at a time.
"""

from __future__ import annotations

import argparse
import io
import random
import time
from collections import defaultdict
from collections.abc import Callable
from typing import Any

import pdfplumber
import pypdfium2 as pdfium

from pipeline.extract import pdf as pdfmod
from pipeline.extract.pdf import read_pdf
from pipeline.synth.pdf import render_pdf
from pipeline.synth.records import random_record


def best_of(repeat: int, fn: Callable[[], Any]) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def bare_extract_text(pdfs: list[bytes]) -> int:
    pages = 0
    for data in pdfs:
        with pdfplumber.open(io.BytesIO(data)) as pl:
            for page in pl.pages:
                page.extract_text()
                pages += 1
    return pages


def stages(pdfs: list[bytes]) -> dict[str, float]:
    """read_pdf's steps timed one by one (same calls, same order as pipeline.extract.pdf)."""
    t: dict[str, float] = defaultdict(float)

    def clock(name: str, fn: Callable[[], Any]) -> Any:
        start = time.perf_counter()
        out = fn()
        t[name] += time.perf_counter() - start
        return out

    for data in pdfs:
        doc = clock("pdfium: open + text of every page", lambda d=data: pdfium.PdfDocument(d))
        pages = clock("pdfium: open + text of every page", lambda doc=doc: pdfmod._scan_pages(doc))
        doc.close()
        clock("find table pages (keywords, rulings)", lambda p=pages: pdfmod._mark_table_pages(p))
        pl = clock("pdfplumber: open", lambda d=data: pdfplumber.open(io.BytesIO(d)))
        for page in pages:
            if not page.tables:
                clock("prose pages: split pdfium text", lambda p=page: pdfmod._text_lines(p, 1))
                continue
            pp = pl.pages[page.number - 1]
            chars = clock("pdfplumber: parse page (pdfminer chars)", lambda pp=pp: pp.chars)
            if clock("fake-bold check", lambda c=chars: pdfmod._has_doubles(c)):
                pp = clock("dedupe_chars", lambda pp=pp: pp.dedupe_chars())
            found = clock("find_tables (lines)", lambda pp=pp: pp.find_tables(pdfmod._TABLE_SETTINGS))
            clock("cell text (grid index + extract_text)",
                  lambda f=found, pp=pp: [pdfmod._extract(tb.rows, pp.chars) for tb in f])
            boxes = [tb.bbox for tb in found]
            clock(
                "prose around tables (extract_text_lines)",
                lambda pp=pp, b=boxes: pp.filter(
                    lambda o: o.get("object_type") != "char" or not pdfmod._inside(o, b)
                ).extract_text_lines(return_chars=False),
            )
        pl.close()
    return t


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=20, help="synthetic reports (default 20)")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--repeat", type=int, default=3, help="rounds; the best is reported")
    args = ap.parse_args()

    rng = random.Random(args.seed)
    records = [random_record(random.Random(rng.randrange(2**32))) for _ in range(args.n)]
    start = time.perf_counter()
    pdfs = [render_pdf(rec, variant=args.seed * 1000 + i + 1) for i, rec in enumerate(records)]
    render = (time.perf_counter() - start) / args.n
    read_pdf(pdfs[0])  # imports and font caches out of the timings

    docs: list[Any] = []
    t_read = best_of(args.repeat, lambda: docs.__setitem__(slice(None), [read_pdf(d) for d in pdfs]))
    try:
        from pipeline.parse import parse_document
    except ImportError:
        parse_document = None  # type: ignore[assignment]
    t_parse = best_of(args.repeat, lambda: [parse_document(d) for d in docs]) if parse_document else None
    bare_extract_text(pdfs[:1])  # warm-up, as for read_pdf
    t_bare = best_of(args.repeat, lambda: bare_extract_text(pdfs))
    n_pages = sum(d.pages or 0 for d in docs)
    table_pages = sum(len({line.page for line in d.lines if line.cells}) for d in docs)
    n = args.n

    print(f"{n} synthetic reports, {n_pages / n:.1f} pages each, {table_pages / n:.1f} of them with tables "
          f"(render {render * 1000:.0f} ms/report, not counted)")
    print(f"  read_pdf                          {t_read / n * 1000:7.1f} ms/report")
    ours = t_read
    if t_parse is not None:
        print(f"  parse_document                    {t_parse / n * 1000:7.1f} ms/report")
        print(f"  read_pdf + parse                  {(t_read + t_parse) / n * 1000:7.1f} ms/report")
        ours = t_read + t_parse
    print(f"  pdfplumber extract_text, all pages {t_bare / n * 1000:7.1f} ms/report "
          f"({t_bare / n_pages * 1000:.1f} ms/page)")
    print(f"  ratio (ours / bare extract_text)  {ours / t_bare:7.2f}   (target <= 1.5)")
    print(f"  reports per minute, one core      {60 / (ours / n):7.0f}")

    breakdown = stages(pdfs)
    total = sum(breakdown.values())
    print(f"where read_pdf's time goes ({total / n * 1000:.1f} ms/report when run step by step):")
    for name, secs in sorted(breakdown.items(), key=lambda kv: -kv[1]):
        print(f"  {name:44} {secs / n * 1000:7.1f} ms/report  {100 * secs / total:5.1f} %")


if __name__ == "__main__":
    main()
