"""The Tools menu's work, and what goes into the notices above the workspace.

:class:`VaultTools` holds the slots behind Tools: checklist templates, back up,
check the vault, review closed cases, programme statistics. Each does nothing
while locked. The notices (a backup is due, closed cases are due for deletion)
name no one: they come from :func:`peerdesk.backup_reminder.backup_reminder_text`
and :func:`peerdesk.ui.retention_review.purge_due_text`, which only count.

The main window imports this module on first use, not at start: it pulls in
every dialog behind the menu.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from PySide6.QtCore import QObject, SignalInstance, Slot
from PySide6.QtWidgets import QWidget

from ..backup_reminder import backup_reminder_text
from ..i18n import _
from ..store import Vault
from ..store.models import VaultMode
from .backup_actions import back_up, check_integrity
from .notices import NoticeBar
from .retention_review import purge_due_text
from .stats_dialog import show_statistics
from .template_actions import export_template_file, import_template_file


class VaultTools(QObject):
    """Tools → …, for whichever vault is open; each slot does nothing while locked."""

    def __init__(
        self,
        window: QWidget,
        vault: Callable[[], Vault | None],
        review: Callable[[], int],
        locked: SignalInstance,
        notices: NoticeBar,
    ) -> None:
        super().__init__(window)
        self._window = window
        self._vault = vault
        self._review = review  # the workspace's review: it closes a person about to go
        self._locked = locked
        self.notices = notices

    @Slot()
    def import_template(self) -> None:
        if (vault := self._vault()) is not None:
            import_template_file(self._window, vault)

    @Slot()
    def export_template(self) -> None:
        if (vault := self._vault()) is not None:
            export_template_file(self._window, vault)

    @Slot()
    def back_up(self) -> None:
        if (vault := self._vault()) is not None:
            dialog = back_up(self._window, vault, closed_by=self._locked)
            dialog.finished.connect(lambda _result: self.refresh_notices())

    @Slot()
    def check_vault(self) -> None:
        if (vault := self._vault()) is not None:
            check_integrity(self._window, vault, closed_by=self._locked)

    @Slot()
    def review_retention(self) -> None:
        if self._vault() is not None:
            self._review()
            self.refresh_notices()

    @Slot()
    def statistics(self) -> None:
        if (vault := self._vault()) is not None:
            show_statistics(self._window, vault, closed_by=self._locked)

    def refresh_notices(self, today: date | None = None) -> None:
        """Read again what is due (after unlock, a backup, a review); nothing while locked."""
        vault = self._vault()
        if vault is None:
            self.notices.clear()
            return
        notices: list[tuple[str, str, Callable[[], object]]] = []
        backup = backup_reminder_text(vault, today or date.today())
        if backup is not None:
            notices.append((backup, _("Back up now…"), self.back_up))
        if vault.mode is VaultMode.RECORDS:
            purge = purge_due_text(vault, today)
            if purge is not None:
                notices.append((purge, _("Review closed cases…"), self.review_retention))
        self.notices.set_notices(notices)
