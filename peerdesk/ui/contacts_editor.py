"""The settings editor for the programme's crisis and escalation contacts.

One small block per contact: who, how to reach them, and when to use them.
A placeholder that was never filled in shows its hint ("Your EAP phone
number") in the empty field, so the supporter sees what belongs there. The
settings dialog checks and stores the list with its Save button, by the rules
in :mod:`peerdesk.crisis_contacts`.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from ..crisis_contacts import MAX_CONTACTS, CrisisContact
from ..i18n import _
from ..store.values import MAX_LINE_CHARS
from .widgets import button


class ContactBlock(QFrame):
    """The three fields of one contact, and a way to remove it."""

    def __init__(self, number: int, contact: CrisisContact, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("contactBlock")
        self.hint = contact.hint if contact.is_placeholder else ""
        self.name = QLineEdit(contact.shown_name if contact.is_placeholder else contact.name)
        self.how = QLineEdit(contact.how)
        self.when = QLineEdit(contact.when)
        if self.hint:
            self.how.setPlaceholderText(_(self.hint))
            self.how.setToolTip(_(self.hint))
        self.remove_button = button(_("Remove"), link=True)
        form = QFormLayout(self)
        form.setContentsMargins(12, 8, 12, 8)
        form.setHorizontalSpacing(12)
        form.setVerticalSpacing(6)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.setLabelAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        rows = (
            (_("Who"), self.name),
            (_("How to reach them"), self.how),
            (_("When to use (optional)"), self.when),
        )
        for text, field in rows:
            field.setMaxLength(MAX_LINE_CHARS)
            # The visible label's words, and which contact: five "Who" fields need telling apart.
            field.setAccessibleName(
                _("{label}, contact {number}").format(label=text, number=number)
            )
            label = QLabel(text)
            label.setBuddy(field)
            field.setCursorPosition(0)  # the start of a long name, not its end
            if field is self.name:
                # One widget, not a layout: the form then centres "Who" on the field.
                line = QWidget()
                row = QHBoxLayout(line)
                row.setContentsMargins(0, 0, 0, 0)
                row.setSpacing(8)
                row.addWidget(field, 1)
                row.addWidget(self.remove_button)
                form.addRow(label, line)
            else:
                form.addRow(label, field)
        self.remove_button.setAccessibleName(_("Remove contact {number}").format(number=number))

    def contact(self) -> CrisisContact:
        return CrisisContact(self.name.text(), self.how.text(), self.when.text(), self.hint)

    def clear(self) -> None:
        for field in (self.name, self.how, self.when):
            field.clear()


class CrisisContactsEditor(QWidget):
    """Edits the list of contacts; :meth:`contacts` is what the fields hold now."""

    def __init__(self, contacts: Sequence[CrisisContact], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("contactsEditor")
        self._blocks: list[ContactBlock] = []
        self._column = QVBoxLayout()
        self._column.setSpacing(8)
        self.add_button = button(_("Add a contact"))
        self.add_button.clicked.connect(lambda: self._add(CrisisContact(""), focus=True))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(8)
        layout.addLayout(self._column)
        row = QHBoxLayout()
        row.addWidget(self.add_button)
        row.addStretch(1)
        layout.addLayout(row)
        self.set_contacts(contacts)

    @property
    def blocks(self) -> list[ContactBlock]:
        return list(self._blocks)

    def set_contacts(self, contacts: Sequence[CrisisContact]) -> None:
        for block in self._blocks:
            block.hide()
            block.deleteLater()
        self._blocks = []
        for contact in contacts:
            self._add(contact)

    def contacts(self) -> list[CrisisContact]:
        return [block.contact() for block in self._blocks]

    def clear(self) -> None:
        """Empty every field (the dialog is abandoned at lock)."""
        for block in self._blocks:
            block.clear()

    def _add(self, contact: CrisisContact, *, focus: bool = False) -> None:
        block = ContactBlock(len(self._blocks) + 1, contact)
        block.remove_button.clicked.connect(lambda: self._remove(block))
        self._blocks.append(block)
        self._column.addWidget(block)
        block.show()  # now, so the focus can go to it
        self.add_button.setEnabled(len(self._blocks) < MAX_CONTACTS)
        if focus:
            block.name.setFocus(Qt.FocusReason.OtherFocusReason)

    def _remove(self, block: ContactBlock) -> None:
        # Renumber by rebuilding: the accessible names say "contact 2", and must stay true.
        kept = [b.contact() for b in self._blocks if b is not block]
        self.set_contacts(kept)
        if self._blocks:
            self._blocks[-1].name.setFocus(Qt.FocusReason.OtherFocusReason)
        else:
            self.add_button.setFocus(Qt.FocusReason.OtherFocusReason)
