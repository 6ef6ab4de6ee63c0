"""Consents: recording one through the form, seeing status at a glance, withdrawing it."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date, timedelta

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QApplication,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QLabel,
    QLineEdit,
    QListView,
    QPlainTextEdit,
    QPushButton,
    QRadioButton,
    QWidget,
)
from pytestqt.qtbot import QtBot

from peerdesk.paths import APP_NAME
from peerdesk.store import Vault
from peerdesk.store.models import (
    Consent,
    ConsentCategory,
    ConsentMethod,
    PersonId,
    RecipientType,
)
from peerdesk.ui import consent_dialog, dialogs
from peerdesk.ui.autosave import to_date, to_qdate
from peerdesk.ui.consent_dialog import ConsentDialog
from peerdesk.ui.consent_fields import PURPOSE_MAX_CHARS
from peerdesk.ui.consents_tab import ConsentsTab
from peerdesk.ui.row_list import RowListView
from tests.conftest import HOSTILE_TEXTS, TEN_MB_NOTE

Find = Callable[..., QWidget]
ALIAS = "Sam <b>Q</b>"
TODAY = date(2025, 3, 10)  # the tab's "today" where the tests fix it


@pytest.fixture(autouse=True)
def no_leftover_answers() -> Iterator[None]:
    dialogs.clear_answers()
    consent_dialog.clear_fills()
    yield
    assert dialogs.pending_answers() == 0, "a scripted answer was not asked for"
    assert consent_dialog.pending_fills() == 0, "a scripted consent form was not opened"


@pytest.fixture
def person(vault: Vault) -> PersonId:
    return vault.people.add(ALIAS).id


def add_consent(
    vault: Vault,
    person: PersonId,
    *,
    name: str = "CareFirst",
    given: date = TODAY - timedelta(days=10),
    until: date = TODAY + timedelta(days=80),
    categories: tuple[ConsentCategory, ...] = (ConsentCategory.CONTACT_DETAILS,),
) -> Consent:
    return vault.consents.add(
        person,
        recipient_type=RecipientType.COUNSELLING,
        recipient_name=name,
        purpose="To arrange counselling",
        categories=categories,
        given_how=ConsentMethod.VERBAL,
        given_on=given,
        expires_on=until,
    )


def make_tab(
    qtbot: QtBot, vault: Vault, person: PersonId, today: date | None = TODAY
) -> ConsentsTab:
    tab = ConsentsTab(vault, person, today=today)
    qtbot.addWidget(tab)
    tab.resize(1000, 650)
    tab.show()
    qtbot.waitExposed(tab)
    return tab


def badges(tab: ConsentsTab, by_name: Find) -> list[str]:
    view = by_name(tab, QListView, "Consents")
    assert isinstance(view, RowListView)
    return [row.badge for row in view.row_model().rows()]


def detail(tab: ConsentsTab, by_name: Find, name: str) -> str:
    return by_name(tab, QLabel, name).text()


def fill(
    qtbot: QtBot,
    dialog: ConsentDialog,
    by_name: Find,
    *,
    name: str = "CareFirst Counselling",
    purpose: str = "To arrange six counselling sessions",
    ticks: tuple[str, ...] = ("Contact details", "Summary of concerns"),
    how: str = "Verbal",
    given: date | None = None,
) -> None:
    """Fill the form as a person would: pick, type, tick, choose."""
    combo = by_name(dialog, QComboBox, "Type of service")
    assert isinstance(combo, QComboBox)
    combo.setCurrentIndex(combo.findText("Counselling"))
    qtbot.keyClicks(by_name(dialog, QLineEdit, "Name of the service"), name)
    purpose_field = by_name(dialog, QPlainTextEdit, "Purpose")
    if len(purpose) < 200:
        qtbot.keyClicks(purpose_field, purpose)
    else:
        purpose_field.setPlainText(purpose)
    for tick in ticks:
        by_name(dialog, QCheckBox, tick).setChecked(True)
    by_name(dialog, QRadioButton, how).setChecked(True)
    if given is not None:
        edit = by_name(dialog, QDateEdit, "Date given")
        assert isinstance(edit, QDateEdit)
        edit.setDate(to_qdate(given))


def click(qtbot: QtBot, widget: QWidget) -> None:
    qtbot.mouseClick(widget, Qt.MouseButton.LeftButton)


def open_form(qtbot: QtBot, vault: Vault, person: PersonId) -> ConsentDialog:
    dialog = ConsentDialog(vault, person)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    return dialog


# -- recording ---------------------------------------------------------------------


def test_a_consent_recorded_through_the_form_is_listed_as_active_with_what_it_covers(
    qtbot: QtBot, vault: Vault, person: PersonId, by_name: Find
) -> None:
    tab = make_tab(qtbot, vault, person, today=None)
    seen: list[str] = []

    def record(dialog: ConsentDialog) -> None:
        dialog.show()
        fill(qtbot, dialog, by_name)
        seen.append(dialog.windowTitle())
        click(qtbot, by_name(dialog, QPushButton, "Save consent"))

    consent_dialog.fill_next(record)
    with qtbot.waitSignal(tab.changed):
        click(qtbot, by_name(tab, QPushButton, "Record consent…"))

    assert seen == [APP_NAME]
    assert badges(tab, by_name) == ["Active"]
    # The new consent is selected and read in full beside the list.
    assert detail(tab, by_name, "Who may receive it") == "Counselling\nCareFirst Counselling"
    assert detail(tab, by_name, "May be shared") == "• Contact details\n• Summary of concerns"
    not_covered = detail(tab, by_name, "Not covered")
    assert "Risk information" in not_covered
    assert "Contact details" not in not_covered
    assert detail(tab, by_name, "Purpose") == "To arrange six counselling sessions"
    assert detail(tab, by_name, "Withdrawn on") == "Not withdrawn"
    assert "90 days" in detail(tab, by_name, "Valid until")
    assert by_name(tab, QPushButton, "Withdraw consent").isEnabled()

    (stored,) = vault.consents.list_for_person(person)
    assert stored.recipient_name == "CareFirst Counselling"
    assert stored.categories == {
        ConsentCategory.CONTACT_DETAILS,
        ConsentCategory.CONCERNS_SUMMARY,
    }
    assert stored.given_how is ConsentMethod.VERBAL
    assert stored.given_on == date.today()
    assert stored.expires_on == date.today() + timedelta(days=90)


def test_a_consent_given_long_ago_is_recorded_and_shown_as_expired(
    qtbot: QtBot, vault: Vault, person: PersonId, by_name: Find
) -> None:
    tab = make_tab(qtbot, vault, person, today=None)
    notes: list[str] = []

    def record(dialog: ConsentDialog) -> None:
        dialog.show()
        fill(qtbot, dialog, by_name, how="Written", given=date(2024, 1, 5))
        # "Valid until" followed the date given: still 90 days after it.
        assert to_date(by_name(dialog, QDateEdit, "Valid until").date()) == date(2024, 4, 4)
        notes.append(by_name(dialog, QLabel, "Note").text())
        click(qtbot, by_name(dialog, QPushButton, "Save consent"))

    consent_dialog.fill_next(record)
    with qtbot.waitSignal(tab.changed):
        click(qtbot, by_name(tab, QPushButton, "Record consent…"))

    assert "ended on Thu 4 Apr 2024" in notes[0]
    assert badges(tab, by_name) == ["Expired"]
    assert detail(tab, by_name, "Consent status").startswith("Expired")
    assert detail(tab, by_name, "How and when given") == "In writing, on Fri 5 Jan 2024"
    assert not by_name(tab, QPushButton, "Withdraw consent").isEnabled()


def test_cancelling_the_form_saves_nothing(
    qtbot: QtBot, vault: Vault, person: PersonId, by_name: Find
) -> None:
    tab = make_tab(qtbot, vault, person)

    def give_up(dialog: ConsentDialog) -> None:
        dialog.show()
        fill(qtbot, dialog, by_name)
        click(qtbot, by_name(dialog, QPushButton, "Cancel"))

    consent_dialog.fill_next(give_up)
    with qtbot.assertNotEmitted(tab.changed):
        click(qtbot, by_name(tab, QPushButton, "Record consent…"))
    assert vault.consents.list_for_person(person) == []
    assert by_name(tab, QLabel, "No consents").isVisible()


def test_escape_closes_the_form_and_leaves_saved_consents_alone(
    qtbot: QtBot, vault: Vault, person: PersonId, by_name: Find
) -> None:
    before = add_consent(vault, person)
    dialog = open_form(qtbot, vault, person)
    fill(qtbot, dialog, by_name)
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    assert not dialog.isVisible()
    assert dialog.consent is None
    assert vault.consents.list_for_person(person) == [before]


def test_the_form_asks_for_nothing_in_advance(
    qtbot: QtBot, vault: Vault, person: PersonId, by_name: Find
) -> None:
    """Consent must be deliberate: no tick, no service type, no way of giving it chosen."""
    dialog = open_form(qtbot, vault, person)
    assert not any(box.isChecked() for box in dialog.findChildren(QCheckBox))
    assert not any(radio.isChecked() for radio in dialog.findChildren(QRadioButton))
    assert by_name(dialog, QComboBox, "Type of service").currentIndex() == -1
    assert to_date(by_name(dialog, QDateEdit, "Date given").date()) == date.today()
    until = to_date(by_name(dialog, QDateEdit, "Valid until").date())
    assert until == date.today() + timedelta(days=90)
    save = by_name(dialog, QPushButton, "Save consent")
    assert not save.isEnabled()
    needed = by_name(dialog, QLabel, "Still needed").text()
    assert "the type of service" in needed
    assert "how consent was given" in needed
    assert dialog.windowTitle() == APP_NAME


def test_the_date_given_cannot_be_in_the_future(
    qtbot: QtBot, vault: Vault, person: PersonId, by_name: Find
) -> None:
    dialog = open_form(qtbot, vault, person)
    given = by_name(dialog, QDateEdit, "Date given")
    assert isinstance(given, QDateEdit)
    given.setDate(to_qdate(date.today() + timedelta(days=5)))
    assert to_date(given.date()) == date.today()


def test_save_is_disabled_until_something_is_ticked(
    qtbot: QtBot, vault: Vault, person: PersonId, by_name: Find
) -> None:
    dialog = open_form(qtbot, vault, person)
    fill(qtbot, dialog, by_name, ticks=())
    save = by_name(dialog, QPushButton, "Save consent")
    assert not save.isEnabled()
    assert by_name(dialog, QLabel, "Still needed").text() == (
        "Still needed: what may be shared (tick at least one)."
    )
    assert dialog.save() is False
    click(qtbot, by_name(dialog, QCheckBox, "Risk information"))
    assert save.isEnabled()


def test_save_is_disabled_while_valid_until_is_before_the_date_given(
    qtbot: QtBot, vault: Vault, person: PersonId, by_name: Find
) -> None:
    dialog = open_form(qtbot, vault, person)
    fill(qtbot, dialog, by_name)
    until = by_name(dialog, QDateEdit, "Valid until")
    assert isinstance(until, QDateEdit)
    until.setDate(to_qdate(date.today() - timedelta(days=1)))
    save = by_name(dialog, QPushButton, "Save consent")
    assert not save.isEnabled()
    problem = by_name(dialog, QLabel, "Problem").text()
    assert "cannot be before the day consent was given" in problem
    assert dialog.save() is False
    assert vault.consents.list_for_person(person) == []
    # "Use 90 days" puts it right, and the problem goes away.
    click(qtbot, by_name(dialog, QPushButton, "Use 90 days"))
    assert to_date(until.date()) == date.today() + timedelta(days=90)
    assert save.isEnabled()
    assert not dialog.problem.isVisible()


def test_the_name_of_the_service_is_required_because_the_vault_requires_it(
    qtbot: QtBot, vault: Vault, person: PersonId, by_name: Find
) -> None:
    dialog = open_form(qtbot, vault, person)
    fill(qtbot, dialog, by_name, name="   ")
    assert not by_name(dialog, QPushButton, "Save consent").isEnabled()
    assert "the name of the service" in by_name(dialog, QLabel, "Still needed").text()


# -- hostile input ---------------------------------------------------------------------


def test_control_characters_in_the_purpose_get_a_message_and_nothing_is_saved(
    qtbot: QtBot, vault: Vault, person: PersonId, by_name: Find
) -> None:
    kept = add_consent(vault, person)
    dialog = open_form(qtbot, vault, person)
    fill(qtbot, dialog, by_name, purpose="x")
    dialog.purpose.set_text(HOSTILE_TEXTS["control characters"])
    assert not by_name(dialog, QPushButton, "Save consent").isEnabled()
    assert "control characters" in by_name(dialog, QLabel, "Problem").text()
    assert dialog.save() is False
    assert vault.consents.list_for_person(person) == [kept]


def test_control_characters_in_the_name_get_the_vaults_message(
    qtbot: QtBot, vault: Vault, person: PersonId, by_name: Find
) -> None:
    dialog = open_form(qtbot, vault, person)
    fill(qtbot, dialog, by_name)
    # As a paste would put it there (QTest cannot type control characters).
    by_name(dialog, QLineEdit, "Name of the service").setText("Care\x07First\x1b[31m")
    assert not by_name(dialog, QPushButton, "Save consent").isEnabled()
    assert "name of the service must be a single line" in by_name(dialog, QLabel, "Problem").text()
    assert vault.consents.list_for_person(person) == []


def test_a_ten_megabyte_purpose_gets_a_message_and_nothing_is_saved(
    qtbot: QtBot, vault: Vault, person: PersonId, by_name: Find
) -> None:
    kept = add_consent(vault, person)
    dialog = open_form(qtbot, vault, person)
    fill(qtbot, dialog, by_name, purpose=TEN_MB_NOTE)
    assert not by_name(dialog, QPushButton, "Save consent").isEnabled()
    problem = by_name(dialog, QLabel, "Problem").text()
    assert "too long" in problem
    assert f"{PURPOSE_MAX_CHARS:,}" in problem
    assert dialog.save() is False
    assert vault.consents.list_for_person(person) == [kept]


def test_a_ten_megabyte_paste_is_refused_whole_and_what_was_typed_stays(
    qtbot: QtBot, vault: Vault, person: PersonId, by_name: Find
) -> None:
    dialog = open_form(qtbot, vault, person)
    fill(qtbot, dialog, by_name, purpose="To arrange counselling")
    field = by_name(dialog, QPlainTextEdit, "Purpose")
    assert isinstance(field, QPlainTextEdit)
    QApplication.clipboard().setText(TEN_MB_NOTE)
    field.paste()
    assert field.toPlainText() == "To arrange counselling"
    assert "not pasted" in by_name(dialog, QLabel, "Problem").text()
    # The text typed is still good: saving works.
    click(qtbot, by_name(dialog, QPushButton, "Save consent"))
    assert dialog.consent is not None
    assert dialog.consent.purpose == "To arrange counselling"


@pytest.mark.parametrize(
    "text",
    [HOSTILE_TEXTS[k] for k in ("right-to-left marks", "emoji", "combining and zero width")],
    ids=["rtl", "emoji", "zero-width"],
)
def test_unusual_but_valid_text_is_kept_exactly_and_cannot_reorder_the_row(
    qtbot: QtBot, vault: Vault, person: PersonId, by_name: Find, text: str
) -> None:
    dialog = open_form(qtbot, vault, person)
    fill(qtbot, dialog, by_name, name="x", purpose="x")
    dialog.recipient_name.setText(text)
    dialog.purpose.set_text(text)
    assert dialog.save() is True
    assert dialog.consent is not None
    assert dialog.consent.purpose == text
    tab = make_tab(qtbot, vault, person, today=None)
    view = by_name(tab, QListView, "Consents")
    assert isinstance(view, RowListView)
    (row,) = view.row_model().rows()
    assert row.title.endswith("\u2069")  # the typed name is isolated from what follows


def test_a_vault_refusal_is_shown_in_the_form_and_the_text_stays(
    qtbot: QtBot, vault: Vault, person: PersonId, by_name: Find
) -> None:
    dialog = open_form(qtbot, vault, person)
    fill(qtbot, dialog, by_name)
    vault.people.delete(person)  # e.g. deleted from another window meanwhile
    click(qtbot, by_name(dialog, QPushButton, "Save consent"))
    assert dialog.isVisible()
    assert dialog.consent is None
    assert "no longer exists" in by_name(dialog, QLabel, "Problem").text()
    assert by_name(dialog, QPlainTextEdit, "Purpose").toPlainText() == (
        "To arrange six counselling sessions"
    )


def test_no_title_or_text_in_the_form_shows_the_alias(
    qtbot: QtBot, vault: Vault, person: PersonId, by_name: Find
) -> None:
    dialog = open_form(qtbot, vault, person)
    assert ALIAS not in dialog.windowTitle()
    assert "Sam" not in dialog.windowTitle()
    assert all("Sam" not in label.text() for label in dialog.findChildren(QLabel))


# -- status at a glance, and withdrawing -------------------------------------------


def test_each_consent_says_its_status_in_words(
    qtbot: QtBot, vault: Vault, person: PersonId, by_name: Find
) -> None:
    add_consent(vault, person, name="Old", given=date(2024, 1, 1), until=date(2024, 3, 31))
    soon = add_consent(
        vault, person, name="Soon", given=TODAY - timedelta(days=3), until=TODAY + timedelta(days=5)
    )
    add_consent(vault, person, name="Today", given=TODAY - timedelta(days=2), until=TODAY)
    gone = add_consent(vault, person, name="Gone", given=TODAY - timedelta(days=1))
    vault.consents.withdraw(gone.id, TODAY)
    add_consent(
        vault,
        person,
        name="Long",
        given=TODAY - timedelta(days=4),
        until=TODAY + timedelta(days=60),
    )
    tab = make_tab(qtbot, vault, person)
    # Newest first, as given.
    assert badges(tab, by_name) == [
        "Withdrawn on Mon 10 Mar",
        "Active · expires today",
        "Active · expires in 5 days",
        "Active",
        "Expired",
    ]
    assert tab.select(soon.id)
    assert detail(tab, by_name, "Consent status") == (
        "Active: valid for 5 days more, until Sat 15 Mar 2025."
    )


def test_withdrawing_marks_it_withdrawn_with_the_date_and_keeps_the_record(
    qtbot: QtBot, vault: Vault, person: PersonId, by_name: Find
) -> None:
    consent = add_consent(vault, person)
    other = add_consent(vault, person, name="Other", given=TODAY - timedelta(days=20))
    tab = make_tab(qtbot, vault, person)
    assert tab.select(consent.id)
    dialogs.answer_next(True)
    with qtbot.waitSignal(tab.changed):
        click(qtbot, by_name(tab, QPushButton, "Withdraw consent"))

    assert badges(tab, by_name) == ["Withdrawn on Mon 10 Mar", "Active"]
    assert detail(tab, by_name, "Withdrawn on") == "Mon 10 Mar 2025"
    assert detail(tab, by_name, "Consent status").startswith("Withdrawn on Mon 10 Mar 2025")
    assert not by_name(tab, QPushButton, "Withdraw consent").isEnabled()
    stored = vault.consents.get(consent.id)
    assert stored.withdrawn_on == TODAY
    assert stored.purpose == consent.purpose  # the history is kept as it was
    assert vault.consents.get(other.id).withdrawn_on is None


def test_cancelling_the_withdrawal_changes_nothing(
    qtbot: QtBot, vault: Vault, person: PersonId, by_name: Find
) -> None:
    consent = add_consent(vault, person)
    tab = make_tab(qtbot, vault, person)
    tab.select(consent.id)
    dialogs.answer_next(False)
    with qtbot.assertNotEmitted(tab.changed):
        click(qtbot, by_name(tab, QPushButton, "Withdraw consent"))
    assert badges(tab, by_name) == ["Active"]
    assert vault.consents.get(consent.id).withdrawn_on is None
    assert by_name(tab, QPushButton, "Withdraw consent").isEnabled()


def test_withdraw_is_only_possible_for_a_selected_active_consent(
    qtbot: QtBot, vault: Vault, person: PersonId, by_name: Find
) -> None:
    expired = add_consent(vault, person, given=date(2024, 1, 1), until=date(2024, 3, 31))
    withdrawn = add_consent(vault, person, given=TODAY - timedelta(days=5))
    vault.consents.withdraw(withdrawn.id, TODAY)
    active = add_consent(vault, person, given=TODAY - timedelta(days=1))
    tab = make_tab(qtbot, vault, person)
    assert not tab.withdraw_button.isVisibleTo(tab)  # nothing selected: nothing to act on
    tab.select(expired.id)
    withdraw = by_name(tab, QPushButton, "Withdraw consent")
    assert not withdraw.isEnabled()
    tab.select(withdrawn.id)
    assert not withdraw.isEnabled()
    tab.select(active.id)
    assert withdraw.isEnabled()
    # Pressing it for a consent no longer active (in code) asks nothing and does nothing.
    tab.select(expired.id)
    tab.withdraw()
    assert vault.consents.get(expired.id).withdrawn_on is None


def test_nothing_is_shown_until_a_consent_is_chosen(
    qtbot: QtBot, vault: Vault, person: PersonId, by_name: Find
) -> None:
    add_consent(vault, person)
    tab = make_tab(qtbot, vault, person)
    view = by_name(tab, QListView, "Consents")
    view.setFocus()
    qtbot.waitUntil(view.hasFocus)
    assert tab.selected() is None
    assert not any(
        label.isVisibleTo(tab) and label.accessibleName() == "Purpose"
        for label in tab.findChildren(QLabel)
    )
    assert tab.select(999) is False


def test_the_empty_tab_explains_what_a_consent_is_for(
    qtbot: QtBot, vault: Vault, person: PersonId, by_name: Find
) -> None:
    tab = make_tab(qtbot, vault, person)
    assert by_name(tab, QLabel, "No consents").text() == "No consents recorded yet."
    about = by_name(tab, QLabel, "About consents").text()
    assert "what this person agreed you may share" in about
    assert "referral" in about
    assert not by_name(tab, QPushButton, "Record consent…").isHidden()
    assert not [v for v in tab.findChildren(QListView) if v.isVisibleTo(tab)]


def test_the_keyboard_reaches_the_list_and_enter_goes_to_withdraw(
    qtbot: QtBot, vault: Vault, person: PersonId, by_name: Find
) -> None:
    add_consent(vault, person, name="Newer")
    older = add_consent(vault, person, name="Older", given=TODAY - timedelta(days=40))
    tab = make_tab(qtbot, vault, person)
    tab.activateWindow()
    record = by_name(tab, QPushButton, "Record consent…")
    record.setFocus()
    qtbot.waitUntil(record.hasFocus)
    qtbot.keyClick(record, Qt.Key.Key_Tab)
    view = by_name(tab, QListView, "Consents")
    qtbot.waitUntil(view.hasFocus)
    assert tab.selected() is None  # arriving in the list opens nothing by itself
    qtbot.keyClick(view, Qt.Key.Key_Return)
    selected = tab.selected()
    assert selected is not None
    assert selected.recipient_name == "Newer"
    withdraw = by_name(tab, QPushButton, "Withdraw consent")
    qtbot.waitUntil(withdraw.hasFocus)
    # Back in the list, the arrows move through the consents and show each one.
    view.setFocus()
    qtbot.waitUntil(view.hasFocus)
    qtbot.keyClick(view, Qt.Key.Key_Down)
    assert tab.selected() == older
    assert detail(tab, by_name, "Who may receive it") == "Counselling\nOlder"
    # The rows are named for screen readers: what, when, and the status.
    index = tab.view.model().index(1, 0)
    spoken = index.data(Qt.ItemDataRole.AccessibleTextRole)
    assert "Older" in spoken
    assert "Active" in spoken


def test_a_recorded_consent_is_selected_and_the_list_has_the_focus(
    qtbot: QtBot, vault: Vault, person: PersonId, by_name: Find
) -> None:
    add_consent(vault, person, given=TODAY - timedelta(days=30))
    tab = make_tab(qtbot, vault, person, today=None)

    def record(dialog: ConsentDialog) -> None:
        fill(qtbot, dialog, by_name, ticks=("Risk information",))
        assert dialog.save()

    consent_dialog.fill_next(record)
    tab.record()
    selected = tab.selected()
    assert selected is not None
    assert selected.categories == {ConsentCategory.RISK_INFORMATION}
    assert len(vault.consents.list_for_person(person)) == 2
