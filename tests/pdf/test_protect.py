"""Password protection: AES-256 (revision 6) that pypdf and poppler both honour."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from pypdf.errors import FileNotDecryptedError

from peerdesk.referral_pdf import protect, render

from .factory import full_document
from .reading import pdfinfo, reader

PASSWORD = "harbour lights 42"


@pytest.fixture(scope="module")
def protected() -> bytes:
    return protect(render(full_document()), PASSWORD)


def test_the_protected_pdf_cannot_be_read_without_the_password(protected: bytes) -> None:
    pdf = reader(protected)
    assert pdf.is_encrypted
    assert not pdf.decrypt("wrong password")
    with pytest.raises(FileNotDecryptedError):
        reader(protected).pages[0].extract_text()
    assert b"Morwenna" not in protected
    assert b"Harbourside" not in protected


def test_the_password_opens_it_with_all_its_content(protected: bytes) -> None:
    pdf = reader(protected)
    assert pdf.decrypt(PASSWORD)
    text = " ".join(page.extract_text() for page in pdf.pages)
    assert "Morwenna Tregarthen" in text
    assert pdf.metadata is not None
    assert pdf.metadata.get("/Title") == "Referral"


def test_it_uses_aes_256_revision_6_never_rc4(protected: bytes) -> None:
    encrypt = reader(protected).trailer["/Encrypt"].get_object()
    assert encrypt["/V"] == 5
    assert encrypt["/R"] == 6
    filters = encrypt["/CF"]
    assert filters[encrypt["/StmF"]]["/CFM"] == "/AESV3"
    assert filters[encrypt["/StrF"]]["/CFM"] == "/AESV3"
    assert all(f["/CFM"] != "/V2" for f in filters.values())  # V2 is RC4


def test_poppler_reports_aes_256_with_the_password_and_refuses_without(
    protected: bytes, tmp_path: Path
) -> None:
    target = tmp_path / "protected.pdf"
    target.write_bytes(protected)
    opened = pdfinfo(str(target), "-upw", PASSWORD)
    assert opened.returncode == 0, opened.stderr
    assert re.search(r"^Encrypted:\s+yes.*AES-256", opened.stdout, re.M)
    refused = pdfinfo(str(target))
    assert refused.returncode != 0
    assert "Incorrect password" in refused.stderr or "password" in refused.stderr.lower()


def test_an_empty_password_is_refused() -> None:
    with pytest.raises(ValueError, match="password"):
        protect(render(full_document()), "")
