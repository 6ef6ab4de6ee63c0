"""The workspace of a contact-log-only vault: log a contact, and the contacts logged, newest first.

Such a vault keeps no names, notes or diaries (see
:class:`~peerdesk.store.models.VaultMode`), so this screen has no text field at
all: a contact is its day, how long, how, the concern categories and whether a
referral was made. A line across the top says so, every time it is opened.

Like the records workspace, every widget that shows content lives under this
one, and the main window destroys it on lock.
"""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtWidgets import QHBoxLayout, QVBoxLayout, QWidget

from ..i18n import _
from ..store import NotFound, Vault, VaultError
from ..store.models import ContactId, ContactLogEntry
from ..timeline import SEPARATOR, DateStyle, Row, duration_text, mode_text
from ..vocabulary import concerns_text
from . import dialogs
from .contact_log_form import ContactForm
from .row_list import KEY_ROLE, RowListView, date_style
from .widgets import button, plain_label

FORM_WIDTH = 420


def contact_log_notice() -> str:
    """What a contact-log-only vault is, in one line: the banner and the About text say it."""
    return _(
        "Contact log only: this vault keeps no names and no notes, only the date, "
        "duration, how, concern categories and whether a referral was made."
    )


def contact_row(entry: ContactLogEntry, dates: DateStyle) -> Row:
    """A contact in the list: its day; how, how long and what about; a referral as its badge."""
    facts = [mode_text(entry.mode)]
    duration = duration_text(entry.duration_minutes)
    facts.append(duration or _("duration not recorded"))
    facts.append(concerns_text(entry.concerns) or _("no concern category"))
    badge = _("Referral made") if entry.referral_made else ""
    return Row(entry.id, dates.day(entry.occurred_on), ((SEPARATOR.join(facts), False),), badge)


class ContactLogView(QWidget):
    """The contact log over one open contact-log-only vault."""

    def __init__(self, vault: Vault, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("contactLog")
        self._vault = vault
        self._entries: dict[ContactId, ContactLogEntry] = {}

        self.banner = plain_label(contact_log_notice(), "contactLogBanner")
        self.banner.setAccessibleName(_("Contact log only"))

        self.form = ContactForm()
        self.form.setFixedWidth(FORM_WIDTH)
        self.form.submitted.connect(self.submit)
        self.form.cancelled.connect(self.cancel_change)

        self.list_view = RowListView(_("Contacts"))
        self.list_view.row_chosen.connect(lambda _key: self._update_buttons())
        self.list_view.activated.connect(self._activated)
        self.list_view.delete_pressed.connect(self.delete_selected)
        self.count = plain_label("", "hint")
        self.empty_hint = plain_label(
            _("No contacts yet. Each one you log appears here, the newest first."), "muted"
        )
        self.empty_hint.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.change_button = button(_("Change"))
        self.change_button.clicked.connect(self.change_selected)
        self.delete_button = button(_("Delete…"))
        self.delete_button.clicked.connect(self.delete_selected)

        heading = QHBoxLayout()
        heading.addWidget(plain_label(_("Contacts"), "paneHeading"))
        heading.addWidget(self.count, 1, Qt.AlignmentFlag.AlignBottom)
        actions = QHBoxLayout()
        actions.addStretch(1)
        actions.addWidget(self.change_button)
        actions.addWidget(self.delete_button)
        contacts = QVBoxLayout()
        contacts.setContentsMargins(4, 16, 16, 12)
        contacts.setSpacing(8)
        contacts.addLayout(heading)
        contacts.addWidget(self.list_view, 1)
        contacts.addWidget(self.empty_hint, 1)
        contacts.addLayout(actions)

        body = QHBoxLayout()
        body.setContentsMargins(0, 0, 0, 0)
        body.setSpacing(8)
        body.addWidget(self.form, 0, Qt.AlignmentFlag.AlignTop)
        body.addLayout(contacts, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.banner)
        layout.addLayout(body, 1)
        self.refresh()
        self.setFocusProxy(self.form.day)

    # -- what the main window calls ---------------------------------------------------------

    def flush(self) -> None:
        """Nothing saves by itself here: a contact is logged only when asked."""

    def has_unsaved_changes(self) -> bool:
        return False

    # -- actions ----------------------------------------------------------------------------

    def refresh(self, today: date | None = None) -> None:
        dates = date_style(today)
        entries = self._vault.contacts.list()
        self._entries = {entry.id: entry for entry in entries}
        current = self.list_view.current_key()
        self.list_view.row_model().set_rows([contact_row(entry, dates) for entry in entries])
        self.list_view.select_key(current)
        self.list_view.setVisible(bool(entries))
        self.empty_hint.setVisible(not entries)
        for action in (self.change_button, self.delete_button):
            action.setVisible(bool(entries))  # nothing to change yet: no greyed-out buttons
        self.count.setText(
            _("1 contact, newest first")
            if len(entries) == 1
            else _("{n} contacts, newest first").format(n=len(entries))
            if entries
            else ""
        )
        self._update_buttons()

    def submit(self) -> None:
        """Log the form's contact, or save the changes to the one being changed."""
        fields = self.form.fields()
        editing = self.form.editing
        try:
            if editing is None:
                entry = self._vault.contacts.add(
                    fields.occurred_on,
                    fields.duration_minutes,
                    fields.mode,
                    fields.concerns,
                    fields.referral_made,
                )
            else:
                entry = self._vault.contacts.update(
                    editing,
                    occurred_on=fields.occurred_on,
                    duration_minutes=fields.duration_minutes,
                    mode=fields.mode,
                    concerns=fields.concerns,
                    referral_made=fields.referral_made,
                )
        except VaultError as problem:  # InvalidContact too: it says which field and why
            if isinstance(problem, NotFound):  # deleted meanwhile: back to logging a new one
                self.form.reset()
                self.refresh()
            self.form.show_problem(str(problem))
            return
        day = date_style().day(entry.occurred_on)
        self.form.reset()
        self.form.show_note(
            _("Contact of {day} logged.").format(day=day)
            if editing is None
            else _("Contact of {day} changed.").format(day=day)
        )
        self.refresh()
        self.list_view.select_key(entry.id)
        self._update_buttons()
        self.form.focus()

    def change_selected(self) -> None:
        """Load the selected contact into the form to change it."""
        entry = self._selected()
        if entry is not None:
            self.form.load(entry, date_style().day(entry.occurred_on))
            self.form.focus()

    def cancel_change(self) -> None:
        self.form.reset()
        self.form.note.hide()
        self.list_view.setFocus(Qt.FocusReason.OtherFocusReason)

    def delete_selected(self) -> None:
        """Erase the selected contact, after asking (Cancel is the default)."""
        entry = self._selected()
        if entry is None:
            return
        if not dialogs.confirm_destructive(
            self,
            _("Delete the contact of {day}?").format(day=date_style().day(entry.occurred_on)),
            _(
                "It is erased from the vault and no longer counts in the statistics. "
                "This cannot be undone."
            ),
            _("Delete contact"),
        ):
            return
        try:
            self._vault.contacts.delete(entry.id)
        except NotFound:
            pass  # gone already: the list below catches up
        except VaultError as problem:
            dialogs.inform(self, str(problem), problem=True)
        if self.form.editing == entry.id:
            self.form.reset()
        self.form.note.hide()
        self.refresh()
        self.list_view.setFocus(Qt.FocusReason.OtherFocusReason)

    # -- helpers ----------------------------------------------------------------------------

    def _selected(self) -> ContactLogEntry | None:
        key = self.list_view.current_key()
        return self._entries.get(ContactId(key)) if isinstance(key, int) else None

    def _activated(self, index: QModelIndex) -> None:
        if isinstance(index.data(KEY_ROLE), int):
            self.change_selected()

    def _update_buttons(self) -> None:
        chosen = self._selected() is not None
        self.change_button.setEnabled(chosen)
        self.delete_button.setEnabled(chosen)
