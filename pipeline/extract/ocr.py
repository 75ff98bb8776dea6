"""OCR for PDF pages without a text layer (scanned reports), through the tesseract command.

Small governments often publish a scan. pdfium renders the page; tesseract (Debian's
``tesseract-ocr`` with ``tesseract-ocr-chi-sim``) reads it in its default page segmentation,
which keeps a ruled table's rows on lines (``--psm 6`` shreds them; measured on the real-world
conversion families). The image goes through a pipe: nothing is written. Where tesseract or
its Chinese data is missing the page stays unread and the problem says what to install.
"""

from __future__ import annotations

import functools
import io
import shutil
import subprocess
from typing import Any

DPI = 200  # what the real-world OCR families were measured at
LANGUAGE = "chi_sim"
PAGE_SECONDS = 60
INSTALL = "apt-get install tesseract-ocr tesseract-ocr-chi-sim"


@functools.cache
def available() -> str | None:
    """The tesseract version line when tesseract with Chinese data can run, else None."""
    exe = shutil.which("tesseract")
    if exe is None:
        return None
    try:
        langs = subprocess.run([exe, "--list-langs"], capture_output=True, text=True, timeout=30)
        version = subprocess.run([exe, "--version"], capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.SubprocessError):
        return None
    if LANGUAGE not in langs.stdout.split():
        return None
    first = (version.stdout or version.stderr).splitlines()
    return first[0].strip() if first else "tesseract"


def reader_name() -> str:
    """How the provenance names the reader of an OCR'd line."""
    return f"ocr ({available() or 'tesseract'}, {LANGUAGE}, {DPI} dpi)"


def page_text(page: Any) -> str:
    """The text tesseract reads off one pdfium page (rendered in grey at ``DPI``)."""
    exe = shutil.which("tesseract") or "tesseract"
    image = page.render(scale=DPI / 72, grayscale=True).to_pil()
    png = io.BytesIO()
    image.save(png, format="PNG")
    done = subprocess.run(
        [exe, "stdin", "stdout", "-l", LANGUAGE],
        input=png.getvalue(),
        capture_output=True,
        timeout=PAGE_SECONDS,
        check=True,
    )
    return done.stdout.decode("utf-8", "replace")
