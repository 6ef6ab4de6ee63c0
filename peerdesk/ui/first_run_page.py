"""First run: what peerdesk protects and what it cannot, then choosing a passphrase.

A view only: it checks the passphrase (strength, confirmation) and says why
one is refused, and :class:`~peerdesk.ui.lock_screen.LockScreen` does the
vault work when :attr:`FirstRunPage.create_requested` fires.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QWidget

from ..i18n import _
from ..store.models import VaultMode
from .vault_mode_choice import VaultModeChoice
from .widgets import (
    CardPage,
    NewPassphraseFields,
    busy_bar,
    button,
    button_row,
    checkbox,
    plain_label,
)


class FirstRunPage(CardPage):
    """Welcome, limits, passphrase twice with a live strength meter, and "Remember"."""

    restore_requested = Signal()
    """"Restore from a backup…" pressed (a new laptop). Emits nothing."""

    create_requested = Signal()
    """The supporter pressed Create (or Enter in the confirmation). Emits nothing:
    the passphrase is taken with :meth:`take_passphrase`, never sent in a signal."""

    def __init__(self, vault_directory: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.passphrase = NewPassphraseFields(_("Passphrase"), _("Confirm passphrase"))
        self.remember = checkbox(_("Remember on this computer"))
        self.mode_choice = VaultModeChoice()
        self.create_button = button(_("Create vault"), primary=True)
        self.busy = busy_bar(_("Creating the vault"))
        self.passphrase.confirm.returnPressed.connect(self.create_requested)
        self.create_button.clicked.connect(self.create_requested)
        self.restore_button = button(_("Restore from a backup…"), link=True)
        self.restore_button.clicked.connect(self.restore_requested)
        restore_label = plain_label(_("Have a peerdesk backup already?"), "hint")
        restore_label.setWordWrap(False)
        restore_row = QHBoxLayout()
        restore_row.addWidget(restore_label, 0)
        restore_row.addWidget(self.restore_button, 0)
        restore_row.addStretch(1)

        location = plain_label(
            _("Your vault will be kept in this folder:\n{folder}").format(folder=vault_directory),
            "muted",
        )
        location.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.set_card(
            plain_label(_("Welcome to peerdesk"), "heading"),
            plain_label(
                _(
                    "peerdesk keeps your notes about the colleagues you support in an "
                    "encrypted vault on this computer. While peerdesk is locked, someone "
                    "who picks up this laptop or copies its files cannot read them."
                )
            ),
            plain_label(
                _(
                    "It cannot protect against someone watching your screen while it is "
                    "open, harmful software (malware) on this laptop, or anything you "
                    "print or export once it has left peerdesk."
                ),
                "caution",
            ),
            restore_row,  # near the top: someone on a new laptop should not scroll for it
            self.mode_choice,
            self.passphrase.form,
            self.message,  # right under the fields it is about
            plain_label(
                _("If you forget it, only the recovery code shown next can open your notes."),
                "hint",
            ),
            self.remember,
            plain_label(
                _(
                    "This lets the computer's own keychain unlock peerdesk, without "
                    "your passphrase. Leave it off if anyone else can sign in to this "
                    "computer account, or if it is a work computer that IT manages."
                ),
                "muted",
            ),
            self.busy,
            button_row(self.create_button),
            location,
        )

    def take_passphrase(self) -> str | None:
        """The chosen passphrase, or None after saying why it cannot be used.

        Both fields are emptied either way; the text is handed on only once.
        """
        passphrase, problem = self.passphrase.take()
        if problem is not None:
            self.show_problem(problem)
            self.passphrase.first.setFocus()
            return None
        self.message.hide()
        return passphrase

    @property
    def remember_requested(self) -> bool:
        """Whether "Remember on this computer" is ticked (it starts unticked)."""
        return self.remember.isChecked()

    @property
    def vault_mode(self) -> VaultMode:
        """Full records (the default) or a contact log only, as chosen for the new vault."""
        return self.mode_choice.mode()

    def set_busy(self, busy: bool) -> None:
        self.passphrase.set_enabled(not busy)
        self.remember.setEnabled(not busy)
        self.mode_choice.set_enabled(not busy)
        self.create_button.setEnabled(not busy)
        self.restore_button.setEnabled(not busy)
        self.busy.setVisible(busy)
        # The visible text says what is happening; the accessible name stays put.
        self.create_button.setText(_("Creating your vault…") if busy else _("Create vault"))

    def reset(self) -> None:
        self.passphrase.clear()
        self.remember.setChecked(False)
        self.mode_choice.reset()
        self.message.hide()
        self.set_busy(False)

    def focus(self) -> None:
        self.passphrase.first.setFocus()
