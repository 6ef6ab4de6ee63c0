"""The referral wizard, driven as a supporter would: a real vault, real widgets, real PDFs.

Only the operating system's save dialog is stood in for (it would block);
everything written is read back from the vault and from the PDF with pypdf.
"""

from __future__ import annotations

import re
import stat
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from pypdf import PdfReader
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import (
    QApplication,
    QCheckBox,
    QComboBox,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QRadioButton,
    QWidget,
)
from pytestqt.qtbot import QtBot

from peerdesk.paths import APP_NAME
from peerdesk.preferences import SUPPORTER_CONTACT, SUPPORTER_NAME, SUPPORTER_ROLE, Preferences
from peerdesk.referral_builder import SITUATION_MAX_CHARS
from peerdesk.store import Vault
from peerdesk.store.models import (
    ConsentCategory,
    ConsentMethod,
    PersonId,
    RecipientType,
    ReferralStatus,
    Urgency,
)
from peerdesk.ui import dialogs, file_dialogs
from peerdesk.ui.escalation_panel import start_urgent_referral
from peerdesk.ui.referral_background import BackgroundPage, choice_name
from peerdesk.ui.referral_consent import ConsentPage
from peerdesk.ui.referral_pages import RecipientPage, SituationPage, UrgencyPage
from peerdesk.ui.referral_preview import PreviewPage
from peerdesk.ui.referral_wizard import ReferralWizard
from peerdesk.ui.referrals_tab import ReferralsTab
from tests.conftest import TEN_MB_NOTE

from .driving import find

TODAY = date.today()
SESSION_NOTES = "Talked about the meeting.\nUNCHOSENRAWMARK she was upset.\nMore."
OTHER_NOTES = "A different day. OTHERSESSIONMARK never chosen."


@pytest.fixture
def person(vault: Vault) -> PersonId:
    person_id = vault.people.add("Blue heron", real_name="Alex Morgan").id
    vault.sessions.add(person_id, notes=SESSION_NOTES, started_at=datetime(2026, 3, 3, 9, 30))
    vault.sessions.add(person_id, notes=OTHER_NOTES, started_at=datetime(2026, 2, 1, 10, 0))
    prefs = Preferences(vault.settings)
    prefs.set(SUPPORTER_NAME, "Sam Okafor")
    prefs.set(SUPPORTER_ROLE, "Peer supporter")
    prefs.set(SUPPORTER_CONTACT, "07700 900123")
    return person_id


def add_consent(vault: Vault, person_id: PersonId) -> None:
    vault.consents.add(
        person_id,
        recipient_type=RecipientType.EAP,
        recipient_name="Harbour EAP",
        purpose="Counselling",
        categories=set(ConsentCategory),
        given_how=ConsentMethod.VERBAL,
        given_on=TODAY - timedelta(days=1),
        expires_on=TODAY + timedelta(days=60),
    )


@dataclass
class SaveDialog:
    """The stand-in for the OS save dialog: where it answers, and what it was asked."""

    path: Path
    suggested: list[str] = field(default_factory=list)


@pytest.fixture
def save_dialog(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> SaveDialog:
    dialog = SaveDialog(tmp_path / "exports" / "chosen.pdf")
    dialog.path.parent.mkdir(mode=0o700)

    def answer(_parent: QWidget | None, _caption: str, suggested: str, _filter: str) -> Path:
        dialog.suggested.append(suggested)
        return dialog.path

    monkeypatch.setattr(file_dialogs, "get_save_path", answer)
    return dialog


@pytest.fixture
def save_to(save_dialog: SaveDialog) -> Path:
    return save_dialog.path


def click(qtbot: QtBot, widget: QWidget) -> None:
    """Click where a person would: on a box's indicator, or a button's middle."""
    if isinstance(widget, QCheckBox | QRadioButton):
        qtbot.mouseClick(widget, Qt.MouseButton.LeftButton, pos=QPoint(8, widget.height() // 2))
    else:
        qtbot.mouseClick(widget, Qt.MouseButton.LeftButton)


def type_in(qtbot: QtBot, root: QWidget, kind: type[QWidget], name: str, text: str) -> None:
    field = find(root, kind, name)
    field.setFocus()
    qtbot.keyClicks(field, text)


def new_wizard(qtbot: QtBot, tab: ReferralsTab) -> ReferralWizard:
    click(qtbot, find(tab, QPushButton, "New referral…"))
    wizard = tab.wizard
    assert wizard is not None
    qtbot.waitExposed(wizard)
    return wizard


def press_next(qtbot: QtBot, wizard: ReferralWizard) -> None:
    click(qtbot, find(wizard, QPushButton, "Next"))


def fill_to_consent(qtbot: QtBot, wizard: ReferralWizard, vault: Vault) -> None:
    """Every writing step, as typed, ending on the consent step."""
    assert find(wizard, QComboBox, "Kind of service").currentText().startswith("Employee")
    type_in(qtbot, wizard, QLineEdit, "Service name", "Harbour EAP")
    type_in(qtbot, wizard, QPlainTextEdit, "How to reach the service", "0800 123 SERVICEMARK")
    assert find(wizard, QLineEdit, "Colleague's name for the service").text() == "Alex Morgan"
    press_next(qtbot, wizard)

    type_in(qtbot, wizard, QPlainTextEdit, "Situation", "Belittled at work SITUATIONMARK")
    press_next(qtbot, wizard)

    assert isinstance(wizard.current_page, BackgroundPage)
    type_in(qtbot, wizard, QPlainTextEdit, "Background", "Since January BACKGROUNDMARK")
    page = wizard.current_page
    newest = next(iter(page.rows.values()))  # newest first: the 3 March session
    name = choice_name(newest.choice)
    click(qtbot, find(wizard, QCheckBox, f"Include {name}"))
    # The summary is never filled in by itself.
    summary = find(wizard, QPlainTextEdit, f"Summary of {name}")
    assert summary.toPlainText() == ""
    type_in(qtbot, wizard, QPlainTextEdit, f"Summary of {name}", "Upset SUMMARYMARK")
    assert not find(wizard, QCheckBox, f"Include the notes of {name} as written").isChecked()
    press_next(qtbot, wizard)

    type_in(qtbot, wizard, QPlainTextEdit, "Assessment", "Tired ASSESSMENTMARK")
    click(qtbot, find(wizard, QRadioButton, "A safety check was done with them"))
    press_next(qtbot, wizard)
    type_in(qtbot, wizard, QPlainTextEdit, "Recommendation", "Offer counselling RECOMMENDMARK")
    press_next(qtbot, wizard)
    click(qtbot, find(wizard, QRadioButton, "Soon"))
    press_next(qtbot, wizard)
    type_in(qtbot, wizard, QPlainTextEdit, "Safe way to reach them", "Text first SAFEWAYMARK")
    press_next(qtbot, wizard)
    assert isinstance(wizard.current_page, ConsentPage)


def pdf_text(path: Path, password: str = "") -> str:
    reader = PdfReader(path)
    if password:
        reader.decrypt(password)
    return re.sub(r"\s+", " ", " ".join(page.extract_text() or "" for page in reader.pages))


def flat(text: str) -> str:
    return re.sub(r"\s+", " ", text)


def test_a_referral_written_step_by_step_is_exported_as_a_private_pdf(
    qtbot: QtBot, tab: ReferralsTab, vault: Vault, person: PersonId, save_to: Path
) -> None:
    add_consent(vault, person)
    wizard = new_wizard(qtbot, tab)
    assert wizard.windowTitle() == APP_NAME
    fill_to_consent(qtbot, wizard, vault)

    covered = find(wizard, QLabel, "Consent found")
    assert "Harbour EAP" in covered.text()
    press_next(qtbot, wizard)
    assert isinstance(wizard.current_page, PreviewPage)

    export = find(wizard, QPushButton, "Export PDF…")
    assert not export.isEnabled()
    reasons = find(wizard, QLabel, "Why the PDF cannot be made yet")
    assert "Read the preview back" in reasons.text()
    click(qtbot, find(wizard, QCheckBox, "I have read this back to the colleague"))
    assert export.isEnabled()
    assert not reasons.isVisible()
    # The safe choice is the default button: Back, never Export.
    assert find(wizard, QPushButton, "Back").isDefault()
    assert not export.isDefault()

    with qtbot.waitSignal(tab.changed):
        click(qtbot, export)

    assert save_to.exists()
    assert stat.S_IMODE(save_to.stat().st_mode) == 0o600
    assert [p.name for p in save_to.parent.iterdir() if p.name.startswith(".")] == []
    text = pdf_text(save_to)
    for marker in ("SITUATIONMARK", "RECOMMENDMARK", "SUMMARYMARK", "BACKGROUNDMARK"):
        assert marker in text
    for private in ("Blue heron", "UNCHOSENRAWMARK", "OTHERSESSIONMARK"):
        assert private not in text
    (referral,) = vault.referrals.list_for_person(person)
    assert referral.status is ReferralStatus.CREATED
    assert referral.urgency is Urgency.SOON
    assert referral.consent_id is not None
    assert referral.override_reason is None
    assert referral.follow_up_on == TODAY + timedelta(days=14)
    assert [e.action for e in vault.audit.list()][0] == "referral_exported"
    assert tab.wizard is None or not tab.wizard.isVisible()
    assert "PDF made" in find(tab, QLabel, "Urgency").text()


def test_the_suggested_file_name_is_a_date_never_a_name(
    qtbot: QtBot, tab: ReferralsTab, vault: Vault, person: PersonId, save_dialog: SaveDialog
) -> None:
    add_consent(vault, person)
    wizard = new_wizard(qtbot, tab)
    fill_to_consent(qtbot, wizard, vault)
    press_next(qtbot, wizard)
    click(qtbot, find(wizard, QCheckBox, "I have read this back to the colleague"))
    click(qtbot, find(wizard, QPushButton, "Export PDF…"))
    assert save_dialog.suggested == [f"referral-{TODAY.isoformat()}.pdf"]


def test_without_consent_it_goes_on_only_with_a_written_reason(
    qtbot: QtBot, tab: ReferralsTab, vault: Vault, person: PersonId, save_to: Path
) -> None:
    wizard = new_wizard(qtbot, tab)
    fill_to_consent(qtbot, wizard, vault)
    problem = find(wizard, QLabel, "Consent problem")
    assert problem.text() == "No consent is recorded for EAP (Harbour EAP)."

    # Straight to the preview (as a draft continued later would be): no export.
    assert wizard.show_page(PreviewPage)
    export = find(wizard, QPushButton, "Export PDF…")
    assert not export.isEnabled()
    reasons = find(wizard, QLabel, "Why the PDF cannot be made yet")
    assert "No consent is recorded" in reasons.text()
    assert "Consents tab" in reasons.text()

    assert wizard.show_page(ConsentPage)
    press_next(qtbot, wizard)
    assert isinstance(wizard.current_page, ConsentPage)
    assert "not covered by consent" in find(wizard, QLabel, "Problem").text()
    click(qtbot, find(wizard, QCheckBox, "Share without consent (duty of care)"))
    press_next(qtbot, wizard)
    assert isinstance(wizard.current_page, ConsentPage)
    assert "Write why" in find(wizard, QLabel, "Problem").text()
    type_in(
        qtbot,
        wizard,
        QPlainTextEdit,
        "Why you are sharing without consent",
        "Immediate risk to life OVERRIDEMARK",
    )
    press_next(qtbot, wizard)
    assert isinstance(wizard.current_page, PreviewPage)
    assert "OVERRIDEMARK" in wizard.preview_page.preview_text()
    click(qtbot, find(wizard, QCheckBox, "I have read this back to the colleague"))
    click(qtbot, export)

    assert "OVERRIDEMARK" in pdf_text(save_to)
    (referral,) = vault.referrals.list_for_person(person)
    assert referral.status is ReferralStatus.CREATED
    assert referral.override_reason == "Immediate risk to life OVERRIDEMARK"
    assert referral.consent_id is None


def test_a_password_encrypts_the_pdf_with_aes_256(
    qtbot: QtBot, tab: ReferralsTab, vault: Vault, person: PersonId, save_to: Path
) -> None:
    add_consent(vault, person)
    wizard = new_wizard(qtbot, tab)
    fill_to_consent(qtbot, wizard, vault)
    press_next(qtbot, wizard)
    click(qtbot, find(wizard, QCheckBox, "I have read this back to the colleague"))
    password = find(wizard, QLineEdit, "Password for the PDF")
    assert password.echoMode() is QLineEdit.EchoMode.Password
    type_in(qtbot, wizard, QLineEdit, "Password for the PDF", "river otter 81")
    type_in(qtbot, wizard, QLineEdit, "Confirm the password", "river otter 8")
    export = find(wizard, QPushButton, "Export PDF…")
    assert not export.isEnabled()
    assert "not the same" in find(wizard, QLabel, "Why the PDF cannot be made yet").text()
    type_in(qtbot, wizard, QLineEdit, "Confirm the password", "1")
    assert export.isEnabled()
    click(qtbot, export)

    reader = PdfReader(save_to)
    assert reader.is_encrypted
    encrypt = reader.trailer["/Encrypt"].get_object()
    assert (encrypt["/V"], encrypt["/R"]) == (5, 6)  # AES-256, PDF 2.0 handler
    assert "SITUATIONMARK" not in save_to.read_bytes().decode("latin-1")
    assert reader.decrypt("wrong").name == "NOT_DECRYPTED"
    assert "SITUATIONMARK" in pdf_text(save_to, "river otter 81")
    assert password.text() == ""  # not kept in the window after use


def test_the_preview_shows_what_the_pdf_contains(
    qtbot: QtBot, tab: ReferralsTab, vault: Vault, person: PersonId, save_to: Path
) -> None:
    add_consent(vault, person)
    wizard = new_wizard(qtbot, tab)
    fill_to_consent(qtbot, wizard, vault)
    press_next(qtbot, wizard)
    preview = flat(wizard.preview_page.preview_text())
    click(qtbot, find(wizard, QCheckBox, "I have read this back to the colleague"))
    click(qtbot, find(wizard, QPushButton, "Export PDF…"))
    text = pdf_text(save_to)
    for key in (
        "Alex Morgan",
        "Harbour EAP",
        "0800 123 SERVICEMARK",
        "Belittled at work SITUATIONMARK",
        "Since January BACKGROUNDMARK",
        "Upset SUMMARYMARK",
        "Tired ASSESSMENTMARK",
        "Offer counselling RECOMMENDMARK",
        "Text first SAFEWAYMARK",
        "Sam Okafor",
        "07700 900123",
        "Situation",
        "Recommendation",
        "Acknowledgement",
    ):
        assert key in preview, key
        assert key in text, key
    for absent in ("Blue heron", "UNCHOSENRAWMARK", "OTHERSESSIONMARK"):
        assert absent not in preview
        assert absent not in text
    # Section headings come in the same order in both.
    headings = ["Situation", "Background", "Assessment", "Recommendation", "Acknowledgement"]
    assert [preview.index(h) for h in headings] == sorted(preview.index(h) for h in headings)
    assert [text.index(h) for h in headings] == sorted(text.index(h) for h in headings)


def test_ticking_include_notes_warns_and_puts_them_in_the_preview(
    qtbot: QtBot, tab: ReferralsTab, vault: Vault, person: PersonId
) -> None:
    add_consent(vault, person)
    wizard = new_wizard(qtbot, tab)
    fill_to_consent(qtbot, wizard, vault)
    assert wizard.show_page(BackgroundPage)
    row = next(iter(wizard.page(BackgroundPage).rows.values()))  # type: ignore[attr-defined]
    name = choice_name(row.choice)
    raw = find(wizard, QCheckBox, f"Include the notes of {name} as written")
    click(qtbot, raw)
    assert "word for word" in row.raw_warning.text()
    assert row.raw_warning.isVisible()
    assert wizard.show_page(PreviewPage)
    assert "UNCHOSENRAWMARK" in wizard.preview_page.preview_text()
    assert "OTHERSESSIONMARK" not in wizard.preview_page.preview_text()


def test_start_from_the_notes_only_when_asked(
    qtbot: QtBot, tab: ReferralsTab, vault: Vault, person: PersonId
) -> None:
    wizard = new_wizard(qtbot, tab)
    assert wizard.show_page(BackgroundPage)
    row = next(iter(wizard.page(BackgroundPage).rows.values()))  # type: ignore[attr-defined]
    click(qtbot, row.pick)
    assert row.summary.toPlainText() == ""
    click(qtbot, find(wizard, QPushButton, "Start from the first lines of the notes"))
    assert row.summary.toPlainText() == SESSION_NOTES  # its first three lines
    assert not row.start_button.isEnabled()


def test_closing_midway_keeps_the_draft(
    qtbot: QtBot, tab: ReferralsTab, vault: Vault, person: PersonId
) -> None:
    wizard = new_wizard(qtbot, tab)
    type_in(qtbot, wizard, QLineEdit, "Service name", "Harbour EAP")
    press_next(qtbot, wizard)
    type_in(qtbot, wizard, QPlainTextEdit, "Situation", "Typed but never moved on")
    with qtbot.waitSignal(wizard.finished):
        qtbot.keyClick(find(wizard, QPlainTextEdit, "Situation"), Qt.Key.Key_Escape)

    (referral,) = vault.referrals.list_for_person(person)
    assert referral.status is ReferralStatus.DRAFT
    assert referral.recipient_name == "Harbour EAP"
    assert referral.situation == "Typed but never moved on"
    assert referral.colleague_name == "Alex Morgan"

    # Continuing shows it all again.
    tab.select(referral.id)
    click(qtbot, find(tab, QPushButton, "Continue…"))
    again = tab.wizard
    assert again is not None
    assert find(again, QLineEdit, "Service name").text() == "Harbour EAP"
    again.show_page(SituationPage)
    assert find(again, QPlainTextEdit, "Situation").toPlainText() == "Typed but never moved on"


def test_a_wizard_closed_untouched_leaves_nothing(
    qtbot: QtBot, tab: ReferralsTab, vault: Vault, person: PersonId
) -> None:
    wizard = new_wizard(qtbot, tab)
    press_next(qtbot, wizard)
    wizard.close()
    assert vault.referrals.list_for_person(person) == []


def test_an_urgent_draft_continues_with_urgency_set_and_the_service_to_choose(
    qtbot: QtBot, tab: ReferralsTab, vault: Vault, person: PersonId
) -> None:
    draft = start_urgent_referral(vault, person)
    tab.refresh()
    tab.select(draft.id)
    click(qtbot, find(tab, QPushButton, "Continue…"))
    wizard = tab.wizard
    assert wizard is not None
    assert find(wizard, QLineEdit, "Service name").text() == ""
    assert find(wizard, QLineEdit, "Colleague's name for the service").text() == "Alex Morgan"
    assert wizard.show_page(UrgencyPage)
    assert find(wizard, QRadioButton, "Urgent").isChecked()
    assert wizard.show_page(PreviewPage)
    reasons = find(wizard, QLabel, "Why the PDF cannot be made yet").text()
    assert "Choose the service" in reasons


def test_control_characters_in_a_name_are_refused_inline_and_kept(
    qtbot: QtBot, tab: ReferralsTab, vault: Vault, person: PersonId
) -> None:
    wizard = new_wizard(qtbot, tab)
    name = find(wizard, QLineEdit, "Service name")
    name.setText("Harbour\x07 EAP\x1b[31m")
    press_next(qtbot, wizard)
    assert isinstance(wizard.current_page, RecipientPage)
    problem = find(wizard, QLabel, "Problem")
    assert "control characters" in problem.text()
    assert name.text() == "Harbour\x07 EAP\x1b[31m"


def test_a_ten_megabyte_situation_is_kept_but_stops_the_export(
    qtbot: QtBot, tab: ReferralsTab, vault: Vault, person: PersonId
) -> None:
    add_consent(vault, person)
    wizard = new_wizard(qtbot, tab)
    type_in(qtbot, wizard, QLineEdit, "Service name", "Harbour EAP")
    press_next(qtbot, wizard)
    situation = find(wizard, QPlainTextEdit, "Situation")
    situation.setFocus()
    QApplication.clipboard().setText(TEN_MB_NOTE)
    qtbot.keyClick(situation, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)
    too_long = find(wizard, QLabel, "Situation too long")
    assert "longer than a situation needs" in too_long.text()
    press_next(qtbot, wizard)
    (referral,) = vault.referrals.list_for_person(person)
    assert len(referral.situation) == len(TEN_MB_NOTE)  # nothing lost
    assert wizard.show_page(PreviewPage)
    assert not find(wizard, QPushButton, "Export PDF…").isEnabled()
    reasons = find(wizard, QLabel, "Why the PDF cannot be made yet").text()
    assert f"longer than {SITUATION_MAX_CHARS} characters" in reasons


def test_hostile_text_goes_through_to_the_pdf_without_harm(
    qtbot: QtBot,
    tab: ReferralsTab,
    vault: Vault,
    person: PersonId,
    save_to: Path,
    hostile_text: str,
) -> None:
    add_consent(vault, person)
    wizard = new_wizard(qtbot, tab)
    fill_to_consent(qtbot, wizard, vault)
    assert wizard.show_page(SituationPage)
    find(wizard, QPlainTextEdit, "Situation").setPlainText(hostile_text[:SITUATION_MAX_CHARS])
    assert wizard.show_page(PreviewPage)
    click(qtbot, find(wizard, QCheckBox, "I have read this back to the colleague"))
    click(qtbot, find(wizard, QPushButton, "Export PDF…"))
    assert save_to.exists()
    assert "RECOMMENDMARK" in pdf_text(save_to)


def test_a_failed_write_leaves_a_draft_and_no_file(
    qtbot: QtBot,
    tab: ReferralsTab,
    vault: Vault,
    person: PersonId,
    save_dialog: SaveDialog,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    told: list[str] = []

    def inform(_parent: QWidget | None, text: str, *, problem: bool = False) -> None:
        told.append(text)
        assert problem

    monkeypatch.setattr(dialogs, "inform", inform)
    add_consent(vault, person)
    wizard = new_wizard(qtbot, tab)
    fill_to_consent(qtbot, wizard, vault)
    press_next(qtbot, wizard)
    click(qtbot, find(wizard, QCheckBox, "I have read this back to the colleague"))
    # A folder that went away meanwhile (a USB stick pulled out): the write fails.
    folder = save_dialog.path.parent
    save_dialog.path = folder / "gone" / "referral.pdf"
    click(qtbot, find(wizard, QPushButton, "Export PDF…"))

    assert len(told) == 1
    assert "still a draft" in told[0]
    assert "SITUATIONMARK" not in told[0]
    assert list(folder.iterdir()) == []
    (referral,) = vault.referrals.list_for_person(person)
    assert referral.status is ReferralStatus.DRAFT
    assert all(e.action != "referral_exported" for e in vault.audit.list())
    assert wizard.isVisible()  # nothing lost: still there to try again


def test_enter_moves_on_but_never_exports(
    qtbot: QtBot, tab: ReferralsTab, vault: Vault, person: PersonId, save_to: Path
) -> None:
    add_consent(vault, person)
    wizard = new_wizard(qtbot, tab)
    fill_to_consent(qtbot, wizard, vault)
    press_next(qtbot, wizard)
    click(qtbot, find(wizard, QCheckBox, "I have read this back to the colleague"))
    qtbot.keyClick(find(wizard, QLineEdit, "Password for the PDF"), Qt.Key.Key_Return)
    assert not save_to.exists()
    assert isinstance(wizard.current_page, PreviewPage)


def test_the_wizard_can_be_made_on_its_own(qtbot: QtBot, vault: Vault, person: PersonId) -> None:
    wizard = ReferralWizard(vault, person)
    qtbot.addWidget(wizard)
    assert wizard.windowTitle() == APP_NAME
    assert [page.title for page in wizard.pages][:2] == ["Who it goes to", "Situation"]
