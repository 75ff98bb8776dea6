"""Real-world conversions of the test reports, to find where the parser fails on real tool output.

The hidden reports the parser is scored on come from real tools (crawlers, PDF/DOCX→markdown
converters, OCR, LibreOffice-made PDFs), not from our renderer. This harness runs those tools on
the fixtures that have truth records (tests/fixtures/corpus, tests/fixtures/real, the seeds), writes
each tool's output as a family under tests/fixtures/realworld/<family>/ with a matching expected/
record (its "file" renamed to the converted file, so score.py pairs them), parses every family with
`ogi parse` and scores it with tests/fixtures/score.py.

Usage:
    .venv/bin/python benchmarks/real_world_conversions.py            # regenerate (tools present) + score
    .venv/bin/python benchmarks/real_world_conversions.py --no-generate   # score the committed files
    .venv/bin/python benchmarks/real_world_conversions.py --families ocr_psm6 lo_pdf --ocr-limit 4

Tools (a family whose tool is missing is skipped and named; its committed files still score):
    apt-get update && apt-get install -y --no-install-recommends poppler-utils poppler-data pandoc lynx w3m \
        tesseract-ocr tesseract-ocr-chi-sim libreoffice-writer-nogui fonts-wqy-zenhei
    .venv/bin/pip install trafilatura html2text beautifulsoup4 markitdown mammoth docx2txt "pymupdf4llm==1.28.2"
(pymupdf4llm 2.0 on PyPI is an empty wheel; 1.28.2 brings pymupdf.)
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FIX = ROOT / "tests" / "fixtures"
OUT = FIX / "realworld"
CACHE = Path(tempfile.gettempdir()) / "realworld_cache"
REPORTS = Path(tempfile.gettempdir()) / "realworld_reports"
BIN = Path(sys.executable).parent


@dataclass(frozen=True)
class Source:
    """A fixture with a truth record: the file a tool reads and the record it must still yield."""

    path: Path
    expected: Path

    @property
    def stem(self) -> str:
        return self.path.stem


def corpus(suffix: str) -> list[Source]:
    """Corpus files of one suffix, each with its expected record."""
    raw, exp = FIX / "corpus" / "raw", FIX / "corpus" / "expected"
    return [Source(p, exp / f"{p.stem}.json") for p in sorted(raw.glob(f"*{suffix}"))]


def real_pdfs() -> list[Source]:
    """The one real published PDF."""
    return [Source(p, p.with_suffix(".json")) for p in sorted((FIX / "real").glob("*.pdf"))]


def seeds() -> list[Source]:
    """The five real text reports and their golden records."""
    return [Source(p, FIX / "golden" / f"{p.stem}.json") for p in sorted((FIX / "seeds").glob("*.txt"))]


def run(cmd: list[str], timeout: float = 300) -> str:
    """Run a tool and return its stdout as text (UTF-8)."""
    res = subprocess.run(cmd, capture_output=True, timeout=timeout, check=True)
    return res.stdout.decode("utf-8", errors="replace")


def decode(data: bytes) -> str:
    """Decode a fixture as a browser would: a declared charset first, then UTF-8, then GB18030."""
    m = re.search(rb"charset=[\"']?([A-Za-z0-9_-]+)", data[:4000])
    for enc in ([m.group(1).decode()] if m else []) + ["utf-8", "gb18030"]:
        try:
            return data.decode(enc)
        except (LookupError, UnicodeDecodeError):
            continue
    return data.decode("utf-8", errors="replace")


def utf8_html(src: Path) -> Path:
    """A UTF-8 copy of an HTML file with its charset declaration fixed (pandoc reads UTF-8 only)."""
    text = decode(src.read_bytes())
    text = re.sub(r"charset=[\"']?[A-Za-z0-9_-]+", "charset=utf-8", text, count=1)
    out = CACHE / "utf8" / src.name
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(text, encoding="utf-8")
    return out


# ---------------------------------------------------------------- intermediate sources


def lo_convert(src: Path, fmt: str) -> Path:
    """LibreOffice headless conversion (cached): DOCX/HTML → PDF, DOCX → HTML."""
    outdir = CACHE / f"lo_{fmt.split(':')[0]}"
    outdir.mkdir(parents=True, exist_ok=True)
    ext = fmt.split(":")[0]
    out = outdir / f"{src.stem}.{ext}"
    if not out.exists():
        with tempfile.TemporaryDirectory() as profile:
            run(
                [
                    "soffice",
                    f"-env:UserInstallation=file://{profile}",
                    "--headless",
                    "--convert-to",
                    fmt,
                    "--outdir",
                    str(outdir),
                    str(src),
                ],
                timeout=180,
            )
    return out


def lo_pdfs() -> list[Source]:
    """Real-font PDFs that LibreOffice lays out from the corpus DOCX and HTML files."""
    if not shutil.which("soffice"):
        return []
    return [Source(lo_convert(s.path, "pdf"), s.expected) for s in corpus(".docx") + corpus(".html")]


def lo_pdfs_kept() -> list[Source]:
    """The LibreOffice PDFs committed as a family: all DOCX-made ones, three HTML-made ones (size)."""
    keep = ("_docx", "004_", "021_", "046_")
    return [s for s in lo_pdfs() if any(k in s.path.name for k in keep)]


def word_htmls() -> list[Source]:
    """Word-exported HTML (LibreOffice from the corpus DOCX), the shape many government pages have."""
    if not shutil.which("soffice"):
        return []
    return [Source(lo_convert(s.path, "html:XHTML Writer File:UTF8"), s.expected) for s in corpus(".docx")]


def lo_texts() -> list[Source]:
    """Word's 'save as text' as LibreOffice writes it (a table cell a line) from the corpus DOCX."""
    if not shutil.which("soffice"):
        return []
    return [Source(lo_convert(s.path, "txt:Text (encoded):UTF8"), s.expected) for s in corpus(".docx")]


def all_pdfs() -> list[Source]:
    return corpus(".pdf") + real_pdfs() + lo_pdfs()


def all_htmls() -> list[Source]:
    return corpus(".html") + word_htmls()


def ocr_sample() -> list[Source]:
    """OCR is slow: the corpus PDFs, the real PDF and a few LibreOffice PDFs (DOCX- and HTML-made)."""
    lo = lo_pdfs()
    return corpus(".pdf") + real_pdfs() + lo[:3] + lo[-2:]


# ---------------------------------------------------------------- converters (src → text)


def pdftotext(layout: bool) -> Callable[[Path], str]:
    def conv(src: Path) -> str:
        return run(["pdftotext", *(["-layout"] if layout else []), "-enc", "UTF-8", str(src), "-"])

    return conv


def pymupdf4llm_md(src: Path) -> str:
    import pymupdf4llm  # type: ignore[import-not-found]

    return pymupdf4llm.to_markdown(str(src), show_progress=False)


def pymupdf_text(src: Path) -> str:
    import pymupdf  # type: ignore[import-not-found]

    with pymupdf.open(str(src)) as doc:
        return "\n".join(page.get_text() for page in doc)


def pdfplumber_text(src: Path) -> str:
    import pdfplumber

    with pdfplumber.open(str(src)) as pdf:
        return "\n".join(page.extract_text() or "" for page in pdf.pages)


def pdfminer_text(src: Path) -> str:
    from pdfminer.high_level import extract_text

    return extract_text(str(src))


def docx2txt_text(src: Path) -> str:
    import docx2txt  # type: ignore[import-not-found]

    return docx2txt.process(str(src))


def python_docx_text(src: Path) -> str:
    """What a scraper using python-docx writes: paragraphs, then each table row's cells tab-joined."""
    import docx  # type: ignore[import-not-found]

    d = docx.Document(str(src))
    out = [p.text for p in d.paragraphs]
    for table in d.tables:
        out += ["\t".join(c.text for c in row.cells) for row in table.rows]
    return "\n".join(out)


def markitdown_md(src: Path) -> str:
    from markitdown import MarkItDown  # type: ignore[import-not-found]

    if src.suffix == ".html":
        src = utf8_html(src)
    return MarkItDown().convert(str(src)).text_content


def pandoc(to: str) -> Callable[[Path], str]:
    def conv(src: Path) -> str:
        fmt = "docx" if src.suffix == ".docx" else "html"
        path = utf8_html(src) if fmt == "html" else src
        return run(["pandoc", "-f", fmt, "-t", to, "--wrap=none", str(path)])

    return conv


def html2text_md(src: Path) -> str:
    import html2text  # type: ignore[import-not-found]

    h = html2text.HTML2Text()
    h.body_width = 0
    return h.handle(decode(src.read_bytes()))


def trafilatura_txt(markdown: bool) -> Callable[[Path], str]:
    def conv(src: Path) -> str:
        import trafilatura  # type: ignore[import-not-found]

        fmt = "markdown" if markdown else "txt"
        return trafilatura.extract(decode(src.read_bytes()), include_tables=True, output_format=fmt) or ""

    return conv


def bs4_text(sep: str) -> Callable[[Path], str]:
    def conv(src: Path) -> str:
        from bs4 import BeautifulSoup  # type: ignore[import-not-found]

        soup = BeautifulSoup(decode(src.read_bytes()), "lxml")
        for tag in soup(["script", "style"]):
            tag.decompose()
        return soup.get_text(sep)

    return conv


def lynx_dump(width: int) -> Callable[[Path], str]:
    def conv(src: Path) -> str:
        # lynx garbles GBK pages (no GBK display support): feed it the page decoded, as a crawler would
        page = str(utf8_html(src))
        return run(["lynx", "-dump", "-nolist", "-display_charset=utf-8", f"-width={width}", page])

    return conv


def w3m_dump(cols: int) -> Callable[[Path], str]:
    def conv(src: Path) -> str:
        return run(
            ["w3m", "-dump", "-T", "text/html", "-O", "UTF-8", "-cols", str(cols), str(utf8_html(src))]
        )

    return conv


def collapse(joiner: str) -> Callable[[Path], str]:
    """Copy-paste from a browser into a form that folds whitespace: runs become one space, or nothing."""

    def conv(src: Path) -> str:
        text = bs4_text("\n")(src) if src.suffix == ".html" else decode(src.read_bytes())
        return joiner.join(text.split()) + "\n"

    return conv


def ocr(psm: str | None) -> Callable[[Path], str]:
    def conv(src: Path) -> str:
        with tempfile.TemporaryDirectory() as tmp:
            run(["pdftoppm", "-r", "200", "-png", str(src), f"{tmp}/p"], timeout=300)
            pages = []
            for png in sorted(Path(tmp).glob("p-*.png")):
                cmd = ["tesseract", str(png), "-", "-l", "chi_sim", *(["--psm", psm] if psm else [])]
                pages.append(run(cmd, timeout=600))
            return "\n".join(pages)

    return conv


# ---------------------------------------------------------------- families


@dataclass(frozen=True)
class Family:
    """One tool shape: which fixtures it reads, what it writes, and what it needs installed."""

    name: str
    inputs: Callable[[], list[Source]]
    ext: str
    convert: Callable[[Path], str] | None  # None: the input file itself is the family's file
    needs: tuple[str, ...]  # executables or importable modules


def html_and_docx() -> list[Source]:
    return corpus(".docx") + corpus(".html")


def html_and_seeds() -> list[Source]:
    return corpus(".html") + seeds()


FAMILIES: list[Family] = [
    Family("lo_pdf", lo_pdfs_kept, ".pdf", None, ("soffice",)),
    Family("lo_word_html", word_htmls, ".html", None, ("soffice",)),
    Family("lo_txt", lo_texts, ".txt", None, ("soffice",)),
    Family("pdftotext_layout", all_pdfs, ".txt", pdftotext(True), ("pdftotext",)),
    Family("pdftotext_raw", all_pdfs, ".txt", pdftotext(False), ("pdftotext",)),
    Family("pymupdf_text", all_pdfs, ".txt", pymupdf_text, ("pymupdf",)),
    Family("pymupdf4llm_md", all_pdfs, ".md", pymupdf4llm_md, ("pymupdf4llm",)),
    Family("pdfplumber_text", all_pdfs, ".txt", pdfplumber_text, ("pdfplumber",)),
    Family("pdfminer_text", all_pdfs, ".txt", pdfminer_text, ("pdfminer",)),
    Family("docx2txt", lambda: corpus(".docx"), ".txt", docx2txt_text, ("docx2txt",)),
    Family("python_docx", lambda: corpus(".docx"), ".txt", python_docx_text, ("docx",)),
    Family("markitdown_pdf", all_pdfs, ".md", markitdown_md, ("markitdown",)),
    Family("markitdown_docx_html", html_and_docx, ".md", markitdown_md, ("markitdown", "mammoth")),
    Family("pandoc_gfm", html_and_docx, ".md", pandoc("gfm"), ("pandoc",)),
    Family("pandoc_plain", html_and_docx, ".txt", pandoc("plain"), ("pandoc",)),
    Family("html2text_md", all_htmls, ".md", html2text_md, ("html2text",)),
    Family("trafilatura_txt", all_htmls, ".txt", trafilatura_txt(False), ("trafilatura",)),
    Family("trafilatura_md", all_htmls, ".md", trafilatura_txt(True), ("trafilatura",)),
    Family("bs4_nosep", all_htmls, ".txt", bs4_text(""), ("bs4",)),
    Family("bs4_newline", all_htmls, ".txt", bs4_text("\n"), ("bs4",)),
    Family("lynx_dump", all_htmls, ".txt", lynx_dump(200), ("lynx",)),
    Family("lynx_dump80", all_htmls, ".txt", lynx_dump(80), ("lynx",)),  # the default width: cells wrap
    Family("w3m_dump", all_htmls, ".txt", w3m_dump(200), ("w3m",)),
    Family("copypaste_space", html_and_seeds, ".txt", collapse(" "), ("bs4",)),
    Family("copypaste_none", html_and_seeds, ".txt", collapse(""), ("bs4",)),
    Family("ocr_psm6", ocr_sample, ".txt", ocr("6"), ("pdftoppm", "tesseract")),
    Family("ocr_default", ocr_sample, ".txt", ocr(None), ("pdftoppm", "tesseract")),
]


def missing(fam: Family) -> list[str]:
    """The tools a family needs that this machine lacks."""
    import importlib.util

    out = []
    for need in fam.needs:
        if shutil.which(need):
            continue
        try:
            if importlib.util.find_spec(need) is not None:
                continue
        except (ImportError, ValueError):
            pass
        out.append(need)
    if "tesseract" in fam.needs and "tesseract" not in out:
        langs = subprocess.run(["tesseract", "--list-langs"], capture_output=True, text=True).stdout
        if "chi_sim" not in langs.split():
            out.append("tesseract-ocr-chi-sim")
    return out


def generate(fam: Family, ocr_limit: int | None) -> list[str]:
    """Write a family's converted files and renamed expected records; return the errors met."""
    outdir = OUT / fam.name
    expdir = outdir / "expected"
    expdir.mkdir(parents=True, exist_ok=True)
    errors: list[str] = []
    sources = fam.inputs()
    if ocr_limit is not None and fam.name.startswith("ocr_"):
        sources = sources[:ocr_limit]
    for src in sources:
        name = f"{src.stem}__{fam.name}{fam.ext}"
        target = outdir / name
        try:
            if fam.convert is None:
                shutil.copyfile(src.path, target)
            else:
                target.write_text(fam.convert(src.path), encoding="utf-8")
        except Exception as e:  # a tool failing on one file is a finding, not a stop
            errors.append(f"{fam.name}: {src.path.name}: {type(e).__name__}: {str(e)[:200]}")
            continue
        record = json.loads(src.expected.read_text(encoding="utf-8"))
        record["file"] = name
        (expdir / f"{Path(name).stem}.json").write_text(
            json.dumps(record, ensure_ascii=False) + "\n", encoding="utf-8"
        )
    return errors


def score(fam_dir: Path) -> dict:
    """Parse a family's files and score them; the score.py JSON report."""
    files = sorted(p for p in fam_dir.iterdir() if p.is_file())
    REPORTS.mkdir(parents=True, exist_ok=True)
    out = REPORTS / f"{fam_dir.name}.jsonl"
    rep = REPORTS / f"{fam_dir.name}.report.json"
    with out.open("w", encoding="utf-8") as fh:
        subprocess.run(
            [str(BIN / "ogi"), "parse", "--json", "--timeout", "0", *map(str, files)],
            stdout=fh,
            stderr=subprocess.DEVNULL,
            check=False,
        )
    subprocess.run(
        [
            sys.executable,
            str(FIX / "score.py"),
            str(out),
            "--expected",
            str(fam_dir / "expected"),
            "--report",
            str(rep),
        ],
        capture_output=True,
        check=False,
    )
    return json.loads(rep.read_text(encoding="utf-8"))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--families", nargs="*", help="only these families (default: all)")
    ap.add_argument("--no-generate", action="store_true", help="score the committed files only")
    ap.add_argument("--ocr-limit", type=int, default=None, help="OCR at most N reports per OCR family")
    ap.add_argument("--per-file", action="store_true", help="also print each file's score")
    args = ap.parse_args(argv)
    fams = [f for f in FAMILIES if not args.families or f.name in args.families]
    errors: list[str] = []
    if not args.no_generate:
        for fam in fams:
            lack = missing(fam)
            if lack:
                print(f"skip generating {fam.name}: missing {', '.join(lack)}", file=sys.stderr)
                continue
            errors += generate(fam, args.ocr_limit)
    rows = []
    for fam in fams:
        d = OUT / fam.name
        if not (d / "expected").is_dir():
            continue
        rep = score(d)
        o = rep["overall"]
        rows.append((fam.name, len(rep["documents"]), o["compared"], o["matched"], o["cell_accuracy"]))
        if args.per_file:
            for doc in rep["documents"]:
                print(f"  {fam.name:22s} {doc['file']:48s} {doc['compared']:5d} {doc['accuracy']:.4f}")
    print(f"{'family':22s} {'files':>5s} {'cells':>6s} {'matched':>7s} {'score':>6s}")
    for name, n, c, m, acc in rows:
        print(f"{name:22s} {n:5d} {c:6d} {m:7d} {acc:6.4f}")
    tc, tm = sum(r[2] for r in rows), sum(r[3] for r in rows)
    print(f"{'ALL':22s} {sum(r[1] for r in rows):5d} {tc:6d} {tm:7d} {tm / tc if tc else 0:6.4f}")
    for e in errors:
        print(f"error: {e}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
