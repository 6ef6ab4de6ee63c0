"""The referral's sections: what the preview and the PDF both show, in reading order."""

from __future__ import annotations

from peerdesk.referral_pdf import (
    AsWritten,
    Block,
    Bullets,
    Field,
    Note,
    Section,
    SectionKind,
    Subheading,
    long_date,
    sections,
)

from .factory import DIARY_RAW, SESSION_RAW, full_document, minimal_document, override_document


def texts(block: Block) -> list[str]:
    if isinstance(block, Field):
        return [block.label, block.text]
    if isinstance(block, Note | Subheading):
        return [block.text]
    if isinstance(block, AsWritten):
        return [block.label, block.text]
    if isinstance(block, Bullets):
        return list(block.items)
    return []


def everything(all_sections: list[Section]) -> str:
    return "\n".join(
        [s.title for s in all_sections]
        + [t for s in all_sections for b in s.blocks for t in texts(b)]
    )


def test_sections_follow_sbar_order_with_consent_supporter_and_slip_last() -> None:
    titles = [s.title for s in sections(full_document())]
    assert titles == [
        "Referral",
        "Situation",
        "Background",
        "Assessment",
        "Recommendation",
        "Urgency",
        "Contacting the colleague",
        "The colleague's consent",
        "Referred by (peer supporter)",
        "Acknowledgement slip",
    ]
    all_sections = sections(full_document())
    assert all_sections[0].kind is SectionKind.SUMMARY
    assert all_sections[-1].kind is SectionKind.SLIP


def test_raw_text_is_shown_only_when_given_and_labelled_as_written() -> None:
    background = next(s for s in sections(full_document()) if s.title == "Background")
    as_written = [b for b in background.blocks if isinstance(b, AsWritten)]
    assert [(b.label, b.text) for b in as_written] == [
        ("The supporter's notes, as written", SESSION_RAW),
        ("The diary entry, as written", DIARY_RAW),
    ]
    headings = [b.text for b in background.blocks if isinstance(b, Subheading)]
    assert headings == [
        "Session, 3 March 2026",
        "Diary entry, 14 October 2026",
        "Session, 18 November 2026",
    ]


def test_empty_fields_say_not_given_or_are_left_out_consistently() -> None:
    text = everything(sections(minimal_document()))
    assert "Not named in this referral" in text
    assert text.count("Not given") >= 6  # situation, assessment, recommendation, 3 contact lines
    assert "None recorded" in text
    assert "Service contact" not in text  # an optional extra: left out
    supporter = next(s for s in sections(minimal_document()) if s.title.startswith("Referred by"))
    assert supporter.blocks == (Note("The supporter did not give contact details."),)


def test_supporter_lines_that_are_empty_are_omitted() -> None:
    doc = full_document(supporter_role="")
    supporter = next(s for s in sections(doc) if s.title.startswith("Referred by"))
    assert [b.label for b in supporter.blocks if isinstance(b, Field)] == ["Name", "Contact"]


def test_an_override_replaces_the_consent_block_with_a_duty_of_care_notice() -> None:
    all_sections = sections(override_document())
    duty = [s for s in all_sections if s.kind is SectionKind.DUTY_OF_CARE]
    assert len(duty) == 1
    assert duty[0].title == "Shared without the colleague's consent, for duty of care"
    assert "plan to harm herself" in everything(duty)
    assert "The colleague's consent" not in [s.title for s in all_sections]
    urgency = next(s for s in all_sections if s.title == "Urgency")
    assert urgency.kind is SectionKind.URGENT


def test_dates_are_written_with_the_month_in_words() -> None:
    from datetime import date

    assert long_date(date(2026, 11, 24)) == "24 November 2026"
    assert long_date(date(2027, 3, 4)) == "4 March 2027"


def test_importing_the_package_loads_neither_reportlab_nor_pypdf() -> None:
    import subprocess
    import sys

    check = (
        "import sys, peerdesk.referral_pdf\n"
        "loaded = [m for m in ('reportlab', 'pypdf', 'uharfbuzz') if m in sys.modules]\n"
        "assert not loaded, loaded\n"
    )
    subprocess.run([sys.executable, "-c", check], check=True, timeout=60)
