"""The rendered referral, read back with pypdf as the receiving service would read it."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from peerdesk.referral_pdf import render

from .factory import (
    DIARY_RAW,
    SESSION_RAW,
    full_document,
    long_document,
    minimal_document,
    override_document,
)
from .reading import all_text, flat, page_texts, pdfinfo, reader


@pytest.fixture(scope="module")
def full_pdf() -> bytes:
    return render(full_document())


def test_every_field_of_a_full_referral_is_printed(full_pdf: bytes) -> None:
    doc = full_document()
    text = all_text(full_pdf)
    consent = doc.consent
    expected = [
        "24 November 2026",
        "Employee assistance programme (EAP)",
        doc.recipient_name,
        doc.recipient_contact,
        doc.colleague_name,
        doc.situation,
        doc.background,
        *(entry.summary for entry in doc.entries),
        "Session, 3 March 2026",
        "Diary entry, 14 October 2026",
        "Session, 18 November 2026",
        *doc.risk_flags,
        "Safety check",
        doc.assessment,
        doc.recommendation,
        "Soon: please respond within a few working days.",
        doc.contact_safe_way,
        doc.contact_safe_times,
        doc.language_needs,
        doc.supporter_name,
        doc.supporter_role,
        doc.supporter_contact,
        getattr(consent, "purpose"),  # noqa: B009 - the factory's consent is given
        "20 May 2027",
        "In writing, on 20 November 2026",
    ]
    missing = [value for value in expected if flat(value) not in text]
    assert missing == []


def test_consent_block_names_what_to_whom_why_until_when_and_how(full_pdf: bytes) -> None:
    text = all_text(full_pdf)
    for words in (
        "The colleague's consent",
        "contact details, summary of concerns, incident diary entries, session summaries",
        "Agreed to share",
        "Purpose",
        "Until",
        "How consent was given",
    ):
        assert words in text
    assert "risk information" not in text  # not a category this consent covers


def test_raw_text_appears_only_for_entries_that_carry_it(full_pdf: bytes) -> None:
    text = all_text(full_pdf)
    assert flat(SESSION_RAW) in text
    assert flat(DIARY_RAW) in text
    # Two entries carry raw text, one does not: exactly one marker of each kind.
    assert text.count("The supporter's notes, as written") == 1
    assert text.count("The diary entry, as written") == 1

    none_raw = full_document(
        entries=tuple(
            type(e)(kind=e.kind, on=e.on, summary=e.summary) for e in full_document().entries
        )
    )
    text = all_text(render(none_raw))
    assert "as written" not in text
    assert flat(SESSION_RAW) not in text


def test_an_override_prints_its_reason_under_the_duty_of_care_heading() -> None:
    doc = override_document()
    text = all_text(render(doc))
    heading = "Shared without the colleague's consent, for duty of care"
    assert heading in text
    reason = flat(getattr(doc.consent, "reason"))  # noqa: B009 - an override here
    assert reason in text
    assert text.index(heading) < text.index(reason)
    assert "Agreed to share" not in text
    assert "Urgent: please respond as soon as you can" in text


def test_the_acknowledgement_slip_is_last_and_asks_to_be_returned(full_pdf: bytes) -> None:
    last = flat(page_texts(full_pdf)[-1])
    for words in (
        "Acknowledgement slip",
        "Accepted",
        "Not proceeding",
        "Reason, if not proceeding",
        "Name of service contact",
        "return it to the peer supporter",
    ):
        assert words in last


def test_empty_optional_fields_read_sensibly() -> None:
    text = all_text(render(minimal_document()))
    assert "Not named in this referral" in text
    assert "Not given" in text
    assert "The supporter did not give contact details." in text
    assert "To: Employee assistance programme (EAP)" in text
    assert "\u2014 \n" not in text
    assert not re.search(r"\u2014\s*(Page|$)", text)


def test_every_page_has_the_header_and_a_correct_page_x_of_y() -> None:
    data = render(long_document())
    pages = page_texts(data)
    total = len(pages)
    assert total >= 10
    for number, text in enumerate(pages, start=1):
        text = flat(text)
        assert "Confidential \u2014 referral" in text
        assert "24 November 2026" in text
        assert "To: Employee assistance programme (EAP) \u2014 Harbourside Wellbeing EAP" in text
        assert f"Page {number} of {total}" in text
    assert pdfinfo_pages(data) == total


def pdfinfo_pages(data: bytes) -> int:
    import tempfile

    with tempfile.NamedTemporaryFile(suffix=".pdf") as handle:
        handle.write(data)
        handle.flush()
        out = pdfinfo(handle.name).stdout
    return int(re.search(r"Pages:\s+(\d+)", out).group(1))  # type: ignore[union-attr]


def test_metadata_is_titled_referral_and_names_nobody(full_pdf: bytes, tmp_path: Path) -> None:
    doc = full_document()
    metadata = reader(full_pdf).metadata
    assert metadata is not None
    assert metadata.get("/Title") == "Referral"
    for key in ("/Author", "/Subject", "/Keywords"):
        assert metadata.get(key, "") == ""
    assert metadata.get("/Creator") == "peerdesk"
    names = [
        doc.colleague_name,
        doc.supporter_name,
        doc.recipient_name,
        "Morwenna",
        "Tobias",
        "Harbourside",
    ]
    target = tmp_path / "referral.pdf"
    target.write_bytes(full_pdf)
    info = pdfinfo(str(target))
    assert info.returncode == 0, info.stderr
    assert re.search(r"^Title:\s+Referral$", info.stdout, re.M)
    for name in names:
        assert name not in str(dict(metadata))
        assert name not in info.stdout
