"""Tools → Back up… and Tools → Check the vault…, as two functions for the main window.

Each shows its dialog window-modally and returns it at once (``open()``, not
``exec()``): the work runs off the GUI thread and the dialog reports it. Pass
the window's ``locked`` signal as ``closed_by``: a lock cancels a backup under
way (no file is left) and closes the dialog, so nothing outlives the unlock.

The backup reminder's text comes from :func:`peerdesk.backup_reminder.backup_reminder_text`.
"""

from __future__ import annotations

from PySide6.QtCore import SignalInstance
from PySide6.QtWidgets import QWidget

from ..store import Vault
from .backup_dialog import BackupDialog
from .integrity_dialog import IntegrityDialog


def back_up(
    parent: QWidget | None, vault: Vault, *, closed_by: SignalInstance | None = None
) -> BackupDialog:
    """Ask how the backup opens and where it goes, then write it with progress and Cancel."""
    dialog = BackupDialog(vault, parent)
    _show(dialog, closed_by)
    return dialog


def check_integrity(
    parent: QWidget | None, vault: Vault, *, closed_by: SignalInstance | None = None
) -> IntegrityDialog:
    """Run the full integrity check with a busy bar, then say what it found in plain words."""
    dialog = IntegrityDialog(vault, parent)
    _show(dialog, closed_by)
    return dialog


def _show(dialog: BackupDialog | IntegrityDialog, closed_by: SignalInstance | None) -> None:
    if closed_by is not None:
        closed_by.connect(dialog.abandon)

        def disconnect(_result: int) -> None:
            # The dialog may go before the window: never leave a slot on a dead one.
            closed_by.disconnect(dialog.abandon)

        dialog.finished.connect(disconnect)
    dialog.finished.connect(dialog.deleteLater)
    dialog.open()


__all__ = ["BackupDialog", "IntegrityDialog", "back_up", "check_integrity"]
