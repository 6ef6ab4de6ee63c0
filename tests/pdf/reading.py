"""Reading rendered PDFs back, as a service receiving one would: text, metadata, fonts."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import unicodedata
from typing import Any

from pypdf import PdfReader


def reader(data: bytes) -> PdfReader:
    return PdfReader(io.BytesIO(data))


def page_texts(data: bytes) -> list[str]:
    return [page.extract_text() for page in reader(data).pages]


def flat(text: str) -> str:
    """Whitespace collapsed, so text that wrapped over lines compares with what was typed."""
    return re.sub(r"\s+", " ", text).strip()


def all_text(data: bytes) -> str:
    return flat(" ".join(page_texts(data)))


def nfkc(text: str) -> str:
    """Arabic prints in contextual forms (initial, medial, final, ligatures); a reader's
    extraction returns those presentation-form characters, which NFKC folds back to
    the letters that were typed."""
    return unicodedata.normalize("NFKC", text)


def require_tool(name: str) -> str:
    path = shutil.which(name)
    assert path, (
        f"{name} is needed for these tests: install poppler-utils (apt-get install poppler-utils)"
    )
    return path


def pdfinfo(path: str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [require_tool("pdfinfo"), *args, path], capture_output=True, text=True, timeout=60
    )


def fonts_used(data: bytes) -> dict[str, Any]:
    """Every embedded (subset) font the pages use, by base font name, as its PDF dictionary.

    reportlab also lists Helvetica, its canvas's starting font, on every page;
    none of our text is set in it (styles name only the bundled fonts).
    """
    found: dict[str, Any] = {}
    for page in reader(data).pages:
        resources = page.get("/Resources")
        if resources is None:
            continue
        for ref in resources.get_object().get("/Font", {}).values():
            font = ref.get_object()
            if "+" in str(font["/BaseFont"]):
                found[str(font["/BaseFont"])] = font
    return found
