"""The first-run choice of what a new vault keeps: full records, or a contact log only.

The choice is made once, when the vault is created, and kept for its life
(:class:`~peerdesk.store.models.VaultMode`), so the page says so before the
supporter creates anything. Full records is the default.
"""

from __future__ import annotations

from PySide6.QtWidgets import QButtonGroup, QLabel, QRadioButton, QVBoxLayout, QWidget

from ..i18n import _
from ..store.models import VaultMode
from .widgets import plain_label

# Lines a hint up with its radio button's text, past the indicator.
HINT_INDENT = 28


def _hint(text: str) -> QLabel:
    label = plain_label(text, "hint")
    label.setContentsMargins(HINT_INDENT, 0, 0, 4)
    return label


class VaultModeChoice(QWidget):
    """Two radio buttons, each with a sentence on when to choose it, and a note it is final."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("vaultModeChoice")
        heading = plain_label(_("What this vault keeps"), "fieldLabel")
        self.records = QRadioButton(_("Full records"))
        records_hint = _(
            "Aliases, notes, incident diaries, consents and referrals. Choose this if "
            "your programme lets supporters keep confidential notes about the "
            "colleagues they support."
        )
        self.contact_log = QRadioButton(_("Contact log only"))
        contact_log_hint = _(
            "No names and no notes: only the date, duration, how, concern categories "
            "and whether a referral was made. Choose this if your programme keeps no "
            "identifying records."
        )
        self._buttons = {VaultMode.RECORDS: self.records, VaultMode.CONTACT_LOG: self.contact_log}
        group = QButtonGroup(self)
        for radio, hint in ((self.records, records_hint), (self.contact_log, contact_log_hint)):
            radio.setAccessibleName(radio.text())
            radio.setAccessibleDescription(hint)
            group.addButton(radio)
        final = plain_label(
            _("You cannot change this later: a different choice needs a new vault."), "muted"
        )

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 4, 0, 4)
        layout.setSpacing(4)
        layout.addWidget(heading)
        layout.addWidget(self.records)
        layout.addWidget(_hint(records_hint))
        layout.addWidget(self.contact_log)
        layout.addWidget(_hint(contact_log_hint))
        layout.addWidget(final)
        self.reset()

    def mode(self) -> VaultMode:
        return VaultMode.CONTACT_LOG if self.contact_log.isChecked() else VaultMode.RECORDS

    def set_mode(self, mode: VaultMode) -> None:
        self._buttons[VaultMode(mode)].setChecked(True)

    def reset(self) -> None:
        self.set_mode(VaultMode.RECORDS)

    def set_enabled(self, enabled: bool) -> None:
        for radio in self._buttons.values():
            radio.setEnabled(enabled)
